//! Two in-process endpoints hold a full call: audio both ways, DTMF both ways and an
//! interruption; every map and port is empty afterwards.

use std::collections::{BTreeMap, VecDeque};
use std::f64::consts::PI;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use sipvoice_core::Config;
use sipvoice_core::endpoint::{
    CallId, DialRequest, DtmfSource, EndReason, Endpoint, Event, Output, SocketRequest, Transmit,
};

#[allow(clippy::disallowed_methods)]
fn epoch() -> Instant {
    Instant::now()
}

struct Node {
    ep: Endpoint,
    sip: SocketAddr,
    events: Vec<(Duration, Event)>,
    deadline: Instant,
}

/// A lossless network with 5 ms of latency between two endpoints.
struct Net {
    epoch: Instant,
    now: Instant,
    nodes: [Node; 2],
    bound: BTreeMap<SocketAddr, usize>,
    in_flight: VecDeque<(Instant, Transmit)>,
}

impl Net {
    fn new(seed_a: u64, seed_b: u64) -> Self {
        let epoch = epoch();
        let node = |ip: &str, ports: (u16, u16), seed: u64| {
            let c = Config {
                local_sip_addr: format!("{ip}:5060").parse().unwrap(),
                local_rtp_ip: ip.parse().unwrap(),
                rtp_port_start: ports.0,
                rtp_port_end: ports.1,
                rng_seed: seed,
                ..Config::default()
            };
            let sip = c.local_sip_addr;
            Node {
                ep: Endpoint::new(c, epoch).unwrap(),
                sip,
                events: Vec::new(),
                deadline: epoch,
            }
        };
        let nodes = [
            node("127.0.0.1", (20000, 20100), seed_a),
            node("127.0.0.2", (30000, 30100), seed_b),
        ];
        let mut bound = BTreeMap::new();
        bound.insert(nodes[0].sip, 0);
        bound.insert(nodes[1].sip, 1);
        Self {
            epoch,
            now: epoch,
            nodes,
            bound,
            in_flight: VecDeque::new(),
        }
    }

    fn drain(&mut self) {
        for i in 0..2 {
            loop {
                match self.nodes[i].ep.poll_output() {
                    Output::Transmit(t) => self
                        .in_flight
                        .push_back((self.now + Duration::from_millis(5), t)),
                    Output::Event(e) => {
                        let at = self.now - self.epoch;
                        self.nodes[i].events.push((at, e));
                    }
                    Output::Socket(SocketRequest::Bind(addr)) => {
                        let free = !self.bound.contains_key(&addr);
                        if free {
                            self.bound.insert(addr, i);
                        }
                        self.nodes[i].ep.handle_bind_result(self.now, addr, free);
                    }
                    Output::Socket(SocketRequest::Close(addr)) => {
                        assert_eq!(
                            self.bound.remove(&addr),
                            Some(i),
                            "close of a socket not bound"
                        );
                    }
                    Output::Timeout(t) => {
                        self.nodes[i].deadline = t;
                        break;
                    }
                }
            }
        }
    }

    /// Runs until `until`, delivering datagrams and firing timers in time order.
    fn run_until(&mut self, until: Instant) {
        loop {
            self.drain();
            let next_dgram = self.in_flight.iter().map(|(t, _)| *t).min();
            let next_timer = self.nodes.iter().map(|n| n.deadline).min().unwrap();
            let next = next_dgram.map_or(next_timer, |d| d.min(next_timer));
            if next > until {
                self.now = until;
                return;
            }
            self.now = next.max(self.now);
            if next_dgram == Some(next) {
                let pos = self.in_flight.iter().position(|(t, _)| *t == next).unwrap();
                let (_, t) = self.in_flight.remove(pos).unwrap();
                if let Some(&i) = self.bound.get(&t.to) {
                    self.nodes[i]
                        .ep
                        .handle_datagram(self.now, t.to, t.from, t.data);
                }
            } else {
                for n in &mut self.nodes {
                    if n.deadline <= self.now {
                        n.ep.handle_timeout(self.now);
                    }
                }
            }
        }
    }

    fn started(&self, i: usize) -> Option<(CallId, u32)> {
        self.nodes[i].events.iter().find_map(|(_, e)| match e {
            Event::CallStarted { call, info } => Some((*call, info.sample_rate)),
            _ => None,
        })
    }
}

fn sine(rate: u32, hz: f64, ms: u32) -> Vec<i16> {
    let n = (rate * ms / 1000) as usize;
    (0..n)
        .map(|i| (8000.0 * (2.0 * PI * hz * i as f64 / f64::from(rate)).sin()) as i16)
        .collect()
}

fn energy(pcm: &[i16]) -> f64 {
    pcm.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / pcm.len().max(1) as f64
}

#[test]
fn full_call_with_audio_dtmf_and_interruption_leaves_nothing_behind() {
    let mut net = Net::new(11, 22);
    let b_sip = net.nodes[1].sip;
    let now = net.now;
    let a_call = net.nodes[0]
        .ep
        .dial(now, DialRequest::new(format!("sip:bot@{b_sip}"), b_sip))
        .unwrap();
    net.run_until(net.epoch + Duration::from_millis(500));
    let (a, rate) = net.started(0).expect("caller sees the call start");
    assert_eq!(a, a_call);
    let (b, rate_b) = net.started(1).expect("callee sees the call start");
    assert_eq!(rate, 16000, "G.722 is preferred by default");
    assert_eq!(rate_b, rate);

    // Audio both ways; the callee's long prompt is interrupted half-way.
    let t = net.now;
    net.nodes[0]
        .ep
        .send_audio(t, a, &sine(rate, 440.0, 1000))
        .unwrap();
    net.nodes[1]
        .ep
        .send_audio(t, b, &sine(rate, 700.0, 2000))
        .unwrap();
    net.run_until(t + Duration::from_millis(500));
    let t = net.now;
    let cut = net.nodes[1].ep.interrupt(t, b).unwrap();
    assert!(
        cut >= Duration::from_millis(1400) && cut <= Duration::from_millis(1560),
        "cut {cut:?}"
    );
    net.run_until(t + Duration::from_millis(800));

    // DTMF both ways, repeated digits kept apart.
    let t = net.now;
    net.nodes[0]
        .ep
        .send_dtmf(t, a, "1223#", Duration::from_millis(100))
        .unwrap();
    net.nodes[1]
        .ep
        .send_dtmf(t, b, "9*", Duration::from_millis(100))
        .unwrap();
    net.run_until(t + Duration::from_secs(3));

    let t = net.now;
    net.nodes[0].ep.hangup(t, a).unwrap();
    net.run_until(t + Duration::from_secs(40));

    let digits = |i: usize| -> String {
        net.nodes[i]
            .events
            .iter()
            .filter_map(|(_, e)| match e {
                Event::Dtmf {
                    digit,
                    source: DtmfSource::Rtp,
                    ..
                } => Some(*digit),
                _ => None,
            })
            .collect()
    };
    assert_eq!(digits(1), "1223#");
    assert_eq!(digits(0), "9*");

    for (i, other_ms) in [(0usize, 500u32), (1, 1000)] {
        let frames: Vec<&Vec<i16>> = net.nodes[i]
            .events
            .iter()
            .filter_map(|(_, e)| match e {
                Event::Audio { frame, .. } if !frame.concealed => Some(&frame.pcm),
                _ => None,
            })
            .collect();
        let loud = frames.iter().filter(|f| energy(f) > 1.0e6).count();
        let expected = (other_ms / 20) as usize;
        assert!(
            loud + 3 >= expected && loud <= expected + 3,
            "node {i}: {loud} loud frames, expected ≈{expected}"
        );
        assert!(frames.iter().all(|f| f.len() == (rate / 50) as usize));
    }
    assert!(
        net.nodes[1]
            .events
            .iter()
            .any(|(_, e)| matches!(e, Event::PlaybackInterrupted { .. }))
    );
    assert!(
        net.nodes[0]
            .events
            .iter()
            .any(|(_, e)| matches!(e, Event::PlaybackFinished { .. }))
    );

    let ended = |i: usize| {
        net.nodes[i]
            .events
            .iter()
            .find_map(|(_, e)| match e {
                Event::CallEnded { reason, stats, .. } => Some((reason.clone(), stats.clone())),
                _ => None,
            })
            .expect("call ended")
    };
    let (ra, sa) = ended(0);
    let (rb, sb) = ended(1);
    assert_eq!(ra, EndReason::LocalHangup);
    assert!(matches!(rb, EndReason::Bye { .. }), "{rb:?}");
    assert!(
        sa.packets_sent >= 50 && sb.packets_received >= 50,
        "{sa:?} {sb:?}"
    );
    assert_eq!(sa.dtmf_sent, 5);
    assert_eq!(sb.dtmf_received, 5);
    assert_eq!(sb.packets_lost, 0);

    for n in &net.nodes {
        assert!(n.ep.counts().is_empty(), "{:?}", n.ep.counts());
    }
    assert_eq!(
        net.bound.len(),
        2,
        "only the SIP sockets stay bound: {:?}",
        net.bound
    );
}
