//! RFC 4733 sender: packet contents, pacing through the pacer, shared seq/timestamp space.

mod pacer_common;

use pacer_common::{Sent, drain_at, events, g711, ms, ramp, run_until, t0};
use sipvoice_core::media::{
    DtmfReceiver, DtmfSender, DtmfSlot, DtmfTxConfig, DtmfTxError, Pacer, PacerError, PacerEvent,
    RtpEventInput,
};

fn sender() -> DtmfSender {
    DtmfSender::new(DtmfTxConfig::default(), ms(20), 160).expect("valid settings")
}

/// Every slot of one key with the default settings.
fn one_key(s: &mut DtmfSender, ts: u32) -> Vec<DtmfSlot> {
    (0..s.slots_per_key())
        .map(|k| s.on_slot(ts + 160 * k, 100 + k as u16))
        .collect()
}

#[test]
fn a_key_is_updates_with_growing_duration_then_three_end_packets() {
    let mut s = sender();
    s.queue_digits("5").unwrap();
    let slots = one_key(&mut s, 8000);
    let packets: Vec<_> = slots
        .iter()
        .map(|slot| match slot {
            DtmfSlot::Packet(p) => *p,
            other => panic!("expected a packet, got {other:?}"),
        })
        .collect();
    assert_eq!(
        packets.len(),
        10,
        "160 ms at 20 ms: 8 packets, the last sent 3 times"
    );
    let durations: Vec<u16> = packets.iter().map(|p| p.duration).collect();
    assert_eq!(
        durations,
        [160, 320, 480, 640, 800, 960, 1120, 1280, 1280, 1280]
    );
    let ends: Vec<bool> = packets.iter().map(|p| p.end).collect();
    assert_eq!(
        ends,
        [
            false, false, false, false, false, false, false, true, true, true
        ]
    );
    assert!(
        packets.iter().all(|p| p.timestamp == 8000),
        "one timestamp per event"
    );
    let markers: Vec<bool> = packets.iter().map(|p| p.marker).collect();
    assert!(
        markers[0] && markers[1..].iter().all(|m| !m),
        "M bit on the first packet only"
    );
    let seqs: Vec<u16> = packets.iter().map(|p| p.seq).collect();
    assert_eq!(
        seqs,
        (100..110).collect::<Vec<u16>>(),
        "each end packet has its own seq"
    );
    assert_eq!(packets[0].payload, [5, 10, 0x00, 0xa0]);
    assert_eq!(packets[9].payload, [5, 0x80 | 10, 0x05, 0x00]);
    assert!(packets[9].last && !packets[8].last);
}

#[test]
fn the_gap_after_a_key_is_silent_slots() {
    let mut s = sender();
    s.queue_digits("12").unwrap();
    one_key(&mut s, 0);
    assert_eq!(s.gap_slots(), 3, "60 ms at 20 ms");
    for k in 0..3 {
        assert_eq!(s.on_slot(1600 + 160 * k, 0), DtmfSlot::Silent);
        assert!(s.is_active());
    }
    assert!(matches!(s.on_slot(2080, 0), DtmfSlot::Packet(p) if p.digit == '2' && p.marker));
}

#[test]
fn invalid_characters_are_refused_and_nothing_is_queued() {
    let mut s = sender();
    assert_eq!(
        s.queue_digits("12x4"),
        Err(DtmfTxError::InvalidDigit {
            digit: 'x',
            position: 2
        })
    );
    assert_eq!(s.queued(), 0);
    assert!(!s.is_active());
    assert_eq!(s.on_slot(0, 0), DtmfSlot::Idle);
    s.queue_digits("0123456789*#abcdABCD").unwrap();
    assert_eq!(s.queued(), 20);
}

#[test]
fn a_full_queue_is_refused() {
    let config = DtmfTxConfig {
        max_queued: 4,
        ..DtmfTxConfig::default()
    };
    let mut s = DtmfSender::new(config, ms(20), 160).unwrap();
    s.queue_digits("123").unwrap();
    assert_eq!(
        s.queue_digits("45"),
        Err(DtmfTxError::QueueFull {
            queued: 3,
            requested: 2,
            limit: 4
        })
    );
    assert_eq!(s.queued(), 3);
}

#[test]
fn unusable_settings_are_refused() {
    let bad_volume = DtmfTxConfig {
        volume: 64,
        ..DtmfTxConfig::default()
    };
    assert!(matches!(
        DtmfSender::new(bad_volume, ms(20), 160),
        Err(DtmfTxError::InvalidConfig(_))
    ));
    let no_end = DtmfTxConfig {
        end_repeats: 0,
        ..DtmfTxConfig::default()
    };
    assert!(DtmfSender::new(no_end, ms(20), 160).is_err());
    let too_long = DtmfTxConfig {
        tone: std::time::Duration::from_secs(10),
        ..DtmfTxConfig::default()
    };
    assert!(
        DtmfSender::new(too_long, ms(20), 160).is_err(),
        "duration field is 16 bits"
    );
}

#[test]
fn paced_event_packets_go_out_exactly_every_ptime() {
    let start = t0();
    let mut p = Pacer::new(g711(), 1000, 5000).unwrap();
    p.send_dtmf(start, "7").unwrap();
    let mut out = Vec::new();
    run_until(&mut p, start + ms(1000), &mut out);
    assert_eq!(out.len(), 10);
    for (k, sent) in out.iter().enumerate() {
        assert_eq!(sent.at, start + ms(20 * k as u64), "packet {k}");
        assert_eq!(sent.seq, 1000 + k as u16);
        assert_eq!(sent.timestamp, 5000);
    }
    assert_eq!(p.next_deadline(), None, "nothing left to send");
}

#[test]
fn repeated_digits_get_distinct_timestamps_separated_by_the_gap() {
    let start = t0();
    let mut p = Pacer::new(g711(), 0, 0).unwrap();
    p.send_dtmf(start, "11").unwrap();
    let mut out = Vec::new();
    run_until(&mut p, start + ms(2000), &mut out);
    let packets: Vec<_> = out.iter().filter_map(Sent::dtmf).collect();
    assert_eq!(packets.len(), 20);
    let (a, b) = (packets[0], packets[10]);
    assert_ne!(a.timestamp, b.timestamp);
    assert_eq!(
        b.timestamp - a.timestamp,
        13 * 160,
        "10 packet slots + 3 gap slots"
    );
    assert!(b.marker);
    assert_eq!(
        out[10].at - out[9].at,
        ms(80),
        "60 ms of silence between keys"
    );
    let seqs: Vec<u16> = out.iter().map(|s| s.seq).collect();
    assert_eq!(
        seqs,
        (0..20).collect::<Vec<u16>>(),
        "no sequence gap for silent slots"
    );
    let sent: Vec<PacerEvent> = events(&mut p);
    assert_eq!(
        sent,
        [
            PacerEvent::DtmfSent { digit: '1' },
            PacerEvent::DtmfSent { digit: '1' }
        ]
    );
}

#[test]
fn audio_is_held_during_an_event_and_resumes_with_consistent_timestamps() {
    let start = t0();
    let mut p = Pacer::new(g711(), 500, 90_000).unwrap();
    p.push_pcm(start, &ramp(0, 160 * 10)).unwrap();
    let mut out = Vec::new();
    run_until(&mut p, start + ms(40), &mut out); // frames 0, 1, 2
    assert_eq!(out.len(), 3);
    p.send_dtmf(start + ms(45), "#").unwrap();
    assert!(p.audio_paused());
    run_until(&mut p, start + ms(2000), &mut out);
    assert!(!p.audio_paused());
    let kinds: String = out
        .iter()
        .map(|s| if s.dtmf().is_some() { 'e' } else { 'a' })
        .collect();
    assert_eq!(
        kinds, "aaaeeeeeeeeeeaaaaaaa",
        "event slots first, no audio frame dropped"
    );
    let event = out[3].dtmf().unwrap();
    assert_eq!(
        event.timestamp,
        90_000 + 3 * 160,
        "the event continues the audio clock"
    );
    assert!(event.marker);
    // 10 event slots + 3 gap slots, then audio on the same clock with a new talkspurt.
    assert_eq!(out[13].timestamp, 90_000 + 16 * 160);
    assert!(out[13].marker);
    assert_eq!(
        out[13].audio().unwrap()[0],
        3 * 160,
        "the held frame is the next one"
    );
    assert_eq!(out[13].at - out[12].at, ms(80));
    for pair in out.windows(2) {
        assert_eq!(pair[1].seq, pair[0].seq.wrapping_add(1));
    }
}

#[test]
fn sent_keys_round_trip_through_the_receiver() {
    let start = t0();
    let mut p = Pacer::new(g711(), 65530, u32::MAX - 1000).unwrap();
    p.send_dtmf(start, "1590*#D").unwrap();
    let mut out = Vec::new();
    let mut rx = DtmfReceiver::default();
    let mut got = Vec::new();
    while let Some(deadline) = p.next_deadline() {
        let before = out.len();
        drain_at(&mut p, deadline, &mut out);
        for s in &out[before..] {
            let d = s.dtmf().expect("only events queued");
            let input = RtpEventInput {
                ssrc: 42,
                seq: d.seq,
                timestamp: d.timestamp,
                marker: d.marker,
                payload: &d.payload,
            };
            rx.receive(deadline, input);
            got.extend(std::iter::from_fn(|| rx.poll(deadline)));
        }
    }
    let keys: String = got.iter().map(|e| e.digit).collect();
    assert_eq!(keys, "1590*#D");
    assert!(
        got.iter()
            .all(|e| e.duration_ms == 160 && e.end_seen && e.start_seen)
    );
    assert_eq!(
        rx.stats().duplicates,
        14,
        "two repeated end packets per key folded"
    );
}

#[test]
fn invalid_digits_through_the_pacer_are_a_typed_error() {
    let start = t0();
    let mut p = Pacer::new(g711(), 0, 0).unwrap();
    let err = p.send_dtmf(start, "1 2").unwrap_err();
    assert_eq!(
        err,
        PacerError::Dtmf(DtmfTxError::InvalidDigit {
            digit: ' ',
            position: 1
        })
    );
    assert_eq!(p.next_deadline(), None);
    assert!(!p.audio_paused());
}
