//! `sipvoice`: answer and place SIP calls from the command line.

use clap::Parser;

fn main() -> std::process::ExitCode {
    sipvoice_tokio::cli::run(sipvoice_tokio::cli::Cli::parse())
}
