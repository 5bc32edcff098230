//! Outbound pacing: frames application PCM at ptime and releases one packet per slot.
//!
//! The application hands 16-bit mono PCM of any length with [`Pacer::push_pcm`]; the pacer
//! cuts it into frames of `samples_per_frame` and releases each on its own slot:
//! - slot k of a run is due at `start + k·ptime`: one packet per slot, never a burst, and
//!   never more than the frame being played ahead of real time;
//! - when the queue runs dry at a slot, the run stops; new audio restarts it at the
//!   current time (but never less than one ptime after the previous slot), and its first
//!   frame carries the marker bit (start of a talkspurt);
//! - RTP timestamps advance by `ticks_per_frame` per slot and, across a pause, by the
//!   elapsed wall time, so they stay continuous with the clock (the RTP clock may differ
//!   from the PCM rate: G.722 is 16 kHz PCM on an 8 kHz RTP clock);
//! - a slot served more than one ptime late re-anchors the schedule at that moment (the
//!   missed slots are not sent in a burst; the audio is delayed, not dropped);
//! - a partial last frame is kept until more PCM arrives; [`Pacer::finish`] pads it with
//!   silence (end of an utterance);
//! - [`Pacer::interrupt`] drops all queued audio at once and reports what was cut.
//!
//! Playback events: [`PacerEvent::PlaybackFinished`] comes at the slot after the last frame
//! (its time has elapsed) once the queue is completely empty; an underrun that empties it
//! between two pushes reports it too, and the next push starts a new playback. A partial
//! frame left waiting is not finished. [`PacerEvent::PlaybackInterrupted`] replaces it when
//! [`Pacer::interrupt`] ends a playback.
//!
//! DTMF keys queued with [`Pacer::send_dtmf`] take the slots before audio: events and audio
//! share one sequence and timestamp space, and audio is held (not dropped) while keys are
//! sent ([`Pacer::audio_paused`]).
//!
//! Drive it like every machine of the core: after an input, call [`Pacer::poll`] until it
//! returns `None`, drain [`Pacer::poll_event`], and wake up at [`Pacer::next_deadline`].

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use thiserror::Error;

use super::dtmf::{DtmfPacket, DtmfSender, DtmfSlot, DtmfTxConfig, DtmfTxError};

/// Events kept until drained; beyond this the oldest is dropped.
const MAX_EVENTS: usize = 32;
/// Frames of room the audio queue takes when the first PCM arrives.
const QUEUE_FRAMES: usize = 8;

/// Pacer settings for one outbound stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacerConfig {
    /// Packet time (20 ms by default in SIP).
    pub ptime: Duration,
    /// PCM samples per frame (160 at 8 kHz / 20 ms, 320 at 16 kHz / 20 ms).
    pub samples_per_frame: usize,
    /// RTP timestamp ticks per frame (160 for G.711 and G.722 at 20 ms).
    pub ticks_per_frame: u32,
    /// Most audio that may wait in the queue.
    pub max_queue: Duration,
    /// DTMF sender settings.
    pub dtmf: DtmfTxConfig,
}

impl PacerConfig {
    /// Settings with a 60 s queue and default DTMF.
    pub fn new(ptime: Duration, samples_per_frame: usize, ticks_per_frame: u32) -> Self {
        Self {
            ptime,
            samples_per_frame,
            ticks_per_frame,
            max_queue: Duration::from_secs(60),
            dtmf: DtmfTxConfig::default(),
        }
    }
}

/// Misuse of the pacer API.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PacerError {
    /// The PCM does not fit in the queue; nothing of it was queued.
    #[error(
        "audio queue full: {queued_ms} ms queued, {requested_ms} ms more requested, limit {max_ms} ms"
    )]
    QueueFull {
        /// Audio already queued, in ms.
        queued_ms: u64,
        /// Audio in the rejected call, in ms.
        requested_ms: u64,
        /// The configured limit, in ms.
        max_ms: u64,
    },
    /// The settings are unusable.
    #[error("invalid pacer settings: {0}")]
    InvalidConfig(&'static str),
    /// A DTMF request was refused.
    #[error(transparent)]
    Dtmf(#[from] DtmfTxError),
}

/// One audio frame to encode and send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutFrame<'a> {
    /// The frame's PCM (`samples_per_frame` samples).
    pub pcm: &'a [i16],
    /// RTP sequence number.
    pub seq: u16,
    /// RTP timestamp.
    pub timestamp: u32,
    /// RTP marker bit: first frame of a talkspurt.
    pub marker: bool,
}

/// A packet released by the pacer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacerOutput<'a> {
    /// An audio frame, to be encoded with the call's codec.
    Audio(OutFrame<'a>),
    /// A telephone-event packet, sent with the negotiated telephone-event payload type.
    Dtmf(DtmfPacket),
}

/// Something the application should hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacerEvent {
    /// All queued audio has been sent and its last frame's time has elapsed.
    PlaybackFinished,
    /// Queued audio was dropped by [`Pacer::interrupt`].
    PlaybackInterrupted {
        /// Samples dropped.
        cut_samples: u64,
        /// Audio dropped, in ms.
        cut_ms: u64,
    },
    /// A DTMF key has been sent completely (its last end packet).
    DtmfSent {
        /// The key.
        digit: char,
    },
}

/// What [`Pacer::interrupt`] cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupted {
    /// Samples dropped.
    pub cut_samples: u64,
    /// Audio dropped, in ms.
    pub cut_ms: u64,
}

/// Counters of what the pacer released.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PacerStats {
    /// Audio frames released.
    pub frames: u64,
    /// Telephone-event packets released.
    pub dtmf_packets: u64,
    /// Slots served more than one ptime late (schedule re-anchored).
    pub late_slots: u64,
    /// Samples dropped by interrupts.
    pub cut_samples: u64,
}

#[derive(Debug, Clone, Copy)]
struct Run {
    /// When the next slot is due.
    due: Instant,
    /// RTP timestamp of the next slot.
    ts: u32,
    /// The next audio frame starts a talkspurt.
    spurt_start: bool,
}

/// Paces one outbound RTP stream: audio frames and DTMF events on one seq/timestamp clock.
///
/// Creating one allocates nothing: the audio queue and the frame buffer take their memory
/// with the first audio.
#[derive(Debug, Clone)]
pub struct Pacer {
    config: PacerConfig,
    max_samples: usize,
    queue: VecDeque<i16>,
    /// The frame being sent (its samples leave the queue when its slot is served).
    frame: Vec<i16>,
    dtmf: DtmfSender,
    seq: u16,
    first_ts: u32,
    run: Option<Run>,
    last_slot: Option<(Instant, u32)>,
    playing: bool,
    events: VecDeque<PacerEvent>,
    stats: PacerStats,
}

impl Pacer {
    /// A pacer whose first packet uses `initial_seq` and `initial_timestamp` (drawn at random).
    pub fn new(
        config: PacerConfig,
        initial_seq: u16,
        initial_timestamp: u32,
    ) -> Result<Self, PacerError> {
        if config.ptime.is_zero() || config.samples_per_frame == 0 || config.ticks_per_frame == 0 {
            return Err(PacerError::InvalidConfig(
                "ptime, samples per frame and ticks per frame must be positive",
            ));
        }
        let max = config.max_queue.as_nanos() * config.samples_per_frame as u128
            / config.ptime.as_nanos();
        let max_samples = usize::try_from(max).unwrap_or(usize::MAX);
        if max_samples < config.samples_per_frame {
            return Err(PacerError::InvalidConfig(
                "the queue must hold at least one frame",
            ));
        }
        let dtmf = DtmfSender::new(config.dtmf, config.ptime, config.ticks_per_frame)?;
        Ok(Self {
            config,
            max_samples,
            queue: VecDeque::new(),
            frame: Vec::new(),
            dtmf,
            seq: initial_seq,
            first_ts: initial_timestamp,
            run: None,
            last_slot: None,
            playing: false,
            events: VecDeque::new(),
            stats: PacerStats::default(),
        })
    }

    /// Queues PCM received at `now` (any length, all or nothing).
    pub fn push_pcm(&mut self, now: Instant, pcm: &[i16]) -> Result<(), PacerError> {
        if self.queue.len() + pcm.len() > self.max_samples {
            return Err(PacerError::QueueFull {
                queued_ms: self.samples_to_ms(self.queue.len()),
                requested_ms: self.samples_to_ms(pcm.len()),
                max_ms: self.samples_to_ms(self.max_samples),
            });
        }
        if self.queue.capacity() == 0 {
            self.queue
                .reserve(self.config.samples_per_frame * QUEUE_FRAMES);
        }
        self.queue.extend(pcm);
        self.start_run(now);
        Ok(())
    }

    /// Marks the end of an utterance: a partial last frame is padded with silence and sent.
    pub fn finish(&mut self, now: Instant) {
        let partial = self.queue.len() % self.config.samples_per_frame;
        if partial != 0 {
            let pad = self.config.samples_per_frame - partial;
            self.queue.extend(std::iter::repeat_n(0, pad));
        }
        self.start_run(now);
    }

    /// Queues DTMF keys at `now`; they are sent before any further audio.
    pub fn send_dtmf(&mut self, now: Instant, digits: &str) -> Result<(), PacerError> {
        self.dtmf.queue_digits(digits)?;
        self.start_run(now);
        Ok(())
    }

    /// Drops DTMF keys not started yet (a key already sounding ends properly).
    pub fn cancel_dtmf(&mut self) {
        self.dtmf.clear();
    }

    /// Drops all queued audio at once (barge-in) and reports what was cut.
    pub fn interrupt(&mut self) -> Interrupted {
        let cut = self.queue.len();
        self.queue.clear();
        let cut_samples = cut as u64;
        let cut_ms = self.samples_to_ms(cut);
        self.stats.cut_samples += cut_samples;
        if self.playing || cut > 0 {
            self.push_event(PacerEvent::PlaybackInterrupted {
                cut_samples,
                cut_ms,
            });
        }
        self.playing = false;
        if let Some(run) = self.run.as_mut() {
            run.spurt_start = true;
        }
        Interrupted {
            cut_samples,
            cut_ms,
        }
    }

    /// Whether audio is held because DTMF keys are being sent.
    pub fn audio_paused(&self) -> bool {
        self.dtmf.is_active()
    }

    /// Samples waiting to be sent.
    pub fn queued_samples(&self) -> usize {
        self.queue.len()
    }

    /// Most samples the queue holds (`max_queue` of audio).
    pub fn max_samples(&self) -> usize {
        self.max_samples
    }

    /// Audio waiting to be sent, in ms.
    pub fn queued_ms(&self) -> u64 {
        self.samples_to_ms(self.queue.len())
    }

    /// Sequence number the next packet will carry.
    pub fn next_seq(&self) -> u16 {
        self.seq
    }

    /// Counters so far.
    pub fn stats(&self) -> PacerStats {
        self.stats
    }

    /// The stream's RTP timestamp for the instant `now` (for RTCP sender reports).
    pub fn rtp_timestamp_at(&self, now: Instant) -> u32 {
        match self.last_slot {
            Some((at, ts)) if now >= at => ts.wrapping_add(self.ticks_between(at, now)),
            Some((at, ts)) => ts.wrapping_sub(self.ticks_between(now, at)),
            None => self.first_ts,
        }
    }

    /// When the next slot is due (`None` while there is nothing to send).
    pub fn next_deadline(&self) -> Option<Instant> {
        self.run.map(|r| r.due)
    }

    /// Serves the slot due by `now`, if any: the packet to send, or `None` (also for a silent
    /// slot between DTMF keys: keep following [`Self::next_deadline`]).
    pub fn poll(&mut self, now: Instant) -> Option<PacerOutput<'_>> {
        let mut run = self.run?;
        if run.due > now {
            return None;
        }
        let slot_time = if now >= run.due + self.config.ptime {
            self.stats.late_slots += 1;
            now
        } else {
            run.due
        };
        let ts = run.ts;
        let seq = self.seq;
        if self.playing && self.queue.is_empty() {
            // The last frame has played (even if DTMF now takes the slot).
            self.playing = false;
            self.push_event(PacerEvent::PlaybackFinished);
        }
        let output = match self.dtmf.on_slot(ts, seq) {
            DtmfSlot::Packet(packet) => {
                self.seq = seq.wrapping_add(1);
                self.stats.dtmf_packets += 1;
                run.spurt_start = true;
                if packet.last {
                    self.push_event(PacerEvent::DtmfSent {
                        digit: packet.digit,
                    });
                }
                Some(PacerOutput::Dtmf(packet))
            }
            DtmfSlot::Silent => None,
            DtmfSlot::Idle if self.queue.len() >= self.config.samples_per_frame => {
                self.take_frame();
                self.seq = seq.wrapping_add(1);
                self.stats.frames += 1;
                self.playing = true;
                let marker = run.spurt_start;
                run.spurt_start = false;
                Some(PacerOutput::Audio(OutFrame {
                    pcm: &self.frame,
                    seq,
                    timestamp: ts,
                    marker,
                }))
            }
            DtmfSlot::Idle => {
                // Nothing to send: the run ends here, the slot is not used.
                self.run = None;
                return None;
            }
        };
        self.last_slot = Some((slot_time, ts));
        run.due = slot_time + self.config.ptime;
        run.ts = ts.wrapping_add(self.config.ticks_per_frame);
        self.run = Some(run);
        output
    }

    /// The next event for the application.
    pub fn poll_event(&mut self) -> Option<PacerEvent> {
        self.events.pop_front()
    }

    /// Moves the next `samples_per_frame` queued samples (there are that many) into `frame`.
    fn take_frame(&mut self) {
        let spf = self.config.samples_per_frame.min(self.queue.len());
        let (front, back) = self.queue.as_slices();
        let from_front = spf.min(front.len());
        self.frame.clear();
        self.frame
            .extend_from_slice(front.get(..from_front).unwrap_or_default());
        self.frame
            .extend_from_slice(back.get(..spf - from_front).unwrap_or_default());
        self.queue.drain(..spf);
    }

    /// Starts the slot schedule at `now` if it is stopped and there is something to send.
    fn start_run(&mut self, now: Instant) {
        let ready = self.dtmf.is_active() || self.queue.len() >= self.config.samples_per_frame;
        if self.run.is_some() || !ready {
            return;
        }
        let (due, ts) = match self.last_slot {
            Some((at, ts)) => {
                let due = now.max(at + self.config.ptime);
                (due, ts.wrapping_add(self.ticks_between(at, due)))
            }
            None => (now, self.first_ts),
        };
        self.run = Some(Run {
            due,
            ts,
            spurt_start: true,
        });
    }

    /// RTP ticks elapsed from `from` to `to` (modulo 2^32).
    fn ticks_between(&self, from: Instant, to: Instant) -> u32 {
        let elapsed = to.saturating_duration_since(from).as_nanos();
        let ticks =
            elapsed * u128::from(self.config.ticks_per_frame) / self.config.ptime.as_nanos();
        (ticks % (1u128 << 32)) as u32
    }

    fn samples_to_ms(&self, samples: usize) -> u64 {
        let nanos =
            samples as u128 * self.config.ptime.as_nanos() / self.config.samples_per_frame as u128;
        u64::try_from(nanos / 1_000_000).unwrap_or(u64::MAX)
    }

    fn push_event(&mut self, event: PacerEvent) {
        if self.events.len() >= MAX_EVENTS {
            self.events.pop_front();
        }
        self.events.push_back(event);
    }
}
