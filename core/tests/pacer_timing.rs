//! Outbound pacer timing: one frame per slot, talkspurts, timestamps and framing.

mod pacer_common;

use pacer_common::{Sent, drain_at, g711, ms, playing, ramp, run_until, t0};
use sipvoice_core::media::{Pacer, PacerConfig, PacerError};

#[test]
fn frames_go_out_exactly_ptime_apart() {
    let start = t0();
    let mut p = Pacer::new(g711(), 10, 1000).unwrap();
    p.push_pcm(start, &ramp(0, 8000)).unwrap();
    let mut out = Vec::new();
    run_until(&mut p, start + ms(5000), &mut out);
    assert_eq!(out.len(), 50);
    for (k, s) in out.iter().enumerate() {
        assert_eq!(s.at, start + ms(20 * k as u64), "frame {k}");
        assert_eq!(s.seq, 10 + k as u16);
        assert_eq!(s.timestamp, 1000 + 160 * k as u32);
    }
}

#[test]
fn eager_polling_never_releases_more_than_one_frame_ahead() {
    let (start, mut p, mut out) = playing(8000);
    // A driver that polls every 3 ms whatever the deadline says.
    for step in 0..400u64 {
        let now = start + ms(3 * step);
        let before = out.len();
        drain_at(&mut p, now, &mut out);
        assert!(out.len() - before <= 1, "burst at {} ms", 3 * step);
        let allowed = (3 * step) / 20 + 1;
        assert!(
            out.len() as u64 <= allowed,
            "lead beyond one frame at {} ms",
            3 * step
        );
    }
    assert_eq!(out.len(), 50);
    for (k, s) in out.iter().enumerate() {
        // Released at the first poll at or after its slot (polls fall on multiples of 3 ms).
        let due = 20 * k as u64;
        assert_eq!(s.at, start + ms(due.div_ceil(3) * 3), "frame {k}");
    }
}

#[test]
fn marker_is_set_on_the_first_frame_of_each_talkspurt_only() {
    let (start, mut p, mut out) = playing(480);
    run_until(&mut p, start + ms(500), &mut out);
    p.push_pcm(start + ms(500), &ramp(0, 480)).unwrap();
    run_until(&mut p, start + ms(1000), &mut out);
    let markers: Vec<bool> = out.iter().map(|s| s.marker).collect();
    assert_eq!(markers, [true, false, false, true, false, false]);
}

#[test]
fn audio_arriving_before_the_next_slot_continues_the_talkspurt() {
    let (start, mut p, mut out) = playing(320);
    run_until(&mut p, start + ms(30), &mut out);
    p.push_pcm(start + ms(30), &ramp(320, 160)).unwrap();
    run_until(&mut p, start + ms(500), &mut out);
    assert_eq!(out.len(), 3);
    assert_eq!(out[2].at, start + ms(40), "on the running schedule");
    assert!(!out[2].marker);
    assert_eq!(out[2].timestamp, 320);
}

#[test]
fn timestamps_advance_with_wall_time_across_a_silence_gap() {
    let start = t0();
    let mut p = Pacer::new(g711(), 0, 7_000).unwrap();
    let mut out = Vec::new();
    p.push_pcm(start, &ramp(0, 480)).unwrap();
    run_until(&mut p, start + ms(100), &mut out);
    // The last frame went out at 40 ms; new audio comes 1007 ms later.
    let again = start + ms(1047);
    p.push_pcm(again, &ramp(0, 160)).unwrap();
    run_until(&mut p, again + ms(100), &mut out);
    assert_eq!(out.len(), 4);
    assert_eq!(out[3].at, again, "restarts at once from the current time");
    assert_eq!(
        out[3].timestamp,
        7_000 + 2 * 160 + 1007 * 8,
        "8 ticks per ms"
    );
    assert_eq!(out[3].seq, 3, "sequence numbers have no gap");
    assert!(out[3].marker);
}

#[test]
fn a_refill_after_the_run_stopped_starts_at_once_on_the_wall_clock() {
    let (start, mut p, mut out) = playing(160);
    run_until(&mut p, start + ms(20), &mut out); // frame at 0, run ends at 20
    assert_eq!(p.next_deadline(), None);
    p.push_pcm(start + ms(21), &ramp(0, 160)).unwrap();
    run_until(&mut p, start + ms(100), &mut out);
    assert_eq!(out[1].at, start + ms(21));
    assert_eq!(out[1].timestamp, 168, "21 ms of ticks");
    assert!(out[1].marker);
}

#[test]
fn a_late_wakeup_sends_one_frame_and_reanchors_without_a_burst() {
    let (start, mut p, mut out) = playing(160 * 6);
    run_until(&mut p, start + ms(20), &mut out); // frames 0, 1
    // The driver stalls for 70 ms.
    drain_at(&mut p, start + ms(110), &mut out);
    assert_eq!(out.len(), 3, "one frame, not the four missed ones");
    assert_eq!(p.next_deadline(), Some(start + ms(130)));
    run_until(&mut p, start + ms(1000), &mut out);
    let times: Vec<u64> = out
        .iter()
        .map(|s| (s.at - start).as_millis() as u64)
        .collect();
    assert_eq!(times, [0, 20, 110, 130, 150, 170]);
    let ts: Vec<u32> = out.iter().map(|s| s.timestamp).collect();
    assert_eq!(
        ts,
        [0, 160, 320, 480, 640, 800],
        "no audio dropped: ts stays on its grid"
    );
    assert_eq!(p.stats().late_slots, 1);
}

#[test]
fn odd_length_inputs_are_reframed_in_order() {
    let start = t0();
    let mut p = Pacer::new(g711(), 0, 0).unwrap();
    let input = ramp(-500, 1000);
    let mut out = Vec::new();
    let mut fed = 0;
    let mut now = start;
    for len in [7usize, 333, 1, 159, 0, 200, 300] {
        p.push_pcm(now, &input[fed..fed + len]).unwrap();
        fed += len;
        run_until(&mut p, now, &mut out);
        now += ms(5);
    }
    assert_eq!(fed, 1000);
    run_until(&mut p, now + ms(1000), &mut out);
    assert_eq!(out.len(), 6, "1000 samples make 6 full frames");
    assert_eq!(p.queued_samples(), 40, "the partial frame is kept");
    let sent: Vec<i16> = out
        .iter()
        .flat_map(|s| s.audio().unwrap().to_vec())
        .collect();
    assert_eq!(sent, input[..960]);
    let at = now + ms(2000);
    p.finish(at);
    run_until(&mut p, at + ms(100), &mut out);
    let last = out[6].audio().unwrap();
    assert_eq!(last[..40], input[960..]);
    assert!(last[40..].iter().all(|&s| s == 0), "padded with silence");
    assert_eq!(p.queued_samples(), 0);
}

#[test]
fn g722_frames_carry_320_samples_on_160_ticks() {
    let start = t0();
    let config = PacerConfig::new(ms(20), 320, 160);
    let mut p = Pacer::new(config, 0, 1_000_000).unwrap();
    let mut out = Vec::new();
    p.push_pcm(start, &ramp(0, 16_000)).unwrap(); // 1 s at 16 kHz
    run_until(&mut p, start + ms(2000), &mut out);
    assert_eq!(out.len(), 50);
    assert!(out.iter().all(|s| s.audio().unwrap().len() == 320));
    assert_eq!(out[49].timestamp, 1_000_000 + 49 * 160);
    assert_eq!(p.queued_ms(), 0);
    // Silence from the slot after the last frame (1 s) until 3 s: 2000 ms on the 8 kHz clock.
    let again = start + ms(3000);
    p.push_pcm(again, &ramp(0, 320)).unwrap();
    drain_at(&mut p, again, &mut out);
    assert_eq!(out[50].timestamp, 1_000_000 + 49 * 160 + (3000 - 980) * 8);
}

#[test]
fn sequence_numbers_and_timestamps_wrap() {
    let start = t0();
    let mut p = Pacer::new(g711(), 65534, u32::MAX - 200).unwrap();
    let mut out = Vec::new();
    p.push_pcm(start, &ramp(0, 480)).unwrap();
    run_until(&mut p, start + ms(100), &mut out);
    let seqs: Vec<u16> = out.iter().map(|s| s.seq).collect();
    assert_eq!(seqs, [65534, 65535, 0]);
    let ts: Vec<u32> = out.iter().map(|s| s.timestamp).collect();
    assert_eq!(ts, [u32::MAX - 200, u32::MAX - 40, 119]);
}

#[test]
fn queue_beyond_its_bound_is_refused_whole() {
    let start = t0();
    let config = PacerConfig {
        max_queue: ms(1000),
        ..g711()
    };
    let mut p = Pacer::new(config, 0, 0).unwrap();
    p.push_pcm(start, &ramp(0, 6000)).unwrap();
    let err = p.push_pcm(start, &ramp(0, 4000)).unwrap_err();
    assert_eq!(
        err,
        PacerError::QueueFull {
            queued_ms: 750,
            requested_ms: 500,
            max_ms: 1000
        }
    );
    assert_eq!(p.queued_samples(), 6000);
    p.push_pcm(start, &ramp(0, 2000)).unwrap();
    assert_eq!(p.queued_ms(), 1000);
}

#[test]
fn unusable_settings_are_refused() {
    assert!(matches!(
        Pacer::new(PacerConfig::new(ms(0), 160, 160), 0, 0),
        Err(PacerError::InvalidConfig(_))
    ));
    assert!(Pacer::new(PacerConfig::new(ms(20), 0, 160), 0, 0).is_err());
    assert!(Pacer::new(PacerConfig::new(ms(20), 160, 0), 0, 0).is_err());
    let tiny = PacerConfig {
        max_queue: ms(10),
        ..g711()
    };
    assert!(Pacer::new(tiny, 0, 0).is_err());
}

#[test]
fn nothing_is_scheduled_until_a_full_frame_or_finish() {
    let start = t0();
    let mut p = Pacer::new(g711(), 0, 0).unwrap();
    p.push_pcm(start, &ramp(0, 100)).unwrap();
    assert_eq!(p.next_deadline(), None);
    let mut out: Vec<Sent> = Vec::new();
    drain_at(&mut p, start + ms(100), &mut out);
    assert!(out.is_empty());
    p.push_pcm(start + ms(10), &ramp(100, 60)).unwrap();
    assert_eq!(p.next_deadline(), Some(start + ms(10)));
}

#[test]
fn rtp_timestamp_at_follows_the_last_slot_and_the_wall_clock() {
    let start = t0();
    let mut p = Pacer::new(g711(), 0, 5_000).unwrap();
    assert_eq!(
        p.rtp_timestamp_at(start),
        5_000,
        "before any packet: the initial value"
    );
    let mut out = Vec::new();
    p.push_pcm(start, &ramp(0, 480)).unwrap();
    run_until(&mut p, start + ms(100), &mut out);
    // The last slot was at 40 ms with timestamp 5320.
    assert_eq!(p.rtp_timestamp_at(start + ms(40)), 5_320);
    assert_eq!(p.rtp_timestamp_at(start + ms(1040)), 5_320 + 8_000);
    assert_eq!(p.rtp_timestamp_at(start + ms(30)), 5_320 - 80);
}
