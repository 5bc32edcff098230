//! Peer processes started by a test: bounded in time by `timeout`, output captured to
//! files, and stopped by PID (never by name) when the guard is dropped.

use std::ffi::OsStr;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A running (or finished) peer process; dropping it stops it.
#[derive(Debug)]
pub struct Proc {
    name: String,
    child: Child,
    stdout: PathBuf,
    stderr: PathBuf,
    status: Option<ExitStatus>,
}

impl Proc {
    /// Starts `program args...` in `dir` under `timeout -k 5 <max>`; stdout and stderr go
    /// to `<dir>/<name>.out` and `<dir>/<name>.err`.
    pub fn spawn<I, S>(name: &str, dir: &Path, max: Duration, program: &Path, args: I) -> Proc
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = Command::new("timeout");
        cmd.arg("-k")
            .arg("5")
            .arg(format!("{}", max.as_secs().max(1)));
        cmd.arg(program).args(args);
        Proc::spawn_command(name, dir, cmd)
    }

    /// Starts a prepared command (already wrapped in `timeout` by the caller).
    pub fn spawn_command(name: &str, dir: &Path, mut cmd: Command) -> Proc {
        let stdout = dir.join(format!("{name}.out"));
        let stderr = dir.join(format!("{name}.err"));
        let open = |p: &Path| {
            File::create(p).unwrap_or_else(|e| panic!("cannot create {}: {e}", p.display()))
        };
        cmd.current_dir(dir)
            .stdin(Stdio::null())
            .stdout(open(&stdout))
            .stderr(open(&stderr));
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name} ({cmd:?}): {e}"));
        Proc {
            name: name.to_owned(),
            child,
            stdout,
            stderr,
            status: None,
        }
    }

    /// The process id of the `timeout` wrapper (signals sent to it reach the peer).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The name given at start.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The exit status if the process has ended.
    pub fn try_status(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().ok().flatten();
        }
        self.status
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.try_status().is_none()
    }

    /// Waits up to `limit` for the process to end.
    pub fn wait_timeout(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(s) = self.try_status() {
                return Some(s);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the end (bounded by the `timeout` wrapper's limit plus its kill delay).
    pub fn wait(&mut self) -> ExitStatus {
        if let Some(s) = self.status {
            return s;
        }
        let s = self
            .child
            .wait()
            .unwrap_or_else(|e| panic!("waiting for {}: {e}", self.name));
        self.status = Some(s);
        s
    }

    /// Sends a signal (`"INT"`, `"TERM"`, `"KILL"`, ...) to this process only.
    pub fn signal(&mut self, signal: &str) {
        if self.is_running() {
            let _ = Command::new("kill")
                .arg(format!("-{signal}"))
                .arg(self.pid().to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }

    /// Sends `signal`, waits up to `grace`, then kills; returns the exit status.
    pub fn stop(&mut self, signal: &str, grace: Duration) -> ExitStatus {
        self.signal(signal);
        if let Some(s) = self.wait_timeout(grace) {
            return s;
        }
        let _ = self.child.kill();
        self.wait()
    }

    /// What the process wrote to stdout so far.
    pub fn stdout(&self) -> String {
        std::fs::read_to_string(&self.stdout).unwrap_or_default()
    }

    /// What the process wrote to stderr so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// The last `n` lines of stdout and stderr, for failure messages.
    pub fn tail(&self, n: usize) -> String {
        let pick = |s: String| {
            let lines: Vec<&str> = s.lines().collect();
            lines[lines.len().saturating_sub(n)..].join("\n")
        };
        format!(
            "--- {} stdout ---\n{}\n--- {} stderr ---\n{}",
            self.name,
            pick(self.stdout()),
            self.name,
            pick(self.stderr())
        )
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.is_running() {
            self.stop("TERM", Duration::from_secs(3));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WorkDir;

    #[test]
    fn output_is_captured_and_status_reported() {
        let dir = WorkDir::new("proc-output");
        let mut p = Proc::spawn(
            "sh",
            dir.path(),
            Duration::from_secs(10),
            Path::new("sh"),
            ["-c", "echo hello; echo oops >&2; exit 3"],
        );
        let status = p.wait();
        assert_eq!(status.code(), Some(3));
        assert_eq!(p.stdout(), "hello\n");
        assert_eq!(p.stderr(), "oops\n");
        assert!(p.tail(5).contains("oops"));
    }

    #[test]
    fn stop_ends_a_long_process_and_timeout_bounds_it() {
        let dir = WorkDir::new("proc-stop");
        let mut p = Proc::spawn(
            "sleep",
            dir.path(),
            Duration::from_secs(30),
            Path::new("sleep"),
            ["30"],
        );
        assert!(p.is_running());
        let status = p.stop("TERM", Duration::from_secs(5));
        assert!(!status.success());
        assert!(!p.is_running());

        let mut q = Proc::spawn(
            "sleep",
            dir.path(),
            Duration::from_secs(1),
            Path::new("sleep"),
            ["30"],
        );
        let status = q.wait_timeout(Duration::from_secs(10));
        assert_eq!(
            status.and_then(|s| s.code()),
            Some(124),
            "timeout's exit code"
        );
    }

    #[test]
    fn drop_stops_the_process() {
        let dir = WorkDir::new("proc-drop");
        let p = Proc::spawn(
            "sleep",
            dir.path(),
            Duration::from_secs(30),
            Path::new("sleep"),
            ["30"],
        );
        let pid = p.pid();
        drop(p);
        let alive = Command::new("kill")
            .arg("-0")
            .arg(pid.to_string())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(!alive, "pid {pid} still alive after drop");
    }
}
