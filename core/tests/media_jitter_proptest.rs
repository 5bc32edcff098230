//! Property tests of the jitter buffer: random delay, reordering, duplication, loss and DTMF
//! holes over a packet sequence (often across the 65535 → 0 wrap).

use bytes::Bytes;
use proptest::prelude::*;
use sipvoice_core::media::{
    AudioPacket, ConcealCause, JitterBuffer, JitterConfig, Playout, Pushed,
};
use std::time::{Duration, Instant};

const SSRC: u32 = 0x5eed;

/// Any instant serves as the origin of a test timeline; only differences matter.
#[allow(clippy::disallowed_methods)]
fn origin() -> Instant {
    Instant::now()
}

#[derive(Debug, Clone)]
struct Fate {
    lost: bool,
    dtmf: bool,
    copies: usize,
    delay_ms: u64,
    extra_delay_ms: u64,
    silence_before: u32,
}

fn fate() -> impl Strategy<Value = Fate> {
    (
        0u8..100,
        0u8..100,
        0u8..100,
        0u64..400,
        0u64..100,
        0u32..200,
    )
        .prop_map(
            |(loss, dtmf, dup, delay_ms, extra_delay_ms, silence)| Fate {
                silence_before: if silence < 180 { 0 } else { silence - 179 },
                lost: loss < 12,
                dtmf: dtmf < 5,
                copies: if dup < 8 { 2 } else { 1 },
                delay_ms: if delay_ms < 300 {
                    delay_ms / 10
                } else {
                    delay_ms
                },
                extra_delay_ms,
            },
        )
}

#[derive(Debug, Clone)]
struct Scenario {
    first_seq: u16,
    first_ts: u32,
    capacity: usize,
    prefetch: usize,
    skip_audio_gaps: bool,
    adaptive: bool,
    ptime_ms: u32,
    fates: Vec<Fate>,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        prop_oneof![65400u16..=65535, any::<u16>()],
        any::<u32>(),
        1usize..48,
        0usize..4,
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just(20u32), Just(10), Just(30), Just(60)],
        prop::collection::vec(fate(), 1..300),
    )
        .prop_map(
            |(first_seq, first_ts, capacity, prefetch, skip, adaptive, ptime_ms, fates)| Scenario {
                first_seq,
                first_ts,
                capacity,
                prefetch: prefetch.min(capacity),
                skip_audio_gaps: skip,
                adaptive,
                ptime_ms,
                fates,
            },
        )
}

enum Arrival {
    Audio(usize),
    Dtmf(usize),
}

/// Index of a sequence number in the scenario (sequences are shorter than 2^16).
fn index_of(sc: &Scenario, seq: u16) -> usize {
    usize::from(seq.wrapping_sub(sc.first_seq))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn every_sequence_number_is_accounted_once(sc in scenario()) {
        let t0 = origin();
        let spf = 8 * sc.ptime_ms;
        let config = JitterConfig {
            capacity: sc.capacity,
            prefetch: sc.prefetch,
            skip_audio_gaps: sc.skip_audio_gaps,
            ptime_ms: sc.ptime_ms,
            adaptive_max_delay: sc.adaptive.then_some(Duration::from_millis(200)),
            ..JitterConfig::default()
        };
        let mut jb = JitterBuffer::new(config).unwrap();

        let mut arrivals: Vec<(Duration, Arrival)> = Vec::new();
        let mut slots = Vec::with_capacity(sc.fates.len());
        let mut slot = 0u64;
        for f in &sc.fates {
            slot += u64::from(f.silence_before);
            slots.push(slot);
            slot += 1;
        }
        for (i, f) in sc.fates.iter().enumerate() {
            if f.lost {
                continue;
            }
            let sent = Duration::from_millis(u64::from(sc.ptime_ms) * slots[i]);
            for copy in 0..f.copies {
                let delay = f.delay_ms + copy as u64 * f.extra_delay_ms;
                let at = sent + Duration::from_millis(delay);
                let what = if f.dtmf { Arrival::Dtmf(i) } else { Arrival::Audio(i) };
                arrivals.push((at, what));
            }
        }
        arrivals.sort_by_key(|(at, _)| *at);

        let mut outputs: Vec<(usize, bool)> = Vec::new(); // (index, played)
        let mut timestamps: Vec<u32> = Vec::new();
        let mut gap_fills = 0u64;
        let mut now = t0;
        let mut accepted_range: Option<(usize, usize)> = None;
        let mut widen = |i: usize| {
            accepted_range = Some(match accepted_range {
                None => (i, i),
                Some((lo, hi)) => (lo.min(i), hi.max(i)),
            });
        };

        let mut drain = |jb: &mut JitterBuffer, at: Instant, outputs: &mut Vec<(usize, bool)>| -> usize {
            let mut n = 0;
            while let Some(p) = jb.pop(at) {
                n += 1;
                timestamps.push(match &p {
                    Playout::Frame { timestamp, .. } | Playout::Conceal { timestamp, .. } => *timestamp,
                });
                match p {
                    Playout::Frame { seq, payload, .. } => {
                        let i = index_of(&sc, seq);
                        assert_eq!(payload[0], i as u8, "payload belongs to its seq");
                        outputs.push((i, true));
                    }
                    Playout::Conceal { cause: ConcealCause::Lost { seq }, .. } => {
                        outputs.push((index_of(&sc, seq), false));
                    }
                    Playout::Conceal { cause: ConcealCause::SilenceGap, .. } => gap_fills += 1,
                }
                assert!(n < 100_000, "pop never stops");
            }
            n
        };

        for (at, what) in &arrivals {
            let at = t0 + *at;
            while let Some(deadline) = jb.next_deadline() {
                if deadline > at {
                    break;
                }
                now = now.max(deadline);
                let n = drain(&mut jb, now, &mut outputs);
                prop_assert!(n > 0, "a due deadline must produce output");
            }
            now = now.max(at);
            match *what {
                Arrival::Audio(i) => {
                    let seq = sc.first_seq.wrapping_add(i as u16);
                    let ts = sc.first_ts.wrapping_add(spf * slots[i] as u32);
                    let packet = AudioPacket {
                        seq,
                        timestamp: ts,
                        ssrc: SSRC,
                        marker: i == 0 || sc.fates[i].silence_before > 0,
                        payload: Bytes::from(vec![i as u8; 3]),
                    };
                    let verdict = jb.push(now, packet);
                    prop_assert_ne!(verdict, Pushed::Restarted);
                    prop_assert_ne!(verdict, Pushed::Ignored);
                    if verdict == Pushed::Accepted {
                        widen(i);
                    }
                }
                Arrival::Dtmf(i) => {
                    if jb.skip_seq(SSRC, sc.first_seq.wrapping_add(i as u16)) {
                        widen(i);
                    }
                }
            }
            prop_assert!(jb.len() <= sc.capacity, "memory bounded by capacity");
            drain(&mut jb, now, &mut outputs);
            prop_assert!(jb.len() <= sc.capacity);
        }
        let end = now + Duration::from_secs(60);
        drain(&mut jb, end, &mut outputs);
        prop_assert_eq!(jb.next_deadline(), None);
        prop_assert_eq!(jb.len(), 0);

        // Order: strictly increasing index over frames and loss concealments.
        for w in outputs.windows(2) {
            prop_assert!(w[0].0 < w[1].0, "out of order or repeated: {:?}", w);
        }
        let stats = jb.stats();
        let played = outputs.iter().filter(|o| o.1).count() as u64;
        let concealed = outputs.len() as u64 - played;
        prop_assert_eq!(stats.played, played);
        prop_assert_eq!(stats.concealed, concealed);
        prop_assert_eq!(stats.gap_filled, gap_fills);
        if sc.skip_audio_gaps {
            prop_assert_eq!(gap_fills, 0);
        }
        // Without DTMF holes, gap filling makes the timeline continuous (even across overflow).
        let clean = stats.non_audio == 0;
        if !sc.skip_audio_gaps && clean {
            for w in timestamps.windows(2) {
                prop_assert_eq!(w[1].wrapping_sub(w[0]), spf, "timeline has a hole");
            }
        }
        // No lost packet is ever played.
        for (i, was_played) in &outputs {
            if *was_played {
                prop_assert!(!sc.fates[*i].lost && !sc.fates[*i].dtmf);
            }
        }
        // Every accepted packet leaves exactly once.
        prop_assert_eq!(stats.accepted, stats.played + stats.overflow_dropped + stats.flushed);
        // Every audio arrival is accepted, duplicate or late.
        let audio_arrivals = arrivals.iter().filter(|a| matches!(a.1, Arrival::Audio(_))).count() as u64;
        prop_assert_eq!(stats.accepted + stats.duplicates + stats.late + stats.ignored, audio_arrivals);
        // Every sequence number in the covered range is played, concealed, given up or DTMF.
        if let Some((lo, hi)) = accepted_range {
            let accounted = stats.played + stats.concealed + stats.overflow_dropped
                + stats.lost_skipped + stats.non_audio;
            prop_assert_eq!(accounted, (hi - lo + 1) as u64);
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Push {
        seq: u16,
        ts: u32,
        ssrc: u32,
        marker: bool,
    },
    Skip {
        seq: u16,
    },
    Advance {
        ms: u64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (any::<u16>(), any::<u32>(), 0u32..3, any::<bool>())
            .prop_map(|(seq, ts, ssrc, marker)| Op::Push { seq, ts, ssrc, marker }),
        1 => any::<u16>().prop_map(|seq| Op::Skip { seq }),
        3 => (0u64..200).prop_map(|ms| Op::Advance { ms }),
    ]
}

/// Sequence numbers and timestamps that stay near each other, so the stream logic is exercised.
fn local_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u16..40, 0u32..40, 0u32..2, any::<bool>())
            .prop_map(|(seq, ts, ssrc, marker)| Op::Push { seq: seq.wrapping_add(65520), ts: ts.wrapping_mul(160), ssrc, marker }),
        1 => (0u16..40).prop_map(|seq| Op::Skip { seq: seq.wrapping_add(65520) }),
        3 => (0u64..60).prop_map(|ms| Op::Advance { ms }),
    ]
}

fn run_ops(
    ops: &[Op],
    capacity: usize,
    skip_audio_gaps: bool,
    adaptive: bool,
) -> Result<(), TestCaseError> {
    let config = JitterConfig {
        capacity,
        skip_audio_gaps,
        adaptive_max_delay: adaptive.then_some(Duration::from_millis(300)),
        max_gap_fill: Duration::from_secs(1),
        ..JitterConfig::default()
    };
    let mut jb = JitterBuffer::new(config).unwrap();
    let mut now = origin();
    for op in ops {
        match *op {
            Op::Push {
                seq,
                ts,
                ssrc,
                marker,
            } => {
                jb.push(
                    now,
                    AudioPacket {
                        seq,
                        timestamp: ts,
                        ssrc,
                        marker,
                        payload: Bytes::new(),
                    },
                );
            }
            Op::Skip { seq } => {
                jb.skip_seq(0, seq);
            }
            Op::Advance { ms } => now += Duration::from_millis(ms),
        }
        let mut n = 0;
        while jb.pop(now).is_some() {
            n += 1;
            prop_assert!(n < 20_000, "pop must run dry");
        }
        prop_assert!(jb.len() <= capacity);
        let s = jb.stats();
        prop_assert_eq!(
            s.accepted,
            s.played + s.overflow_dropped + s.flushed + jb.len() as u64
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_input_never_panics_and_stays_bounded(
        ops in prop::collection::vec(op(), 0..200),
        capacity in 1usize..40,
        skip in any::<bool>(),
        adaptive in any::<bool>(),
    ) {
        run_ops(&ops, capacity, skip, adaptive)?;
    }

    #[test]
    fn clustered_input_never_panics_and_stays_bounded(
        ops in prop::collection::vec(local_op(), 0..300),
        capacity in 1usize..40,
        skip in any::<bool>(),
        adaptive in any::<bool>(),
    ) {
        run_ops(&ops, capacity, skip, adaptive)?;
    }
}
