//! Digest algorithm, quality-of-protection and nonce-count tokens.

use std::fmt;

/// A digest algorithm this module can compute (RFC 7616 §3.2, RFC 2617 §3.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `MD5`, the default when no algorithm is named; what SIPp and most phones speak.
    Md5,
    /// `MD5-sess`: HA1 is rehashed with the nonce and cnonce.
    Md5Sess,
    /// `SHA-256` (RFC 7616, RFC 8760 for SIP).
    Sha256,
    /// `SHA-256-sess`.
    Sha256Sess,
}

impl Algorithm {
    /// Every supported algorithm, strongest first (the order a client prefers).
    pub const STRONGEST_FIRST: [Algorithm; 4] = [
        Algorithm::Sha256,
        Algorithm::Sha256Sess,
        Algorithm::Md5,
        Algorithm::Md5Sess,
    ];

    /// The token as printed in headers.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Md5Sess => "MD5-sess",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha256Sess => "SHA-256-sess",
        }
    }

    /// Reads a token, case-insensitively; `None` for algorithms not supported here.
    pub fn from_token(token: &str) -> Option<Algorithm> {
        [
            Algorithm::Md5,
            Algorithm::Md5Sess,
            Algorithm::Sha256,
            Algorithm::Sha256Sess,
        ]
        .into_iter()
        .find(|a| a.as_str().eq_ignore_ascii_case(token))
    }

    /// Whether HA1 is the session variant `H(H(user:realm:pass):nonce:cnonce)`.
    pub fn is_session(self) -> bool {
        matches!(self, Algorithm::Md5Sess | Algorithm::Sha256Sess)
    }

    /// Whether the hash function is SHA-256 (else MD5).
    pub fn is_sha256(self) -> bool {
        matches!(self, Algorithm::Sha256 | Algorithm::Sha256Sess)
    }

    /// Length of a hex digest for this algorithm (32 for MD5, 64 for SHA-256).
    pub fn hex_len(self) -> usize {
        if self.is_sha256() { 64 } else { 32 }
    }

    /// Client preference rank: higher is stronger.
    pub(crate) fn strength(self) -> u8 {
        match self {
            Algorithm::Sha256 => 4,
            Algorithm::Sha256Sess => 3,
            Algorithm::Md5 => 2,
            Algorithm::Md5Sess => 1,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `algorithm` parameter of a challenge or credentials, as received.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AlgorithmParam {
    /// Not present: MD5 by RFC 2617 default.
    #[default]
    Absent,
    /// A supported algorithm.
    Known(Algorithm),
    /// A token this module does not implement (e.g. `SHA-512-256`), kept verbatim.
    Unknown(String),
}

impl AlgorithmParam {
    /// The algorithm to compute with: absent means MD5; unknown gives `None`.
    pub fn resolve(&self) -> Option<Algorithm> {
        match self {
            AlgorithmParam::Absent => Some(Algorithm::Md5),
            AlgorithmParam::Known(a) => Some(*a),
            AlgorithmParam::Unknown(_) => None,
        }
    }

    /// Reads the parameter value (case-insensitive).
    pub(crate) fn from_value(value: &str) -> AlgorithmParam {
        match Algorithm::from_token(value) {
            Some(a) => AlgorithmParam::Known(a),
            None => AlgorithmParam::Unknown(value.to_owned()),
        }
    }

    /// The token to print, if any.
    pub(crate) fn token(&self) -> Option<&str> {
        match self {
            AlgorithmParam::Absent => None,
            AlgorithmParam::Known(a) => Some(a.as_str()),
            AlgorithmParam::Unknown(s) => Some(s),
        }
    }
}

impl From<Algorithm> for AlgorithmParam {
    fn from(a: Algorithm) -> Self {
        AlgorithmParam::Known(a)
    }
}

/// A quality-of-protection value (RFC 2617 §3.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Qop {
    /// `auth`: the response covers method and uri.
    Auth,
    /// `auth-int`: the response also covers the body (recognised, not computed here).
    AuthInt,
}

impl Qop {
    /// The token as printed in headers.
    pub fn as_str(self) -> &'static str {
        match self {
            Qop::Auth => "auth",
            Qop::AuthInt => "auth-int",
        }
    }

    /// Reads a token, case-insensitively.
    pub fn from_token(token: &str) -> Option<Qop> {
        if token.eq_ignore_ascii_case("auth") {
            Some(Qop::Auth)
        } else if token.eq_ignore_ascii_case("auth-int") {
            Some(Qop::AuthInt)
        } else {
            None
        }
    }
}

impl fmt::Display for Qop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `nc` parameter: eight hex digits, kept as sent because the response hashes the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NonceCount {
    value: u32,
    text: [u8; 8],
}

impl NonceCount {
    /// The count `value`, printed as eight lowercase hex digits.
    pub fn new(value: u32) -> NonceCount {
        let mut text = [b'0'; 8];
        for (i, slot) in text.iter_mut().enumerate() {
            let nibble = (value >> (28 - 4 * i)) & 0xf;
            *slot = b"0123456789abcdef"[nibble as usize];
        }
        NonceCount { value, text }
    }

    /// Reads exactly eight hex digits (either case).
    pub fn parse(s: &str) -> Option<NonceCount> {
        let bytes = s.as_bytes();
        if bytes.len() != 8 || !bytes.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let value = u32::from_str_radix(s, 16).ok()?;
        let mut text = [0u8; 8];
        text.copy_from_slice(bytes);
        Some(NonceCount { value, text })
    }

    /// The numeric count.
    pub fn value(self) -> u32 {
        self.value
    }

    /// The eight digits as received (or as printed for a built count).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.text).unwrap_or("00000000")
    }
}

impl fmt::Display for NonceCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_tokens_are_case_insensitive() {
        assert_eq!(Algorithm::from_token("sha-256"), Some(Algorithm::Sha256));
        assert_eq!(Algorithm::from_token("md5-SESS"), Some(Algorithm::Md5Sess));
        assert_eq!(Algorithm::from_token("SHA-512-256"), None);
    }

    #[test]
    fn absent_algorithm_means_md5() {
        assert_eq!(AlgorithmParam::Absent.resolve(), Some(Algorithm::Md5));
        assert_eq!(AlgorithmParam::Unknown("X".into()).resolve(), None);
    }

    #[test]
    fn nonce_count_prints_eight_lowercase_digits() {
        assert_eq!(NonceCount::new(0x1a).as_str(), "0000001a");
        assert_eq!(NonceCount::new(u32::MAX).as_str(), "ffffffff");
    }

    #[test]
    fn nonce_count_keeps_the_received_text() {
        let nc = NonceCount::parse("0000000A");
        assert_eq!(nc.map(|n| n.value()), Some(10));
        assert_eq!(nc.map(|n| n.to_string()), Some("0000000A".to_owned()));
    }

    #[test]
    fn nonce_count_rejects_bad_hex_and_length() {
        assert_eq!(NonceCount::parse("0000000g"), None);
        assert_eq!(NonceCount::parse("1"), None);
        assert_eq!(NonceCount::parse("+0000001"), None);
    }
}
