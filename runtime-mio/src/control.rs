//! What the application sees: the [`Handler`] it implements and the [`Control`] it commands with.

use std::ops::{Deref, DerefMut};
use std::time::Instant;

use sipvoice_core::endpoint::{Commands, Endpoint, Event};

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

/// Commands to the endpoint at the current loop time, handed to a [`Handler`]: the
/// endpoint's [`Commands`] (accept, reject, hang up, send audio, interrupt, send DTMF,
/// dial, stats, counts, ...) plus the driver's own [`Control::shutdown`] and
/// [`Control::stop`].
///
/// Whatever a command produces (SIP messages, RTP, events) is sent or delivered by the
/// driver before it waits again.
#[derive(Debug)]
pub struct Control<'a> {
    commands: Commands<'a>,
    shared: &'a Shared,
}

impl<'a> Control<'a> {
    pub(crate) fn new(endpoint: &'a mut Endpoint, now: Instant, shared: &'a Shared) -> Self {
        Self {
            commands: endpoint.at(now),
            shared,
        }
    }

    /// Hangs up every call (reason `shutdown`) but keeps the loop running; see [`Control::stop`].
    pub fn shutdown(&mut self) {
        let now = self.commands.now();
        self.commands.endpoint_mut().shutdown(now);
    }

    /// Stops the driver gracefully, like [`StopHandle::stop`](crate::StopHandle::stop).
    pub fn stop(&mut self) {
        self.shared.request_stop();
    }
}

impl<'a> Deref for Control<'a> {
    type Target = Commands<'a>;

    fn deref(&self) -> &Commands<'a> {
        &self.commands
    }
}

impl<'a> DerefMut for Control<'a> {
    fn deref_mut(&mut self) -> &mut Commands<'a> {
        &mut self.commands
    }
}
