//! `sipvoice-sim`: replay packet captures into the sipvoice core, and run the simulator's
//! named scenarios.
//!
//! ```text
//! sipvoice-sim replay CAPTURE [--as HOST:PORT] [--rtp-only] [--events PATH]
//!                             [--wav-dir DIR] [--pcap-out FILE] [--seed N] [--linger-secs N]
//!                             [--answer-now] [--media-from-sdp]
//! sipvoice-sim run SCENARIO [--seed N] [--loss P] [--jitter-ms N] [--calls N]
//!                           [--latency-ms N] [--duplicate P] [--reorder P] [--corrupt P]
//!                           [--media] [--trace PATH] [--pcap-out FILE]
//! sipvoice-sim list
//! ```
//!
//! `replay` prints the SIP ladder (time, direction, summary) and the core's events as JSON
//! lines (the format of `sipvoice serve --events`), then where our endpoint and the
//! captured side part ways; `--rtp-only` analyses the capture's RTP streams instead.
//! `run` prints a scenario's trace (or writes it to `--trace`) and its verdict; it exits
//! with 1 when an invariant broke.

mod replay;
mod run;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "sipvoice-sim",
    version,
    about = "Replay captures into the sipvoice core; run simulated scenarios"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Replay a pcap/pcapng capture into a fresh endpoint (or analyse its RTP only).
    Replay(replay::ReplayArgs),
    /// Run a named scenario in virtual time over simulated links.
    Run(run::RunArgs),
    /// List the named scenarios.
    List,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Replay(args) => replay::run_replay(&args),
        Command::Run(args) => run::run(&args),
        Command::List => run::list(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sipvoice-sim: {message}");
            ExitCode::FAILURE
        }
    }
}
