//! Which source address inbound RTP is accepted from, and symmetric RTP latching.
//!
//! Without latching, only the address the peer's SDP announced is accepted. With latching
//! (symmetric RTP, for peers behind NAT), another address becomes a candidate; it takes over
//! only after [`LATCH_PACKETS`] consecutive packets with the negotiated payload types, one SSRC
//! and consecutive sequence numbers. While the current source is alive (it delivered a packet
//! within [`LATCH_QUIET`]) only a candidate carrying the current stream's SSRC may take over
//! (a NAT rebinding), so a stray or spoofed packet never re-aims the outbound stream.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Consecutive checked packets a new source needs before it is latched.
pub const LATCH_PACKETS: u8 = 3;
/// How long the current source must have been silent before an unrelated SSRC may replace it.
pub const LATCH_QUIET: Duration = Duration::from_secs(1);

/// What to do with a packet from an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SourceVerdict {
    /// From the expected source.
    Accept,
    /// From a new source that has just been latched: accept it, and send there from now on.
    Latched,
    /// From a source that is not (yet) accepted.
    Reject,
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    addr: SocketAddr,
    ssrc: u32,
    next_seq: u16,
    count: u8,
}

/// What a symmetric filter remembers to judge a new source.
#[derive(Debug, Clone, Default)]
struct Latch {
    candidate: Option<Candidate>,
    /// When the expected source last delivered an accepted packet, and its SSRC.
    last_accepted: Option<(Instant, u32)>,
}

impl Latch {
    /// Whether a checked candidate with `ssrc` may replace the current source at `now`.
    fn may_replace(&self, now: Instant, ssrc: u32) -> bool {
        match self.last_accepted {
            None => true,
            Some((at, current)) => {
                current == ssrc || now.saturating_duration_since(at) >= LATCH_QUIET
            }
        }
    }
}

/// The expected source of inbound RTP and the latching state.
#[derive(Debug, Clone)]
pub(super) struct SourceFilter {
    expected: SocketAddr,
    symmetric: bool,
    /// The latching state: only a symmetric filter keeps one, from the first packet on.
    latch: Option<Box<Latch>>,
}

impl SourceFilter {
    /// Accepts `expected`; follows a checked new source when `symmetric` is set.
    pub(super) fn new(expected: SocketAddr, symmetric: bool) -> Self {
        Self {
            expected,
            symmetric,
            latch: None,
        }
    }

    /// The address RTP is accepted from and sent to.
    pub(super) fn remote(&self) -> SocketAddr {
        self.expected
    }

    /// A renegotiated remote address: expected from now on, latching starts over.
    pub(super) fn set_remote(&mut self, remote: SocketAddr) {
        if remote != self.expected {
            self.expected = remote;
            if let Some(latch) = self.latch.as_deref_mut() {
                *latch = Latch::default();
            }
        }
    }

    /// Judges a packet (already known to be well-formed with a negotiated payload type).
    pub(super) fn check(
        &mut self,
        now: Instant,
        from: SocketAddr,
        ssrc: u32,
        seq: u16,
    ) -> SourceVerdict {
        if !self.symmetric {
            return if from == self.expected {
                SourceVerdict::Accept
            } else {
                SourceVerdict::Reject
            };
        }
        let latch = self.latch.get_or_insert_with(Box::default);
        if from == self.expected {
            latch.last_accepted = Some((now, ssrc));
            return SourceVerdict::Accept;
        }
        let candidate = match latch.candidate.as_mut() {
            Some(c) if c.addr == from && c.ssrc == ssrc && c.next_seq == seq => {
                c.count = c.count.saturating_add(1);
                c.next_seq = seq.wrapping_add(1);
                *c
            }
            _ => {
                let fresh = Candidate {
                    addr: from,
                    ssrc,
                    next_seq: seq.wrapping_add(1),
                    count: 1,
                };
                latch.candidate = Some(fresh);
                fresh
            }
        };
        if candidate.count < LATCH_PACKETS || !latch.may_replace(now, ssrc) {
            return SourceVerdict::Reject;
        }
        self.expected = from;
        latch.candidate = None;
        latch.last_accepted = Some((now, ssrc));
        SourceVerdict::Latched
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> Instant {
        crate::test_epoch()
    }

    fn addr(s: &str) -> SocketAddr {
        s.parse()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 1)))
    }

    #[test]
    fn strict_mode_accepts_only_the_announced_address() {
        let now = t0();
        let mut f = SourceFilter::new(addr("10.0.0.1:4000"), false);
        assert_eq!(
            f.check(now, addr("10.0.0.1:4000"), 1, 1),
            SourceVerdict::Accept
        );
        for seq in 0..10 {
            assert_eq!(
                f.check(now, addr("10.0.0.2:4000"), 1, seq),
                SourceVerdict::Reject
            );
        }
        assert_eq!(f.remote(), addr("10.0.0.1:4000"));
    }

    #[test]
    fn latches_after_consecutive_packets_of_one_ssrc() {
        let now = t0();
        let mut f = SourceFilter::new(addr("192.168.1.5:4000"), true);
        let nat = addr("203.0.113.9:31000");
        assert_eq!(f.check(now, nat, 7, 100), SourceVerdict::Reject);
        assert_eq!(f.check(now, nat, 7, 101), SourceVerdict::Reject);
        assert_eq!(f.check(now, nat, 7, 102), SourceVerdict::Latched);
        assert_eq!(f.remote(), nat);
        assert_eq!(f.check(now, nat, 7, 103), SourceVerdict::Accept);
    }

    #[test]
    fn a_broken_sequence_or_ssrc_restarts_the_count() {
        let now = t0();
        let mut f = SourceFilter::new(addr("192.168.1.5:4000"), true);
        let other = addr("203.0.113.9:31000");
        f.check(now, other, 7, 100);
        f.check(now, other, 7, 101);
        assert_eq!(f.check(now, other, 8, 102), SourceVerdict::Reject);
        assert_eq!(f.check(now, other, 8, 104), SourceVerdict::Reject);
        assert_eq!(f.check(now, other, 8, 105), SourceVerdict::Reject);
        assert_eq!(f.check(now, other, 8, 106), SourceVerdict::Latched);
    }

    #[test]
    fn a_live_source_is_only_replaced_by_its_own_ssrc() {
        let now = t0();
        let real = addr("10.0.0.1:4000");
        let spoof = addr("10.6.6.6:5000");
        let mut f = SourceFilter::new(real, true);
        f.check(now, real, 42, 1);
        for seq in 0..10 {
            assert_eq!(f.check(now, spoof, 99, seq), SourceVerdict::Reject);
        }
        assert_eq!(f.remote(), real);
        // After a quiet second the checked candidate may take over.
        let later = now + LATCH_QUIET;
        assert_eq!(f.check(later, spoof, 99, 10), SourceVerdict::Latched);
        // A NAT rebinding keeps the SSRC and is followed at once.
        let moved = addr("10.0.0.1:4010");
        f.check(later, moved, 99, 11);
        f.check(later, moved, 99, 12);
        assert_eq!(f.check(later, moved, 99, 13), SourceVerdict::Latched);
    }
}
