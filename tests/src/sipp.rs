//! Driving SIPp: a command builder that always binds 127.0.0.1 (`-i` and `-mi`), writes
//! its statistics, errors and scenario logs into the work directory, and a parser for its
//! `-trace_stat` CSV.

use crate::process::Proc;
use std::collections::HashMap;
use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::time::Duration;

/// A SIPp command line being built.
#[derive(Clone, Debug)]
pub struct Sipp {
    name: String,
    args: Vec<OsString>,
    max: Duration,
}

impl Sipp {
    /// A SIPp named `name` (file prefix in the work directory) on local SIP port `port`,
    /// calling `remote` (UAC) or, with `remote = None`, waiting for calls (UAS).
    pub fn new(name: &str, port: u16, remote: Option<SocketAddr>) -> Sipp {
        let mut s = Sipp {
            name: name.to_owned(),
            args: Vec::new(),
            max: Duration::from_secs(60),
        };
        if let Some(r) = remote {
            s = s.arg(r.to_string());
        }
        s.args(["-i", "127.0.0.1", "-mi", "127.0.0.1", "-p"])
            .arg(port.to_string())
            .args(["-nostdin", "-trace_stat", "-fd", "1", "-stf"])
            .arg(format!("{name}_stats.csv"))
            .args(["-trace_err", "-error_file"])
            .arg(format!("{name}_errors.log"))
            .args(["-trace_logs", "-log_file"])
            .arg(format!("{name}_logs.log"))
    }

    /// A built-in scenario (`-sn uac`, `-sn uas`, ...).
    pub fn builtin(self, scenario: &str) -> Sipp {
        self.arg("-sn").arg(scenario)
    }

    /// A scenario file (`-sf`).
    pub fn scenario(self, path: impl AsRef<Path>) -> Sipp {
        self.arg("-sf").arg(path.as_ref().as_os_str())
    }

    /// The local RTP port for `rtp_echo` / `rtp_stream` (`-mp`).
    pub fn media_port(self, port: u16) -> Sipp {
        self.arg("-mp").arg(port.to_string())
    }

    /// A scenario key (`-key NAME VALUE`).
    pub fn key(self, name: &str, value: impl AsRef<std::ffi::OsStr>) -> Sipp {
        self.arg("-key").arg(name).arg(value.as_ref())
    }

    /// Number of calls before exiting (`-m`).
    pub fn calls(self, n: u32) -> Sipp {
        self.arg("-m").arg(n.to_string())
    }

    /// Call rate per second (`-r`).
    pub fn rate(self, per_second: u32) -> Sipp {
        self.arg("-r").arg(per_second.to_string())
    }

    /// Maximum simultaneous calls (`-l`).
    pub fn limit(self, n: u32) -> Sipp {
        self.arg("-l").arg(n.to_string())
    }

    /// Upper bound of the run; SIPp is killed after it (default 60 s).
    pub fn max_duration(mut self, max: Duration) -> Sipp {
        self.max = max;
        self
    }

    /// Any other argument.
    pub fn arg(mut self, a: impl Into<OsString>) -> Sipp {
        self.args.push(a.into());
        self
    }

    /// Several other arguments.
    pub fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(mut self, a: I) -> Sipp {
        self.args.extend(a.into_iter().map(Into::into));
        self
    }

    /// The arguments as built (without the program).
    pub fn argv(&self) -> &[OsString] {
        &self.args
    }

    /// Starts SIPp in the background in `dir`.
    pub fn spawn(self, sipp: &Path, dir: &Path) -> SippProc {
        let proc = Proc::spawn(&self.name, dir, self.max, sipp, &self.args);
        SippProc {
            proc,
            dir: dir.to_path_buf(),
            name: self.name,
        }
    }

    /// Runs SIPp in `dir` to its end and collects its verdict.
    pub fn run(self, sipp: &Path, dir: &Path) -> SippRun {
        let mut p = self.spawn(sipp, dir);
        p.finish()
    }
}

/// A SIPp started in the background.
#[derive(Debug)]
pub struct SippProc {
    /// The process guard.
    pub proc: Proc,
    dir: PathBuf,
    name: String,
}

impl SippProc {
    /// Waits for SIPp to exit and collects its verdict.
    pub fn finish(&mut self) -> SippRun {
        let status = self.proc.wait();
        self.collect(status)
    }

    /// Stops SIPp (TERM, it finishes in-flight calls; KILL after `grace`) and collects.
    pub fn stop(&mut self, grace: Duration) -> SippRun {
        let status = self.proc.stop("TERM", grace);
        self.collect(status)
    }

    fn collect(&self, status: ExitStatus) -> SippRun {
        // Lossy: SIPp quotes every datagram it discards (stray RTP from a neighbouring
        // test's peer included), and one binary byte must not blank the whole log.
        let read = |suffix: &str| {
            std::fs::read(self.dir.join(format!("{}{suffix}", self.name)))
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .unwrap_or_default()
        };
        let stats = SippStats::parse(&read("_stats.csv")).unwrap_or_default();
        SippRun {
            status,
            stats,
            errors: read("_errors.log"),
            logs: read("_logs.log"),
            output: self.proc.tail(30),
        }
    }
}

/// What a SIPp run produced.
#[derive(Debug)]
pub struct SippRun {
    /// Exit status: 0 all calls succeeded, 1 some failed, 124 killed by `timeout`.
    pub status: ExitStatus,
    /// The final statistics row.
    pub stats: SippStats,
    /// `-trace_err`: the messages SIPp did not expect.
    pub errors: String,
    /// `-trace_logs`: the scenario's `<log>` lines.
    pub logs: String,
    /// The tail of its stdout/stderr.
    pub output: String,
}

impl SippRun {
    /// A one-paragraph description for assertion messages.
    pub fn describe(&self) -> String {
        let errors: String = self.errors.chars().take(3000).collect();
        format!(
            "SIPp exit {:?}; successful {} failed {} created {} retrans {}\n\
             errors:\n{errors}\nlogs:\n{}\n{}",
            self.status.code(),
            self.stats.successful(),
            self.stats.failed(),
            self.stats.created(),
            self.stats.retransmissions(),
            self.logs,
            self.output
        )
    }
}

/// One row of SIPp's `-trace_stat` CSV (`;`-separated, header row first).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SippStats {
    fields: HashMap<String, String>,
}

impl SippStats {
    /// The last data row of a statistics file; `None` when there is no data row.
    pub fn parse(csv: &str) -> Option<SippStats> {
        let lines: Vec<&str> = csv.lines().filter(|l| !l.trim().is_empty()).collect();
        let header: Vec<&str> = lines.first()?.split(';').collect();
        let last = lines.get(1..)?.last()?;
        let fields = header
            .iter()
            .zip(last.split(';'))
            .filter(|(h, _)| !h.is_empty())
            .map(|(h, v)| ((*h).to_owned(), v.trim().to_owned()))
            .collect();
        Some(SippStats { fields })
    }

    /// A raw field, e.g. `"SuccessfulCall(C)"`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    /// A cumulative counter (`NAME(C)`), 0 when absent.
    pub fn counter(&self, name: &str) -> u64 {
        self.get(&format!("{name}(C)"))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// Calls that completed the scenario.
    pub fn successful(&self) -> u64 {
        self.counter("SuccessfulCall")
    }

    /// Calls that failed.
    pub fn failed(&self) -> u64 {
        self.counter("FailedCall")
    }

    /// Calls created (UAC) or received (UAS).
    pub fn created(&self) -> u64 {
        self.get("TotalCallCreated")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// Retransmissions SIPp had to send.
    pub fn retransmissions(&self) -> u64 {
        self.counter("Retransmissions")
    }

    /// Calls still in progress when the row was written.
    pub fn current(&self) -> u64 {
        self.get("CurrentCall")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "StartTime;CurrentTime;TotalCallCreated;CurrentCall;SuccessfulCall(P);\
SuccessfulCall(C);FailedCall(P);FailedCall(C);Retransmissions(P);Retransmissions(C);\n\
2026-11-26\t23:18:45;2026-11-26\t23:18:46;1;1;0;0;0;0;0;0;\n\
2026-11-26\t23:18:45;2026-11-26\t23:18:47;3;0;3;3;0;1;0;2;\n";

    #[test]
    fn the_last_row_is_read() {
        let s = SippStats::parse(CSV).unwrap();
        assert_eq!(s.created(), 3);
        assert_eq!(s.successful(), 3);
        assert_eq!(s.failed(), 1);
        assert_eq!(s.retransmissions(), 2);
        assert_eq!(s.current(), 0);
        assert_eq!(s.get("CurrentTime"), Some("2026-11-26\t23:18:47"));
        assert_eq!(SippStats::parse("A;B;\n"), None);
        assert_eq!(SippStats::parse(""), None);
    }

    #[test]
    fn the_command_binds_loopback_and_writes_traces_locally() {
        let remote: SocketAddr = "127.0.0.1:5060".parse().unwrap();
        let s = Sipp::new("uac", 5071, Some(remote)).builtin("uac").calls(2);
        let argv: Vec<String> = s
            .argv()
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(argv[0], "127.0.0.1:5060");
        let joined = argv.join(" ");
        assert!(
            joined.contains("-i 127.0.0.1 -mi 127.0.0.1 -p 5071"),
            "{joined}"
        );
        assert!(joined.contains("-stf uac_stats.csv"), "{joined}");
        assert!(joined.ends_with("-sn uac -m 2"), "{joined}");
    }
}
