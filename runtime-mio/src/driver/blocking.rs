//! The blocking styles on the driver's own poll: `run` with a handler, `next_event` one
//! event at a time.

use std::io;
use std::time::{Duration, Instant};

use mio::event::Events;
use sipvoice_core::endpoint::Event;

use super::Driver;
use crate::control::{Control, Handler};

impl Driver {
    /// Runs the loop until a stop (from a [`StopHandle`](crate::StopHandle) or [`Control::stop`]) completes.
    ///
    /// Errors only when the poll itself fails, or when the driver was moved into a
    /// caller's poll with [`Driver::register`].
    pub fn run(&mut self, handler: &mut impl Handler) -> io::Result<()> {
        self.drive(handler, false, None)
    }

    /// The event-at-a-time style: runs the loop until the endpoint reports an event and
    /// returns it, or returns `None` once `timeout` passed (`None` waits as long as it
    /// takes) or the driver has finished ([`Driver::is_finished`]).
    ///
    /// Between events, command the endpoint with [`Driver::control`]:
    ///
    /// ```no_run
    /// # fn demo(driver: &mut sipvoice_mio::Driver) -> std::io::Result<()> {
    /// use sipvoice_core::endpoint::Event;
    /// while let Some(event) = driver.next_event(None)? {
    ///     if let Event::Audio { call, frame } = event {
    ///         let _ = driver.control().send_audio(call, &frame.pcm);
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn next_event(&mut self, timeout: Option<Duration>) -> io::Result<Option<Event>> {
        if let Some(event) = self.queue.pop_front() {
            return Ok(Some(event));
        }
        let until = timeout.map(|timeout| Instant::now() + timeout);
        let mut queue = std::mem::take(&mut self.queue);
        let mut handler = |_: &mut Control<'_>, event: Event| queue.push_back(event);
        let result = self.drive(&mut handler, true, until);
        self.queue = queue;
        result.map(|()| self.queue.pop_front())
    }

    /// The blocking loop on the driver's own poll: runs until the driver finishes, until
    /// an iteration delivered an event (when `until_event`), or until `until`.
    fn drive<H: Handler>(
        &mut self,
        handler: &mut H,
        until_event: bool,
        until: Option<Instant>,
    ) -> io::Result<()> {
        let Some(mut poll) = self.poll.take() else {
            return Err(io::Error::other(
                "the driver is registered with another poll; drive it with process()",
            ));
        };
        let mut events = std::mem::replace(&mut self.events, Events::with_capacity(0));
        let mut counter = Counting {
            inner: handler,
            delivered: false,
        };
        let result = loop {
            counter.delivered = false;
            let running = self.process(&events, &mut counter);
            events.clear();
            if !running || (until_event && counter.delivered) {
                break Ok(());
            }
            let mut wait = self.next_timeout();
            if let Some(until) = until {
                let left = until.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break Ok(());
                }
                wait = Some(wait.map_or(left, |wait| wait.min(left)));
            }
            match poll.poll(&mut events, wait) {
                Ok(()) => {}
                Err(error) if error.kind() == io::ErrorKind::Interrupted => events.clear(),
                Err(error) => break Err(error),
            }
        };
        self.events = events;
        self.poll = Some(poll);
        result
    }
}

/// A handler wrapper that notes whether any event was delivered.
struct Counting<'h, H> {
    inner: &'h mut H,
    delivered: bool,
}

impl<H: Handler> Handler for Counting<'_, H> {
    fn on_event(&mut self, ctl: &mut Control<'_>, event: Event) {
        self.delivered = true;
        self.inner.on_event(ctl, event);
    }

    fn on_tick(&mut self, ctl: &mut Control<'_>) {
        self.inner.on_tick(ctl);
    }
}
