//! The live counters line on a terminal: active calls, calls/s, packets/s.

use std::io::{IsTerminal, Write};
use std::time::Instant;

/// Prints a one-line status on stderr, rewritten in place, when stderr is a terminal.
#[derive(Debug)]
pub struct LiveLine {
    enabled: bool,
    last: Option<(Instant, u64, u64)>,
}

impl Default for LiveLine {
    fn default() -> Self {
        Self::new()
    }
}

impl LiveLine {
    /// Enabled only when stderr is a terminal.
    pub fn new() -> Self {
        Self {
            enabled: std::io::stderr().is_terminal(),
            last: None,
        }
    }

    /// Whether anything will be printed.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Updates the line with the running totals.
    pub fn update(&mut self, now: Instant, active: u64, calls_total: u64, packets_total: u64) {
        if !self.enabled {
            return;
        }
        let (cps, pps) = match self.last {
            Some((t, calls, packets)) => {
                let secs = now.duration_since(t).as_secs_f64().max(1e-3);
                (
                    calls_total.saturating_sub(calls) as f64 / secs,
                    packets_total.saturating_sub(packets) as f64 / secs,
                )
            }
            None => (0.0, 0.0),
        };
        self.last = Some((now, calls_total, packets_total));
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2K active {active} | {cps:.1} calls/s | {pps:.0} packets/s | {calls_total} calls"
        );
        let _ = err.flush();
    }
}
