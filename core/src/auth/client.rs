//! The UAC side: answer a 401/407 challenge with credentials.
//!
//! Among several challenges the client takes the strongest algorithm it supports
//! (SHA-256 over MD5), and `qop=auth` when offered. The cnonce comes from the endpoint's
//! RNG; the nonce count restarts at 1 for each new nonce and increases when a nonce is
//! reused for later requests.

use std::fmt;

use rand_core::RngCore;

use super::algorithm::{Algorithm, AlgorithmParam, NonceCount, Qop};
use super::challenge::Challenge;
use super::credentials::Credentials;
use super::hash::{self, ResponseInput};

/// Why no credentials could be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// No challenge uses a supported algorithm with `qop=auth` or no qop (an incompatible
    /// server: it offers e.g. only `SHA-512-256` or only `auth-int`).
    #[error("no challenge with a supported algorithm and qop")]
    NoUsableChallenge,
    /// The nonce count would wrap around; a new challenge is needed.
    #[error("nonce count exhausted")]
    NonceCountExhausted,
}

/// The qop the client will use for `c`, or `None` if it cannot answer it at all.
fn usable_qop(c: &Challenge) -> Option<Option<Qop>> {
    let alg = c.resolved_algorithm()?;
    match &c.qop {
        Some(list) if list.contains(&Qop::Auth) => Some(Some(Qop::Auth)),
        Some(_) => None,
        // Without qop there is no cnonce, which the -sess variants need.
        None if alg.is_session() => None,
        None => Some(None),
    }
}

/// Picks the challenge with the strongest supported algorithm (the first on a tie).
pub fn choose<'a>(challenges: impl IntoIterator<Item = &'a Challenge>) -> Option<&'a Challenge> {
    let mut best: Option<(&Challenge, u8)> = None;
    for c in challenges {
        if usable_qop(c).is_none() {
            continue;
        }
        let strength = c.resolved_algorithm().map_or(0, Algorithm::strength);
        if best.is_none_or(|(_, s)| strength > s) {
            best = Some((c, strength));
        }
    }
    best.map(|(c, _)| c)
}

/// Builds credentials answering `challenge` for one request, with the given `nc` and `cnonce`.
///
/// Deterministic; [`DigestClient`] supplies `nc` and a random `cnonce`.
pub fn respond(
    challenge: &Challenge,
    username: &str,
    password: &str,
    method: &str,
    uri: &str,
    nc: u32,
    cnonce: &str,
) -> Result<Credentials, ClientError> {
    let qop = usable_qop(challenge).ok_or(ClientError::NoUsableChallenge)?;
    let alg = challenge
        .resolved_algorithm()
        .ok_or(ClientError::NoUsableChallenge)?;
    let nc = NonceCount::new(nc);
    let ha1 = hash::ha1_plain(alg, username, &challenge.realm, password);
    let input = ResponseInput {
        algorithm: alg,
        nonce: &challenge.nonce,
        cnonce: qop.map(|_| cnonce),
        nc: qop.map(|_| nc.as_str()),
        qop,
        method,
        uri,
    };
    let response = hash::response(&ha1, &input).ok_or(ClientError::NoUsableChallenge)?;
    Ok(Credentials {
        username: username.to_owned(),
        realm: challenge.realm.clone(),
        nonce: challenge.nonce.clone(),
        uri: uri.to_owned(),
        response: response.as_str().to_owned(),
        algorithm: match challenge.algorithm {
            AlgorithmParam::Absent => AlgorithmParam::Absent,
            _ => AlgorithmParam::Known(alg),
        },
        cnonce: qop.map(|_| cnonce.to_owned()),
        opaque: challenge.opaque.clone(),
        qop,
        nc: qop.map(|_| nc),
        extra: Vec::new(),
    })
}

/// A user's credentials plus the last challenge answered, for one realm.
///
/// `Debug` never shows the password.
#[derive(Clone)]
pub struct DigestClient {
    username: String,
    password: String,
    last: Option<(Challenge, u32)>,
}

impl DigestClient {
    /// A client for `username` / `password`.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> DigestClient {
        DigestClient {
            username: username.into(),
            password: password.into(),
            last: None,
        }
    }

    /// The user name.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// Answers the challenges of a 401/407 (all `WWW-Authenticate` or
    /// `Proxy-Authenticate` values of one response) for a request `method` to `uri`.
    pub fn answer(
        &mut self,
        challenges: &[Challenge],
        method: &str,
        uri: &str,
        rng: &mut impl RngCore,
    ) -> Result<Credentials, ClientError> {
        let chosen = choose(challenges).ok_or(ClientError::NoUsableChallenge)?;
        let nc = match &self.last {
            Some((prev, n)) if prev.nonce == chosen.nonce && prev.realm == chosen.realm => {
                n.checked_add(1).ok_or(ClientError::NonceCountExhausted)?
            }
            _ => 1,
        };
        let creds = self.credentials_for(chosen, method, uri, nc, rng)?;
        self.last = Some((chosen.clone(), nc));
        Ok(creds)
    }

    /// Credentials for a further request reusing the last nonce (next `nc`), if any.
    pub fn authorize(
        &mut self,
        method: &str,
        uri: &str,
        rng: &mut impl RngCore,
    ) -> Option<Credentials> {
        let (challenge, n) = self.last.as_ref()?;
        let nc = n.checked_add(1)?;
        let creds = self.credentials_for(challenge, method, uri, nc, rng).ok()?;
        if let Some((_, stored)) = self.last.as_mut() {
            *stored = nc;
        }
        Some(creds)
    }

    /// Forgets the cached challenge (e.g. after a final failure).
    pub fn reset(&mut self) {
        self.last = None;
    }

    /// Our credentials answering `challenge` with nonce count `nc` and a fresh cnonce.
    fn credentials_for(
        &self,
        challenge: &Challenge,
        method: &str,
        uri: &str,
        nc: u32,
        rng: &mut impl RngCore,
    ) -> Result<Credentials, ClientError> {
        respond(
            challenge,
            &self.username,
            &self.password,
            method,
            uri,
            nc,
            &cnonce(rng),
        )
    }
}

impl fmt::Debug for DigestClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DigestClient")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field(
                "last_realm",
                &self.last.as_ref().map(|(c, _)| c.realm.as_str()),
            )
            .field("last_nc", &self.last.as_ref().map(|(_, n)| *n))
            .finish()
    }
}

/// 16 random bytes as 32 lowercase hex digits.
fn cnonce(rng: &mut impl RngCore) -> String {
    let mut raw = [0u8; 16];
    rng.fill_bytes(&mut raw);
    raw.iter().map(|b| format!("{b:02x}")).collect()
}
