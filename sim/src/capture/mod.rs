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
mod pcap_out;
mod read;
mod replay;
mod sip_view;
mod streams;
mod wav;

pub use link::LinkType;
pub use pcap_out::{PcapOutError, udp_frame, write_udp_pcap};
pub use read::{Capture, CaptureCounts, CaptureError, CaptureFormat, Datagram};
pub use replay::{
    Direction, Divergence, LadderEntry, ReplayError, ReplayNode, ReplayOptions, ReplayReport,
    ReplayTarget, Sent, Skipped, choose_target, config_for, replay, replay_with,
};
pub use sip_view::{
    PayloadKind, PayloadMap, audio_address, has_sdp, ladder_line, parse_sip, sdp_of, summary,
};
pub use streams::{
    Digit, RtpAnalysis, StreamKey, StreamReport, StreamStats, analyse_rtp, analyse_rtp_with,
};
pub use wav::{WavError, write_stream_wavs, write_wav};
