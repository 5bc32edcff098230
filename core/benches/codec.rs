//! Per-frame cost of the codecs: one 20 ms frame per iteration, encoder and decoder
//! state carried across iterations as in an RTP stream, real speech as input (the
//! ITU-T STL G.722 test signal from `shared/testdata/g722/`).
//!
//! On Linux the benchmarks measure the CPU time of the benchmark thread (from
//! `/proc/thread-self/schedstat`), like spandsp's `g722ref bench` that
//! `g722_vs_spandsp.sh` compares against, so that other load on the machine does not
//! inflate the figures; elsewhere they fall back to wall time. Every sample runs the
//! same number of iterations (flat sampling), long enough for the scheduler's
//! accounting granularity not to matter.

// criterion's macros generate undocumented public functions.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{
    BenchmarkGroup, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
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

/// Thread CPU time in nanoseconds, or wall time where that is not available.
struct CpuTime;

/// Where a measurement started.
enum Start {
    Cpu(u64),
    Wall(std::time::Instant),
}

/// Nanoseconds this thread has run on a CPU (Linux scheduler statistics).
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

impl Measurement for CpuTime {
    type Intermediate = Start;
    type Value = f64;

    #[allow(clippy::disallowed_methods, reason = "benchmarks may read the clock")]
    fn start(&self) -> Start {
        match thread_cpu_ns() {
            Some(ns) => Start::Cpu(ns),
            None => Start::Wall(std::time::Instant::now()),
        }
    }
    fn end(&self, start: Start) -> f64 {
        match start {
            Start::Cpu(then) => thread_cpu_ns().unwrap_or(then).saturating_sub(then) as f64,
            Start::Wall(then) => then.elapsed().as_nanos() as f64,
        }
    }
    fn add(&self, a: &f64, b: &f64) -> f64 {
        a + b
    }
    fn zero(&self) -> f64 {
        0.0
    }
    fn to_f64(&self, value: &f64) -> f64 {
        *value
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &Nanoseconds
    }
}

/// Prints nanosecond values with SI prefixes.
struct Nanoseconds;

impl ValueFormatter for Nanoseconds {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = match typical {
            t if t < 1e3 => (1.0, "ns"),
            t if t < 1e6 => (1e-3, "µs"),
            t if t < 1e9 => (1e-6, "ms"),
            _ => (1e-9, "s"),
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }
    fn scale_throughputs(
        &self,
        _typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let per_iteration = match *throughput {
            Throughput::Bytes(n)
            | Throughput::BytesDecimal(n)
            | Throughput::Elements(n)
            | Throughput::Bits(n) => n as f64,
        };
        values
            .iter_mut()
            .for_each(|v| *v = per_iteration * 1e9 / *v);
        "elements/s"
    }
    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

/// Benchmarks `f` on `inputs` in turn, one per iteration, round-robin.
fn bench_round_robin<T: ?Sized, R>(
    group: &mut BenchmarkGroup<'_, CpuTime>,
    name: &str,
    inputs: &[&T],
    mut f: impl FnMut(&T) -> R,
) {
    let mut i = 0;
    group.bench_function(name, |b| {
        b.iter(|| {
            i = (i + 1) % inputs.len();
            black_box(f(black_box(inputs[i])))
        })
    });
}

fn g722(c: &mut Criterion<CpuTime>) {
    let pcm = speech_16k();
    let frames: Vec<&[i16]> = pcm.chunks_exact(320).collect();
    let mut payload = vec![0u8; pcm.len() / 2];
    let n = G722Encoder::new().encode(&pcm, &mut payload);
    let payloads: Vec<&[u8]> = payload[..n].chunks_exact(160).collect();

    let mut group = c.benchmark_group("g722");
    group.sampling_mode(SamplingMode::Flat);
    let mut enc = G722Encoder::new();
    let mut out = [0u8; 160];
    bench_round_robin(&mut group, "encode_20ms", &frames, |x| {
        enc.encode(x, &mut out)
    });
    let mut dec = G722Decoder::new();
    let mut pcm_out = [0i16; 320];
    bench_round_robin(&mut group, "decode_20ms", &payloads, |x| {
        dec.decode(x, &mut pcm_out)
    });
    group.finish();
}

fn g711(c: &mut Criterion<CpuTime>) {
    // Every other sample of the 16 kHz speech: 8 kHz-like material for G.711.
    let pcm: Vec<i16> = speech_16k().into_iter().step_by(2).collect();
    let frames: Vec<&[i16]> = pcm.chunks_exact(160).collect();
    for codec in [Codec::Pcmu, Codec::Pcma] {
        let name = codec.encoding_name().to_ascii_lowercase();
        let mut group = c.benchmark_group(name);
        group.sampling_mode(SamplingMode::Flat);
        let mut enc = Encoder::new(codec);
        let mut out = [0u8; 160];
        bench_round_robin(&mut group, "encode_20ms", &frames, |x| {
            enc.encode(x, &mut out)
        });
        let mut payload = vec![0u8; pcm.len()];
        let n = Encoder::new(codec).encode(&pcm, &mut payload);
        let payloads: Vec<&[u8]> = payload[..n].chunks_exact(160).collect();
        let mut dec = Decoder::new(codec);
        let mut pcm_out = [0i16; 160];
        bench_round_robin(&mut group, "decode_20ms", &payloads, |x| {
            dec.decode(x, &mut pcm_out)
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(CpuTime);
    targets = g722, g711
}
criterion_main!(benches);
