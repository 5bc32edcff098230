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

use std::f64::consts::TAU;
use std::time::Duration;

use sipvoice_core::endpoint::{CallDirection, Counts, Event};
use sipvoice_core::{Config, PT_PCMU};

use crate::link::{LinkConfig, Partition};
use crate::pcap::PcapWriteError;
use crate::trace::TraceOptions;
use crate::world::{NodeId, Sim, SimConfig, SimError};

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
        about: "one 60 s call with audio both ways and a DTMF digit every 2 s",
    },
    ScenarioInfo {
        name: "partition",
        about: "a call whose network is cut for good after 2 s; the inactivity watchdog ends it",
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
    /// The `sipvoice-sim run` command line that reproduces a run with these parameters
    /// (the link's latency, loss and jitter; other link settings have no flag).
    pub fn command_line(&self, scenario: &str) -> String {
        format!(
            "sipvoice-sim run {scenario} --seed {} --loss {} --jitter-ms {} --latency-ms {} --calls {}",
            self.seed,
            self.link.loss,
            self.link.jitter.as_millis(),
            self.link.latency.as_millis(),
            self.calls
        )
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
    let mut sim = Sim::new(SimConfig {
        seed: params.seed,
        default_link: params.link.clone(),
        trace: TraceOptions {
            media: params.media_trace,
            enabled: true,
        },
        record_pcap: params.record_pcap,
        keep_audio: false,
    });
    // Many calls use G.711: G.722 costs far more per frame in unoptimised test builds.
    let codecs = if name == "lossy-calls" {
        vec![PT_PCMU]
    } else {
        Config::default().supported_codecs
    };
    let a = sim.add_endpoint("A", |c| c.supported_codecs = codecs.clone())?;
    let b = sim.add_endpoint("B", |c| c.supported_codecs = codecs.clone())?;
    let limit = match name {
        "basic-call" => {
            talk(
                &mut sim,
                Script {
                    audio: Duration::from_secs(2),
                    caller_digits: "123",
                    callee_digits: "456",
                    hangup_after: Some(Duration::from_secs(3)),
                },
            );
            sim.dial_node(a, b)?;
            Duration::from_secs(120)
        }
        "lossy-calls" => {
            talk(
                &mut sim,
                Script {
                    audio: Duration::from_millis(400),
                    caller_digits: "5",
                    callee_digits: "",
                    hangup_after: Some(Duration::from_secs(1)),
                },
            );
            for i in 0..params.calls {
                sim.at(Duration::from_millis(20 * i as u64), move |sim| {
                    let _ = sim.dial_node(a, b);
                });
            }
            Duration::from_secs(600)
        }
        "long-audio" => {
            talk(
                &mut sim,
                Script {
                    audio: Duration::from_secs(60),
                    caller_digits: "",
                    callee_digits: "",
                    hangup_after: Some(Duration::from_secs(61)),
                },
            );
            dtmf_every(&mut sim, a, Duration::from_secs(2), 29);
            sim.dial_node(a, b)?;
            Duration::from_secs(300)
        }
        "partition" => {
            talk(
                &mut sim,
                Script {
                    audio: Duration::from_secs(60),
                    caller_digits: "",
                    callee_digits: "",
                    hangup_after: None,
                },
            );
            let cut = LinkConfig {
                partitions: vec![Partition {
                    start: Duration::from_secs(2),
                    end: Duration::from_secs(3600),
                }],
                ..params.link.clone()
            };
            sim.set_links(a, b, cut);
            sim.dial_node(a, b)?;
            Duration::from_secs(300)
        }
        _ => return Err(ScenarioError::Unknown(name.to_owned())),
    };
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

/// A tone of `duration` at `rate` Hz (440 Hz, moderate level), for send_audio.
pub(crate) fn tone(duration: Duration, rate: u32) -> Vec<i16> {
    let samples = (duration.as_secs_f64() * f64::from(rate)) as usize;
    (0..samples)
        .map(|n| ((n as f64 * TAU * 440.0 / f64::from(rate)).sin() * 8000.0) as i16)
        .collect()
}

/// What every call of a scenario does once started.
#[derive(Clone, Copy, Debug)]
struct Script {
    /// Tone queued on each side at `CallStarted`.
    audio: Duration,
    /// Digits the caller sends 500 ms after the start.
    caller_digits: &'static str,
    /// Digits the callee sends 500 ms after the start.
    callee_digits: &'static str,
    /// The caller hangs up this long after the start.
    hangup_after: Option<Duration>,
}

/// Installs the reactor that plays `script` on every call that starts.
fn talk(sim: &mut Sim, script: Script) {
    sim.on_event(move |sim, node, event| {
        if let Event::CallStarted { call, info } = event {
            let call = *call;
            let rate = if info.sample_rate == 0 {
                8000
            } else {
                info.sample_rate
            };
            let _ = sim.send_audio(node, call, &tone(script.audio, rate));
            let outbound = info.direction == CallDirection::Outbound;
            let digits = if outbound {
                script.caller_digits
            } else {
                script.callee_digits
            };
            if !digits.is_empty() {
                sim.after(Duration::from_millis(500), move |sim| {
                    let _ = sim.send_dtmf(node, call, digits, Duration::from_millis(100));
                });
            }
            if let (true, Some(after)) = (outbound, script.hangup_after) {
                sim.after(after, move |sim| {
                    let _ = sim.hangup(node, call);
                });
            }
        }
    });
}

/// Sends one digit (cycling 0-9) on every started call of `node` every `every`, `count` times.
fn dtmf_every(sim: &mut Sim, node: NodeId, every: Duration, count: u32) {
    for i in 0..count {
        let digit = char::from(b'0' + (i % 10) as u8);
        sim.at(every * (i + 1), move |sim| {
            let calls: Vec<_> = sim
                .audit()
                .calls()
                .iter()
                .filter(|((n, _), life)| *n == node && life.started && life.ended.is_none())
                .map(|((_, c), _)| *c)
                .collect();
            let text = digit.to_string();
            for call in calls {
                let _ = sim.send_dtmf(node, call, &text, Duration::from_millis(100));
            }
        });
    }
}
