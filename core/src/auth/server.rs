//! The UAS side: issue challenges, verify credentials, keep nonces bounded and reaped.

use std::time::{Duration, Instant};

use rand_core::RngCore;
use smallvec::SmallVec;
use subtle::ConstantTimeEq as _;

use super::algorithm::{Algorithm, Qop};
use super::challenge::Challenge;
use super::credentials::Credentials;
use super::error::ParseError;
use super::hash::{self, ResponseInput, Secret};
use super::nonce::{NonceState, NonceStore};

/// Default nonce lifetime: 300 s, long enough for a user to type a password into a phone
/// and for a REGISTER refresh to reuse the nonce, short enough to bound the store.
pub const DEFAULT_NONCE_LIFETIME: Duration = Duration::from_secs(300);
/// Default bound on live nonces: 16384 (about 100 bytes each); the oldest is evicted beyond it.
pub const DEFAULT_MAX_NONCES: usize = 16_384;

/// How the `uri` parameter is checked against the Request-URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UriCheck {
    /// Equal as strings after trimming surrounding whitespace (RFC 2617 §3.2.2.5).
    #[default]
    Exact,
    /// Not compared: for peers such as SIPp that by default hash `sip:host:port`.
    /// The response still covers the `uri` the client sent.
    Ignore,
}

/// Settings of a [`DigestServer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// Realm put in challenges and required in credentials.
    pub realm: String,
    /// Algorithms challenged with, one challenge each, in this order. The default is MD5
    /// then SHA-256: clients that read only the first challenge (SIPp 3.6) know only MD5.
    pub algorithms: SmallVec<[Algorithm; 4]>,
    /// How long a nonce stays valid ([`DEFAULT_NONCE_LIFETIME`]).
    pub nonce_lifetime: Duration,
    /// Most nonces held at once ([`DEFAULT_MAX_NONCES`]); the oldest is evicted first.
    pub max_nonces: usize,
    /// Fixed `opaque` value to send, if any (echoed by clients, not checked).
    pub opaque: Option<String>,
    /// How `uri` is checked.
    pub uri_check: UriCheck,
    /// Accept RFC 2069 responses without qop (each nonce is then usable once).
    pub allow_without_qop: bool,
}

impl ServerConfig {
    /// Defaults for `realm`: MD5 then SHA-256, 300 s, 16384 nonces, exact uri, no opaque.
    pub fn new(realm: impl Into<String>) -> ServerConfig {
        ServerConfig {
            realm: realm.into(),
            algorithms: SmallVec::from_slice(&[Algorithm::Md5, Algorithm::Sha256]),
            nonce_lifetime: DEFAULT_NONCE_LIFETIME,
            max_nonces: DEFAULT_MAX_NONCES,
            opaque: None,
            uri_check: UriCheck::Exact,
            allow_without_qop: true,
        }
    }
}

/// The outcome of checking credentials. No variant carries a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Authenticated.
    Ok {
        /// The authenticated user name.
        user: String,
    },
    /// A nonce this server issued, now expired or dropped, with a correct digest:
    /// challenge with `stale=true` (the client retries without asking the user).
    Stale,
    /// A nonce this server never issued (forged, or from before a restart): challenge.
    UnknownNonce,
    /// Another scheme than Digest (e.g. Basic): challenge as if there were no credentials.
    NotDigest,
    /// Correct response, but its nonce count is not above the highest seen: refused.
    Replay {
        /// The user named in the replayed credentials.
        user: String,
    },
    /// The response does not match: 403.
    WrongPassword {
        /// The user named in the credentials.
        user: String,
    },
    /// The lookup does not know this user: 403, the same answer as a wrong password.
    UnknownUser {
        /// The user named in the credentials.
        user: String,
    },
    /// The user's [`Secret`] has no HA1 for this algorithm: 403.
    NoSecretForAlgorithm {
        /// The user named in the credentials.
        user: String,
    },
    /// Credentials for another realm: challenge for ours.
    RealmMismatch,
    /// The `uri` parameter differs from the Request-URI: 400.
    UriMismatch,
    /// Unreadable or incomplete credentials (or a qop we did not offer): 400.
    Malformed(ParseError),
    /// An algorithm we do not offer: challenge with ours.
    UnsupportedAlgorithm,
}

/// What the endpoint does with a [`Verdict`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Let the request through.
    Accept,
    /// Answer 401/407 with [`DigestServer::challenge`]; `stale` sets `stale=true`.
    Challenge {
        /// Whether to mark the new challenges stale.
        stale: bool,
    },
    /// Answer 403 Forbidden.
    Forbidden,
    /// Answer 400 Bad Request.
    BadRequest,
}

impl Verdict {
    /// The SIP reaction: accept, challenge (possibly stale), 403 or 400.
    pub fn action(&self) -> Action {
        match self {
            Verdict::Ok { .. } => Action::Accept,
            Verdict::Stale => Action::Challenge { stale: true },
            Verdict::UnknownNonce
            | Verdict::NotDigest
            | Verdict::RealmMismatch
            | Verdict::UnsupportedAlgorithm => Action::Challenge { stale: false },
            Verdict::Replay { .. }
            | Verdict::WrongPassword { .. }
            | Verdict::UnknownUser { .. }
            | Verdict::NoSecretForAlgorithm { .. } => Action::Forbidden,
            Verdict::UriMismatch | Verdict::Malformed(_) => Action::BadRequest,
        }
    }

    /// Whether the request is authenticated.
    pub fn is_ok(&self) -> bool {
        matches!(self, Verdict::Ok { .. })
    }
}

/// A caller-supplied user table: `(username, realm)` to the user's secret.
pub type Lookup<'a> = &'a dyn Fn(&str, &str) -> Option<Secret>;

/// Digest authentication for one realm, sans-IO: time and randomness are arguments.
///
/// Nonces are shared across the algorithms of one challenge round, live for
/// [`ServerConfig::nonce_lifetime`], and are bounded by [`ServerConfig::max_nonces`]. With
/// qop, a nonce may be reused with a strictly increasing `nc`; without qop it is single-use.
/// Call [`DigestServer::reap`] at [`DigestServer::next_deadline`] to drop expired nonces.
#[derive(Debug)]
pub struct DigestServer {
    config: ServerConfig,
    nonces: NonceStore,
}

impl DigestServer {
    /// A server with `config`; the nonce key is drawn from `rng`.
    pub fn new(config: ServerConfig, rng: &mut impl RngCore) -> DigestServer {
        let nonces = NonceStore::new(rng, config.nonce_lifetime, config.max_nonces);
        DigestServer { config, nonces }
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// Fresh challenges, one per configured algorithm in order, sharing one new nonce.
    pub fn challenge(&mut self, now: Instant, rng: &mut impl RngCore) -> Vec<Challenge> {
        self.challenge_with(now, rng, false)
    }

    /// Like [`DigestServer::challenge`], with `stale=true` (after [`Verdict::Stale`]).
    pub fn challenge_stale(&mut self, now: Instant, rng: &mut impl RngCore) -> Vec<Challenge> {
        self.challenge_with(now, rng, true)
    }

    fn challenge_with(
        &mut self,
        now: Instant,
        rng: &mut impl RngCore,
        stale: bool,
    ) -> Vec<Challenge> {
        let nonce = self.nonces.issue(now, rng);
        self.config
            .algorithms
            .iter()
            .map(|&alg| {
                let mut c = Challenge::new(self.config.realm.clone(), nonce.clone(), alg);
                c.opaque.clone_from(&self.config.opaque);
                c.stale = stale;
                c
            })
            .collect()
    }

    /// Checks an `Authorization`/`Proxy-Authorization` value for a request.
    pub fn verify(
        &mut self,
        now: Instant,
        method: &str,
        request_uri: &str,
        credentials: &str,
        lookup: Lookup<'_>,
    ) -> Verdict {
        match Credentials::parse(credentials) {
            Ok(c) => self.verify_parsed(now, method, request_uri, &c, lookup),
            Err(ParseError::NotDigest(_)) => Verdict::NotDigest,
            Err(e) => Verdict::Malformed(e),
        }
    }

    /// Checks parsed credentials for a request (see [`DigestServer::verify`]).
    pub fn verify_parsed(
        &mut self,
        now: Instant,
        method: &str,
        request_uri: &str,
        c: &Credentials,
        lookup: Lookup<'_>,
    ) -> Verdict {
        let Some(alg) = c
            .algorithm
            .resolve()
            .filter(|a| self.config.algorithms.contains(a))
        else {
            return Verdict::UnsupportedAlgorithm;
        };
        if c.realm != self.config.realm {
            return Verdict::RealmMismatch;
        }
        match c.qop {
            Some(Qop::Auth) => {}
            Some(Qop::AuthInt) => return Verdict::Malformed(ParseError::Invalid("qop")),
            None if !self.config.allow_without_qop => {
                return Verdict::Malformed(ParseError::Missing("qop"));
            }
            None if alg.is_session() => return Verdict::Malformed(ParseError::Missing("cnonce")),
            None => {}
        }
        if self.config.uri_check == UriCheck::Exact && c.uri.trim() != request_uri.trim() {
            return Verdict::UriMismatch;
        }
        let entry = match self.nonces.check(now, &c.nonce) {
            NonceState::Unknown => return Verdict::UnknownNonce,
            // Stale only when the digest is right (RFC 7616 §3.3): checked below.
            NonceState::Stale => None,
            NonceState::Live(e) => Some(e),
        };
        let user = c.username.clone();
        let secret = lookup(&c.username, &c.realm);
        // An unknown user costs the same hashing as a known one.
        let known = secret.is_some();
        let secret = secret.unwrap_or_else(|| Secret::Password(String::new()));
        let Some(ha1) = secret.ha1(alg, &c.username, &c.realm) else {
            return Verdict::NoSecretForAlgorithm { user };
        };
        let input = ResponseInput {
            algorithm: alg,
            nonce: &c.nonce,
            cnonce: c.cnonce.as_deref(),
            nc: c.nc.as_ref().map(|n| n.as_str()),
            qop: c.qop,
            method,
            uri: &c.uri,
        };
        let Some(expected) = hash::response(&ha1, &input) else {
            return Verdict::Malformed(ParseError::Missing("cnonce"));
        };
        let given = c.response.trim().as_bytes();
        let matches = given.len() == expected.as_bytes().len()
            && bool::from(ascii_lower_eq(given, expected.as_bytes()));
        if !known {
            return Verdict::UnknownUser { user };
        }
        if !matches {
            return Verdict::WrongPassword { user };
        }
        let Some(entry) = entry else {
            return Verdict::Stale;
        };
        match c.nc {
            Some(nc) if nc.value() <= entry.highest_nc => Verdict::Replay { user },
            Some(nc) => {
                entry.highest_nc = nc.value();
                Verdict::Ok { user }
            }
            None if entry.used_without_qop => Verdict::Replay { user },
            None => {
                entry.used_without_qop = true;
                Verdict::Ok { user }
            }
        }
    }

    /// Drops expired nonces; returns how many were dropped.
    pub fn reap(&mut self, now: Instant) -> usize {
        self.nonces.reap(now)
    }

    /// Number of nonces held (zero once all have expired and been reaped).
    pub fn live_nonces(&self) -> usize {
        self.nonces.len()
    }

    /// When the oldest nonce expires, if any is held.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.nonces.next_deadline()
    }
}

/// Constant-time equality of equal-length hex strings, ignoring ASCII case of `given`.
fn ascii_lower_eq(given: &[u8], expected: &[u8]) -> subtle::Choice {
    let mut lowered: SmallVec<[u8; 64]> = SmallVec::with_capacity(given.len());
    lowered.extend(given.iter().map(u8::to_ascii_lowercase));
    lowered.as_slice().ct_eq(expected)
}
