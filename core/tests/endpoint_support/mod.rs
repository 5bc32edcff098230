//! A tiny in-memory network for endpoint tests: endpoints keyed by SIP address, media
//! sockets bound on request, datagrams delivered in order, virtual time.
#![allow(unreachable_pub)]
#![allow(dead_code)]

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sipvoice_core::Config;
use sipvoice_core::endpoint::{CallId, Endpoint, Event, Output, SocketRequest, Transmit};

/// The test clock's origin.
#[allow(clippy::disallowed_methods)]
pub fn epoch() -> Instant {
    Instant::now()
}

pub fn addr(s: &str) -> SocketAddr {
    s.parse().expect("address")
}

/// A config on loopback with fast, fixed seeds.
pub fn config(sip: &str, seed: u64) -> Config {
    Config {
        local_sip_addr: addr(sip),
        local_rtp_ip: "127.0.0.1".parse().expect("ip"),
        rng_seed: seed,
        rtp_port_start: 20000,
        rtp_port_end: 20099,
        user_agent: Some("sipvoice-test".into()),
        // Endpoint tests do not depend on media behaviour: no watchdogs.
        rtp_inactivity_timeout: Duration::ZERO,
        establishment_timeout: Duration::ZERO,
        ..Config::default()
    }
}

pub struct Node {
    pub ep: Endpoint,
    pub name: &'static str,
    pub sip: SocketAddr,
    pub events: Vec<Event>,
    pub bound: HashSet<SocketAddr>,
    pub binds: usize,
    pub closes: usize,
    /// Bind failures still to inject.
    pub fail_binds: usize,
    /// Leave binds unanswered (the test answers them itself).
    pub hold_binds: bool,
    pub pending_binds: Vec<SocketAddr>,
}

/// Decides whether a datagram in flight is dropped.
pub type Filter = Box<dyn FnMut(&Transmit) -> bool>;

pub struct Net {
    pub now: Instant,
    pub nodes: Vec<Node>,
    /// Datagrams sent to addresses no node owns (hand-written peers).
    pub outside: Vec<Transmit>,
    /// Media datagrams sent to addresses no node owns.
    pub outside_media: usize,
    /// Every SIP datagram: (from name, to name, text).
    pub ladder: Vec<(String, String, String)>,
    /// Return true to drop a datagram in flight.
    pub filter: Option<Filter>,
}

impl Net {
    pub fn new(configs: Vec<(&'static str, Config)>) -> Net {
        let now = epoch();
        let nodes = configs
            .into_iter()
            .map(|(name, c)| Node {
                sip: c.local_sip_addr,
                ep: Endpoint::new(c, now).expect("config"),
                name,
                events: Vec::new(),
                bound: HashSet::new(),
                binds: 0,
                closes: 0,
                fail_binds: 0,
                hold_binds: false,
                pending_binds: Vec::new(),
            })
            .collect();
        Net {
            now,
            nodes,
            outside: Vec::new(),
            outside_media: 0,
            ladder: Vec::new(),
            filter: None,
        }
    }

    /// Two endpoints: "uac" on :5070 and "uas" on :5060.
    pub fn pair(uac: Config, uas: Config) -> Net {
        Net::new(vec![("uac", uac), ("uas", uas)])
    }

    pub fn ep(&mut self, i: usize) -> &mut Endpoint {
        &mut self.nodes[i].ep
    }

    fn name_of(&self, a: SocketAddr) -> String {
        self.nodes
            .iter()
            .find(|n| n.sip == a)
            .map_or_else(|| a.to_string(), |n| n.name.to_owned())
    }

    /// Drains every endpoint and delivers until nothing moves.
    pub fn settle(&mut self) {
        loop {
            let mut moved = false;
            for i in 0..self.nodes.len() {
                loop {
                    let out = self.nodes[i].ep.poll_output();
                    match out {
                        Output::Timeout(_) => break,
                        Output::Event(e) => self.nodes[i].events.push(e),
                        Output::Socket(SocketRequest::Bind(a)) => {
                            moved = true;
                            let node = &mut self.nodes[i];
                            node.binds += 1;
                            if node.hold_binds {
                                node.pending_binds.push(a);
                                continue;
                            }
                            let ok = if node.fail_binds > 0 {
                                node.fail_binds -= 1;
                                false
                            } else {
                                true
                            };
                            if ok {
                                node.bound.insert(a);
                            }
                            let now = self.now;
                            node.ep.handle_bind_result(now, a, ok);
                        }
                        Output::Socket(SocketRequest::Close(a)) => {
                            let node = &mut self.nodes[i];
                            node.closes += 1;
                            assert!(node.bound.remove(&a), "{}: close of unbound {a}", node.name);
                        }
                        Output::Transmit(t) => {
                            moved = true;
                            self.deliver(t);
                        }
                    }
                }
            }
            if !moved {
                break;
            }
        }
    }

    fn deliver(&mut self, t: Transmit) {
        let is_sip =
            self.nodes.iter().any(|n| n.sip == t.from) || self.nodes.iter().any(|n| n.sip == t.to);
        if is_sip
            && !t
                .data
                .first()
                .is_some_and(|b| *b == 0x80 || *b == 0x81 || *b == 0x90)
        {
            let text = String::from_utf8_lossy(&t.data).into_owned();
            self.ladder
                .push((self.name_of(t.from), self.name_of(t.to), text));
        }
        if let Some(filter) = self.filter.as_mut() {
            if filter(&t) {
                return;
            }
        }
        let now = self.now;
        let target = self
            .nodes
            .iter()
            .position(|n| n.sip == t.to || n.bound.contains(&t.to));
        match target {
            Some(i) => self.nodes[i].ep.handle_datagram(now, t.to, t.from, t.data),
            None if is_media(&t.data) => self.outside_media += 1,
            None => self.outside.push(t),
        }
    }

    /// Injects a datagram into node `i` from `from`.
    pub fn inject(&mut self, i: usize, from: SocketAddr, text: &str) {
        let now = self.now;
        let to = self.nodes[i].sip;
        self.nodes[i].ep.handle_datagram(
            now,
            to,
            from,
            Bytes::from(text.replace('\n', "\r\n").replace("\r\r\n", "\r\n")),
        );
        self.settle();
    }

    /// Advances virtual time by `d`, firing every due timer in order.
    pub fn advance(&mut self, d: Duration) {
        let end = self.now + d;
        self.settle();
        loop {
            let mut next: Option<Instant> = None;
            for node in &mut self.nodes {
                if let Output::Timeout(t) = node.ep.poll_output() {
                    next = Some(next.map_or(t, |n: Instant| n.min(t)));
                }
            }
            match next {
                Some(t) if t <= end => {
                    self.now = self.now.max(t);
                    let now = self.now;
                    for node in &mut self.nodes {
                        node.ep.handle_timeout(now);
                    }
                    self.settle();
                }
                _ => break,
            }
        }
        self.now = end;
        let now = self.now;
        for node in &mut self.nodes {
            node.ep.handle_timeout(now);
        }
        self.settle();
    }

    /// Advances far enough for every transaction, dialog and nonce to be reaped, and
    /// checks that nothing is left, media sockets included.
    pub fn finish(&mut self) {
        self.advance(Duration::from_secs(64 * 500 / 1000 + 5 + 1));
        self.advance(Duration::from_secs(301));
        for node in &self.nodes {
            let counts = node.ep.counts();
            assert!(counts.is_empty(), "{}: {counts:?}", node.name);
            assert!(
                node.bound.is_empty(),
                "{}: sockets left {:?}",
                node.name,
                node.bound
            );
        }
    }

    pub fn events(&self, i: usize) -> &[Event] {
        &self.nodes[i].events
    }

    /// Statuses of the responses sent to outside peers, in order.
    pub fn outside_statuses(&self) -> Vec<u16> {
        self.outside
            .iter()
            .filter_map(|t| status_of(&t.data))
            .collect()
    }

    /// The SIP first lines of the ladder, e.g. `uac -> uas INVITE`.
    pub fn first_lines(&self) -> Vec<String> {
        self.ladder
            .iter()
            .map(|(f, t, text)| format!("{f} -> {t} {}", text.lines().next().unwrap_or("")))
            .collect()
    }

    /// Dials from node `from` to node `to`.
    pub fn dial(&mut self, from: usize, to: usize) -> CallId {
        let target = format!("sip:bot@{}", self.nodes[to].sip);
        let remote = self.nodes[to].sip;
        let now = self.now;
        let id = self.nodes[from]
            .ep
            .dial(
                now,
                sipvoice_core::endpoint::DialRequest::new(target, remote),
            )
            .expect("dial");
        self.settle();
        id
    }
}

/// RTP, RTCP (version 2) or STUN rather than SIP.
fn is_media(data: &[u8]) -> bool {
    data.first()
        .is_some_and(|b| (0x80..0xc0).contains(b) || *b < 2)
}

/// The status code of a response datagram.
pub fn status_of(data: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(data.get(..12)?).ok()?;
    text.strip_prefix("SIP/2.0 ")?.get(..3)?.parse().ok()
}

/// The number of events matching `pred`.
pub fn count(events: &[Event], pred: impl Fn(&Event) -> bool) -> usize {
    events.iter().filter(|e| pred(e)).count()
}

/// An INVITE from a hand-written peer at `peer` (loopback SDP offer).
pub fn invite(peer: SocketAddr, branch: &str, call_id: &str, extra: &str) -> String {
    let sdp = "v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 40000 RTP/AVP 0 101\na=rtpmap:101 telephone-event/8000\n";
    let sdp = sdp.replace('\n', "\r\n");
    format!(
        "INVITE sip:bot@127.0.0.1:5060 SIP/2.0\nVia: SIP/2.0/UDP {peer};branch={branch};rport\nMax-Forwards: 70\nFrom: \"Alice\" <sip:alice@{peer}>;tag=a1\nTo: <sip:bot@127.0.0.1:5060>\nCall-ID: {call_id}\nCSeq: 1 INVITE\nContact: <sip:alice@{peer}>\n{extra}Content-Type: application/sdp\nContent-Length: {}\n\n{sdp}",
        sdp.len()
    )
}

/// The value of the first header line named `name` (case-insensitive) in a datagram.
pub fn header(data: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(data);
    text.lines().take_while(|l| !l.is_empty()).find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_owned())
    })
}

/// The To tag of a response datagram.
pub fn to_tag(data: &[u8]) -> Option<String> {
    let to = header(data, "To")?;
    Some(to.split(";tag=").nth(1)?.split(';').next()?.to_owned())
}

/// The reasons of every CallEnded event.
pub fn ended(events: &[Event]) -> Vec<sipvoice_core::endpoint::EndReason> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::CallEnded { reason, .. } => Some(reason.clone()),
            _ => None,
        })
        .collect()
}

/// A request from the hand-written peer inside the dialog of `to_tag`.
pub fn in_dialog(
    method: &str,
    peer: SocketAddr,
    branch: &str,
    call_id: &str,
    tag: &str,
    seq: u32,
    extra: &str,
) -> String {
    format!(
        "{method} sip:sipvoice@127.0.0.1:5060 SIP/2.0\nVia: SIP/2.0/UDP {peer};branch={branch};rport\nMax-Forwards: 70\nFrom: \"Alice\" <sip:alice@{peer}>;tag=a1\nTo: <sip:bot@127.0.0.1:5060>;tag={tag}\nCall-ID: {call_id}\nCSeq: {seq} {method}\n{extra}Content-Length: 0\n\n"
    )
}

/// Establishes a call that `peer` places to node 0 (INVITE, then ACK of our 200); returns
/// our To tag.
pub fn establish_from(net: &mut Net, peer: SocketAddr, call_id: &str) -> String {
    net.inject(0, peer, &invite(peer, "z9hG4bKe0", call_id, ""));
    let ok = net
        .outside
        .iter()
        .rev()
        .find(|t| status_of(&t.data) == Some(200))
        .expect("200");
    let tag = to_tag(&ok.data).expect("tag");
    net.inject(
        0,
        peer,
        &in_dialog("ACK", peer, "z9hG4bKe1", call_id, &tag, 1, ""),
    );
    tag
}
