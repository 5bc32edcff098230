//! The session's run loop: inbound datagrams checked and routed, and every timer served
//! after each input; [`MediaSession::next_deadline`] is the earliest timer of the state left.

use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;

use super::source::SourceVerdict;
use super::streams::ensure;
use super::{MediaEvent, MediaOutput, MediaSession};
use crate::media::RtpPacket;

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
        let inbound = &mut ensure(&mut self.streams, &self.start, &self.media, self.jitter).inbound;
        if audio {
            inbound.on_audio(now, &packet, data, &mut self.outputs);
        } else {
            inbound.on_event(now, &packet, &mut self.outputs);
        }
    }

    /// Runs every timer due by `now` (the next deadline follows from the state it leaves).
    pub(super) fn service(&mut self, now: Instant) {
        if self.finished {
            return;
        }
        if let Some(streams) = self.streams.as_deref_mut() {
            let to = self.source.remote();
            streams
                .outbound
                .poll(now, self.local_rtp, to, &mut self.outputs);
            // Nothing accepted yet (a send-only stream): nothing to play out or report.
            if streams.inbound.packets > 0 {
                streams.inbound.drain(now, &mut self.outputs);
            }
        }
        if let Some(never_received) = self.watchdog.check(now) {
            self.outputs
                .push_back(MediaOutput::Event(MediaEvent::Inactive { never_received }));
        }
        if now >= self.rtcp.deadline() {
            self.send_rtcp(now, false);
        }
    }
}
