//! RTP media: packets, jitter buffer, loss concealment, DTMF (RFC 4733), pacing and RTCP.

mod demux;
mod dtmf;
mod jitter;
mod pacer;
mod plc;
mod rtcp;
mod rtp;
mod stats;

pub use demux::{PacketKind, classify};
pub use dtmf::{
    DtmfEvent, DtmfPacket, DtmfReceiver, DtmfRxConfig, DtmfRxStats, DtmfSender, DtmfSlot,
    DtmfTxConfig, DtmfTxError, EventPayload, RtpEventInput, dtmf_digit, dtmf_event_code,
};
pub use jitter::{
    AudioPacket, ConcealCause, JitterBuffer, JitterConfig, JitterConfigError, JitterStats, Playout,
    Pushed,
};
pub use pacer::{
    Interrupted, OutFrame, Pacer, PacerConfig, PacerError, PacerEvent, PacerOutput, PacerStats,
};
pub use plc::Concealer;
pub use rtcp::{
    Bye, NTP_UNIX_OFFSET_SECS, REPORT_BLOCK_LEN, RTCP_APP, RTCP_BYE, RTCP_MIN_INTERVAL, RTCP_RR,
    RTCP_SDES, RTCP_SR, ReceiverReport, ReportBlock, ReportBlocks, RtcpBuildError, RtcpCompound,
    RtcpError, RtcpIntervalParams, RtcpPacket, RtcpWriter, SDES_CNAME, SENDER_INFO_LEN, Sdes,
    SdesChunk, SenderInfo, SenderReport, compact_from_duration, duration_from_compact, ntp_compact,
    ntp_from_unix, parse_compound, round_trip_time, rtcp_interval, update_avg_rtcp_size,
};
pub use rtp::{
    RTP_HEADER_LEN, RtpBuildError, RtpError, RtpExtension, RtpHeader, RtpPacket, SeqExtender,
    seq_delta, seq_newer, ts_delta,
};
pub use stats::{MIN_SEQUENTIAL, ReceiveStats, SendStats, SeqVerdict, Stats};
