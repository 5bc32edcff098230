//! The steady state of a media session allocates little: one PCM vector per frame played
//! out, and nearly nothing per packet sent (a counting global allocator watches).
// A global allocator is the only way to observe allocations; it only counts and
// forwards to the system allocator.
#![allow(unsafe_code)]

mod counting_alloc;
mod session_common;

use bytes::{Bytes, BytesMut};
use counting_alloc::allocations;
use session_common::*;
use sipvoice_core::Rng;
use sipvoice_core::media::RtpHeader;
use sipvoice_core::sdp::AudioCodec;
use sipvoice_core::session::{MediaEvent, MediaOutput, MediaSession, SessionConfig};

#[test]
fn steady_state_allocations_per_frame() {
    for codec in [AudioCodec::Pcmu, AudioCodec::G722] {
        let t0 = epoch();
        let mut rng = Rng::from_seed(4);
        let m = media(codec, b_addr());
        let mut s = MediaSession::new(&m, a_addr(), &SessionConfig::default(), &mut rng, t0);
        let spf = if codec == AudioCodec::G722 { 320 } else { 160 };
        let frames = 600u16;
        // Datagrams as a runtime receives them: frozen out of one receive buffer, so that
        // slicing the payload out of one shares it instead of copying.
        let mut buffer = BytesMut::with_capacity(172 * usize::from(frames));
        let packets: Vec<Bytes> = (0..frames)
            .map(|n| {
                let header = RtpHeader {
                    marker: n == 0,
                    payload_type: m.payload_type,
                    sequence: n,
                    timestamp: u32::from(n) * 160,
                    ssrc: 5,
                };
                header.write_to(&[], &[0x55; 160], &mut buffer).unwrap_or(0);
                buffer.split().freeze()
            })
            .collect();
        let pcm = vec![500i16; spf];
        let (mut played, mut sent) = (0usize, 0usize);
        let mut before = 0;
        for (n, packet) in packets.into_iter().enumerate() {
            if n == 100 {
                before = allocations();
                (played, sent) = (0, 0);
            }
            let now = t0 + ms(20 * n as u64);
            s.handle_timeout(now);
            s.send_audio(now, &pcm);
            s.handle_rtp(now, b_addr(), packet);
            while let Some(out) = s.poll_output() {
                match out {
                    MediaOutput::Event(MediaEvent::Audio { pcm, .. }) => {
                        assert_eq!(pcm.len(), spf);
                        played += 1;
                    }
                    MediaOutput::Transmit { data, .. } if data[1] & 0x7f == m.payload_type => {
                        sent += 1;
                    }
                    _ => {}
                }
            }
        }
        let spent = allocations() - before;
        assert_eq!((played, sent), (500, 500), "{codec:?}");
        // One vector per played frame; RTCP reports and buffer recycling add a handful.
        assert!(spent >= played, "{codec:?}: {spent} allocations");
        assert!(
            spent <= played + 10,
            "{codec:?}: {spent} allocations for 500 frames each way"
        );
    }
}
