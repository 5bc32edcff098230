//! What the application sees: the [`Handler`] it implements and the [`Control`] it commands with.

use std::time::{Duration, Instant};

use sipvoice_core::endpoint::{
    CallId, CallInfo, CommandError, Counts, DialRequest, Drops, Endpoint, Event,
};
use sipvoice_core::session::CallStats;

use crate::stop::Shared;

/// The application side of a [`Driver`](crate::Driver): it receives events and may command
/// the endpoint through [`Control`].
///
/// Any `FnMut(&mut Control<'_>, Event)` closure is a handler too.
pub trait Handler {
    /// Something happened (a call arrived, started, ended, audio, DTMF, ...).
    fn on_event(&mut self, ctl: &mut Control<'_>, event: Event);

    /// Called once per loop iteration, after sockets and timers were handled.
    fn on_tick(&mut self, ctl: &mut Control<'_>) {
        let _ = ctl;
    }
}

impl<F> Handler for F
where
    F: FnMut(&mut Control<'_>, Event),
{
    fn on_event(&mut self, ctl: &mut Control<'_>, event: Event) {
        self(ctl, event);
    }
}

/// Commands to the endpoint at the current loop time, handed to a [`Handler`].
///
/// Whatever a command produces (SIP messages, RTP, events) is sent or delivered by the
/// driver before it waits again.
#[derive(Debug)]
pub struct Control<'a> {
    endpoint: &'a mut Endpoint,
    now: Instant,
    shared: &'a Shared,
}

impl<'a> Control<'a> {
    pub(crate) fn new(endpoint: &'a mut Endpoint, now: Instant, shared: &'a Shared) -> Self {
        Self {
            endpoint,
            now,
            shared,
        }
    }

    /// The loop time the commands are issued at.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// Accepts an incoming call (with `AnswerPolicy::Ask`).
    pub fn accept(&mut self, call: CallId) -> Result<(), CommandError> {
        self.endpoint.accept(self.now, call)
    }

    /// Rejects an incoming call with a final status (400–699) and reason phrase.
    pub fn reject(&mut self, call: CallId, status: u16, reason: &str) -> Result<(), CommandError> {
        self.endpoint.reject(self.now, call, status, reason)
    }

    /// Hangs up a call (BYE, CANCEL or an error response, as its state requires).
    pub fn hangup(&mut self, call: CallId) -> Result<(), CommandError> {
        self.endpoint.hangup(self.now, call)
    }

    /// Queues 16-bit mono PCM at the call's sample rate; it is sent paced.
    pub fn send_audio(&mut self, call: CallId, pcm: &[i16]) -> Result<(), CommandError> {
        self.endpoint.send_audio(self.now, call, pcm)
    }

    /// Drops every queued outbound frame of a call (barge-in); returns how much was cut.
    pub fn interrupt(&mut self, call: CallId) -> Result<Duration, CommandError> {
        self.endpoint.interrupt(self.now, call)
    }

    /// Sends DTMF digits (`0-9*#A-D`) as RFC 4733 events, each lasting `duration`.
    pub fn send_dtmf(
        &mut self,
        call: CallId,
        digits: &str,
        duration: Duration,
    ) -> Result<(), CommandError> {
        self.endpoint.send_dtmf(self.now, call, digits, duration)
    }

    /// Places an outbound call; its progress arrives as events.
    pub fn dial(&mut self, request: DialRequest) -> Result<CallId, CommandError> {
        self.endpoint.dial(self.now, request)
    }

    /// Hangs up every call (reason `shutdown`) but keeps the loop running; see [`Control::stop`].
    pub fn shutdown(&mut self) {
        self.endpoint.shutdown(self.now);
    }

    /// Stops the driver gracefully, like [`StopHandle::stop`](crate::StopHandle::stop).
    pub fn stop(&mut self) {
        self.shared.request_stop();
    }

    /// Live media statistics of a call.
    pub fn stats(&self, call: CallId) -> Option<CallStats> {
        self.endpoint.stats(call)
    }

    /// The metadata of a live call.
    pub fn call_info(&self, call: CallId) -> Option<&CallInfo> {
        self.endpoint.call_info(call)
    }

    /// How much live state the endpoint holds.
    pub fn counts(&self) -> Counts {
        self.endpoint.counts()
    }

    /// What the endpoint dropped so far.
    pub fn drops(&self) -> Drops {
        self.endpoint.drops()
    }

    /// The endpoint itself, for reading anything else it offers.
    pub fn endpoint(&self) -> &Endpoint {
        self.endpoint
    }
}
