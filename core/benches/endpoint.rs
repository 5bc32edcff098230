//! Endpoint throughput: complete calls (INVITE → 100 → 180 → 200 → ACK → BYE → 200)
//! between two in-memory endpoints on one core, media sockets bound at once.
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sipvoice_core::Config;
use sipvoice_core::endpoint::{DialRequest, Endpoint, Event, Output, SocketRequest, Transmit};

struct Pair {
    uac: Endpoint,
    uas: Endpoint,
    now: Instant,
    target: SocketAddr,
    wire: Vec<Transmit>,
    started: usize,
    ended: usize,
}

fn config(sip: &str, seed: u64) -> Config {
    Config {
        local_sip_addr: sip.parse().expect("address"),
        local_rtp_ip: "127.0.0.1".parse().expect("ip"),
        rtp_port_start: 20000,
        rtp_port_end: 40000,
        rng_seed: seed,
        max_sessions: 100_000,
        rtp_inactivity_timeout: Duration::ZERO,
        establishment_timeout: Duration::ZERO,
        ..Config::default()
    }
}

/// Drains `ep`: binds succeed at once, transmits go on the wire, events are counted.
fn drain(
    ep: &mut Endpoint,
    now: Instant,
    wire: &mut Vec<Transmit>,
    started: &mut usize,
    ended: &mut usize,
) {
    loop {
        match ep.poll_output() {
            Output::Timeout(_) => return,
            Output::Transmit(t) => wire.push(t),
            Output::Socket(SocketRequest::Bind(a)) => ep.handle_bind_result(now, a, true),
            Output::Socket(SocketRequest::Close(_)) => {}
            Output::Event(Event::CallStarted { .. }) => *started += 1,
            Output::Event(Event::CallEnded { .. }) => *ended += 1,
            Output::Event(_) => {}
        }
    }
}

impl Pair {
    fn new() -> Pair {
        #[allow(clippy::disallowed_methods)] // the bench's own clock origin
        let now = Instant::now();
        let uac = Endpoint::new(config("127.0.0.1:5070", 1), now).expect("config");
        let uas = Endpoint::new(config("127.0.0.1:5060", 2), now).expect("config");
        Pair {
            uac,
            uas,
            now,
            target: "127.0.0.1:5060".parse().expect("address"),
            wire: Vec::with_capacity(16),
            started: 0,
            ended: 0,
        }
    }

    /// Runs both endpoints until nothing is in flight.
    fn settle(&mut self) {
        loop {
            drain(
                &mut self.uac,
                self.now,
                &mut self.wire,
                &mut self.started,
                &mut self.ended,
            );
            drain(
                &mut self.uas,
                self.now,
                &mut self.wire,
                &mut self.started,
                &mut self.ended,
            );
            if self.wire.is_empty() {
                return;
            }
            for t in self.wire.drain(..) {
                let ep = if t.to == self.target {
                    &mut self.uas
                } else {
                    &mut self.uac
                };
                ep.handle_datagram(self.now, t.to, t.from, t.data);
            }
        }
    }

    /// One complete call, then virtual time moves by `step` (transactions linger 64·T1
    /// after their final response, so `step` sets how much reaped state is live).
    #[inline(never)] // one symbol for endpoint_instructions.sh to measure
    fn call(&mut self, step: Duration) {
        let req = DialRequest::new("sip:bot@127.0.0.1:5060", self.target);
        let id = self.uac.dial(self.now, req).expect("dial");
        self.settle();
        self.uac.hangup(self.now, id).expect("hangup");
        self.settle();
        self.now += step;
        self.uac.handle_timeout(self.now);
        self.uas.handle_timeout(self.now);
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("endpoint");
    group.throughput(Throughput::Elements(1));
    // Every call's transactions are reaped before the next call: the CPU cost of a call.
    let mut pair = Pair::new();
    let step = Duration::from_secs(40);
    group.bench_function("complete_call", |b| {
        b.iter(|| black_box(&mut pair).call(step))
    });
    assert_eq!(
        pair.started, pair.ended,
        "every call started and ended on both sides"
    );
    // 1,000 calls per virtual second: 32 s of lingering transactions (~100,000) stay live.
    let mut pair = Pair::new();
    let step = Duration::from_millis(1);
    group.bench_function("complete_call_with_32k_lingering", |b| {
        b.iter(|| black_box(&mut pair).call(step))
    });
    group.finish();
    assert!(pair.uac.counts().calls == 0 && pair.uas.counts().calls == 0);
}

criterion_group!(benches, bench);
criterion_main!(benches);
