//! Properties of the RFC 4733 receiver under loss, duplication and arbitrary payloads.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use sipvoice_core::media::{DtmfEvent, DtmfReceiver, RtpEventInput};

/// The one wall-clock read of the test: every later instant derives from it.
#[allow(clippy::disallowed_methods)]
fn t0() -> Instant {
    Instant::now()
}

/// One press as a sender emits it: 20 ms updates then three end packets.
fn press_packets(event: u8, updates: u16) -> Vec<(u64, [u8; 4], bool)> {
    let mut v = Vec::new();
    for k in 0..updates {
        let [d0, d1] = (160 * (k + 1)).to_be_bytes();
        v.push((20 * u64::from(k), [event, 10, d0, d1], k == 0));
    }
    let [d0, d1] = (160 * (updates + 1)).to_be_bytes();
    for r in 0..3u64 {
        v.push((
            20 * (u64::from(updates) + r),
            [event, 0x80 | 10, d0, d1],
            false,
        ));
    }
    v
}

fn drain(rx: &mut DtmfReceiver, now: Instant, out: &mut Vec<DtmfEvent>) {
    while let Some(deadline) = rx.next_deadline().filter(|&d| d <= now) {
        out.extend(std::iter::from_fn(|| rx.poll(deadline)));
    }
    out.extend(std::iter::from_fn(|| rx.poll(now)));
}

proptest! {
    /// Whatever is lost or duplicated, each press with a surviving packet is reported once,
    /// in order, and a press with none is not invented.
    #[test]
    fn each_surviving_press_is_reported_exactly_once(
        presses in prop::collection::vec((0u8..16, 1u16..10), 1..12),
        fate in prop::collection::vec(0u8..10, 200),
        same_ssrc_as_audio in any::<bool>(),
    ) {
        let start = t0();
        let mut rx = DtmfReceiver::default();
        let mut out = Vec::new();
        let mut expected = String::new();
        let mut at_ms = 0u64;
        let mut ts = 1_000u32;
        let mut seq = 60_000u16;
        let mut f = fate.iter().cycle();
        for &(event, updates) in &presses {
            let mut survived = false;
            for (offset, payload, marker) in press_packets(event, updates) {
                let now = start + Duration::from_millis(at_ms + offset);
                drain(&mut rx, now, &mut out);
                // 0-1 lost, 2 duplicated, otherwise delivered once.
                let copies = match f.next().copied().unwrap_or(5) { 0 | 1 => 0, 2 => 2, _ => 1 };
                for _ in 0..copies {
                    rx.receive(now, RtpEventInput { ssrc: 99, seq, timestamp: ts, marker, payload: &payload });
                    survived = true;
                }
                seq = seq.wrapping_add(if same_ssrc_as_audio { 2 } else { 1 });
            }
            if survived {
                expected.push(sipvoice_core::media::dtmf_digit(event).unwrap());
            }
            at_ms += 20 * (u64::from(updates) + 3) + 100;
            ts = ts.wrapping_add(160 * (u32::from(updates) + 8));
        }
        drain(&mut rx, start + Duration::from_millis(at_ms + 5_000), &mut out);
        let got: String = out.iter().map(|e| e.digit).collect();
        prop_assert_eq!(got, expected);
        prop_assert_eq!(rx.next_deadline(), None);
    }

    /// Arbitrary payloads and header fields never panic and never report a non-DTMF key.
    #[test]
    fn arbitrary_input_is_data(
        packets in prop::collection::vec(
            (any::<u32>(), any::<u16>(), any::<u32>(), any::<bool>(),
             prop::collection::vec(any::<u8>(), 0..8), 0u64..400),
            0..64,
        ),
    ) {
        let start = t0();
        let mut rx = DtmfReceiver::default();
        let mut out = Vec::new();
        let mut now = start;
        for (ssrc, seq, timestamp, marker, payload, step) in &packets {
            now += Duration::from_millis(*step);
            drain(&mut rx, now, &mut out);
            rx.receive(now, RtpEventInput { ssrc: *ssrc, seq: *seq, timestamp: *timestamp, marker: *marker, payload });
        }
        drain(&mut rx, now + Duration::from_secs(10), &mut out);
        prop_assert!(out.iter().all(|e| e.event < 16 && "0123456789*#ABCD".contains(e.digit)));
        prop_assert!(out.len() <= packets.len());
        let s = rx.stats();
        prop_assert_eq!(s.packets, packets.len() as u64);
        prop_assert_eq!(s.reported, out.len() as u64);
    }
}
