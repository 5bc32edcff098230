//! RTP media: packets, jitter buffer, loss concealment, DTMF (RFC 4733), pacing and RTCP.

mod demux;
mod jitter;
mod rtp;

pub use demux::{PacketKind, classify};
pub use jitter::{
    AudioPacket, ConcealCause, JitterBuffer, JitterConfig, JitterConfigError, JitterStats, Playout,
    Pushed,
};
pub use rtp::{
    RTP_HEADER_LEN, RtpBuildError, RtpError, RtpExtension, RtpHeader, RtpPacket, SeqExtender,
    seq_delta, seq_newer, ts_delta,
};
