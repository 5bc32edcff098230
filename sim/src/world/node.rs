//! A simulated host: a core endpoint (or any party speaking the same verbs), its address
//! and the sockets it has bound.

use std::collections::BTreeSet;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use bytes::Bytes;
use sipvoice_core::endpoint::{Counts, Endpoint, Output};

/// Anything that speaks the core's driver verbs; lets tests put a hand-written SIP peer
/// (or a capture replayer) on the simulated network next to real endpoints.
pub trait Party {
    /// A datagram arrived on `local` from `remote`.
    fn handle_datagram(&mut self, now: Instant, local: SocketAddr, remote: SocketAddr, data: Bytes);
    /// Time has passed.
    fn handle_timeout(&mut self, now: Instant);
    /// The next output; [`Output::Timeout`] when there is nothing more for now.
    fn poll_output(&mut self) -> Output;
    /// The party's answer to a bind request (default: ignored).
    fn handle_bind_result(&mut self, now: Instant, addr: SocketAddr, ok: bool) {
        let _ = (now, addr, ok);
    }
    /// Live state, checked for leaks at the end of scenarios (default: nothing).
    fn counts(&self) -> Counts {
        Counts::default()
    }
}

/// What runs on a node.
pub(crate) enum Agent {
    /// An unmodified core endpoint.
    Endpoint(Box<Endpoint>),
    /// A scripted party.
    Party(Box<dyn Party>),
}

impl fmt::Debug for Agent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Agent::Endpoint(_) => f.write_str("Endpoint"),
            Agent::Party(_) => f.write_str("Party"),
        }
    }
}

impl Agent {
    pub(crate) fn handle_datagram(
        &mut self,
        now: Instant,
        local: SocketAddr,
        remote: SocketAddr,
        data: Bytes,
    ) {
        match self {
            Agent::Endpoint(e) => e.handle_datagram(now, local, remote, data),
            Agent::Party(p) => p.handle_datagram(now, local, remote, data),
        }
    }

    pub(crate) fn handle_timeout(&mut self, now: Instant) {
        match self {
            Agent::Endpoint(e) => e.handle_timeout(now),
            Agent::Party(p) => p.handle_timeout(now),
        }
    }

    pub(crate) fn handle_bind_result(&mut self, now: Instant, addr: SocketAddr, ok: bool) {
        match self {
            Agent::Endpoint(e) => e.handle_bind_result(now, addr, ok),
            Agent::Party(p) => p.handle_bind_result(now, addr, ok),
        }
    }

    pub(crate) fn poll_output(&mut self) -> Output {
        match self {
            Agent::Endpoint(e) => e.poll_output(),
            Agent::Party(p) => p.poll_output(),
        }
    }

    pub(crate) fn counts(&self) -> Counts {
        match self {
            Agent::Endpoint(e) => e.counts(),
            Agent::Party(p) => p.counts(),
        }
    }
}

/// A node of the simulated network.
#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) name: String,
    pub(crate) ip: IpAddr,
    pub(crate) agent: Agent,
    pub(crate) bound: BTreeSet<SocketAddr>,
    pub(crate) refused: BTreeSet<u16>,
    pub(crate) refuse_all: bool,
    pub(crate) deadline: Option<Instant>,
    pub(crate) refires: u32,
    pub(crate) binds_refused: u64,
}

impl Node {
    pub(crate) fn new(name: String, ip: IpAddr, agent: Agent, bound: &[SocketAddr]) -> Self {
        Self {
            name,
            ip,
            agent,
            bound: bound.iter().copied().collect(),
            refused: BTreeSet::new(),
            refuse_all: false,
            deadline: None,
            refires: 0,
            binds_refused: 0,
        }
    }

    /// Answers a bind request the way the test configured; returns whether it succeeded.
    pub(crate) fn bind(&mut self, addr: SocketAddr) -> bool {
        let ok = !self.refuse_all
            && !self.refused.contains(&addr.port())
            && !self.bound.contains(&addr)
            && (addr.ip() == self.ip || addr.ip().is_unspecified());
        if ok {
            self.bound.insert(SocketAddr::new(self.ip, addr.port()));
        } else {
            self.binds_refused += 1;
        }
        ok
    }

    pub(crate) fn close(&mut self, addr: SocketAddr) {
        self.bound.remove(&SocketAddr::new(self.ip, addr.port()));
    }

    pub(crate) fn accepts(&self, addr: SocketAddr) -> bool {
        self.bound.contains(&addr)
    }
}
