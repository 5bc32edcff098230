//! The `Authorization` / `Proxy-Authorization` value: `Digest username=.., response=.., ...`.

use std::fmt::{self, Write as _};
use std::str::FromStr;

use super::algorithm::{AlgorithmParam, NonceCount, Qop};
use super::error::ParseError;
use super::params::{self, ExtraParam};

/// Digest credentials (RFC 7616 §3.4, RFC 3261 §22.2).
///
/// The wire form comes from [`Credentials::to_header_value`]; there is deliberately no
/// `Display`, and `Debug` prints `response` as `<redacted>`, so formatting credentials
/// into a log line cannot leak the response. Printing order is deterministic:
/// `username, realm, nonce, uri, response, algorithm, cnonce, opaque, qop, nc`, then the
/// extra parameters in received order.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// User name (unescaped).
    pub username: String,
    /// Realm the client answers.
    pub realm: String,
    /// The server nonce echoed back.
    pub nonce: String,
    /// The digest-uri the response covers (should equal the Request-URI).
    pub uri: String,
    /// The response digest, in hex. Never printed by `Debug`.
    pub response: String,
    /// Hash algorithm (absent means MD5).
    pub algorithm: AlgorithmParam,
    /// Client nonce (present with qop).
    pub cnonce: Option<String>,
    /// Opaque value echoed from the challenge.
    pub opaque: Option<String>,
    /// Chosen quality of protection; `None` for RFC 2069 style responses.
    pub qop: Option<Qop>,
    /// Nonce count (present with qop).
    pub nc: Option<NonceCount>,
    /// Parameters this module does not interpret.
    pub extra: Vec<ExtraParam>,
}

impl Credentials {
    /// Parses a header value; any scheme but `Digest` is [`ParseError::NotDigest`].
    ///
    /// Requires `username`, `realm`, `nonce`, `uri` and `response`; with `qop`, also
    /// `cnonce` and an eight-hex-digit `nc`.
    pub fn parse(value: &str) -> Result<Credentials, ParseError> {
        let raw = params::parse_digest(value)?;
        let (mut username, mut realm, mut nonce, mut uri, mut response) =
            (None, None, None, None, None);
        let mut nc_text = None;
        let mut c = Credentials {
            username: String::new(),
            realm: String::new(),
            nonce: String::new(),
            uri: String::new(),
            response: String::new(),
            algorithm: AlgorithmParam::Absent,
            cnonce: None,
            opaque: None,
            qop: None,
            nc: None,
            extra: Vec::new(),
        };
        for p in &raw {
            let v = &p.value;
            match p.name.to_ascii_lowercase().as_str() {
                "username" => username = Some(v.to_string()),
                "realm" => realm = Some(v.to_string()),
                "nonce" => nonce = Some(v.to_string()),
                "uri" => uri = Some(v.to_string()),
                "response" => response = Some(v.to_string()),
                "algorithm" => c.algorithm = AlgorithmParam::from_value(v),
                "cnonce" => c.cnonce = Some(v.to_string()),
                "opaque" => c.opaque = Some(v.to_string()),
                "qop" => c.qop = Some(Qop::from_token(v.trim()).ok_or(ParseError::Invalid("qop"))?),
                "nc" => nc_text = Some(v.clone()),
                _ => c.extra.push(ExtraParam::from_raw(p)),
            }
        }
        c.username = username.ok_or(ParseError::Missing("username"))?;
        c.realm = realm.ok_or(ParseError::Missing("realm"))?;
        c.nonce = nonce.ok_or(ParseError::Missing("nonce"))?;
        c.uri = uri.ok_or(ParseError::Missing("uri"))?;
        c.response = response.ok_or(ParseError::Missing("response"))?;
        if let Some(text) = nc_text {
            c.nc = Some(NonceCount::parse(text.trim()).ok_or(ParseError::Invalid("nc"))?);
        }
        if c.qop.is_some() {
            if c.cnonce.is_none() {
                return Err(ParseError::Missing("cnonce"));
            }
            if c.nc.is_none() {
                return Err(ParseError::Missing("nc"));
            }
        }
        Ok(c)
    }

    /// The header value (this is the only way to print the response).
    pub fn to_header_value(&self) -> String {
        let mut out = String::with_capacity(256);
        // Writing into a String cannot fail.
        let _ = self.write_header_value(&mut out);
        out
    }

    /// Appends the header value to `out`.
    pub fn write_header_value(&self, out: &mut impl fmt::Write) -> fmt::Result {
        out.write_str("Digest")?;
        params::write_quoted(out, true, "username", &self.username)?;
        params::write_quoted(out, false, "realm", &self.realm)?;
        params::write_quoted(out, false, "nonce", &self.nonce)?;
        params::write_quoted(out, false, "uri", &self.uri)?;
        params::write_quoted(out, false, "response", &self.response)?;
        if let Some(alg) = self.algorithm.token() {
            params::write_token(out, false, "algorithm", alg)?;
        }
        if let Some(cnonce) = &self.cnonce {
            params::write_quoted(out, false, "cnonce", cnonce)?;
        }
        if let Some(opaque) = &self.opaque {
            params::write_quoted(out, false, "opaque", opaque)?;
        }
        if let Some(qop) = self.qop {
            params::write_token(out, false, "qop", qop.as_str())?;
        }
        if let Some(nc) = &self.nc {
            params::write_token(out, false, "nc", nc.as_str())?;
        }
        for p in &self.extra {
            params::write_extra(out, false, p)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("realm", &self.realm)
            .field("nonce", &self.nonce)
            .field("uri", &self.uri)
            .field("response", &"<redacted>")
            .field("algorithm", &self.algorithm)
            .field("cnonce", &self.cnonce)
            .field("opaque", &self.opaque)
            .field("qop", &self.qop)
            .field("nc", &self.nc.map(|n| n.value()))
            .field("extra", &ExtraNames(&self.extra))
            .finish()
    }
}

/// Shows only the names of uninterpreted parameters (their values are unknown in kind).
struct ExtraNames<'a>(&'a [ExtraParam]);

impl fmt::Debug for ExtraNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('[')?;
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(&p.name)?;
        }
        f.write_char(']')
    }
}

impl FromStr for Credentials {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Credentials::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC2617: &str = r#"Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41""#;

    #[test]
    fn parses_the_rfc2617_example() {
        let c = Credentials::parse(RFC2617).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.username, "Mufasa");
        assert_eq!(c.qop, Some(Qop::Auth));
        assert_eq!(c.nc.map(|n| n.value()), Some(1));
        assert_eq!(c.cnonce.as_deref(), Some("0a4f113b"));
    }

    #[test]
    fn print_then_parse_is_identity() {
        let c = Credentials::parse(RFC2617).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Credentials::parse(&c.to_header_value()), Ok(c));
    }

    #[test]
    fn qop_without_nc_is_missing_nc() {
        let v = r#"Digest username="a", realm="r", nonce="n", uri="u", response="x", qop=auth, cnonce="c""#;
        assert_eq!(Credentials::parse(v), Err(ParseError::Missing("nc")));
    }

    #[test]
    fn quoted_qop_is_accepted() {
        let v = r#"Digest username="a", realm="r", nonce="n", uri="u", response="x", qop="auth", cnonce="c", nc=00000002"#;
        assert_eq!(Credentials::parse(v).map(|c| c.qop), Ok(Some(Qop::Auth)));
    }

    #[test]
    fn debug_redacts_the_response() {
        let c = Credentials::parse(RFC2617).unwrap_or_else(|e| panic!("{e}"));
        let shown = format!("{c:?}");
        assert!(!shown.contains("6629fae49393a05397450978507c4ef1"));
        assert!(shown.contains("Mufasa"));
    }
}
