//! Helpers shared by the `auth_*` integration tests.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use sipvoice_core::auth::{
    Challenge, Credentials, DigestServer, Secret, ServerConfig, Verdict, respond,
};

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

/// alice's correct answer to `c` for INVITE to [`RURI`] with nonce count `nc`.
pub(crate) fn alice(c: &Challenge, nc: u32) -> String {
    answer(c, "alice", "secret", RURI, nc)
}

/// A server under test with its RNG and time origin.
pub(crate) struct Uas {
    /// The RNG the server and its challenges draw from.
    pub(crate) rng: ChaCha8Rng,
    /// The time origin.
    pub(crate) t0: Instant,
    /// The server.
    pub(crate) server: DigestServer,
}

impl Uas {
    /// A server for [`REALM`] with default settings, seeded with `seed`.
    pub(crate) fn new(seed: u64) -> Uas {
        Uas::with_config(seed, ServerConfig::new(REALM))
    }

    /// A server with `config`, seeded with `seed`.
    pub(crate) fn with_config(seed: u64, config: ServerConfig) -> Uas {
        let mut rng = rng(seed);
        let server = DigestServer::new(config, &mut rng);
        Uas {
            rng,
            t0: origin(),
            server,
        }
    }

    /// A challenge round at the origin.
    pub(crate) fn challenge(&mut self) -> Vec<Challenge> {
        self.server.challenge(self.t0, &mut self.rng)
    }

    /// The MD5 challenge of a fresh round at the origin.
    pub(crate) fn md5_challenge(&mut self) -> Challenge {
        md5(&self.challenge()).clone()
    }

    /// Verifies `credentials` for INVITE to [`RURI`] against [`users`], `secs` after the origin.
    pub(crate) fn verify(&mut self, secs: u64, credentials: &str) -> Verdict {
        self.server
            .verify(at(self.t0, secs), "INVITE", RURI, credentials, &users)
    }
}

/// `Verdict::Ok` for `user`.
pub(crate) fn ok(user: &str) -> Verdict {
    Verdict::Ok { user: user.into() }
}

/// `Verdict::WrongPassword` for `user`.
pub(crate) fn wrong_password(user: &str) -> Verdict {
    Verdict::WrongPassword { user: user.into() }
}

/// `Verdict::Replay` for `user`.
pub(crate) fn replay(user: &str) -> Verdict {
    Verdict::Replay { user: user.into() }
}
