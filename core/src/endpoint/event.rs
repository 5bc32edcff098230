//! Events the endpoint reports to the application.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::codec::Codec;
use crate::session::CallStats;

use super::ids::CallId;

/// Who started a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallDirection {
    /// The remote side called us.
    Inbound,
    /// We dialled out.
    Outbound,
}

/// What the application knows about a call: identity, routing headers and media.
#[derive(Clone, Debug, PartialEq)]
pub struct CallInfo {
    /// The SIP `Call-ID`.
    pub sip_call_id: String,
    /// The session id: `X-Session-ID` when the caller sent one, else generated.
    pub session_id: String,
    /// The room id from `X-Room-ID`, if any.
    pub room_id: Option<String>,
    /// The caller's URI (From).
    pub caller: String,
    /// The caller's display name, if any.
    pub caller_display_name: Option<String>,
    /// The callee's URI (To).
    pub callee: String,
    /// Every `X-*` header of the INVITE, original names, in order.
    pub x_headers: Vec<(String, String)>,
    /// Inbound or outbound.
    pub direction: CallDirection,
    /// Where the call's signalling comes from.
    pub remote_sip: SocketAddr,
    /// The negotiated codec, once known.
    pub codec: Option<Codec>,
    /// The PCM sample rate of the codec (16000 for G.722, 8000 for G.711), 0 before negotiation.
    pub sample_rate: u32,
    /// The negotiated telephone-event payload type, if any.
    pub dtmf_payload_type: Option<u8>,
}

/// Why a call ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// The remote side sent BYE; `reason` is its `Reason` header, if any.
    Bye {
        /// The remote `Reason` header value (e.g. `Q.850;cause=16`).
        reason: Option<String>,
    },
    /// The application hung up.
    LocalHangup,
    /// The caller cancelled before the answer.
    Cancel,
    /// No RTP for the inactivity timeout (BYE sent).
    RtpTimeout,
    /// An answered call never received RTP within the establishment timeout (BYE sent).
    EstablishmentTimeout,
    /// Our 2xx was never acknowledged within 64·T1 (BYE sent).
    AckTimeout,
    /// The endpoint was shut down.
    Shutdown,
    /// The call was refused with this final status (by us or, for outbound calls, by the peer).
    Rejected {
        /// The SIP status code.
        status: u16,
    },
    /// An outbound INVITE or an in-dialog request got no answer (Timer B / F).
    Timeout,
}

impl EndReason {
    /// The short name used in event lines: `bye`, `local_hangup`, `cancel`, `rtp_timeout`, ...
    pub fn as_str(&self) -> &'static str {
        match self {
            EndReason::Bye { .. } => "bye",
            EndReason::LocalHangup => "local_hangup",
            EndReason::Cancel => "cancel",
            EndReason::RtpTimeout => "rtp_timeout",
            EndReason::EstablishmentTimeout => "establishment_timeout",
            EndReason::AckTimeout => "ack_timeout",
            EndReason::Shutdown => "shutdown",
            EndReason::Rejected { .. } => "rejected",
            EndReason::Timeout => "timeout",
        }
    }
}

/// Where a DTMF digit came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DtmfSource {
    /// RFC 4733 telephone-events in the RTP stream.
    Rtp,
    /// A SIP INFO request (`application/dtmf-relay` or `application/dtmf`).
    Info,
}

/// One frame of decoded inbound audio.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AudioFrame {
    /// 16-bit mono PCM at `sample_rate`.
    pub pcm: Vec<i16>,
    /// Samples per second (16000 for G.722, 8000 for G.711).
    pub sample_rate: u32,
    /// The RTP timestamp of the frame (concealed frames carry the timestamp they stand for).
    pub rtp_timestamp: u32,
    /// The frame was synthesised by loss concealment.
    pub concealed: bool,
}

/// Something the application should know.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A call passed authentication and capacity checks and waits for
    /// [`Endpoint::accept`](crate::endpoint::Endpoint::accept) or
    /// [`Endpoint::reject`](crate::endpoint::Endpoint::reject) (only with `AnswerPolicy::Ask`).
    IncomingCall {
        /// The call.
        call: CallId,
        /// Its metadata (with the codec chosen from the offer, when the INVITE had one).
        info: Arc<CallInfo>,
    },
    /// The remote side is ringing (outbound calls, 180/183).
    Ringing {
        /// The call.
        call: CallId,
        /// Its metadata (the session id is known from the dial on).
        info: Arc<CallInfo>,
    },
    /// The call is established (inbound: ACK received; outbound: 2xx received); media runs.
    CallStarted {
        /// The call.
        call: CallId,
        /// Its metadata, with the negotiated codec.
        info: Arc<CallInfo>,
    },
    /// A frame of decoded inbound audio.
    Audio {
        /// The call.
        call: CallId,
        /// The frame.
        frame: AudioFrame,
    },
    /// A DTMF digit was received.
    Dtmf {
        /// The call.
        call: CallId,
        /// `0`–`9`, `*`, `#`, `A`–`D`.
        digit: char,
        /// How long the key was held.
        duration_ms: u32,
        /// RTP events or SIP INFO.
        source: DtmfSource,
    },
    /// Everything queued with `send_audio` has been sent.
    PlaybackFinished {
        /// The call.
        call: CallId,
    },
    /// `interrupt` dropped queued audio.
    PlaybackInterrupted {
        /// The call.
        call: CallId,
        /// How much queued audio was dropped.
        cut: Duration,
    },
    /// The remote side put the call on hold (`true`) or resumed it (`false`).
    Hold {
        /// The call.
        call: CallId,
        /// On hold now.
        on_hold: bool,
    },
    /// The call ended; every resource it held is released.
    CallEnded {
        /// The call.
        call: CallId,
        /// Why.
        reason: EndReason,
        /// Final media statistics.
        stats: CallStats,
        /// The call's metadata.
        info: Arc<CallInfo>,
    },
    /// An inbound INVITE was refused before a call existed (auth, capacity, SDP, ...).
    CallRejected {
        /// The SIP `Call-ID` of the refused INVITE.
        sip_call_id: String,
        /// The status we answered.
        status: u16,
        /// The reason phrase we answered.
        reason: String,
    },
}
