//! Header names: case-insensitive, compact forms, canonical spelling, list grammar.

use std::fmt;

use super::text::SipStr;

/// ASCII case-insensitive equality with a canonical name, a word or two at a time
/// (no call to `memcmp`; the canonical side folds to constants once inlined).
#[inline(always)]
fn eq(name: &[u8], canonical: &[u8]) -> bool {
    let n = canonical.len();
    if name.len() != n {
        return false;
    }
    // Two overlapping words cover names of 4 to 16 bytes; the rest go byte by byte.
    match n {
        8..=16 => {
            word_eq(name.get(..8), canonical.get(..8))
                && word_eq(name.get(n - 8..), canonical.get(n - 8..))
        }
        4..=7 => {
            word_eq(name.get(..4), canonical.get(..4))
                && word_eq(name.get(n - 4..), canonical.get(n - 4..))
        }
        _ => name.eq_ignore_ascii_case(canonical),
    }
}

/// ASCII case-insensitive equality of two equal-length words of up to eight bytes,
/// `canonical` being ASCII: a byte matches when equal, or when the canonical byte is a
/// letter and the two differ only in the case bit (the other byte is then that letter
/// in the other case).
#[inline(always)]
fn word_eq(name: Option<&[u8]>, canonical: Option<&[u8]>) -> bool {
    let (Some(a), Some(c)) = (name, canonical) else {
        return false;
    };
    let (Some(wa), Some(wc)) = (word(a), word(c)) else {
        return false;
    };
    let letters = c.iter().rev().fold(0u64, |m, &y| {
        (m << 8) | if y.is_ascii_alphabetic() { 0x20 } else { 0 }
    });
    a.len() == c.len() && (wa ^ wc) & !letters == 0
}

/// Eight or four bytes as a little-endian number.
#[inline(always)]
fn word(b: &[u8]) -> Option<u64> {
    if let Ok(w) = <[u8; 8]>::try_from(b) {
        Some(u64::from_le_bytes(w))
    } else if let Ok(w) = <[u8; 4]>::try_from(b) {
        Some(u64::from(u32::from_le_bytes(w)))
    } else {
        None
    }
}

/// Known header fields (index into [`TABLE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub(crate) enum Known {
    Accept,
    AcceptContact,
    AcceptEncoding,
    AcceptLanguage,
    AlertInfo,
    Allow,
    AllowEvents,
    AuthenticationInfo,
    Authorization,
    CallId,
    CallInfo,
    Contact,
    ContentDisposition,
    ContentEncoding,
    ContentLanguage,
    ContentLength,
    ContentType,
    CSeq,
    Date,
    ErrorInfo,
    Event,
    Expires,
    From,
    Identity,
    IdentityInfo,
    InReplyTo,
    MaxForwards,
    MinExpires,
    MinSe,
    MimeVersion,
    Organization,
    PAssertedIdentity,
    PPreferredIdentity,
    Path,
    Priority,
    Privacy,
    ProxyAuthenticate,
    ProxyAuthorization,
    ProxyRequire,
    RAck,
    Reason,
    RecordRoute,
    ReferTo,
    ReferredBy,
    RejectContact,
    Replaces,
    ReplyTo,
    RequestDisposition,
    Require,
    RetryAfter,
    Route,
    RSeq,
    Server,
    ServiceRoute,
    SessionExpires,
    Subject,
    SubscriptionState,
    Supported,
    Timestamp,
    To,
    Unsupported,
    UserAgent,
    Via,
    Warning,
    WwwAuthenticate,
}

/// (canonical name, compact form, comma-separated list grammar), in `Known` order.
const TABLE: &[(&str, Option<u8>, bool)] = &[
    ("Accept", None, true),
    ("Accept-Contact", Some(b'a'), true),
    ("Accept-Encoding", None, true),
    ("Accept-Language", None, true),
    ("Alert-Info", None, true),
    ("Allow", None, true),
    ("Allow-Events", Some(b'u'), true),
    ("Authentication-Info", None, false),
    ("Authorization", None, false),
    ("Call-ID", Some(b'i'), false),
    ("Call-Info", None, true),
    ("Contact", Some(b'm'), true),
    ("Content-Disposition", None, false),
    ("Content-Encoding", Some(b'e'), true),
    ("Content-Language", None, true),
    ("Content-Length", Some(b'l'), false),
    ("Content-Type", Some(b'c'), false),
    ("CSeq", None, false),
    ("Date", None, false),
    ("Error-Info", None, true),
    ("Event", Some(b'o'), false),
    ("Expires", None, false),
    ("From", Some(b'f'), false),
    ("Identity", Some(b'y'), false),
    ("Identity-Info", Some(b'n'), false),
    ("In-Reply-To", None, true),
    ("Max-Forwards", None, false),
    ("Min-Expires", None, false),
    ("Min-SE", None, false),
    ("MIME-Version", None, false),
    ("Organization", None, false),
    ("P-Asserted-Identity", None, true),
    ("P-Preferred-Identity", None, true),
    ("Path", None, true),
    ("Priority", None, false),
    ("Privacy", None, false),
    ("Proxy-Authenticate", None, false),
    ("Proxy-Authorization", None, false),
    ("Proxy-Require", None, true),
    ("RAck", None, false),
    ("Reason", None, true),
    ("Record-Route", None, true),
    ("Refer-To", Some(b'r'), false),
    ("Referred-By", Some(b'b'), false),
    ("Reject-Contact", Some(b'j'), true),
    ("Replaces", None, false),
    ("Reply-To", None, false),
    ("Request-Disposition", Some(b'd'), true),
    ("Require", None, true),
    ("Retry-After", None, false),
    ("Route", None, true),
    ("RSeq", None, false),
    ("Server", None, false),
    ("Service-Route", None, true),
    ("Session-Expires", Some(b'x'), false),
    ("Subject", Some(b's'), false),
    ("Subscription-State", None, false),
    ("Supported", Some(b'k'), true),
    ("Timestamp", None, false),
    ("To", Some(b't'), false),
    ("Unsupported", None, true),
    ("User-Agent", None, false),
    ("Via", Some(b'v'), true),
    ("Warning", None, true),
    ("WWW-Authenticate", None, false),
];

impl Known {
    fn entry(self) -> (&'static str, Option<u8>, bool) {
        TABLE
            .get(self as usize)
            .copied()
            .unwrap_or(("", None, false))
    }

    /// Looks a name up, case-insensitively, including compact forms: one comparison
    /// after dispatching on (length, first letter, last letter).
    #[inline]
    fn lookup(name: &[u8]) -> Option<Known> {
        let (Some(&f), Some(&l)) = (name.first(), name.last()) else {
            return None;
        };
        if name.len() == 1 {
            return Self::compact(f.to_ascii_lowercase());
        }
        match (name.len(), f.to_ascii_lowercase(), l.to_ascii_lowercase()) {
            (2, b't', b'o') => {
                if eq(name, b"To") {
                    Some(Known::To)
                } else {
                    None
                }
            }
            (3, b'v', b'a') => {
                if eq(name, b"Via") {
                    Some(Known::Via)
                } else {
                    None
                }
            }
            (4, b'c', b'q') => {
                if eq(name, b"CSeq") {
                    Some(Known::CSeq)
                } else {
                    None
                }
            }
            (4, b'd', b'e') => {
                if eq(name, b"Date") {
                    Some(Known::Date)
                } else {
                    None
                }
            }
            (4, b'f', b'm') => {
                if eq(name, b"From") {
                    Some(Known::From)
                } else {
                    None
                }
            }
            (4, b'p', b'h') => {
                if eq(name, b"Path") {
                    Some(Known::Path)
                } else {
                    None
                }
            }
            (4, b'r', b'k') => {
                if eq(name, b"RAck") {
                    Some(Known::RAck)
                } else {
                    None
                }
            }
            (4, b'r', b'q') => {
                if eq(name, b"RSeq") {
                    Some(Known::RSeq)
                } else {
                    None
                }
            }
            (5, b'a', b'w') => {
                if eq(name, b"Allow") {
                    Some(Known::Allow)
                } else {
                    None
                }
            }
            (5, b'e', b't') => {
                if eq(name, b"Event") {
                    Some(Known::Event)
                } else {
                    None
                }
            }
            (5, b'r', b'e') => {
                if eq(name, b"Route") {
                    Some(Known::Route)
                } else {
                    None
                }
            }
            (6, b'a', b't') => {
                if eq(name, b"Accept") {
                    Some(Known::Accept)
                } else {
                    None
                }
            }
            (6, b'm', b'e') => {
                if eq(name, b"Min-SE") {
                    Some(Known::MinSe)
                } else {
                    None
                }
            }
            (6, b'r', b'n') => {
                if eq(name, b"Reason") {
                    Some(Known::Reason)
                } else {
                    None
                }
            }
            (6, b's', b'r') => {
                if eq(name, b"Server") {
                    Some(Known::Server)
                } else {
                    None
                }
            }
            (7, b'c', b'd') => {
                if eq(name, b"Call-ID") {
                    Some(Known::CallId)
                } else {
                    None
                }
            }
            (7, b'c', b't') => {
                if eq(name, b"Contact") {
                    Some(Known::Contact)
                } else {
                    None
                }
            }
            (7, b'e', b's') => {
                if eq(name, b"Expires") {
                    Some(Known::Expires)
                } else {
                    None
                }
            }
            (7, b'p', b'y') => {
                if eq(name, b"Privacy") {
                    Some(Known::Privacy)
                } else {
                    None
                }
            }
            (7, b'r', b'e') => {
                if eq(name, b"Require") {
                    Some(Known::Require)
                } else {
                    None
                }
            }
            (7, b's', b't') => {
                if eq(name, b"Subject") {
                    Some(Known::Subject)
                } else {
                    None
                }
            }
            (7, b'w', b'g') => {
                if eq(name, b"Warning") {
                    Some(Known::Warning)
                } else {
                    None
                }
            }
            (8, b'i', b'y') => {
                if eq(name, b"Identity") {
                    Some(Known::Identity)
                } else {
                    None
                }
            }
            (8, b'p', b'y') => {
                if eq(name, b"Priority") {
                    Some(Known::Priority)
                } else {
                    None
                }
            }
            (8, b'r', b'o') => {
                if eq(name, b"Refer-To") {
                    Some(Known::ReferTo)
                } else if eq(name, b"Reply-To") {
                    Some(Known::ReplyTo)
                } else {
                    None
                }
            }
            (8, b'r', b's') => {
                if eq(name, b"Replaces") {
                    Some(Known::Replaces)
                } else {
                    None
                }
            }
            (9, b'c', b'o') => {
                if eq(name, b"Call-Info") {
                    Some(Known::CallInfo)
                } else {
                    None
                }
            }
            (9, b's', b'd') => {
                if eq(name, b"Supported") {
                    Some(Known::Supported)
                } else {
                    None
                }
            }
            (9, b't', b'p') => {
                if eq(name, b"Timestamp") {
                    Some(Known::Timestamp)
                } else {
                    None
                }
            }
            (10, b'a', b'o') => {
                if eq(name, b"Alert-Info") {
                    Some(Known::AlertInfo)
                } else {
                    None
                }
            }
            (10, b'e', b'o') => {
                if eq(name, b"Error-Info") {
                    Some(Known::ErrorInfo)
                } else {
                    None
                }
            }
            (10, b'u', b't') => {
                if eq(name, b"User-Agent") {
                    Some(Known::UserAgent)
                } else {
                    None
                }
            }
            (11, b'i', b'o') => {
                if eq(name, b"In-Reply-To") {
                    Some(Known::InReplyTo)
                } else {
                    None
                }
            }
            (11, b'm', b's') => {
                if eq(name, b"Min-Expires") {
                    Some(Known::MinExpires)
                } else {
                    None
                }
            }
            (11, b'r', b'r') => {
                if eq(name, b"Retry-After") {
                    Some(Known::RetryAfter)
                } else {
                    None
                }
            }
            (11, b'r', b'y') => {
                if eq(name, b"Referred-By") {
                    Some(Known::ReferredBy)
                } else {
                    None
                }
            }
            (11, b'u', b'd') => {
                if eq(name, b"Unsupported") {
                    Some(Known::Unsupported)
                } else {
                    None
                }
            }
            (12, b'a', b's') => {
                if eq(name, b"Allow-Events") {
                    Some(Known::AllowEvents)
                } else {
                    None
                }
            }
            (12, b'c', b'e') => {
                if eq(name, b"Content-Type") {
                    Some(Known::ContentType)
                } else {
                    None
                }
            }
            (12, b'm', b'n') => {
                if eq(name, b"MIME-Version") {
                    Some(Known::MimeVersion)
                } else {
                    None
                }
            }
            (12, b'm', b's') => {
                if eq(name, b"Max-Forwards") {
                    Some(Known::MaxForwards)
                } else {
                    None
                }
            }
            (12, b'o', b'n') => {
                if eq(name, b"Organization") {
                    Some(Known::Organization)
                } else {
                    None
                }
            }
            (12, b'r', b'e') => {
                if eq(name, b"Record-Route") {
                    Some(Known::RecordRoute)
                } else {
                    None
                }
            }
            (13, b'a', b'n') => {
                if eq(name, b"Authorization") {
                    Some(Known::Authorization)
                } else {
                    None
                }
            }
            (13, b'i', b'o') => {
                if eq(name, b"Identity-Info") {
                    Some(Known::IdentityInfo)
                } else {
                    None
                }
            }
            (13, b'p', b'e') => {
                if eq(name, b"Proxy-Require") {
                    Some(Known::ProxyRequire)
                } else {
                    None
                }
            }
            (13, b's', b'e') => {
                if eq(name, b"Service-Route") {
                    Some(Known::ServiceRoute)
                } else {
                    None
                }
            }
            (14, b'a', b't') => {
                if eq(name, b"Accept-Contact") {
                    Some(Known::AcceptContact)
                } else {
                    None
                }
            }
            (14, b'c', b'h') => {
                if eq(name, b"Content-Length") {
                    Some(Known::ContentLength)
                } else {
                    None
                }
            }
            (14, b'r', b't') => {
                if eq(name, b"Reject-Contact") {
                    Some(Known::RejectContact)
                } else {
                    None
                }
            }
            (15, b'a', b'e') => {
                if eq(name, b"Accept-Language") {
                    Some(Known::AcceptLanguage)
                } else {
                    None
                }
            }
            (15, b'a', b'g') => {
                if eq(name, b"Accept-Encoding") {
                    Some(Known::AcceptEncoding)
                } else {
                    None
                }
            }
            (15, b's', b's') => {
                if eq(name, b"Session-Expires") {
                    Some(Known::SessionExpires)
                } else {
                    None
                }
            }
            (16, b'c', b'e') => {
                if eq(name, b"Content-Language") {
                    Some(Known::ContentLanguage)
                } else {
                    None
                }
            }
            (16, b'c', b'g') => {
                if eq(name, b"Content-Encoding") {
                    Some(Known::ContentEncoding)
                } else {
                    None
                }
            }
            (16, b'w', b'e') => {
                if eq(name, b"WWW-Authenticate") {
                    Some(Known::WwwAuthenticate)
                } else {
                    None
                }
            }
            (18, b'p', b'e') => {
                if eq(name, b"Proxy-Authenticate") {
                    Some(Known::ProxyAuthenticate)
                } else {
                    None
                }
            }
            (18, b's', b'e') => {
                if eq(name, b"Subscription-State") {
                    Some(Known::SubscriptionState)
                } else {
                    None
                }
            }
            (19, b'a', b'o') => {
                if eq(name, b"Authentication-Info") {
                    Some(Known::AuthenticationInfo)
                } else {
                    None
                }
            }
            (19, b'c', b'n') => {
                if eq(name, b"Content-Disposition") {
                    Some(Known::ContentDisposition)
                } else {
                    None
                }
            }
            (19, b'p', b'n') => {
                if eq(name, b"Proxy-Authorization") {
                    Some(Known::ProxyAuthorization)
                } else {
                    None
                }
            }
            (19, b'p', b'y') => {
                if eq(name, b"P-Asserted-Identity") {
                    Some(Known::PAssertedIdentity)
                } else {
                    None
                }
            }
            (19, b'r', b'n') => {
                if eq(name, b"Request-Disposition") {
                    Some(Known::RequestDisposition)
                } else {
                    None
                }
            }
            (20, b'p', b'y') => {
                if eq(name, b"P-Preferred-Identity") {
                    Some(Known::PPreferredIdentity)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    fn compact(c: u8) -> Option<Known> {
        Some(match c {
            b'a' => Known::AcceptContact,
            b'u' => Known::AllowEvents,
            b'i' => Known::CallId,
            b'm' => Known::Contact,
            b'e' => Known::ContentEncoding,
            b'l' => Known::ContentLength,
            b'c' => Known::ContentType,
            b'o' => Known::Event,
            b'f' => Known::From,
            b'y' => Known::Identity,
            b'n' => Known::IdentityInfo,
            b'r' => Known::ReferTo,
            b'b' => Known::ReferredBy,
            b'j' => Known::RejectContact,
            b'd' => Known::RequestDisposition,
            b'x' => Known::SessionExpires,
            b's' => Known::Subject,
            b'k' => Known::Supported,
            b't' => Known::To,
            b'v' => Known::Via,
            _ => return None,
        })
    }
}

#[derive(Clone)]
enum Repr {
    Known(Known),
    Other(SipStr),
}

/// A header field name. Known names compare by identity (compact and long forms are the
/// same name); other names compare case-insensitively and keep their original spelling.
#[derive(Clone)]
pub struct HeaderName(Repr);

impl HeaderName {
    /// `Accept`
    pub const ACCEPT: HeaderName = HeaderName(Repr::Known(Known::Accept));
    /// `Accept-Contact`
    pub const ACCEPT_CONTACT: HeaderName = HeaderName(Repr::Known(Known::AcceptContact));
    /// `Accept-Encoding`
    pub const ACCEPT_ENCODING: HeaderName = HeaderName(Repr::Known(Known::AcceptEncoding));
    /// `Accept-Language`
    pub const ACCEPT_LANGUAGE: HeaderName = HeaderName(Repr::Known(Known::AcceptLanguage));
    /// `Alert-Info`
    pub const ALERT_INFO: HeaderName = HeaderName(Repr::Known(Known::AlertInfo));
    /// `Allow`
    pub const ALLOW: HeaderName = HeaderName(Repr::Known(Known::Allow));
    /// `Allow-Events`
    pub const ALLOW_EVENTS: HeaderName = HeaderName(Repr::Known(Known::AllowEvents));
    /// `Authentication-Info`
    pub const AUTHENTICATION_INFO: HeaderName = HeaderName(Repr::Known(Known::AuthenticationInfo));
    /// `Authorization`
    pub const AUTHORIZATION: HeaderName = HeaderName(Repr::Known(Known::Authorization));
    /// `Call-ID`
    pub const CALL_ID: HeaderName = HeaderName(Repr::Known(Known::CallId));
    /// `Call-Info`
    pub const CALL_INFO: HeaderName = HeaderName(Repr::Known(Known::CallInfo));
    /// `Contact`
    pub const CONTACT: HeaderName = HeaderName(Repr::Known(Known::Contact));
    /// `Content-Disposition`
    pub const CONTENT_DISPOSITION: HeaderName = HeaderName(Repr::Known(Known::ContentDisposition));
    /// `Content-Encoding`
    pub const CONTENT_ENCODING: HeaderName = HeaderName(Repr::Known(Known::ContentEncoding));
    /// `Content-Language`
    pub const CONTENT_LANGUAGE: HeaderName = HeaderName(Repr::Known(Known::ContentLanguage));
    /// `Content-Length`
    pub const CONTENT_LENGTH: HeaderName = HeaderName(Repr::Known(Known::ContentLength));
    /// `Content-Type`
    pub const CONTENT_TYPE: HeaderName = HeaderName(Repr::Known(Known::ContentType));
    /// `CSeq`
    pub const CSEQ: HeaderName = HeaderName(Repr::Known(Known::CSeq));
    /// `Date`
    pub const DATE: HeaderName = HeaderName(Repr::Known(Known::Date));
    /// `Error-Info`
    pub const ERROR_INFO: HeaderName = HeaderName(Repr::Known(Known::ErrorInfo));
    /// `Event`
    pub const EVENT: HeaderName = HeaderName(Repr::Known(Known::Event));
    /// `Expires`
    pub const EXPIRES: HeaderName = HeaderName(Repr::Known(Known::Expires));
    /// `From`
    pub const FROM: HeaderName = HeaderName(Repr::Known(Known::From));
    /// `Identity`
    pub const IDENTITY: HeaderName = HeaderName(Repr::Known(Known::Identity));
    /// `Identity-Info`
    pub const IDENTITY_INFO: HeaderName = HeaderName(Repr::Known(Known::IdentityInfo));
    /// `In-Reply-To`
    pub const IN_REPLY_TO: HeaderName = HeaderName(Repr::Known(Known::InReplyTo));
    /// `Max-Forwards`
    pub const MAX_FORWARDS: HeaderName = HeaderName(Repr::Known(Known::MaxForwards));
    /// `Min-Expires`
    pub const MIN_EXPIRES: HeaderName = HeaderName(Repr::Known(Known::MinExpires));
    /// `Min-SE`
    pub const MIN_SE: HeaderName = HeaderName(Repr::Known(Known::MinSe));
    /// `MIME-Version`
    pub const MIME_VERSION: HeaderName = HeaderName(Repr::Known(Known::MimeVersion));
    /// `Organization`
    pub const ORGANIZATION: HeaderName = HeaderName(Repr::Known(Known::Organization));
    /// `P-Asserted-Identity`
    pub const P_ASSERTED_IDENTITY: HeaderName = HeaderName(Repr::Known(Known::PAssertedIdentity));
    /// `P-Preferred-Identity`
    pub const P_PREFERRED_IDENTITY: HeaderName = HeaderName(Repr::Known(Known::PPreferredIdentity));
    /// `Path`
    pub const PATH: HeaderName = HeaderName(Repr::Known(Known::Path));
    /// `Priority`
    pub const PRIORITY: HeaderName = HeaderName(Repr::Known(Known::Priority));
    /// `Privacy`
    pub const PRIVACY: HeaderName = HeaderName(Repr::Known(Known::Privacy));
    /// `Proxy-Authenticate`
    pub const PROXY_AUTHENTICATE: HeaderName = HeaderName(Repr::Known(Known::ProxyAuthenticate));
    /// `Proxy-Authorization`
    pub const PROXY_AUTHORIZATION: HeaderName = HeaderName(Repr::Known(Known::ProxyAuthorization));
    /// `Proxy-Require`
    pub const PROXY_REQUIRE: HeaderName = HeaderName(Repr::Known(Known::ProxyRequire));
    /// `RAck`
    pub const RACK: HeaderName = HeaderName(Repr::Known(Known::RAck));
    /// `Reason`
    pub const REASON: HeaderName = HeaderName(Repr::Known(Known::Reason));
    /// `Record-Route`
    pub const RECORD_ROUTE: HeaderName = HeaderName(Repr::Known(Known::RecordRoute));
    /// `Refer-To`
    pub const REFER_TO: HeaderName = HeaderName(Repr::Known(Known::ReferTo));
    /// `Referred-By`
    pub const REFERRED_BY: HeaderName = HeaderName(Repr::Known(Known::ReferredBy));
    /// `Reject-Contact`
    pub const REJECT_CONTACT: HeaderName = HeaderName(Repr::Known(Known::RejectContact));
    /// `Replaces`
    pub const REPLACES: HeaderName = HeaderName(Repr::Known(Known::Replaces));
    /// `Reply-To`
    pub const REPLY_TO: HeaderName = HeaderName(Repr::Known(Known::ReplyTo));
    /// `Request-Disposition`
    pub const REQUEST_DISPOSITION: HeaderName = HeaderName(Repr::Known(Known::RequestDisposition));
    /// `Require`
    pub const REQUIRE: HeaderName = HeaderName(Repr::Known(Known::Require));
    /// `Retry-After`
    pub const RETRY_AFTER: HeaderName = HeaderName(Repr::Known(Known::RetryAfter));
    /// `Route`
    pub const ROUTE: HeaderName = HeaderName(Repr::Known(Known::Route));
    /// `RSeq`
    pub const RSEQ: HeaderName = HeaderName(Repr::Known(Known::RSeq));
    /// `Server`
    pub const SERVER: HeaderName = HeaderName(Repr::Known(Known::Server));
    /// `Service-Route`
    pub const SERVICE_ROUTE: HeaderName = HeaderName(Repr::Known(Known::ServiceRoute));
    /// `Session-Expires`
    pub const SESSION_EXPIRES: HeaderName = HeaderName(Repr::Known(Known::SessionExpires));
    /// `Subject`
    pub const SUBJECT: HeaderName = HeaderName(Repr::Known(Known::Subject));
    /// `Subscription-State`
    pub const SUBSCRIPTION_STATE: HeaderName = HeaderName(Repr::Known(Known::SubscriptionState));
    /// `Supported`
    pub const SUPPORTED: HeaderName = HeaderName(Repr::Known(Known::Supported));
    /// `Timestamp`
    pub const TIMESTAMP: HeaderName = HeaderName(Repr::Known(Known::Timestamp));
    /// `To`
    pub const TO: HeaderName = HeaderName(Repr::Known(Known::To));
    /// `Unsupported`
    pub const UNSUPPORTED: HeaderName = HeaderName(Repr::Known(Known::Unsupported));
    /// `User-Agent`
    pub const USER_AGENT: HeaderName = HeaderName(Repr::Known(Known::UserAgent));
    /// `Via`
    pub const VIA: HeaderName = HeaderName(Repr::Known(Known::Via));
    /// `Warning`
    pub const WARNING: HeaderName = HeaderName(Repr::Known(Known::Warning));
    /// `WWW-Authenticate`
    pub const WWW_AUTHENTICATE: HeaderName = HeaderName(Repr::Known(Known::WwwAuthenticate));

    /// Resolves a name as received (any case, compact forms). `None` if it is not a token.
    pub fn parse(name: &str) -> Option<HeaderName> {
        let b = name.as_bytes();
        if !super::scan::is_token_str(b) {
            return None;
        }
        Some(match Known::lookup(b) {
            Some(k) => HeaderName(Repr::Known(k)),
            None => HeaderName(Repr::Other(SipStr::from(name))),
        })
    }

    /// Resolves a name that is a slice of a received message (no copy for unknown names).
    pub(crate) fn from_received(name: SipStr) -> HeaderName {
        match Known::lookup(name.as_bytes()) {
            Some(k) => HeaderName(Repr::Known(k)),
            None => HeaderName(Repr::Other(name)),
        }
    }

    /// Resolves raw name bytes of a received message to a known name only.
    pub(crate) fn known_from_bytes(name: &[u8]) -> Option<HeaderName> {
        Known::lookup(name).map(|k| HeaderName(Repr::Known(k)))
    }

    pub(crate) fn known(&self) -> Option<Known> {
        match self.0 {
            Repr::Known(k) => Some(k),
            Repr::Other(_) => None,
        }
    }

    /// The name to print: canonical spelling for known names, original spelling otherwise.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Known(k) => k.entry().0,
            Repr::Other(s) => s.as_str(),
        }
    }

    /// The compact form letter, if the name has one.
    pub fn compact(&self) -> Option<char> {
        self.known().and_then(|k| k.entry().1).map(char::from)
    }

    /// Whether the grammar of this header is a comma-separated list (so values may be split).
    pub fn is_list(&self) -> bool {
        self.known().is_some_and(|k| k.entry().2)
    }

    /// Whether this is a known (registered) header name.
    pub fn is_known(&self) -> bool {
        self.known().is_some()
    }

    /// Whether this is an `X-` extension header (case-insensitive).
    pub fn is_x_header(&self) -> bool {
        match &self.0 {
            Repr::Known(_) => false,
            Repr::Other(s) => s
                .as_bytes()
                .get(..2)
                .is_some_and(|p| p.eq_ignore_ascii_case(b"x-")),
        }
    }
}

impl PartialEq for HeaderName {
    // Header lists are searched by name all the time: the known-name case is one
    // comparison, kept inline; other names go out of line.
    #[inline(always)]
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Repr::Known(a), Repr::Known(b)) => a == b,
            _ => self.eq_other(other),
        }
    }
}

impl HeaderName {
    #[inline(never)]
    fn eq_other(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Repr::Other(a), Repr::Other(b)) => a.as_bytes().eq_ignore_ascii_case(b.as_bytes()),
            _ => false,
        }
    }
}

impl Eq for HeaderName {}

impl std::hash::Hash for HeaderName {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match &self.0 {
            Repr::Known(k) => (*k as u8).hash(state),
            Repr::Other(s) => {
                0xffu8.hash(state);
                for b in s.as_bytes() {
                    b.to_ascii_lowercase().hash(state);
                }
            }
        }
    }
}

impl fmt::Debug for HeaderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for HeaderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_comparison_matches_eq_ignore_ascii_case() {
        // Each canonical name against every one-byte change of itself and of its
        // other-case spelling: only case changes of letters may still match.
        for (name, _, _) in TABLE {
            let canon = name.as_bytes();
            let flipped: Vec<u8> = canon
                .iter()
                .map(|c| {
                    if c.is_ascii_alphabetic() {
                        c ^ 0x20
                    } else {
                        *c
                    }
                })
                .collect();
            for base in [canon.to_vec(), flipped] {
                assert!(eq(&base, canon), "{name}");
                for at in 0..base.len() {
                    for byte in 0u8..=255 {
                        let mut v = base.clone();
                        v[at] = byte;
                        assert_eq!(eq(&v, canon), v.eq_ignore_ascii_case(canon), "{name} {v:?}");
                    }
                }
            }
            assert!(!eq(&canon[1..], canon));
        }
    }

    #[test]
    fn every_table_entry_resolves_to_itself() {
        for (i, (name, compact, _)) in TABLE.iter().enumerate() {
            let k = Known::lookup(name.as_bytes()).expect(name);
            assert_eq!(k as usize, i, "{name}");
            let lower = name.to_ascii_lowercase();
            assert_eq!(Known::lookup(lower.as_bytes()), Some(k));
            if let Some(c) = compact {
                assert_eq!(Known::lookup(&[*c]), Some(k));
                assert_eq!(Known::lookup(&[c.to_ascii_uppercase()]), Some(k));
            }
        }
    }

    #[test]
    fn names_compare() {
        assert_eq!(HeaderName::parse("v").unwrap(), HeaderName::VIA);
        assert_eq!(HeaderName::parse("cAlL-iD").unwrap(), HeaderName::CALL_ID);
        assert_eq!(HeaderName::CALL_ID.as_str(), "Call-ID");
        assert_eq!(HeaderName::CSEQ.as_str(), "CSeq");
        assert_eq!(HeaderName::WWW_AUTHENTICATE.as_str(), "WWW-Authenticate");
        let x = HeaderName::parse("X-Room-ID").unwrap();
        assert_eq!(x, HeaderName::parse("x-room-id").unwrap());
        assert_eq!(x.as_str(), "X-Room-ID");
        assert!(x.is_x_header());
        assert!(HeaderName::VIA.is_list());
        assert!(!HeaderName::AUTHORIZATION.is_list());
        assert!(!HeaderName::DATE.is_list());
        assert!(HeaderName::parse("C%6Fntact").is_some_and(|n| n != HeaderName::CONTACT));
        assert!(HeaderName::parse("bad name").is_none());
        assert_eq!(HeaderName::REFER_TO.compact(), Some('r'));
        let mut set = std::collections::HashSet::new();
        set.insert(HeaderName::parse("X-A").unwrap());
        assert!(set.contains(&HeaderName::parse("x-a").unwrap()));
        set.insert(HeaderName::parse("i").unwrap());
        assert!(set.contains(&HeaderName::CALL_ID));
    }
}
