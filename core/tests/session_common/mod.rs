//! Shared harness of the media-session tests: two sessions wired back to back over a
//! simulated network in virtual time (an epoch instant plus durations).
#![allow(dead_code, unreachable_pub)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sipvoice_core::Rng;
use sipvoice_core::sdp::{AudioCodec, Direction, NegotiatedMedia};
use sipvoice_core::session::{MediaEvent, MediaOutput, MediaSession, SessionConfig};

/// The one wall-clock read of the tests: every other instant derives from it.
#[allow(clippy::disallowed_methods)]
pub fn epoch() -> Instant {
    Instant::now()
}

/// Milliseconds as a duration.
pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Parses a socket address literal.
pub fn addr(s: &str) -> SocketAddr {
    s.parse().expect("address literal")
}

/// Side A's RTP address.
pub fn a_addr() -> SocketAddr {
    addr("10.0.0.1:10000")
}

/// Side B's RTP address.
pub fn b_addr() -> SocketAddr {
    addr("10.0.0.2:20000")
}

/// Negotiated media for sending to `remote` with `codec` and telephone-event 101.
pub fn media(codec: AudioCodec, remote: SocketAddr) -> NegotiatedMedia {
    let (pt, name) = match codec {
        AudioCodec::G722 => (9, "G722"),
        AudioCodec::Pcmu => (0, "PCMU"),
        AudioCodec::Pcma => (8, "PCMA"),
    };
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
        remote_rtp: remote,
        remote_rtcp: SocketAddr::new(remote.ip(), remote.port() + 1),
        rtcp_mux: false,
        on_hold: false,
    }
}

/// A datagram a session sent, with the time it left.
#[derive(Debug, Clone)]
pub struct Sent {
    /// When it was sent.
    pub at: Instant,
    /// Local address it left from.
    pub from: SocketAddr,
    /// Destination.
    pub to: SocketAddr,
    /// The bytes.
    pub data: Bytes,
}

impl Sent {
    /// Whether it is RTP (not RTCP).
    pub fn is_rtp(&self) -> bool {
        self.data.len() >= 2 && !(192..=223).contains(&self.data[1])
    }
    /// RTP marker bit.
    pub fn marker(&self) -> bool {
        self.data[1] & 0x80 != 0
    }
    /// RTP payload type.
    pub fn pt(&self) -> u8 {
        self.data[1] & 0x7f
    }
    /// RTP sequence number.
    pub fn seq(&self) -> u16 {
        u16::from_be_bytes([self.data[2], self.data[3]])
    }
    /// RTP timestamp.
    pub fn ts(&self) -> u32 {
        u32::from_be_bytes([self.data[4], self.data[5], self.data[6], self.data[7]])
    }
    /// RTP SSRC.
    pub fn ssrc(&self) -> u32 {
        u32::from_be_bytes([self.data[8], self.data[9], self.data[10], self.data[11]])
    }
}

/// One endpoint of the link: its session and everything it produced.
#[derive(Debug)]
pub struct Peer {
    /// The session under test.
    pub session: MediaSession,
    /// Events with the time they came out.
    pub events: Vec<(Instant, MediaEvent)>,
    /// Datagrams sent.
    pub sent: Vec<Sent>,
}

impl Peer {
    /// RTP packets sent (not RTCP).
    pub fn rtp(&self) -> Vec<&Sent> {
        self.sent.iter().filter(|s| s.is_rtp()).collect()
    }
    /// RTCP packets sent.
    pub fn rtcp(&self) -> Vec<&Sent> {
        self.sent.iter().filter(|s| !s.is_rtp()).collect()
    }
    /// Audio frames received: (time, pcm, timestamp, concealed).
    pub fn audio(&self) -> Vec<(Instant, &[i16], u32, bool)> {
        self.events
            .iter()
            .filter_map(|(at, e)| match e {
                MediaEvent::Audio {
                    pcm,
                    rtp_timestamp,
                    concealed,
                } => Some((*at, pcm.as_slice(), *rtp_timestamp, *concealed)),
                _ => None,
            })
            .collect()
    }
    /// DTMF digits received, in order.
    pub fn digits(&self) -> String {
        self.events
            .iter()
            .filter_map(|(_, e)| match e {
                MediaEvent::Dtmf { digit, .. } => Some(*digit),
                _ => None,
            })
            .collect()
    }
    /// How many events match `pred`.
    pub fn count(&self, pred: impl Fn(&MediaEvent) -> bool) -> usize {
        self.events.iter().filter(|(_, e)| pred(e)).count()
    }
}

/// Which way a datagram travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// From A to B.
    AtoB,
    /// From B to A.
    BtoA,
}

/// Decides the fate of each datagram: the delays it is delivered after (none = dropped).
pub type Network = Box<dyn FnMut(Dir, &Sent) -> Vec<Duration>>;

/// A fixed one-way delay for everything.
pub fn delay(d: Duration) -> Network {
    Box::new(move |_, _| vec![d])
}

struct InFlight {
    at: Instant,
    dir: Dir,
    from: SocketAddr,
    to: SocketAddr,
    data: Bytes,
}

/// Two sessions back to back.
pub struct Link {
    /// Side A (local 10.0.0.1:10000).
    pub a: Peer,
    /// Side B (local 10.0.0.2:20000).
    pub b: Peer,
    /// The virtual clock.
    pub now: Instant,
    /// The start of the run.
    pub t0: Instant,
    network: Network,
    flight: VecDeque<InFlight>,
}

impl Link {
    /// Two sessions with `codec`, `config` on both sides, and this network.
    pub fn new(codec: AudioCodec, config: &SessionConfig, network: Network) -> Self {
        let (ma, mb) = (media(codec, b_addr()), media(codec, a_addr()));
        Self::with_media(&ma, &mb, config, network)
    }

    /// Two sessions with their own negotiated media (A sends to B's address and back).
    pub fn with_media(
        ma: &NegotiatedMedia,
        mb: &NegotiatedMedia,
        config: &SessionConfig,
        network: Network,
    ) -> Self {
        let t0 = epoch();
        let mut rng = Rng::from_seed(7);
        let a = MediaSession::new(ma, a_addr(), config, &mut rng, t0);
        let b = MediaSession::new(mb, b_addr(), config, &mut rng, t0);
        let mut link = Self {
            a: Peer {
                session: a,
                events: Vec::new(),
                sent: Vec::new(),
            },
            b: Peer {
                session: b,
                events: Vec::new(),
                sent: Vec::new(),
            },
            now: t0,
            t0,
            network,
            flight: VecDeque::new(),
        };
        link.drain();
        link
    }

    /// Replaces the network behaviour.
    pub fn set_network(&mut self, network: Network) {
        self.network = network;
    }

    /// Time since the start.
    pub fn elapsed(&self) -> Duration {
        self.now - self.t0
    }

    /// Collects both sessions' outputs at the current time, putting datagrams in flight.
    pub fn drain(&mut self) {
        let now = self.now;
        for dir in [Dir::AtoB, Dir::BtoA] {
            let peer = match dir {
                Dir::AtoB => &mut self.a,
                Dir::BtoA => &mut self.b,
            };
            while let Some(out) = peer.session.poll_output() {
                match out {
                    MediaOutput::Transmit { from, to, data } => {
                        let sent = Sent {
                            at: now,
                            from,
                            to,
                            data,
                        };
                        for d in (self.network)(dir, &sent) {
                            let at = now + d;
                            let pos = self.flight.iter().position(|f| f.at > at);
                            let entry = InFlight {
                                at,
                                dir,
                                from: sent.from,
                                to: sent.to,
                                data: sent.data.clone(),
                            };
                            match pos {
                                Some(i) => self.flight.insert(i, entry),
                                None => self.flight.push_back(entry),
                            }
                        }
                        peer.sent.push(sent);
                    }
                    MediaOutput::Event(e) => peer.events.push((now, e)),
                }
            }
        }
    }

    fn deliver(&mut self, f: InFlight) {
        let now = self.now;
        let peer = match f.dir {
            Dir::AtoB => &mut self.b,
            Dir::BtoA => &mut self.a,
        };
        if f.to == peer.session.local_rtp() {
            peer.session.handle_rtp(now, f.from, f.data);
        } else if f.to == peer.session.local_rtcp() {
            peer.session.handle_rtcp(now, f.from, f.data);
        }
    }

    /// Runs both sessions and the network until `until` (inclusive).
    pub fn run_until(&mut self, until: Instant) {
        loop {
            self.drain();
            let next = [
                self.a.session.next_deadline(),
                self.b.session.next_deadline(),
                self.flight.front().map(|f| f.at),
            ]
            .into_iter()
            .flatten()
            .min();
            let Some(next) = next.filter(|t| *t <= until) else {
                break;
            };
            self.now = self.now.max(next);
            while self.flight.front().is_some_and(|f| f.at <= self.now) {
                if let Some(f) = self.flight.pop_front() {
                    self.deliver(f);
                }
            }
            let now = self.now;
            if self.a.session.next_deadline().is_some_and(|d| d <= now) {
                self.a.session.handle_timeout(now);
            }
            if self.b.session.next_deadline().is_some_and(|d| d <= now) {
                self.b.session.handle_timeout(now);
            }
        }
        self.now = self.now.max(until);
        self.drain();
    }

    /// Runs for `d` more.
    pub fn run_for(&mut self, d: Duration) {
        let until = self.now + d;
        self.run_until(until);
    }
}

/// `secs` seconds of a sine at `freq` Hz and `rate` Hz sampling, amplitude 8000.
pub fn sine(freq: f64, rate: u32, secs: f64) -> Vec<i16> {
    let n = (f64::from(rate) * secs) as usize;
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            (8000.0 * (2.0 * std::f64::consts::PI * freq * t).sin()) as i16
        })
        .collect()
}

/// Amplitude of the `freq` component of `pcm` (a single-bin DFT, normalised).
pub fn tone_amplitude(pcm: &[i16], freq: f64, rate: u32) -> f64 {
    let (mut re, mut im) = (0.0, 0.0);
    for (i, &s) in pcm.iter().enumerate() {
        let phase = 2.0 * std::f64::consts::PI * freq * i as f64 / f64::from(rate);
        re += f64::from(s) * phase.cos();
        im += f64::from(s) * phase.sin();
    }
    2.0 * (re * re + im * im).sqrt() / pcm.len().max(1) as f64
}

/// Root mean square of `pcm`.
pub fn rms(pcm: &[i16]) -> f64 {
    let sum: f64 = pcm.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    (sum / pcm.len().max(1) as f64).sqrt()
}
