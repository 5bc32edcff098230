//! `sipvoice-sim run` and `list`: the simulator's named scenarios with a seed and link
//! settings, reproducible byte for byte.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use sipvoice_sim::{SCENARIOS, ScenarioParams, run_scenario};

#[derive(clap::Args, Debug)]
pub(crate) struct RunArgs {
    /// The scenario (see `sipvoice-sim list`).
    scenario: String,
    /// Seed of every RNG in the run.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Independent loss probability of each link direction (0–1).
    #[arg(long, default_value_t = 0.0)]
    loss: f64,
    /// Jitter of each link direction in ms.
    #[arg(long, default_value_t = 0)]
    jitter_ms: u64,
    /// Number of calls, for scenarios that place several.
    #[arg(long, default_value_t = 10)]
    calls: usize,
    /// One-way latency in ms (default: the link's default).
    #[arg(long)]
    latency_ms: Option<u64>,
    /// Duplication probability (0–1).
    #[arg(long, default_value_t = 0.0)]
    duplicate: f64,
    /// Reordering probability (0–1).
    #[arg(long, default_value_t = 0.0)]
    reorder: f64,
    /// Corruption probability (0–1).
    #[arg(long, default_value_t = 0.0)]
    corrupt: f64,
    /// Put RTP/RTCP datagrams and audio frames in the trace.
    #[arg(long)]
    media: bool,
    /// Write the trace to this file instead of standard output.
    #[arg(long, value_name = "PATH")]
    trace: Option<PathBuf>,
    /// Write the run as a pcap.
    #[arg(long, value_name = "FILE")]
    pcap_out: Option<PathBuf>,
}

impl RunArgs {
    fn params(&self) -> Result<ScenarioParams, String> {
        for (flag, p) in [
            ("--loss", self.loss),
            ("--duplicate", self.duplicate),
            ("--reorder", self.reorder),
            ("--corrupt", self.corrupt),
        ] {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("{flag} {p}: a probability is between 0 and 1"));
            }
        }
        let mut params =
            ScenarioParams::from_flags(self.seed, self.loss, self.jitter_ms, self.calls);
        if let Some(ms) = self.latency_ms {
            params.link.latency = Duration::from_millis(ms);
        }
        params.link.duplicate = self.duplicate;
        params.link.reorder = self.reorder;
        params.link.corrupt = self.corrupt;
        params.media_trace = self.media;
        params.record_pcap = self.pcap_out.is_some();
        Ok(params)
    }
}

/// Runs the scenario; an invariant that broke makes the command fail.
pub(crate) fn run(args: &RunArgs) -> Result<(), String> {
    let params = args.params()?;
    let run = run_scenario(&args.scenario, &params).map_err(|e| e.to_string())?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let io = |e: std::io::Error| e.to_string();
    match &args.trace {
        Some(path) => {
            std::fs::write(path, &run.trace).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => out.write_all(run.trace.as_bytes()).map_err(io)?,
    }
    if let (Some(path), Some(pcap)) = (&args.pcap_out, &run.pcap) {
        std::fs::write(path, pcap).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    writeln!(
        out,
        "# {}: {} call starts and {} call ends (both sides counted), {:.3}s virtual",
        args.scenario,
        run.calls_started,
        run.calls_ended,
        run.elapsed.as_secs_f64()
    )
    .map_err(io)?;
    for (node, c) in &run.final_counts {
        writeln!(
            out,
            "# {node}: calls={} transactions={} dialogs={} nonces={} ports={}",
            c.calls, c.transactions, c.dialogs, c.nonces, c.ports
        )
        .map_err(io)?;
    }
    writeln!(out, "# reproduce: {}", params.command_line(&args.scenario)).map_err(io)?;
    if run.violations.is_empty() {
        return Ok(());
    }
    for v in &run.violations {
        writeln!(out, "# violation: {v}").map_err(io)?;
    }
    Err(format!("{} invariant(s) broken", run.violations.len()))
}

/// Prints every scenario with one line about it.
pub(crate) fn list() -> Result<(), String> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for s in SCENARIOS {
        writeln!(out, "{:<12} {}", s.name, s.about).map_err(|e| e.to_string())?;
    }
    Ok(())
}
