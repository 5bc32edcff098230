//! Setting up and tearing down a call's media is cheap: a session that has not seen audio
//! yet holds no heap memory, and ending it costs only its RTCP BYE (a counting global
//! allocator watches). The counter is global: the test harness's own thread may allocate
//! while a test starts, so each figure is the least of a few rounds.
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

/// Allocations made by one session's setup and by its end (without audio).
fn setup_and_end(codec: AudioCodec, seed: u64) -> (usize, usize) {
    let t0 = epoch();
    let mut rng = Rng::from_seed(seed);
    let m = media(codec, b_addr());
    let config = SessionConfig::default();
    let before = allocations();
    let mut s = MediaSession::new(&m, a_addr(), &config, &mut rng, t0);
    s.handle_timeout(t0 + ms(1));
    let setup = allocations() - before;
    assert!(s.next_deadline().is_some());

    let before = allocations();
    s.finish(t0 + ms(2));
    let mut reports = 0;
    while let Some(out) = s.poll_output() {
        if let MediaOutput::Transmit { data, .. } = out {
            assert_eq!(data.get(1), Some(&201), "a receiver report, then the BYE");
            reports += 1;
        }
    }
    drop(s);
    assert_eq!(reports, 1, "{codec:?}");
    (setup, allocations() - before)
}

#[test]
fn a_session_without_audio_allocates_only_its_bye() {
    for codec in [AudioCodec::Pcmu, AudioCodec::Pcma, AudioCodec::G722] {
        let rounds: Vec<(usize, usize)> = (0..5).map(|seed| setup_and_end(codec, seed)).collect();
        let setup = rounds.iter().map(|r| r.0).min();
        let end = rounds.iter().map(|r| r.1).min();
        assert_eq!(setup, Some(0), "{codec:?}: setting up allocated");
        // The BYE's bytes.
        assert_eq!(
            end,
            Some(1),
            "{codec:?}: ending allocated more than the BYE"
        );
    }
}
