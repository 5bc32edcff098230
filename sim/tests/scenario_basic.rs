//! A normal call with audio and DTMF both ways: snapshot of its trace, byte-for-byte
//! reproducibility, and its pcap decoded by tshark.

use std::path::Path;
use std::process::Command;

use sipvoice_sim::{ScenarioParams, ScenarioRun, run_scenario};

fn basic(seed: u64, media_trace: bool, record_pcap: bool) -> ScenarioRun {
    let params = ScenarioParams {
        seed,
        media_trace,
        record_pcap,
        ..ScenarioParams::default()
    };
    run_scenario("basic-call", &params).expect("known scenario")
}

#[test]
fn a_normal_call_trace_is_stable() {
    let run = basic(1, false, false);
    assert!(run.violations.is_empty(), "{:#?}", run.violations);
    assert_eq!((run.calls_started, run.calls_ended), (2, 2));
    // Digits both ways, each once, in order.
    let digits = |node: &str| -> String {
        run.trace
            .lines()
            .filter(|l| l.contains(&format!(" {node} event dtmf")))
            .filter_map(|l| l.split("digit=").nth(1).and_then(|d| d.chars().next()))
            .collect()
    };
    assert_eq!(digits("B"), "123");
    assert_eq!(digits("A"), "456");
    insta::assert_snapshot!("basic_call_trace", run.trace);
}

#[test]
fn the_same_seed_gives_the_same_trace_byte_for_byte() {
    let first = basic(7, true, false);
    let second = basic(7, true, false);
    assert_eq!(first.trace, second.trace);
    assert!(first.trace.lines().count() > 400, "media lines included");
    assert!(first.trace.contains(" A→B RTP pt=9 seq="));
    assert!(first.trace.contains(" B event audio call#1 ts="));
    assert!(first.trace.contains(" RTP pt=101 ") && first.trace.contains(" end"));
    // Another seed draws other SSRCs, sequence numbers and timestamps.
    assert_ne!(first.trace, basic(8, true, false).trace);
}

#[test]
fn the_pcap_of_a_call_decodes_as_sip_rtp_and_rtp_events() {
    let run = basic(3, false, true);
    let bytes = run.pcap.expect("pcap recorded");
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("basic_call.pcap");
    std::fs::write(&file, &bytes).expect("write pcap");
    let tshark = Path::new("/usr/bin/tshark");
    if !tshark.exists() {
        println!("tshark is not installed at /usr/bin/tshark: skipping the decode check");
        return;
    }
    let run_tshark = |args: &[&str]| -> String {
        let out = Command::new(tshark)
            .arg("-r")
            .arg(&file)
            .args(args)
            .output()
            .expect("tshark runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let sip = run_tshark(&[
        "-Y",
        "sip",
        "-T",
        "fields",
        "-e",
        "sip.CSeq",
        "-e",
        "sip.Status-Code",
    ]);
    let sip: Vec<&str> = sip.lines().collect();
    assert_eq!(
        sip,
        vec![
            "1 INVITE\t",
            "1 INVITE\t100",
            "1 INVITE\t180",
            "1 INVITE\t200",
            "1 ACK\t",
            "2 BYE\t",
            "2 BYE\t200"
        ]
    );
    // The media ports come from the SDP; decode them explicitly as RTP.
    let ports = run_tshark(&["-Y", "sdp", "-T", "fields", "-e", "sdp.media.port"]);
    let mut args: Vec<String> = Vec::new();
    for port in ports.lines().filter(|p| !p.is_empty()) {
        args.push("-d".into());
        args.push(format!("udp.port=={port},rtp"));
    }
    assert_eq!(args.len(), 4, "two SDP bodies, one port each: {ports}");
    let mut rtp_args: Vec<&str> = args.iter().map(String::as_str).collect();
    rtp_args.extend(["-Y", "rtp && !rtpevent", "-T", "fields", "-e", "rtp.p_type"]);
    let audio = run_tshark(&rtp_args);
    let audio: Vec<&str> = audio.lines().collect();
    assert!(audio.len() >= 200, "{} audio packets", audio.len());
    assert!(audio.iter().all(|pt| *pt == "9"), "G.722 throughout");
    let mut event_args: Vec<&str> = args.iter().map(String::as_str).collect();
    event_args.extend([
        "-Y",
        "rtpevent.end_of_event == 1",
        "-T",
        "fields",
        "-e",
        "ip.src",
        "-e",
        "rtpevent.event_id",
    ]);
    let events = run_tshark(&event_args);
    for (src, digits) in [("127.0.0.1", "123"), ("127.0.0.2", "456")] {
        let mut ids: Vec<&str> = events
            .lines()
            .filter_map(|l| l.strip_prefix(src).map(str::trim))
            .collect();
        ids.dedup(); // the end packet is sent three times
        assert_eq!(ids.concat(), digits, "{events}");
    }
}
