//! The scheduler, sockets, scripted drops, trace and pcap, driven by hand-written parties.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::rc::Rc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sipvoice_core::endpoint::{Output, SocketRequest, Transmit};
use sipvoice_sim::{LinkConfig, Matcher, Party, Sim, SimConfig, TraceOptions};

fn addr(ip: [u8; 4], port: u16) -> SocketAddr {
    SocketAddr::from((ip, port))
}

fn options(cseq: u32) -> Bytes {
    Bytes::from(format!(
        "OPTIONS sip:b@127.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK{cseq}\r\n\
         From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:b@127.0.0.2>\r\nCall-ID: ping\r\n\
         CSeq: {cseq} OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
    ))
}

fn ok(cseq: u32) -> Bytes {
    Bytes::from(format!(
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK{cseq}\r\n\
         From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:b@127.0.0.2>;tag=2\r\nCall-ID: ping\r\n\
         CSeq: {cseq} OPTIONS\r\nContent-Length: 0\r\n\r\n"
    ))
}

type Log = Rc<RefCell<Vec<(Instant, SocketAddr, Bytes)>>>;

/// Sends an OPTIONS every second (its own deadline), binds a media port first.
struct Pinger {
    start: Instant,
    next: Instant,
    sent: u32,
    out: VecDeque<Output>,
    received: Log,
}

impl Party for Pinger {
    fn handle_datagram(&mut self, now: Instant, _: SocketAddr, remote: SocketAddr, data: Bytes) {
        self.received.borrow_mut().push((now, remote, data));
    }
    fn handle_timeout(&mut self, now: Instant) {
        if now == self.start && self.sent == 0 {
            self.out.push_back(Output::Socket(SocketRequest::Bind(addr(
                [127, 0, 0, 1],
                10000,
            ))));
        }
        if now >= self.next && self.sent < 5 {
            self.sent += 1;
            self.out.push_back(Output::Transmit(Transmit {
                from: addr([127, 0, 0, 1], 5060),
                to: addr([127, 0, 0, 2], 5060),
                data: options(self.sent),
            }));
            // One datagram to a port nobody bound.
            if self.sent == 1 {
                self.out.push_back(Output::Transmit(Transmit {
                    from: addr([127, 0, 0, 1], 10000),
                    to: addr([127, 0, 0, 2], 4000),
                    data: Bytes::from_static(&[0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]),
                }));
            }
            self.next = now + Duration::from_secs(1);
        } else if now >= self.next {
            self.next = now + Duration::from_secs(3600);
        }
    }
    fn poll_output(&mut self) -> Output {
        self.out.pop_front().unwrap_or(Output::Timeout(self.next))
    }
}

/// Answers every OPTIONS with 200 at once.
struct Answerer {
    out: VecDeque<Output>,
    idle: Instant,
}

impl Party for Answerer {
    fn handle_datagram(&mut self, _: Instant, local: SocketAddr, remote: SocketAddr, data: Bytes) {
        let text = String::from_utf8_lossy(&data);
        let cseq = text
            .lines()
            .find_map(|l| l.strip_prefix("CSeq: "))
            .and_then(|v| v.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        self.out.push_back(Output::Transmit(Transmit {
            from: local,
            to: remote,
            data: ok(cseq),
        }));
    }
    fn handle_timeout(&mut self, _: Instant) {}
    fn poll_output(&mut self) -> Output {
        self.out
            .pop_front()
            .unwrap_or(Output::Timeout(self.idle + Duration::from_secs(3600)))
    }
}

fn world(seed: u64, trace: TraceOptions) -> (Sim, Log) {
    let mut sim = Sim::new(SimConfig {
        seed,
        trace,
        record_pcap: true,
        ..SimConfig::default()
    });
    let received: Log = Rc::default();
    let now = sim.now();
    let a_ip: IpAddr = [127, 0, 0, 1].into();
    let b_ip: IpAddr = [127, 0, 0, 2].into();
    let pinger = Pinger {
        start: now,
        next: now,
        sent: 0,
        out: VecDeque::new(),
        received: received.clone(),
    };
    let a = sim
        .add_party("A", a_ip, &[addr([127, 0, 0, 1], 5060)], Box::new(pinger))
        .expect("free address");
    let answerer = Answerer {
        out: VecDeque::new(),
        idle: now,
    };
    let b = sim
        .add_party("B", b_ip, &[addr([127, 0, 0, 2], 5060)], Box::new(answerer))
        .expect("free address");
    sim.set_link(a, b, LinkConfig::with_latency(Duration::from_millis(15)));
    sim.set_link(
        b,
        a,
        LinkConfig {
            latency: Duration::from_millis(5),
            jitter: Duration::from_millis(10),
            ..LinkConfig::default()
        },
    );
    (sim, received)
}

#[test]
fn time_jumps_to_each_deadline_and_delivery() {
    let (mut sim, received) = world(1, TraceOptions::default());
    sim.drop_next(None, Matcher::request("OPTIONS"), 1);
    sim.run_until(Duration::from_secs(10));
    assert_eq!(sim.elapsed(), Duration::from_secs(10));
    let received = received.borrow();
    // Five OPTIONS sent at 0..4 s, the first dropped by the script: four answers.
    assert_eq!(received.len(), 4);
    for (i, (at, from, data)) in received.iter().enumerate() {
        let sent = sim.clock().at(Duration::from_secs(i as u64 + 1));
        let delay = *at - sent;
        assert!(
            delay >= Duration::from_millis(20) && delay <= Duration::from_millis(30),
            "{delay:?}"
        );
        assert_eq!(*from, addr([127, 0, 0, 2], 5060));
        assert!(data.starts_with(b"SIP/2.0 200 OK"));
    }
    assert_eq!(sim.pending_drops(), 0);
    assert_eq!(sim.unbound_drops(), 1);
    assert_eq!(sim.stalls(), 0);
    let nodes: Vec<_> = sim.nodes().collect();
    assert!(sim.bound(nodes[0]).contains(&addr([127, 0, 0, 1], 10000)));
    let flow = sim.flows()[&(addr([127, 0, 0, 1], 5060), addr([127, 0, 0, 2], 5060))];
    assert_eq!((flow.sent, flow.dropped, flow.delivered), (5, 1, 4));
    let trace = sim.trace().text();
    assert!(
        trace.starts_with("+0.000000s A→B OPTIONS sip:b@127.0.0.2 cseq=1 ✗ dropped-by-script\n")
    );
    assert!(trace.contains("+1.000000s A→B OPTIONS sip:b@127.0.0.2 cseq=2\n"));
    assert!(trace.contains("+1.015000s B→A 200 OK cseq=2 OPTIONS\n"));
    assert!(!trace.contains("RTP"), "media lines are off by default");
}

#[test]
fn the_same_seed_gives_the_same_trace_byte_for_byte() {
    let options = TraceOptions {
        media: true,
        enabled: true,
    };
    let run = |seed| {
        let (mut sim, _) = world(seed, options);
        let nodes: Vec<_> = sim.nodes().collect();
        sim.set_link(
            nodes[0],
            nodes[1],
            LinkConfig {
                loss: 0.5,
                ..LinkConfig::default()
            },
        );
        sim.run_until(Duration::from_secs(6));
        sim.trace().text().to_owned()
    };
    let first = run(3);
    assert_eq!(first, run(3));
    assert_ne!(first, run(4), "loss draws differ between seeds");
    assert!(first.contains("RTP pt=0 seq=1"));
    // The stray RTP is either lost on the way or refused for lack of a socket.
    assert!(
        first.contains("A→B ✗ no socket at 127.0.0.2:4000 (RTP pt=0 seq=1 ts=0 len=0)")
            || first.contains("A→B RTP pt=0 seq=1 ts=0 len=0 ✗ lost"),
        "{first}"
    );
}

#[test]
fn refused_binds_are_reported_to_the_party() {
    let (mut sim, _) = world(1, TraceOptions::default());
    let a = sim.nodes().next().expect("node A");
    sim.refuse_binds(a, Some(10000));
    sim.run_until(Duration::from_secs(2));
    assert_eq!(sim.binds_refused(a), 1);
    assert!(!sim.bound(a).contains(&addr([127, 0, 0, 1], 10000)));
}

#[test]
fn scripted_actions_run_at_their_time_in_order() {
    let (mut sim, _) = world(1, TraceOptions::default());
    let order: Rc<RefCell<Vec<(u32, Duration)>>> = Rc::default();
    for (label, ms) in [(1, 2500), (2, 700), (3, 2500)] {
        let order = order.clone();
        sim.at(Duration::from_millis(ms), move |sim| {
            order.borrow_mut().push((label, sim.elapsed()));
            sim.note(&format!("step {label}"));
        });
    }
    sim.run_until(Duration::from_secs(3));
    assert_eq!(
        *order.borrow(),
        vec![
            (2, Duration::from_millis(700)),
            (1, Duration::from_millis(2500)),
            (3, Duration::from_millis(2500)),
        ]
    );
    assert!(sim.trace().text().contains("+2.500000s step 3\n"));
}

#[test]
fn the_pcap_holds_every_datagram_at_its_virtual_time() {
    let (mut sim, _) = world(1, TraceOptions::default());
    sim.run_until(Duration::from_secs(5));
    let pcap = sim.pcap().expect("recording on");
    // 5 OPTIONS + 1 stray RTP + 5 answers.
    assert_eq!(pcap.packets().len(), 11);
    let bytes = pcap.to_bytes().expect("pcap");
    assert_eq!(&bytes[..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
}

#[test]
fn a_receiver_side_pcap_holds_what_arrived_when_it_arrived() {
    let mut sim = Sim::new(SimConfig {
        seed: 1,
        record_pcap: true,
        pcap_at_receiver: true,
        ..SimConfig::default()
    });
    let now = sim.now();
    let pinger = Pinger {
        start: now,
        next: now,
        sent: 0,
        out: VecDeque::new(),
        received: Rc::default(),
    };
    let answerer = Answerer {
        out: VecDeque::new(),
        idle: now,
    };
    let a = sim
        .add_party(
            "A",
            [127, 0, 0, 1].into(),
            &[addr([127, 0, 0, 1], 5060)],
            Box::new(pinger),
        )
        .expect("free address");
    let b = sim
        .add_party(
            "B",
            [127, 0, 0, 2].into(),
            &[addr([127, 0, 0, 2], 5060)],
            Box::new(answerer),
        )
        .expect("free address");
    sim.set_links(a, b, LinkConfig::with_latency(Duration::from_millis(15)));
    sim.drop_next(Some(a), Matcher::request("OPTIONS"), 2);
    sim.run_until(Duration::from_secs(5));
    let packets = sim.pcap().expect("recording").packets();
    // 3 OPTIONS arrive (2 dropped), the stray RTP arrives too (then finds no socket), 3 answers.
    assert_eq!(packets.len(), 7);
    assert_eq!(
        packets[0].0,
        Duration::from_millis(15),
        "the stray RTP at its arrival"
    );
    assert!(packets.iter().all(|(at, _)| at.subsec_millis() % 15 == 0));
}

/// Handles one due timer per wake-up; `stuck` never clears its timer at all.
struct Timers {
    due: Vec<Instant>,
    fired: Rc<RefCell<Vec<Instant>>>,
    stuck: Option<Instant>,
}

impl Party for Timers {
    fn handle_datagram(&mut self, _: Instant, _: SocketAddr, _: SocketAddr, _: Bytes) {}
    fn handle_timeout(&mut self, now: Instant) {
        if let Some(pos) = self.due.iter().position(|d| *d <= now) {
            self.due.remove(pos);
            self.fired.borrow_mut().push(now);
        }
    }
    fn poll_output(&mut self) -> Output {
        let next = self.due.iter().min().copied().or(self.stuck);
        Output::Timeout(next.unwrap_or_else(|| self.fired.borrow()[0] + Duration::from_secs(3600)))
    }
}

#[test]
fn timers_due_together_fire_at_the_same_instant_and_a_stuck_timer_is_counted() {
    let mut sim = Sim::new(SimConfig::default());
    let t = sim.clock().at(Duration::from_secs(1));
    let fired: Rc<RefCell<Vec<Instant>>> = Rc::default();
    let timers = Timers {
        due: vec![t, t, t],
        fired: fired.clone(),
        stuck: None,
    };
    sim.add_party("T", [127, 0, 0, 1].into(), &[], Box::new(timers))
        .expect("free address");
    sim.run_until(Duration::from_secs(2));
    assert_eq!(*fired.borrow(), vec![t, t, t]);
    assert_eq!(sim.stalls(), 0);

    let mut stuck_sim = Sim::new(SimConfig::default());
    let start = stuck_sim.now();
    let stuck = Timers {
        due: Vec::new(),
        fired: Rc::new(RefCell::new(vec![start])),
        stuck: Some(start),
    };
    stuck_sim
        .add_party("S", [127, 0, 0, 1].into(), &[], Box::new(stuck))
        .expect("free address");
    stuck_sim.run_until(Duration::from_millis(10));
    assert_eq!(
        stuck_sim.elapsed(),
        Duration::from_millis(10),
        "time still moves"
    );
    assert!(stuck_sim.stalls() >= 9, "{}", stuck_sim.stalls());
}
