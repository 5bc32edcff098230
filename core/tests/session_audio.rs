//! Two media sessions back to back: audio both ways, pacing, talkspurts and interruption.

mod session_common;

use std::time::Duration;

use session_common::*;
use sipvoice_core::sdp::AudioCodec;
use sipvoice_core::session::{MediaEvent, SessionConfig};

fn rate_of(codec: AudioCodec) -> u32 {
    match codec {
        AudioCodec::G722 => 16000,
        _ => 8000,
    }
}

/// Three seconds of a 440 Hz sine each way survive the codec: every frame arrives in order,
/// nothing is concealed, and the tone is there.
fn audio_both_ways(codec: AudioCodec) {
    let rate = rate_of(codec);
    let mut link = Link::new(codec, &SessionConfig::default(), delay(ms(30)));
    let a_tone = sine(440.0, rate, 3.0);
    let b_tone = sine(1000.0, rate, 3.0);
    // A hands its audio in uneven pieces; B all at once.
    let start = link.now;
    for chunk in a_tone.chunks(777) {
        link.a.session.send_audio(link.now, chunk);
    }
    link.b.session.send_audio(link.now, &b_tone);
    link.run_until(start + ms(3200));

    let spf = (rate / 50) as usize;
    for (peer, freq, other) in [(&link.b, 440.0, 1000.0), (&link.a, 1000.0, 440.0)] {
        let frames = peer.audio();
        assert_eq!(frames.len(), 150, "{codec:?}: every frame delivered");
        assert!(frames.iter().all(|f| f.1.len() == spf && !f.3));
        for pair in frames.windows(2) {
            assert_eq!(
                pair[1].2.wrapping_sub(pair[0].2),
                160,
                "timestamps without gaps"
            );
            assert_eq!(pair[1].0 - pair[0].0, ms(20), "one frame per ptime");
        }
        // Skip the codec's start-up, then look for the tone in the decoded audio.
        let pcm: Vec<i16> = frames[5..]
            .iter()
            .flat_map(|f| f.1.iter().copied())
            .collect();
        let wanted = tone_amplitude(&pcm, freq, rate);
        let unwanted = tone_amplitude(&pcm, other, rate);
        assert!(wanted > 6000.0, "{codec:?}: tone amplitude {wanted}");
        assert!(unwanted < 500.0, "{codec:?}: other tone {unwanted}");
        assert!(rms(&pcm) > 4000.0);
        assert_eq!(peer.count(|e| *e == MediaEvent::PlaybackFinished), 1);
    }
    let sa = link.a.session.stats(link.now);
    let sb = link.b.session.stats(link.now);
    assert_eq!((sa.packets_sent, sb.packets_received), (150, 150));
    assert_eq!((sb.packets_sent, sa.packets_received), (150, 150));
    assert_eq!(sa.bytes_sent, 150 * 160);
    assert_eq!(sb.bytes_received, 150 * 160);
    for s in [&sa, &sb] {
        assert_eq!(
            (s.packets_lost, s.frames_concealed, s.packets_rejected),
            (0, 0, 0)
        );
        assert!(
            s.jitter_ms < 0.5,
            "constant delay gives no jitter: {}",
            s.jitter_ms
        );
    }
}

#[test]
fn pcmu_audio_both_ways() {
    audio_both_ways(AudioCodec::Pcmu);
}

#[test]
fn pcma_audio_both_ways() {
    audio_both_ways(AudioCodec::Pcma);
}

#[test]
fn g722_audio_both_ways() {
    audio_both_ways(AudioCodec::G722);
}

#[test]
fn packets_leave_exactly_one_ptime_apart_with_the_first_at_once() {
    let mut link = Link::new(AudioCodec::Pcmu, &SessionConfig::default(), delay(ms(5)));
    link.run_for(ms(333));
    let pushed_at = link.now;
    link.a
        .session
        .send_audio(pushed_at, &sine(300.0, 8000, 1.0));
    link.drain();
    let rtp = link.a.rtp();
    assert_eq!(rtp.len(), 1, "the first frame leaves at once, only one");
    assert_eq!(rtp[0].at, pushed_at);
    link.run_for(ms(1500));
    let rtp = link.a.rtp();
    assert_eq!(rtp.len(), 50);
    assert!(rtp[0].marker());
    assert!(rtp[1..].iter().all(|p| !p.marker()));
    for pair in rtp.windows(2) {
        assert_eq!(pair[1].at - pair[0].at, ms(20));
        assert_eq!(pair[1].seq(), pair[0].seq().wrapping_add(1));
        assert_eq!(pair[1].ts().wrapping_sub(pair[0].ts()), 160);
        assert_eq!(pair[1].ssrc(), pair[0].ssrc());
        assert_eq!(pair[1].pt(), 0);
    }
    assert_eq!(rtp[0].ssrc(), link.a.session.ssrc());
    assert!(rtp.iter().all(|p| p.to == b_addr() && p.from == a_addr()));
}

#[test]
fn interrupt_cuts_the_queue_at_once_and_the_stream_stays_continuous() {
    let mut link = Link::new(AudioCodec::Pcmu, &SessionConfig::default(), delay(ms(5)));
    link.a.session.send_audio(link.now, &sine(300.0, 8000, 2.0));
    link.run_for(ms(510)); // 26 frames: at 0, 20, ..., 500 ms
    let cut = link.a.session.interrupt(link.now);
    assert_eq!(cut, ms(2000 - 26 * 20), "everything not yet sent is cut");
    link.drain();
    assert_eq!(
        link.a
            .count(|e| *e == MediaEvent::PlaybackInterrupted { cut: ms(1480) }),
        1
    );
    let before = link.a.rtp().len();
    assert_eq!(before, 26);
    link.run_for(ms(500));
    assert_eq!(
        link.a.rtp().len(),
        before,
        "nothing sent after the interrupt"
    );
    assert_eq!(link.a.count(|e| *e == MediaEvent::PlaybackFinished), 0);

    // A new talkspurt: marker bit, next sequence number, timestamp that followed the clock.
    let resumed_at = link.now;
    link.a
        .session
        .send_audio(resumed_at, &sine(300.0, 8000, 0.2));
    link.run_for(ms(400));
    let rtp = link.a.rtp();
    assert_eq!(rtp.len(), before + 10);
    let (last, first) = (rtp[before - 1], rtp[before]);
    assert!(first.marker());
    assert_eq!(first.at, resumed_at);
    assert_eq!(first.seq(), last.seq().wrapping_add(1));
    let elapsed = first.at - last.at;
    let ticks = (elapsed.as_micros() * 8 / 1000) as u32;
    assert_eq!(first.ts().wrapping_sub(last.ts()), ticks);
    assert_eq!(link.a.count(|e| *e == MediaEvent::PlaybackFinished), 1);
    // The receiver saw no loss: the sequence numbers never skipped.
    assert_eq!(link.b.session.stats(link.now).packets_lost, 0);
}

#[test]
fn interrupt_with_nothing_queued_cuts_nothing() {
    let mut link = Link::new(AudioCodec::Pcmu, &SessionConfig::default(), delay(ms(5)));
    assert_eq!(link.a.session.interrupt(link.now), Duration::ZERO);
    link.drain();
    assert_eq!(
        link.a
            .count(|e| matches!(e, MediaEvent::PlaybackInterrupted { .. })),
        0
    );
}

#[test]
fn a_partial_last_frame_is_padded_and_finishes_playback() {
    let mut link = Link::new(AudioCodec::Pcmu, &SessionConfig::default(), delay(ms(5)));
    link.a.session.send_audio(link.now, &[1000i16; 400]); // 2.5 frames
    link.run_for(ms(200));
    let rtp = link.a.rtp();
    assert_eq!(rtp.len(), 3, "two full frames and a padded one");
    assert_eq!(link.a.count(|e| *e == MediaEvent::PlaybackFinished), 1);
    let frames = link.b.audio();
    assert_eq!(frames.len(), 3);
    let last = frames[2].1;
    assert!(last[..80].iter().all(|&s| s > 500), "the real samples");
    assert!(last[80..].iter().all(|&s| s.abs() < 50), "silence padding");
}

#[test]
fn g722_frames_carry_320_samples_on_a_160_tick_clock() {
    let mut link = Link::new(AudioCodec::G722, &SessionConfig::default(), delay(ms(5)));
    link.a
        .session
        .send_audio(link.now, &sine(500.0, 16000, 0.5));
    link.run_for(ms(700));
    let rtp = link.a.rtp();
    assert_eq!(rtp.len(), 25);
    assert!(rtp.iter().all(|p| p.pt() == 9 && p.data.len() == 12 + 160));
    let frames = link.b.audio();
    assert_eq!(frames.len(), 25);
    assert!(frames.iter().all(|f| f.1.len() == 320));
    assert_eq!(frames[1].2.wrapping_sub(frames[0].2), 160);
}
