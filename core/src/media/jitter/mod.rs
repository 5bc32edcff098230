//! Jitter buffer: reordering, loss deadlines, silence gaps and adaptive depth for one stream.
//!
//! The buffer never reads a clock. The endpoint pushes each audio packet with its arrival
//! time, drains [`JitterBuffer::pop`] until it returns `None`, and arms a timer at
//! [`JitterBuffer::next_deadline`]; when the timer fires it drains again. A frame that is next
//! in sequence is handed out on the push that brings it; a missing frame is awaited until its
//! expected arrival (the last frame's arrival plus the media time between them) plus the
//! target delay, then handed out as [`Playout::Conceal`]. Non-audio packets of the same
//! stream (RFC 4733 events) are reported with [`JitterBuffer::skip_seq`] so that their
//! sequence numbers are not mistaken for loss.
//!
//! ```
//! use sipvoice_core::media::{AudioPacket, JitterBuffer, Playout};
//! use std::time::Instant;
//!
//! /// Called for every received audio packet; returns when the buffer wants to be woken.
//! fn on_audio(jb: &mut JitterBuffer, now: Instant, packet: AudioPacket) -> Option<Instant> {
//!     jb.push(now, packet);
//!     while let Some(step) = jb.pop(now) {
//!         match step {
//!             Playout::Frame { payload, .. } => { /* decode `payload` */ let _ = payload; }
//!             Playout::Conceal { .. } => { /* run loss concealment for one frame */ }
//!         }
//!     }
//!     jb.next_deadline()
//! }
//! ```

mod buffer;
mod config;
mod estimator;
mod playout;
mod ring;
#[cfg(test)]
mod tests;

pub use buffer::{AudioPacket, ConcealCause, JitterBuffer, Playout, Pushed};
pub use config::{JitterConfig, JitterConfigError, JitterStats};
