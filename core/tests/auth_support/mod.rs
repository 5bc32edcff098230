//! Helpers shared by the `auth_*` integration tests.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use sipvoice_core::auth::{Challenge, Credentials, DigestServer, Secret, ServerConfig, respond};

/// Realm used by the tests.
pub(crate) const REALM: &str = "voice.test";
/// Request-URI used by the tests.
pub(crate) const RURI: &str = "sip:service@127.0.0.1:5060";

/// An arbitrary origin for virtual time; only offsets from it matter.
#[allow(clippy::disallowed_methods)]
pub(crate) fn origin() -> Instant {
    Instant::now()
}

/// `origin + secs`.
pub(crate) fn at(t0: Instant, secs: u64) -> Instant {
    t0 + Duration::from_secs(secs)
}

/// A deterministic RNG.
pub(crate) fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// The user table: alice/secret (clear password) and bob/hunter2 (stored HA1 only).
pub(crate) fn users(user: &str, realm: &str) -> Option<Secret> {
    match user {
        "alice" => Some(Secret::Password("secret".into())),
        "bob" => Some(Secret::ha1_from_password("bob", realm, "hunter2")),
        _ => None,
    }
}

/// A server for [`REALM`] with default settings.
pub(crate) fn server(rng: &mut ChaCha8Rng) -> DigestServer {
    DigestServer::new(ServerConfig::new(REALM), rng)
}

/// The challenge for `alg` among `challenges`.
pub(crate) fn pick<'a>(challenges: &'a [Challenge], alg: &str) -> &'a Challenge {
    challenges
        .iter()
        .find(|c| c.algorithm.resolve().is_some_and(|a| a.as_str() == alg))
        .unwrap_or_else(|| panic!("no {alg} challenge"))
}

/// Parses credentials that the test built and knows to be well-formed.
pub(crate) fn parsed(value: &str) -> Credentials {
    Credentials::parse(value).unwrap_or_else(|e| panic!("{e}: {value}"))
}

/// Credentials answering `c` for INVITE (header value), as a client with `pass` would send.
pub(crate) fn answer(c: &Challenge, user: &str, pass: &str, uri: &str, nc: u32) -> String {
    respond(c, user, pass, "INVITE", uri, nc, "0a4f113b")
        .map(|c| c.to_header_value())
        .unwrap_or_default()
}

/// The MD5 challenge among `challenges`.
pub(crate) fn md5(challenges: &[Challenge]) -> &Challenge {
    pick(challenges, "MD5")
}
