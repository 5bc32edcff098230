//! Properties of the pacer under arbitrary pushes, interrupts, DTMF and driver timing.

mod pacer_common;

use std::time::Duration;

use pacer_common::{Sent, drain_at, events, t0};
use proptest::prelude::*;
use sipvoice_core::media::{Pacer, PacerConfig, PacerEvent};

#[derive(Debug, Clone)]
enum Op {
    Push(usize),
    Finish,
    Interrupt,
    Dtmf(bool),
    /// Advance the clock by this many ms and poll (a driver that may be early or late).
    Wait(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..900).prop_map(Op::Push),
        1 => Just(Op::Finish),
        1 => Just(Op::Interrupt),
        1 => any::<bool>().prop_map(Op::Dtmf),
        8 => (0u64..70).prop_map(Op::Wait),
    ]
}

proptest! {
    #[test]
    fn pacing_invariants_hold(
        ops in prop::collection::vec(op(), 1..120),
        g722 in any::<bool>(),
        seq0 in any::<u16>(),
        ts0 in any::<u32>(),
    ) {
        let (spf, tpf) = if g722 { (320usize, 160u32) } else { (160, 160) };
        let config = PacerConfig::new(Duration::from_millis(20), spf, tpf);
        let mut p = Pacer::new(config, seq0, ts0).unwrap();
        let start = t0();
        let mut now = start;
        let mut out: Vec<Sent> = Vec::new();
        let mut next_sample: i16 = 1;
        for op in ops {
            match op {
                Op::Push(n) => {
                    let pcm: Vec<i16> = (0..n).map(|_| { let s = next_sample; next_sample = next_sample.wrapping_add(1).max(1); s }).collect();
                    p.push_pcm(now, &pcm).unwrap();
                }
                Op::Finish => p.finish(now),
                Op::Interrupt => { p.interrupt(); }
                Op::Dtmf(two) => p.send_dtmf(now, if two { "1#" } else { "5" }).unwrap(),
                Op::Wait(ms) => {
                    now += Duration::from_millis(ms);
                    let before = out.len();
                    drain_at(&mut p, now, &mut out);
                    prop_assert!(out.len() - before <= 1, "burst at one poll");
                }
            }
        }
        // Let everything play out with a punctual driver.
        while let Some(d) = p.next_deadline() {
            now = now.max(d);
            drain_at(&mut p, now, &mut out);
        }
        prop_assert_eq!(p.queued_samples() % spf, p.queued_samples(), "only a partial frame may remain");
        let first = match out.first() { Some(s) => s.clone(), None => return Ok(()) };
        let mut unwrapped = 0u64;
        for (k, pair) in out.windows(2).enumerate() {
            let (a, b) = (&pair[0], &pair[1]);
            prop_assert_eq!(b.seq, a.seq.wrapping_add(1), "seq gap at {}", k);
            let dts = u64::from(b.timestamp.wrapping_sub(a.timestamp));
            let same_event = matches!((a.dtmf(), b.dtmf()), (Some(x), Some(y)) if x.timestamp == y.timestamp && !y.marker);
            if same_event {
                prop_assert_eq!(dts, 0);
            } else {
                prop_assert!(dts >= u64::from(tpf) || a.dtmf().is_some(), "overlapping timestamps at {}", k);
                unwrapped += dts;
            }
            // The RTP clock never runs ahead of the wall clock (no lead beyond the frame); the
            // first packet itself may have gone out up to one ptime after its slot.
            let wall = (b.at - first.at).as_micros() as u64 * u64::from(tpf) / 20_000;
            prop_assert!(unwrapped < wall + u64::from(tpf), "timestamp ahead of the wall clock at {}", k);
        }
        // Audio comes out in input order (silence padding aside), each sample once.
        let samples: Vec<i16> = out.iter().filter_map(|s| s.audio()).flatten().copied().filter(|&s| s != 0).collect();
        prop_assert!(samples.windows(2).all(|w| w[0] < w[1] || w[1] < 1000 && w[0] > 30_000), "order");
        prop_assert!(out.iter().filter_map(|s| s.audio()).all(|a| a.len() == spf));
        // Marker bits: on the first packet, and every event start.
        prop_assert!(first.marker);
        let evs = events(&mut p);
        let finished = evs.iter().filter(|e| **e == PacerEvent::PlaybackFinished).count();
        let audio_frames = out.iter().filter(|s| s.audio().is_some()).count();
        prop_assert!(finished <= audio_frames);
    }
}
