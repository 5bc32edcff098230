//! Media sessions over an impaired network: loss, jitter, reordering and duplicates are
//! concealed and counted, and the played stream stays continuous.

mod session_common;

use std::sync::{Arc, Mutex};

use session_common::*;
use sipvoice_core::Rng;
use sipvoice_core::sdp::AudioCodec;
use sipvoice_core::session::SessionConfig;

#[test]
fn loss_jitter_and_duplicates_are_concealed_and_counted() {
    let dropped = Arc::new(Mutex::new(Vec::<u16>::new()));
    let log = Arc::clone(&dropped);
    let mut rng = Rng::from_seed(42);
    let mut index = 0u32;
    let network: Network = Box::new(move |dir, sent| {
        if dir != Dir::AtoB || !sent.is_rtp() {
            return vec![ms(20)];
        }
        index += 1;
        // Keep the first packets (source validation) and the last ones (loss at the very
        // end of a stream cannot be seen).
        let protected = index <= 3 || index > 240;
        let extra = ms(u64::from(rng.below(30)));
        match rng.below(100) {
            0..=5 if !protected => {
                log.lock().expect("log").push(sent.seq());
                vec![]
            }
            6..=8 => vec![ms(20) + extra, ms(25) + extra],
            _ => vec![ms(20) + extra],
        }
    });
    let mut link = Link::new(AudioCodec::Pcmu, &SessionConfig::default(), network);
    link.a.session.send_audio(link.now, &sine(440.0, 8000, 5.0));
    link.run_for(ms(6000));

    let dropped = dropped.lock().expect("log").len() as u64;
    assert!(dropped >= 5, "the network dropped {dropped}");
    let stats = link.b.session.stats(link.now);
    assert_eq!(stats.packets_lost, dropped);
    assert!(stats.packets_duplicated >= 3, "{stats:?}");
    assert!(stats.jitter_ms > 1.0, "{stats:?}");
    assert!(stats.frames_concealed >= dropped);
    assert!(stats.frames_concealed <= dropped + stats.packets_late);

    let frames = link.b.audio();
    assert_eq!(
        frames.len(),
        250,
        "every one of the 250 frames played or concealed"
    );
    for pair in frames.windows(2) {
        assert_eq!(pair[1].2.wrapping_sub(pair[0].2), 160, "no gap, no repeat");
        assert!(pair[1].0 >= pair[0].0);
    }
    let concealed = frames.iter().filter(|f| f.3).count() as u64;
    assert_eq!(concealed, stats.frames_concealed);
    // The tone survives: concealment repeats it rather than leaving holes.
    let pcm: Vec<i16> = frames[5..]
        .iter()
        .flat_map(|f| f.1.iter().copied())
        .collect();
    assert!(tone_amplitude(&pcm, 440.0, 8000) > 5000.0);
}

/// Concealed frames of B over 10 s of A's audio through a network adding 0–60 ms of jitter.
fn concealed_under_jitter(adaptive: Option<std::time::Duration>) -> (u64, usize) {
    let mut rng = Rng::from_seed(11);
    let network: Network = Box::new(move |_, _| vec![ms(10 + u64::from(rng.below(60)))]);
    let mut link = Link::new(AudioCodec::Pcmu, &SessionConfig::default(), network);
    link.b.session.set_adaptive_playout(adaptive, link.now);
    link.a
        .session
        .send_audio(link.now, &sine(440.0, 8000, 10.0));
    link.run_for(ms(10_500));
    let stats = link.b.session.stats(link.now);
    assert_eq!(stats.packets_lost, 0, "nothing is lost, only delayed");
    (stats.frames_concealed, link.b.audio().len())
}

#[test]
fn adaptive_playout_waits_out_jitter_that_the_fixed_wait_conceals() {
    let (fixed, fixed_frames) = concealed_under_jitter(None);
    let (adaptive, adaptive_frames) = concealed_under_jitter(Some(ms(200)));
    assert!(fixed > 20, "a fixed 20 ms wait conceals often: {fixed}");
    assert!(adaptive * 4 < fixed, "adaptive {adaptive} vs fixed {fixed}");
    // Either way the stream stays whole: one frame (played or concealed) per 20 ms.
    assert_eq!(fixed_frames, 500);
    assert_eq!(adaptive_frames, 500);
}
