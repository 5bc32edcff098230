//! The send and receive paths of a session, built when first needed.
//!
//! Most of a session's state (pacer, encoder, jitter buffer, decoder, concealer, DTMF
//! receiver, statistics, the RTCP interval generator) only matters once media flows: audio
//! to send, RTP accepted, a renegotiation, a report after the first. Until then the session
//! holds what it takes to build them exactly as they would have been built at its start
//! (formats, first sequence number and timestamp, direction), and a call that ends without
//! media never builds them: its session stays small and is created and dropped cheaply.

use std::time::Duration;

use super::inbound::{Inbound, JitterSettings, jitter_config};
use super::negotiated::{Negotiated, codec_of};
use super::outbound::Outbound;
use super::rtcp::{RtcpRounds, RtcpSeed};

/// The send and receive paths and the RTCP rounds of one session.
#[derive(Debug)]
pub(super) struct Streams {
    pub(super) inbound: Inbound,
    pub(super) outbound: Outbound,
    pub(super) rtcp: RtcpRounds,
    /// Adaptive playout: the jitter buffer's wait follows measured jitter up to this.
    pub(super) adaptive_max_delay: Option<Duration>,
}

/// What the paths are built from, drawn when the session starts.
#[derive(Debug, Clone, Copy)]
pub(super) struct StreamStart {
    /// Our stream's SSRC.
    pub(super) ssrc: u32,
    /// The first packet's sequence number and timestamp.
    pub(super) seq: u16,
    pub(super) ts: u32,
    /// Whether the first negotiation lets us send, and receive.
    pub(super) sending: bool,
    pub(super) playing: bool,
    /// The RTCP generator where the first schedule left it.
    pub(super) rtcp: RtcpSeed,
}

impl StreamStart {
    /// The paths as the session's start would have built them for `media` (the first
    /// negotiation: a renegotiation builds them before it applies).
    fn build(&self, media: &Negotiated, jitter: JitterSettings) -> Streams {
        let codec = codec_of(media.codec);
        Streams {
            inbound: Inbound::new(codec, jitter_config(jitter, media, None), self.playing),
            outbound: Outbound::new(
                codec,
                media.payload_type,
                media.telephone_event,
                media.ptime,
                self.ssrc,
                self.seq,
                self.ts,
                self.sending,
            ),
            rtcp: RtcpRounds::resume(self.rtcp),
            adaptive_max_delay: None,
        }
    }
}

/// The paths in `slot`, built from `start` for `media` if they are not yet.
pub(super) fn ensure<'a>(
    slot: &'a mut Option<Box<Streams>>,
    start: &StreamStart,
    media: &Negotiated,
    jitter: JitterSettings,
) -> &'a mut Streams {
    slot.get_or_insert_with(|| Box::new(start.build(media, jitter)))
}
