//! The data a media session exchanges with its endpoint: configuration, outputs, events, stats.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;

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

impl Default for SessionConfig {
    /// The endpoint's defaults: 32 packets, no prefetch, gaps skipped, 30 s watchdogs, no latching.
    fn default() -> Self {
        Self {
            jitter_capacity: 32,
            jitter_prefetch: 0,
            skip_audio_gaps: true,
            inactivity_timeout: Duration::from_secs(30),
            establishment_timeout: Duration::from_secs(30),
            symmetric_rtp: false,
        }
    }
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
