//! sipvoice-tokio: the SIP voice endpoint on tokio, and the `sipvoice` command.
//!
//! One task per endpoint owns the sans-IO [`sipvoice_core::endpoint::Endpoint`] and all
//! its UDP sockets; the application talks to it through cheap handles.
//!
//! ```no_run
//! # async fn run() -> Result<(), sipvoice_tokio::Error> {
//! use sipvoice_tokio::{CallEvent, Server};
//!
//! let server = Server::builder()
//!     .local_sip_addr("127.0.0.1:5060".parse().unwrap())
//!     .local_rtp_ip("127.0.0.1".parse().unwrap())
//!     .start()
//!     .await?;
//! while let Some(call) = server.accept().await {
//!     tokio::spawn(async move {
//!         // Echo every frame back to the caller until the call ends.
//!         while let Some(event) = call.recv().await {
//!             if let CallEvent::Audio(frame) = event {
//!                 let _ = call.send_audio(frame.pcm);
//!             }
//!         }
//!     });
//! }
//! # Ok(()) }
//! ```
//!
//! Callbacks work too ([`Builder::on_call`], [`Builder::on_call_disconnected`],
//! [`Builder::on_dtmf_received`]; plain or async closures), and [`Builder::on_event`]
//! gives a hook that sees every event inside the driver.

mod builder;
mod call;
mod callback;
pub mod cli;
mod command;
mod control;
mod driver;
mod error;
mod server;
mod sockets;

pub use builder::Builder;
pub use call::{Call, CallEnd, CallEvent, Capabilities, DTMF_DIGIT_DURATION, DtmfReceived};
pub use callback::{Callback, Immediate, Spawned};
pub use control::Control;
pub use error::Error;
pub use server::{Incoming, MetricsSnapshot, Server};

pub use sipvoice_core::codec::Codec;
pub use sipvoice_core::endpoint::{
    AudioFrame, CallDirection, CallId, CallInfo, Counts, DialRequest, EndReason, Event, EventLines,
};
pub use sipvoice_core::session::CallStats;
pub use sipvoice_core::{AnswerPolicy, Config, PT_G722, PT_PCMA, PT_PCMU};

/// The README's Rust examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
