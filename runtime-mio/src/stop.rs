//! Stopping a running driver from anywhere: a flag plus a waker for its poll.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use mio::Waker;

/// State shared between a driver and its stop handles.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    stop: AtomicBool,
    waker: Mutex<Option<Arc<Waker>>>,
}

impl Shared {
    /// Asks for a graceful stop and wakes the poll the driver waits on, if it has a waker.
    pub(crate) fn request_stop(&self) {
        self.stop.store(true, Ordering::Release);
        let waker = match self.waker.lock() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        if let Some(waker) = waker {
            if let Err(error) = waker.wake() {
                tracing::warn!(%error, "could not wake the driver's poll");
            }
        }
    }

    /// Whether a stop was asked for.
    pub(crate) fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::Acquire)
    }

    /// Sets (or clears) the waker that `request_stop` uses.
    pub(crate) fn set_waker(&self, waker: Option<Arc<Waker>>) {
        match self.waker.lock() {
            Ok(mut guard) => *guard = waker,
            Err(poisoned) => *poisoned.into_inner() = waker,
        }
    }
}

/// Stops a [`Driver`](crate::Driver) gracefully from any thread.
///
/// [`StopHandle::stop`] hangs up every call ([`Endpoint::shutdown`]), keeps the loop running
/// until the endpoint holds no state or 5 seconds have passed, and then
/// [`Driver::run`](crate::Driver::run) returns.
///
/// [`Endpoint::shutdown`]: sipvoice_core::endpoint::Endpoint::shutdown
#[derive(Clone, Debug)]
pub struct StopHandle {
    shared: Arc<Shared>,
}

impl StopHandle {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Asks the driver to shut down gracefully; returns at once.
    pub fn stop(&self) {
        self.shared.request_stop();
    }

    /// Whether a stop was already asked for.
    pub fn is_stopping(&self) -> bool {
        self.shared.stop_requested()
    }
}
