//! The jitter buffer: reorders one audio stream and decides, by deadline, when a missing
//! frame is concealed. Sans-IO: every call takes the current `Instant`.

use super::config::{JitterConfig, JitterConfigError, JitterStats};
use super::estimator::JitterEstimator;
use super::ring::{Ring, SlotState, Stored};
use crate::media::rtp::{SeqExtender, seq_delta};
use bytes::Bytes;
use std::time::{Duration, Instant};

/// A sequence jump further ahead than this needs a second packet to confirm it (RFC 3550 A.1).
const MAX_DROPOUT: u64 = 3000;
/// A packet further behind the highest than this starts a restart probe (RFC 3550 A.1).
const MAX_MISORDER: u64 = 100;

/// One received audio packet, already filtered to the buffer's payload type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioPacket {
    /// RTP sequence number.
    pub seq: u16,
    /// RTP timestamp.
    pub timestamp: u32,
    /// Synchronisation source.
    pub ssrc: u32,
    /// Marker bit (start of a talkspurt).
    pub marker: bool,
    /// Encoded payload.
    pub payload: Bytes,
}

/// What `push` did with a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    /// Buffered for playout.
    Accepted,
    /// Buffered after resetting the stream (new SSRC or confirmed sequence restart).
    Restarted,
    /// Already received; dropped.
    Duplicate,
    /// Its slot was already concealed or given up; dropped.
    Late,
    /// An unconfirmed large sequence jump; dropped (a following packet may confirm it).
    Ignored,
}

/// Why a concealment frame is handed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConcealCause {
    /// The packet with this sequence number did not arrive by its deadline.
    Lost {
        /// The missing sequence number.
        seq: u16,
    },
    /// Filler for the sender's silence (only when `skip_audio_gaps` is false).
    SilenceGap,
}

/// One step of playout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Playout {
    /// A received frame, in order.
    Frame {
        /// RTP sequence number.
        seq: u16,
        /// RTP timestamp.
        timestamp: u32,
        /// Encoded payload to decode.
        payload: Bytes,
        /// Marker bit.
        marker: bool,
    },
    /// Produce one frame of concealment for this timestamp.
    Conceal {
        /// The timestamp the concealed frame stands for.
        timestamp: u32,
        /// Why it is concealed.
        cause: ConcealCause,
    },
}

enum Placement {
    At(u64),
    Jump,
    Restart,
}

#[derive(Debug, Clone)]
pub(super) struct Stream {
    pub(super) ssrc: u32,
    pub(super) seqs: SeqExtender,
    /// Extended sequence number of the next frame to hand out.
    pub(super) head: u64,
    /// Timestamp expected for the head frame, once anything has been handed out.
    pub(super) head_ts: Option<u32>,
    /// Arrival time and timestamp of the last frame handed out (the deadline anchor).
    pub(super) anchor: Option<(Instant, u32)>,
    pub(super) first_arrival: Instant,
    pub(super) started: bool,
    pub(super) delivered_any: bool,
    /// Silence-gap concealment frames still to hand out before the head frame.
    pub(super) fill: u32,
    /// Sequence number that would confirm a large jump.
    pub(super) probe: Option<u16>,
    /// Last frame handed out (extended seq, timestamp), to learn the frame size.
    pub(super) last_played: Option<(u64, u32)>,
}

/// Jitter buffer for one audio payload type of one call.
#[derive(Debug, Clone)]
pub struct JitterBuffer {
    pub(super) config: JitterConfig,
    pub(super) ring: Ring,
    pub(super) stream: Option<Stream>,
    pub(super) estimator: JitterEstimator,
    pub(super) spf: u32,
    pub(super) spf_candidate: Option<u32>,
    pub(super) stats: JitterStats,
}

impl JitterBuffer {
    /// A buffer with this configuration; memory for `capacity` slots is taken when the first
    /// packet arrives.
    pub fn new(config: JitterConfig) -> Result<Self, JitterConfigError> {
        config.validate()?;
        Ok(Self {
            ring: Ring::new(config.capacity),
            stream: None,
            estimator: JitterEstimator::new(config.clock_rate),
            spf: config.samples_per_frame(),
            spf_candidate: None,
            stats: JitterStats::default(),
            config,
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &JitterConfig {
        &self.config
    }

    /// Counters since creation.
    pub fn stats(&self) -> JitterStats {
        self.stats
    }

    /// Frames currently buffered (never more than the capacity).
    pub fn len(&self) -> usize {
        self.ring.buffered()
    }

    /// Whether no frame is buffered.
    pub fn is_empty(&self) -> bool {
        self.ring.buffered() == 0
    }

    /// Interarrival jitter measured on this stream (RFC 3550 A.8), as a duration.
    pub fn jitter(&self) -> Duration {
        self.estimator.jitter()
    }

    /// How long past its expected arrival a missing frame is awaited now.
    pub fn target_delay(&self) -> Duration {
        match self.config.adaptive_max_delay {
            None => self.config.delay,
            Some(max) => {
                (self.estimator.jitter() * 3).clamp(self.config.delay, max.max(self.config.delay))
            }
        }
    }

    /// Timestamp ticks per frame currently assumed (configured, then learned from the stream).
    pub fn samples_per_frame(&self) -> u32 {
        self.spf
    }

    /// Forgets the stream and every buffered frame (counted as flushed).
    pub fn reset(&mut self) {
        self.stats.flushed += self.ring.clear() as u64;
        self.stream = None;
        self.estimator.reset();
        self.spf = self.config.samples_per_frame();
        self.spf_candidate = None;
    }

    fn start(&mut self, now: Instant, packet: AudioPacket) {
        self.ring.allocate();
        let mut seqs = SeqExtender::new();
        let head = seqs.extend(packet.seq);
        self.stream = Some(Stream {
            ssrc: packet.ssrc,
            seqs,
            head,
            head_ts: None,
            anchor: None,
            first_arrival: now,
            started: self.config.prefetch == 0,
            delivered_any: false,
            fill: 0,
            probe: None,
            last_played: None,
        });
        self.store(now, head, packet);
    }

    fn store(&mut self, now: Instant, ext: u64, packet: AudioPacket) {
        self.estimator.on_arrival(now, packet.timestamp);
        let stored = Stored {
            seq: packet.seq,
            timestamp: packet.timestamp,
            marker: packet.marker,
            payload: packet.payload,
            arrival: now,
        };
        self.ring.set(ext, SlotState::Buffered(stored));
        self.stats.accepted += 1;
        if let Some(stream) = &mut self.stream
            && !stream.started
            && self.ring.buffered() >= self.config.prefetch
        {
            stream.started = true;
        }
    }

    /// Where a sequence number falls relative to the stream (RFC 3550 A.1 jump rules).
    fn place(&mut self, seq: u16) -> Placement {
        let capacity = self.ring.capacity() as u64;
        let Some(stream) = self.stream.as_mut() else {
            return Placement::Restart;
        };
        let ext = stream.seqs.peek(seq);
        let highest = stream.seqs.highest().unwrap_or(ext);
        let misorder = MAX_MISORDER.max(capacity);
        let jump = ext > highest + MAX_DROPOUT || ext + misorder < highest;
        if !jump {
            stream.probe = None;
            stream.seqs.extend(seq);
            if ext >= stream.head + capacity {
                self.slide_to(ext + 1 - capacity);
            }
            return Placement::At(ext);
        }
        if stream.probe == Some(seq) {
            self.reset();
            self.stats.resets += 1;
            return Placement::Restart;
        }
        stream.probe = Some(seq.wrapping_add(1));
        Placement::Jump
    }

    /// Moves the head forward to `new_head`, giving up every slot it passes.
    fn slide_to(&mut self, new_head: u64) {
        let spf = self.spf;
        let Some(stream) = self.stream.as_mut() else {
            return;
        };
        while stream.head < new_head {
            let head = stream.head;
            let was_vacant = matches!(self.ring.state(head), SlotState::Vacant);
            let ts = match self.ring.set(head, SlotState::Dropped) {
                Some(frame) => {
                    self.stats.overflow_dropped += 1;
                    Some(frame.timestamp)
                }
                None => {
                    if was_vacant {
                        self.stats.lost_skipped += 1;
                    }
                    None
                }
            };
            // Skipping gaps, the timeline jumps with the head. Filling gaps, it stays put so the
            // next frame's timestamp gap is filled with concealment and the output stays continuous.
            if self.config.skip_audio_gaps {
                stream.head_ts = ts.or(stream.head_ts).map(|t| t.wrapping_add(spf));
            }
            stream.fill = 0;
            stream.head += 1;
        }
    }

    /// Takes a received audio packet of the buffer's payload type.
    pub fn push(&mut self, now: Instant, packet: AudioPacket) -> Pushed {
        let Some(stream) = &self.stream else {
            self.start(now, packet);
            return Pushed::Accepted;
        };
        if stream.ssrc != packet.ssrc {
            self.reset();
            self.stats.resets += 1;
            self.start(now, packet);
            return Pushed::Restarted;
        }
        let ext = match self.place(packet.seq) {
            Placement::At(ext) => ext,
            Placement::Jump => return self.reject_jump(packet.seq),
            Placement::Restart => {
                self.start(now, packet);
                return Pushed::Restarted;
            }
        };
        let Some(stream) = self.stream.as_mut() else {
            return Pushed::Ignored;
        };
        if ext < stream.head {
            let highest = stream.seqs.highest().unwrap_or(ext);
            let fits = highest < ext + self.ring.capacity() as u64;
            if stream.delivered_any || !fits || !matches!(self.ring.state(ext), SlotState::Vacant) {
                let verdict = self.reject_old(ext);
                if verdict == Pushed::Late {
                    self.estimator.on_arrival(now, packet.timestamp);
                }
                return verdict;
            }
            stream.head = ext;
        }
        match self.ring.state(ext) {
            SlotState::Vacant => {
                self.store(now, ext, packet);
                Pushed::Accepted
            }
            SlotState::Buffered(_) | SlotState::Played | SlotState::Skipped => {
                self.stats.duplicates += 1;
                Pushed::Duplicate
            }
            SlotState::Concealed | SlotState::Dropped => {
                // A late packet is the strongest evidence of jitter: the adaptive wait learns it.
                self.estimator.on_arrival(now, packet.timestamp);
                self.stats.late += 1;
                Pushed::Late
            }
        }
    }

    fn reject_jump(&mut self, seq: u16) -> Pushed {
        let behind = self
            .stream
            .as_ref()
            .and_then(|s| s.seqs.highest())
            .is_some_and(|h| seq_delta(seq, h as u16) < 0);
        if behind {
            self.stats.late += 1;
            Pushed::Late
        } else {
            self.stats.ignored += 1;
            Pushed::Ignored
        }
    }

    fn reject_old(&mut self, ext: u64) -> Pushed {
        if matches!(self.ring.state(ext), SlotState::Played | SlotState::Skipped) {
            self.stats.duplicates += 1;
            Pushed::Duplicate
        } else {
            self.stats.late += 1;
            Pushed::Late
        }
    }

    /// Records that `seq` of `ssrc` was consumed by a non-audio packet (DTMF, comfort noise
    /// handled elsewhere): the hole it leaves is not loss. Returns whether it was recorded.
    pub fn skip_seq(&mut self, ssrc: u32, seq: u16) -> bool {
        if self.stream.as_ref().is_none_or(|s| s.ssrc != ssrc) {
            return false;
        }
        let Placement::At(ext) = self.place(seq) else {
            return false;
        };
        let Some(stream) = &self.stream else {
            return false;
        };
        if ext < stream.head || !matches!(self.ring.state(ext), SlotState::Vacant) {
            return false;
        }
        self.ring.set(ext, SlotState::Skipped);
        self.stats.non_audio += 1;
        true
    }
}
