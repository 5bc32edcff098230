//! The session's run loop: inbound datagrams checked and routed, and every timer served
//! after each input, with the earliest next deadline kept for [`MediaSession::next_deadline`].

use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;

use super::source::SourceVerdict;
use super::{MediaEvent, MediaOutput, MediaSession};
use crate::codec::Codec;
use crate::media::RtpPacket;
use crate::sdp::{AudioCodec, NegotiatedMedia};

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

impl MediaSession {
    /// An RTP datagram from `from`: checked, then handed to the receive path.
    pub(super) fn on_rtp(&mut self, now: Instant, from: SocketAddr, data: &Bytes) {
        let Ok(packet) = RtpPacket::parse(data) else {
            self.rejected += 1;
            return;
        };
        let pt = packet.payload_type();
        let audio = pt == self.media.payload_type;
        if !audio && Some(pt) != self.media.telephone_event {
            self.rejected += 1;
            return;
        }
        if self
            .source
            .check(now, from, packet.ssrc(), packet.sequence())
            == SourceVerdict::Reject
        {
            self.rejected += 1;
            return;
        }
        self.watchdog.on_rtp(now);
        if audio {
            self.inbound.on_audio(now, &packet, data, &mut self.outputs);
        } else {
            self.inbound.on_event(now, &packet, &mut self.outputs);
        }
    }

    /// Runs every timer due by `now` and recomputes the next deadline.
    pub(super) fn service(&mut self, now: Instant) {
        if self.finished {
            self.deadline = None;
            return;
        }
        let to = self.source.remote();
        self.outbound
            .poll(now, self.local_rtp, to, &mut self.outputs);
        self.inbound.drain(now, &mut self.outputs);
        if let Some(never_received) = self.watchdog.check(now) {
            self.outputs
                .push_back(MediaOutput::Event(MediaEvent::Inactive { never_received }));
        }
        if now >= self.rtcp.deadline() {
            self.send_rtcp(now, false);
        }
        self.deadline = [
            self.outbound.next_deadline(),
            self.inbound.next_deadline(),
            self.watchdog.deadline(),
            Some(self.rtcp.deadline()),
        ]
        .into_iter()
        .flatten()
        .min();
    }
}
