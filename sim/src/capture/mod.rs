//! Packet captures: reading pcap/pcapng, decoding link and network layers, analysing the
//! RTP streams on their own, and replaying a real call's far end into a fresh core endpoint.
//!
//! ```no_run
//! use sipvoice_sim::capture::Capture;
//! let capture = Capture::open("call.pcapng")?;
//! println!("{} UDP datagrams, {} malformed frames", capture.datagrams.len(), capture.counts.malformed);
//! # Ok::<(), sipvoice_sim::capture::CaptureError>(())
//! ```

mod link;
mod read;

pub use link::LinkType;
pub use read::{Capture, CaptureCounts, CaptureError, CaptureFormat, Datagram};
