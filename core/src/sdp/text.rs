//! `Text`: an immutable UTF-8 string, usually a slice of the parsed body.

use bytes::Bytes;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// An immutable UTF-8 string that shares the buffer it was parsed from.
///
/// Parsing slices the received body instead of copying every field; building a
/// description from code takes a `&'static str` or a `String`. Short texts made at run
/// time (payload types, addresses) are stored inline, without an allocation.
#[derive(Clone, Default)]
pub struct Text(Repr);

/// Longest text kept inline (a dotted IPv4 address fits).
const INLINE: usize = 22;

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
    /// A text from a static string, without copying.
    pub const fn from_static(s: &'static str) -> Self {
        Text(Repr::Shared(Bytes::from_static(s.as_bytes())))
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

    /// A text written at run time (a number, an address): copied, inline when short.
    pub(crate) fn copy_from_utf8(b: &[u8]) -> Self {
        std::str::from_utf8(b)
            .map(Text::copy_from_str)
            .unwrap_or_default()
    }

    /// An inline copy of `s` (valid UTF-8), when it is short enough.
    fn inline(s: &[u8]) -> Option<Self> {
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
        self.as_bytes().eq_ignore_ascii_case(other.as_bytes())
    }
}

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
        assert_eq!(std::mem::size_of::<Text>(), 32);
    }
}
