//! Send-side counters and the `Stats` snapshot a call-ended event carries.

use super::receive::ReceiveStats;
use crate::media::jitter::JitterStats;
use crate::media::rtcp::{ReportBlock, SenderInfo, ntp_compact, round_trip_time};
use std::time::Duration;

/// Send statistics of one stream, and what the peer reports about it.
#[derive(Debug, Clone, Copy, Default)]
pub struct SendStats {
    /// Packets sent.
    pub packets: u64,
    /// Payload octets sent.
    pub bytes: u64,
    /// Latest round-trip time from the peer's reports.
    pub rtt: Option<Duration>,
    /// The peer's last reported fraction lost (1/256).
    pub remote_fraction_lost: u8,
    /// The peer's last reported cumulative loss.
    pub remote_cumulative_lost: i32,
    /// The peer's last reported jitter, in timestamp units.
    pub remote_jitter: u32,
}

impl SendStats {
    /// Counts one sent packet.
    pub fn on_sent(&mut self, payload_len: usize) {
        self.packets += 1;
        self.bytes += payload_len as u64;
    }

    /// Sender info for an SR at `ntp_timestamp`, whose RTP time is `rtp_timestamp`.
    pub fn sender_info(&self, ntp_timestamp: u64, rtp_timestamp: u32) -> SenderInfo {
        SenderInfo {
            ntp_timestamp,
            rtp_timestamp,
            packet_count: self.packets as u32,
            octet_count: self.bytes as u32,
        }
    }

    /// Takes the peer's report block about our stream, received at `arrival_ntp`.
    pub fn on_report_block(&mut self, block: &ReportBlock, arrival_ntp: u64) {
        self.remote_fraction_lost = block.fraction_lost;
        self.remote_cumulative_lost = block.cumulative_lost;
        self.remote_jitter = block.jitter;
        if let Some(rtt) = round_trip_time(
            ntp_compact(arrival_ntp),
            block.last_sr,
            block.delay_since_last_sr,
        ) {
            self.rtt = Some(rtt);
        }
    }
}

/// A snapshot of one call's media statistics, as carried by call-ended events.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stats {
    /// RTP packets received on the stream (including duplicates and probation).
    pub packets_received: u64,
    /// Payload octets received.
    pub bytes_received: u64,
    /// Packets expected from the sequence numbers (RFC 3550 A.3).
    pub packets_expected: u64,
    /// Cumulative packets lost (expected − received).
    pub packets_lost: i64,
    /// Fraction lost in the last reporting interval, in 1/256.
    pub fraction_lost: u8,
    /// Interarrival jitter in timestamp units.
    pub jitter: u32,
    /// Interarrival jitter in milliseconds.
    pub jitter_ms: f64,
    /// Duplicate packets received.
    pub duplicates: u64,
    /// Packets that arrived after their playout slot was concealed.
    pub late: u64,
    /// Frames concealed because their packet was lost.
    pub concealed: u64,
    /// Concealment frames that filled the sender's silence gaps.
    pub gap_filled: u64,
    /// Packets dropped by a full jitter buffer.
    pub overflow_dropped: u64,
    /// Datagrams that failed to parse.
    pub malformed: u64,
    /// Sequence restarts (confirmed large jumps).
    pub restarts: u64,
    /// RTP packets sent.
    pub packets_sent: u64,
    /// Payload octets sent.
    pub bytes_sent: u64,
    /// Latest round-trip time from RTCP.
    pub rtt: Option<Duration>,
    /// Fraction lost the peer reported on our stream, in 1/256.
    pub remote_fraction_lost: u8,
    /// Cumulative loss the peer reported on our stream.
    pub remote_cumulative_lost: i32,
}

impl Stats {
    /// Gathers the receive, playout and send sides into one snapshot.
    pub fn collect(receive: &ReceiveStats, playout: &JitterStats, send: &SendStats) -> Self {
        Self {
            packets_received: receive.packets,
            bytes_received: receive.bytes,
            packets_expected: receive.expected(),
            packets_lost: receive.cumulative_lost(),
            fraction_lost: receive.fraction_lost,
            jitter: receive.jitter(),
            jitter_ms: receive.jitter_ms(),
            duplicates: receive.duplicates,
            late: playout.late,
            concealed: playout.concealed,
            gap_filled: playout.gap_filled,
            overflow_dropped: playout.overflow_dropped,
            malformed: receive.malformed,
            restarts: receive.restarts,
            packets_sent: send.packets,
            bytes_sent: send.bytes,
            rtt: send.rtt,
            remote_fraction_lost: send.remote_fraction_lost,
            remote_cumulative_lost: send.remote_cumulative_lost,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::rtcp::duration_from_compact;

    #[test]
    fn send_counters_feed_sender_info() {
        let mut s = SendStats::default();
        s.on_sent(160);
        s.on_sent(160);
        let info = s.sender_info(42, 320);
        assert_eq!((info.packet_count, info.octet_count), (2, 320));
        assert_eq!((info.ntp_timestamp, info.rtp_timestamp), (42, 320));
    }

    #[test]
    fn report_block_about_our_stream_gives_rtt() {
        let mut s = SendStats::default();
        let block = ReportBlock {
            fraction_lost: 3,
            cumulative_lost: 7,
            jitter: 11,
            last_sr: 0xb705_2000,
            delay_since_last_sr: 0x0005_4000,
            ..ReportBlock::default()
        };
        s.on_report_block(&block, 0x0000_b710_8000_0000);
        assert_eq!(s.rtt, Some(duration_from_compact(0x0006_2000)));
        assert_eq!(
            (
                s.remote_fraction_lost,
                s.remote_cumulative_lost,
                s.remote_jitter
            ),
            (3, 7, 11)
        );
    }

    #[test]
    fn snapshot_gathers_all_sides() {
        let t0 = crate::test_epoch();
        let mut receive = ReceiveStats::new(8000);
        for seq in [1u16, 2, 3, 5] {
            receive.on_packet(t0, seq, u32::from(seq) * 160, 160);
        }
        let playout = JitterStats {
            late: 2,
            concealed: 1,
            ..JitterStats::default()
        };
        let mut send = SendStats::default();
        send.on_sent(100);
        let stats = Stats::collect(&receive, &playout, &send);
        assert_eq!(stats.packets_received, 4);
        assert_eq!(stats.packets_lost, 1);
        assert_eq!((stats.late, stats.concealed), (2, 1));
        assert_eq!((stats.packets_sent, stats.bytes_sent), (1, 100));
    }
}
