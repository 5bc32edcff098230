//! RTCP timing: NTP timestamps, round-trip time (RFC 3550 §6.4.1) and the transmission
//! interval (RFC 3550 §6.3.1, A.7).

use std::time::Duration;

/// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
pub const NTP_UNIX_OFFSET_SECS: u64 = 2_208_988_800;

/// 64-bit NTP timestamp of a wall-clock time given as time since the Unix epoch.
pub fn ntp_from_unix(since_unix: Duration) -> u64 {
    let secs = since_unix.as_secs().wrapping_add(NTP_UNIX_OFFSET_SECS);
    let frac = (u64::from(since_unix.subsec_nanos()) << 32) / 1_000_000_000;
    (secs << 32) | frac
}

/// The middle 32 bits of an NTP timestamp (the LSR format, units of 1/65536 s).
pub fn ntp_compact(ntp: u64) -> u32 {
    (ntp >> 16) as u32
}

/// A duration in the compact 1/65536 s format (DLSR), saturating.
pub fn compact_from_duration(d: Duration) -> u32 {
    let units = d.as_nanos() * 65536 / 1_000_000_000;
    u32::try_from(units).unwrap_or(u32::MAX)
}

/// A compact 1/65536 s value as a duration.
pub fn duration_from_compact(units: u32) -> Duration {
    Duration::from_nanos(u64::from(units) * 1_000_000_000 / 65536)
}

/// Round-trip time from a report block: arrival (compact NTP) − LSR − DLSR. `None` when the
/// peer has not received an SR yet (LSR 0) or the clocks give a negative result.
pub fn round_trip_time(
    arrival_compact: u32,
    last_sr: u32,
    delay_since_last_sr: u32,
) -> Option<Duration> {
    if last_sr == 0 {
        return None;
    }
    let rtt = arrival_compact
        .wrapping_sub(last_sr)
        .wrapping_sub(delay_since_last_sr);
    // A wrapped (negative) difference shows as a huge value: more than half the range is bogus.
    (rtt < 1 << 31).then(|| duration_from_compact(rtt))
}

/// The minimum RTCP interval (RFC 3550 §6.2).
pub const RTCP_MIN_INTERVAL: Duration = Duration::from_secs(5);

/// What the RTCP interval depends on (RFC 3550 §6.3.1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RtcpIntervalParams {
    /// Current estimate of session members (at least 1).
    pub members: u32,
    /// Current estimate of senders.
    pub senders: u32,
    /// RTCP bandwidth in octets per second (typically 5 % of the session bandwidth).
    pub rtcp_bandwidth: f64,
    /// Whether we sent RTP since the second-to-last report.
    pub we_sent: bool,
    /// Average compound RTCP packet size in octets, including UDP and IP headers.
    pub avg_rtcp_size: f64,
    /// Whether no RTCP packet has been sent yet (the minimum is halved).
    pub initial: bool,
}

/// e − 3/2: compensates the timer reconsideration's bias towards short intervals.
const COMPENSATION: f64 = std::f64::consts::E - 1.5;

/// The randomised RTCP transmission interval. `random` is a uniform value supplied by the
/// caller (its RNG); the interval is scaled by a factor in [0.5, 1.5).
pub fn rtcp_interval(p: &RtcpIntervalParams, random: u32) -> Duration {
    let min_time = if p.initial {
        RTCP_MIN_INTERVAL.as_secs_f64() / 2.0
    } else {
        RTCP_MIN_INTERVAL.as_secs_f64()
    };
    let mut n = f64::from(p.members.max(1));
    let mut bandwidth = p.rtcp_bandwidth;
    if f64::from(p.senders) <= f64::from(p.members) * 0.25 {
        if p.we_sent {
            bandwidth *= 0.25;
            n = f64::from(p.senders.max(1));
        } else {
            bandwidth *= 0.75;
            n -= f64::from(p.senders);
        }
    }
    let deterministic = if bandwidth > 0.0 {
        (p.avg_rtcp_size * n / bandwidth).max(min_time)
    } else {
        min_time
    };
    let factor = 0.5 + f64::from(random) / 4_294_967_296.0;
    Duration::from_secs_f64((deterministic * factor / COMPENSATION).clamp(0.0, 86_400.0))
}

/// Updates the running average RTCP packet size with one sent or received packet (1/16 gain).
pub fn update_avg_rtcp_size(avg: f64, packet_size: usize) -> f64 {
    avg + (packet_size as f64 - avg) / 16.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ntp_of_unix_epoch_is_the_offset() {
        assert_eq!(ntp_from_unix(Duration::ZERO), NTP_UNIX_OFFSET_SECS << 32);
        let half = ntp_from_unix(Duration::from_millis(500));
        assert_eq!(half as u32, 1 << 31);
    }

    #[test]
    fn compact_takes_the_middle_bits() {
        assert_eq!(ntp_compact(0x1122_3344_5566_7788), 0x3344_5566);
    }

    #[test]
    fn rtt_is_arrival_minus_lsr_minus_dlsr() {
        // RFC 3550 §6.4.1 example: A=0xb710:8000, LSR=0xb705:2000, DLSR=0x0005:4000 → 0x0006:2000.
        let rtt = round_trip_time(0xb710_8000, 0xb705_2000, 0x0005_4000).unwrap();
        assert_eq!(rtt, duration_from_compact(0x0006_2000));
        assert_eq!(rtt.as_millis(), 6125);
    }

    #[test]
    fn rtt_needs_a_sender_report_and_a_sane_clock() {
        assert_eq!(round_trip_time(100, 0, 0), None);
        assert_eq!(round_trip_time(100, 200, 0), None);
    }

    #[test]
    fn dlsr_conversion_round_trips() {
        let d = Duration::from_millis(1500);
        assert_eq!(compact_from_duration(d), 98304);
        assert_eq!(duration_from_compact(98304), d);
    }

    fn two_party() -> RtcpIntervalParams {
        RtcpIntervalParams {
            members: 2,
            senders: 2,
            rtcp_bandwidth: 500.0,
            we_sent: true,
            avg_rtcp_size: 100.0,
            initial: false,
        }
    }

    #[test]
    fn small_session_uses_the_five_second_minimum() {
        let mid = rtcp_interval(&two_party(), 1 << 31).as_secs_f64();
        assert!((mid - 5.0 / COMPENSATION).abs() < 1e-9);
    }

    #[test]
    fn random_value_spreads_the_interval_half_to_one_and_a_half() {
        let low = rtcp_interval(&two_party(), 0).as_secs_f64();
        let high = rtcp_interval(&two_party(), u32::MAX).as_secs_f64();
        assert!((low - 2.5 / COMPENSATION).abs() < 1e-9);
        assert!((high - 7.5 / COMPENSATION).abs() < 1e-6);
    }

    #[test]
    fn initial_interval_halves_the_minimum() {
        let p = RtcpIntervalParams {
            initial: true,
            ..two_party()
        };
        let mid = rtcp_interval(&p, 1 << 31).as_secs_f64();
        assert!((mid - 2.5 / COMPENSATION).abs() < 1e-9);
    }

    #[test]
    fn large_receiver_group_scales_with_members() {
        let p = RtcpIntervalParams {
            members: 1000,
            senders: 1,
            we_sent: false,
            ..two_party()
        };
        // 100 octets * 999 receivers / (500 * 0.75) = 266.4 s.
        let mid = rtcp_interval(&p, 1 << 31).as_secs_f64();
        assert!((mid - 266.4 / COMPENSATION).abs() < 1e-6);
    }

    #[test]
    fn average_size_moves_one_sixteenth() {
        assert_eq!(update_avg_rtcp_size(100.0, 116), 101.0);
    }
}
