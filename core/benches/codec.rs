//! Per-frame cost of the codecs: one 20 ms frame per iteration, encoder and decoder
//! state carried across iterations as in an RTP stream, real speech as input (the
//! ITU-T STL G.722 test signal from `shared/testdata/g722/`).

// criterion's macros generate undocumented public functions.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sipvoice_core::codec::g722::{G722Decoder, G722Encoder};
use sipvoice_core::codec::{Codec, Decoder, Encoder};

/// 16 kHz speech from the ITU-T STL vectors.
fn speech_16k() -> Vec<i16> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/testdata/g722/inpsp.bin"
    );
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    bytes
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

fn g722(c: &mut Criterion) {
    let pcm = speech_16k();
    let frames: Vec<&[i16]> = pcm.chunks_exact(320).collect();
    let mut payload = vec![0u8; pcm.len() / 2];
    let n = G722Encoder::new().encode(&pcm, &mut payload);
    let payloads: Vec<&[u8]> = payload[..n].chunks_exact(160).collect();

    let mut group = c.benchmark_group("g722");
    group.throughput(Throughput::Elements(1));
    let mut enc = G722Encoder::new();
    let mut out = [0u8; 160];
    let mut i = 0;
    group.bench_function("encode_20ms", |b| {
        b.iter(|| {
            i = (i + 1) % frames.len();
            black_box(enc.encode(black_box(frames[i]), &mut out))
        })
    });
    let mut dec = G722Decoder::new();
    let mut pcm_out = [0i16; 320];
    let mut i = 0;
    group.bench_function("decode_20ms", |b| {
        b.iter(|| {
            i = (i + 1) % payloads.len();
            black_box(dec.decode(black_box(payloads[i]), &mut pcm_out))
        })
    });
    group.finish();
}

fn g711(c: &mut Criterion) {
    // Every other sample of the 16 kHz speech: 8 kHz-like material for G.711.
    let pcm: Vec<i16> = speech_16k().into_iter().step_by(2).collect();
    let frames: Vec<&[i16]> = pcm.chunks_exact(160).collect();
    for codec in [Codec::Pcmu, Codec::Pcma] {
        let name = codec.encoding_name().to_ascii_lowercase();
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Elements(1));
        let mut enc = Encoder::new(codec);
        let mut out = [0u8; 160];
        let mut i = 0;
        group.bench_function("encode_20ms", |b| {
            b.iter(|| {
                i = (i + 1) % frames.len();
                black_box(enc.encode(black_box(frames[i]), &mut out))
            })
        });
        let mut payload = vec![0u8; pcm.len()];
        let n = Encoder::new(codec).encode(&pcm, &mut payload);
        let payloads: Vec<&[u8]> = payload[..n].chunks_exact(160).collect();
        let mut dec = Decoder::new(codec);
        let mut pcm_out = [0i16; 160];
        let mut i = 0;
        group.bench_function("decode_20ms", |b| {
            b.iter(|| {
                i = (i + 1) % payloads.len();
                black_box(dec.decode(black_box(payloads[i]), &mut pcm_out))
            })
        });
        group.finish();
    }
}

criterion_group!(benches, g722, g711);
criterion_main!(benches);
