//! The `WWW-Authenticate` / `Proxy-Authenticate` value: `Digest realm=.., nonce=.., ...`.

use std::fmt;
use std::str::FromStr;

use smallvec::SmallVec;

use super::algorithm::{Algorithm, AlgorithmParam, Qop};
use super::error::ParseError;
use super::params::{self, ExtraParam};

/// A digest challenge (RFC 7616 §3.3, RFC 3261 §22.1).
///
/// Parsing keeps unknown parameters in [`Challenge::extra`]; printing is deterministic:
/// `realm, domain, nonce, opaque, stale, algorithm, qop`, then the extra parameters in
/// received order. Nothing in a challenge is secret, so `Debug` and `Display` show it all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// Protection space shown to the user and hashed into HA1.
    pub realm: String,
    /// Server nonce, echoed by the client.
    pub nonce: String,
    /// Opaque server data, echoed by the client unchanged.
    pub opaque: Option<String>,
    /// Hash algorithm (absent means MD5).
    pub algorithm: AlgorithmParam,
    /// Offered qop values; `None` when absent (RFC 2069 style). Unknown values are dropped.
    pub qop: Option<SmallVec<[Qop; 2]>>,
    /// The previous nonce was valid but expired: retry without asking the user again.
    pub stale: bool,
    /// Space-separated URI list of the protection space, as received.
    pub domain: Option<String>,
    /// Parameters this module does not interpret (e.g. `charset`, `userhash`).
    pub extra: Vec<ExtraParam>,
}

impl Challenge {
    /// A challenge for `realm` with `nonce`, `algorithm` and `qop="auth"`.
    pub fn new(
        realm: impl Into<String>,
        nonce: impl Into<String>,
        algorithm: Algorithm,
    ) -> Challenge {
        let mut qop = SmallVec::new();
        qop.push(Qop::Auth);
        Challenge {
            realm: realm.into(),
            nonce: nonce.into(),
            opaque: None,
            algorithm: AlgorithmParam::Known(algorithm),
            qop: Some(qop),
            stale: false,
            domain: None,
            extra: Vec::new(),
        }
    }

    /// Parses a header value holding one challenge (SIP sends one per header line); any
    /// scheme but `Digest` is [`ParseError::NotDigest`].
    pub fn parse(value: &str) -> Result<Challenge, ParseError> {
        let raw = params::parse_digest(value)?;
        let mut realm = None;
        let mut nonce = None;
        let mut c = Challenge {
            realm: String::new(),
            nonce: String::new(),
            opaque: None,
            algorithm: AlgorithmParam::Absent,
            qop: None,
            stale: false,
            domain: None,
            extra: Vec::new(),
        };
        for p in &raw {
            let v = &p.value;
            match p.name.to_ascii_lowercase().as_str() {
                "realm" => realm = Some(v.to_string()),
                "nonce" => nonce = Some(v.to_string()),
                "opaque" => c.opaque = Some(v.to_string()),
                "domain" => c.domain = Some(v.to_string()),
                "algorithm" => c.algorithm = AlgorithmParam::from_value(v),
                "stale" => c.stale = v.trim().eq_ignore_ascii_case("true"),
                "qop" => {
                    let offered = v.split(',').filter_map(|t| Qop::from_token(t.trim())).fold(
                        SmallVec::<[Qop; 2]>::new(),
                        |mut acc, q| {
                            if !acc.contains(&q) {
                                acc.push(q);
                            }
                            acc
                        },
                    );
                    c.qop = Some(offered);
                }
                _ => c.extra.push(ExtraParam::from_raw(p)),
            }
        }
        c.realm = realm.ok_or(ParseError::Missing("realm"))?;
        c.nonce = nonce.ok_or(ParseError::Missing("nonce"))?;
        Ok(c)
    }

    /// The algorithm to compute with, `None` when it is not supported here.
    pub fn resolved_algorithm(&self) -> Option<Algorithm> {
        self.algorithm.resolve()
    }

    /// Whether the server accepts `qop=auth` (or, with no qop list, RFC 2069 responses).
    pub fn accepts(&self, qop: Option<Qop>) -> bool {
        match (&self.qop, qop) {
            (None, None) => true,
            (Some(list), Some(q)) => list.contains(&q),
            _ => false,
        }
    }

    /// The header value, same as `to_string()`.
    pub fn to_header_value(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Digest")?;
        params::write_quoted(f, true, "realm", &self.realm)?;
        if let Some(domain) = &self.domain {
            params::write_quoted(f, false, "domain", domain)?;
        }
        params::write_quoted(f, false, "nonce", &self.nonce)?;
        if let Some(opaque) = &self.opaque {
            params::write_quoted(f, false, "opaque", opaque)?;
        }
        if self.stale {
            params::write_token(f, false, "stale", "true")?;
        }
        if let Some(alg) = self.algorithm.token() {
            params::write_token(f, false, "algorithm", alg)?;
        }
        if let Some(list) = &self.qop {
            let joined = list
                .iter()
                .map(|q| q.as_str())
                .collect::<SmallVec<[&str; 2]>>()
                .join(",");
            params::write_quoted(f, false, "qop", &joined)?;
        }
        for p in &self.extra {
            params::write_extra(f, false, p)?;
        }
        Ok(())
    }
}

impl FromStr for Challenge {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Challenge::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_sipp_stand_in_challenge() {
        let c = Challenge::parse(
            r#"Digest realm="voice.test", nonce="n1x1y4c7e", opaque="0p4qu3", algorithm=MD5, qop="auth""#,
        );
        let c = c.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.realm, "voice.test");
        assert_eq!(c.opaque.as_deref(), Some("0p4qu3"));
        assert_eq!(c.resolved_algorithm(), Some(Algorithm::Md5));
        assert!(c.accepts(Some(Qop::Auth)));
    }

    #[test]
    fn qop_list_is_split_and_trimmed() {
        let c = Challenge::parse(r#"Digest realm="r", nonce="n", qop="auth, auth-int, x""#);
        assert_eq!(
            c.ok().and_then(|c| c.qop).map(|q| q.to_vec()),
            Some(vec![Qop::Auth, Qop::AuthInt])
        );
    }

    #[test]
    fn stale_is_case_insensitive_and_may_be_quoted() {
        let c = Challenge::parse(r#"Digest realm="r", nonce="n", stale="TRUE""#);
        assert_eq!(c.map(|c| c.stale), Ok(true));
    }

    #[test]
    fn missing_nonce_is_an_error() {
        assert_eq!(
            Challenge::parse(r#"Digest realm="r""#),
            Err(ParseError::Missing("nonce"))
        );
    }

    #[test]
    fn unknown_algorithm_is_kept_and_printed_back() {
        let c = Challenge::parse(r#"Digest realm="r", nonce="n", algorithm=SHA-512-256"#);
        let c = c.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.resolved_algorithm(), None);
        assert!(c.to_string().contains("algorithm=SHA-512-256"));
    }

    #[test]
    fn printing_is_canonical() {
        let mut c = Challenge::new("voice.test", "abc", Algorithm::Sha256);
        c.opaque = Some("o".into());
        c.stale = true;
        assert_eq!(
            c.to_string(),
            r#"Digest realm="voice.test", nonce="abc", opaque="o", stale=true, algorithm=SHA-256, qop="auth""#
        );
    }
}
