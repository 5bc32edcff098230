//! The `sipvoice` binary end to end on loopback: `serve` with a prompt, recordings and an
//! event log answers `sipvoice call`; both exit cleanly; bad input fails in one line.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sipvoice");

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sipvoice-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Waits for a child to exit, killing it after `limit`.
fn wait_bounded(child: &mut Child, limit: Duration) -> Option<i32> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// Starts `sipvoice serve` with `args` and waits until it reports ready on stderr;
/// returns the child and the SIP address it reported.
fn start_serve(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(BIN)
        .arg("serve")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stderr = child.stderr.take().expect("stderr piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("serve ready") {
                let addr = line
                    .rsplit("sip=")
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
                let _ = tx.send(addr);
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(addr) => (child, addr),
        Err(_) => {
            let _ = child.kill();
            panic!("serve did not become ready");
        }
    }
}

fn interrupt(child: &Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

fn write_tone(path: &Path, rate: u32, channels: u16, secs: f64) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).expect("wav");
    for i in 0..(f64::from(rate) * secs) as u32 {
        let v = (8000.0
            * (2.0 * std::f64::consts::PI * 440.0 * f64::from(i) / f64::from(rate)).sin())
            as i16;
        for _ in 0..channels {
            w.write_sample(v).expect("sample");
        }
    }
    w.finalize().expect("finalize");
}

fn read_wav(path: &Path) -> (hound::WavSpec, Vec<i16>) {
    let mut r = hound::WavReader::open(path).expect("recording readable");
    let spec = r.spec();
    (spec, r.samples::<i16>().map(Result::unwrap).collect())
}

fn lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn serve_on_tokio_plays_records_and_logs_a_call_placed_by_sipvoice_call() {
    serve_scenario("tokio", "43400-43498", "43500-43598");
}

#[test]
fn serve_on_mio_plays_records_and_logs_a_call_placed_by_sipvoice_call() {
    serve_scenario("mio", "43800-43898", "43900-43998");
}

fn serve_scenario(runtime: &str, serve_rtp: &str, call_rtp: &str) {
    let dir = scratch(runtime);
    let prompt = dir.join("prompt.wav");
    write_tone(&prompt, 44_100, 2, 1.0);
    let events = dir.join("events.jsonl");
    let record = dir.join("rec");
    let (mut serve, sip) = start_serve(&[
        "--sip",
        "127.0.0.1:0",
        "--runtime",
        runtime,
        "--rtp-ports",
        serve_rtp,
        "--play",
        prompt.to_str().unwrap(),
        "--record",
        record.to_str().unwrap(),
        "--events",
        events.to_str().unwrap(),
    ]);
    let received = dir.join("received.wav");
    let caller_tone = dir.join("caller.wav");
    write_tone(&caller_tone, 8_000, 1, 1.0);
    let call_events = dir.join("call-events.jsonl");
    let mut call = Command::new(BIN)
        .args([
            "-q",
            "call",
            &format!("sip:bot@{sip}"),
            "--hangup-after",
            "2",
        ])
        .args(["--dtmf", "1#", "--rtp-ports", call_rtp])
        .args(["--play", caller_tone.to_str().unwrap()])
        .args(["--record", received.to_str().unwrap()])
        .args(["--events", call_events.to_str().unwrap()])
        .stdout(Stdio::null())
        .spawn()
        .expect("call starts");
    let code = wait_bounded(&mut call, Duration::from_secs(20));
    interrupt(&serve);
    let serve_code = wait_bounded(&mut serve, Duration::from_secs(10));
    assert_eq!(code, Some(0), "sipvoice call failed");
    assert_eq!(serve_code, Some(0), "serve did not stop cleanly on SIGINT");

    // The caller heard the prompt: G.722, 16 kHz mono, about a second of tone.
    let (spec, samples) = read_wav(&received);
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (1, 16_000, 16)
    );
    let loud = samples.iter().filter(|s| s.unsigned_abs() > 2000).count();
    assert!(
        loud > 4_000,
        "only {loud} loud samples of {}",
        samples.len()
    );

    // The server logged the call, both digits once each, and its end by BYE.
    let log = lines(&events);
    let kinds: Vec<&str> = log.iter().filter_map(|e| e["event"].as_str()).collect();
    assert!(kinds.contains(&"call_started"), "{kinds:?}");
    let started = log.iter().find(|e| e["event"] == "call_started").unwrap();
    assert_eq!(started["codec"], "G722");
    assert_eq!(started["sample_rate"], 16000);
    let digits: Vec<&str> = log
        .iter()
        .filter(|e| e["event"] == "dtmf")
        .filter_map(|e| e["digit"].as_str())
        .collect();
    assert_eq!(digits, vec!["1", "#"]);
    let ended: Vec<_> = log.iter().filter(|e| e["event"] == "call_ended").collect();
    assert_eq!(ended.len(), 1, "{log:?}");
    assert_eq!(ended[0]["reason"], "bye");
    // The prompt's end is logged once; the echo that follows it is not.
    let finished = log
        .iter()
        .filter(|e| e["event"] == "playback_finished")
        .count();
    assert_eq!(finished, 1, "{kinds:?}");

    // One recording named after the session: what the caller sent (silence here, but
    // the call's length at 16 kHz).
    let session = started["session_id"].as_str().unwrap();
    let (spec, samples) = read_wav(&record.join(format!("{session}.wav")));
    assert_eq!((spec.channels, spec.sample_rate), (1, 16_000));
    assert!(
        samples.len() >= 16_000,
        "{} samples recorded",
        samples.len()
    );

    let call_log = lines(&call_events);
    let call_end = call_log
        .iter()
        .find(|e| e["event"] == "call_ended")
        .unwrap();
    assert_eq!(call_end["reason"], "local_hangup");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_input_fails_with_one_line() {
    let out = Command::new(BIN)
        .args([
            "serve",
            "--sip",
            "127.0.0.1:25183",
            "--play",
            "/nonexistent/x.wav",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("cannot read WAV"), "{err}");

    let out = Command::new(BIN)
        .args(["call", "sip:bob@"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("must be an IP address"));
}

#[test]
fn port_in_use_is_reported() {
    let holder = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    let addr = holder.local_addr().unwrap().to_string();
    for runtime in ["tokio", "mio"] {
        let out = Command::new(BIN)
            .args(["serve", "--runtime", runtime, "--sip", &addr])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{runtime}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("cannot bind the SIP socket"),
            "{runtime}: {err}"
        );
        assert!(err.contains("in use"), "{runtime}: {err}");
    }
}

#[test]
fn digest_auth_admits_the_right_password_only() {
    let dir = scratch("auth");
    let events = dir.join("events.jsonl");
    let (mut serve, sip) = start_serve(&[
        "--sip",
        "127.0.0.1:0",
        "--rtp-ports",
        "43600-43698",
        "--auth",
        "alice:secret",
        "--events",
        events.to_str().unwrap(),
    ]);
    let target = format!("sip:bot@{sip}");
    let run = |auth: &str| {
        let mut call = Command::new(BIN)
            .args([
                "-q",
                "call",
                &target,
                "--hangup-after",
                "0.5",
                "--auth",
                auth,
            ])
            .args(["--rtp-ports", "43700-43798"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("call starts");
        wait_bounded(&mut call, Duration::from_secs(20))
    };
    let right = run("alice:secret");
    let wrong = run("alice:wrong");
    interrupt(&serve);
    assert_eq!(wait_bounded(&mut serve, Duration::from_secs(10)), Some(0));
    assert_eq!(right, Some(0));
    assert_eq!(wrong, Some(1));
    let log = lines(&events);
    assert_eq!(
        log.iter().filter(|e| e["event"] == "call_started").count(),
        1
    );
    let rejected: Vec<_> = log
        .iter()
        .filter(|e| e["event"] == "call_rejected")
        .collect();
    assert_eq!(rejected.len(), 1, "{log:?}");
    assert_eq!(rejected[0]["status"], 403);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ctrl_c_before_the_answer_cancels_the_call() {
    let dir = scratch("cancel");
    let events = dir.join("events.jsonl");
    let (mut serve, sip) = start_serve(&[
        "--sip",
        "127.0.0.1:0",
        "--rtp-ports",
        "44100-44198",
        "--answer-delay-ms",
        "5000",
        "--events",
        events.to_str().unwrap(),
    ]);
    let mut call = Command::new(BIN)
        .args([
            "-v",
            "call",
            &format!("sip:bot@{sip}"),
            "--rtp-ports",
            "44200-44298",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("call starts");
    // Wait until the callee rings (it answers only after five seconds).
    let stderr = call.stderr.take().expect("stderr piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("ringing") {
                let _ = tx.send(());
            }
        }
    });
    assert!(
        rx.recv_timeout(Duration::from_secs(10)).is_ok(),
        "never rang"
    );
    interrupt(&call);
    let code = wait_bounded(&mut call, Duration::from_secs(10));
    interrupt(&serve);
    assert_eq!(wait_bounded(&mut serve, Duration::from_secs(10)), Some(0));
    assert_eq!(code, Some(1), "an unanswered call is not a success");
    let log = lines(&events);
    assert!(!log.iter().any(|e| e["event"] == "call_started"), "{log:?}");
    let ended: Vec<_> = log.iter().filter(|e| e["event"] == "call_ended").collect();
    assert_eq!(ended.len(), 1, "{log:?}");
    assert_eq!(ended[0]["reason"], "cancel");
    let _ = std::fs::remove_dir_all(&dir);
}
