//! Simple header fields: CSeq, Call-ID, Max-Forwards, Content-Length, Expires, Min-SE,
//! token lists (Require, Supported, Allow, ...) and free text (User-Agent, Server, Subject).

use super::error::HeaderError;
use super::headers::Headers;
use super::method::Method;
use super::name::HeaderName;
use super::scan::{Cursor, is_ws, parse_u32_saturating, parse_u64};
use super::text::SipStr;

/// The CSeq header: a sequence number and a method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CSeq {
    /// The sequence number (at most 2^32-1).
    pub seq: u32,
    /// The method.
    pub method: Method,
}

impl CSeq {
    /// Parses `1*DIGIT LWS Method`.
    pub fn parse(raw: &SipStr) -> Result<CSeq, HeaderError> {
        const BAD: HeaderError = HeaderError::Malformed("CSeq");
        let b = raw.as_bytes();
        let mut c = Cursor::new(b, 0);
        c.skip_ws();
        let (s, e) = c.take_while(|x| x.is_ascii_digit());
        let digits = b.get(s..e).unwrap_or(&[]);
        if digits.is_empty() || !c.peek().is_some_and(is_ws) {
            return Err(BAD);
        }
        c.skip_ws();
        let (ms, me) = c.token().ok_or(BAD)?;
        c.skip_ws();
        if !c.at_end() {
            return Err(BAD);
        }
        let seq = parse_u64(digits)
            .and_then(|v| u32::try_from(v).ok())
            .ok_or(HeaderError::OutOfRange("CSeq"))?;
        let method =
            Method::from_bytes_with(b.get(ms..me).unwrap_or(&[]), || raw.slice_ascii(ms, me))
                .ok_or(BAD)?;
        Ok(CSeq { seq, method })
    }
}

impl std::fmt::Display for CSeq {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.seq, self.method)
    }
}

/// Call-ID `word` characters (RFC 3261 §25.1).
static WORD: super::scan::Class = super::scan::class(true, b"-.!%*_+`'~()<>:\\\"/[]?{}");

/// Whether `s` is a valid Call-ID (`word ["@" word]`, no white space).
///
/// One pass: `@` is not a word character, so every byte is either a word byte or the
/// single separator, which must have a word on each side.
fn is_call_id(s: &[u8]) -> bool {
    // Whole groups of four word bytes first (most of a Call-ID).
    let mut start = 0;
    while let Some(&[a, b, c, d]) = s.get(start..start + 4) {
        if !(WORD.has(a) & WORD.has(b) & WORD.has(c) & WORD.has(d)) {
            break;
        }
        start += 4;
    }
    let mut at = None;
    for (i, &b) in s.iter().enumerate().skip(start) {
        if !WORD.has(b) {
            if b != b'@' || at.is_some() {
                return false;
            }
            at = Some(i);
        }
    }
    match at {
        None => !s.is_empty(),
        Some(i) => i > 0 && i + 1 < s.len(),
    }
}

/// The bytes of `v` without surrounding white space, as `str::trim` would give them.
///
/// ASCII text (the usual case) is trimmed as bytes, skipping the UTF-8 pass; the ASCII
/// characters `str::trim` removes are exactly these six.
fn trimmed(v: &SipStr) -> &[u8] {
    let b = v.as_bytes();
    if !b.is_ascii() {
        return v.trim().as_bytes();
    }
    let ws = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    let start = b.iter().position(|c| !ws(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !ws(c)).map_or(start, |i| i + 1);
    b.get(start..end).unwrap_or(&[])
}

/// A number header: `1*DIGIT` possibly followed by parameters (ignored here).
fn leading_number<'a>(raw: &'a SipStr, label: &'static str) -> Result<&'a [u8], HeaderError> {
    let b = raw.as_bytes();
    let mut c = Cursor::new(b, 0);
    c.skip_ws();
    let (s, e) = c.take_while(|x| x.is_ascii_digit());
    c.skip_ws();
    if e == s || !(c.at_end() || c.peek() == Some(b';')) {
        return Err(HeaderError::Malformed(label));
    }
    Ok(b.get(s..e).unwrap_or(&[]))
}

impl Headers {
    /// The CSeq header (the first line; `validate` refuses duplicates).
    pub fn cseq(&self) -> Result<CSeq, HeaderError> {
        self.view_cseq().cloned()
    }

    /// The CSeq, parsed once and borrowed.
    pub(crate) fn view_cseq(&self) -> Result<&CSeq, HeaderError> {
        super::headers::cached(&self.views().cseq, || {
            CSeq::parse(self.first(&HeaderName::CSEQ, "CSeq")?)
        })
    }

    /// The Call-ID (a shared slice of the message: a dialog key; the first line,
    /// `validate` refuses duplicates).
    pub fn call_id(&self) -> Result<SipStr, HeaderError> {
        let v = self.first(&HeaderName::CALL_ID, "Call-ID")?;
        if is_call_id(v.as_bytes()) {
            Ok(v.clone())
        } else {
            Err(HeaderError::Malformed("Call-ID"))
        }
    }

    /// Max-Forwards, if present.
    pub fn max_forwards(&self) -> Result<Option<u32>, HeaderError> {
        let Some(v) = self.optional(&HeaderName::MAX_FORWARDS, "Max-Forwards")? else {
            return Ok(None);
        };
        let t = trimmed(v);
        match parse_u64(t) {
            Some(n) => u32::try_from(n)
                .map(Some)
                .map_err(|_| HeaderError::OutOfRange("Max-Forwards")),
            None => Err(HeaderError::Malformed("Max-Forwards")),
        }
    }

    /// Content-Length as written, if present (framing uses the parser's own check).
    pub fn content_length(&self) -> Result<Option<u32>, HeaderError> {
        let Some(v) = self.optional(&HeaderName::CONTENT_LENGTH, "Content-Length")? else {
            return Ok(None);
        };
        parse_u64(trimmed(v))
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or(HeaderError::Malformed("Content-Length"))
    }

    /// Expires in seconds (saturating at 2^32-1), if present.
    pub fn expires(&self) -> Result<Option<u32>, HeaderError> {
        let Some(v) = self.optional(&HeaderName::EXPIRES, "Expires")? else {
            return Ok(None);
        };
        parse_u32_saturating(trimmed(v))
            .map(Some)
            .ok_or(HeaderError::Malformed("Expires"))
    }

    /// Min-SE in seconds (RFC 4028), if present.
    pub fn min_se(&self) -> Result<Option<u32>, HeaderError> {
        let Some(v) = self.optional(&HeaderName::MIN_SE, "Min-SE")? else {
            return Ok(None);
        };
        let n = leading_number(v, "Min-SE")?;
        Ok(parse_u32_saturating(n))
    }

    /// Min-Expires in seconds, if present.
    pub fn min_expires(&self) -> Result<Option<u32>, HeaderError> {
        let Some(v) = self.optional(&HeaderName::MIN_EXPIRES, "Min-Expires")? else {
            return Ok(None);
        };
        parse_u32_saturating(trimmed(v))
            .map(Some)
            .ok_or(HeaderError::Malformed("Min-Expires"))
    }

    /// Require option tags.
    pub fn require(&self) -> impl Iterator<Item = SipStr> + '_ {
        self.values(&HeaderName::REQUIRE)
    }

    /// Proxy-Require option tags.
    pub fn proxy_require(&self) -> impl Iterator<Item = SipStr> + '_ {
        self.values(&HeaderName::PROXY_REQUIRE)
    }

    /// Supported option tags.
    pub fn supported(&self) -> impl Iterator<Item = SipStr> + '_ {
        self.values(&HeaderName::SUPPORTED)
    }

    /// Whether Supported or Require lists `tag` (case-insensitive).
    pub fn supports(&self, tag: &str) -> bool {
        self.supported()
            .chain(self.require())
            .any(|t| t.eq_ignore_ascii_case(tag))
    }

    /// Allow methods.
    pub fn allow(&self) -> impl Iterator<Item = SipStr> + '_ {
        self.values(&HeaderName::ALLOW)
    }

    /// Accept media ranges as written (e.g. `application/sdp`, `text/*;q=0.5`).
    pub fn accept(&self) -> impl Iterator<Item = SipStr> + '_ {
        self.values(&HeaderName::ACCEPT)
    }

    /// Whether the message accepts `type/subtype` (no Accept header accepts `application/sdp`
    /// by RFC 3261 default; wildcards honoured).
    pub fn accepts(&self, media: &str) -> bool {
        if !self.contains(&HeaderName::ACCEPT) {
            return media.eq_ignore_ascii_case("application/sdp");
        }
        let (mt, ms) = media.split_once('/').unwrap_or((media, ""));
        self.accept().any(|range| {
            let essence = range.split(';').next().unwrap_or("").trim();
            let (t, s) = essence.split_once('/').unwrap_or((essence, ""));
            let (t, s) = (t.trim(), s.trim());
            (t == "*" || t.eq_ignore_ascii_case(mt)) && (s == "*" || s.eq_ignore_ascii_case(ms))
        })
    }

    /// User-Agent text.
    pub fn user_agent(&self) -> Option<&SipStr> {
        self.get(&HeaderName::USER_AGENT)
    }

    /// Server text.
    pub fn server(&self) -> Option<&SipStr> {
        self.get(&HeaderName::SERVER)
    }

    /// Subject text.
    pub fn subject(&self) -> Option<&SipStr> {
        self.get(&HeaderName::SUBJECT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cseq_grammar() {
        let c = CSeq::parse(&SipStr::from("0009\t INVITE ")).unwrap();
        assert_eq!((c.seq, c.method), (9, Method::Invite));
        assert_eq!(
            CSeq::parse(&SipStr::from("4294967295 BYE")).unwrap().seq,
            u32::MAX
        );
        assert_eq!(
            CSeq::parse(&SipStr::from("36893488147419103232 REGISTER")),
            Err(HeaderError::OutOfRange("CSeq"))
        );
        assert_eq!(
            CSeq::parse(&SipStr::from("4294967296 REGISTER")),
            Err(HeaderError::OutOfRange("CSeq"))
        );
        for bad in [
            "",
            "INVITE",
            "1",
            "1INVITE",
            "-1 INVITE",
            "1 INVITE x",
            "abc INVITE",
        ] {
            assert!(CSeq::parse(&SipStr::from(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn trimming_matches_str_trim() {
        for text in [
            "",
            " ",
            "70",
            " 70\t",
            "\x0b7\x0c",
            "\r\n 5 \r\n",
            "1 2",
            "\u{3000}3\u{85}",
            "\x0b",
        ] {
            let v = SipStr::from(text);
            assert_eq!(trimmed(&v), text.trim().as_bytes(), "{text:?}");
        }
    }

    #[test]
    fn call_id_grammar() {
        assert!(is_call_id(b"intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{"));
        assert!(is_call_id(b"abc"));
        assert!(!is_call_id(b"a b"));
        assert!(!is_call_id(b""));
        assert!(!is_call_id(b"a@"));
    }

    #[test]
    fn numbers_and_lists() {
        let mut h = Headers::new();
        h.push(HeaderName::MAX_FORWARDS, "0068").unwrap();
        h.push(HeaderName::EXPIRES, "10000000000000000000000")
            .unwrap();
        h.push(HeaderName::MIN_SE, "90;x=1").unwrap();
        h.push(HeaderName::SUPPORTED, "timer, 100rel").unwrap();
        h.push(HeaderName::ACCEPT, "application/sdp;level=1, text/*")
            .unwrap();
        assert_eq!(h.max_forwards(), Ok(Some(68)));
        assert_eq!(h.expires(), Ok(Some(u32::MAX)));
        assert_eq!(h.min_se(), Ok(Some(90)));
        assert!(h.supports("TIMER") && !h.supports("path"));
        assert!(h.accepts("application/sdp") && h.accepts("text/plain"));
        assert!(!h.accepts("application/pidf+xml"));
        h.push(HeaderName::MAX_FORWARDS, "70").unwrap();
        assert_eq!(h.max_forwards(), Err(HeaderError::Multiple("Max-Forwards")));
    }
}
