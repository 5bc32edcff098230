//! Direct control over the endpoint from inside the driver (the `on_event` hook).

use std::time::{Duration, Instant};

use sipvoice_core::endpoint::{CallId, CallInfo, CommandError, Counts, DialRequest, Endpoint};
use sipvoice_core::session::CallStats;

/// The endpoint as seen from an `on_event` hook: commands take effect at once.
#[derive(Debug)]
pub struct Control<'a> {
    pub(crate) endpoint: &'a mut Endpoint,
    pub(crate) now: Instant,
    pub(crate) stop: &'a mut bool,
}

impl Control<'_> {
    /// The driver's current time.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// Accepts an incoming call (with `AnswerPolicy::Ask`).
    pub fn accept(&mut self, call: CallId) -> Result<(), CommandError> {
        self.endpoint.accept(self.now, call)
    }

    /// Rejects an incoming call with a final status.
    pub fn reject(&mut self, call: CallId, status: u16, reason: &str) -> Result<(), CommandError> {
        self.endpoint.reject(self.now, call, status, reason)
    }

    /// Hangs up a call.
    pub fn hangup(&mut self, call: CallId) -> Result<(), CommandError> {
        self.endpoint.hangup(self.now, call)
    }

    /// Queues PCM for paced sending.
    pub fn send_audio(&mut self, call: CallId, pcm: &[i16]) -> Result<(), CommandError> {
        self.endpoint.send_audio(self.now, call, pcm)
    }

    /// Drops queued outbound audio; returns how much was cut.
    pub fn interrupt(&mut self, call: CallId) -> Result<Duration, CommandError> {
        self.endpoint.interrupt(self.now, call)
    }

    /// Sends DTMF digits, each lasting `duration`.
    pub fn send_dtmf(
        &mut self,
        call: CallId,
        digits: &str,
        duration: Duration,
    ) -> Result<(), CommandError> {
        self.endpoint.send_dtmf(self.now, call, digits, duration)
    }

    /// Places an outbound call; its events reach the hook.
    pub fn dial(&mut self, request: DialRequest) -> Result<CallId, CommandError> {
        self.endpoint.dial(self.now, request)
    }

    /// Live statistics of a call.
    pub fn stats(&self, call: CallId) -> Option<CallStats> {
        self.endpoint.stats(call)
    }

    /// Metadata of a live call.
    pub fn call_info(&self, call: CallId) -> Option<&CallInfo> {
        self.endpoint.call_info(call)
    }

    /// Live state of the endpoint.
    pub fn counts(&self) -> Counts {
        self.endpoint.counts()
    }

    /// Hangs up every call and stops the driver once they are gone.
    pub fn shutdown(&mut self) {
        *self.stop = true;
    }
}
