//! RTP (RFC 3550): packet view and builder, and sequence arithmetic.

mod packet;
mod seq;

pub use packet::{RTP_HEADER_LEN, RtpBuildError, RtpError, RtpExtension, RtpHeader, RtpPacket};
pub use seq::{SeqExtender, seq_delta, seq_newer, ts_delta};
