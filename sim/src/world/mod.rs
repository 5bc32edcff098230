//! The simulated world: nodes, links, scripted actions and the virtual-time scheduler.
//!
//! ```
//! use std::time::Duration;
//! use sipvoice_sim::{LinkConfig, Sim, SimConfig};
//!
//! let mut sim = Sim::new(SimConfig { seed: 7, ..SimConfig::default() });
//! let a = sim.add_endpoint("A", |_| {}).expect("valid config");
//! let b = sim.add_endpoint("B", |_| {}).expect("valid config");
//! sim.set_link(a, b, LinkConfig { loss: 0.05, ..LinkConfig::default() });
//! sim.run_for(Duration::from_secs(1));
//! assert_eq!(sim.elapsed(), Duration::from_secs(1));
//! ```

mod audit;
mod commands;
mod net;
mod node;
mod observe;
mod run;

pub use audit::{Audit, CallLife, InviteSpan};
pub use net::{FlowStats, Matcher};
pub use node::Party;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use sipvoice_core::endpoint::{CallId, Endpoint, Event};
use sipvoice_core::{Config, ConfigError};

use crate::clock::VirtualClock;
use crate::link::{Link, LinkConfig};
use crate::pcap::PcapRecorder;
use crate::rng::mix;
use crate::trace::{Trace, TraceOptions};

use net::DropRule;
use node::{Agent, Node};

/// A node of the simulation (index in creation order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub usize);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "node#{}", self.0)
    }
}

/// How a simulation is set up (default: seed 0, clean 10 ms links, SIP-only trace).
#[derive(Clone, Debug, Default)]
pub struct SimConfig {
    /// Seed of every link and endpoint RNG.
    pub seed: u64,
    /// The link used between two nodes unless [`Sim::set_link`] says otherwise.
    pub default_link: LinkConfig,
    /// What the trace records.
    pub trace: TraceOptions,
    /// Record every datagram for [`Sim::pcap`].
    pub record_pcap: bool,
    /// Record datagrams as they arrive (the receivers' view: no lost ones, duplicates
    /// twice, arrival times) instead of as they are sent.
    pub pcap_at_receiver: bool,
    /// Keep decoded audio frames in [`Sim::audio`] (otherwise only counted).
    pub keep_audio: bool,
}

/// Why a simulation request failed (API misuse by the test, never a network fault).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// The node runs a scripted party, not a core endpoint.
    #[error("{0} is not a core endpoint")]
    NotAnEndpoint(NodeId),
    /// No such node.
    #[error("no node {0}")]
    UnknownNode(NodeId),
    /// The endpoint refused its configuration.
    #[error("invalid endpoint configuration: {0}")]
    Config(#[from] ConfigError),
    /// The endpoint refused the command.
    #[error("command refused: {0}")]
    Command(#[from] sipvoice_core::endpoint::CommandError),
    /// Two nodes asked for the same address.
    #[error("address {0} is taken")]
    AddressTaken(IpAddr),
}

/// One event with when and where it happened (audio frames are tallied, not logged).
#[derive(Clone, Debug)]
pub struct EventRecord {
    /// Offset from the epoch.
    pub at: Duration,
    /// The node that reported it.
    pub node: NodeId,
    /// The event.
    pub event: Event,
}

/// Decoded audio received by one call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AudioTally {
    /// Frames reported (concealed ones included).
    pub frames: u64,
    /// Frames synthesised by loss concealment.
    pub concealed: u64,
    /// The samples, when [`SimConfig::keep_audio`] is on.
    pub pcm: Vec<i16>,
}

type Action = Box<dyn FnOnce(&mut Sim)>;
type Reactor = Box<dyn FnMut(&mut Sim, NodeId, &Event)>;

/// The deterministic simulator: nodes, directed links, a virtual clock and a schedule.
pub struct Sim {
    config: SimConfig,
    clock: VirtualClock,
    nodes: Vec<Node>,
    by_ip: HashMap<IpAddr, NodeId>,
    links: BTreeMap<(usize, usize), Link>,
    actions: BTreeMap<(Instant, u64), Action>,
    action_seq: u64,
    reactor: Option<Reactor>,
    dispatching: bool,
    pending_events: std::collections::VecDeque<(NodeId, Event)>,
    events: Vec<EventRecord>,
    audio: BTreeMap<(NodeId, CallId), AudioTally>,
    trace: Trace,
    pcap: Option<PcapRecorder>,
    drop_rules: Vec<DropRule>,
    flows: BTreeMap<(SocketAddr, SocketAddr), FlowStats>,
    flow_kinds: BTreeMap<(SocketAddr, SocketAddr), &'static str>,
    audit: Audit,
    unbound_drops: u64,
    unrouted_drops: u64,
    stalls: u64,
}

impl fmt::Debug for Sim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sim")
            .field("elapsed", &self.clock.elapsed())
            .field("nodes", &self.nodes.len())
            .field("links", &self.links.len())
            .field("actions", &self.actions.len())
            .finish_non_exhaustive()
    }
}

impl Sim {
    /// An empty world at virtual time zero.
    pub fn new(config: SimConfig) -> Self {
        let trace = Trace::new(config.trace);
        let pcap = config.record_pcap.then(PcapRecorder::new);
        Self {
            config,
            clock: VirtualClock::new(),
            nodes: Vec::new(),
            by_ip: HashMap::new(),
            links: BTreeMap::new(),
            actions: BTreeMap::new(),
            action_seq: 0,
            reactor: None,
            dispatching: false,
            pending_events: Default::default(),
            events: Vec::new(),
            audio: BTreeMap::new(),
            trace,
            pcap,
            drop_rules: Vec::new(),
            flows: BTreeMap::new(),
            flow_kinds: BTreeMap::new(),
            audit: Audit::default(),
            unbound_drops: 0,
            unrouted_drops: 0,
            stalls: 0,
        }
    }

    /// The address the next node gets: 127.0.0.1, 127.0.0.2, ...
    fn next_ip(&self) -> IpAddr {
        let n = self.nodes.len() as u32 + 1;
        IpAddr::V4(Ipv4Addr::from(0x7f00_0000 | n))
    }

    /// Adds a core endpoint on the next 127.0.0.x address (SIP on port 5060, RTP on the same
    /// IP, RNG seeded from the simulation seed); `configure` adjusts the rest.
    pub fn add_endpoint(
        &mut self,
        name: &str,
        configure: impl FnOnce(&mut Config),
    ) -> Result<NodeId, SimError> {
        let ip = self.next_ip();
        let mut config = Config {
            local_sip_addr: SocketAddr::new(ip, 5060),
            local_rtp_ip: ip,
            rng_seed: mix(self.config.seed ^ mix(self.nodes.len() as u64 + 1)),
            ..Config::default()
        };
        configure(&mut config);
        let ip = config.local_sip_addr.ip();
        if self.by_ip.contains_key(&ip) {
            return Err(SimError::AddressTaken(ip));
        }
        let sip = config.local_sip_addr;
        let endpoint = Endpoint::new(config, self.clock.now())?;
        Ok(self.push_node(name, ip, Agent::Endpoint(Box::new(endpoint)), &[sip]))
    }

    /// Adds a scripted party at `ip` with sockets already bound on `bound`.
    pub fn add_party(
        &mut self,
        name: &str,
        ip: IpAddr,
        bound: &[SocketAddr],
        party: Box<dyn Party>,
    ) -> Result<NodeId, SimError> {
        if self.by_ip.contains_key(&ip) {
            return Err(SimError::AddressTaken(ip));
        }
        Ok(self.push_node(name, ip, Agent::Party(party), bound))
    }

    /// The address a party added next would conventionally use (127.0.0.n).
    pub fn next_address(&self) -> IpAddr {
        self.next_ip()
    }

    fn push_node(&mut self, name: &str, ip: IpAddr, agent: Agent, bound: &[SocketAddr]) -> NodeId {
        let id = NodeId(self.nodes.len());
        let mut node = Node::new(name.to_owned(), ip, agent, bound);
        node.deadline = Some(self.clock.now());
        self.nodes.push(node);
        self.by_ip.insert(ip, id);
        id
    }

    /// Sets the link from `from` to `to` (one direction).
    pub fn set_link(&mut self, from: NodeId, to: NodeId, config: LinkConfig) {
        let link = self.link_mut(from.0, to.0);
        link.set_config(config);
    }

    /// Sets both directions between `a` and `b` to `config`.
    pub fn set_links(&mut self, a: NodeId, b: NodeId, config: LinkConfig) {
        self.set_link(a, b, config.clone());
        self.set_link(b, a, config);
    }

    /// The link from `from` to `to`, if one was used or set.
    pub fn link(&self, from: NodeId, to: NodeId) -> Option<&Link> {
        self.links.get(&(from.0, to.0))
    }

    pub(crate) fn link_mut(&mut self, from: usize, to: usize) -> &mut Link {
        let (seed, epoch, default) = (
            self.config.seed,
            self.clock.epoch(),
            &self.config.default_link,
        );
        self.links.entry((from, to)).or_insert_with(|| {
            let stream = ((from as u64) << 32) | to as u64;
            Link::new(default.clone(), seed, stream, epoch)
        })
    }

    /// Makes `node` refuse binds on `port` (or on every port when `port` is `None`).
    pub fn refuse_binds(&mut self, node: NodeId, port: Option<u16>) {
        if let Some(n) = self.nodes.get_mut(node.0) {
            match port {
                Some(port) => {
                    n.refused.insert(port);
                }
                None => n.refuse_all = true,
            }
        }
    }
}
