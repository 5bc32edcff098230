//! Throughput of the outbound pacer and the RFC 4733 receiver (figures, not pass/fail).
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sipvoice_core::media::{DtmfReceiver, Pacer, PacerConfig, PacerOutput, RtpEventInput};

/// The one wall-clock read: a base instant for virtual time.
#[allow(clippy::disallowed_methods)]
fn base() -> Instant {
    Instant::now()
}

fn pacer(c: &mut Criterion) {
    let mut g = c.benchmark_group("pacer");
    let pcm = vec![1000i16; 16_000]; // 1 s of 16 kHz audio
    g.throughput(Throughput::Elements(50));
    g.bench_function("g722_1s_push_and_release_50_frames", |b| {
        let start = base();
        let config = PacerConfig::new(Duration::from_millis(20), 320, 160);
        let mut p = Pacer::new(config, 1, 2).unwrap();
        let mut now = start;
        b.iter(|| {
            p.push_pcm(now, &pcm).unwrap();
            let mut sum = 0i64;
            while let Some(d) = p.next_deadline() {
                now = d;
                while let Some(out) = p.poll(now) {
                    if let PacerOutput::Audio(f) = out {
                        sum += i64::from(f.pcm[0]);
                    }
                }
            }
            black_box(sum)
        });
    });
    g.finish();
}

fn dtmf_rx(c: &mut Criterion) {
    let mut g = c.benchmark_group("dtmf_rx");
    // One press as SIPp sends it: 7 updates, 3 end packets.
    let mut packets = Vec::new();
    for k in 0..10u16 {
        let end = k >= 7;
        let [d0, d1] = (320 * k.min(7)).to_be_bytes();
        packets.push((
            k.min(7),
            [1u8, if end { 0x8a } else { 0x0a }, d0, d1],
            k == 0,
        ));
    }
    g.throughput(Throughput::Elements(packets.len() as u64));
    g.bench_function("press_of_10_packets", |b| {
        let start = base();
        let mut rx = DtmfReceiver::default();
        let mut ts = 0u32;
        let mut now = start;
        b.iter(|| {
            ts = ts.wrapping_add(8000);
            let mut n = 0;
            for (seq, payload, marker) in &packets {
                now += Duration::from_millis(20);
                rx.receive(
                    now,
                    RtpEventInput {
                        ssrc: 7,
                        seq: *seq,
                        timestamp: ts,
                        marker: *marker,
                        payload,
                    },
                );
                while let Some(e) = rx.poll(now) {
                    n += e.duration_ms;
                }
            }
            black_box(n)
        });
    });
    g.finish();
}

criterion_group!(benches, pacer, dtmf_rx);
criterion_main!(benches);
