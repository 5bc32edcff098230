//! Cost of one call's media per 20 ms frame: receive (RTP in, PCM out) and send (PCM in,
//! paced RTP out), for G.711 and G.722; and of a session's life without media (created,
//! its first deadline read, finished with the RTCP BYE, dropped), as every call pays it
//! (figures, not pass/fail).
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sipvoice_core::Rng;
use sipvoice_core::media::RtpHeader;
use sipvoice_core::sdp::{AudioCodec, Direction, NegotiatedMedia};
use sipvoice_core::session::{MediaEvent, MediaOutput, MediaSession, SessionConfig};

/// The one wall-clock read: a base instant for virtual time.
#[allow(clippy::disallowed_methods)]
fn base() -> Instant {
    Instant::now()
}

fn local() -> SocketAddr {
    SocketAddr::from(([10, 0, 0, 1], 10000))
}

fn remote() -> SocketAddr {
    SocketAddr::from(([10, 0, 0, 2], 20000))
}

fn media(codec: AudioCodec, pt: u8, name: &'static str) -> NegotiatedMedia {
    NegotiatedMedia {
        media_index: 0,
        codec,
        payload_type: pt,
        encoding_name: name,
        clock_rate: 8000,
        telephone_event: Some(101),
        telephone_event_fmtp: None,
        ptime: 20,
        direction: Direction::SendRecv,
        remote_rtp: remote(),
        remote_rtcp: SocketAddr::from(([10, 0, 0, 2], 20001)),
        rtcp_mux: false,
        on_hold: false,
    }
}

const CODECS: [(AudioCodec, u8, &str, usize); 2] = [
    (AudioCodec::Pcmu, 0, "PCMU", 160),
    (AudioCodec::G722, 9, "G722", 320),
];

fn receive(c: &mut Criterion) {
    let mut g = c.benchmark_group("session_receive");
    g.throughput(Throughput::Elements(1));
    for (codec, pt, name, _) in CODECS {
        g.bench_function(format!("{name}_frame"), |b| {
            let t0 = base();
            let mut rng = Rng::from_seed(1);
            let config = SessionConfig {
                inactivity_timeout: Duration::ZERO,
                ..SessionConfig::default()
            };
            let mut s = MediaSession::new(&media(codec, pt, name), local(), &config, &mut rng, t0);
            let payload = [0x55u8; 160];
            let mut buf = [0u8; 172];
            let mut n = 0u32;
            b.iter(|| {
                let now = t0 + Duration::from_millis(20 * u64::from(n));
                let header = RtpHeader {
                    marker: false,
                    payload_type: pt,
                    sequence: n as u16,
                    timestamp: n.wrapping_mul(160),
                    ssrc: 77,
                };
                let len = header.write(&[], &payload, &mut buf).unwrap_or(0);
                s.handle_rtp(now, remote(), Bytes::copy_from_slice(&buf[..len]));
                if s.next_deadline().is_some_and(|d| d <= now) {
                    s.handle_timeout(now);
                }
                let mut samples = 0;
                while let Some(out) = s.poll_output() {
                    if let MediaOutput::Event(MediaEvent::Audio { pcm, .. }) = out {
                        samples += pcm.len();
                    }
                }
                n = n.wrapping_add(1);
                black_box(samples)
            });
        });
    }
    g.finish();
}

fn send(c: &mut Criterion) {
    let mut g = c.benchmark_group("session_send");
    g.throughput(Throughput::Elements(1));
    for (codec, pt, name, spf) in CODECS {
        g.bench_function(format!("{name}_frame"), |b| {
            let t0 = base();
            let mut rng = Rng::from_seed(1);
            let config = SessionConfig::default();
            let mut s = MediaSession::new(&media(codec, pt, name), local(), &config, &mut rng, t0);
            let pcm: Vec<i16> = (0..spf).map(|i| ((i * 37) % 2000) as i16).collect();
            let mut now = t0;
            b.iter(|| {
                s.send_audio(now, &pcm);
                let mut bytes = 0;
                while let Some(out) = s.poll_output() {
                    if let MediaOutput::Transmit { data, .. } = out {
                        bytes += data.len();
                    }
                }
                now += Duration::from_millis(20);
                s.handle_timeout(now);
                black_box(bytes)
            });
        });
    }
    g.finish();
}

fn lifecycle(c: &mut Criterion) {
    let mut g = c.benchmark_group("session_lifecycle");
    g.throughput(Throughput::Elements(1));
    g.bench_function("new_finish_drop", |b| {
        let t0 = base();
        let mut rng = Rng::from_seed(1);
        let config = SessionConfig::default();
        let m = media(AudioCodec::Pcmu, 0, "PCMU");
        b.iter(|| {
            let mut s = MediaSession::new(&m, local(), &config, &mut rng, t0);
            let deadline = s.next_deadline();
            let stats = s.finish(t0 + Duration::from_millis(500));
            let mut bytes = 0;
            while let Some(out) = s.poll_output() {
                if let MediaOutput::Transmit { data, .. } = out {
                    bytes += data.len();
                }
            }
            black_box((deadline, stats.packets_sent, bytes))
        });
    });
    g.finish();
}

criterion_group!(benches, receive, send, lifecycle);
criterion_main!(benches);
