//! HTTP digest authentication for SIP (RFC 7616, RFC 2617 compatible, RFC 3261 §22).
//!
//! Sans-IO: every operation that needs the time takes an [`std::time::Instant`], every
//! one that needs randomness takes the endpoint's seeded `&mut impl rand_core::RngCore`.
//! The module works on header *values* (`&str` in, [`String`] / `Display` out); the
//! endpoint moves them in and out of SIP messages.
//!
//! # Server (UAS)
//!
//! ```
//! use std::time::Instant;
//! use rand_chacha::ChaCha8Rng;
//! use rand_core::SeedableRng;
//! use sipvoice_core::auth::{Action, DigestClient, DigestServer, Secret, ServerConfig, Verdict};
//!
//! let mut rng = ChaCha8Rng::seed_from_u64(1);
//! # fn epoch() -> Instant { Instant::now() }
//! let now = epoch(); // the driver's clock, passed in
//! let mut server = DigestServer::new(ServerConfig::new("voice.test"), &mut rng);
//!
//! // No credentials: answer 401 with one WWW-Authenticate per challenge (MD5, then SHA-256).
//! let challenges = server.challenge(now, &mut rng);
//! let header_values: Vec<String> = challenges.iter().map(|c| c.to_string()).collect();
//! assert!(header_values[0].starts_with("Digest realm=\"voice.test\""));
//!
//! // The caller answers (here our own client, which picks SHA-256).
//! let mut client = DigestClient::new("alice", "secret");
//! let creds = client.answer(&challenges, "INVITE", "sip:bot@voice.test", &mut rng).unwrap();
//!
//! let users = |user: &str, _realm: &str| (user == "alice").then(|| Secret::Password("secret".into()));
//! let verdict = server.verify(now, "INVITE", "sip:bot@voice.test", &creds.to_header_value(), &users);
//! assert_eq!(verdict, Verdict::Ok { user: "alice".into() });
//! assert_eq!(verdict.action(), Action::Accept);
//! ```
//!
//! [`Verdict::action`] maps every outcome to a SIP reaction: accept, challenge again
//! (`stale=true` for an expired nonce), 403 (wrong password and unknown user look the same),
//! or 400. Nonces are random, tagged with a server key so that forged ones are told apart
//! from expired ones, bounded in number and dropped by [`DigestServer::reap`]
//! (schedule it at [`DigestServer::next_deadline`]); [`DigestServer::live_nonces`] lets
//! tests prove that nothing leaks. With `qop=auth` a nonce may be reused with a strictly
//! increasing `nc`; a count not above the highest seen is a [`Verdict::Replay`]. Without qop
//! (RFC 2069 clients) a nonce is single-use.
//!
//! # Client (UAC)
//!
//! [`DigestClient::answer`] takes every challenge of a 401/407, picks the strongest
//! supported algorithm ([`choose`]) and returns [`Credentials`]; print them with
//! [`Credentials::to_header_value`]. [`respond`] is the deterministic core (explicit `nc` and
//! `cnonce`).
//!
//! # Secrets
//!
//! No password, HA1 or response value appears in the `Debug` or `Display` output of any
//! type here: [`Secret`], [`DigestClient`] and [`Credentials`] redact them, [`Credentials`]
//! has no `Display` (only the explicit [`Credentials::to_header_value`]), and neither
//! [`ParseError`] nor [`Verdict`] carries parameter values.

mod algorithm;
mod challenge;
mod client;
mod credentials;
mod error;
mod hash;
mod nonce;
mod params;
mod server;

pub use algorithm::{Algorithm, AlgorithmParam, NonceCount, Qop};
pub use challenge::Challenge;
pub use client::{ClientError, DigestClient, choose, respond};
pub use credentials::Credentials;
pub use error::ParseError;
pub use hash::Secret;
pub use params::ExtraParam;
pub use server::{
    Action, DEFAULT_MAX_NONCES, DEFAULT_NONCE_LIFETIME, DigestServer, Lookup, ServerConfig,
    UriCheck, Verdict,
};
