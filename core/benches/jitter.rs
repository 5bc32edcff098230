//! Jitter buffer throughput: push + pop per packet, in order and with reordering and loss.

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_main};
use sipvoice_core::media::{
    AudioPacket, Concealer, JitterBuffer, JitterConfig, Playout, RtpPacket,
};
use std::hint::black_box;
use std::time::{Duration, Instant};

const PACKETS: u64 = 1000;

/// Any instant serves as the origin of the benchmark timeline.
#[allow(clippy::disallowed_methods)]
fn origin() -> Instant {
    Instant::now()
}

fn run(order: &[u64], t0: Instant, payload: &Bytes) -> u64 {
    let mut jb = JitterBuffer::new(JitterConfig::default()).unwrap_or_else(|e| panic!("{e}"));
    let mut out = 0;
    for &i in order {
        let now = t0 + Duration::from_millis(20 * i + 5);
        jb.push(
            now,
            AudioPacket {
                seq: (i as u16).wrapping_add(65000),
                timestamp: (i as u32) * 160,
                ssrc: 1,
                marker: false,
                payload: payload.clone(),
            },
        );
        while let Some(p) = jb.pop(now) {
            if let Playout::Frame { payload, .. } = p {
                out += payload.len() as u64;
            } else {
                out += 1;
            }
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let t0 = origin();
    let payload = Bytes::from(vec![0u8; 160]);
    let in_order: Vec<u64> = (0..PACKETS).collect();
    // Swap neighbours every 7 packets and lose every 50th.
    let mut shuffled: Vec<u64> = (0..PACKETS).filter(|i| i % 50 != 49).collect();
    for k in (0..shuffled.len() - 1).step_by(7) {
        shuffled.swap(k, k + 1);
    }
    let mut group = c.benchmark_group("jitter");
    group.throughput(Throughput::Elements(PACKETS));
    group.bench_function("in_order_1000", |b| {
        b.iter(|| run(black_box(&in_order), t0, &payload))
    });
    group.bench_function("reorder_and_loss_1000", |b| {
        b.iter(|| run(black_box(&shuffled), t0, &payload))
    });
    group.finish();

    let mut rtp = vec![0u8; 172];
    rtp[0] = 0x80;
    rtp[1] = 9;
    // A good frame then a lost one at 16 kHz: the loss runs the pitch search.
    let tone: Vec<i16> = (0..320)
        .map(|i| ((i as f32 * 0.1).sin() * 8000.0) as i16)
        .collect();
    let mut plc = Concealer::new(16000);
    let mut good = tone.clone();
    let mut lost = vec![0i16; 320];
    c.bench_function("plc_good_then_lost_16k", |b| {
        b.iter(|| {
            good.copy_from_slice(&tone);
            plc.on_good_frame(black_box(&mut good));
            plc.conceal(black_box(&mut lost));
        })
    });

    c.bench_function("rtp_parse", |b| {
        b.iter(|| RtpPacket::parse(black_box(&rtp)).map(|p| p.sequence()))
    });
}

/// The generated group function carries no doc comment of its own.
#[allow(missing_docs)]
mod harness {
    criterion::criterion_group!(benches, super::bench);
}

criterion_main!(harness::benches);
