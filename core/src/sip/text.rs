//! `SipStr`: an immutable, UTF-8 checked string that shares the received `Bytes`.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use bytes::Bytes;

/// An immutable UTF-8 string backed by [`Bytes`]: a zero-copy slice of a received message.
///
/// Cloning is cheap (a reference count). It dereferences to `str`.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SipStr(Bytes);

impl SipStr {
    /// A `SipStr` over a static string (no allocation).
    pub const fn from_static(s: &'static str) -> Self {
        SipStr(Bytes::from_static(s.as_bytes()))
    }

    /// Checks that `bytes` is UTF-8 and wraps it without copying.
    pub fn from_utf8(bytes: Bytes) -> Result<Self, std::str::Utf8Error> {
        std::str::from_utf8(&bytes)?;
        Ok(SipStr(bytes))
    }

    /// Wraps bytes that the caller has already checked to be UTF-8.
    ///
    /// If they are not, the string reads as empty (never undefined behaviour).
    pub(crate) fn from_checked(bytes: Bytes) -> Self {
        SipStr(bytes)
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// Length in bytes (no UTF-8 re-check, unlike going through `str`).
    #[inline]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the string is empty (no UTF-8 re-check, unlike going through `str`).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The raw bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The underlying `Bytes`.
    pub fn as_shared(&self) -> &Bytes {
        &self.0
    }

    /// Gives back the underlying `Bytes`.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }

    /// A zero-copy `SipStr` for `sub`, which must be a substring of `self` (else `None`).
    pub fn sub(&self, sub: &str) -> Option<SipStr> {
        let base = self.0.as_ptr() as usize;
        let p = sub.as_ptr() as usize;
        let start = p.checked_sub(base)?;
        let end = start.checked_add(sub.len())?;
        if end > self.0.len() {
            return None;
        }
        Some(SipStr(self.0.slice(start..end)))
    }

    /// A zero-copy slice by byte range of ASCII-delimited positions (no boundary check).
    pub(crate) fn slice_ascii(&self, start: usize, end: usize) -> SipStr {
        if start <= end && end <= self.0.len() {
            SipStr(self.0.slice(start..end))
        } else {
            SipStr::default()
        }
    }
}

impl Deref for SipStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SipStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<[u8]> for SipStr {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Borrow<[u8]> for SipStr {
    fn borrow(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Display for SipStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for SipStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<&str> for SipStr {
    fn from(s: &str) -> Self {
        SipStr(Bytes::copy_from_slice(s.as_bytes()))
    }
}

impl From<String> for SipStr {
    fn from(s: String) -> Self {
        SipStr(Bytes::from(s.into_bytes()))
    }
}

impl From<&String> for SipStr {
    fn from(s: &String) -> Self {
        SipStr::from(s.as_str())
    }
}

impl From<SipStr> for Bytes {
    fn from(s: SipStr) -> Bytes {
        s.0
    }
}

impl PartialEq<str> for SipStr {
    fn eq(&self, other: &str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl PartialEq<&str> for SipStr {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl PartialEq<SipStr> for str {
    fn eq(&self, other: &SipStr) -> bool {
        other.0 == self.as_bytes()
    }
}

impl PartialEq<SipStr> for &str {
    fn eq(&self, other: &SipStr) -> bool {
        other.0 == self.as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_shares_and_checks_bounds() {
        let s = SipStr::from("hello world");
        let w = &s[6..];
        let sub = s.sub(w).expect("substring");
        assert_eq!(sub, "world");
        assert!(s.sub("world").is_none(), "a foreign str is not a substring");
    }

    #[test]
    fn invalid_utf8_is_refused() {
        assert!(SipStr::from_utf8(Bytes::from_static(b"\xff\xfe")).is_err());
        assert_eq!(SipStr::from_utf8(Bytes::from_static(b"ok")).unwrap(), "ok");
    }

    #[test]
    fn slice_out_of_range_is_empty() {
        let s = SipStr::from("abc");
        assert_eq!(s.slice_ascii(1, 9), "");
        assert_eq!(s.slice_ascii(1, 3), "bc");
    }
}
