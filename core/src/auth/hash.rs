//! HA1, HA2 and response computation (RFC 7616 §3.4.1-3.4.3, RFC 2617 §3.2.2), and the
//! [`Secret`] a lookup hands to the server.
//!
//! Hex output is lowercase. Nothing here implements `Display`, and every `Debug` redacts.

use std::fmt;

use md5::{Digest as _, Md5};
use sha2::Sha256;

use super::algorithm::{Algorithm, Qop};

/// What the server knows about a user: the password or precomputed HA1 values.
///
/// `Debug` never shows the contents. HA1 values are `H(username:realm:password)` in
/// lowercase or uppercase hex; a missing one means that algorithm cannot be verified.
#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    /// The clear password.
    Password(String),
    /// Precomputed `H(username:realm:password)` per hash function, in hex.
    Ha1 {
        /// HA1 for MD5 and MD5-sess (32 hex digits).
        md5: Option<String>,
        /// HA1 for SHA-256 and SHA-256-sess (64 hex digits).
        sha256: Option<String>,
    },
}

impl Secret {
    /// Precomputes both HA1 values, so the table need not hold the password.
    pub fn ha1_from_password(username: &str, realm: &str, password: &str) -> Secret {
        let md5 = ha1_plain(Algorithm::Md5, username, realm, password);
        let sha = ha1_plain(Algorithm::Sha256, username, realm, password);
        Secret::Ha1 {
            md5: Some(md5.as_str().to_owned()),
            sha256: Some(sha.as_str().to_owned()),
        }
    }

    /// The non-session HA1 for `alg`, or `None` when this secret lacks it or it is not hex.
    pub(crate) fn ha1(&self, alg: Algorithm, username: &str, realm: &str) -> Option<HexDigest> {
        match self {
            Secret::Password(p) => Some(ha1_plain(alg, username, realm, p)),
            Secret::Ha1 { md5, sha256 } => {
                let stored = if alg.is_sha256() {
                    sha256.as_deref()
                } else {
                    md5.as_deref()
                }?;
                HexDigest::from_hex(stored, alg.hex_len())
            }
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Secret::Password(_) => f.write_str("Secret::Password(<redacted>)"),
            Secret::Ha1 { md5, sha256 } => f
                .debug_struct("Secret::Ha1")
                .field("md5", &md5.as_ref().map(|_| "<redacted>"))
                .field("sha256", &sha256.as_ref().map(|_| "<redacted>"))
                .finish(),
        }
    }
}

/// A lowercase hex digest held inline (no allocation). `Debug` redacts it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct HexDigest {
    buf: [u8; 64],
    len: u8,
}

impl HexDigest {
    fn from_bytes(raw: &[u8]) -> HexDigest {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut buf = [0u8; 64];
        let mut len = 0u8;
        for (pair, b) in buf.chunks_exact_mut(2).zip(raw) {
            pair[0] = DIGITS[usize::from(b >> 4)];
            pair[1] = DIGITS[usize::from(b & 0xf)];
            len += 2;
        }
        HexDigest { buf, len }
    }

    /// Accepts `want` hex digits (either case), lowercased.
    fn from_hex(s: &str, want: usize) -> Option<HexDigest> {
        let bytes = s.trim().as_bytes();
        if bytes.len() != want || want > 64 || !bytes.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let mut buf = [0u8; 64];
        for (dst, src) in buf.iter_mut().zip(bytes) {
            *dst = src.to_ascii_lowercase();
        }
        Some(HexDigest {
            buf,
            len: u8::try_from(want).ok()?,
        })
    }

    /// The digits as a string.
    pub(crate) fn as_str(&self) -> &str {
        let bytes = self.buf.get(..usize::from(self.len)).unwrap_or(&[]);
        std::str::from_utf8(bytes).unwrap_or("")
    }

    /// The digits as bytes (for constant-time comparison).
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.buf.get(..usize::from(self.len)).unwrap_or(&[])
    }
}

impl fmt::Debug for HexDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HexDigest(<redacted>)")
    }
}

/// `H(part0 ":" part1 ":" ...)` in lowercase hex.
pub(crate) fn h(alg: Algorithm, parts: &[&[u8]]) -> HexDigest {
    fn feed<D: md5::Digest>(mut d: D, parts: &[&[u8]]) -> HexDigest {
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                d.update(b":");
            }
            d.update(p);
        }
        HexDigest::from_bytes(&d.finalize())
    }
    if alg.is_sha256() {
        feed(Sha256::new(), parts)
    } else {
        feed(Md5::new(), parts)
    }
}

/// `H(username:realm:password)`.
pub(crate) fn ha1_plain(alg: Algorithm, username: &str, realm: &str, password: &str) -> HexDigest {
    h(
        alg,
        &[username.as_bytes(), realm.as_bytes(), password.as_bytes()],
    )
}

/// The inputs of a response besides HA1.
#[derive(Clone, Copy)]
pub(crate) struct ResponseInput<'a> {
    /// Algorithm (its `-sess` flag decides whether HA1 is rehashed).
    pub(crate) algorithm: Algorithm,
    /// Server nonce.
    pub(crate) nonce: &'a str,
    /// Client nonce (required with qop and for `-sess`).
    pub(crate) cnonce: Option<&'a str>,
    /// Nonce count text (required with qop).
    pub(crate) nc: Option<&'a str>,
    /// Quality of protection: `Some(Auth)` or `None` (RFC 2069 compatibility).
    pub(crate) qop: Option<Qop>,
    /// Request method.
    pub(crate) method: &'a str,
    /// The `uri` parameter (digest-uri).
    pub(crate) uri: &'a str,
}

/// Computes the `response` value from the non-session HA1, or `None` when inputs are missing
/// (qop without nc/cnonce, `-sess` without cnonce) or qop is `auth-int`.
pub(crate) fn response(ha1: &HexDigest, input: &ResponseInput<'_>) -> Option<HexDigest> {
    let alg = input.algorithm;
    let ha1 = if alg.is_session() {
        let cnonce = input.cnonce?;
        h(
            alg,
            &[ha1.as_bytes(), input.nonce.as_bytes(), cnonce.as_bytes()],
        )
    } else {
        *ha1
    };
    let ha2 = h(alg, &[input.method.as_bytes(), input.uri.as_bytes()]);
    match input.qop {
        None => Some(h(
            alg,
            &[ha1.as_bytes(), input.nonce.as_bytes(), ha2.as_bytes()],
        )),
        Some(Qop::Auth) => {
            let parts: [&[u8]; 6] = [
                ha1.as_bytes(),
                input.nonce.as_bytes(),
                input.nc?.as_bytes(),
                input.cnonce?.as_bytes(),
                b"auth",
                ha2.as_bytes(),
            ];
            Some(h(alg, &parts))
        }
        Some(Qop::AuthInt) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_of_empty_input_is_the_known_digest() {
        assert_eq!(
            h(Algorithm::Md5, &[b""]).as_str(),
            "d41d8cd98f00b204e9800998ecf8427e"
        );
    }

    #[test]
    fn sha256_of_abc_is_the_known_digest() {
        assert_eq!(
            h(Algorithm::Sha256, &[b"abc"]).as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn parts_are_joined_with_colons() {
        assert_eq!(
            h(Algorithm::Md5, &[b"a", b"b"]),
            h(Algorithm::Md5, &[b"a:b"])
        );
    }

    #[test]
    fn stored_ha1_equals_computed_ha1() {
        let stored = Secret::ha1_from_password("u", "r", "p");
        let clear = Secret::Password("p".into());
        for alg in [Algorithm::Md5, Algorithm::Sha256] {
            assert_eq!(stored.ha1(alg, "u", "r"), clear.ha1(alg, "u", "r"));
        }
    }

    #[test]
    fn stored_ha1_of_wrong_length_is_unusable() {
        let s = Secret::Ha1 {
            md5: Some("abc".into()),
            sha256: None,
        };
        assert_eq!(s.ha1(Algorithm::Md5, "u", "r"), None);
        assert_eq!(s.ha1(Algorithm::Sha256, "u", "r"), None);
    }

    #[test]
    fn uppercase_stored_ha1_is_lowercased() {
        let lower = ha1_plain(Algorithm::Md5, "u", "r", "p");
        let s = Secret::Ha1 {
            md5: Some(lower.as_str().to_ascii_uppercase()),
            sha256: None,
        };
        assert_eq!(s.ha1(Algorithm::Md5, "u", "r"), Some(lower));
    }

    #[test]
    fn qop_auth_without_nc_cannot_be_computed() {
        let ha1 = ha1_plain(Algorithm::Md5, "u", "r", "p");
        let input = ResponseInput {
            algorithm: Algorithm::Md5,
            nonce: "n",
            cnonce: Some("c"),
            nc: None,
            qop: Some(Qop::Auth),
            method: "INVITE",
            uri: "sip:x",
        };
        assert!(response(&ha1, &input).is_none());
    }
}
