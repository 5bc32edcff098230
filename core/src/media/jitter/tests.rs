use super::*;
use bytes::Bytes;
use std::time::{Duration, Instant};

const SSRC: u32 = 0x2222_0009;

fn packet(seq: u16, timestamp: u32) -> AudioPacket {
    AudioPacket {
        seq,
        timestamp,
        ssrc: SSRC,
        marker: false,
        payload: Bytes::from(vec![seq as u8; 4]),
    }
}

/// The test timeline's origin; only differences from it matter.
fn origin() -> Instant {
    crate::test_epoch()
}

fn buffer(config: JitterConfig) -> JitterBuffer {
    JitterBuffer::new(config).unwrap()
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn frame_seq(p: Option<Playout>) -> Option<u16> {
    match p {
        Some(Playout::Frame { seq, .. }) => Some(seq),
        _ => None,
    }
}

fn drain(jb: &mut JitterBuffer, now: Instant) -> Vec<Playout> {
    std::iter::from_fn(|| jb.pop(now)).collect()
}

/// A buffer that holds playout back until `prefetch` packets are in.
fn prefetching(prefetch: usize) -> JitterBuffer {
    buffer(JitterConfig {
        prefetch,
        ..JitterConfig::default()
    })
}

/// Pushes `p` at `now` and drains everything due by then.
fn push_drain(jb: &mut JitterBuffer, now: Instant, p: AudioPacket) -> Vec<Playout> {
    jb.push(now, p);
    drain(jb, now)
}

/// The sequence numbers of the frames among `out`, in order.
fn frame_seqs(out: Vec<Playout>) -> Vec<u16> {
    out.into_iter().filter_map(|p| frame_seq(Some(p))).collect()
}

/// A buffer with `config` that was given seq 1 (timestamp 0) at the origin and polled once.
fn started(config: JitterConfig) -> (Instant, JitterBuffer) {
    let t0 = origin();
    let mut jb = buffer(config);
    jb.push(t0, packet(1, 0));
    jb.pop(t0);
    (t0, jb)
}

#[test]
fn in_order_frame_is_available_at_once() {
    let t0 = origin();
    let mut jb = buffer(JitterConfig::default());
    for i in 0..5u16 {
        let now = t0 + ms(20 * u64::from(i));
        assert_eq!(
            jb.push(now, packet(100 + i, 160 * u32::from(i))),
            Pushed::Accepted
        );
        assert_eq!(frame_seq(jb.pop(now)), Some(100 + i));
        assert_eq!(jb.pop(now), None);
    }
    assert_eq!(jb.stats().played, 5);
}

#[test]
fn last_frame_is_delivered_and_nothing_is_pending_after() {
    let t0 = origin();
    let mut jb = buffer(JitterConfig::default());
    jb.push(t0, packet(1, 0));
    assert_eq!(jb.next_deadline(), Some(t0));
    assert_eq!(frame_seq(jb.pop(t0)), Some(1));
    assert_eq!(jb.next_deadline(), None);
    assert_eq!(jb.pop(t0 + ms(1000)), None);
}

#[test]
fn reordered_packets_come_out_in_sequence_order() {
    let t0 = origin();
    let mut jb = buffer(JitterConfig::default());
    jb.push(t0, packet(10, 0));
    assert_eq!(frame_seq(jb.pop(t0)), Some(10));
    jb.push(t0 + ms(30), packet(12, 320));
    assert_eq!(jb.pop(t0 + ms(30)), None, "11 is still awaited");
    jb.push(t0 + ms(35), packet(11, 160));
    assert_eq!(frame_seqs(drain(&mut jb, t0 + ms(35))), vec![11, 12]);
    assert_eq!(jb.stats().concealed, 0);
}

#[test]
fn missing_frame_is_concealed_at_its_deadline() {
    let (t0, mut jb) = started(JitterConfig::default());
    jb.push(t0 + ms(40), packet(3, 320));
    // seq 2 was expected at t0+20ms; the default wait is 20 ms more.
    let deadline = t0 + ms(40);
    assert_eq!(jb.next_deadline(), Some(deadline));
    assert_eq!(jb.pop(deadline - ms(1)), None);
    assert_eq!(
        jb.pop(deadline),
        Some(Playout::Conceal {
            timestamp: 160,
            cause: ConcealCause::Lost { seq: 2 }
        })
    );
    assert_eq!(frame_seq(jb.pop(deadline)), Some(3));
    assert_eq!(jb.stats().concealed, 1);
}

#[test]
fn packet_arriving_after_its_concealment_is_dropped_as_late() {
    let (t0, mut jb) = started(JitterConfig::default());
    jb.push(t0 + ms(40), packet(3, 320));
    drain(&mut jb, t0 + ms(45));
    assert_eq!(jb.push(t0 + ms(50), packet(2, 160)), Pushed::Late);
    assert_eq!(jb.pop(t0 + ms(50)), None);
    assert_eq!(jb.stats().late, 1);
}

#[test]
fn duplicates_are_dropped_and_counted() {
    let t0 = origin();
    let mut jb = buffer(JitterConfig::default());
    jb.push(t0, packet(1, 0));
    jb.push(t0, packet(2, 160));
    assert_eq!(jb.push(t0, packet(2, 160)), Pushed::Duplicate);
    drain(&mut jb, t0);
    assert_eq!(jb.push(t0, packet(1, 0)), Pushed::Duplicate);
    assert_eq!(jb.stats().duplicates, 2);
    assert_eq!(jb.stats().played, 2);
}

#[test]
fn sequence_and_timestamp_wrap_are_seamless() {
    let t0 = origin();
    let mut jb = buffer(JitterConfig::default());
    let mut seen = Vec::new();
    for i in 0..6u16 {
        let seq = 65533u16.wrapping_add(i);
        let ts = (u32::MAX - 319).wrapping_add(160 * u32::from(i));
        let now = t0 + ms(20 * u64::from(i));
        seen.extend(push_drain(&mut jb, now, packet(seq, ts)));
    }
    assert_eq!(frame_seqs(seen), vec![65533, 65534, 65535, 0, 1, 2]);
    assert_eq!(jb.stats().concealed, 0);
}

#[test]
fn loss_across_the_wrap_is_concealed_with_the_right_seq() {
    let t0 = origin();
    let mut jb = buffer(JitterConfig::default());
    jb.push(t0, packet(65535, u32::MAX - 159));
    jb.pop(t0);
    jb.push(t0 + ms(40), packet(1, 160));
    let out = drain(&mut jb, t0 + ms(60));
    assert_eq!(
        out.first(),
        Some(&Playout::Conceal {
            timestamp: 0,
            cause: ConcealCause::Lost { seq: 0 }
        })
    );
    assert_eq!(frame_seq(out.get(1).cloned()), Some(1));
}

#[test]
fn ssrc_change_resets_the_stream() {
    let t0 = origin();
    let mut jb = buffer(JitterConfig::default());
    jb.push(t0, packet(1, 0));
    jb.push(t0, packet(3, 320));
    jb.pop(t0);
    let other = AudioPacket {
        ssrc: 7,
        ..packet(5000, 999)
    };
    assert_eq!(jb.push(t0 + ms(20), other), Pushed::Restarted);
    assert_eq!(frame_seq(jb.pop(t0 + ms(20))), Some(5000));
    assert_eq!(jb.stats().flushed, 1);
    assert_eq!(jb.stats().resets, 1);
    assert_eq!(jb.stats().concealed, 0);
}

#[test]
fn silence_gap_is_skipped_when_skip_audio_gaps() {
    let (t0, mut jb) = started(JitterConfig::default());
    let talkspurt = AudioPacket {
        marker: true,
        ..packet(2, 160 * 50)
    };
    let out = push_drain(&mut jb, t0 + ms(1000), talkspurt);
    assert_eq!(out.len(), 1);
    assert!(matches!(
        out[0],
        Playout::Frame {
            seq: 2,
            marker: true,
            ..
        }
    ));
}

#[test]
fn silence_gap_is_filled_when_not_skipping() {
    let config = JitterConfig {
        skip_audio_gaps: false,
        ..JitterConfig::default()
    };
    let (t0, mut jb) = started(config);
    let out = push_drain(&mut jb, t0 + ms(100), packet(2, 160 * 5));
    let fills: Vec<_> = out
        .iter()
        .filter_map(|p| match p {
            Playout::Conceal {
                timestamp,
                cause: ConcealCause::SilenceGap,
            } => Some(*timestamp),
            _ => None,
        })
        .collect();
    assert_eq!(fills, vec![160, 320, 480, 640]);
    assert_eq!(frame_seq(out.last().cloned()), Some(2));
    assert_eq!(jb.stats().gap_filled, 4);
    assert_eq!(jb.stats().concealed, 0);
}

#[test]
fn thirty_ms_ptime_scales_the_deadline() {
    let config = JitterConfig {
        ptime_ms: 30,
        delay: ms(10),
        ..JitterConfig::default()
    };
    let (t0, mut jb) = started(config);
    jb.push(t0 + ms(60), packet(3, 480));
    assert_eq!(jb.next_deadline(), Some(t0 + ms(40)));
    let out = drain(&mut jb, t0 + ms(60));
    assert_eq!(
        out[0],
        Playout::Conceal {
            timestamp: 240,
            cause: ConcealCause::Lost { seq: 2 }
        }
    );
}

#[test]
fn seq_consumed_by_dtmf_is_not_loss() {
    let (t0, mut jb) = started(JitterConfig::default());
    assert!(jb.skip_seq(SSRC, 2));
    assert!(jb.skip_seq(SSRC, 3));
    let out = push_drain(&mut jb, t0 + ms(60), packet(4, 480));
    assert_eq!(out.len(), 1);
    assert_eq!(frame_seq(out.first().cloned()), Some(4));
    assert_eq!(jb.stats().non_audio, 2);
    assert_eq!(jb.stats().concealed, 0);
}

#[test]
fn dtmf_of_another_ssrc_is_not_recorded() {
    let t0 = origin();
    let mut jb = buffer(JitterConfig::default());
    jb.push(t0, packet(1, 0));
    assert!(!jb.skip_seq(SSRC + 1, 2));
}

#[test]
fn overflow_drops_the_oldest_frame() {
    let t0 = origin();
    let config = JitterConfig {
        capacity: 5,
        ..JitterConfig::default()
    };
    let mut jb = buffer(config);
    for seq in 0..7u16 {
        jb.push(t0, packet(seq, 160 * u32::from(seq)));
        assert!(jb.len() <= 5);
    }
    assert_eq!(jb.stats().overflow_dropped, 2);
    assert_eq!(frame_seqs(drain(&mut jb, t0)), vec![2, 3, 4, 5, 6]);
}

#[test]
fn prefetch_holds_playout_until_enough_packets() {
    let t0 = origin();
    let mut jb = prefetching(3);
    jb.push(t0, packet(1, 0));
    assert_eq!(jb.pop(t0), None);
    jb.push(t0 + ms(20), packet(2, 160));
    assert_eq!(jb.pop(t0 + ms(20)), None);
    jb.push(t0 + ms(40), packet(3, 320));
    assert_eq!(drain(&mut jb, t0 + ms(40)).len(), 3);
}

#[test]
fn prefetch_gives_up_waiting_at_its_deadline() {
    let t0 = origin();
    let mut jb = prefetching(3);
    jb.push(t0, packet(1, 0));
    let deadline = t0 + ms(60 + 20);
    assert_eq!(jb.next_deadline(), Some(deadline));
    assert_eq!(jb.pop(deadline - ms(1)), None);
    assert_eq!(frame_seq(jb.pop(deadline)), Some(1));
}

#[test]
fn early_reorder_before_playout_moves_the_head_back() {
    let t0 = origin();
    let mut jb = prefetching(2);
    jb.push(t0, packet(6, 160));
    jb.push(t0 + ms(1), packet(5, 0));
    assert_eq!(frame_seqs(drain(&mut jb, t0 + ms(1))), vec![5, 6]);
}

#[test]
fn adaptive_delay_follows_jitter_within_bounds() {
    let t0 = origin();
    let config = JitterConfig {
        delay: ms(10),
        adaptive_max_delay: Some(ms(80)),
        ..JitterConfig::default()
    };
    let mut jb = buffer(config);
    assert_eq!(jb.target_delay(), ms(10));
    for i in 0..200u64 {
        let wobble = if i % 2 == 0 { 0 } else { 15 };
        push_drain(
            &mut jb,
            t0 + ms(20 * i + wobble),
            packet(i as u16, 160 * i as u32),
        );
    }
    let target = jb.target_delay();
    assert!(
        target > ms(20),
        "target {target:?} should grow with 15 ms jitter"
    );
    assert!(target <= ms(80));
    for i in 200..400u64 {
        push_drain(&mut jb, t0 + ms(20 * i), packet(i as u16, 160 * i as u32));
    }
    assert!(
        jb.target_delay() < ms(15),
        "target shrinks once jitter is gone"
    );
}

#[test]
fn confirmed_sequence_restart_resets() {
    let t0 = origin();
    let mut jb = buffer(JitterConfig::default());
    jb.push(t0, packet(100, 0));
    jb.pop(t0);
    assert_eq!(jb.push(t0 + ms(20), packet(20000, 160)), Pushed::Ignored);
    assert_eq!(jb.push(t0 + ms(40), packet(20001, 320)), Pushed::Restarted);
    assert_eq!(frame_seq(jb.pop(t0 + ms(40))), Some(20001));
    assert_eq!(jb.stats().resets, 1);
}

#[test]
fn frame_size_is_learned_from_the_stream() {
    let t0 = origin();
    let mut jb = buffer(JitterConfig::default());
    for i in 0..4u16 {
        let now = t0 + ms(30 * u64::from(i));
        push_drain(&mut jb, now, packet(i, 240 * u32::from(i)));
    }
    assert_eq!(jb.samples_per_frame(), 240);
}

#[test]
fn invalid_configs_are_refused() {
    let bad = |c: JitterConfig| JitterBuffer::new(c).err();
    let d = JitterConfig::default();
    assert_eq!(
        bad(JitterConfig { capacity: 0, ..d }),
        Some(JitterConfigError::ZeroCapacity)
    );
    assert_eq!(
        bad(JitterConfig { clock_rate: 0, ..d }),
        Some(JitterConfigError::ZeroClockRate)
    );
    assert_eq!(
        bad(JitterConfig { ptime_ms: 0, ..d }),
        Some(JitterConfigError::ZeroPtime)
    );
    assert!(matches!(
        bad(JitterConfig { prefetch: 33, ..d }),
        Some(JitterConfigError::PrefetchOverCapacity { .. })
    ));
}

#[test]
fn burst_loss_is_concealed_frame_by_frame_on_the_timeline() {
    let (t0, mut jb) = started(JitterConfig::default());
    jb.push(t0 + ms(80), packet(5, 640));
    // seqs 2, 3, 4 are due at t0 + 40, 60, 80 ms.
    assert_eq!(jb.pop(t0 + ms(80) - ms(41)), None);
    assert_eq!(drain(&mut jb, t0 + ms(40)).len(), 1);
    assert_eq!(drain(&mut jb, t0 + ms(60)).len(), 1);
    let rest = drain(&mut jb, t0 + ms(80));
    assert_eq!(rest.len(), 2);
    assert_eq!(frame_seq(rest.last().cloned()), Some(5));
}

#[test]
fn late_arrivals_feed_the_jitter_estimate() {
    let (t0, mut jb) = started(JitterConfig::default());
    jb.push(t0 + ms(40), packet(3, 320));
    drain(&mut jb, t0 + ms(40));
    let before = jb.jitter();
    assert_eq!(jb.push(t0 + ms(45), packet(2, 160)), Pushed::Late);
    assert!(jb.jitter() > before);
}

#[test]
fn window_slide_keeps_the_timeline_continuous_when_filling_gaps() {
    let config = JitterConfig {
        capacity: 3,
        skip_audio_gaps: false,
        ..JitterConfig::default()
    };
    let (t0, mut jb) = started(config);
    jb.push(t0 + ms(100), packet(6, 800));
    assert_eq!(
        jb.stats().lost_skipped,
        2,
        "seqs 2 and 3 fell out of the window"
    );
    let out = drain(&mut jb, t0 + ms(200));
    let stamps: Vec<u32> = out
        .iter()
        .map(|p| match p {
            Playout::Frame { timestamp, .. } | Playout::Conceal { timestamp, .. } => *timestamp,
        })
        .collect();
    assert_eq!(stamps, vec![160, 320, 480, 640, 800]);
    assert_eq!(frame_seq(out.last().cloned()), Some(6));
}
