//! `Text`: an immutable UTF-8 string backed by `Bytes`, usually a slice of the parsed body.

use bytes::Bytes;
use std::fmt;

/// An immutable UTF-8 string that shares the buffer it was parsed from.
///
/// Parsing slices the received body instead of copying every field; building a
/// description from code takes a `&'static str` or a `String`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Text(Bytes);

impl Text {
    /// A text from a static string, without copying.
    pub const fn from_static(s: &'static str) -> Self {
        Text(Bytes::from_static(s.as_bytes()))
    }

    /// A text that copies `s`.
    pub fn copy_from_str(s: &str) -> Self {
        Text(Bytes::copy_from_slice(s.as_bytes()))
    }

    /// Wraps bytes the caller has already checked to be UTF-8 (crate-internal).
    pub(crate) fn from_utf8_bytes(b: Bytes) -> Self {
        debug_assert!(std::str::from_utf8(&b).is_ok());
        Text(b)
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        // Every constructor guarantees UTF-8; the fallback is unreachable.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The underlying buffer.
    pub fn to_bytes(&self) -> Bytes {
        self.0.clone()
    }

    /// True when the text is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// ASCII case-insensitive comparison.
    pub fn eq_ignore_ascii_case(&self, other: &str) -> bool {
        self.0.eq_ignore_ascii_case(other.as_bytes())
    }
}

impl From<&'static str> for Text {
    fn from(s: &'static str) -> Self {
        Text::from_static(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Bytes::from(s.into_bytes()))
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
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
}
