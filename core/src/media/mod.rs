//! RTP media: packets, jitter buffer, loss concealment, DTMF (RFC 4733), pacing and RTCP.

mod dtmf;
mod pacer;

pub use dtmf::{
    DtmfEvent, DtmfPacket, DtmfReceiver, DtmfRxConfig, DtmfRxStats, DtmfSender, DtmfSlot,
    DtmfTxConfig, DtmfTxError, EventPayload, RtpEventInput, dtmf_digit, dtmf_event_code,
};
pub use pacer::{
    Interrupted, OutFrame, Pacer, PacerConfig, PacerError, PacerEvent, PacerOutput, PacerStats,
};
