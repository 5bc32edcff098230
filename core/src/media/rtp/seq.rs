//! Sequence-number and timestamp arithmetic (wrapping comparisons, RFC 3550 A.1 extension).

/// Signed distance from `b` to `a` in sequence space (positive when `a` is newer).
pub fn seq_delta(a: u16, b: u16) -> i16 {
    a.wrapping_sub(b) as i16
}

/// Whether sequence number `a` comes after `b` (wrapping, half-range rule).
pub fn seq_newer(a: u16, b: u16) -> bool {
    seq_delta(a, b) > 0
}

/// Signed distance from `b` to `a` in timestamp space (positive when `a` is later).
pub fn ts_delta(a: u32, b: u32) -> i32 {
    a.wrapping_sub(b) as i32
}

/// Extends 16-bit sequence numbers to 64 bits (RFC 3550 A.1 cycles), nearest to the last one seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SeqExtender {
    last: Option<u64>,
}

/// Offset of the first extended value, so that a stream may step back from its first packet.
const EXT_BASE: u64 = 1 << 32;

impl SeqExtender {
    /// A fresh extender; the first sequence number maps to `2^32 + seq`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The extended value of `seq`, closest to the previously extended one; remembers the highest.
    pub fn extend(&mut self, seq: u16) -> u64 {
        let ext = self.peek(seq);
        if self.last.is_none_or(|last| ext > last) {
            self.last = Some(ext);
        }
        ext
    }

    /// The extended value `seq` would get, without remembering it.
    pub fn peek(&self, seq: u16) -> u64 {
        match self.last {
            None => EXT_BASE + u64::from(seq),
            Some(last) => {
                let delta = seq_delta(seq, last as u16);
                last.wrapping_add_signed(i64::from(delta))
            }
        }
    }

    /// The highest extended value seen, if any.
    pub fn highest(&self) -> Option<u64> {
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seq_comparisons_wrap() {
        assert!(seq_newer(0, 65535));
        assert!(!seq_newer(65535, 0));
        assert_eq!(seq_delta(2, 65534), 4);
        assert_eq!(seq_delta(65534, 2), -4);
        assert_eq!(ts_delta(10, u32::MAX - 9), 20);
    }

    #[test]
    fn extender_counts_cycles_across_wrap() {
        let mut ext = SeqExtender::new();
        let a = ext.extend(65534);
        let b = ext.extend(65535);
        let c = ext.extend(0);
        let d = ext.extend(1);
        assert_eq!((b - a, c - b, d - c), (1, 1, 1));
        assert_eq!(c >> 16, (a >> 16) + 1);
    }

    #[test]
    fn extender_places_late_packet_before_wrap() {
        let mut ext = SeqExtender::new();
        let first = ext.extend(65535);
        let after = ext.extend(2);
        let late = ext.extend(65534);
        assert_eq!(after - first, 3);
        assert_eq!(first - late, 1);
        assert_eq!(ext.highest(), Some(after));
    }
}
