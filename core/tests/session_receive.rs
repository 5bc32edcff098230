//! The receive path of one media session fed crafted packets: playout without lag, loss,
//! reordering, duplicates, and what is refused (foreign sources, payload types, garbage).

mod session_common;

use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use session_common::*;
use sipvoice_core::Rng;
use sipvoice_core::media::RtpHeader;
use sipvoice_core::sdp::{AudioCodec, Direction, NegotiatedMedia};
use sipvoice_core::session::{LATCH_PACKETS, MediaEvent, MediaOutput, MediaSession, SessionConfig};

const SSRC: u32 = 0x1234_5678;

fn packet(pt: u8, seq: u16, ts: u32, ssrc: u32, payload: &[u8]) -> Bytes {
    let mut out = vec![0u8; 12 + payload.len()];
    let header = RtpHeader {
        marker: seq == 0,
        payload_type: pt,
        sequence: seq,
        timestamp: ts,
        ssrc,
    };
    let n = header.write(&[], payload, &mut out).expect("fits");
    out.truncate(n);
    Bytes::from(out)
}

/// 20 ms of µ-law silence as packet number `n` of the test stream.
fn audio(n: u16) -> Bytes {
    packet(0, n, 1000 + u32::from(n) * 160, SSRC, &[0xff; 160])
}

struct Rx {
    s: MediaSession,
    t0: Instant,
    events: Vec<(Instant, MediaEvent)>,
    sent: Vec<(SocketAddr, SocketAddr, Bytes)>,
}

impl Rx {
    fn with(media: &NegotiatedMedia, config: &SessionConfig) -> Self {
        let t0 = epoch();
        let mut rng = Rng::from_seed(3);
        let s = MediaSession::new(media, a_addr(), config, &mut rng, t0);
        Self {
            s,
            t0,
            events: Vec::new(),
            sent: Vec::new(),
        }
    }

    fn new() -> Self {
        Self::with(
            &media(AudioCodec::Pcmu, b_addr()),
            &SessionConfig::default(),
        )
    }

    fn drain(&mut self, now: Instant) {
        while let Some(o) = self.s.poll_output() {
            match o {
                MediaOutput::Event(e) => self.events.push((now, e)),
                MediaOutput::Transmit { from, to, data } => self.sent.push((from, to, data)),
            }
        }
    }

    /// Delivers `data` from `from` at `at` ms, firing the timers due before it.
    fn recv_from(&mut self, at: u64, from: SocketAddr, data: Bytes) {
        let now = self.t0 + ms(at);
        self.run_to(now);
        self.s.handle_rtp(now, from, data);
        self.drain(now);
    }

    fn recv(&mut self, at: u64, data: Bytes) {
        self.recv_from(at, b_addr(), data);
    }

    fn run_to(&mut self, until: Instant) {
        while let Some(d) = self.s.next_deadline().filter(|d| *d <= until) {
            self.s.handle_timeout(d);
            self.drain(d);
        }
    }

    fn frames(&self) -> Vec<(Instant, u32, bool)> {
        self.events
            .iter()
            .filter_map(|(at, e)| match e {
                MediaEvent::Audio {
                    rtp_timestamp,
                    concealed,
                    ..
                } => Some((*at, *rtp_timestamp, *concealed)),
                _ => None,
            })
            .collect()
    }
}

#[test]
fn an_in_order_frame_is_played_on_the_packet_that_brings_it() {
    let mut rx = Rx::new();
    for n in 0..5u16 {
        rx.recv(u64::from(n) * 20, audio(n));
        let frames = rx.frames();
        assert_eq!(frames.len(), usize::from(n) + 1, "no one-packet lag");
        let last = frames[frames.len() - 1];
        assert_eq!(last.0, rx.t0 + ms(u64::from(n) * 20));
        assert_eq!(last.1, 1000 + u32::from(n) * 160);
        assert!(!last.2);
    }
}

#[test]
fn lost_packets_are_concealed_in_place_and_counted() {
    let mut rx = Rx::new();
    for n in (0..20u16).filter(|n| *n != 5 && *n != 6) {
        rx.recv(u64::from(n) * 20, audio(n));
    }
    let frames = rx.frames();
    assert_eq!(frames.len(), 20, "a continuous stream");
    for (i, f) in frames.iter().enumerate() {
        assert_eq!(f.1, 1000 + i as u32 * 160);
        assert_eq!(f.2, i == 5 || i == 6, "frame {i}");
    }
    let stats = rx.s.stats(rx.t0 + ms(400));
    assert_eq!(stats.packets_lost, 2);
    assert_eq!(stats.frames_concealed, 2);
    assert_eq!(stats.packets_received, 18);
    // A lost packet that turns up after its concealment is late.
    rx.recv(420, audio(5));
    let stats = rx.s.stats(rx.t0 + ms(420));
    assert_eq!(stats.packets_late, 1);
    assert_eq!(rx.frames().len(), 20);
}

#[test]
fn reordered_packets_play_in_order_and_duplicates_are_dropped() {
    let mut rx = Rx::new();
    rx.recv(0, audio(0));
    rx.recv(20, audio(1));
    // Packet 2 is 15 ms late, within the 20 ms the buffer waits for a missing frame.
    rx.recv(50, audio(3));
    rx.recv(55, audio(2));
    rx.recv(66, audio(2));
    rx.recv(80, audio(4));
    rx.recv(81, audio(4));
    let stamps: Vec<u32> = rx.frames().iter().map(|f| f.1).collect();
    assert_eq!(stamps, (0..5).map(|n| 1000 + n * 160).collect::<Vec<_>>());
    assert!(rx.frames().iter().all(|f| !f.2));
    let stats = rx.s.stats(rx.t0 + ms(100));
    assert_eq!(stats.packets_duplicated, 2);
    assert_eq!((stats.packets_lost, stats.frames_concealed), (0, 0));
}

#[test]
fn foreign_sources_payload_types_and_garbage_are_rejected_stun_ignored() {
    let mut rx = Rx::new();
    rx.recv(0, audio(0));
    rx.recv_from(20, addr("10.9.9.9:20000"), audio(1)); // wrong host
    rx.recv_from(21, addr("10.0.0.2:20002"), audio(1)); // wrong port
    rx.recv(22, packet(18, 1, 1160, SSRC, &[0; 10])); // G.729, not negotiated
    rx.recv(23, Bytes::from_static(&[0x80, 0x00, 0x01])); // truncated RTP
    rx.recv(
        24,
        Bytes::from_static(&[0x90, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe]),
    ); // bad extension
    rx.recv(25, Bytes::from_static(&[0xff, 0xff])); // not RTP at all
    rx.recv(
        26,
        Bytes::from_static(&[0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]),
    ); // STUN
    let stats = rx.s.stats(rx.t0 + ms(30));
    assert_eq!(stats.packets_rejected, 6);
    assert_eq!(stats.packets_received, 1);
    assert_eq!(rx.frames().len(), 1);
    // RTCP from a stranger is refused too.
    let rr = [0x80, 201, 0, 1, 0, 0, 0, 9];
    rx.s.handle_rtcp(
        rx.t0 + ms(40),
        addr("10.9.9.9:20001"),
        Bytes::copy_from_slice(&rr),
    );
    assert_eq!(rx.s.stats(rx.t0 + ms(40)).packets_rejected, 7);
}

#[test]
fn without_latching_a_new_source_is_never_followed() {
    let mut rx = Rx::new();
    let nat = addr("203.0.113.5:40000");
    for n in 0..20u16 {
        rx.recv_from(u64::from(n) * 20, nat, audio(n));
    }
    assert_eq!(rx.s.remote_rtp(), b_addr());
    assert_eq!(rx.s.stats(rx.t0).packets_rejected, 20);
    assert!(rx.frames().is_empty());
}

#[test]
fn symmetric_rtp_latches_only_onto_a_checked_source() {
    let config = SessionConfig {
        symmetric_rtp: true,
        ..SessionConfig::default()
    };
    let mut rx = Rx::with(&media(AudioCodec::Pcmu, b_addr()), &config);
    let stray = addr("198.51.100.66:6666");
    let nat = addr("203.0.113.5:40000");
    // One stray packet, then a broken sequence: nothing is followed.
    rx.recv_from(0, stray, packet(0, 500, 0, 0xbad, &[0xff; 160]));
    rx.recv_from(10, nat, audio(0));
    rx.recv_from(20, nat, audio(2));
    rx.recv_from(25, stray, packet(0, 501, 160, 0xbad, &[0xff; 160]));
    assert_eq!(rx.s.remote_rtp(), b_addr());
    // Consecutive packets of one SSRC from one address: latched on the last check.
    let latch_after = u16::from(LATCH_PACKETS);
    for n in 3..3 + latch_after {
        assert_eq!(rx.s.remote_rtp(), b_addr());
        rx.recv_from(u64::from(n) * 20, nat, audio(n));
    }
    assert_eq!(rx.s.remote_rtp(), nat);
    assert_eq!(
        rx.s.stats(rx.t0).packets_rejected,
        4 + u64::from(latch_after) - 1
    );
    assert_eq!(rx.frames().len(), 1, "the latching packet is played");
    // Our audio now goes to the latched address, RTCP to the port above it.
    let now = rx.t0 + ms(200);
    rx.run_to(now);
    rx.s.send_audio(now, &[0i16; 160]);
    rx.drain(now);
    assert!(
        rx.sent
            .iter()
            .any(|(_, to, d)| *to == nat && d[1] & 0x7f == 0)
    );
    rx.run_to(rx.t0 + ms(10_000));
    assert!(rx.sent.iter().any(|(from, to, d)| d[1] >= 200
        && *to == addr("203.0.113.5:40001")
        && *from == addr("10.0.0.1:10001")));
    // A spoofer with another SSRC cannot take over a live source.
    for step in 0..10u16 {
        let at = 10_000 + u64::from(step) * 20;
        rx.recv_from(at, nat, audio(100 + step));
        rx.recv_from(at + 1, stray, packet(0, 800 + step, 0, 0xbad, &[0xff; 160]));
    }
    assert_eq!(rx.s.remote_rtp(), nat);
}

#[test]
fn a_session_that_does_not_receive_plays_nothing_out() {
    let mut m = media(AudioCodec::Pcmu, b_addr());
    m.direction = Direction::SendOnly;
    let mut rx = Rx::with(&m, &SessionConfig::default());
    for n in 0..10u16 {
        rx.recv(u64::from(n) * 20, audio(n));
    }
    assert!(rx.frames().is_empty());
    assert_eq!(rx.s.stats(rx.t0).packets_received, 10);
}

#[test]
fn dtmf_on_the_audio_ssrc_is_not_mistaken_for_loss() {
    let mut rx = Rx::new();
    let mut seq = 0u16;
    for n in 0..10u16 {
        rx.recv(
            u64::from(n) * 20,
            packet(0, seq, 1000 + u32::from(n) * 160, SSRC, &[0xff; 160]),
        );
        seq += 1;
    }
    // Key 3 for 60 ms (three updates, three end packets) on the audio SSRC and sequence.
    let ev_ts = 1000 + 10 * 160;
    for (i, (end, dur)) in [
        (false, 160u16),
        (false, 320),
        (true, 480),
        (true, 480),
        (true, 480),
    ]
    .into_iter()
    .enumerate()
    {
        let flags = if end { 0x80 } else { 0 } | 10;
        let [d0, d1] = dur.to_be_bytes();
        rx.recv(
            200 + i as u64 * 20,
            packet(101, seq, ev_ts, SSRC, &[3, flags, d0, d1]),
        );
        seq += 1;
    }
    for n in 15..25u16 {
        rx.recv(
            u64::from(n) * 20,
            packet(0, seq, 1000 + u32::from(n) * 160, SSRC, &[0xff; 160]),
        );
        seq += 1;
    }
    let digits: Vec<(char, u32)> = rx
        .events
        .iter()
        .filter_map(|(_, e)| match e {
            MediaEvent::Dtmf { digit, duration_ms } => Some((*digit, *duration_ms)),
            _ => None,
        })
        .collect();
    assert_eq!(digits, vec![('3', 60)]);
    let stats = rx.s.stats(rx.t0 + ms(500));
    assert_eq!((stats.packets_lost, stats.frames_concealed), (0, 0));
    assert_eq!(stats.dtmf_received, 1);
}

#[test]
fn prefetch_holds_playout_until_enough_packets_arrived() {
    let config = SessionConfig {
        jitter_prefetch: 3,
        ..SessionConfig::default()
    };
    let mut rx = Rx::with(&media(AudioCodec::Pcmu, b_addr()), &config);
    rx.recv(0, audio(0));
    rx.recv(20, audio(1));
    assert!(rx.frames().is_empty(), "two packets are not enough");
    rx.recv(40, audio(2));
    let frames = rx.frames();
    assert_eq!(frames.len(), 3, "the third starts playout of all three");
    assert!(frames.iter().all(|f| f.0 == rx.t0 + ms(40) && !f.2));
    rx.recv(60, audio(3));
    assert_eq!(rx.frames().len(), 4, "then in-order frames play at once");
}

#[test]
fn a_new_ssrc_restarts_the_stream_without_loss() {
    let mut rx = Rx::new();
    for n in 0..10u16 {
        rx.recv(u64::from(n) * 20, audio(n));
    }
    // The peer restarts its stream: new SSRC, sequence and timestamp.
    for n in 0..10u16 {
        let at = 200 + u64::from(n) * 20;
        let p = packet(
            0,
            40_000 + n,
            9_000_000 + u32::from(n) * 160,
            0xfeed,
            &[0xff; 160],
        );
        rx.recv(at, p);
    }
    let frames = rx.frames();
    assert_eq!(frames.len(), 20);
    assert!(frames.iter().all(|f| !f.2));
    assert_eq!(frames[10].1, 9_000_000);
    let stats = rx.s.stats(rx.t0 + ms(400));
    assert_eq!((stats.packets_lost, stats.packets_received), (0, 20));
}
