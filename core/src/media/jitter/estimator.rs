//! Interarrival jitter estimate (RFC 3550 A.8) used by the adaptive mode.

use crate::media::rtp::ts_delta;
use std::time::{Duration, Instant};

/// Running interarrival jitter of one stream, in nanoseconds.
#[derive(Debug, Clone)]
pub(super) struct JitterEstimator {
    clock_rate: u32,
    last: Option<(Instant, u32)>,
    jitter_ns: f64,
}

impl JitterEstimator {
    pub(super) fn new(clock_rate: u32) -> Self {
        Self {
            clock_rate: clock_rate.max(1),
            last: None,
            jitter_ns: 0.0,
        }
    }

    pub(super) fn reset(&mut self) {
        self.last = None;
        self.jitter_ns = 0.0;
    }

    /// Feeds one arrival: J += (|D| - J) / 16 with D the change in transit time.
    pub(super) fn on_arrival(&mut self, now: Instant, timestamp: u32) {
        if let Some((then, then_ts)) = self.last {
            let arrival = signed_nanos(now, then);
            let media = f64::from(ts_delta(timestamp, then_ts)) * 1e9 / f64::from(self.clock_rate);
            let d = (arrival - media).abs();
            self.jitter_ns += (d - self.jitter_ns) / 16.0;
        }
        self.last = Some((now, timestamp));
    }

    pub(super) fn jitter(&self) -> Duration {
        Duration::from_nanos(self.jitter_ns.clamp(0.0, 1e15) as u64)
    }
}

fn signed_nanos(a: Instant, b: Instant) -> f64 {
    match a.checked_duration_since(b) {
        Some(d) => d.as_nanos() as f64,
        None => -(b.duration_since(a).as_nanos() as f64),
    }
}
