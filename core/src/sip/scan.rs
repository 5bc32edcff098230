//! Byte-level lexing shared by the grammar: character classes, a cursor, list splitting,
//! parameters, quoted strings and `%HH` escapes. Every index is checked.

use std::borrow::Cow;

pub(crate) use super::params::{Params, check_header_params, check_header_params_find, find_param};
use super::text::SipStr;

/// A byte range inside some value (`u32` keeps typed views small).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Span {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

impl Span {
    pub(crate) fn new(start: usize, end: usize) -> Span {
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// The text under the span (only that part is UTF-8 checked), or "" if out of range.
    #[inline]
    pub(crate) fn of<'a>(&self, s: &'a SipStr) -> &'a str {
        s.as_bytes()
            .get(self.start as usize..self.end as usize)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

/// A character class as a 256-entry membership table.
pub(crate) struct Class([bool; 256]);

impl Class {
    /// Whether `b` belongs to the class.
    #[inline]
    pub(crate) fn has(&self, b: u8) -> bool {
        self.0[b as usize]
    }

    /// Whether every byte of `s` belongs to the class, and every `%` in it starts a
    /// `%HH` escape (one pass).
    #[inline]
    pub(crate) fn all_escaped(&self, s: &[u8]) -> bool {
        let mut i = 0;
        while let Some(&b) = s.get(i) {
            if !self.has(b) {
                return false;
            }
            if b == b'%' {
                if s.get(i + 1).copied().and_then(hex).is_none()
                    || s.get(i + 2).copied().and_then(hex).is_none()
                {
                    return false;
                }
                i += 3;
            } else {
                i += 1;
            }
        }
        true
    }
}

/// Builds a class: ASCII letters and digits if `alnum`, plus the bytes of `extra`.
pub(crate) const fn class(alnum: bool, extra: &[u8]) -> Class {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        if alnum && (i as u8).is_ascii_alphanumeric() {
            t[i] = true;
        }
        i += 1;
    }
    let mut j = 0;
    while j < extra.len() {
        t[extra[j] as usize] = true;
        j += 1;
    }
    Class(t)
}

/// RFC 3261 `token` characters.
pub(crate) static TOKEN: Class = class(true, b"-.!%*_+`'~");

/// RFC 3261 `token` characters.
#[inline]
pub(crate) fn is_token(b: u8) -> bool {
    TOKEN.has(b)
}

/// Linear white space (after unfolding CR/LF can only appear in folded raw text).
#[inline]
pub(crate) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Whether the whole string is a non-empty token.
#[inline]
pub(crate) fn is_token_str(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| TOKEN.has(b))
}

/// Trims linear white space on both sides, returning the range kept.
pub(crate) fn trim_range(s: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    while start < end && s.get(start).is_some_and(|&b| is_ws(b)) {
        start += 1;
    }
    while end > start && s.get(end - 1).is_some_and(|&b| is_ws(b)) {
        end -= 1;
    }
    (start, end)
}

const SWAR_ONES: u64 = 0x0101_0101_0101_0101;
const SWAR_HIGH: u64 = 0x8080_8080_8080_8080;

/// Finds `needle` at or after `pos`, eight bytes at a time.
#[inline]
pub(crate) fn find_byte(b: &[u8], pos: usize, needle: u8) -> Option<usize> {
    let splat = SWAR_ONES.wrapping_mul(u64::from(needle));
    let mut i = pos;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ splat;
        let found = x.wrapping_sub(SWAR_ONES) & !x & SWAR_HIGH;
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == needle {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Skips from `i` whole groups of eight bytes that are all ASCII letters, digits, `-` or
/// `.`; returns where the first group holding anything else (or the short tail) starts.
///
/// Every run class of the grammar (token, word, host, user, password, parameter and
/// header characters) holds these bytes, so a class run may start its byte loop there.
#[inline]
pub(crate) fn skip_alnum8(s: &[u8], mut i: usize) -> usize {
    // For bytes below 0x80, `v + (0x80 - lo)` has its high bit set exactly when
    // `v >= lo`, and `v + (0x7f - hi)` exactly when `v > hi`; no sum carries out.
    #[inline(always)]
    fn within(v: u64, lo: u8, hi: u8) -> u64 {
        v.wrapping_add(SWAR_ONES.wrapping_mul(u64::from(0x80 - lo)))
            & !v.wrapping_add(SWAR_ONES.wrapping_mul(u64::from(0x7f - hi)))
    }
    while let Some(chunk) = s.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        if x & SWAR_HIGH != 0 {
            break;
        }
        let folded = x | SWAR_ONES.wrapping_mul(0x20);
        let ok = within(x, b'-', b'.') | within(x, b'0', b'9') | within(folded, b'a', b'z');
        if ok & SWAR_HIGH != SWAR_HIGH {
            break;
        }
        i += 8;
    }
    i
}

/// A dotted-quad IPv4 address, by the rules of `Ipv4Addr`'s `FromStr` (four decimal
/// octets up to 255, no leading zeros) without going through `str::parse`.
pub(crate) fn parse_ipv4(b: &[u8]) -> Option<std::net::Ipv4Addr> {
    // One pass: the octet being read, its digit count, and the octets done.
    let mut octets = [0u8; 4];
    let mut done = 0usize;
    let (mut value, mut digits) = (0u16, 0u8);
    for &c in b {
        if c == b'.' {
            if digits == 0 {
                return None;
            }
            *octets.get_mut(done)? = u8::try_from(value).ok()?;
            done += 1;
            (value, digits) = (0, 0);
        } else if c.is_ascii_digit() && digits < 3 && !(digits == 1 && value == 0) {
            value = value * 10 + u16::from(c - b'0');
            digits += 1;
        } else {
            return None;
        }
    }
    if done != 3 || digits == 0 {
        return None;
    }
    *octets.get_mut(3)? = u8::try_from(value).ok()?;
    Some(std::net::Ipv4Addr::from(octets))
}

/// Whether `b` holds a CR or an LF, eight bytes at a time.
#[inline]
pub(crate) fn has_line_break(b: &[u8]) -> bool {
    let cr = SWAR_ONES.wrapping_mul(u64::from(b'\r'));
    let lf = SWAR_ONES.wrapping_mul(u64::from(b'\n'));
    let zero_byte = |x: u64| x.wrapping_sub(SWAR_ONES) & !x & SWAR_HIGH;
    let mut chunks = b.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        if zero_byte(w ^ cr) | zero_byte(w ^ lf) != 0 {
            return true;
        }
    }
    chunks.remainder().iter().any(|&c| c == b'\r' || c == b'\n')
}

/// A forward cursor over bytes.
pub(crate) struct Cursor<'a> {
    pub(crate) s: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(s: &'a [u8], pos: usize) -> Self {
        Cursor { s, pos }
    }

    #[inline]
    pub(crate) fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    #[inline]
    pub(crate) fn skip_ws(&mut self) {
        while self.peek().is_some_and(is_ws) {
            self.pos += 1;
        }
    }

    /// Consumes `b` (after optional white space) if present.
    pub(crate) fn eat_sep(&mut self, b: u8) -> bool {
        let save = self.pos;
        self.skip_ws();
        if self.peek() == Some(b) {
            self.pos += 1;
            self.skip_ws();
            true
        } else {
            self.pos = save;
            false
        }
    }

    /// Consumes a run of bytes matching `f`; returns its start and end.
    #[inline]
    pub(crate) fn take_while(&mut self, f: impl Fn(u8) -> bool) -> (usize, usize) {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.pos += 1;
        }
        (start, self.pos)
    }

    /// Consumes a non-empty token.
    #[inline]
    pub(crate) fn token(&mut self) -> Option<(usize, usize)> {
        let (s, e) = self.take_while(is_token);
        (e > s).then_some((s, e))
    }

    /// Consumes a quoted string (with its quotes); `None` if unterminated or not at a quote.
    pub(crate) fn quoted(&mut self) -> Option<(usize, usize)> {
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return None;
        }
        let mut i = start + 1;
        loop {
            match self.s.get(i) {
                None => return None,
                Some(b'"') => {
                    self.pos = i + 1;
                    return Some((start, i + 1));
                }
                Some(b'\\') => i += 2,
                Some(_) => i += 1,
            }
        }
    }
}

/// Splits a list-valued header value on commas outside quotes and angle brackets.
///
/// Yields trimmed ranges, including empty elements (so `a,,b` shows the hole); a value
/// that is entirely white space yields nothing.
pub(crate) struct ListSplit<'a> {
    s: &'a [u8],
    pos: usize,
    done: bool,
}

impl<'a> ListSplit<'a> {
    pub(crate) fn new(s: &'a [u8]) -> Self {
        let blank = s.iter().all(|&b| is_ws(b));
        ListSplit {
            s,
            pos: 0,
            done: blank,
        }
    }

    /// Whether `s` holds no comma at all (so it is a single element).
    #[inline]
    pub(crate) fn is_single(s: &[u8]) -> bool {
        find_byte(s, 0, b',').is_none()
    }
}

impl Iterator for ListSplit<'_> {
    type Item = (usize, usize);
    fn next(&mut self) -> Option<(usize, usize)> {
        if self.done {
            return None;
        }
        let start = self.pos;
        let mut i = start;
        let mut in_quote = false;
        let mut in_angle = false;
        while let Some(&b) = self.s.get(i) {
            if in_quote {
                match b {
                    b'\\' => i += 1,
                    b'"' => in_quote = false,
                    _ => {}
                }
            } else {
                match b {
                    b'"' => in_quote = true,
                    b'<' => in_angle = true,
                    b'>' => in_angle = false,
                    b',' if !in_angle => break,
                    _ => {}
                }
            }
            i += 1;
        }
        let end = i.min(self.s.len());
        if end >= self.s.len() {
            self.done = true;
        } else {
            self.pos = end + 1;
        }
        Some(trim_range(self.s, start, end))
    }
}

/// Removes the quotes and backslash escapes of a quoted string; plain text is returned as is.
pub fn unquote(s: &str) -> Cow<'_, str> {
    let Some(inner) = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else {
        return Cow::Borrowed(s);
    };
    if !inner.contains('\\') {
        return Cow::Borrowed(inner);
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(ch) = chars.next() {
        if ch == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(ch);
        }
    }
    Cow::Owned(out)
}

/// Quotes `s` as a SIP quoted-string (escaping `"` and `\`).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        if ch == '"' || ch == '\\' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%HH` escapes once (never twice); a `%` not followed by two hex digits stays as is.
pub fn unescape(s: &str) -> Cow<'_, [u8]> {
    let b = s.as_bytes();
    if !b.contains(&b'%') {
        return Cow::Borrowed(b);
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            if let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            ) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    Cow::Owned(out)
}

/// Parses a non-empty run of ASCII digits as `u64`; `None` on overflow or a non-digit.
pub(crate) fn parse_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &b in s {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(v)
}

/// Parses digits as `u32`, saturating at `u32::MAX` (delta-seconds rule); `None` if not digits.
pub(crate) fn parse_u32_saturating(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(parse_u64(s).map_or(u32::MAX, |v| u32::try_from(v).unwrap_or(u32::MAX)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_parsing_matches_the_standard_library() {
        for text in [
            "127.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "1.2.3.04",
            "0.10.100.200",
            "1..2.3",
            "",
            "a.b.c.d",
            "1.2.3.4 ",
            "+1.2.3.4",
            "1.2.3.-4",
            "1234.1.1.1",
            "10.0.0.255",
            "192.168.001.1",
            "::1",
            "1.2.3.4.",
        ] {
            assert_eq!(
                parse_ipv4(text.as_bytes()),
                text.parse::<std::net::Ipv4Addr>().ok(),
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        /// Any short text of digits and dots reads as `Ipv4Addr`'s own parser reads it.
        #[test]
        fn ipv4_agrees_with_the_standard_parser(text in "[0-9.]{0,17}") {
            proptest::prop_assert_eq!(
                parse_ipv4(text.as_bytes()),
                text.parse::<std::net::Ipv4Addr>().ok()
            );
        }
    }

    #[test]
    fn line_breaks_are_found_at_every_position() {
        for len in 0..40 {
            for at in 0..=len {
                for brk in [b'\r', b'\n', b'x'] {
                    // Bytes next to CR/LF in value (0x0c, 0x0e, 0x8d) must not count.
                    let mut v: Vec<u8> =
                        (0..len).map(|i| [b'a', 0x0c, 0x0e, 0x8d][i % 4]).collect();
                    if at < len {
                        v[at] = brk;
                    }
                    let want = v.iter().any(|&c| c == b'\r' || c == b'\n');
                    assert_eq!(has_line_break(&v), want, "len {len} at {at} byte {brk}");
                }
            }
        }
    }

    fn split(s: &str) -> Vec<&str> {
        ListSplit::new(s.as_bytes())
            .map(|(a, b)| &s[a..b])
            .collect()
    }

    #[test]
    fn list_split_respects_quotes_and_angles() {
        assert_eq!(
            split(r#""a,b" <sip:x;p=1,2>;q=1 , <sip:y>"#),
            vec![r#""a,b" <sip:x;p=1,2>;q=1"#, "<sip:y>"]
        );
        assert_eq!(split("a,,b"), vec!["a", "", "b"]);
        assert!(split("   ").is_empty());
        assert_eq!(split(r#""x\",y", z"#), vec![r#""x\",y""#, "z"]);
    }

    #[test]
    fn unescape_once() {
        assert_eq!(&*unescape("v%61lue%25%34%31"), b"value%41");
        assert_eq!(&*unescape("%00x"), b"\0x");
        assert_eq!(&*unescape("%zz"), b"%zz");
        let c = class(true, b"%");
        assert!(c.all_escaped(b"a%20b"));
        assert!(!c.all_escaped(b"a%2"));
        assert!(!c.all_escaped(b"a b"));
    }

    #[test]
    fn quoting_round_trips() {
        let q = quote(r#"J "R" \x"#);
        assert_eq!(unquote(&q), r#"J "R" \x"#);
    }

    #[test]
    fn alnum_skip_stops_before_any_other_byte() {
        let plain = |c: u8| c.is_ascii_alphanumeric() || c == b'-' || c == b'.';
        for odd in 0u8..=255 {
            for at in 0..24 {
                let mut v: Vec<u8> = b"aZ09-.zA9b.c-dEfGhIjKlMn".to_vec();
                v[at] = odd;
                for start in 0..4 {
                    let got = skip_alnum8(&v, start);
                    // Only whole groups, each entirely plain.
                    assert_eq!((got - start) % 8, 0);
                    assert!(v[start..got].iter().all(|&c| plain(c)), "{odd} at {at}");
                    let next = v.get(got..got + 8);
                    if let Some(g) = next {
                        assert!(!g.iter().all(|&c| plain(c)), "{odd} at {at}: stopped early");
                    }
                }
            }
        }
    }

    #[test]
    fn find_byte_matches_position() {
        let hay = b"sip:user;x=1@host.example.com:5060;transport=udp?h=v@";
        for start in 0..hay.len() {
            for needle in [b'@', b';', b'?', b'z', b'p'] {
                let want = hay[start..]
                    .iter()
                    .position(|&c| c == needle)
                    .map(|i| i + start);
                assert_eq!(find_byte(hay, start, needle), want);
            }
        }
        assert_eq!(find_byte(b"", 0, b'a'), None);
        assert_eq!(find_byte(b"\x80\x81a", 0, b'a'), Some(2));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_u64(b"0009"), Some(9));
        assert_eq!(parse_u64(b"99999999999999999999999"), None);
        assert_eq!(parse_u32_saturating(b"10000000000"), Some(u32::MAX));
        assert_eq!(parse_u32_saturating(b"-1"), None);
    }
}
