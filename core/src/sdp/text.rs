//! `Text`: an immutable UTF-8 string, usually a slice of the parsed body.

use bytes::Bytes;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::net::Ipv4Addr;

/// An immutable UTF-8 string that shares the buffer it was parsed from.
///
/// Parsing slices the received body instead of copying every field; building a
/// description from code takes a `&'static str` or a `String`. Short texts built in code
/// (static names, payload types, addresses) are stored inline: no allocation, no shared
/// count to maintain.
#[derive(Clone, Default)]
pub struct Text(Repr);

/// Longest text kept inline (a dotted IPv4 address fits).
pub(crate) const INLINE: usize = 22;

/// Longest parsed field copied rather than shared (payload types, `IN`, `IP4`, codec names):
/// a copy this short costs less than counting a reference to the body and releasing it.
pub(crate) const TINY: usize = 4;

#[derive(Clone)]
enum Repr {
    /// A (possibly static) shared buffer.
    Shared(Bytes),
    /// A short text copied in place: `len` bytes of `buf` are used.
    Inline { len: u8, buf: [u8; INLINE] },
}

impl Default for Repr {
    fn default() -> Self {
        Repr::Shared(Bytes::new())
    }
}

impl Text {
    /// A text from a static string: kept inline when short, else shared without copying.
    pub const fn from_static(s: &'static str) -> Self {
        let bytes = s.as_bytes();
        if bytes.len() > INLINE {
            return Text(Repr::Shared(Bytes::from_static(bytes)));
        }
        let mut buf = [0; INLINE];
        let mut i = 0;
        // A `const fn` copies byte by byte; `i` stays below `bytes.len()` <= INLINE.
        while i < bytes.len() {
            buf[i] = bytes[i];
            i += 1;
        }
        // At most INLINE (22) bytes, so the length fits.
        Text(Repr::Inline {
            len: bytes.len() as u8,
            buf,
        })
    }

    /// A text that copies `s`.
    pub fn copy_from_str(s: &str) -> Self {
        Text::inline(s.as_bytes())
            .unwrap_or_else(|| Text(Repr::Shared(Bytes::copy_from_slice(s.as_bytes()))))
    }

    /// Wraps bytes the caller has already checked to be UTF-8 (crate-internal).
    pub(crate) fn from_utf8_bytes(b: Bytes) -> Self {
        debug_assert!(std::str::from_utf8(&b).is_ok());
        Text(Repr::Shared(b))
    }

    /// A number written in decimal, inline (a payload type in a built `m=` line).
    pub(crate) fn from_u8(n: u8) -> Self {
        let [a, b, c, digits] = OCTETS[usize::from(n)];
        let mut buf = [0; INLINE];
        if let Some(dst) = buf.first_chunk_mut::<3>() {
            *dst = [a, b, c];
        }
        Text(Repr::Inline { len: digits, buf })
    }

    /// A dotted-quad IPv4 address, inline (at most 15 bytes).
    pub(crate) fn from_ipv4(ip: Ipv4Addr) -> Self {
        let mut buf = [0; INLINE];
        let mut len = 0;
        for octet in ip.octets() {
            let [a, b, c, digits] = OCTETS[usize::from(octet)];
            let digits = usize::from(digits);
            // At most 12 bytes precede an octet: its three digits and dot fit the buffer.
            if let Some(dst) = buf.get_mut(len..len + 4) {
                dst.copy_from_slice(&[a, b, c, 0]);
                if let Some(dot) = dst.get_mut(digits) {
                    *dot = b'.';
                }
            }
            len += digits + 1;
        }
        // Without the last dot: at most 15 bytes, so the length fits.
        Text(Repr::Inline {
            len: (len - 1) as u8,
            buf,
        })
    }

    /// A text of the first `len` bytes of `window` (they are UTF-8; the rest is ignored),
    /// copied inline as one fixed-size block.
    pub(crate) fn from_window(window: &[u8; TINY], len: usize) -> Self {
        let mut buf = [0; INLINE];
        if let Some(dst) = buf.first_chunk_mut::<TINY>() {
            *dst = *window;
        }
        // `len` is at most TINY.
        Text(Repr::Inline {
            len: len.min(TINY) as u8,
            buf,
        })
    }

    /// An inline copy of `s` (valid UTF-8), when it is short enough.
    pub(crate) fn inline(s: &[u8]) -> Option<Self> {
        let len = u8::try_from(s.len())
            .ok()
            .filter(|&n| usize::from(n) <= INLINE)?;
        let mut buf = [0; INLINE];
        buf.get_mut(..s.len())?.copy_from_slice(s);
        Some(Text(Repr::Inline { len, buf }))
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        // Every constructor guarantees UTF-8; the fallback is unreachable.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Shared(b) => b,
            Repr::Inline { len, buf } => buf.get(..usize::from(*len)).unwrap_or_default(),
        }
    }

    /// For a text stored inline: its whole buffer (the text, then bytes to ignore) and its
    /// length, so that a printer can copy a fixed-size block.
    pub(crate) fn inline_parts(&self) -> Option<(&[u8; INLINE], usize)> {
        match &self.0 {
            Repr::Inline { len, buf } => Some((buf, usize::from(*len))),
            Repr::Shared(_) => None,
        }
    }

    /// The underlying buffer (a copy for a short text stored inline).
    pub fn to_bytes(&self) -> Bytes {
        match &self.0 {
            Repr::Shared(b) => b.clone(),
            Repr::Inline { .. } => Bytes::copy_from_slice(self.as_bytes()),
        }
    }

    /// True when the text is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Shared(b) => b.len(),
            Repr::Inline { len, .. } => usize::from(*len),
        }
    }

    /// ASCII case-insensitive comparison.
    pub fn eq_ignore_ascii_case(&self, other: &str) -> bool {
        let (ours, theirs) = (self.as_bytes(), other.as_bytes());
        // Names are usually written in their canonical case: compare exactly first.
        ours == theirs || ours.eq_ignore_ascii_case(theirs)
    }
}

/// Every octet in decimal: up to three digits (unused ones zero), then how many.
static OCTETS: [[u8; 4]; 256] = {
    let mut table = [[0; 4]; 256];
    let mut n = 0;
    while n < 256 {
        let (h, t, u) = ((n / 100) as u8, (n / 10 % 10) as u8, (n % 10) as u8);
        table[n] = match n {
            0..=9 => [b'0' + u, 0, 0, 1],
            10..=99 => [b'0' + t, b'0' + u, 0, 2],
            _ => [b'0' + h, b'0' + t, b'0' + u, 3],
        };
        n += 1;
    }
    table
};

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Text {}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl From<&'static str> for Text {
    fn from(s: &'static str) -> Self {
        Text::from_static(s)
    }
}

impl From<String> for Text {
    /// Short strings are copied inline; longer ones keep their buffer.
    fn from(s: String) -> Self {
        Text::inline(s.as_bytes())
            .unwrap_or_else(|| Text(Repr::Shared(Bytes::from(s.into_bytes()))))
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::Text;
    use std::net::Ipv4Addr;

    #[test]
    fn static_and_owned_texts_compare_equal() {
        let a = Text::from_static("PCMU");
        let b = Text::from(String::from("PCMU"));
        assert_eq!(a, b);
        assert_eq!(a, "PCMU");
        assert!(a.eq_ignore_ascii_case("pcmu"));
        assert_eq!(format!("{a:?}"), "\"PCMU\"");
    }

    #[test]
    fn short_texts_are_inline_and_long_ones_shared() {
        let short = Text::copy_from_str("127.0.0.1");
        let long = Text::copy_from_str("2001:db8:85a3::8a2e:370:7334");
        assert_eq!(short, Text::from_static("127.0.0.1"));
        assert_eq!(long.as_str(), "2001:db8:85a3::8a2e:370:7334");
        assert_eq!(short.to_bytes(), "127.0.0.1".as_bytes());
        assert_eq!(Text::from("x".repeat(40)).len(), 40);
        assert!(Text::copy_from_str("").is_empty());
        assert!(Text::default().is_empty());
        // The inline variant fits beside the shared one: no larger than `Bytes` itself.
        #[cfg(target_pointer_width = "64")]
        assert_eq!(
            std::mem::size_of::<Text>(),
            std::mem::size_of::<bytes::Bytes>()
        );
    }

    #[test]
    fn numbers_and_addresses_match_the_standard_formatting() {
        for n in [0u8, 7, 9, 10, 99, 100, 101, 255] {
            assert_eq!(Text::from_u8(n), n.to_string().as_str());
        }
        for ip in ["0.0.0.0", "127.0.0.1", "10.47.16.5", "255.255.255.255"] {
            let ip: Ipv4Addr = ip.parse().unwrap_or_else(|e| panic!("{ip}: {e}"));
            assert_eq!(Text::from_ipv4(ip), ip.to_string().as_str());
        }
        for n in 0..=255u8 {
            assert_eq!(Text::from_u8(n), n.to_string().as_str());
            for ip in [
                Ipv4Addr::new(n, 0, 1, 255),
                Ipv4Addr::new(9, n, 99, 100),
                Ipv4Addr::new(200, 10, n, 7),
                Ipv4Addr::new(n, n, n, n),
            ] {
                assert_eq!(Text::from_ipv4(ip), ip.to_string().as_str());
            }
        }
    }
}
