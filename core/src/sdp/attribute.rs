//! `a=` attributes: the typed ones offer/answer needs, and everything else kept verbatim.

use super::error::SdpErrorKind;
use super::lines::{fields, split_once};
use super::text::Text;

/// Media direction (RFC 3264 §5.1, RFC 4566 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Direction {
    /// `a=sendrecv` (the default when no direction is given).
    #[default]
    SendRecv,
    /// `a=sendonly`.
    SendOnly,
    /// `a=recvonly`.
    RecvOnly,
    /// `a=inactive`.
    Inactive,
}

impl Direction {
    /// The attribute name (`sendrecv` ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }

    /// The direction an answerer mirrors (sendonly ↔ recvonly; the others unchanged).
    pub fn reversed(self) -> Direction {
        match self {
            Direction::SendOnly => Direction::RecvOnly,
            Direction::RecvOnly => Direction::SendOnly,
            d => d,
        }
    }

    /// True when this side sends media.
    pub fn sends(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::SendOnly)
    }

    /// True when this side receives media.
    pub fn receives(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::RecvOnly)
    }

    /// The same direction without sending (sendrecv → recvonly, sendonly → inactive).
    pub fn without_send(self) -> Direction {
        match self {
            Direction::SendRecv | Direction::RecvOnly => Direction::RecvOnly,
            Direction::SendOnly | Direction::Inactive => Direction::Inactive,
        }
    }
}

/// `a=rtpmap:<pt> <encoding>/<clock>[/<params>]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RtpMap {
    /// Payload type.
    pub payload_type: u8,
    /// Encoding name (`PCMU`, `G722`, `telephone-event` ...), as written.
    pub encoding: Text,
    /// RTP clock rate in Hz.
    pub clock_rate: u32,
    /// Encoding parameters (the channel count for audio), when given.
    pub params: Option<Text>,
}

/// `a=fmtp:<format> <parameters>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fmtp {
    /// The format (payload type) the parameters apply to.
    pub payload_type: u8,
    /// The format parameters, verbatim (e.g. `0-16`).
    pub params: Text,
}

/// `a=rtcp:<port> [<nettype> <addrtype> <address>]` (RFC 3605).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rtcp {
    /// The RTCP port.
    pub port: u16,
    /// `<nettype> <addrtype> <address>` when given.
    pub address: Option<(Text, Text, Text)>,
}

/// One `a=` line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Attribute {
    /// `a=rtpmap`.
    RtpMap(RtpMap),
    /// `a=fmtp`.
    Fmtp(Fmtp),
    /// `a=ptime` in milliseconds.
    Ptime(u32),
    /// `a=maxptime` in milliseconds.
    MaxPtime(u32),
    /// `a=sendrecv`, `a=sendonly`, `a=recvonly`, `a=inactive`.
    Direction(Direction),
    /// `a=rtcp` (RFC 3605).
    Rtcp(Rtcp),
    /// `a=rtcp-mux` (RFC 5761).
    RtcpMux,
    /// Any other attribute, kept verbatim and in order.
    Other {
        /// The attribute name.
        name: Text,
        /// The value after `:`, if there was a colon.
        value: Option<Text>,
    },
}

impl Attribute {
    /// A property attribute (`a=name`) or value attribute (`a=name:value`) of an unknown kind.
    pub fn other(name: impl Into<Text>, value: Option<Text>) -> Attribute {
        Attribute::Other {
            name: name.into(),
            value,
        }
    }
}

/// A decimal of at most `max_digits` digits that fits in `T`.
fn parse_number<T: TryFrom<u64>>(s: &str, max_digits: usize) -> Option<T> {
    if s.is_empty() || s.len() > max_digits {
        return None;
    }
    let mut n: u64 = 0;
    for &b in s.as_bytes() {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(digit))?;
    }
    T::try_from(n).ok()
}

fn parse_u8(s: &str) -> Option<u8> {
    parse_number(s, 3)
}

pub(crate) fn parse_u32(s: &str) -> Option<u32> {
    parse_number(s, 10)
}

pub(crate) fn parse_u16(s: &str) -> Option<u16> {
    parse_number(s, 5)
}

pub(crate) fn parse_u64(s: &str) -> Option<u64> {
    parse_number(s, 20)
}

/// Parses the text after `a=`; `slice` turns a sub-slice of `value` into a shared `Text`.
pub(crate) fn parse_attribute(
    value: &str,
    slice: &impl Fn(&str) -> Text,
) -> Result<Attribute, SdpErrorKind> {
    let (name, rest) = match split_once(value, b':') {
        Some((n, r)) => (n, Some(r)),
        None => (value, None),
    };
    // The typed attributes are told apart by their name's bytes first (they hold no
    // whitespace); only the other names are checked.
    let attr = match (name.as_bytes(), rest) {
        (b"rtpmap", Some(r)) => Attribute::RtpMap(parse_rtpmap(r, slice)?),
        (b"fmtp", Some(r)) => {
            let (pt, params) = split_once(r, b' ').unwrap_or((r, ""));
            let payload_type = parse_u8(pt).ok_or(SdpErrorKind::BadFmtp)?;
            Attribute::Fmtp(Fmtp {
                payload_type,
                params: slice(params),
            })
        }
        (b"ptime", Some(r)) => Attribute::Ptime(parse_u32(r).ok_or(SdpErrorKind::BadPtime)?),
        (b"maxptime", Some(r)) => Attribute::MaxPtime(parse_u32(r).ok_or(SdpErrorKind::BadPtime)?),
        (b"rtcp", Some(r)) => Attribute::Rtcp(parse_rtcp(r, slice)?),
        (b"rtcp-mux", None) => Attribute::RtcpMux,
        (b"sendrecv", None) => Attribute::Direction(Direction::SendRecv),
        (b"sendonly", None) => Attribute::Direction(Direction::SendOnly),
        (b"recvonly", None) => Attribute::Direction(Direction::RecvOnly),
        (b"inactive", None) => Attribute::Direction(Direction::Inactive),
        (n, _) if n.is_empty() || n.iter().any(|b| b.is_ascii_whitespace()) => {
            return Err(SdpErrorKind::BadAttribute);
        }
        (_, rest) => Attribute::Other {
            name: slice(name),
            value: rest.map(slice),
        },
    };
    Ok(attr)
}

/// `<pt> <encoding>/<clock>[/<params>]` in one pass over the bytes: the same result as
/// [`parse_rtpmap_by_fields`], which it defers to for an encoding name beyond ASCII.
fn parse_rtpmap(r: &str, slice: &impl Fn(&str) -> Text) -> Result<RtpMap, SdpErrorKind> {
    let bad = SdpErrorKind::BadRtpmap;
    let b = r.as_bytes();
    // The payload type: one to three digits, then a space.
    let mut pt: u32 = 0;
    let mut i = 0;
    loop {
        match b.get(i) {
            Some(&d @ b'0'..=b'9') if i < 3 => pt = pt * 10 + u32::from(d - b'0'),
            Some(b' ') if i > 0 => break,
            _ => return Err(bad),
        }
        i += 1;
    }
    let payload_type = u8::try_from(pt).map_err(|_| bad)?;
    // The encoding name: token bytes up to the first `/`.
    let enc = r.get(i + 1..).ok_or(bad)?;
    let eb = enc.as_bytes();
    let mut j = 0;
    while eb.get(j).is_some_and(|&c| TOKEN_BYTES[usize::from(c)]) {
        j += 1;
    }
    match eb.get(j) {
        Some(b'/') if j > 0 => {}
        Some(c) if !c.is_ascii() => return parse_rtpmap_by_fields(r, slice),
        _ => return Err(bad),
    }
    // The clock rate: one to ten digits, then the end or `/` and the parameters.
    let rest = enc.get(j + 1..).ok_or(bad)?;
    let rb = rest.as_bytes();
    let mut clock: u64 = 0;
    let mut k = 0;
    while let Some(&d @ b'0'..=b'9') = rb.get(k) {
        if k == 10 {
            return Err(bad);
        }
        clock = clock * 10 + u64::from(d - b'0');
        k += 1;
    }
    let clock_rate = u32::try_from(clock).ok().filter(|_| k > 0).ok_or(bad)?;
    let params = match rb.get(k) {
        None => None,
        Some(b'/') => match rest.get(k + 1..) {
            Some(p) if valid_token(p) => Some(slice(p)),
            _ => return Err(bad),
        },
        Some(_) => return Err(bad),
    };
    Ok(RtpMap {
        payload_type,
        encoding: slice(enc.get(..j).ok_or(bad)?),
        clock_rate,
        params,
    })
}

/// `a=rtpmap` split into its fields first (any encoding name).
fn parse_rtpmap_by_fields(r: &str, slice: &impl Fn(&str) -> Text) -> Result<RtpMap, SdpErrorKind> {
    let bad = SdpErrorKind::BadRtpmap;
    let (pt, enc) = split_once(r, b' ').ok_or(bad)?;
    let payload_type = parse_u8(pt).ok_or(bad)?;
    // `<encoding>/<clock>[/<params>]`; the params may not hold another `/`.
    let (encoding, rest) = split_once(enc, b'/').ok_or(bad)?;
    let (clock_rate, params) = match split_once(rest, b'/') {
        Some((clock, params)) => (clock, Some(params)),
        None => (rest, None),
    };
    if !valid_token(encoding) {
        return Err(bad);
    }
    let clock_rate = parse_u32(clock_rate).ok_or(bad)?;
    let params = match params {
        Some(p) if valid_token(p) => Some(slice(p)),
        Some(_) => return Err(bad),
        None => None,
    };
    Ok(RtpMap {
        payload_type,
        encoding: slice(encoding),
        clock_rate,
        params,
    })
}

fn parse_rtcp(r: &str, slice: &impl Fn(&str) -> Text) -> Result<Rtcp, SdpErrorKind> {
    let bad = SdpErrorKind::BadRtcp;
    let mut it = fields(r, b' ');
    let port = it.next().and_then(parse_u16).ok_or(bad)?;
    let address = match (it.next(), it.next(), it.next(), it.next()) {
        (None, ..) => None,
        (Some(n), Some(t), Some(a), None) if valid_token(n) && valid_token(t) && valid_token(a) => {
            Some((slice(n), slice(t), slice(a)))
        }
        _ => return Err(bad),
    };
    Ok(Rtcp { port, address })
}

/// The ASCII bytes allowed in a token: visible characters other than `/`.
static TOKEN_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = b'!';
    while b < 0x7f {
        table[b as usize] = b != b'/';
        b += 1;
    }
    table
};

/// A non-empty run of visible characters without spaces or `/`.
fn valid_token(s: &str) -> bool {
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if !TOKEN_BYTES[usize::from(b)] {
            // Beyond ASCII, decide by character (the bytes before `i` are ASCII, so `i`
            // starts one).
            let visible = |c: char| !c.is_whitespace() && c != '/' && !c.is_control();
            return !b.is_ascii() && s.get(i..).is_some_and(|rest| rest.chars().all(visible));
        }
    }
    !s.is_empty()
}

#[cfg(test)]
mod tests {
    use super::{Text, parse_rtpmap, parse_rtpmap_by_fields, valid_token};

    #[test]
    fn rtpmaps_read_in_one_pass_match_the_field_reading() {
        let pts = [
            "0", "9", "101", "255", "256", "0101", "", "x", "1x", " 9", "9\t",
        ];
        let encodings = [
            "PCMU",
            "telephone-event",
            "",
            "G 722",
            "é",
            "ü-8",
            "a\u{85}",
            "x\u{7f}",
        ];
        let clocks = [
            "8000",
            "",
            "0",
            "4294967295",
            "4294967296",
            "12345678901",
            "80a0",
            "8000 ",
        ];
        let params = [
            None,
            Some("1"),
            Some("2"),
            Some(""),
            Some("1/2"),
            Some("é"),
            Some("a b"),
        ];
        let copy = |s: &str| Text::copy_from_str(s);
        let mut checked = 0;
        for pt in pts {
            for enc in encodings {
                for clock in clocks {
                    for p in params {
                        let mut r = format!("{pt} {enc}/{clock}");
                        if let Some(p) = p {
                            r = format!("{r}/{p}");
                        }
                        for text in [
                            r.clone(),
                            r.replace(' ', "  "),
                            r.replace('/', ""),
                            format!("{pt} {enc}"),
                        ] {
                            assert_eq!(
                                parse_rtpmap(&text, &copy),
                                parse_rtpmap_by_fields(&text, &copy),
                                "{text:?}"
                            );
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 1000);
        assert!(parse_rtpmap("96 telephone-event/8000", &copy).is_ok());
        assert!(parse_rtpmap("97 L16/16000/2", &copy).is_ok_and(|m| m.params.is_some()));
    }

    #[test]
    fn tokens_are_visible_characters_without_slash() {
        let by_char = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| !c.is_whitespace() && c != '/' && !c.is_control())
        };
        let cases = [
            "PCMU",
            "telephone-event",
            "",
            "a b",
            "a/b",
            "a\tb",
            "x\u{7f}",
            "é",
            "ü\u{a0}",
            "中文",
            "a\u{85}",
            "!~",
            "2",
        ];
        for s in cases {
            assert_eq!(valid_token(s), by_char(s), "{s:?}");
        }
    }
}
