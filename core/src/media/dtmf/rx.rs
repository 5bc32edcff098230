//! RFC 4733 receiver: folds the packets of each key press into one reported event.
//!
//! A press is identified by (SSRC, RTP timestamp, event code). It is reported once:
//! - at its first end packet (E bit), with that packet's duration; or
//! - when its end packets were all lost: when a packet of another press arrives, or
//!   `end_timeout` after its last packet (see [`DtmfReceiver::next_deadline`]).
//!
//! Later packets of a reported press (repeated end packets under the same or new sequence
//! numbers, reordered updates) are folded by remembering the last few reported keys for
//! `fold_window` after their latest packet. A packet with a remembered key that comes later
//! than that is a new press: peers that replay recorded events (SIPp's `dtmf_2833_*.pcap`
//! all share one SSRC, and each file has a fixed timestamp) send the same key again for a
//! second press of the same digit, and older timestamps for other digits, so timestamp order
//! alone says nothing. Events may share the audio SSRC (interleaved with audio) or use their
//! own. Malformed payloads (under four bytes) and non-DTMF events (codes above 15) are
//! counted and ignored.
//!
//! A key held longer than the 16-bit duration field allows (about 8 s at 8 kHz) is sent as
//! segments (RFC 4733 §2.5.2.3): the duration saturates at 0xFFFF and the next segment starts
//! at the old timestamp plus 0xFFFF, without the marker bit. Segments are joined into one
//! press whose duration is their sum.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::{EventPayload, dtmf_digit};

/// How many reported presses are remembered to fold their late packets.
const RECENT_KEYS: usize = 8;
/// Reported events kept until drained; beyond this the oldest is dropped (and counted).
const MAX_READY: usize = 16;

/// Receiver settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DtmfRxConfig {
    /// RTP clock rate of the telephone-event payload type (8000 for `telephone-event/8000`).
    pub clock_rate: u32,
    /// A press with no end packet is reported this long after its last packet.
    pub end_timeout: Duration,
    /// Packets of a reported press arriving within this time of its latest packet are folded.
    pub fold_window: Duration,
}

impl DtmfRxConfig {
    /// Settings for a stream with this packet time: the end timeout and the fold window are
    /// 3 × ptime, at least 250 ms.
    ///
    /// Senders may update an event only every 50 ms (RFC 4733 §2.5.1.2); the floor lets two
    /// updates in a row be lost or delayed before a press is cut short, and covers the
    /// reordering and duplication a network plausibly adds.
    pub fn for_ptime(ptime: Duration) -> Self {
        let window = (ptime * 3).max(Duration::from_millis(250));
        Self {
            clock_rate: 8000,
            end_timeout: window,
            fold_window: window,
        }
    }
}

impl Default for DtmfRxConfig {
    fn default() -> Self {
        Self::for_ptime(Duration::from_millis(20))
    }
}

/// The RTP fields of one received telephone-event packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpEventInput<'a> {
    /// RTP SSRC.
    pub ssrc: u32,
    /// RTP sequence number.
    pub seq: u16,
    /// RTP timestamp (the start of the press).
    pub timestamp: u32,
    /// RTP marker bit (set on the first packet of a press).
    pub marker: bool,
    /// RTP payload (the 4-byte event, possibly followed by more bytes).
    pub payload: &'a [u8],
}

/// One key press, reported once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DtmfEvent {
    /// The key: `0`–`9`, `*`, `#`, `A`–`D`.
    pub digit: char,
    /// The RFC 4733 event code (0–15).
    pub event: u8,
    /// How long the key was pressed, in milliseconds.
    pub duration_ms: u32,
    /// How long the key was pressed, in RTP clock ticks.
    pub duration_ticks: u32,
    /// Volume of the tone in -dBm0.
    pub volume: u8,
    /// SSRC that carried the press.
    pub ssrc: u32,
    /// RTP timestamp of the press (of its first segment for a long press).
    pub timestamp: u32,
    /// Sequence number of the first packet received for this press.
    pub first_seq: u16,
    /// When its first packet was received.
    pub received_at: Instant,
    /// Whether the first packet (marker bit) was received.
    pub start_seen: bool,
    /// Whether an end packet was received (false: reported after the end was lost).
    pub end_seen: bool,
}

/// Counters of what the receiver did with its input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DtmfRxStats {
    /// Packets handed to [`DtmfReceiver::receive`].
    pub packets: u64,
    /// Packets ignored because the payload was shorter than 4 bytes.
    pub short_payloads: u64,
    /// Packets ignored because the event was not a DTMF key (code above 15).
    pub unknown_events: u64,
    /// Packets of a press already reported (repeated end packets, late updates).
    pub duplicates: u64,
    /// Presses reported.
    pub reported: u64,
    /// Presses reported without an end packet.
    pub reported_without_end: u64,
    /// Reported events dropped because they were not drained.
    pub dropped: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    ssrc: u32,
    timestamp: u32,
    event: u8,
}

#[derive(Debug, Clone, Copy)]
struct Press {
    key: Key,
    first_seq: u16,
    start_seen: bool,
    duration: u16,
    /// Ticks of the earlier segments of a long press.
    earlier: u32,
    /// Timestamp of the first segment.
    start_timestamp: u32,
    volume: u8,
    first_at: Instant,
    last_at: Instant,
}

/// Turns received telephone-event packets into one [`DtmfEvent`] per key press.
#[derive(Debug, Clone)]
pub struct DtmfReceiver {
    config: DtmfRxConfig,
    current: Option<Press>,
    recent: [Option<(Key, Instant)>; RECENT_KEYS],
    recent_next: usize,
    ready: VecDeque<DtmfEvent>,
    stats: DtmfRxStats,
}

impl DtmfReceiver {
    /// A receiver with these settings.
    pub fn new(config: DtmfRxConfig) -> Self {
        Self {
            config,
            current: None,
            recent: [None; RECENT_KEYS],
            recent_next: 0,
            ready: VecDeque::new(),
            stats: DtmfRxStats::default(),
        }
    }

    /// Feeds one telephone-event packet received at `now`; then drain with [`Self::poll`].
    pub fn receive(&mut self, now: Instant, packet: RtpEventInput<'_>) {
        self.stats.packets += 1;
        let Some(payload) = EventPayload::parse(packet.payload) else {
            self.stats.short_payloads += 1;
            return;
        };
        if dtmf_digit(payload.event).is_none() {
            self.stats.unknown_events += 1;
            return;
        }
        let key = Key {
            ssrc: packet.ssrc,
            timestamp: packet.timestamp,
            event: payload.event,
        };
        if self.fold_reported(now, key) {
            self.stats.duplicates += 1;
            return;
        }
        if let Some(press) = self.current.as_mut().filter(|p| p.key == key) {
            press.last_at = now;
            press.start_seen |= packet.marker;
            press.duration = press.duration.max(payload.duration);
            if payload.end {
                self.finish(now, true);
            }
            return;
        }
        if self.continue_long_press(now, key, packet.marker, payload) {
            return;
        }
        // A new press: the one in progress lost its end packets.
        self.finish(now, false);
        self.current = Some(Press {
            key,
            first_seq: packet.seq,
            start_seen: packet.marker,
            duration: payload.duration,
            earlier: 0,
            start_timestamp: key.timestamp,
            volume: payload.volume,
            first_at: now,
            last_at: now,
        });
        if payload.end {
            self.finish(now, true);
        }
    }

    /// When [`Self::poll`] must next be called: the end timeout of a press in progress.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.current.map(|p| p.last_at + self.config.end_timeout)
    }

    /// Reports a press whose end timed out by `now`, then returns the next reported event.
    pub fn poll(&mut self, now: Instant) -> Option<DtmfEvent> {
        if self.next_deadline().is_some_and(|d| d <= now) {
            self.finish(now, false);
        }
        self.ready.pop_front()
    }

    /// Counters so far.
    pub fn stats(&self) -> DtmfRxStats {
        self.stats
    }

    /// Whether `key` starts the next segment of the long press in progress (and joins it).
    fn continue_long_press(
        &mut self,
        now: Instant,
        key: Key,
        marker: bool,
        payload: EventPayload,
    ) -> bool {
        let Some(press) = self.current.as_mut() else {
            return false;
        };
        let next = press.key.timestamp.wrapping_add(u32::from(u16::MAX));
        let continues = !marker
            && press.duration == u16::MAX
            && press.key.ssrc == key.ssrc
            && press.key.event == key.event
            && key.timestamp == next;
        if !continues {
            return false;
        }
        let old = press.key;
        press.earlier = press.earlier.saturating_add(u32::from(u16::MAX));
        press.key = key;
        press.duration = payload.duration;
        press.last_at = now;
        self.remember(old, now);
        if payload.end {
            self.finish(now, true);
        }
        true
    }

    /// Remembers a reported (or superseded) key so its late copies are folded.
    fn remember(&mut self, key: Key, now: Instant) {
        self.recent[self.recent_next] = Some((key, now));
        self.recent_next = (self.recent_next + 1) % RECENT_KEYS;
    }

    /// Whether a packet of `key` belongs to a press already reported (and remembers it).
    fn fold_reported(&mut self, now: Instant, key: Key) -> bool {
        let window = self.config.fold_window;
        for slot in &mut self.recent {
            if let Some((_, last)) = slot.as_mut().filter(|(k, _)| *k == key) {
                if now.saturating_duration_since(*last) <= window {
                    *last = now.max(*last);
                    return true;
                }
                // Too late to be a copy: the same key again is a new press.
                *slot = None;
                return false;
            }
        }
        false
    }

    /// Reports the press in progress, if any; its late packets are folded from `now` on.
    fn finish(&mut self, now: Instant, end_seen: bool) {
        let Some(press) = self.current.take() else {
            return;
        };
        self.remember(press.key, now.max(press.last_at));
        let Some(digit) = dtmf_digit(press.key.event) else {
            return;
        };
        let rate = u64::from(self.config.clock_rate.max(1));
        let ticks = press.earlier.saturating_add(u32::from(press.duration));
        let ms = (u64::from(ticks) * 1000 + rate / 2) / rate;
        let event = DtmfEvent {
            digit,
            event: press.key.event,
            duration_ms: u32::try_from(ms).unwrap_or(u32::MAX),
            duration_ticks: ticks,
            volume: press.volume,
            ssrc: press.key.ssrc,
            timestamp: press.start_timestamp,
            first_seq: press.first_seq,
            received_at: press.first_at,
            start_seen: press.start_seen,
            end_seen,
        };
        self.stats.reported += 1;
        if !end_seen {
            self.stats.reported_without_end += 1;
        }
        if self.ready.len() >= MAX_READY {
            self.ready.pop_front();
            self.stats.dropped += 1;
        }
        self.ready.push_back(event);
    }
}

impl Default for DtmfReceiver {
    fn default() -> Self {
        Self::new(DtmfRxConfig::default())
    }
}
