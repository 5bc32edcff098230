//! sipvoice-core: the sans-IO heart of sipvoice.
//!
//! The core consumes datagrams and timestamps and produces transmits, timers and events.
//! It never reads a clock, never touches a socket and never draws from a global RNG:
//! every input that can vary comes in as an argument.
//!
//! Modules:
//! - [`sip`]: SIP message parsing and printing (RFC 3261 grammar, zero-copy over `Bytes`).
//! - [`sdp`]: SDP parsing, printing and RFC 3264 offer/answer for audio.
//! - [`auth`]: HTTP digest authentication for SIP (RFC 7616 / 2617).
//! - [`codec`]: G.711 µ-law / A-law and G.722 SB-ADPCM.
//! - [`media`]: RTP/RTCP, jitter buffer, loss concealment, DTMF and pacing.
#![forbid(unsafe_code)]

pub mod auth;
pub mod codec;
pub mod media;
pub mod sdp;
pub mod sip;
