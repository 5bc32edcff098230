//! What the replay drives: the core's endpoint, or any node with the same verbs.

use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use sipvoice_core::endpoint::{CommandError, Counts, DialRequest, Endpoint, Output};

/// The verbs of a sans-IO SIP node, as the core's [`Endpoint`] has them.
pub trait ReplayNode {
    /// A datagram arrived on `local` from `remote`.
    fn handle_datagram(&mut self, now: Instant, local: SocketAddr, remote: SocketAddr, data: Bytes);
    /// Time has passed.
    fn handle_timeout(&mut self, now: Instant);
    /// The answer to a bind request.
    fn handle_bind_result(&mut self, now: Instant, addr: SocketAddr, ok: bool);
    /// The next output; [`Output::Timeout`] when there is nothing until then.
    fn poll_output(&mut self) -> Output;
    /// Live state held.
    fn counts(&self) -> Counts;
    /// Places a call; returns the SIP Call-ID chosen, `None` when the node cannot dial.
    fn dial(&mut self, now: Instant, request: DialRequest) -> Result<Option<String>, CommandError> {
        let _ = (now, request);
        Ok(None)
    }
}

impl ReplayNode for Endpoint {
    fn handle_datagram(
        &mut self,
        now: Instant,
        local: SocketAddr,
        remote: SocketAddr,
        data: Bytes,
    ) {
        Endpoint::handle_datagram(self, now, local, remote, data);
    }

    fn handle_timeout(&mut self, now: Instant) {
        Endpoint::handle_timeout(self, now);
    }

    fn handle_bind_result(&mut self, now: Instant, addr: SocketAddr, ok: bool) {
        Endpoint::handle_bind_result(self, now, addr, ok);
    }

    fn poll_output(&mut self) -> Output {
        Endpoint::poll_output(self)
    }

    fn counts(&self) -> Counts {
        Endpoint::counts(self)
    }

    fn dial(&mut self, now: Instant, request: DialRequest) -> Result<Option<String>, CommandError> {
        let call = Endpoint::dial(self, now, request)?;
        Ok(self.call_info(call).map(|info| info.sip_call_id.clone()))
    }
}
