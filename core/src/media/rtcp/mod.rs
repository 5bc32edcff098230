//! RTCP (RFC 3550 §6): compound packet parsing and building, round-trip time and interval.

mod build;
mod packet;
mod report;
#[cfg(test)]
mod tests;
mod timing;

pub use build::{RtcpBuildError, RtcpWriter};
pub use packet::{
    Bye, RTCP_APP, RTCP_BYE, RTCP_RR, RTCP_SDES, RTCP_SR, ReceiverReport, RtcpCompound, RtcpError,
    RtcpPacket, SDES_CNAME, Sdes, SdesChunk, SenderReport, parse_compound,
};
pub use report::{REPORT_BLOCK_LEN, ReportBlock, ReportBlocks, SENDER_INFO_LEN, SenderInfo};
pub use timing::{
    NTP_UNIX_OFFSET_SECS, RTCP_MIN_INTERVAL, RtcpIntervalParams, compact_from_duration,
    duration_from_compact, ntp_compact, ntp_from_unix, round_trip_time, rtcp_interval,
    update_avg_rtcp_size,
};
