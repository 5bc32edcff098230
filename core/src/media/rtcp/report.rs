//! The fixed-size parts of RTCP reports: sender info and report blocks (RFC 3550 §6.4).

/// Length of one reception report block.
pub const REPORT_BLOCK_LEN: usize = 24;
/// Length of the sender info of an SR.
pub const SENDER_INFO_LEN: usize = 20;

pub(super) fn be32(b: &[u8], at: usize) -> u32 {
    match b.get(at..at + 4) {
        Some(w) => u32::from_be_bytes([w[0], w[1], w[2], w[3]]),
        None => 0,
    }
}

/// Sender information of a sender report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SenderInfo {
    /// 64-bit NTP timestamp (seconds since 1900 in the high word, fraction in the low word).
    pub ntp_timestamp: u64,
    /// RTP timestamp corresponding to the NTP timestamp.
    pub rtp_timestamp: u32,
    /// Packets sent since the start of transmission.
    pub packet_count: u32,
    /// Payload octets sent since the start of transmission.
    pub octet_count: u32,
}

impl SenderInfo {
    pub(super) fn parse(b: &[u8]) -> Self {
        Self {
            ntp_timestamp: (u64::from(be32(b, 0)) << 32) | u64::from(be32(b, 4)),
            rtp_timestamp: be32(b, 8),
            packet_count: be32(b, 12),
            octet_count: be32(b, 16),
        }
    }

    pub(super) fn write(&self, out: &mut [u8]) {
        let words = [
            (self.ntp_timestamp >> 32) as u32,
            self.ntp_timestamp as u32,
            self.rtp_timestamp,
            self.packet_count,
            self.octet_count,
        ];
        for (slot, w) in out.chunks_exact_mut(4).zip(words) {
            slot.copy_from_slice(&w.to_be_bytes());
        }
    }
}

/// One reception report block about one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReportBlock {
    /// The source this block reports on.
    pub ssrc: u32,
    /// Fraction of packets lost since the previous report, in 1/256.
    pub fraction_lost: u8,
    /// Cumulative packets lost (24-bit signed; duplicates can make it negative).
    pub cumulative_lost: i32,
    /// Extended highest sequence number received (cycles in the high 16 bits).
    pub highest_seq: u32,
    /// Interarrival jitter in timestamp units.
    pub jitter: u32,
    /// Middle 32 bits of the NTP timestamp of the last SR received from the source (0 = none).
    pub last_sr: u32,
    /// Delay since that SR was received, in 1/65536 s.
    pub delay_since_last_sr: u32,
}

impl ReportBlock {
    pub(super) fn parse(b: &[u8]) -> Self {
        let lost_word = be32(b, 4);
        let raw = lost_word & 0x00ff_ffff;
        // Sign-extend the 24-bit value.
        let cumulative_lost = ((raw << 8) as i32) >> 8;
        Self {
            ssrc: be32(b, 0),
            fraction_lost: (lost_word >> 24) as u8,
            cumulative_lost,
            highest_seq: be32(b, 8),
            jitter: be32(b, 12),
            last_sr: be32(b, 16),
            delay_since_last_sr: be32(b, 20),
        }
    }

    pub(super) fn write(&self, out: &mut [u8]) {
        let lost = self.cumulative_lost.clamp(-0x80_0000, 0x7f_ffff) as u32 & 0x00ff_ffff;
        let words = [
            self.ssrc,
            (u32::from(self.fraction_lost) << 24) | lost,
            self.highest_seq,
            self.jitter,
            self.last_sr,
            self.delay_since_last_sr,
        ];
        for (slot, w) in out.chunks_exact_mut(4).zip(words) {
            slot.copy_from_slice(&w.to_be_bytes());
        }
    }
}

/// The report blocks of an SR or RR, read lazily from the packet bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportBlocks<'a> {
    data: &'a [u8],
}

impl<'a> ReportBlocks<'a> {
    pub(super) fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    /// Number of blocks left.
    pub fn len(&self) -> usize {
        self.data.len() / REPORT_BLOCK_LEN
    }

    /// Whether there are no blocks.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Iterator for ReportBlocks<'_> {
    type Item = ReportBlock;

    fn next(&mut self) -> Option<ReportBlock> {
        let block = self.data.get(..REPORT_BLOCK_LEN)?;
        let parsed = ReportBlock::parse(block);
        self.data = self.data.get(REPORT_BLOCK_LEN..).unwrap_or(&[]);
        Some(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `block` written to the wire and parsed back.
    fn rewritten(block: &ReportBlock) -> ReportBlock {
        let mut buf = [0u8; REPORT_BLOCK_LEN];
        block.write(&mut buf);
        ReportBlock::parse(&buf)
    }

    #[test]
    fn negative_cumulative_loss_round_trips() {
        let block = ReportBlock {
            ssrc: 1,
            fraction_lost: 0,
            cumulative_lost: -3,
            highest_seq: 0x0001_0005,
            jitter: 12,
            last_sr: 0xabcd_0000,
            delay_since_last_sr: 65536,
        };
        assert_eq!(rewritten(&block), block);
    }

    #[test]
    fn cumulative_loss_saturates_at_24_bits() {
        let block = ReportBlock {
            cumulative_lost: 10_000_000,
            ..ReportBlock::default()
        };
        assert_eq!(rewritten(&block).cumulative_lost, 0x7f_ffff);
    }

    #[test]
    fn sender_info_round_trips() {
        let info = SenderInfo {
            ntp_timestamp: 0x1122_3344_5566_7788,
            rtp_timestamp: 9,
            packet_count: 10,
            octet_count: 1600,
        };
        let mut buf = [0u8; SENDER_INFO_LEN];
        info.write(&mut buf);
        assert_eq!(SenderInfo::parse(&buf), info);
    }
}
