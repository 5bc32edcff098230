//! sipvoice-core: the sans-IO heart of sipvoice.
//!
//! The core consumes datagrams and timestamps and produces transmits, timers and events.
//! It never reads a clock, never touches a socket and never draws from a global RNG:
//! every input that can vary comes in as an argument.
//!
//! Start with [`endpoint`]: its [`Endpoint`](endpoint::Endpoint) is the whole SIP user
//! agent, and its docs show the run loop every driver follows (feed a datagram, a timeout
//! or a command; drain `poll_output()` until `Timeout`; wait; repeat).
//!
//! Modules:
//! - [`sip`]: SIP message parsing and printing (RFC 3261 grammar, zero-copy over `Bytes`).
//! - [`sdp`]: SDP parsing, printing and RFC 3264 offer/answer for audio.
//! - [`auth`]: HTTP digest authentication for SIP (RFC 7616 / 2617).
//! - [`codec`]: G.711 µ-law / A-law and G.722 SB-ADPCM.
//! - [`media`]: RTP/RTCP, jitter buffer, loss concealment, DTMF and pacing.
//! - [`session`]: one call's media, from RTP packets to PCM frames and back.
//! - [`endpoint`]: the SIP endpoint itself: transactions, dialogs, admission and calls.
#![forbid(unsafe_code)]

pub mod auth;
pub mod codec;
mod config;
pub mod endpoint;
mod hash;
pub mod media;
mod ports;
mod rng;
pub mod sdp;
pub mod session;
pub mod sip;
mod timer;

pub use config::{AnswerPolicy, Config, ConfigError, PT_G722, PT_PCMA, PT_PCMU, Password};
pub use ports::PortPool;
pub use rng::Rng;
pub use timer::TimerQueue;

/// An arbitrary fixed point in time for unit tests: the core itself never reads a clock,
/// tests only need an epoch to add durations to.
#[cfg(test)]
#[allow(clippy::disallowed_methods)]
pub(crate) fn test_epoch() -> std::time::Instant {
    std::time::Instant::now()
}
