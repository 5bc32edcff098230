//! Name-addr values: From, To, Contact, Route, Record-Route (RFC 3261 §20.10, §25.1).

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use super::error::HeaderError;
use super::headers::Headers;
use super::name::HeaderName;
use super::scan::{
    Cursor, Params, Span, check_header_params_find, find_byte, find_param, is_token, is_ws, unquote,
};
use super::text::SipStr;
use super::uri::Uri;

/// `[display-name] <uri> *(;param)` or `addr-spec *(;param)`.
#[derive(Clone)]
pub struct NameAddr {
    raw: SipStr,
    display: Option<Span>,
    uri: Uri,
    bracketed: bool,
    params: u32,
    tag: Option<Span>,
}

impl NameAddr {
    /// Parses one value; `label` names the header in errors.
    pub fn parse(raw: SipStr, label: &'static str) -> Result<NameAddr, HeaderError> {
        let bad = HeaderError::Malformed(label);
        let b = raw.as_bytes();
        let mut c = Cursor::new(b, 0);
        c.skip_ws();
        let mut display = None;
        let (uri_s, uri_e, bracketed) = if c.peek() == Some(b'"') {
            let q = c.quoted().ok_or(bad)?;
            display = Some(Span::new(q.0, q.1));
            c.skip_ws();
            if c.peek() != Some(b'<') {
                return Err(bad);
            }
            let s = c.pos + 1;
            let e = find_byte(b, s, b'>').ok_or(bad)?;
            c.pos = e + 1;
            (s, e, true)
        } else if c.peek() == Some(b'<') {
            // No display name: the first `<` is here (only white space precedes it).
            let s = c.pos + 1;
            let e = find_byte(b, s, b'>').ok_or(bad)?;
            c.pos = e + 1;
            (s, e, true)
        } else if let Some(lt) = find_byte(b, 0, b'<') {
            let start = c.pos;
            let (ds, de) = super::scan::trim_range(b, start, lt);
            let words = b.get(ds..de).unwrap_or(&[]);
            if !words.iter().all(|&x| is_token(x) || is_ws(x)) {
                return Err(bad);
            }
            if de > ds {
                display = Some(Span::new(ds, de));
            }
            let s = lt + 1;
            let e = find_byte(b, s, b'>').ok_or(bad)?;
            c.pos = e + 1;
            (s, e, true)
        } else {
            let (s, e) = c.take_while(|x| x != b';' && !is_ws(x));
            (s, e, false)
        };
        let uri = Uri::from_sip_str(raw.slice_ascii(uri_s, uri_e)).map_err(|_| bad)?;
        if !bracketed
            && (uri.headers_str().is_some()
                || find_byte(uri.as_sip_str().as_bytes(), 0, b',').is_some())
        {
            return Err(bad);
        }
        let params = c.pos;
        let tag = check_header_params_find(b, params, b"tag").ok_or(bad)?;
        Ok(NameAddr {
            raw,
            display,
            uri,
            bracketed,
            params: u32::try_from(params).map_err(|_| bad)?,
            tag,
        })
    }

    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The value as received, as a shared string.
    pub fn as_sip_str(&self) -> &SipStr {
        &self.raw
    }

    /// The display name as written (quotes and escapes kept), if any.
    pub fn display_name_raw(&self) -> Option<&str> {
        self.display.map(|d| d.of(&self.raw))
    }

    /// The display name with quotes and escapes removed, if any.
    pub fn display_name(&self) -> Option<Cow<'_, str>> {
        self.display_name_raw().map(unquote)
    }

    /// The URI.
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// Whether the URI was written in angle brackets.
    pub fn is_bracketed(&self) -> bool {
        self.bracketed
    }

    /// The header parameters (after the URI) in order, values raw.
    pub fn params(&self) -> Params<'_> {
        Params::new(&self.raw, self.params as usize)
    }

    /// A header parameter by case-insensitive name: `Some(None)` for a flag.
    pub fn param(&self, name: &str) -> Option<Option<&str>> {
        find_param(self.params(), name)
    }

    /// The `tag` parameter (From/To).
    pub fn tag(&self) -> Option<&str> {
        self.tag.map(|t| t.of(&self.raw))
    }

    /// The `tag` parameter as a shared string (a dialog key).
    pub fn tag_shared(&self) -> Option<SipStr> {
        // The span lies between ASCII delimiters of a UTF-8 value: no second check.
        self.tag
            .map(|t| self.raw.slice_ascii(t.start as usize, t.end as usize))
    }

    /// The `expires` parameter (Contact), saturating at 2^32-1.
    pub fn expires(&self) -> Option<u32> {
        let v = self.param("expires").flatten()?;
        super::scan::parse_u32_saturating(v.as_bytes())
    }

    /// The `q` parameter (Contact), if it is a number in 0..=1.
    pub fn q(&self) -> Option<f32> {
        let v: f32 = self.param("q").flatten()?.parse().ok()?;
        (0.0..=1.0).contains(&v).then_some(v)
    }
}

impl fmt::Debug for NameAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NameAddr({:?})", self.as_str())
    }
}

impl fmt::Display for NameAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One Contact value: `*` or an address.
#[derive(Debug, Clone)]
pub enum Contact {
    /// `Contact: *` (REGISTER removal of all bindings).
    Wildcard,
    /// An address with its contact parameters.
    Address(NameAddr),
}

impl Contact {
    /// Parses one Contact value.
    pub fn parse(raw: SipStr) -> Result<Contact, HeaderError> {
        // `trim` can only leave "*" if the first byte that is not ASCII white space is
        // `*` or starts a non-ASCII character: no UTF-8 pass for the others.
        let first = raw
            .as_bytes()
            .iter()
            .find(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'));
        let maybe_wildcard = first.is_some_and(|&c| c == b'*' || !c.is_ascii());
        if maybe_wildcard && raw.trim() == "*" {
            return Ok(Contact::Wildcard);
        }
        NameAddr::parse(raw, "Contact").map(Contact::Address)
    }

    /// The address, unless this is the wildcard.
    pub fn address(&self) -> Option<&NameAddr> {
        match self {
            Contact::Wildcard => None,
            Contact::Address(a) => Some(a),
        }
    }
}

impl Headers {
    /// The From header (the first line; `validate` refuses duplicates).
    pub fn from(&self) -> Result<NameAddr, HeaderError> {
        self.view_from().cloned()
    }

    /// The To header (the first line; `validate` refuses duplicates).
    pub fn to(&self) -> Result<NameAddr, HeaderError> {
        self.view_to().cloned()
    }

    /// The From header, parsed once and borrowed.
    pub(crate) fn view_from(&self) -> Result<&NameAddr, HeaderError> {
        self.view_name_addr(&self.views().from, &HeaderName::FROM, "From")
    }

    /// The To header, parsed once and borrowed.
    pub(crate) fn view_to(&self) -> Result<&NameAddr, HeaderError> {
        self.view_name_addr(&self.views().to, &HeaderName::TO, "To")
    }

    /// The first line named `name`, parsed as a name-addr into `slot` once.
    fn view_name_addr<'a>(
        &'a self,
        slot: &'a OnceLock<Result<NameAddr, HeaderError>>,
        name: &HeaderName,
        label: &'static str,
    ) -> Result<&'a NameAddr, HeaderError> {
        super::headers::cached(slot, || {
            NameAddr::parse(self.first(name, label)?.clone(), label)
        })
    }

    /// Every Contact value in order.
    pub fn contacts(&self) -> impl Iterator<Item = Result<Contact, HeaderError>> + '_ {
        self.elements(&HeaderName::CONTACT).map(Contact::parse)
    }

    /// The first Contact value, if any.
    pub fn contact(&self) -> Option<Result<Contact, HeaderError>> {
        self.contacts().next()
    }

    /// Every Route value in order.
    pub fn routes(&self) -> impl Iterator<Item = Result<NameAddr, HeaderError>> + '_ {
        self.elements(&HeaderName::ROUTE)
            .map(|v| NameAddr::parse(v, "Route"))
    }

    /// Every Record-Route value in order.
    pub fn record_routes(&self) -> impl Iterator<Item = Result<NameAddr, HeaderError>> + '_ {
        self.elements(&HeaderName::RECORD_ROUTE)
            .map(|v| NameAddr::parse(v, "Record-Route"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn na(s: &str) -> NameAddr {
        NameAddr::parse(SipStr::from(s), "To").expect(s)
    }

    #[test]
    fn forms() {
        let a = na(r#""J Rosenberg \\\""       <sip:jdrosen@example.com>  ;  tag = 98asjd8"#);
        assert_eq!(a.display_name().unwrap(), r#"J Rosenberg \""#);
        assert_eq!(a.uri().as_str(), "sip:jdrosen@example.com");
        assert_eq!(a.tag(), Some("98asjd8"));
        let b = na("sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n");
        assert!(!b.is_bracketed());
        assert_eq!(b.tag(), Some("1918181833n"));
        let c = na("caller<sip:caller@example.com>;tag=323");
        assert_eq!(c.display_name().unwrap(), "caller");
        let d = na("sip:+19725552222@gw1.example.net;unknownparam");
        assert_eq!(d.param("unknownparam"), Some(None));
        assert_eq!(d.uri().param("unknownparam"), None);
        let e = na("<sip:+19725552222@gw1.example.net;unknownparam>");
        assert_eq!(e.param("unknownparam"), None);
        assert_eq!(e.uri().param("unknownparam"), Some(None));
        let f = na("<sip:a@b>;expires=280297596632815;q=0.5");
        assert_eq!(f.expires(), Some(u32::MAX));
        assert_eq!(f.q(), Some(0.5));
    }

    #[test]
    fn refused_forms() {
        for s in [
            r#""Mr. J. User <sip:j.user@example.com>"#,
            r#""Watson, Thomas" < sip:t.watson@example.org >"#,
            "Bell, Alexander <sip:a.g.bell@example.com>;tag=43",
            "sip:user@example.com?Route=%3Csip:sip.example.com%3E",
            r#""Joe" <sip:joe@example.org>;;;;"#,
            "<sip:a@b",
            "",
        ] {
            assert!(NameAddr::parse(SipStr::from(s), "To").is_err(), "{s}");
        }
    }

    #[test]
    fn wildcard_contact() {
        assert!(matches!(
            Contact::parse(SipStr::from(" * ")),
            Ok(Contact::Wildcard)
        ));
        for text in ["*", "\x0b*\x0c", "\u{3000}*\u{85}", "\r\n\t*"] {
            assert!(
                matches!(Contact::parse(SipStr::from(text)), Ok(Contact::Wildcard)),
                "{text:?}"
            );
        }
        for text in ["**", "* x", "x*", "<sip:a@b>", "", "\u{3000}"] {
            assert!(
                !matches!(Contact::parse(SipStr::from(text)), Ok(Contact::Wildcard)),
                "{text:?}"
            );
        }
    }
}
