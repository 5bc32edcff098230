//! Property tests of a media session: any sequence of datagrams, commands and timeouts is
//! handled without a panic, and the session never asks to be woken in the past.

mod session_common;

use bytes::Bytes;
use proptest::prelude::*;
use session_common::*;
use sipvoice_core::Rng;
use sipvoice_core::media::RtpHeader;
use sipvoice_core::sdp::{AudioCodec, Direction};
use sipvoice_core::session::{MediaEvent, MediaOutput, MediaSession, SessionConfig};

#[derive(Debug, Clone)]
enum Op {
    Audio {
        seq: u16,
        ssrc: u8,
        late: bool,
    },
    Event {
        seq: u16,
        code: u8,
        end: bool,
        dur: u16,
    },
    Garbage(Vec<u8>),
    Rtcp(Vec<u8>),
    Send(usize),
    Interrupt,
    Dtmf(String),
    Hold(bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u16..400, 0u8..2, any::<bool>()).prop_map(|(seq, ssrc, late)| Op::Audio { seq, ssrc, late }),
        2 => (0u16..400, 0u8..20, any::<bool>(), any::<u16>())
            .prop_map(|(seq, code, end, dur)| Op::Event { seq, code, end, dur }),
        1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(Op::Garbage),
        1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(|mut v| {
            if v.len() > 1 { v[0] = 0x80; v[1] = 200 + v[1] % 5; }
            Op::Rtcp(v)
        }),
        2 => (0usize..3000).prop_map(Op::Send),
        1 => Just(Op::Interrupt),
        1 => "[0-9A-D*#x]{0,4}".prop_map(Op::Dtmf),
        1 => any::<bool>().prop_map(Op::Hold),
    ]
}

fn rtp(pt: u8, seq: u16, ts: u32, ssrc: u32, payload: &[u8]) -> Bytes {
    let mut out = vec![0u8; 12 + payload.len()];
    let header = RtpHeader {
        marker: false,
        payload_type: pt,
        sequence: seq,
        timestamp: ts,
        ssrc,
    };
    let n = header.write(&[], payload, &mut out).unwrap_or(0);
    out.truncate(n);
    Bytes::from(out)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_input_is_handled_and_deadlines_move_forward(
        codec in prop_oneof![Just(AudioCodec::Pcmu), Just(AudioCodec::G722)],
        symmetric in any::<bool>(),
        prefetch in 0usize..4,
        ops in proptest::collection::vec((0u64..45, op()), 1..120),
    ) {
        let t0 = epoch();
        let config = SessionConfig {
            jitter_capacity: 8,
            jitter_prefetch: prefetch,
            symmetric_rtp: symmetric,
            inactivity_timeout: ms(300),
            establishment_timeout: ms(500),
            ..SessionConfig::default()
        };
        let m = media(codec, b_addr());
        let mut rng = Rng::from_seed(5);
        let mut s = MediaSession::new(&m, a_addr(), &config, &mut rng, t0);
        let mut now = t0;
        let mut frames = 0u64;
        let mut inactive = 0;
        for (step, op) in ops {
            let target = now + ms(step);
            while let Some(d) = s.next_deadline().filter(|d| *d <= target) {
                prop_assert!(d >= now, "a deadline in the past");
                now = d;
                s.handle_timeout(now);
                prop_assert!(s.next_deadline().is_none_or(|d| d > now), "woken again at once");
            }
            now = target;
            match op {
                Op::Audio { seq, ssrc, late } => {
                    let from = if late { addr("10.7.7.7:9") } else { b_addr() };
                    let ts = u32::from(seq) * 160;
                    s.handle_rtp(now, from, rtp(m.payload_type, seq, ts, 100 + u32::from(ssrc), &[0x55; 160]));
                }
                Op::Event { seq, code, end, dur } => {
                    let [d0, d1] = dur.to_be_bytes();
                    let flags = if end { 0x80 } else { 0 };
                    s.handle_rtp(now, b_addr(), rtp(101, seq, 7, 100, &[code, flags, d0, d1]));
                }
                Op::Garbage(g) => s.handle_rtp(now, b_addr(), Bytes::from(g)),
                Op::Rtcp(g) => s.handle_rtcp(now, b_addr(), Bytes::from(g)),
                Op::Send(n) => s.send_audio(now, &vec![1000i16; n]),
                Op::Interrupt => { s.interrupt(now); }
                Op::Dtmf(d) => {
                    let ok = s.send_dtmf(now, &d, ms(80)).is_ok();
                    prop_assert_eq!(ok, !d.contains('x'));
                }
                Op::Hold(hold) => {
                    let mut m2 = m.clone();
                    m2.on_hold = hold;
                    m2.direction = if hold { Direction::RecvOnly } else { Direction::SendRecv };
                    s.update(&m2, now);
                }
            }
            prop_assert!(s.next_deadline().is_none_or(|d| d > now), "woken again at once");
            while let Some(o) = s.poll_output() {
                match o {
                    MediaOutput::Event(MediaEvent::Audio { pcm, .. }) => {
                        prop_assert!(!pcm.is_empty());
                        frames += 1;
                    }
                    MediaOutput::Event(MediaEvent::Inactive { .. }) => inactive += 1,
                    MediaOutput::Transmit { data, .. } => prop_assert!(data.len() >= 8),
                    MediaOutput::Event(_) => {}
                }
            }
        }
        prop_assert!(inactive <= 1, "the watchdog fires once");
        let stats = s.finish(now);
        prop_assert!(stats.frames_concealed <= frames);
        prop_assert_eq!(s.next_deadline(), None);
    }
}
