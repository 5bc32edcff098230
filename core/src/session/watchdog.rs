//! The RTP watchdogs: no RTP for the inactivity timeout, or none at all within the
//! establishment timeout. Each fires once; zero disables it; they pause while the
//! negotiated direction says the peer sends nothing (hold).

use std::time::{Duration, Instant};

/// Inactivity and establishment timers of one session.
#[derive(Debug, Clone)]
pub(super) struct Watchdog {
    inactivity: Duration,
    establishment: Duration,
    /// Start of the current watch (session start, or resume from hold).
    since: Instant,
    /// Last RTP packet accepted.
    last_rx: Option<Instant>,
    /// Whether RTP was ever accepted.
    ever: bool,
    paused: bool,
    fired: bool,
}

impl Watchdog {
    /// Watches from `now`.
    pub(super) fn new(inactivity: Duration, establishment: Duration, now: Instant) -> Self {
        Self {
            inactivity,
            establishment,
            since: now,
            last_rx: None,
            ever: false,
            paused: false,
            fired: false,
        }
    }

    /// An RTP packet was accepted at `now`.
    pub(super) fn on_rtp(&mut self, now: Instant) {
        self.last_rx = Some(self.last_rx.map_or(now, |t| t.max(now)));
        self.ever = true;
    }

    /// Pauses (peer not expected to send) or resumes watching from `now`.
    pub(super) fn set_paused(&mut self, paused: bool, now: Instant) {
        if self.paused && !paused {
            self.since = now;
            if self.last_rx.is_some() {
                self.last_rx = Some(now);
            }
        }
        self.paused = paused;
    }

    /// When the watchdog fires next, if it is armed.
    pub(super) fn deadline(&self) -> Option<Instant> {
        if self.fired || self.paused {
            return None;
        }
        match self.last_rx {
            Some(at) => (!self.inactivity.is_zero()).then(|| at + self.inactivity),
            None => (!self.establishment.is_zero()).then(|| self.since + self.establishment),
        }
    }

    /// Fires at most once: `Some(never_received)` when a timeout has elapsed by `now`.
    pub(super) fn check(&mut self, now: Instant) -> Option<bool> {
        let due = self.deadline()?;
        if now < due {
            return None;
        }
        self.fired = true;
        Some(!self.ever)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> Instant {
        crate::test_epoch()
    }

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn establishment_fires_once_when_nothing_arrives() {
        let t = t0();
        let mut w = Watchdog::new(3 * S, 5 * S, t);
        assert_eq!(w.deadline(), Some(t + 5 * S));
        assert_eq!(w.check(t + 4 * S), None);
        assert_eq!(w.check(t + 5 * S), Some(true));
        assert_eq!(w.check(t + 9 * S), None);
        assert_eq!(w.deadline(), None);
    }

    #[test]
    fn inactivity_counts_from_the_last_packet() {
        let t = t0();
        let mut w = Watchdog::new(3 * S, 5 * S, t);
        w.on_rtp(t + S);
        assert_eq!(w.deadline(), Some(t + 4 * S));
        w.on_rtp(t + 2 * S);
        assert_eq!(w.check(t + 4 * S), None);
        assert_eq!(w.check(t + 5 * S), Some(false));
    }

    #[test]
    fn zero_disables_and_hold_pauses() {
        let t = t0();
        let mut w = Watchdog::new(Duration::ZERO, Duration::ZERO, t);
        assert_eq!(w.deadline(), None);
        w.on_rtp(t);
        assert_eq!(w.check(t + 100 * S), None);
        let mut w = Watchdog::new(3 * S, 5 * S, t);
        w.on_rtp(t);
        w.set_paused(true, t + S);
        assert_eq!(w.check(t + 60 * S), None);
        w.set_paused(false, t + 60 * S);
        assert_eq!(w.deadline(), Some(t + 63 * S));
    }
}
