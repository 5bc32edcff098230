//! A call's media resources: the RTP port (bind, retry on failure, close and release
//! exactly once) and its [`MediaSession`], whose outputs become transmits and events
//! and whose deadline sits in the endpoint's timer heap.

use std::net::SocketAddr;

use bytes::Bytes;

use super::call::{CallState, CallTimer};
use super::event::{AudioFrame, CallDirection, DtmfSource, EndReason, Event};
use super::ids::CallId;
use super::{CommandError, Endpoint, Output, SocketRequest, TimerKey, Transmit};
use crate::session::{MediaEvent, MediaOutput, MediaSession, SessionConfig};

/// How many ports a call tries before giving up with 503.
const BIND_ATTEMPTS: u8 = 4;

impl Endpoint {
    /// Takes an even port and asks the driver to bind RTP (and RTCP unless muxed).
    pub(crate) fn start_binding(&mut self, id: CallId) {
        let Some(port) = self.ports.allocate(&mut self.rng) else {
            return self.no_port(id);
        };
        let ip = self.config.local_rtp_ip;
        let Some(call) = self.calls.get_mut(&id) else {
            self.ports.release(port);
            return;
        };
        let mux = call.negotiated.as_ref().is_some_and(|m| m.rtcp_mux);
        call.port = Some(port);
        call.state = CallState::Binding;
        call.pending_binds = if mux { 1 } else { 2 };
        let mut addrs = vec![SocketAddr::new(ip, port)];
        if !mux {
            addrs.push(SocketAddr::new(ip, port.wrapping_add(1)));
        }
        for addr in addrs {
            self.sockets.insert(addr, (id, false));
            self.outputs
                .push_back(Output::Socket(SocketRequest::Bind(addr)));
        }
    }

    /// No port could be had: 503 for an inbound call, the end for an outbound one.
    fn no_port(&mut self, id: CallId) {
        let outbound = self
            .calls
            .get(&id)
            .is_some_and(|c| c.info.direction == CallDirection::Outbound);
        if outbound {
            self.end_call(id, EndReason::Rejected { status: 503 });
        } else {
            self.refuse_call(id, 503, EndReason::Rejected { status: 503 });
        }
    }

    /// The driver bound (or failed to bind) one of our media sockets.
    pub(crate) fn bind_result(&mut self, addr: SocketAddr, ok: bool) {
        let Some(&(id, false)) = self.sockets.get(&addr) else {
            if self.orphans.remove(&addr) && ok {
                // A socket nobody wants any more (its call ended or moved on).
                self.outputs
                    .push_back(Output::Socket(SocketRequest::Close(addr)));
            }
            return;
        };
        let Some(call) = self.calls.get_mut(&id) else {
            self.sockets.remove(&addr);
            return;
        };
        if call.state != CallState::Binding || call.pending_binds == 0 {
            return;
        }
        if ok {
            self.sockets.insert(addr, (id, true));
            call.pending_binds -= 1;
            if call.pending_binds == 0 {
                self.binds_done(id);
            }
            return;
        }
        // Failed: give the port back (closing its sibling) and try another.
        self.sockets.remove(&addr);
        call.bind_attempts += 1;
        let attempts = call.bind_attempts;
        if let Some(mut call) = self.calls.remove(&id) {
            self.release_media(id, &mut call);
            self.calls.insert(id, call);
        }
        if attempts >= BIND_ATTEMPTS {
            self.no_port(id);
        } else {
            self.start_binding(id);
        }
    }

    /// Every media socket of the call is bound.
    fn binds_done(&mut self, id: CallId) {
        let outbound = self
            .calls
            .get(&id)
            .is_some_and(|c| c.info.direction == CallDirection::Outbound);
        if outbound {
            self.send_invite(id, None);
        } else {
            self.ring(id);
        }
    }

    /// The media options of the configuration.
    fn session_config(&self) -> SessionConfig {
        SessionConfig {
            jitter_capacity: self.config.jitter_capacity,
            jitter_prefetch: self.config.jitter_prefetch,
            skip_audio_gaps: self.config.skip_audio_gaps,
            inactivity_timeout: self.config.rtp_inactivity_timeout,
            establishment_timeout: self.config.establishment_timeout,
            symmetric_rtp: self.config.symmetric_rtp,
        }
    }

    /// Starts (or renegotiates) the call's media once SDP and port are known.
    pub(crate) fn start_media(&mut self, id: CallId) {
        let config = self.session_config();
        let ip = self.config.local_rtp_ip;
        let now = self.now;
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let (Some(port), Some(media)) = (call.port, call.negotiated.as_ref()) else {
            return;
        };
        match call.media.as_mut() {
            Some(session) => session.update(media, now),
            None => {
                let local = SocketAddr::new(ip, port);
                call.media = Some(MediaSession::new(media, local, &config, &mut self.rng, now));
            }
        }
        self.pump_media(id);
    }

    /// A datagram on one of the call's media sockets.
    pub(crate) fn media_datagram(
        &mut self,
        id: CallId,
        local: SocketAddr,
        remote: SocketAddr,
        data: Bytes,
    ) {
        let now = self.now;
        let Some(call) = self.calls.get_mut(&id) else {
            self.drops.media += 1;
            return;
        };
        let rtp_port = call.port;
        let Some(media) = call.media.as_mut() else {
            self.drops.media += 1;
            return;
        };
        if Some(local.port()) == rtp_port {
            media.handle_rtp(now, remote, data);
        } else {
            media.handle_rtcp(now, remote, data);
        }
        self.pump_media(id);
    }

    /// The media timer of a call fired.
    pub(crate) fn media_timeout(&mut self, id: CallId) {
        let now = self.now;
        if let Some(media) = self.calls.get_mut(&id).and_then(|c| c.media.as_mut()) {
            media.handle_timeout(now);
        }
        self.pump_media(id);
    }

    /// Runs `f` on the call's media session (an application command), then drains it.
    pub(crate) fn with_media<R>(
        &mut self,
        id: CallId,
        f: impl FnOnce(&mut MediaSession) -> R,
    ) -> Result<R, CommandError> {
        let call = self.calls.get_mut(&id).ok_or(CommandError::UnknownCall)?;
        let media = call.media.as_mut().ok_or(CommandError::InvalidState(
            "media commands before the answer",
        ))?;
        let result = f(media);
        self.pump_media(id);
        Ok(result)
    }

    /// Drains the session's outputs into ours and re-arms its deadline.
    pub(crate) fn pump_media(&mut self, id: CallId) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let rate = call.info.sample_rate;
        let Some(media) = call.media.as_mut() else {
            return;
        };
        let mut inactive = None;
        while let Some(out) = media.poll_output() {
            let event = match out {
                MediaOutput::Transmit { from, to, data } => {
                    self.outputs
                        .push_back(Output::Transmit(Transmit { from, to, data }));
                    continue;
                }
                MediaOutput::Event(event) => event,
            };
            let event = match event {
                MediaEvent::Audio {
                    pcm,
                    rtp_timestamp,
                    concealed,
                } => Event::Audio {
                    call: id,
                    frame: AudioFrame {
                        pcm,
                        sample_rate: rate,
                        rtp_timestamp,
                        concealed,
                    },
                },
                MediaEvent::Dtmf { digit, duration_ms } => Event::Dtmf {
                    call: id,
                    digit,
                    duration_ms,
                    source: DtmfSource::Rtp,
                },
                MediaEvent::PlaybackFinished => Event::PlaybackFinished { call: id },
                MediaEvent::PlaybackInterrupted { cut } => {
                    Event::PlaybackInterrupted { call: id, cut }
                }
                MediaEvent::Inactive { never_received } => {
                    inactive = Some(never_received);
                    continue;
                }
            };
            self.outputs.push_back(Output::Event(event));
        }
        let deadline = media.next_deadline();
        match deadline {
            Some(at) => {
                // Never at or before now: a session that keeps asking would spin the loop.
                let soon = self.now.checked_add(std::time::Duration::from_micros(1));
                let at = soon.map_or(at, |soon| at.max(soon));
                self.timers.set(TimerKey::Call(id, CallTimer::Media), at);
            }
            None => self.timers.cancel(TimerKey::Call(id, CallTimer::Media)),
        }
        if let Some(never) = inactive {
            let reason = if never {
                EndReason::EstablishmentTimeout
            } else {
                EndReason::RtpTimeout
            };
            self.send_bye(id);
            self.end_call(id, reason);
        }
    }
}
