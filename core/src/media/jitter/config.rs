//! Jitter buffer configuration and counters.

use std::time::Duration;

/// How the jitter buffer behaves. `Default` follows the seed: capacity 32, prefetch 0,
/// skip_audio_gaps on, 20 ms frames on an 8000 Hz clock, fixed 20 ms loss wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JitterConfig {
    /// Maximum packets held (any positive number); the window of sequence numbers kept.
    pub capacity: usize,
    /// Packets to accumulate before playout starts (0 = start with the first packet).
    pub prefetch: usize,
    /// When true, a timestamp gap left by the sender's silence (DTX, talkspurt boundary) is
    /// skipped and playout jumps to the new talkspurt; when false it is filled with concealment.
    pub skip_audio_gaps: bool,
    /// Packetisation time in milliseconds (the duration of one frame).
    pub ptime_ms: u32,
    /// RTP clock rate of the payload type in Hz (8000 for G.711 and G.722).
    pub clock_rate: u32,
    /// How long past its expected arrival a missing frame is awaited before it is concealed
    /// (fixed mode), or the smallest such wait (adaptive mode).
    pub delay: Duration,
    /// Adaptive mode: the wait follows three times the measured interarrival jitter, between
    /// `delay` and this maximum. `None` = fixed mode.
    pub adaptive_max_delay: Option<Duration>,
    /// Longest silence gap filled with concealment when `skip_audio_gaps` is false; longer gaps
    /// (or a timestamp jump) are skipped.
    pub max_gap_fill: Duration,
}

impl Default for JitterConfig {
    fn default() -> Self {
        Self {
            capacity: 32,
            prefetch: 0,
            skip_audio_gaps: true,
            ptime_ms: 20,
            clock_rate: 8000,
            delay: Duration::from_millis(20),
            adaptive_max_delay: None,
            max_gap_fill: Duration::from_secs(5),
        }
    }
}

/// A configuration the buffer cannot run with. API misuse by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum JitterConfigError {
    /// `capacity` is zero.
    #[error("jitter buffer capacity must be at least 1")]
    ZeroCapacity,
    /// `clock_rate` is zero.
    #[error("clock rate must be positive")]
    ZeroClockRate,
    /// `ptime_ms` is zero.
    #[error("ptime must be positive")]
    ZeroPtime,
    /// `prefetch` is larger than `capacity`, so playout could never start by count.
    #[error("prefetch {prefetch} exceeds capacity {capacity}")]
    PrefetchOverCapacity {
        /// Configured prefetch.
        prefetch: usize,
        /// Configured capacity.
        capacity: usize,
    },
}

impl JitterConfig {
    /// Checks the configuration.
    pub fn validate(&self) -> Result<(), JitterConfigError> {
        if self.capacity == 0 {
            return Err(JitterConfigError::ZeroCapacity);
        }
        if self.clock_rate == 0 {
            return Err(JitterConfigError::ZeroClockRate);
        }
        if self.ptime_ms == 0 {
            return Err(JitterConfigError::ZeroPtime);
        }
        if self.prefetch > self.capacity {
            return Err(JitterConfigError::PrefetchOverCapacity {
                prefetch: self.prefetch,
                capacity: self.capacity,
            });
        }
        Ok(())
    }

    /// Timestamp ticks in one frame (`clock_rate * ptime / 1000`, at least 1).
    pub fn samples_per_frame(&self) -> u32 {
        (u64::from(self.clock_rate) * u64::from(self.ptime_ms) / 1000).clamp(1, 1 << 24) as u32
    }

    /// One frame as a duration.
    pub fn ptime(&self) -> Duration {
        Duration::from_millis(u64::from(self.ptime_ms))
    }

    /// `ticks` timestamp units as a duration at the configured clock rate.
    pub(super) fn ticks_to_duration(&self, ticks: u64) -> Duration {
        let rate = u128::from(self.clock_rate.max(1));
        let nanos = u128::from(ticks) * 1_000_000_000 / rate;
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }
}

/// Jitter buffer counters since creation (they survive SSRC changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JitterStats {
    /// Audio packets accepted into the buffer.
    pub accepted: u64,
    /// Frames handed out for decoding.
    pub played: u64,
    /// Missing frames concealed at their deadline.
    pub concealed: u64,
    /// Concealment frames handed out to fill a silence gap (`skip_audio_gaps` false).
    pub gap_filled: u64,
    /// Packets that arrived after their slot was concealed or given up.
    pub late: u64,
    /// Packets received twice.
    pub duplicates: u64,
    /// Buffered packets dropped because the window was full (the oldest go first).
    pub overflow_dropped: u64,
    /// Missing sequence numbers the window slid past without concealment.
    pub lost_skipped: u64,
    /// Buffered packets discarded by a reset (SSRC change or sequence restart).
    pub flushed: u64,
    /// Stream resets (SSRC change or confirmed sequence restart).
    pub resets: u64,
    /// Packets ignored as an unconfirmed sequence jump (RFC 3550 A.1 bad sequence).
    pub ignored: u64,
    /// Sequence numbers consumed by non-audio packets (DTMF) and passed over.
    pub non_audio: u64,
}
