//! Embedding: moving the driver's sockets into a caller's own `mio::Poll`.

use std::io;
use std::sync::Arc;

use mio::{Registry, Token, Waker};

use super::Driver;

impl Driver {
    /// Moves the driver's sockets into a caller's poll: from now on they are registered
    /// with `registry` under tokens `base_token + 1`, `base_token + 2`, ... (one per open
    /// socket, reused as sockets close), so `base_token` must lie above every token the
    /// caller uses itself. `base_token` itself stays reserved.
    ///
    /// The driver's own poll and waker are dropped; a [`StopHandle`](crate::StopHandle) then only sets a flag
    /// that the next [`Driver::process`] sees, unless the caller lends its own waker with
    /// [`Driver::set_stop_waker`].
    pub fn register(&mut self, registry: &Registry, base_token: Token) -> io::Result<()> {
        let registry = registry.try_clone()?;
        self.sockets.rebase(&self.registry, &registry, base_token)?;
        self.registry = registry;
        self.shared.set_waker(None);
        self.poll = None;
        self.pending = true;
        Ok(())
    }

    /// Lends the driver a waker of the caller's poll, woken when a stop is asked for.
    pub fn set_stop_waker(&self, waker: Arc<Waker>) {
        self.shared.set_waker(Some(waker));
    }

    /// Whether `token` is one of the driver's (its sockets' or its reserved base token).
    pub fn owns(&self, token: Token) -> bool {
        self.sockets.owns(token)
    }
}
