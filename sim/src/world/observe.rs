//! What a test can look at: time, nodes, events, audio, trace, pcap, flows and counters.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use sipvoice_core::endpoint::{CallId, Counts, Endpoint};

use super::node::Agent;
use super::{AudioTally, Audit, EventRecord, FlowStats, NodeId, Sim, SimConfig, SimError};
use crate::clock::VirtualClock;
use crate::pcap::PcapRecorder;
use crate::trace::Trace;

impl Sim {
    /// The current virtual instant.
    pub fn now(&self) -> Instant {
        self.clock.now()
    }

    /// Virtual time elapsed since the epoch.
    pub fn elapsed(&self) -> Duration {
        self.clock.elapsed()
    }

    /// The clock.
    pub fn clock(&self) -> &VirtualClock {
        &self.clock
    }

    /// The simulation's settings.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The core endpoint running on `node`.
    pub fn endpoint(&self, node: NodeId) -> Result<&Endpoint, SimError> {
        match self.nodes.get(node.0).map(|n| &n.agent) {
            Some(Agent::Endpoint(e)) => Ok(e),
            Some(Agent::Party(_)) => Err(SimError::NotAnEndpoint(node)),
            None => Err(SimError::UnknownNode(node)),
        }
    }

    /// The name given to `node` (`?` for an unknown id).
    pub fn name(&self, node: NodeId) -> &str {
        self.nodes.get(node.0).map_or("?", |n| n.name.as_str())
    }

    /// The IP address of `node`.
    pub fn ip(&self, node: NodeId) -> Option<IpAddr> {
        self.nodes.get(node.0).map(|n| n.ip)
    }

    /// The SIP address of an endpoint node (`ip:5060` unless configured otherwise).
    pub fn sip_addr(&self, node: NodeId) -> Option<SocketAddr> {
        self.endpoint(node).ok().map(|e| e.config().local_sip_addr)
    }

    /// Every node id, in creation order.
    pub fn nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.nodes.len()).map(NodeId)
    }

    /// Addresses `node` has bound right now.
    pub fn bound(&self, node: NodeId) -> Vec<SocketAddr> {
        self.nodes
            .get(node.0)
            .map(|n| n.bound.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Live state of `node`.
    pub fn counts(&self, node: NodeId) -> Counts {
        self.nodes
            .get(node.0)
            .map(|n| n.agent.counts())
            .unwrap_or_default()
    }

    /// Whether every node's live state is empty.
    pub fn all_counts_empty(&self) -> bool {
        self.nodes.iter().all(|n| n.agent.counts().is_empty())
    }

    /// Every event so far except audio frames, in order.
    pub fn events(&self) -> &[EventRecord] {
        &self.events
    }

    /// Events of one node.
    pub fn events_of(&self, node: NodeId) -> impl Iterator<Item = &EventRecord> + '_ {
        self.events.iter().filter(move |r| r.node == node)
    }

    /// Audio received per (node, call).
    pub fn audio(&self) -> &BTreeMap<(NodeId, CallId), AudioTally> {
        &self.audio
    }

    /// The trace so far.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Adds a free-form line to the trace at the current time.
    pub fn note(&mut self, text: &str) {
        let at = self.clock.elapsed();
        self.trace.note(at, text);
    }

    /// The recorded datagrams (when [`SimConfig::record_pcap`] is on).
    pub fn pcap(&self) -> Option<&PcapRecorder> {
        self.pcap.as_ref()
    }

    /// Per-flow (source address, destination address) datagram counters.
    pub fn flows(&self) -> &BTreeMap<(SocketAddr, SocketAddr), FlowStats> {
        &self.flows
    }

    /// Wire-level bookkeeping of INVITE transactions and DTMF, for invariants.
    pub fn audit(&self) -> &Audit {
        &self.audit
    }

    /// Datagrams that reached a node with no socket bound at their destination.
    pub fn unbound_drops(&self) -> u64 {
        self.unbound_drops
    }

    /// Datagrams sent to an address no node has.
    pub fn unrouted_drops(&self) -> u64 {
        self.unrouted_drops
    }

    /// Times a node kept asking to be woken at the instant it was just woken at (after a
    /// few re-fires the sim waits 1 ms); non-zero means a timer that does not advance.
    pub fn stalls(&self) -> u64 {
        self.stalls
    }

    /// Bind requests the sim refused on `node`.
    pub fn binds_refused(&self, node: NodeId) -> u64 {
        self.nodes.get(node.0).map_or(0, |n| n.binds_refused)
    }
}
