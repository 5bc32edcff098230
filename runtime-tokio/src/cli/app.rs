//! What `sipvoice serve` does with each event, independent of the driver running it:
//! echo (or play a prompt, then echo), record, log events, count calls.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use sipvoice_core::endpoint::{CallId, Commands, Event};

use super::events::EventSink;
use super::recorder::Recordings;
use super::wav::Pcm;

/// The commands the serve logic needs from a driver.
pub trait Actions {
    /// Queues audio on a call.
    fn send_audio(&mut self, call: CallId, pcm: &[i16]);
    /// Queues DTMF digits on a call, each lasting `duration`.
    fn send_dtmf(&mut self, call: CallId, digits: &str, duration: Duration);
}

impl Actions for Commands<'_> {
    fn send_audio(&mut self, call: CallId, pcm: &[i16]) {
        if let Err(e) = Commands::send_audio(self, call, pcm) {
            tracing::trace!(%call, error = %e, "audio not queued");
        }
    }

    fn send_dtmf(&mut self, call: CallId, digits: &str, duration: Duration) {
        if let Err(e) = Commands::send_dtmf(self, call, digits, duration) {
            tracing::debug!(%call, error = %e, "digits not echoed");
        }
    }
}

/// How long an echoed DTMF digit lasts: the caller's own duration within these bounds.
const ECHO_DTMF_MIN: Duration = Duration::from_millis(60);
const ECHO_DTMF_MAX: Duration = Duration::from_millis(500);

/// Call counters for logs and the live line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Calls established and not yet ended.
    pub active: u64,
    /// Calls established since start.
    pub total: u64,
    /// INVITEs refused before a call existed.
    pub rejected: u64,
}

/// The per-event decisions of `sipvoice serve`.
#[derive(Debug, Default)]
pub struct ServeApp {
    prompt: Option<Pcm>,
    prompt_at: HashMap<u32, Vec<i16>>,
    playing: HashSet<CallId>,
    recordings: Option<Recordings>,
    events: Option<EventSink>,
    counters: Counters,
}

impl ServeApp {
    /// Echo mode, optionally with a prompt first, recordings and an event log.
    pub fn new(
        prompt: Option<Pcm>,
        recordings: Option<Recordings>,
        events: Option<EventSink>,
    ) -> Self {
        Self {
            prompt,
            recordings,
            events,
            ..Self::default()
        }
    }

    /// The call counters.
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// Acts on one event.
    pub fn on_event(&mut self, event: &Event, act: &mut dyn Actions) {
        // In echo mode the echoed audio drains after every frame: only the end of the
        // prompt is worth a `playback_finished` line.
        let echo_drained =
            matches!(event, Event::PlaybackFinished { call } if !self.playing.contains(call));
        if let Some(sink) = self.events.as_mut().filter(|_| !echo_drained) {
            sink.write(event);
        }
        match event {
            Event::CallStarted { call, info } => {
                self.counters.active += 1;
                self.counters.total += 1;
                tracing::info!(
                    session = %info.session_id,
                    caller = %info.caller,
                    codec = info.codec.map_or("-", |c| c.encoding_name()),
                    "call started"
                );
                if let Some(rec) = self.recordings.as_mut() {
                    rec.start(*call, &info.session_id, info.sample_rate);
                }
                if let Some(prompt) = &self.prompt {
                    let pcm = self
                        .prompt_at
                        .entry(info.sample_rate)
                        .or_insert_with(|| prompt.at_rate(info.sample_rate));
                    if !pcm.is_empty() {
                        act.send_audio(*call, pcm);
                        self.playing.insert(*call);
                    }
                }
            }
            Event::Audio { call, frame } => {
                if let Some(rec) = self.recordings.as_mut() {
                    rec.write(*call, &frame.pcm);
                }
                if !self.playing.contains(call) {
                    act.send_audio(*call, &frame.pcm);
                }
            }
            Event::PlaybackFinished { call } => {
                self.playing.remove(call);
            }
            Event::Dtmf {
                call,
                digit,
                duration_ms,
                ..
            } => {
                tracing::info!(%call, %digit, "dtmf");
                // Echo mode echoes keys too, as RFC 4733 events.
                let duration = Duration::from_millis(u64::from(*duration_ms))
                    .clamp(ECHO_DTMF_MIN, ECHO_DTMF_MAX);
                let mut buf = [0u8; 4];
                act.send_dtmf(*call, digit.encode_utf8(&mut buf), duration);
            }
            Event::CallEnded { call, reason, .. } => {
                self.counters.active = self.counters.active.saturating_sub(1);
                self.playing.remove(call);
                if let Some(rec) = self.recordings.as_mut() {
                    rec.finish(*call);
                }
                tracing::info!(%call, reason = reason.as_str(), "call ended");
            }
            Event::CallRejected { status, reason, .. } => {
                self.counters.rejected += 1;
                tracing::info!(status, %reason, "call rejected");
            }
            Event::IncomingCall { .. }
            | Event::Ringing { .. }
            | Event::PlaybackInterrupted { .. }
            | Event::Hold { .. } => {}
        }
    }

    /// Closes what is still open (at exit).
    pub fn finish(&mut self) {
        if let Some(rec) = self.recordings.as_mut() {
            rec.finish_all();
        }
    }
}
