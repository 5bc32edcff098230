//! The whole endpoint: a script of inputs decoded from the fuzz bytes (SIP datagrams from
//! three peers, datagrams on the media ports it bound, time steps, application commands)
//! is fed to one `Endpoint`; after each input every output is drained. At the end the
//! endpoint shuts down and, after enough virtual time, must hold no state at all.
//!
//! Input format (see README.md): a sequence of records `op:u8`, then per op:
//! `0..=3` SIP datagram from peer `op` (`len:u16le`, bytes), `4` datagram on the media
//! port chosen by the next byte's low 6 bits, from the media peer of its top 2 bits
//! (`len:u16le`, bytes), `5` time step (`ms:u16le`),
//! `6` accept, `7` reject, `8` hang up, `9` DTMF, `10` audio, `11` dial, `12` interrupt
//! (each command takes one byte choosing among the calls seen so far).
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use sipvoice_core::Config;
use sipvoice_core::endpoint::{CallId, DialRequest, Endpoint, Event, Output, SocketRequest};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// More outputs than this for a single input is an output storm.
const MAX_OUTPUTS_PER_INPUT: usize = 200_000;

struct Script<'a> {
    data: &'a [u8],
}

impl<'a> Script<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.data.split_first()?;
        self.data = rest;
        Some(b)
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes([self.byte()?, self.byte()?]))
    }

    fn chunk(&mut self) -> Option<&'a [u8]> {
        let len = usize::from(self.u16()?).min(self.data.len());
        let (chunk, rest) = self.data.split_at(len);
        self.data = rest;
        Some(chunk)
    }
}

struct Harness {
    endpoint: Endpoint,
    now: Instant,
    sip: SocketAddr,
    peers: [SocketAddr; 4],
    /// Where media comes from: the offered RTP address first (127.0.0.1:16000).
    media_peers: [SocketAddr; 4],
    bound: BTreeSet<SocketAddr>,
    calls: Vec<CallId>,
    deadline: Instant,
    start: Instant,
    /// `SIPVOICE_FUZZ_TRACE=1`: print every event (to check what a seed reaches).
    trace: bool,
}

impl Harness {
    fn drain(&mut self) {
        for _ in 0..MAX_OUTPUTS_PER_INPUT {
            match self.endpoint.poll_output() {
                Output::Transmit(t) => {
                    if self.trace {
                        let line = &t.data[..t.data.len().min(700)];
                        if t.from == self.sip {
                            eprintln!("  -> {} {}", t.to, String::from_utf8_lossy(line));
                        }
                    }
                    assert!(
                        t.from == self.sip || self.bound.contains(&t.from),
                        "transmit from a socket that was never bound: {}",
                        t.from
                    );
                }
                Output::Event(e) => self.note(&e),
                Output::Socket(SocketRequest::Bind(addr)) => {
                    // Refuse every 7th port so the bind-failure path is exercised too.
                    let ok = addr.port() % 7 != 0;
                    if ok {
                        self.bound.insert(addr);
                    }
                    self.endpoint.handle_bind_result(self.now, addr, ok);
                }
                Output::Socket(SocketRequest::Close(addr)) => {
                    self.bound.remove(&addr);
                }
                Output::Timeout(deadline) => {
                    self.deadline = deadline;
                    return;
                }
            }
        }
        panic!("more than {MAX_OUTPUTS_PER_INPUT} outputs for one input");
    }

    fn note(&mut self, event: &Event) {
        if self.trace {
            eprintln!("{:?} {event:?}", self.now.duration_since(self.start));
        }
        match event {
            Event::IncomingCall { call, .. } | Event::CallStarted { call, .. } => {
                if !self.calls.contains(call) {
                    self.calls.push(*call);
                }
            }
            _ => {}
        }
    }

    fn pick(&self, b: u8) -> Option<CallId> {
        if self.calls.is_empty() {
            return None;
        }
        self.calls.get(usize::from(b) % self.calls.len()).copied()
    }

    /// Advances virtual time by `step`, firing every deadline on the way.
    fn advance(&mut self, step: Duration) {
        let target = self.now + step;
        while self.deadline <= target {
            self.now = self.deadline.max(self.now);
            self.endpoint.handle_timeout(self.now);
            self.drain();
            if self.deadline <= self.now {
                // A deadline that does not move forward would spin; nudge time.
                self.now += Duration::from_millis(1);
            }
        }
        self.now = target;
        self.endpoint.handle_timeout(self.now);
        self.drain();
    }
}

fuzz_target!(|data: &[u8]| {
    let start = Instant::now();
    let mut config = Config::default();
    config.local_sip_addr = "127.0.0.1:5060".parse().expect("literal address");
    config.local_rtp_ip = "127.0.0.1".parse().expect("literal address");
    config.rtp_port_start = 20000;
    config.rtp_port_end = 20040;
    config.max_sessions = 4;
    config.rng_seed = 7;
    let Ok(endpoint) = Endpoint::new(config, start) else {
        panic!("the fuzz configuration is valid");
    };
    let mut h = Harness {
        endpoint,
        now: start,
        sip: "127.0.0.1:5060".parse().expect("literal address"),
        peers: [
            "127.0.0.1:5071".parse().expect("literal address"),
            "127.0.0.1:5072".parse().expect("literal address"),
            "[::1]:5073".parse().expect("literal address"),
            "127.0.0.2:5060".parse().expect("literal address"),
        ],
        media_peers: [
            "127.0.0.1:16000".parse().expect("literal address"),
            "127.0.0.1:5071".parse().expect("literal address"),
            "[::1]:16000".parse().expect("literal address"),
            "127.0.0.1:16002".parse().expect("literal address"),
        ],
        bound: BTreeSet::new(),
        calls: Vec::new(),
        deadline: start,
        start,
        trace: std::env::var_os("SIPVOICE_FUZZ_TRACE").is_some(),
    };
    h.drain();
    let mut script = Script { data };
    while let Some(op) = script.byte() {
        let now = h.now;
        match op % 13 {
            p @ 0..=3 => {
                let Some(bytes) = script.chunk() else { break };
                let remote = h.peers[usize::from(p)];
                h.endpoint
                    .handle_datagram(now, h.sip, remote, Bytes::copy_from_slice(bytes));
            }
            4 => {
                let Some(which) = script.byte() else { break };
                let Some(bytes) = script.chunk() else { break };
                let Some(&local) = h
                    .bound
                    .iter()
                    .nth(usize::from(which) % h.bound.len().max(1))
                else {
                    continue;
                };
                let remote = h.media_peers[usize::from(which >> 6)];
                h.endpoint
                    .handle_datagram(now, local, remote, Bytes::copy_from_slice(bytes));
            }
            5 => {
                let Some(ms) = script.u16() else { break };
                h.advance(Duration::from_millis(u64::from(ms)));
                continue;
            }
            op => {
                let Some(b) = script.byte() else { break };
                let call = h.pick(b);
                match (op, call) {
                    (6, Some(c)) => drop(h.endpoint.accept(now, c)),
                    (7, Some(c)) => drop(h.endpoint.reject(now, c, 400 + u16::from(b), "No")),
                    (8, Some(c)) => drop(h.endpoint.hangup(now, c)),
                    (9, Some(c)) => {
                        drop(
                            h.endpoint
                                .send_dtmf(now, c, "12#*A", Duration::from_millis(80)),
                        )
                    }
                    (10, Some(c)) => {
                        let pcm: Vec<i16> = (0..320).map(|i| (i * 97 % 2000) as i16).collect();
                        drop(h.endpoint.send_audio(now, c, &pcm));
                    }
                    (11, _) => {
                        let remote = h.peers[usize::from(b % 4)];
                        let mut req = DialRequest::new("sip:svc@127.0.0.1:5071", remote);
                        if b & 0x10 != 0 {
                            req.credentials = Some(("alice".into(), "secret".into()));
                        }
                        if let Ok(c) = h.endpoint.dial(now, req) {
                            h.calls.push(c);
                        }
                    }
                    (12, Some(c)) => drop(h.endpoint.interrupt(now, c)),
                    _ => {}
                }
                for &c in &h.calls {
                    let _ = (h.endpoint.stats(c), h.endpoint.call_info(c));
                }
            }
        }
        h.drain();
    }
    // Every state is reaped: shut down and let all timers run out.
    let now = h.now;
    h.endpoint.shutdown(now);
    h.drain();
    for _ in 0..40 {
        h.advance(Duration::from_secs(5));
    }
    let counts = h.endpoint.counts();
    assert!(counts.is_empty(), "state left after shutdown: {counts:?}");
});
