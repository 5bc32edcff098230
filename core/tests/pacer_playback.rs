//! Outbound pacer playback events: finished, interrupted (barge-in) and what was cut.

mod pacer_common;

use pacer_common::{drain_at, events, g711, ms, playing, ramp, run_until, t0};
use sipvoice_core::media::{Interrupted, Pacer, PacerConfig, PacerEvent};

/// What `interrupt` returns for a cut of `cut_samples` (`cut_ms` of audio).
fn dropped(cut_samples: u64, cut_ms: u64) -> Interrupted {
    Interrupted {
        cut_samples,
        cut_ms,
    }
}

/// The event for a playback cut by `cut_samples` (`cut_ms` of audio).
fn interrupted(cut_samples: u64, cut_ms: u64) -> PacerEvent {
    PacerEvent::PlaybackInterrupted {
        cut_samples,
        cut_ms,
    }
}

#[test]
fn playback_finished_is_reported_once_when_the_last_frame_has_played() {
    let (start, mut p, mut out) = playing(480);
    run_until(&mut p, start + ms(40), &mut out);
    assert_eq!(out.len(), 3);
    assert!(events(&mut p).is_empty(), "the last frame is still playing");
    assert_eq!(p.next_deadline(), Some(start + ms(60)));
    drain_at(&mut p, start + ms(60), &mut out);
    assert_eq!(events(&mut p), [PacerEvent::PlaybackFinished]);
    run_until(&mut p, start + ms(1000), &mut out);
    assert!(events(&mut p).is_empty());
    assert_eq!(p.next_deadline(), None);
}

#[test]
fn interrupt_drops_everything_queued_at_once_and_reports_the_cut() {
    let (start, mut p, mut out) = playing(8000); // 1 s
    run_until(&mut p, start + ms(80), &mut out); // 5 frames = 100 ms sent
    let cut = p.interrupt();
    assert_eq!(cut, dropped(7200, 900));
    assert_eq!(p.queued_samples(), 0);
    run_until(&mut p, start + ms(2000), &mut out);
    assert_eq!(out.len(), 5, "nothing more is sent after the interrupt");
    assert_eq!(
        events(&mut p),
        [interrupted(7200, 900)],
        "interrupted, and not finished as well"
    );
    assert_eq!(p.stats().cut_samples, 7200);
}

#[test]
fn interrupt_counts_a_partial_frame() {
    let (_, mut p, _) = playing(400);
    let cut = p.interrupt();
    assert_eq!(cut, dropped(400, 50));
    assert_eq!(events(&mut p), [interrupted(400, 50)]);
}

#[test]
fn interrupt_with_nothing_playing_reports_nothing() {
    let start = t0();
    let mut p = Pacer::new(g711(), 0, 0).unwrap();
    let mut out = Vec::new();
    assert_eq!(p.interrupt(), dropped(0, 0));
    assert!(events(&mut p).is_empty());
    p.push_pcm(start, &ramp(0, 160)).unwrap();
    run_until(&mut p, start + ms(100), &mut out);
    assert_eq!(events(&mut p), [PacerEvent::PlaybackFinished]);
    assert_eq!(p.interrupt(), dropped(0, 0));
    assert!(events(&mut p).is_empty());
}

#[test]
fn interrupt_after_the_last_frame_left_still_ends_the_playback() {
    let (start, mut p, mut out) = playing(160);
    drain_at(&mut p, start, &mut out);
    let cut = p.interrupt(); // the frame is out but still playing
    assert_eq!(cut.cut_samples, 0);
    run_until(&mut p, start + ms(100), &mut out);
    assert_eq!(events(&mut p), [interrupted(0, 0)]);
}

#[test]
fn audio_after_an_interrupt_starts_a_new_talkspurt_on_the_running_clock() {
    let (start, mut p, mut out) = playing(1600);
    run_until(&mut p, start + ms(40), &mut out);
    p.interrupt();
    p.push_pcm(start + ms(45), &ramp(1000, 320)).unwrap();
    run_until(&mut p, start + ms(1000), &mut out);
    assert_eq!(out.len(), 5);
    assert_eq!(out[3].at, start + ms(60), "no frame sooner than one ptime");
    assert!(out[3].marker);
    assert_eq!(
        out[3].audio().unwrap()[0],
        1000,
        "the new audio, not the cut one"
    );
    assert_eq!(out[3].timestamp, 3 * 160);
    assert_eq!(
        events(&mut p),
        [interrupted(1120, 140), PacerEvent::PlaybackFinished]
    );
}

#[test]
fn an_underrun_with_a_partial_frame_waits_for_more_audio_or_finish() {
    let (start, mut p, mut out) = playing(200);
    run_until(&mut p, start + ms(500), &mut out);
    assert_eq!(out.len(), 1);
    assert!(
        events(&mut p).is_empty(),
        "40 samples still wait: not finished"
    );
    p.finish(start + ms(500));
    run_until(&mut p, start + ms(1000), &mut out);
    assert_eq!(out.len(), 2);
    assert!(out[1].marker, "a new talkspurt after the underrun");
    assert_eq!(events(&mut p), [PacerEvent::PlaybackFinished]);
}

#[test]
fn cut_is_measured_at_the_pcm_rate_for_g722() {
    let start = t0();
    let mut p = Pacer::new(PacerConfig::new(ms(20), 320, 160), 0, 0).unwrap();
    let mut out = Vec::new();
    p.push_pcm(start, &ramp(0, 3200 + 320)).unwrap();
    drain_at(&mut p, start, &mut out);
    assert_eq!(p.interrupt(), dropped(3200, 200));
}

#[test]
fn dtmf_does_not_end_or_cut_the_audio_playback() {
    let (start, mut p, mut out) = playing(320);
    p.send_dtmf(start, "9").unwrap();
    run_until(&mut p, start + ms(2000), &mut out);
    assert_eq!(out.iter().filter(|s| s.audio().is_some()).count(), 2);
    assert_eq!(
        events(&mut p),
        [
            PacerEvent::DtmfSent { digit: '9' },
            PacerEvent::PlaybackFinished
        ]
    );
}

#[test]
fn playback_finishes_on_time_even_when_dtmf_follows() {
    let (start, mut p, mut out) = playing(320);
    run_until(&mut p, start + ms(30), &mut out);
    p.send_dtmf(start + ms(30), "4").unwrap();
    drain_at(&mut p, start + ms(40), &mut out);
    assert!(
        out[2].dtmf().is_some(),
        "the key takes the slot after the audio"
    );
    assert_eq!(events(&mut p), [PacerEvent::PlaybackFinished]);
}
