//! RFC 4733 sender: turns queued keys into telephone-event packets, one per packet slot.
//!
//! The sender has no clock of its own: the outbound stream (see `Pacer`) calls
//! [`DtmfSender::on_slot`] once per ptime slot with the slot's RTP timestamp and the next
//! sequence number, so events and audio share one sequence and timestamp space. Each key:
//! - takes the timestamp of its first slot (the event start, continuing the audio clock);
//! - sends one packet per slot, the M bit on the first, the duration growing by one
//!   slot's ticks per packet up to the tone length;
//! - ends with `end_repeats` packets (E bit, same timestamp and final duration, each with
//!   its own sequence number, one per slot: no burst);
//! - is followed by `gap` of silence (no packets).
//!
//! While [`DtmfSender::is_active`] is true the stream's audio is held, not dropped.

use std::collections::VecDeque;
use std::time::Duration;

use thiserror::Error;

use super::{EventPayload, dtmf_digit, dtmf_event_code};

/// Sender settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DtmfTxConfig {
    /// How long each key sounds (rounded up to whole packet slots; the duration field is exact).
    pub tone: Duration,
    /// Silence after each key (rounded up to whole slots).
    pub gap: Duration,
    /// Volume in -dBm0 (0–63).
    pub volume: u8,
    /// How many times the end packet is sent (RFC 4733 recommends 3).
    pub end_repeats: u8,
    /// Most keys that may wait in the queue.
    pub max_queued: usize,
}

impl Default for DtmfTxConfig {
    fn default() -> Self {
        Self {
            tone: Duration::from_millis(160),
            gap: Duration::from_millis(60),
            volume: 10,
            end_repeats: 3,
            max_queued: 64,
        }
    }
}

/// Misuse of the DTMF sender API.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DtmfTxError {
    /// A character that is not a DTMF key; nothing of the string was queued.
    #[error("invalid DTMF digit {digit:?} at position {position}")]
    InvalidDigit {
        /// The offending character.
        digit: char,
        /// Its character index in the string.
        position: usize,
    },
    /// The string does not fit in the queue; nothing of it was queued.
    #[error("DTMF queue full: {queued} keys queued, {requested} more requested, limit {limit}")]
    QueueFull {
        /// Keys already queued.
        queued: usize,
        /// Keys in the rejected string.
        requested: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The settings cannot produce valid packets.
    #[error("invalid DTMF sender settings: {0}")]
    InvalidConfig(&'static str),
}

/// One telephone-event packet to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DtmfPacket {
    /// The key being sent.
    pub digit: char,
    /// The 4-byte RTP payload.
    pub payload: [u8; 4],
    /// RTP sequence number (as given to [`DtmfSender::on_slot`]).
    pub seq: u16,
    /// RTP timestamp: the start of the event, the same in all its packets.
    pub timestamp: u32,
    /// RTP marker bit: set on the first packet of the event only.
    pub marker: bool,
    /// E bit: this is one of the end packets.
    pub end: bool,
    /// Duration field in RTP ticks.
    pub duration: u16,
    /// This is the key's last packet (its last end packet).
    pub last: bool,
}

/// What the sender does with one packet slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DtmfSlot {
    /// Nothing to send: the slot belongs to audio.
    Idle,
    /// Silence between keys: send nothing and hold audio.
    Silent,
    /// Send this packet (the sequence number was consumed).
    Packet(DtmfPacket),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Tone {
        event: u8,
        timestamp: u32,
        slot: u32,
    },
    Gap {
        left: u32,
    },
}

/// Sends queued DTMF keys as RFC 4733 events, one packet per slot.
#[derive(Debug, Clone)]
pub struct DtmfSender {
    config: DtmfTxConfig,
    ticks_per_slot: u32,
    tone_slots: u32,
    tone_ticks: u16,
    gap_slots: u32,
    queue: VecDeque<u8>,
    state: State,
}

impl DtmfSender {
    /// A sender for a stream with this packet time and these RTP ticks per packet.
    pub fn new(
        config: DtmfTxConfig,
        ptime: Duration,
        ticks_per_slot: u32,
    ) -> Result<Self, DtmfTxError> {
        if ptime.is_zero() || ticks_per_slot == 0 {
            return Err(DtmfTxError::InvalidConfig(
                "ptime and ticks per packet must be positive",
            ));
        }
        if config.volume > 63 {
            return Err(DtmfTxError::InvalidConfig("volume is 0..=63 -dBm0"));
        }
        if config.end_repeats == 0 {
            return Err(DtmfTxError::InvalidConfig("at least one end packet"));
        }
        let tone_slots = slots_for(config.tone, ptime).max(1);
        let ticks = config.tone.as_nanos() * u128::from(ticks_per_slot) / ptime.as_nanos();
        let tone_ticks =
            u16::try_from(ticks)
                .ok()
                .filter(|&t| t > 0)
                .ok_or(DtmfTxError::InvalidConfig(
                    "tone must last 1..=65535 RTP ticks",
                ))?;
        Ok(Self {
            config,
            ticks_per_slot,
            tone_slots,
            tone_ticks,
            gap_slots: slots_for(config.gap, ptime),
            queue: VecDeque::new(),
            state: State::Idle,
        })
    }

    /// Queues every key of `digits` (`0`–`9`, `*`, `#`, `A`–`D`, either case), or none of them.
    pub fn queue_digits(&mut self, digits: &str) -> Result<(), DtmfTxError> {
        let mut requested = 0;
        for (position, digit) in digits.chars().enumerate() {
            if dtmf_event_code(digit).is_none() {
                return Err(DtmfTxError::InvalidDigit { digit, position });
            }
            requested += 1;
        }
        if self.queue.len() + requested > self.config.max_queued {
            return Err(DtmfTxError::QueueFull {
                queued: self.queue.len(),
                requested,
                limit: self.config.max_queued,
            });
        }
        self.queue
            .extend(digits.chars().filter_map(dtmf_event_code));
        Ok(())
    }

    /// Whether a key is sounding, a gap is running or keys wait: audio must be held.
    pub fn is_active(&self) -> bool {
        self.state != State::Idle || !self.queue.is_empty()
    }

    /// Keys waiting to start.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Drops the keys not started yet; a key already sounding still ends properly.
    pub fn clear(&mut self) {
        self.queue.clear();
        if matches!(self.state, State::Gap { .. }) {
            self.state = State::Idle;
        }
    }

    /// Packet slots one key occupies (tone plus extra end packets, without the gap).
    pub fn slots_per_key(&self) -> u32 {
        self.tone_slots + u32::from(self.config.end_repeats) - 1
    }

    /// Packet slots of silence after each key.
    pub fn gap_slots(&self) -> u32 {
        self.gap_slots
    }

    /// Uses one packet slot whose RTP timestamp is `timestamp`; `seq` is used if a packet is sent.
    pub fn on_slot(&mut self, timestamp: u32, seq: u16) -> DtmfSlot {
        match self.state {
            State::Gap { left } => {
                self.state = if left > 1 {
                    State::Gap { left: left - 1 }
                } else {
                    State::Idle
                };
                DtmfSlot::Silent
            }
            State::Idle => match self.queue.pop_front() {
                Some(event) => self.tone_packet(event, timestamp, 0, seq),
                None => DtmfSlot::Idle,
            },
            State::Tone {
                event,
                timestamp,
                slot,
            } => self.tone_packet(event, timestamp, slot, seq),
        }
    }

    /// The packet of slot `slot` of a key's tone, advancing the state.
    fn tone_packet(&mut self, event: u8, timestamp: u32, slot: u32, seq: u16) -> DtmfSlot {
        let end = slot + 1 >= self.tone_slots;
        let duration = if end {
            self.tone_ticks
        } else {
            let grown = u64::from(slot + 1) * u64::from(self.ticks_per_slot);
            u16::try_from(grown)
                .unwrap_or(u16::MAX)
                .min(self.tone_ticks)
        };
        let last = slot + 1 >= self.slots_per_key();
        self.state = if !last {
            State::Tone {
                event,
                timestamp,
                slot: slot + 1,
            }
        } else if self.gap_slots > 0 {
            State::Gap {
                left: self.gap_slots,
            }
        } else {
            State::Idle
        };
        let payload = EventPayload {
            event,
            end,
            volume: self.config.volume,
            duration,
        };
        DtmfSlot::Packet(DtmfPacket {
            digit: dtmf_digit(event).unwrap_or('?'),
            payload: payload.to_bytes(),
            seq,
            timestamp,
            marker: slot == 0,
            end,
            duration,
            last,
        })
    }
}

/// Whole slots needed to cover `span` (rounded up).
fn slots_for(span: Duration, ptime: Duration) -> u32 {
    let slots = span.as_nanos().div_ceil(ptime.as_nanos());
    u32::try_from(slots).unwrap_or(u32::MAX)
}
