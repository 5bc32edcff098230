//! sipvoice-sim: virtual time, a simulated network and capture replay for the sipvoice core.
//!
//! - [`Sim`]: unmodified core [`Endpoint`](sipvoice_core::endpoint::Endpoint)s on
//!   127.0.0.x addresses, directed seeded [`Link`]s between them, scripted actions and an
//!   event reactor, all driven by a scheduler that jumps to the earliest due instant of a
//!   [`VirtualClock`]; no threads, no sleeps.
//! - [`Link`]: latency, jitter, independent and [`GilbertElliott`] loss, reordering,
//!   duplication, MTU drop, corruption and [`Partition`]s, with the core's input/poll verbs.
//! - [`Trace`]: one line per datagram and event, `+0.020000s A→B INVITE sip:… cseq=1`;
//!   the same seed gives the same trace byte for byte.
//! - [`PcapRecorder`] / [`write_pcap`]: any run as Ethernet/IPv4/UDP pcap.
//! - [`run_scenario`]: the named scenarios behind `sipvoice-sim run`.
//! - [`capture`]: reading captures and replaying a real call's far end.

mod clock;
mod link;
mod pcap;
mod rng;
mod scenario;
mod summary;
mod trace;
mod world;

pub mod capture;

pub use clock::{Offset, VirtualClock};
pub use link::{
    DropCause, Fate, GilbertElliott, IP_UDP_OVERHEAD, Link, LinkConfig, LinkStats, Partition,
};
pub use pcap::{PCAP_BASE_SECS, PcapRecorder, PcapWriteError, write_pcap};
pub use rng::SimRng;
pub use scenario::{
    SCENARIOS, ScenarioError, ScenarioInfo, ScenarioParams, ScenarioRun, run_scenario,
};
pub use summary::Summary;
pub use trace::{Trace, TraceOptions, describe};
pub use world::{
    AudioTally, Audit, CallLife, EventRecord, FlowStats, InviteSpan, Matcher, NodeId, Party, Sim,
    SimConfig, SimError,
};
