//! The `sipvoice-sim` binary run on captures: RTP-only reports with digits and WAV files,
//! full replays with the SIP ladder, and clean failures on bad input.

use std::path::PathBuf;
use std::process::{Command, Output};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/capture");

fn sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sipvoice-sim"))
        .args(args)
        .output()
        .expect("run sipvoice-sim")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sipvoice-sim-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn rtp_only_prints_the_ladder_streams_and_digits_and_writes_wavs() {
    let dir = scratch("rtp");
    let events = dir.join("events.jsonl");
    let capture = format!("{SHARED}/testdata/captures/SIP_DTMF2.pcap");
    let o = sim(&[
        "replay",
        &capture,
        "--rtp-only",
        "--wav-dir",
        dir.to_str().unwrap(),
        "--events",
        events.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    assert!(out.contains("1360 UDP datagrams"), "{out}");
    assert!(out.contains(
        "+36.003s 192.168.105.110:5060 → 192.168.105.105:5060 INVITE sip:2504@192.168.105.105 cseq=20"
    ));
    assert!(out.contains("# 2 RTP streams"));
    let digits: String = std::fs::read_to_string(&events)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
            assert_eq!(v["event"], "dtmf");
            assert_eq!(v["source"], "rtp");
            v["digit"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(digits, "6789123");
    let wavs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .collect();
    assert_eq!(wavs.len(), 2);
    for wav in &wavs {
        let r = hound::WavReader::open(wav).unwrap();
        assert_eq!(r.spec().sample_rate, 8000);
        assert!(
            r.duration() > 8000 * 18,
            "{wav:?}: {} samples",
            r.duration()
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn full_replay_prints_ladder_and_events_and_writes_events_wav_and_pcap() {
    let dir = scratch("full");
    let pcap = dir.join("sent.pcap");
    let events = dir.join("events.jsonl");
    let capture = format!("{DATA}/sipp_g722_call_dtmf_sll2.pcapng");
    let o = sim(&[
        "replay",
        &capture,
        "--pcap-out",
        pcap.to_str().unwrap(),
        "--events",
        events.to_str().unwrap(),
        "--wav-dir",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    assert!(
        out.contains("# replacing 127.0.0.1:5070 (far end 127.0.0.1:5071, call 1-18208@127.0.0.1)"),
        "{out}"
    );
    assert!(
        out.contains(
            "+0.000s far 127.0.0.1:5071 → us INVITE sip:service@127.0.0.1:5070 cseq=1 +sdp"
        )
    );
    assert!(out.contains("+0.000s us → far 127.0.0.1:5071 100 Trying (INVITE cseq=1)"));
    assert!(out.contains("+9.714s us → far 127.0.0.1:5071 200 OK (BYE cseq=2)"));
    assert!(!out.contains("# diverges"), "{out}");
    assert!(out.contains("live calls=0 transactions=0 dialogs=0 ports=0"));

    // The event lines: printed in the ladder and written to --events, the same.
    let lines: Vec<String> = std::fs::read_to_string(&events)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert!(lines.iter().all(|l| out.contains(l.as_str())));
    let kinds: Vec<String> = lines
        .iter()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
            match v["event"].as_str().unwrap() {
                "dtmf" => format!("dtmf {}", v["digit"].as_str().unwrap()),
                "call_ended" => format!("call_ended {}", v["reason"].as_str().unwrap()),
                other => other.to_owned(),
            }
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "call_started",
            "dtmf 1",
            "dtmf 2",
            "dtmf 3",
            "dtmf #",
            "call_ended bye"
        ]
    );

    // The call's decoded inbound audio.
    let wav = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "wav"))
        .expect("a WAV per call");
    let r = hound::WavReader::open(&wav).unwrap();
    assert_eq!(r.spec().sample_rate, 16_000);
    assert!(r.duration() >= 16_000 * 7, "{} samples", r.duration());

    // What we sent, as a pcap tshark decodes: our four SIP answers.
    let sent = sipvoice_sim::capture::Capture::open(&pcap).expect("a readable pcap");
    assert!(sent.counts.udp >= 4);
    if let Ok(o) = Command::new("tshark")
        .args([
            "-r",
            pcap.to_str().unwrap(),
            "-Y",
            "sip",
            "-T",
            "fields",
            "-e",
            "sip.Status-Line",
        ])
        .output()
    {
        let status: Vec<String> = String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        assert_eq!(
            status,
            [
                "SIP/2.0 100 Trying",
                "SIP/2.0 180 Ringing",
                "SIP/2.0 200 OK",
                "SIP/2.0 200 OK"
            ]
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_input_fails_with_a_message_not_a_panic() {
    let dir = scratch("bad");
    let junk = dir.join("junk.pcap");
    std::fs::write(&junk, b"this is not a capture").unwrap();
    let o = sim(&["replay", junk.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not a pcap or pcapng capture"), "{err}");
    // A capture without INVITE needs --as.
    let rtp = format!("{SHARED}/peers/media/g722_8s.pcap");
    let o = sim(&["replay", &rtp]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--as"));
    // --pcap-out needs a full replay.
    let o = sim(&["replay", &rtp, "--rtp-only", "--pcap-out", "x.pcap"]);
    assert_eq!(o.status.code(), Some(1));
    // Usage errors come from clap.
    let o = sim(&["replay"]);
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn list_names_every_scenario() {
    let o = sim(&["list"]);
    assert!(o.status.success());
    let out = stdout(&o);
    let names: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let expected: Vec<&str> = sipvoice_sim::SCENARIOS.iter().map(|s| s.name).collect();
    assert_eq!(names, expected);
}

#[test]
fn run_is_reproducible_and_prints_its_command_line() {
    let dir = scratch("run");
    let (t1, t2, pcap) = (dir.join("t1.txt"), dir.join("t2.txt"), dir.join("run.pcap"));
    let args = |trace: &PathBuf| {
        vec![
            "run".to_owned(),
            "lossy-calls".to_owned(),
            "--seed".to_owned(),
            "3".to_owned(),
            "--loss".to_owned(),
            "0.05".to_owned(),
            "--jitter-ms".to_owned(),
            "20".to_owned(),
            "--calls".to_owned(),
            "4".to_owned(),
            "--trace".to_owned(),
            trace.to_str().unwrap().to_owned(),
        ]
    };
    let first: Vec<String> = args(&t1)
        .into_iter()
        .chain(["--pcap-out".to_owned(), pcap.to_str().unwrap().to_owned()])
        .collect();
    let first: Vec<&str> = first.iter().map(String::as_str).collect();
    let o = sim(&first);
    assert!(
        o.status.success(),
        "{}{}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );
    let out = stdout(&o);
    assert!(out.contains(
        "# reproduce: sipvoice-sim run lossy-calls --seed 3 --loss 0.05 --jitter-ms 20 --calls 4"
    ), "{out}");
    assert!(
        out.contains("# lossy-calls: 8 call starts and 8 call ends (both sides counted)"),
        "{out}"
    );
    let second = args(&t2);
    let second: Vec<&str> = second.iter().map(String::as_str).collect();
    assert!(sim(&second).status.success());
    let (a, b) = (std::fs::read(&t1).unwrap(), std::fs::read(&t2).unwrap());
    assert!(!a.is_empty());
    assert!(a == b, "the same seed gives the same trace");
    // The run's pcap reads back with SIP in it.
    let c = sipvoice_sim::capture::Capture::open(&pcap).unwrap();
    assert!(
        c.datagrams
            .iter()
            .any(|d| d.payload.starts_with(b"INVITE "))
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn run_refuses_unknown_scenarios_and_bad_probabilities() {
    let o = sim(&["run", "no-such-scenario"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown scenario"));
    let o = sim(&["run", "basic-call", "--loss", "1.5"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--loss"));
}
