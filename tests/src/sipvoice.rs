//! The `sipvoice` command under test: locating (building) the binary, starting
//! `sipvoice serve` on its own loopback ports, and reading what it logged and recorded.

use crate::events::EventLog;
use crate::ports::PortBlock;
use crate::probe;
use crate::process::Proc;
use serde_json::Value;
use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::sync::OnceLock;
use std::time::Duration;

static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();

/// The `sipvoice` executable.
///
/// `SIPVOICE_BIN` names it explicitly. Otherwise it is built once per test process with
/// `cargo build --release -p sipvoice-tokio --bin sipvoice` (cargo does not expose the
/// binaries of dependencies to tests, and a bare `target/release/sipvoice` could be
/// stale); the path comes from cargo's JSON artifact messages, so `CARGO_TARGET_DIR` is
/// honoured. The product is tested as users run it: a debug build cannot keep up with
/// the G.722 loads on two cores.
pub fn sipvoice_bin() -> Result<PathBuf, String> {
    BIN.get_or_init(locate).clone()
}

fn locate() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("SIPVOICE_BIN") {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!("SIPVOICE_BIN={} is not a file", p.display()))
        };
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&root).args([
        "build",
        "--release",
        "-p",
        "sipvoice-tokio",
        "--bin",
        "sipvoice",
        "--message-format=json-render-diagnostics",
    ]);
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo build --release -p sipvoice-tokio --bin sipvoice failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    executable_from_messages(&String::from_utf8_lossy(&out.stdout), "sipvoice")
        .ok_or_else(|| "cargo reported no `sipvoice` executable".to_owned())
}

/// The `executable` of the `compiler-artifact` message for binary `name`.
pub fn executable_from_messages(stdout: &str, name: &str) -> Option<PathBuf> {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == name)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
}

/// A running `sipvoice serve`; dropping it stops it.
#[derive(Debug)]
pub struct Server {
    /// The process guard.
    pub proc: Proc,
    /// Its SIP address.
    pub sip: SocketAddr,
    /// Its RTP port range (first, last).
    pub rtp: (u16, u16),
    events: EventLog,
    record_dir: PathBuf,
}

impl Server {
    /// Starts `sipvoice serve --sip SIP --rtp-ports RTP --events <dir>/<name>.events.jsonl
    /// --record <dir>/<name>-rec EXTRA...` and waits until it answers OPTIONS.
    pub fn start(dir: &Path, name: &str, sip: SocketAddr, rtp: &str, extra: &[&str]) -> Server {
        let bin = sipvoice_bin().unwrap_or_else(|e| panic!("no sipvoice binary: {e}"));
        let events = dir.join(format!("{name}.events.jsonl"));
        let record_dir = dir.join(format!("{name}-rec"));
        std::fs::create_dir_all(&record_dir).expect("record dir");
        let mut args: Vec<OsString> = ["serve", "--sip"].map(OsString::from).to_vec();
        args.push(sip.to_string().into());
        args.push("--rtp-ports".into());
        args.push(rtp.into());
        args.push("--events".into());
        args.push(events.clone().into());
        args.push("--record".into());
        args.push(record_dir.clone().into());
        args.extend(extra.iter().map(OsString::from));
        let mut proc = Proc::spawn(name, dir, Duration::from_secs(240), &bin, &args);
        let answered = probe::options(sip, Duration::from_secs(15));
        if answered.is_none() {
            let status = proc.stop("INT", Duration::from_secs(3));
            panic!(
                "sipvoice serve on {sip} did not answer OPTIONS within 15 s (exit {status:?})\n{}",
                proc.tail(40)
            );
        }
        let mut ends = rtp.split('-').map(|p| p.parse::<u16>().unwrap_or(0));
        let rtp = (ends.next().unwrap_or(0), ends.next().unwrap_or(0));
        Server {
            proc,
            sip,
            rtp,
            events: EventLog::new(events),
            record_dir,
        }
    }

    /// Starts a server on a fresh block of ports: SIP on the first, `rtp_ports` RTP ports
    /// after a gap of one.
    pub fn start_fresh(dir: &Path, name: &str, rtp_ports: u16, extra: &[&str]) -> Server {
        let block = PortBlock::allocate(rtp_ports + 2);
        Server::start(dir, name, block.addr(0), &block.range(2, rtp_ports), extra)
    }

    /// A BPF filter for this server's SIP port and RTP range (for [`crate::Capture`]).
    pub fn capture_filter(&self) -> String {
        format!(
            "port {} or portrange {}-{}",
            self.sip.port(),
            self.rtp.0,
            self.rtp.1
        )
    }

    /// Its event log.
    pub fn events(&self) -> &EventLog {
        &self.events
    }

    /// The WAV files written to its `--record` directory so far.
    pub fn recordings(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&self.record_dir)
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "wav"))
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    /// The recording of one session (`<session_id>.wav`).
    pub fn recording(&self, session_id: &str) -> PathBuf {
        self.record_dir.join(format!("{session_id}.wav"))
    }

    /// Ctrl-C: the server hangs up every call and exits; returns its exit status.
    pub fn stop(&mut self) -> ExitStatus {
        self.proc.stop("INT", Duration::from_secs(10))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.proc.is_running() {
            self.proc.stop("INT", Duration::from_secs(5));
        }
    }
}

/// Starts `sipvoice call TARGET --rtp-ports <fresh block> ARGS...` in `dir` (output in
/// `<dir>/<name>.out/.err`); its SIP socket is an ephemeral port on 127.0.0.1.
pub fn spawn_call(dir: &Path, name: &str, target: &str, args: &[&str]) -> Proc {
    let bin = sipvoice_bin().unwrap_or_else(|e| panic!("no sipvoice binary: {e}"));
    let rtp = PortBlock::allocate(20).range(0, 20);
    let mut argv: Vec<&str> = vec!["call", target, "--rtp-ports", &rtp];
    argv.extend_from_slice(args);
    Proc::spawn(name, dir, Duration::from_secs(120), &bin, argv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_binary_path_comes_from_the_artifact_message() {
        let msgs = concat!(
            r#"{"reason":"compiler-artifact","target":{"name":"sipvoice_core","kind":["lib"]},"executable":null}"#,
            "\n",
            r#"{"reason":"compiler-artifact","target":{"name":"sipvoice","kind":["bin"]},"executable":"/t/debug/sipvoice"}"#,
            "\n",
            r#"{"reason":"build-finished","success":true}"#,
            "\n"
        );
        assert_eq!(
            executable_from_messages(msgs, "sipvoice"),
            Some(PathBuf::from("/t/debug/sipvoice"))
        );
        assert_eq!(executable_from_messages(msgs, "other"), None);
    }
}
