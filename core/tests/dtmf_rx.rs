//! RFC 4733 receiver behaviour on synthetic packet sequences shaped like real peers.

use std::time::{Duration, Instant};

use sipvoice_core::media::{DtmfEvent, DtmfReceiver, DtmfRxConfig, RtpEventInput};

/// The one wall-clock read of the test: every later instant derives from it.
#[allow(clippy::disallowed_methods)]
fn t0() -> Instant {
    Instant::now()
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn payload(event: u8, end: bool, duration: u16) -> [u8; 4] {
    let [d0, d1] = duration.to_be_bytes();
    [event, if end { 0x80 } else { 0 } | 10, d0, d1]
}

/// RTP header fields of one packet: SSRC, sequence number, timestamp, marker.
type Header = (u32, u16, u32, bool);

/// A receiver under test, its time origin and everything it reported so far.
struct Rx {
    rx: DtmfReceiver,
    start: Instant,
    out: Vec<DtmfEvent>,
}

impl Rx {
    /// A receiver with default settings.
    fn new() -> Rx {
        Rx::with(DtmfReceiver::default())
    }

    /// The given receiver.
    fn with(rx: DtmfReceiver) -> Rx {
        Rx {
            rx,
            start: t0(),
            out: Vec::new(),
        }
    }

    /// `n` milliseconds after the origin.
    fn at(&self, n: u64) -> Instant {
        self.start + ms(n)
    }

    /// Feeds one packet and drains everything reported by `now`.
    fn feed(&mut self, now: Instant, (ssrc, seq, timestamp, marker): Header, bytes: &[u8]) {
        self.rx.receive(
            now,
            RtpEventInput {
                ssrc,
                seq,
                timestamp,
                marker,
                payload: bytes,
            },
        );
        while let Some(e) = self.rx.poll(now) {
            self.out.push(e);
        }
    }

    /// Feeds one well-formed event packet: event code, end bit, duration.
    fn event(&mut self, now: Instant, header: Header, (event, end, duration): (u8, bool, u16)) {
        self.feed(now, header, &payload(event, end, duration));
    }

    /// Fires the receiver's timer as a driver would, up to `until`.
    fn run_timers(&mut self, until: Instant) {
        while let Some(deadline) = self.rx.next_deadline().filter(|&d| d <= until) {
            while let Some(e) = self.rx.poll(deadline) {
                self.out.push(e);
            }
        }
    }

    /// Fires the timers up to 5 s after the origin.
    fn settle(&mut self) {
        self.run_timers(self.start + Duration::from_secs(5));
    }

    /// SIPp's shipped dtmf_2833_*.pcap: 7 updates, then 3 end packets under one sequence number.
    fn sipp_press(&mut self, start: Instant, (ts, seq, event): (u32, u16, u8)) {
        for k in 0..7u16 {
            let at = start + ms(20 * u64::from(k));
            self.event(
                at,
                (0x0e05_384e, seq + k, ts, k == 0),
                (event, false, 320 * k),
            );
        }
        for _ in 0..3 {
            let at = start + ms(140);
            self.event(at, (0x0e05_384e, seq + 7, ts, false), (event, true, 2240));
        }
    }
}

#[test]
fn sipp_shipped_pcap_shape_gives_one_digit() {
    let mut h = Rx::new();
    h.sipp_press(h.start, (13280, 7984, 1));
    h.settle();
    let out = &h.out;
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].digit, '1');
    assert_eq!(out[0].duration_ms, 280);
    assert!(out[0].end_seen && out[0].start_seen);
    assert_eq!(h.rx.stats().duplicates, 2);
}

#[test]
fn baresip_interleaved_same_ssrc_gives_one_digit_of_180_ms() {
    // Events share the audio SSRC; audio packets sit between them, so event seqs step by 2.
    let mut h = Rx::new();
    let ssrc = 0x1234_5678;
    let ts = 48_000;
    let mut seq = 1000u16;
    let updates = [160u16, 320, 480, 640, 800, 960, 1120, 1280];
    for (k, &d) in updates.iter().enumerate() {
        h.event(h.at(20 * k as u64), (ssrc, seq, ts, k == 0), (5, false, d));
        seq += 2; // the audio packet in between goes to the audio path
    }
    for r in 0..3u64 {
        h.event(h.at(160 + 20 * r), (ssrc, seq, ts, false), (5, true, 1440));
        seq += 2;
    }
    h.settle();
    let out = &h.out;
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].digit, '5');
    assert_eq!(out[0].duration_ms, 180);
    assert_eq!(out[0].duration_ticks, 1440);
    assert_eq!(out[0].ssrc, ssrc);
    assert_eq!(out[0].timestamp, ts);
}

#[test]
fn press_with_all_end_packets_lost_is_reported_once_after_the_timeout() {
    let mut h = Rx::with(DtmfReceiver::new(DtmfRxConfig::for_ptime(ms(20))));
    for k in 0..5u16 {
        let at = h.at(20 * u64::from(k));
        h.event(at, (7, 10 + k, 800, k == 0), (9, false, 160 * (k + 1)));
    }
    let last = h.at(80);
    assert!(
        h.out.is_empty(),
        "reported before the end or the timeout: {:?}",
        h.out
    );
    let deadline = h.rx.next_deadline().expect("a press is in progress");
    assert_eq!(deadline, last + DtmfRxConfig::for_ptime(ms(20)).end_timeout);
    assert!(h.rx.poll(deadline - ms(1)).is_none());
    h.settle();
    let out = &h.out;
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].digit, '9');
    assert_eq!(out[0].duration_ms, 100);
    assert!(!out[0].end_seen);
    assert_eq!(h.rx.next_deadline(), None);
    assert_eq!(h.rx.stats().reported_without_end, 1);
}

#[test]
fn late_packet_of_a_timed_out_press_is_not_reported_again() {
    let mut h = Rx::new();
    h.event(h.start, (7, 1, 800, true), (3, false, 160));
    h.run_timers(h.start + Duration::from_secs(1));
    assert_eq!(h.out.len(), 1);
    // Reported at 250 ms; an end packet 150 ms later is still a copy of that press.
    let late = h.at(400);
    h.event(late, (7, 2, 800, false), (3, true, 800));
    h.run_timers(late + Duration::from_secs(1));
    assert_eq!(h.out.len(), 1, "{:?}", h.out);
    assert_eq!(h.rx.stats().duplicates, 1);
}

#[test]
fn press_with_lost_end_is_reported_when_the_next_press_starts() {
    let mut h = Rx::new();
    h.event(h.start, (7, 1, 800, true), (4, false, 160));
    h.event(h.at(20), (7, 2, 800, false), (4, false, 320));
    assert!(h.out.is_empty());
    h.event(h.at(60), (7, 3, 1280, true), (6, false, 160));
    let out = &h.out;
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(
        (out[0].digit, out[0].duration_ms, out[0].end_seen),
        ('4', 40, false)
    );
}

#[test]
fn two_presses_of_the_same_digit_stay_two_events() {
    let mut h = Rx::new();
    h.sipp_press(h.start, (10_000, 100, 1));
    h.sipp_press(h.at(400), (13_200, 108, 1));
    h.settle();
    let digits: Vec<(char, u32)> = h.out.iter().map(|e| (e.digit, e.timestamp)).collect();
    assert_eq!(digits, vec![('1', 10_000), ('1', 13_200)]);
}

#[test]
fn short_payloads_are_ignored_and_counted() {
    let mut h = Rx::new();
    for (i, bytes) in [&[][..], &[1][..], &[1, 0x8a][..], &[1, 0x8a, 0x03][..]]
        .iter()
        .enumerate()
    {
        h.feed(h.start, (7, i as u16, 800, true), bytes);
    }
    h.settle();
    assert!(h.out.is_empty(), "{:?}", h.out);
    assert_eq!(h.rx.stats().short_payloads, 4);
    assert_eq!(h.rx.stats().packets, 4);
    assert_eq!(h.rx.next_deadline(), None);
}

#[test]
fn unknown_events_are_ignored_and_counted() {
    let mut h = Rx::new();
    for (i, event) in [16u8, 32, 255].into_iter().enumerate() {
        h.event(h.start, (7, i as u16, 800, true), (event, true, 800));
    }
    h.settle();
    assert!(h.out.is_empty(), "{:?}", h.out);
    assert_eq!(h.rx.stats().unknown_events, 3);
}

#[test]
fn longer_payload_uses_its_first_four_bytes() {
    let mut h = Rx::new();
    let mut bytes = payload(11, true, 800).to_vec();
    bytes.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    h.feed(h.start, (7, 1, 800, true), &bytes);
    assert_eq!(h.out.len(), 1);
    assert_eq!((h.out[0].digit, h.out[0].duration_ms), ('#', 100));
}

#[test]
fn press_whose_first_packets_were_lost_is_reported_once_at_its_end() {
    let mut h = Rx::new();
    for r in 0..3u16 {
        let at = h.at(20 * u64::from(r));
        h.event(at, (7, 50 + r, 4000, false), (12, true, 960));
    }
    h.settle();
    let out = &h.out;
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!((out[0].digit, out[0].duration_ms), ('A', 120));
    assert!(out[0].end_seen && !out[0].start_seen);
}

#[test]
fn reordered_update_after_the_end_is_folded() {
    let mut h = Rx::new();
    h.event(h.start, (7, 1, 800, true), (2, false, 160));
    h.event(h.at(40), (7, 3, 800, false), (2, true, 480));
    h.event(h.at(45), (7, 2, 800, false), (2, false, 320));
    h.settle();
    let out = &h.out;
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].duration_ms, 60);
}

#[test]
fn replayed_recordings_with_older_timestamps_are_new_presses() {
    // SIPp's shipped pcaps share one SSRC; "2" has timestamp 23200 and "1" 13280.
    let mut h = Rx::new();
    h.sipp_press(h.start, (23_200, 8042, 2));
    h.sipp_press(h.at(500), (13_280, 7984, 1));
    h.settle();
    assert_eq!(h.out.iter().map(|e| e.digit).collect::<String>(), "21");
    assert!(h.out.iter().all(|e| e.end_seen));
}

#[test]
fn the_same_recording_replayed_later_is_a_second_press() {
    let mut h = Rx::new();
    h.sipp_press(h.start, (13_280, 7984, 1));
    h.sipp_press(h.at(1000), (13_280, 7984, 1));
    h.settle();
    let out = &h.out;
    assert_eq!(out.len(), 2, "{out:?}");
    assert!(out.iter().all(|e| e.end_seen && e.duration_ms == 280));
}

#[test]
fn a_copy_within_the_fold_window_is_folded_even_much_later_than_the_end() {
    let mut h = Rx::new();
    let window = DtmfRxConfig::default().fold_window;
    h.sipp_press(h.start, (13_280, 7984, 1));
    // Copies keep arriving, each within the window of the previous one.
    let mut at = h.at(140);
    for _ in 0..5 {
        at += window;
        h.event(at, (0x0e05_384e, 7991, 13_280, false), (1, true, 2240));
    }
    h.run_timers(at + Duration::from_secs(5));
    assert_eq!(h.out.len(), 1, "{:?}", h.out);
}

#[test]
fn events_on_their_own_ssrc_and_timestamp_wrap_are_handled() {
    let mut h = Rx::new();
    let ts_a = u32::MAX - 100;
    let ts_b = ts_a.wrapping_add(4000);
    h.event(h.start, (0x3333_4733, 65535, ts_a, true), (0, true, 800));
    h.event(h.at(500), (0x3333_4733, 0, ts_b, true), (10, true, 800));
    h.event(h.at(520), (0x3333_4733, 1, ts_b, false), (10, true, 800));
    h.settle();
    assert_eq!(h.out.iter().map(|e| e.digit).collect::<String>(), "0*");
}

#[test]
fn a_key_held_past_the_16_bit_duration_is_one_long_press() {
    // RFC 4733 §2.5.2.3: the duration saturates at 0xFFFF, then a new segment starts at
    // timestamp + 0xFFFF without the marker bit.
    let mut h = Rx::new();
    let ts = u32::MAX - 30_000; // the second segment's timestamp wraps
    let mut seq = 0u16;
    let mut at = h.start;
    for d in (8000u32..=65_535).step_by(8000).chain([65_535]) {
        h.event(at, (9, seq, ts, seq == 0), (0, false, d as u16));
        seq += 1;
        at += ms(200);
    }
    let ts2 = ts.wrapping_add(65_535);
    for d in [8000u16, 16_000] {
        h.event(at, (9, seq, ts2, false), (0, false, d));
        if d == 8000 {
            // A late copy of the first segment's last update is folded.
            h.event(at + ms(30), (9, seq - 1, ts, false), (0, false, 65_535));
        }
        assert!(
            h.out.is_empty(),
            "not reported between segments: {:?}",
            h.out
        );
        seq += 1;
        at += ms(200);
    }
    for _ in 0..3 {
        h.event(at, (9, seq, ts2, false), (0, true, 16_000));
    }
    h.run_timers(at + Duration::from_secs(5));
    let out = &h.out;
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].duration_ticks, 65_535 + 16_000);
    assert_eq!(out[0].duration_ms, 10_192);
    assert_eq!(
        out[0].timestamp, ts,
        "the press starts at its first segment"
    );
    assert!(out[0].end_seen);
}
