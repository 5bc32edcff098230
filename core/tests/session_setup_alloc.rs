//! Setting up and tearing down a call's media is cheap: a session that has not seen audio
//! yet holds no heap memory, and ending it costs only its RTCP BYE (a counting global
//! allocator watches; one test per binary, so nothing else allocates meanwhile).
// A global allocator is the only way to observe allocations; it only counts and
// forwards to the system allocator.
#![allow(unsafe_code)]

mod counting_alloc;
mod session_common;

use counting_alloc::allocations;
use session_common::*;
use sipvoice_core::Rng;
use sipvoice_core::sdp::AudioCodec;
use sipvoice_core::session::{MediaOutput, MediaSession, SessionConfig};

#[test]
fn a_session_without_audio_allocates_only_its_bye() {
    for codec in [AudioCodec::Pcmu, AudioCodec::Pcma, AudioCodec::G722] {
        let t0 = epoch();
        let mut rng = Rng::from_seed(9);
        let m = media(codec, b_addr());
        let config = SessionConfig::default();
        let before = allocations();
        let mut s = MediaSession::new(&m, a_addr(), &config, &mut rng, t0);
        s.handle_timeout(t0 + ms(1));
        assert_eq!(allocations() - before, 0, "{codec:?}: setting up allocated");
        assert!(s.next_deadline().is_some());

        let before = allocations();
        s.finish(t0 + ms(2));
        let mut byes = 0;
        while let Some(out) = s.poll_output() {
            if let MediaOutput::Transmit { data, .. } = out {
                assert_eq!(data.get(1), Some(&201), "a receiver report first");
                byes += 1;
            }
        }
        drop(s);
        assert_eq!(byes, 1, "{codec:?}");
        // The BYE's bytes and the output queue that holds it.
        let spent = allocations() - before;
        assert!(spent <= 2, "{codec:?}: ending took {spent} allocations");
    }
}
