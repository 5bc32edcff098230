//! One call's media: RTP in and out through codec, jitter buffer, loss concealment, DTMF,
//! pacing, RTCP and the inactivity watchdog, sans-IO like the endpoint that owns it.
//!
//! The endpoint creates a [`MediaSession`] when a call's SDP is negotiated and feeds it
//! the datagrams of the call's RTP (and RTCP) sockets, application audio and timeouts;
//! it drains [`MediaSession::poll_output`] after every input.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::media::DtmfTxError;
use crate::rng::Rng;
use crate::sdp::NegotiatedMedia;

/// Media statistics of one call, both directions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallStats {
    /// RTP packets sent.
    pub packets_sent: u64,
    /// RTP payload bytes sent.
    pub bytes_sent: u64,
    /// RTP packets received and accepted.
    pub packets_received: u64,
    /// RTP payload bytes received and accepted.
    pub bytes_received: u64,
    /// Packets lost (expected minus received, RFC 3550 A.3; never negative).
    pub packets_lost: u64,
    /// Packets that arrived too late for playout.
    pub packets_late: u64,
    /// Duplicate packets dropped.
    pub packets_duplicated: u64,
    /// Packets dropped before decoding: wrong source, payload type or malformed.
    pub packets_rejected: u64,
    /// Frames synthesised by loss concealment.
    pub frames_concealed: u64,
    /// Interarrival jitter in ms (RFC 3550 A.8).
    pub jitter_ms: f64,
    /// Round-trip time from RTCP, when a report came back.
    pub rtt_ms: Option<f64>,
    /// DTMF digits received.
    pub dtmf_received: u64,
    /// DTMF digits sent.
    pub dtmf_sent: u64,
}

/// Options of a media session that come from the endpoint's configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionConfig {
    /// Jitter buffer capacity in packets.
    pub jitter_capacity: usize,
    /// Packets to hold before playout starts.
    pub jitter_prefetch: usize,
    /// Skip the sender's silence gaps instead of concealing them.
    pub skip_audio_gaps: bool,
    /// No RTP for this long → [`MediaEvent::Inactive`] (zero disables).
    pub inactivity_timeout: Duration,
    /// No RTP at all since the start for this long → [`MediaEvent::Inactive`] (zero disables).
    pub establishment_timeout: Duration,
    /// Latch onto the real source address of inbound RTP once it passes checks.
    pub symmetric_rtp: bool,
}

/// Something the session wants sent or reported.
#[derive(Debug, PartialEq)]
pub enum MediaOutput {
    /// Send a datagram from one of the session's local sockets.
    Transmit {
        /// Local RTP or RTCP address.
        from: SocketAddr,
        /// Destination.
        to: SocketAddr,
        /// The packet.
        data: Bytes,
    },
    /// Report to the application (the endpoint adds the call id).
    Event(MediaEvent),
}

/// Media happenings the endpoint forwards to the application (or acts on).
#[derive(Debug, PartialEq)]
pub enum MediaEvent {
    /// A decoded (or concealed) inbound frame.
    Audio {
        /// 16-bit mono PCM at the codec's rate.
        pcm: Vec<i16>,
        /// The RTP timestamp the frame stands for.
        rtp_timestamp: u32,
        /// Synthesised by loss concealment.
        concealed: bool,
    },
    /// A DTMF digit, reported once per key press.
    Dtmf {
        /// `0`–`9`, `*`, `#`, `A`–`D`.
        digit: char,
        /// How long it was held.
        duration_ms: u32,
    },
    /// All queued outbound audio has been sent.
    PlaybackFinished,
    /// `interrupt` cut this much queued audio.
    PlaybackInterrupted {
        /// Audio dropped.
        cut: Duration,
    },
    /// The inactivity or establishment watchdog fired; the endpoint ends the call with BYE.
    Inactive {
        /// True when no RTP was ever received (establishment timeout).
        never_received: bool,
    },
}

/// The media of one call.
#[derive(Debug)]
pub struct MediaSession {
    local_rtp: SocketAddr,
    media: NegotiatedMedia,
    stats: CallStats,
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
        let _ = (config, rng, now);
        Self {
            local_rtp,
            media: media.clone(),
            stats: CallStats::default(),
        }
    }

    /// Applies a renegotiation (re-INVITE / UPDATE): hold, resume, new remote address.
    pub fn update(&mut self, media: &NegotiatedMedia, now: Instant) {
        let _ = now;
        self.media = media.clone();
    }

    /// A datagram arrived on the session's RTP socket (RTP, RTCP when muxed, or STUN).
    pub fn handle_rtp(&mut self, now: Instant, from: SocketAddr, data: Bytes) {
        let _ = (now, from, data);
    }

    /// A datagram arrived on the session's RTCP socket.
    pub fn handle_rtcp(&mut self, now: Instant, from: SocketAddr, data: Bytes) {
        let _ = (now, from, data);
    }

    /// Fires the session's due timers (pacing, playout, DTMF, RTCP, watchdog).
    pub fn handle_timeout(&mut self, now: Instant) {
        let _ = now;
    }

    /// The earliest instant the session needs [`MediaSession::handle_timeout`].
    pub fn next_deadline(&self) -> Option<Instant> {
        None
    }

    /// The next output, if any.
    pub fn poll_output(&mut self) -> Option<MediaOutput> {
        None
    }

    /// Queues PCM (16-bit mono at the codec's rate) for paced sending.
    pub fn send_audio(&mut self, now: Instant, pcm: &[i16]) {
        let _ = (now, pcm);
    }

    /// Drops all queued audio; returns how much was cut.
    pub fn interrupt(&mut self, now: Instant) -> Duration {
        let _ = now;
        Duration::ZERO
    }

    /// Queues DTMF digits as RFC 4733 events of `duration` each.
    pub fn send_dtmf(
        &mut self,
        now: Instant,
        digits: &str,
        duration: Duration,
    ) -> Result<(), DtmfTxError> {
        let _ = (now, digits, duration);
        Ok(())
    }

    /// Statistics so far.
    pub fn stats(&self, now: Instant) -> CallStats {
        let _ = now;
        self.stats.clone()
    }

    /// Ends the session: sends an RTCP BYE and returns the final statistics.
    pub fn finish(&mut self, now: Instant) -> CallStats {
        self.stats(now)
    }

    /// The local RTP address.
    pub fn local_rtp(&self) -> SocketAddr {
        self.local_rtp
    }
}
