//! What a session keeps of the negotiated media: the formats and the peer's addresses, as a
//! plain copy (the SDP's text, and the message buffer it points into, are not held for the
//! length of the call).

use std::net::SocketAddr;

use crate::codec::Codec;
use crate::sdp::{AudioCodec, NegotiatedMedia};

/// The negotiated stream parameters the session works with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Negotiated {
    /// The audio codec.
    pub(super) codec: AudioCodec,
    /// The audio payload type.
    pub(super) payload_type: u8,
    /// The telephone-event payload type, if any.
    pub(super) telephone_event: Option<u8>,
    /// RTP clock rate of the audio payload type.
    pub(super) clock_rate: u32,
    /// Packet time in ms.
    pub(super) ptime: u32,
    /// Where the peer wants RTP.
    pub(super) remote_rtp: SocketAddr,
    /// Where the peer wants RTCP.
    pub(super) remote_rtcp: SocketAddr,
    /// RTCP shares the RTP port.
    pub(super) rtcp_mux: bool,
}

impl From<&NegotiatedMedia> for Negotiated {
    fn from(media: &NegotiatedMedia) -> Self {
        Self {
            codec: media.codec,
            payload_type: media.payload_type,
            telephone_event: media.telephone_event,
            clock_rate: media.clock_rate,
            ptime: media.ptime,
            remote_rtp: media.remote_rtp,
            remote_rtcp: media.remote_rtcp,
            rtcp_mux: media.rtcp_mux,
        }
    }
}

/// The codec module's name for a negotiated codec.
pub(super) fn codec_of(codec: AudioCodec) -> Codec {
    match codec {
        AudioCodec::G722 => Codec::G722,
        AudioCodec::Pcmu => Codec::Pcmu,
        AudioCodec::Pcma => Codec::Pcma,
    }
}

/// Whether the peer is expected to send us RTP under `media`.
pub(super) fn expects_rtp(media: &NegotiatedMedia) -> bool {
    media.direction.receives() && !media.remote_rtp.ip().is_unspecified()
}

/// Whether we send RTP under `media`.
pub(super) fn sends_rtp(media: &NegotiatedMedia) -> bool {
    media.direction.sends() && !media.on_hold
}
