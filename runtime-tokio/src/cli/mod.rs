//! The `sipvoice` command: options, WAV handling, the serve logic and the call command.
//!
//! The per-event decisions of `sipvoice serve` ([`ServeApp`]) do not depend on the
//! driver, so the same logic runs on tokio and on mio.

mod app;
mod args;
mod call;
mod events;
mod live;
mod recorder;
mod serve;
mod serve_mio;
mod signal;
mod wav;

pub use app::{Actions, Counters, ServeApp};
pub use args::{
    CallArgs, Cli, Codecs, Command, RuntimeKind, ServeArgs, Target, parse_auth, parse_codecs,
    parse_port_range, parse_secs, parse_target,
};
pub use call::call;
pub use events::EventSink;
pub use live::LiveLine;
pub use recorder::{Recorder, Recordings};
pub use serve::{build_app, serve};
pub use serve_mio::serve_mio;
pub use wav::{Pcm, WavError, downmix, float_to_i16, int_to_i16, read_wav, resample};

use std::process::ExitCode;

/// Sets up logging to stderr: info by default, `-v` debug, `-vv` trace, `-q` warn,
/// `-qq` error; `RUST_LOG` overrides.
pub fn init_logging(verbose: u8, quiet: u8) {
    let level = match i16::from(verbose) - i16::from(quiet) {
        i16::MIN..=-2 => "error",
        -1 => "warn",
        0 => "info",
        1 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// Runs a parsed command line; the process exit status.
pub fn run(cli: Cli) -> ExitCode {
    init_logging(cli.verbose, cli.quiet);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    match cli.command {
        Command::Serve(args) => {
            let result = match args.runtime {
                RuntimeKind::Tokio => runtime.block_on(serve(&args)),
                RuntimeKind::Mio => runtime.block_on(serve_mio(&args)),
            };
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        Command::Call(args) => match runtime.block_on(call(&args)) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(e) => fail(&e),
        },
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("sipvoice: error: {message}");
    ExitCode::from(2)
}
