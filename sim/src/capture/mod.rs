//! Packet captures: reading pcap/pcapng, decoding link and network layers, analysing the
//! RTP streams on their own, and replaying a real call's far end into a fresh core endpoint.
//!
//! - [`Capture::open`] reads pcap or pcapng (Ethernet with VLAN tags, Linux cooked SLL and
//!   SLL2, BSD loopback, raw IP; IPv4 with fragment reassembly, IPv6) into its UDP
//!   [`Datagram`]s; whatever else is met is counted in [`CaptureCounts`], never an error.
//! - [`analyse_rtp`] groups RTP by (source, destination, SSRC) and runs each stream through
//!   the core's jitter buffer, decoder, loss concealment and DTMF receiver at the captured
//!   arrival times: [`StreamReport`] has the PCM, the digits and loss/jitter figures.
//!   Payload types come from the capture's SDP, else from the static table, else a dynamic
//!   type whose payloads look like RFC 4733 is taken for telephone-event.
//! - [`replay`] stands a fresh endpoint in for the callee (or the side named with
//!   [`ReplayOptions::as_addr`]; naming the caller makes the endpoint dial at the captured
//!   INVITE's time), feeds it the far end's datagrams in virtual time, firing its timers in
//!   between, and maps the far end's later messages onto our dialog (Call-ID, tags,
//!   Request-URI, Via/CSeq of responses, media port). Captured answers to requests we have
//!   not sent yet are held until we send them. The [`ReplayReport`] holds the SIP ladder,
//!   the events, the decoded audio, what we sent and the [`Divergence`]s from the captured
//!   side (messages one side sent and the other did not, different final statuses, media
//!   from another address than the SDP announced).
//!
//! ```no_run
//! use sipvoice_sim::capture::{Capture, ReplayOptions, analyse_rtp, replay};
//!
//! let capture = Capture::open("call.pcapng")?;
//! for stream in &analyse_rtp(&capture).streams {
//!     println!("{}", stream.summary());
//! }
//! let report = replay(&capture, &ReplayOptions::default())?;
//! for d in &report.divergences {
//!     println!("{d}");
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod link;
mod read;
mod replay;
mod sip_view;
mod stream_report;
mod streams;
mod wav;

pub use link::LinkType;
pub use read::{Capture, CaptureCounts, CaptureError, CaptureFormat, Datagram};
pub use replay::{
    Direction, Divergence, LadderEntry, ReplayError, ReplayNode, ReplayOptions, ReplayReport,
    ReplayTarget, Role, Sent, Skipped, choose_target, config_for, replay, replay_with,
};
pub use sip_view::{
    PayloadKind, PayloadMap, audio_address, has_sdp, ladder_line, parse_sip, sdp_of, summary,
};
pub use stream_report::{Digit, RtpAnalysis, StreamKey, StreamReport, StreamStats};
pub use streams::{analyse_rtp, analyse_rtp_with};
pub use wav::{WavError, write_stream_wavs, write_wav};
