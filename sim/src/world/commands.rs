//! The core's application commands, issued at the current virtual time; the node's
//! outputs are drained right after, as a runtime would.

use std::time::Duration;

use sipvoice_core::endpoint::{CallId, DialRequest, Endpoint};

use super::node::Agent;
use super::{NodeId, Sim, SimError};

impl Sim {
    /// Runs `command` on the endpoint of `node` at the current virtual time, then drains
    /// its outputs and dispatches the events they carry.
    pub fn with_endpoint<T>(
        &mut self,
        node: NodeId,
        command: impl FnOnce(&mut Endpoint, std::time::Instant) -> T,
    ) -> Result<T, SimError> {
        let now = self.clock.now();
        let endpoint = match self.nodes.get_mut(node.0).map(|n| &mut n.agent) {
            Some(Agent::Endpoint(e)) => e,
            Some(Agent::Party(_)) => return Err(SimError::NotAnEndpoint(node)),
            None => return Err(SimError::UnknownNode(node)),
        };
        let out = command(endpoint, now);
        self.drain(node.0, false);
        self.dispatch_events();
        Ok(out)
    }

    /// Places a call from `node`.
    pub fn dial(&mut self, node: NodeId, request: DialRequest) -> Result<CallId, SimError> {
        let call = self.with_endpoint(node, |e, now| e.dial(now, request))??;
        self.audit.dialed(node, call);
        Ok(call)
    }

    /// Places a call from `from` to the SIP address of endpoint `to` (`sip:to@addr`).
    pub fn dial_node(&mut self, from: NodeId, to: NodeId) -> Result<CallId, SimError> {
        let addr = self.sip_addr(to).ok_or(SimError::NotAnEndpoint(to))?;
        let target = format!("sip:{}@{addr}", self.name(to).to_ascii_lowercase());
        self.dial(from, DialRequest::new(target, addr))
    }

    /// Accepts an incoming call.
    pub fn accept(&mut self, node: NodeId, call: CallId) -> Result<(), SimError> {
        Ok(self.with_endpoint(node, |e, now| e.accept(now, call))??)
    }

    /// Rejects an incoming call with a final status.
    pub fn reject(
        &mut self,
        node: NodeId,
        call: CallId,
        status: u16,
        reason: &str,
    ) -> Result<(), SimError> {
        Ok(self.with_endpoint(node, |e, now| e.reject(now, call, status, reason))??)
    }

    /// Hangs up a call.
    pub fn hangup(&mut self, node: NodeId, call: CallId) -> Result<(), SimError> {
        Ok(self.with_endpoint(node, |e, now| e.hangup(now, call))??)
    }

    /// Queues PCM for a call.
    pub fn send_audio(&mut self, node: NodeId, call: CallId, pcm: &[i16]) -> Result<(), SimError> {
        Ok(self.with_endpoint(node, |e, now| e.send_audio(now, call, pcm))??)
    }

    /// Sends DTMF digits on a call.
    pub fn send_dtmf(
        &mut self,
        node: NodeId,
        call: CallId,
        digits: &str,
        duration: Duration,
    ) -> Result<(), SimError> {
        self.with_endpoint(node, |e, now| e.send_dtmf(now, call, digits, duration))??;
        self.audit.sent_dtmf(node, call, digits);
        Ok(())
    }

    /// Drops a call's queued outbound audio.
    pub fn interrupt(&mut self, node: NodeId, call: CallId) -> Result<Duration, SimError> {
        Ok(self.with_endpoint(node, |e, now| e.interrupt(now, call))??)
    }

    /// Puts the peer of a call on hold (re-INVITE `sendonly`) or resumes it.
    pub fn hold(&mut self, node: NodeId, call: CallId, on_hold: bool) -> Result<(), SimError> {
        Ok(self.with_endpoint(node, |e, now| e.hold(now, call, on_hold))??)
    }

    /// Shuts an endpoint down (every call hung up).
    pub fn shutdown(&mut self, node: NodeId) -> Result<(), SimError> {
        self.with_endpoint(node, |e, now| e.shutdown(now))
    }
}
