//! One call's media: RTP in and out through codec, jitter buffer, loss concealment, DTMF,
//! pacing, RTCP and the inactivity watchdog, sans-IO like the endpoint that owns it.
//!
//! The endpoint creates a [`MediaSession`] when a call's SDP is negotiated and feeds it
//! the datagrams of the call's RTP (and RTCP) sockets, application audio and timeouts;
//! it drains [`MediaSession::poll_output`] after every input.
//!
//! ```
//! use std::net::SocketAddr;
//! use std::time::Instant;
//! use sipvoice_core::session::{MediaOutput, MediaSession, SessionConfig};
//! # use sipvoice_core::{Rng, sdp::{AudioCodec, Direction, NegotiatedMedia}};
//! # #[allow(clippy::disallowed_methods)]
//! # fn epoch() -> Instant { Instant::now() }
//! # let remote: SocketAddr = "192.0.2.7:40000".parse().unwrap();
//! # let media = NegotiatedMedia {
//! #     media_index: 0, codec: AudioCodec::Pcmu, payload_type: 0, encoding_name: "PCMU",
//! #     clock_rate: 8000, telephone_event: Some(101), telephone_event_fmtp: None, ptime: 20,
//! #     direction: Direction::SendRecv, remote_rtp: remote,
//! #     remote_rtcp: "192.0.2.7:40001".parse().unwrap(), rtcp_mux: false, on_hold: false,
//! # };
//! let now = epoch();
//! let local: SocketAddr = "192.0.2.1:10000".parse().unwrap();
//! let mut rng = Rng::from_seed(1);
//! let mut session = MediaSession::new(&media, local, &SessionConfig::default(), &mut rng, now);
//! session.send_audio(now, &[0i16; 160]); // 20 ms of G.711 audio
//! let mut sent = 0;
//! while let Some(output) = session.poll_output() {
//!     if let MediaOutput::Transmit { to, .. } = output {
//!         assert_eq!(to, remote);
//!         sent += 1;
//!     }
//! }
//! assert_eq!(sent, 1); // one frame now, the next one ptime later
//! assert!(session.next_deadline().is_some());
//! ```
//!
//! What the session does:
//! - **Inbound**: datagrams are told apart by their first bytes (RTP, RTCP when muxed, STUN
//!   ignored); RTP is accepted only with the negotiated payload types and from the expected
//!   source ([`LATCH_PACKETS`] and [`LATCH_QUIET`] govern symmetric RTP); anything else is
//!   counted in [`CallStats::packets_rejected`]. Audio goes through the jitter buffer (an
//!   in-order frame is played out on the packet that brings it; a missing one is concealed
//!   once a later packet shows the loss and its wait has passed) and comes out as
//!   [`MediaEvent::Audio`]; key presses come out as [`MediaEvent::Dtmf`], once each, also
//!   when their end packets were lost.
//! - **Outbound**: PCM of any length is framed at ptime and sent one packet per slot (the
//!   first at once, no burst, no lead); the first packet of each talkspurt has the marker
//!   bit; sequence numbers and timestamps run on across silence, interruption, hold and
//!   renegotiation. [`MediaEvent::PlaybackFinished`] tells when the queue has played out;
//!   [`MediaSession::interrupt`] cuts it at once. A partial last frame is padded with
//!   silence after one ptime without more audio.
//! - **Direction**: on hold, sendonly-by-the-peer or inactive, audio keeps its schedule but
//!   nothing is sent (and no sequence number is used); when our side does not receive,
//!   nothing is played out and the watchdogs pause.
//! - **RTCP**: SR while we send, RR otherwise, with SDES CNAME, at RFC 3550 intervals,
//!   from the local RTCP port (RTP port + 1, or the RTP port when muxed); the peer's report
//!   blocks give the round-trip time. [`MediaSession::finish`] sends the BYE.
//! - **Watchdogs**: [`MediaEvent::Inactive`] once, when no RTP arrived for the inactivity
//!   timeout, or none at all within the establishment timeout (zero disables each).

mod dispatch;
mod inbound;
mod negotiated;
mod outbound;
mod outputs;
mod packetizer;
mod rtcp;
mod source;
mod streams;
mod types;
mod watchdog;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;

use self::inbound::{JitterSettings, jitter_config};
use self::negotiated::{Negotiated, codec_of, expects_rtp, sends_rtp};
use self::outputs::Outputs;
use self::rtcp::RtcpState;
use self::source::SourceFilter;
use self::streams::{StreamStart, Streams, ensure};
use self::watchdog::Watchdog;
use crate::media::{DtmfTxError, PacketKind, classify};
use crate::rng::Rng;
use crate::sdp::NegotiatedMedia;

pub use self::outbound::{MAX_DTMF_TONE, MIN_DTMF_TONE};
pub use self::source::{LATCH_PACKETS, LATCH_QUIET};
pub use self::types::{CallStats, MediaEvent, MediaOutput, SessionConfig};

/// The media of one call.
///
/// The session itself holds what every call uses up to its BYE (addresses, formats, source
/// filter, watchdog, RTCP schedule, the output queue); the send and receive paths are built
/// when media first flows (see `streams`), so a session is small to create, move and drop.
#[derive(Debug)]
pub struct MediaSession {
    local_rtp: SocketAddr,
    media: Negotiated,
    source: SourceFilter,
    watchdog: Watchdog,
    rtcp: RtcpState,
    outputs: Outputs,
    /// The send and receive paths, once built.
    streams: Option<Box<Streams>>,
    /// What the paths are built from.
    start: StreamStart,
    jitter: JitterSettings,
    rejected: u64,
    /// RTCP shares the local RTP port (as first negotiated).
    local_rtcp_mux: bool,
    finished: bool,
}

impl MediaSession {
    /// Starts media for a negotiated stream on the local RTP socket `local_rtp`
    /// (RTCP on the port above unless muxed). `rng` seeds SSRC, sequence and timestamp.
    pub fn new(
        media: &NegotiatedMedia,
        local_rtp: SocketAddr,
        config: &SessionConfig,
        rng: &mut Rng,
        now: Instant,
    ) -> Self {
        let ssrc = rng.next_u32();
        let seq = rng.next_u16();
        let ts = rng.next_u32();
        let rtcp_seed = rng.next_u64();
        let codec = codec_of(media.codec);
        let (rtcp, rtcp_start) = RtcpState::new(
            rtcp_seed,
            now,
            media.ptime,
            codec.payload_bytes(media.ptime.max(1)),
        );
        let mut watchdog =
            Watchdog::new(config.inactivity_timeout, config.establishment_timeout, now);
        watchdog.set_paused(!expects_rtp(media), now);
        // Nothing is due yet (the first RTCP report and the watchdogs lie ahead, no audio is
        // queued), so no timer is run: the session is built in place.
        Self {
            local_rtp,
            media: Negotiated::from(media),
            source: SourceFilter::new(media.remote_rtp, config.symmetric_rtp),
            watchdog,
            rtcp,
            outputs: Outputs::default(),
            streams: None,
            start: StreamStart {
                ssrc,
                seq,
                ts,
                sending: sends_rtp(media),
                playing: media.direction.receives(),
                rtcp: rtcp_start,
            },
            jitter: JitterSettings::from(config),
            rejected: 0,
            local_rtcp_mux: media.rtcp_mux,
            finished: false,
        }
    }

    /// Applies a renegotiation (re-INVITE / UPDATE): hold, resume, new remote address.
    pub fn update(&mut self, media: &NegotiatedMedia, now: Instant) {
        if self.finished {
            return;
        }
        let streams = ensure(&mut self.streams, &self.start, &self.media, self.jitter);
        let codec = codec_of(media.codec);
        self.source.set_remote(media.remote_rtp);
        streams.outbound.set_sending(sends_rtp(media));
        streams.outbound.set_format(
            now,
            codec,
            media.payload_type,
            media.telephone_event,
            media.ptime,
            &mut self.outputs,
        );
        let negotiated = Negotiated::from(media);
        let jitter = jitter_config(self.jitter, &negotiated, streams.adaptive_max_delay);
        streams.inbound.set_codec(codec, jitter);
        streams.inbound.set_playing(media.direction.receives());
        self.watchdog.set_paused(!expects_rtp(media), now);
        self.media = negotiated;
        self.service(now);
    }

    /// A datagram arrived on the session's RTP socket (RTP, RTCP when muxed, or STUN).
    pub fn handle_rtp(&mut self, now: Instant, from: SocketAddr, data: Bytes) {
        if self.finished {
            return;
        }
        match classify(&data) {
            PacketKind::Rtp => self.on_rtp(now, from, &data),
            PacketKind::Rtcp => self.on_rtcp(now, from, &data),
            PacketKind::Stun => {}
            _ => self.rejected += 1,
        }
        self.service(now);
    }

    /// A datagram arrived on the session's RTCP socket.
    pub fn handle_rtcp(&mut self, now: Instant, from: SocketAddr, data: Bytes) {
        if self.finished {
            return;
        }
        match classify(&data) {
            PacketKind::Rtcp => self.on_rtcp(now, from, &data),
            PacketKind::Stun => {}
            _ => self.rejected += 1,
        }
        self.service(now);
    }

    /// Fires the session's due timers (pacing, playout, DTMF, RTCP, watchdog).
    pub fn handle_timeout(&mut self, now: Instant) {
        self.service(now);
    }

    /// The earliest instant the session needs [`MediaSession::handle_timeout`].
    pub fn next_deadline(&self) -> Option<Instant> {
        if self.finished {
            return None;
        }
        let mut next = self.rtcp.deadline();
        if let Some(at) = self.watchdog.deadline() {
            next = next.min(at);
        }
        if let Some(streams) = self.streams.as_deref() {
            for at in [
                streams.outbound.next_deadline(),
                streams.inbound.next_deadline(),
            ]
            .into_iter()
            .flatten()
            {
                next = next.min(at);
            }
        }
        Some(next)
    }

    /// The next output, if any.
    pub fn poll_output(&mut self) -> Option<MediaOutput> {
        self.outputs.pop_front()
    }

    /// Queues PCM (16-bit mono at the codec's rate) for paced sending.
    pub fn send_audio(&mut self, now: Instant, pcm: &[i16]) {
        if self.finished {
            return;
        }
        if !pcm.is_empty() {
            ensure(&mut self.streams, &self.start, &self.media, self.jitter)
                .outbound
                .send_audio(now, pcm);
        }
        self.service(now);
    }

    /// Drops all queued audio; returns how much was cut.
    pub fn interrupt(&mut self, now: Instant) -> Duration {
        // Without a send path nothing was queued: nothing to cut, nothing to report.
        let cut = self
            .streams
            .as_deref_mut()
            .map_or(Duration::ZERO, |streams| streams.outbound.interrupt());
        self.service(now);
        cut
    }

    /// Queues DTMF digits as RFC 4733 events of `duration` each.
    ///
    /// Digits are checked first (`0`–`9`, `*`, `#`, `A`–`D`); a bad one queues nothing.
    /// The duration is clamped to [`MIN_DTMF_TONE`]..=[`MAX_DTMF_TONE`]; it takes effect
    /// when the stream is idle, while keys queued behind audio or other keys keep the
    /// tone length in use. Audio is held (not dropped) while keys are sent.
    pub fn send_dtmf(
        &mut self,
        now: Instant,
        digits: &str,
        duration: Duration,
    ) -> Result<(), DtmfTxError> {
        if self.finished {
            return Err(DtmfTxError::InvalidConfig("the media session has ended"));
        }
        let queued = ensure(&mut self.streams, &self.start, &self.media, self.jitter)
            .outbound
            .send_dtmf(now, digits, duration, &mut self.outputs);
        self.service(now);
        queued
    }

    /// Statistics so far.
    pub fn stats(&self, now: Instant) -> CallStats {
        let _ = now;
        let Some(streams) = self.streams.as_deref() else {
            // Nothing sent or accepted: all zero but the rejects.
            return CallStats {
                packets_rejected: self.rejected,
                ..CallStats::default()
            };
        };
        let (inbound, outbound) = (&streams.inbound, &streams.outbound);
        let playout = inbound.playout_stats();
        let send = outbound.send_stats();
        CallStats {
            packets_sent: send.packets,
            bytes_sent: send.bytes,
            packets_received: inbound.packets,
            bytes_received: inbound.bytes,
            packets_lost: inbound.lost_total(),
            packets_late: playout.late,
            packets_duplicated: playout.duplicates,
            packets_rejected: self.rejected,
            frames_concealed: inbound.frames_concealed,
            jitter_ms: inbound.jitter_ms(),
            rtt_ms: send.rtt.map(|rtt| rtt.as_secs_f64() * 1000.0),
            dtmf_received: inbound.dtmf_received,
            dtmf_sent: outbound.dtmf_sent,
        }
    }

    /// Ends the session: sends an RTCP BYE and returns the final statistics.
    pub fn finish(&mut self, now: Instant) -> CallStats {
        if !self.finished {
            self.service(now);
            self.send_rtcp(now, true);
            self.finished = true;
        }
        self.stats(now)
    }

    /// The local RTP address.
    pub fn local_rtp(&self) -> SocketAddr {
        self.local_rtp
    }

    /// The local RTCP address (the RTP address when muxed).
    pub fn local_rtcp(&self) -> SocketAddr {
        if self.local_rtcp_mux {
            self.local_rtp
        } else {
            SocketAddr::new(self.local_rtp.ip(), self.local_rtp.port().wrapping_add(1))
        }
    }

    /// Our stream's SSRC.
    pub fn ssrc(&self) -> u32 {
        self.start.ssrc
    }

    /// Where RTP is sent and accepted from now (the SDP address, or the latched one).
    pub fn remote_rtp(&self) -> SocketAddr {
        self.source.remote()
    }

    /// Whether [`MediaSession::finish`] has run.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Switches adaptive playout on (the wait for a missing frame follows three times the
    /// measured interarrival jitter, up to `max_delay`) or off (`None`: a fixed ptime wait).
    ///
    /// Best called before audio flows: the jitter buffer restarts with the new settings.
    pub fn set_adaptive_playout(&mut self, max_delay: Option<Duration>, now: Instant) {
        let current = self.streams.as_deref().and_then(|s| s.adaptive_max_delay);
        if self.finished || max_delay == current {
            return;
        }
        let streams = ensure(&mut self.streams, &self.start, &self.media, self.jitter);
        streams.adaptive_max_delay = max_delay;
        let codec = codec_of(self.media.codec);
        let jitter = jitter_config(self.jitter, &self.media, max_delay);
        streams.inbound.set_codec(codec, jitter);
        self.service(now);
    }

    /// Ties `now` to a wall-clock time (since the Unix epoch) for RTCP NTP timestamps.
    pub fn set_wall_clock(&mut self, now: Instant, since_unix_epoch: Duration) {
        self.rtcp.set_wall_clock(now, since_unix_epoch);
    }
}
