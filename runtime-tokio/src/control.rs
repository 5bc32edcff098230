//! Direct control over the endpoint from inside the driver (the `on_event` hook).

use std::ops::{Deref, DerefMut};

use sipvoice_core::endpoint::Commands;

/// The endpoint as seen from an `on_event` hook: its [`Commands`] (accept, reject,
/// hang up, send audio, interrupt, send DTMF, dial, stats, ...) take effect at once.
#[derive(Debug)]
pub struct Control<'a> {
    pub(crate) commands: Commands<'a>,
    pub(crate) stop: &'a mut bool,
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

impl Control<'_> {
    /// Hangs up every call and stops the driver once they are gone.
    pub fn shutdown(&mut self) {
        *self.stop = true;
    }
}
