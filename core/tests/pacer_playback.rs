//! Outbound pacer playback events: finished, interrupted (barge-in) and what was cut.

mod pacer_common;

use pacer_common::{drain_at, events, g711, ms, ramp, run_until, t0};
use sipvoice_core::media::{Interrupted, Pacer, PacerConfig, PacerEvent};

#[test]
fn playback_finished_is_reported_once_when_the_last_frame_has_played() {
    let start = t0();
    let mut p = Pacer::new(g711(), 0, 0).unwrap();
    let mut out = Vec::new();
    p.push_pcm(start, &ramp(0, 480)).unwrap();
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
    let start = t0();
    let mut p = Pacer::new(g711(), 0, 0).unwrap();
    let mut out = Vec::new();
    p.push_pcm(start, &ramp(0, 8000)).unwrap(); // 1 s
    run_until(&mut p, start + ms(80), &mut out); // 5 frames = 100 ms sent
    let cut = p.interrupt();
    assert_eq!(
        cut,
        Interrupted {
            cut_samples: 7200,
            cut_ms: 900
        }
    );
    assert_eq!(p.queued_samples(), 0);
    run_until(&mut p, start + ms(2000), &mut out);
    assert_eq!(out.len(), 5, "nothing more is sent after the interrupt");
    assert_eq!(
        events(&mut p),
        [PacerEvent::PlaybackInterrupted {
            cut_samples: 7200,
            cut_ms: 900
        }],
        "interrupted, and not finished as well"
    );
    assert_eq!(p.stats().cut_samples, 7200);
}

#[test]
fn interrupt_counts_a_partial_frame() {
    let start = t0();
    let mut p = Pacer::new(g711(), 0, 0).unwrap();
    p.push_pcm(start, &ramp(0, 400)).unwrap();
    let cut = p.interrupt();
    assert_eq!(
        cut,
        Interrupted {
            cut_samples: 400,
            cut_ms: 50
        }
    );
    assert_eq!(
        events(&mut p),
        [PacerEvent::PlaybackInterrupted {
            cut_samples: 400,
            cut_ms: 50
        }]
    );
}

#[test]
fn interrupt_with_nothing_playing_reports_nothing() {
    let start = t0();
    let mut p = Pacer::new(g711(), 0, 0).unwrap();
    let mut out = Vec::new();
    assert_eq!(
        p.interrupt(),
        Interrupted {
            cut_samples: 0,
            cut_ms: 0
        }
    );
    assert!(events(&mut p).is_empty());
    p.push_pcm(start, &ramp(0, 160)).unwrap();
    run_until(&mut p, start + ms(100), &mut out);
    assert_eq!(events(&mut p), [PacerEvent::PlaybackFinished]);
    assert_eq!(
        p.interrupt(),
        Interrupted {
            cut_samples: 0,
            cut_ms: 0
        }
    );
    assert!(events(&mut p).is_empty());
}

#[test]
fn interrupt_after_the_last_frame_left_still_ends_the_playback() {
    let start = t0();
    let mut p = Pacer::new(g711(), 0, 0).unwrap();
    let mut out = Vec::new();
    p.push_pcm(start, &ramp(0, 160)).unwrap();
    drain_at(&mut p, start, &mut out);
    let cut = p.interrupt(); // the frame is out but still playing
    assert_eq!(cut.cut_samples, 0);
    run_until(&mut p, start + ms(100), &mut out);
    assert_eq!(
        events(&mut p),
        [PacerEvent::PlaybackInterrupted {
            cut_samples: 0,
            cut_ms: 0
        }]
    );
}

#[test]
fn audio_after_an_interrupt_starts_a_new_talkspurt_on_the_running_clock() {
    let start = t0();
    let mut p = Pacer::new(g711(), 0, 0).unwrap();
    let mut out = Vec::new();
    p.push_pcm(start, &ramp(0, 1600)).unwrap();
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
        [
            PacerEvent::PlaybackInterrupted {
                cut_samples: 1120,
                cut_ms: 140
            },
            PacerEvent::PlaybackFinished
        ]
    );
}

#[test]
fn an_underrun_with_a_partial_frame_waits_for_more_audio_or_finish() {
    let start = t0();
    let mut p = Pacer::new(g711(), 0, 0).unwrap();
    let mut out = Vec::new();
    p.push_pcm(start, &ramp(0, 200)).unwrap();
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
    assert_eq!(
        p.interrupt(),
        Interrupted {
            cut_samples: 3200,
            cut_ms: 200
        }
    );
}

#[test]
fn dtmf_does_not_end_or_cut_the_audio_playback() {
    let start = t0();
    let mut p = Pacer::new(g711(), 0, 0).unwrap();
    let mut out = Vec::new();
    p.push_pcm(start, &ramp(0, 320)).unwrap();
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
    let start = t0();
    let mut p = Pacer::new(g711(), 0, 0).unwrap();
    let mut out = Vec::new();
    p.push_pcm(start, &ramp(0, 320)).unwrap();
    run_until(&mut p, start + ms(30), &mut out);
    p.send_dtmf(start + ms(30), "4").unwrap();
    drain_at(&mut p, start + ms(40), &mut out);
    assert!(
        out[2].dtmf().is_some(),
        "the key takes the slot after the audio"
    );
    assert_eq!(events(&mut p), [PacerEvent::PlaybackFinished]);
}
