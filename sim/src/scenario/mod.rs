//! Named scenarios behind `sipvoice-sim run`: each builds a [`Sim`], scripts the calls,
//! runs to quiescence and checks the invariants every run must keep.
//!
//! ```no_run
//! use sipvoice_sim::{ScenarioParams, run_scenario};
//!
//! let params = ScenarioParams { seed: 42, calls: 20, ..ScenarioParams::default() };
//! let run = run_scenario("lossy-calls", &params).expect("known scenario");
//! print!("{}", run.trace);
//! assert!(run.violations.is_empty(), "{}", params.command_line("lossy-calls"));
//! ```

use std::time::Duration;

mod scripts;

use sipvoice_core::endpoint::Counts;

use crate::link::LinkConfig;
use crate::pcap::PcapWriteError;
use crate::trace::TraceOptions;
use crate::world::{Sim, SimConfig, SimError};

/// A scenario's name and what it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScenarioInfo {
    /// The name given to `sipvoice-sim run`.
    pub name: &'static str,
    /// One line about it.
    pub about: &'static str,
}

/// Every scenario [`run_scenario`] knows, for `sipvoice-sim list`.
pub const SCENARIOS: &[ScenarioInfo] = &[
    ScenarioInfo {
        name: "basic-call",
        about: "A calls B; 2 s of audio and DTMF both ways; A hangs up",
    },
    ScenarioInfo {
        name: "lossy-calls",
        about: "--calls overlapping calls A→B (PCMU), 0.4 s of audio and a digit each, over the link",
    },
    ScenarioInfo {
        name: "long-audio",
        about: "one 60 s call (PCMU) with audio both ways and a DTMF digit every 2 s",
    },
    ScenarioInfo {
        name: "partition",
        about: "a call whose network is cut for good after 2 s; the inactivity watchdog ends it",
    },
    ScenarioInfo {
        name: "cancel-race",
        about: "B answers after 1 s; A hangs up 5 ms before the 200 arrives: CANCEL crosses it",
    },
    ScenarioInfo {
        name: "bye-cross",
        about: "both sides hang up at the same instant: the BYEs cross",
    },
    ScenarioInfo {
        name: "glare",
        about: "both sides re-INVITE (hold) at once: 491 both ways, A retries 3 s later",
    },
    ScenarioInfo {
        name: "lost-ack",
        about: "every ACK from A is lost: B retransmits its 200 and gives up after 64·T1 with BYE",
    },
];

/// The knobs of a scenario run (what the `sipvoice-sim run` flags set).
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioParams {
    /// Seed of every RNG in the run (`--seed`).
    pub seed: u64,
    /// The link used in both directions between the nodes (`--loss`, `--jitter-ms`).
    pub link: LinkConfig,
    /// Number of calls where the scenario places several (`--calls`).
    pub calls: usize,
    /// Put RTP/RTCP datagrams and audio frames in the trace (`--media`).
    pub media_trace: bool,
    /// Record the datagrams for [`ScenarioRun::pcap`] (`--pcap-out`).
    pub record_pcap: bool,
}

impl Default for ScenarioParams {
    fn default() -> Self {
        Self {
            seed: 0,
            link: LinkConfig::default(),
            calls: 10,
            media_trace: false,
            record_pcap: false,
        }
    }
}

impl ScenarioParams {
    /// The `sipvoice-sim run` command line that reproduces a run with these parameters:
    /// `--seed`, `--loss`, `--jitter-ms` and `--calls` always; `--latency-ms`,
    /// `--duplicate`, `--reorder`, `--corrupt` and `--media` only when they differ from the
    /// defaults (bursts, MTU and partitions have no flag).
    pub fn command_line(&self, scenario: &str) -> String {
        let link = &self.link;
        let mut line = format!(
            "sipvoice-sim run {scenario} --seed {} --loss {} --jitter-ms {} --calls {}",
            self.seed,
            link.loss,
            link.jitter.as_millis(),
            self.calls
        );
        if link.latency != LinkConfig::default().latency {
            line.push_str(&format!(" --latency-ms {}", link.latency.as_millis()));
        }
        for (flag, p) in [
            ("duplicate", link.duplicate),
            ("reorder", link.reorder),
            ("corrupt", link.corrupt),
        ] {
            if p > 0.0 {
                line.push_str(&format!(" --{flag} {p}"));
            }
        }
        if self.media_trace {
            line.push_str(" --media");
        }
        line
    }

    /// Parameters from the `sipvoice-sim run` flags: seed, loss probability (0–1), jitter
    /// in ms and number of calls; everything else at its default.
    pub fn from_flags(seed: u64, loss: f64, jitter_ms: u64, calls: usize) -> Self {
        Self {
            seed,
            link: LinkConfig {
                loss,
                jitter: Duration::from_millis(jitter_ms),
                ..LinkConfig::default()
            },
            calls,
            ..Self::default()
        }
    }
}

/// What a scenario run produced.
#[derive(Clone, Debug)]
pub struct ScenarioRun {
    /// The trace (one line per datagram and event).
    pub trace: String,
    /// The pcap file, when [`ScenarioParams::record_pcap`] was set.
    pub pcap: Option<Vec<u8>>,
    /// Broken invariants, one sentence each; empty when the run is clean.
    pub violations: Vec<String>,
    /// Calls that reached `CallStarted` (counted on both sides).
    pub calls_started: usize,
    /// Calls that reported `CallEnded` (both sides).
    pub calls_ended: usize,
    /// Virtual time the run took.
    pub elapsed: Duration,
    /// Each node's name and live state at the end (all zero in a clean run).
    pub final_counts: Vec<(String, Counts)>,
}

/// Why a scenario could not run.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// No scenario has this name (see [`SCENARIOS`]).
    #[error("unknown scenario {0:?}")]
    Unknown(String),
    /// The simulation refused a step.
    #[error(transparent)]
    Sim(#[from] SimError),
    /// The pcap could not be written.
    #[error(transparent)]
    Pcap(#[from] PcapWriteError),
}

/// Runs the scenario `name` with `params` to the end and returns its trace, optional pcap
/// and the invariants it broke. The same name and parameters give the same trace byte for
/// byte.
pub fn run_scenario(name: &str, params: &ScenarioParams) -> Result<ScenarioRun, ScenarioError> {
    if !SCENARIOS.iter().any(|s| s.name == name) {
        return Err(ScenarioError::Unknown(name.to_owned()));
    }
    let mut sim = Sim::new(SimConfig {
        seed: params.seed,
        default_link: params.link.clone(),
        trace: TraceOptions {
            media: params.media_trace,
            enabled: true,
        },
        record_pcap: params.record_pcap,
        keep_audio: false,
        pcap_at_receiver: false,
    });
    let limit = scripts::set_up(name, &mut sim, params)?;
    sim.run_until_idle(limit);
    let run = finish(&mut sim, limit)?;
    Ok(run)
}

/// Collects the outcome: leaks, open calls and audit violations become sentences.
fn finish(sim: &mut Sim, limit: Duration) -> Result<ScenarioRun, ScenarioError> {
    let mut violations = Vec::new();
    if !sim.is_idle() {
        violations.push(format!("not idle after {limit:?}"));
    }
    for node in sim.nodes().collect::<Vec<_>>() {
        let counts = sim.counts(node);
        if !counts.is_empty() {
            violations.push(format!("{} leaks {counts:?}", sim.name(node)));
        }
    }
    for (node, call) in sim.audit().open_calls() {
        violations.push(format!("{} {call} never ended", sim.name(node)));
    }
    let t1 = sim
        .nodes()
        .find_map(|n| sim.endpoint(n).ok().map(|e| e.config().t1))
        .unwrap_or(Duration::from_millis(500));
    violations.extend(sim.audit().violations(t1));
    sim.trace_flows();
    let calls = sim.audit().calls();
    let run = ScenarioRun {
        trace: sim.trace().text().to_owned(),
        pcap: match sim.pcap() {
            Some(p) => Some(p.to_bytes()?),
            None => None,
        },
        violations,
        calls_started: calls.values().filter(|l| l.started).count(),
        calls_ended: calls.values().filter(|l| l.ended.is_some()).count(),
        elapsed: sim.elapsed(),
        final_counts: sim
            .nodes()
            .map(|n| (sim.name(n).to_owned(), sim.counts(n)))
            .collect(),
    };
    Ok(run)
}
