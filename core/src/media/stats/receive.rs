//! Receive statistics per RFC 3550 A.1 (source validation, extended sequence), A.3 (loss)
//! and A.8 (interarrival jitter).

use crate::media::rtcp::{ReportBlock, compact_from_duration, ntp_compact};
use std::time::Instant;

/// Sequential packets needed before a source is valid (RFC 3550 A.1).
pub const MIN_SEQUENTIAL: u16 = 2;
const MAX_DROPOUT: u16 = 3000;
const MAX_MISORDER: u16 = 100;
const SEQ_MOD: u64 = 1 << 16;
/// Packets behind the highest that duplicate detection remembers.
const DUP_WINDOW: u64 = 128;

/// How one received packet fits the sequence (RFC 3550 A.1 `update_seq`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeqVerdict {
    /// In sequence (or reordered within bounds) from a validated source; counted.
    Valid,
    /// The source is still on probation; not counted yet.
    Probation,
    /// Received before; not counted again.
    Duplicate,
    /// A large jump not yet confirmed by the next packet; not counted.
    BadSequence,
    /// A large jump confirmed by a second packet: counters restarted from it.
    Restarted,
}

/// Receive statistics of one stream (one SSRC).
#[derive(Debug, Clone)]
pub struct ReceiveStats {
    clock_rate: u32,
    epoch: Option<Instant>,
    started: bool,
    max_seq: u16,
    cycles: u64,
    base_seq: u64,
    bad_seq: u64,
    probation: u16,
    received: u64,
    expected_prior: u64,
    received_prior: u64,
    window: u128,
    transit: Option<u32>,
    jitter_q4: u32,
    pub(super) fraction_lost: u8,
    last_sr: Option<(u32, Instant)>,
    pub(super) packets: u64,
    pub(super) bytes: u64,
    pub(super) duplicates: u64,
    pub(super) malformed: u64,
    pub(super) restarts: u64,
}

impl ReceiveStats {
    /// Statistics for a stream on an RTP clock of `clock_rate` Hz.
    pub fn new(clock_rate: u32) -> Self {
        Self {
            clock_rate: clock_rate.max(1),
            epoch: None,
            started: false,
            max_seq: 0,
            cycles: 0,
            base_seq: 0,
            bad_seq: SEQ_MOD + 1,
            probation: MIN_SEQUENTIAL,
            received: 0,
            expected_prior: 0,
            received_prior: 0,
            window: 0,
            transit: None,
            jitter_q4: 0,
            fraction_lost: 0,
            last_sr: None,
            packets: 0,
            bytes: 0,
            duplicates: 0,
            malformed: 0,
            restarts: 0,
        }
    }

    fn init_seq(&mut self, seq: u16) {
        self.base_seq = u64::from(seq);
        self.max_seq = seq;
        self.bad_seq = SEQ_MOD + 1;
        self.cycles = 0;
        self.received = 0;
        self.received_prior = 0;
        self.expected_prior = 0;
        self.window = 1;
    }

    fn extended_max(&self) -> u64 {
        self.cycles + u64::from(self.max_seq)
    }

    /// Feeds one received packet of this stream: sequence, timestamp, payload size, arrival.
    pub fn on_packet(
        &mut self,
        now: Instant,
        seq: u16,
        timestamp: u32,
        payload_len: usize,
    ) -> SeqVerdict {
        self.packets += 1;
        self.bytes += payload_len as u64;
        let verdict = self.update_seq(seq);
        if matches!(verdict, SeqVerdict::Duplicate) {
            self.duplicates += 1;
        } else {
            self.update_jitter(now, timestamp);
        }
        verdict
    }

    fn update_seq(&mut self, seq: u16) -> SeqVerdict {
        if !self.started {
            self.started = true;
            self.init_seq(seq);
            self.max_seq = seq.wrapping_sub(1);
            self.probation = MIN_SEQUENTIAL;
        }
        let udelta = seq.wrapping_sub(self.max_seq);
        if self.probation > 0 {
            if seq == self.max_seq.wrapping_add(1) {
                self.probation -= 1;
                self.max_seq = seq;
                if self.probation == 0 {
                    self.init_seq(seq);
                    self.received += 1;
                    return SeqVerdict::Valid;
                }
            } else {
                self.probation = MIN_SEQUENTIAL - 1;
                self.max_seq = seq;
            }
            return SeqVerdict::Probation;
        }
        if udelta == 0 {
            // A repeat of the highest sequence number seen: not a new packet.
            return SeqVerdict::Duplicate;
        }
        let mut verdict = SeqVerdict::Valid;
        if udelta < MAX_DROPOUT {
            if seq < self.max_seq {
                self.cycles += SEQ_MOD;
            }
            self.max_seq = seq;
            let shift = u32::from(udelta);
            self.window = if shift >= 128 {
                0
            } else {
                self.window << shift
            };
            self.window |= 1;
        } else if u64::from(udelta) <= SEQ_MOD - u64::from(MAX_MISORDER) {
            if u64::from(seq) != self.bad_seq {
                self.bad_seq = (u64::from(seq) + 1) & (SEQ_MOD - 1);
                return SeqVerdict::BadSequence;
            }
            self.init_seq(seq);
            self.restarts += 1;
            self.transit = None;
            verdict = SeqVerdict::Restarted;
        } else {
            let behind = u64::from(self.max_seq.wrapping_sub(seq));
            if behind < DUP_WINDOW {
                let bit = 1u128 << behind;
                if self.window & bit != 0 {
                    return SeqVerdict::Duplicate;
                }
                self.window |= bit;
            }
        }
        self.received += 1;
        verdict
    }

    fn update_jitter(&mut self, now: Instant, timestamp: u32) {
        let epoch = *self.epoch.get_or_insert(now);
        let elapsed = now.saturating_duration_since(epoch).as_nanos();
        let arrival = (elapsed * u128::from(self.clock_rate) / 1_000_000_000) as u32;
        let transit = arrival.wrapping_sub(timestamp);
        if let Some(last) = self.transit.replace(transit) {
            let d = (transit.wrapping_sub(last) as i32).unsigned_abs();
            self.jitter_q4 = self
                .jitter_q4
                .wrapping_add(d)
                .wrapping_sub((self.jitter_q4 + 8) >> 4);
        }
    }

    /// Counts a datagram from this source that failed to parse.
    pub fn note_malformed(&mut self) {
        self.malformed += 1;
    }

    /// Remembers a sender report from this source (its NTP time) for LSR/DLSR.
    pub fn on_sender_report(&mut self, now: Instant, ntp_timestamp: u64) {
        self.last_sr = Some((ntp_compact(ntp_timestamp), now));
    }

    /// Extended highest sequence number received (cycles in the high 16 bits).
    pub fn extended_highest(&self) -> u32 {
        self.extended_max() as u32
    }

    /// Packets expected from the first valid one to the highest.
    pub fn expected(&self) -> u64 {
        if self.probation > 0 || !self.started {
            return 0;
        }
        self.extended_max() + 1 - self.base_seq
    }

    /// Packets counted as received (valid, not duplicates).
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Expected minus received (negative when reordering outruns loss).
    pub fn cumulative_lost(&self) -> i64 {
        self.expected() as i64 - self.received as i64
    }

    /// Interarrival jitter in timestamp units (RFC 3550 A.8).
    pub fn jitter(&self) -> u32 {
        self.jitter_q4 >> 4
    }

    /// Interarrival jitter in milliseconds.
    pub fn jitter_ms(&self) -> f64 {
        f64::from(self.jitter_q4) / 16.0 * 1000.0 / f64::from(self.clock_rate)
    }

    /// The fraction lost in the last report block built, in 1/256.
    pub fn fraction_lost(&self) -> u8 {
        self.fraction_lost
    }

    /// Builds the report block about this source and starts a new reporting interval (A.3).
    pub fn report_block(&mut self, ssrc: u32, now: Instant) -> ReportBlock {
        let expected = self.expected();
        let expected_interval = expected.saturating_sub(self.expected_prior);
        let received_interval = self.received.saturating_sub(self.received_prior);
        self.expected_prior = expected;
        self.received_prior = self.received;
        let lost_interval = expected_interval as i64 - received_interval as i64;
        self.fraction_lost = if expected_interval == 0 || lost_interval <= 0 {
            0
        } else {
            ((lost_interval << 8) / expected_interval as i64).min(255) as u8
        };
        let (last_sr, delay_since_last_sr) = match self.last_sr {
            Some((lsr, at)) => (
                lsr,
                compact_from_duration(now.saturating_duration_since(at)),
            ),
            None => (0, 0),
        };
        ReportBlock {
            ssrc,
            fraction_lost: self.fraction_lost,
            cumulative_lost: self.cumulative_lost().clamp(-0x80_0000, 0x7f_ffff) as i32,
            highest_seq: self.extended_highest(),
            jitter: self.jitter(),
            last_sr,
            delay_since_last_sr,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// The test timeline's origin; only differences from it matter.
    fn origin() -> Instant {
        crate::test_epoch()
    }

    /// Feeds `seqs` paced 20 ms apart on an 8 kHz clock, timestamps following the sequence.
    fn feed(stats: &mut ReceiveStats, t0: Instant, seqs: &[u16]) -> Vec<SeqVerdict> {
        seqs.iter()
            .enumerate()
            .map(|(i, &seq)| {
                let now = t0 + Duration::from_millis(20 * i as u64);
                stats.on_packet(now, seq, u32::from(seq) * 160, 160)
            })
            .collect()
    }

    #[test]
    fn source_is_validated_after_two_sequential_packets() {
        let mut s = ReceiveStats::new(8000);
        let v = feed(&mut s, origin(), &[10, 11, 12]);
        assert_eq!(
            v,
            vec![SeqVerdict::Probation, SeqVerdict::Valid, SeqVerdict::Valid]
        );
        assert_eq!((s.expected(), s.received()), (2, 2));
    }

    #[test]
    fn probation_restarts_on_a_gap() {
        let mut s = ReceiveStats::new(8000);
        let v = feed(&mut s, origin(), &[10, 12, 13]);
        assert_eq!(
            v,
            vec![
                SeqVerdict::Probation,
                SeqVerdict::Probation,
                SeqVerdict::Valid
            ]
        );
    }

    #[test]
    fn loss_is_expected_minus_received() {
        let mut s = ReceiveStats::new(8000);
        feed(&mut s, origin(), &[1, 2, 3, 5, 6, 9]);
        assert_eq!(s.expected(), 8);
        assert_eq!(s.received(), 5);
        assert_eq!(s.cumulative_lost(), 3);
    }

    #[test]
    fn extended_highest_counts_wraps() {
        let mut s = ReceiveStats::new(8000);
        feed(&mut s, origin(), &[65534, 65535, 0, 1]);
        assert_eq!(s.extended_highest(), 0x0001_0001);
        assert_eq!(s.cumulative_lost(), 0);
    }

    #[test]
    fn duplicates_are_counted_apart() {
        let mut s = ReceiveStats::new(8000);
        let v = feed(&mut s, origin(), &[1, 2, 3, 2, 4]);
        assert_eq!(v[3], SeqVerdict::Duplicate);
        assert_eq!(s.duplicates, 1);
        assert_eq!(s.cumulative_lost(), 0);
    }

    #[test]
    fn a_repeat_of_the_highest_sequence_is_a_duplicate() {
        let mut s = ReceiveStats::new(8000);
        let v = feed(&mut s, origin(), &[1, 2, 3, 3, 3, 4]);
        assert_eq!(v[3], SeqVerdict::Duplicate);
        assert_eq!(v[4], SeqVerdict::Duplicate);
        assert_eq!(s.duplicates, 2);
        assert_eq!(
            s.received(),
            3,
            "the first packet is probation, repeats add nothing"
        );
        assert_eq!(s.cumulative_lost(), 0);
    }

    #[test]
    fn reordered_packet_fills_its_loss() {
        let mut s = ReceiveStats::new(8000);
        let v = feed(&mut s, origin(), &[1, 2, 4, 3]);
        assert_eq!(v[3], SeqVerdict::Valid);
        assert_eq!(s.cumulative_lost(), 0);
    }

    #[test]
    fn fraction_lost_covers_only_the_last_interval() {
        let t0 = origin();
        let mut s = ReceiveStats::new(8000);
        // Probation on 0; then 1..=10 minus 5: expected 10, received 9.
        feed(&mut s, t0, &[0, 1, 2, 3, 4, 6, 7, 8, 9, 10]);
        let first = s.report_block(1, t0);
        assert_eq!(first.fraction_lost, 25);
        assert_eq!(first.cumulative_lost, 1);
        feed(&mut s, t0, &[11, 12, 13]);
        let second = s.report_block(1, t0);
        assert_eq!(second.fraction_lost, 0);
        assert_eq!(second.cumulative_lost, 1);
        assert_eq!(second.highest_seq, 13);
    }

    #[test]
    fn paced_arrivals_have_zero_jitter() {
        let mut s = ReceiveStats::new(8000);
        feed(&mut s, origin(), &(0..50).collect::<Vec<_>>());
        assert_eq!(s.jitter(), 0);
    }

    #[test]
    fn alternating_delay_converges_to_its_jitter() {
        let t0 = origin();
        let mut s = ReceiveStats::new(8000);
        for i in 0..500u16 {
            let wobble = if i % 2 == 0 { 0 } else { 5 };
            let now = t0 + Duration::from_millis(20 * u64::from(i) + wobble);
            s.on_packet(now, i, u32::from(i) * 160, 160);
        }
        // |D| is 5 ms = 40 ticks on every packet, so J converges to 40.
        assert!((38..=40).contains(&s.jitter()), "jitter {}", s.jitter());
        assert!((s.jitter_ms() - 5.0).abs() < 0.3);
    }

    #[test]
    fn a_confirmed_jump_restarts_the_counters() {
        let mut s = ReceiveStats::new(8000);
        let v = feed(&mut s, origin(), &[1, 2, 3, 30_000, 30_001, 30_002]);
        assert_eq!(v[3], SeqVerdict::BadSequence);
        assert_eq!(v[4], SeqVerdict::Restarted);
        assert_eq!(s.restarts, 1);
        assert_eq!((s.expected(), s.received()), (2, 2));
    }

    #[test]
    fn report_block_carries_lsr_and_dlsr() {
        let t0 = origin();
        let mut s = ReceiveStats::new(8000);
        feed(&mut s, t0, &[1, 2]);
        s.on_sender_report(t0, 0x1122_3344_5566_7788);
        let block = s.report_block(9, t0 + Duration::from_millis(500));
        assert_eq!(block.ssrc, 9);
        assert_eq!(block.last_sr, 0x3344_5566);
        assert_eq!(block.delay_since_last_sr, 32768);
    }

    #[test]
    fn counts_bytes_packets_and_malformed() {
        let mut s = ReceiveStats::new(8000);
        feed(&mut s, origin(), &[1, 2, 2]);
        s.note_malformed();
        assert_eq!((s.packets, s.bytes, s.malformed), (3, 480, 1));
    }
}
