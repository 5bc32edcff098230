//! Virtual time: an epoch plus an offset that only the scheduler moves forward.

use std::fmt;
use std::time::{Duration, Instant};

/// The simulator's clock: a fixed epoch and the virtual time elapsed since it.
///
/// The epoch is read from the real clock once (in [`VirtualClock::new`]); every later
/// instant is `epoch + offset`, so runs never depend on how fast the host is.
#[derive(Clone, Copy, Debug)]
pub struct VirtualClock {
    epoch: Instant,
    elapsed: Duration,
}

impl VirtualClock {
    /// A clock at offset zero, its epoch taken from the host clock (the only read of it).
    #[allow(clippy::disallowed_methods)]
    pub fn new() -> Self {
        Self::with_epoch(Instant::now())
    }

    /// A clock at offset zero on a given epoch.
    pub fn with_epoch(epoch: Instant) -> Self {
        Self {
            epoch,
            elapsed: Duration::ZERO,
        }
    }

    /// The epoch every offset counts from.
    pub fn epoch(&self) -> Instant {
        self.epoch
    }

    /// The current virtual instant.
    pub fn now(&self) -> Instant {
        self.epoch + self.elapsed
    }

    /// The virtual time elapsed since the epoch.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// The offset of `at` from the epoch (zero for instants before it).
    pub fn offset_of(&self, at: Instant) -> Duration {
        at.saturating_duration_since(self.epoch)
    }

    /// The instant at `offset` after the epoch.
    pub fn at(&self, offset: Duration) -> Instant {
        self.epoch + offset
    }

    /// Moves the clock to `at`; time never goes backwards, so an earlier instant is ignored.
    pub fn advance_to(&mut self, at: Instant) {
        let offset = self.offset_of(at);
        if offset > self.elapsed {
            self.elapsed = offset;
        }
    }
}

impl Default for VirtualClock {
    fn default() -> Self {
        Self::new()
    }
}

/// An offset from the epoch printed as in traces: `+12.345678s`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Offset(pub Duration);

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{}.{:06}s", self.0.as_secs(), self.0.subsec_micros())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_only_moves_forward() {
        let mut clock = VirtualClock::new();
        let epoch = clock.epoch();
        assert_eq!(clock.now(), epoch);
        clock.advance_to(epoch + Duration::from_millis(20));
        assert_eq!(clock.elapsed(), Duration::from_millis(20));
        clock.advance_to(epoch + Duration::from_millis(5));
        assert_eq!(clock.elapsed(), Duration::from_millis(20));
        assert_eq!(
            clock.at(Duration::from_secs(1)),
            epoch + Duration::from_secs(1)
        );
        assert_eq!(clock.offset_of(epoch), Duration::ZERO);
    }

    #[test]
    fn offsets_print_with_microseconds() {
        assert_eq!(Offset(Duration::from_millis(20)).to_string(), "+0.020000s");
        assert_eq!(
            Offset(Duration::from_micros(64_000_001)).to_string(),
            "+64.000001s"
        );
    }
}
