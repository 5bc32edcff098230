//! `sipvoice serve` against SIPp: G.722 calls with RTP and RFC 4733 DTMF on both
//! runtimes (bit-exact recording, echo counted in a tshark capture), X-headers, CANCEL,
//! digest authentication, the session limit and a load run.

use sipvoice_tests::{
    Capture, PortBlock, Server, Sipp, WavInfo, WorkDir, assert_pcap_play, count, dtmf_digits,
    ended, field, find_samples, g722_prompt_reference, of_kind, parse_rtp_streams, peers_file,
    port_is_free, require_programs, stat, the_one, tshark_read,
};
use std::time::Duration;

fn scenario(name: &str) -> std::path::PathBuf {
    peers_file(&format!("sipp/scenarios/{name}"))
}

/// One SIPp `uac_g722_call.xml` call (8 s of G.722, then DTMF 1 2 3 #) into a server on
/// `runtime`; checks SIPp's verdict, the event log, the recording and, when tshark can
/// capture, the echoed RTP.
fn g722_call(runtime: &str, capture: bool) {
    let name = format!("g722_call_{runtime}");
    let Some([sipp, tshark]) = require_programs(&name, ["sipp", "tshark"]) else {
        return;
    };
    assert_pcap_play(&sipp);
    let dir = WorkDir::new(&name);
    let mut server = Server::start_fresh(dir.path(), "serve", 20, &["--runtime", runtime]);
    let ports = PortBlock::allocate(6);
    let (uac_sip, uac_mp) = (ports.port(0), ports.port(2));
    let cap = capture.then(|| {
        let filter = format!(
            "udp and ({} or port {uac_sip} or portrange {uac_mp}-{})",
            server.capture_filter(),
            uac_mp + 3
        );
        Capture::start(&tshark, dir.path(), "capture", &filter)
    });
    let run = Sipp::new("uac", uac_sip, Some(server.sip))
        .scenario(scenario("uac_g722_call.xml"))
        .media_port(uac_mp)
        .key("audio_pcap", peers_file("media/g722_8s.pcap"))
        .key("dtmf_pcap", peers_file("media/dtmf_only_123hash.pcap"))
        .calls(1)
        .run(&sipp, dir.path());
    assert_eq!(run.status.code(), Some(0), "{}", run.describe());
    assert_eq!(run.stats.successful(), 1, "{}", run.describe());
    assert!(
        run.logs.contains("telephone-event PT=101"),
        "{}",
        run.describe()
    );

    let events = server
        .events()
        .wait_for(Duration::from_secs(10), |e| count(e, "call_ended") >= 1);
    let started = the_one(&events, "call_started");
    assert_eq!(field(started, "codec"), "G722", "{started}");
    assert_eq!(started["sample_rate"], 16000, "{started}");
    assert!(!field(started, "call_id").is_empty(), "{started}");
    let sid = field(started, "session_id");
    assert!(!sid.is_empty(), "{started}");
    assert_eq!(dtmf_digits(&events, sid), "123#", "each digit exactly once");
    let end = ended(&events, sid);
    assert_eq!(field(end, "reason"), "bye", "{end}");
    assert!(stat(end, "packets_received") >= 390, "{end}");
    assert!(stat(end, "packets_sent") >= 300, "echo: {end}");
    assert_eq!(stat(end, "dtmf_received"), 4, "{end}");

    // The recording is the decoded inbound audio: spandsp's decode of the prompt, bit-exact.
    let rec = WavInfo::read(&server.recording(sid)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((rec.sample_rate, rec.channels), (16000, 1));
    let reference = g722_prompt_reference();
    assert!(
        find_samples(&rec.samples, &reference).is_some(),
        "recording ({:.2} s, rms {:.3}) does not contain the 8 s prompt sample for sample",
        rec.seconds(),
        rec.rms()
    );

    if let Some(cap) = cap {
        match cap {
            Ok(c) => {
                let file = c.finish();
                let table = tshark_read(
                    &tshark,
                    &file,
                    &[
                        "-d",
                        &format!("udp.port=={uac_mp},rtp"),
                        "-q",
                        "-z",
                        "rtp,streams",
                    ],
                );
                let streams = parse_rtp_streams(&table);
                let echoed: u64 = streams
                    .iter()
                    .filter(|s| s.dst_port == uac_mp && s.payload.starts_with("g722"))
                    .map(|s| s.packets)
                    .sum();
                assert!(echoed >= 300, "G.722 packets towards SIPp: {table}");
            }
            Err(why) => eprintln!("{name}: capture check skipped: {why}"),
        }
    }

    let status = server.stop();
    assert!(
        status.success(),
        "exit after Ctrl-C: {status:?}\n{}",
        server.proc.tail(20)
    );
}

#[test]
fn g722_call_with_dtmf_on_tokio() {
    g722_call("tokio", true);
}

#[test]
fn g722_call_with_dtmf_on_mio() {
    g722_call("mio", false);
}

#[test]
fn x_headers_room_and_session_ids_reach_call_started() {
    let name = "x_headers_room_and_session_ids_reach_call_started";
    let Some([sipp]) = require_programs(name, ["sipp"]) else {
        return;
    };
    assert_pcap_play(&sipp);
    let dir = WorkDir::new(name);
    let server = Server::start_fresh(dir.path(), "serve", 20, &[]);
    let ports = PortBlock::allocate(6);
    let run = Sipp::new("uac", ports.port(0), Some(server.sip))
        .scenario(scenario("uac_xheaders_call.xml"))
        .media_port(ports.port(2))
        .key("audio_pcap", peers_file("media/g722_8s.pcap"))
        .key("dtmf_pcap", peers_file("media/dtmf_only_123hash.pcap"))
        .key("room_id", "room-42")
        .key("session_id", "sess-abc")
        .calls(1)
        .run(&sipp, dir.path());
    assert_eq!(run.status.code(), Some(0), "{}", run.describe());
    let events = server
        .events()
        .wait_for(Duration::from_secs(10), |e| count(e, "call_ended") >= 1);
    let started = the_one(&events, "call_started");
    assert_eq!(started["x_headers"]["X-Room-ID"], "room-42", "{started}");
    assert_eq!(
        started["x_headers"]["X-Session-ID"], "sess-abc-1",
        "{started}"
    );
    assert_eq!(field(started, "room_id"), "room-42", "{started}");
    assert_eq!(field(started, "session_id"), "sess-abc-1", "{started}");
    assert_eq!(field(ended(&events, "sess-abc-1"), "reason"), "bye");
}

#[test]
fn cancel_before_the_delayed_answer_gets_200_and_487() {
    let name = "cancel_before_the_delayed_answer_gets_200_and_487";
    let Some([sipp]) = require_programs(name, ["sipp"]) else {
        return;
    };
    let dir = WorkDir::new(name);
    let server = Server::start_fresh(dir.path(), "serve", 20, &["--answer-delay-ms", "3000"]);
    let ports = PortBlock::allocate(6);
    let run = Sipp::new("uac", ports.port(0), Some(server.sip))
        .scenario(scenario("uac_cancel.xml"))
        .media_port(ports.port(2))
        .calls(1)
        .max_duration(Duration::from_secs(30))
        .run(&sipp, dir.path());
    assert_eq!(run.status.code(), Some(0), "{}", run.describe());
    assert_eq!(run.stats.successful(), 1, "{}", run.describe());
    // Past the answer delay: no 200 to the INVITE may follow the 487.
    std::thread::sleep(Duration::from_secs(4));
    let events = server.events().read();
    assert_eq!(count(&events, "call_started"), 0, "{events:#?}");
    let cancelled = of_kind(&events, "call_ended")
        .into_iter()
        .chain(of_kind(&events, "call_rejected"))
        .count();
    assert_eq!(
        cancelled, 1,
        "the cancelled call is reported once: {events:#?}"
    );
    if let Some(end) = of_kind(&events, "call_ended").first() {
        assert_eq!(field(end, "reason"), "cancel", "{end}");
    }
}

fn auth_call(password: &str) -> (sipvoice_tests::SippRun, Vec<serde_json::Value>) {
    let name = format!("auth_{password}");
    let sipp = sipvoice_tests::find_program("sipp").expect("checked by the caller");
    let dir = WorkDir::new(&name);
    let server = Server::start_fresh(dir.path(), "serve", 20, &["--auth", "alice:secret"]);
    let ports = PortBlock::allocate(6);
    let auth_uri = format!("service@{}", server.sip);
    let run = Sipp::new("uac", ports.port(0), Some(server.sip))
        .scenario(scenario("uac_auth_call.xml"))
        .media_port(ports.port(2))
        .key("audio_pcap", peers_file("media/g722_8s.pcap"))
        .args(["-au", "alice", "-ap", password, "-auth_uri", &auth_uri])
        .calls(1)
        .max_duration(Duration::from_secs(40))
        .run(&sipp, dir.path());
    let events = server.events().wait_for(Duration::from_secs(5), |e| {
        count(e, "call_ended") + count(e, "call_rejected") >= 1
    });
    (run, events)
}

#[test]
fn digest_auth_accepts_the_right_password() {
    let Some([sipp]) = require_programs("digest_auth_accepts_the_right_password", ["sipp"]) else {
        return;
    };
    assert_pcap_play(&sipp);
    let (run, events) = auth_call("secret");
    assert_eq!(run.status.code(), Some(0), "{}", run.describe());
    assert_eq!(run.stats.successful(), 1, "{}", run.describe());
    let started = the_one(&events, "call_started");
    assert_eq!(field(started, "codec"), "G722");
    assert_eq!(
        field(ended(&events, field(started, "session_id")), "reason"),
        "bye"
    );
}

#[test]
fn digest_auth_refuses_a_wrong_password() {
    let Some([sipp]) = require_programs("digest_auth_refuses_a_wrong_password", ["sipp"]) else {
        return;
    };
    assert_pcap_play(&sipp);
    let (run, events) = auth_call("wrong");
    assert_ne!(run.status.code(), Some(0), "{}", run.describe());
    assert_eq!(run.stats.successful(), 0, "{}", run.describe());
    assert_eq!(count(&events, "call_started"), 0, "{events:#?}");
}

#[test]
fn max_sessions_one_refuses_the_second_call_with_503_and_retry_after() {
    let name = "max_sessions_one_refuses_the_second_call_with_503_and_retry_after";
    let Some([sipp]) = require_programs(name, ["sipp"]) else {
        return;
    };
    assert_pcap_play(&sipp);
    let dir = WorkDir::new(name);
    let server = Server::start_fresh(dir.path(), "serve", 20, &["--max-sessions", "1"]);
    // Two calls: SIPp's automatic media ports are the base and the base + 4.
    let ports = PortBlock::allocate(8);
    let run = Sipp::new("uac", ports.port(0), Some(server.sip))
        .scenario(scenario("uac_g722_call.xml"))
        .media_port(ports.port(2))
        .key("audio_pcap", peers_file("media/g722_8s.pcap"))
        .key("dtmf_pcap", peers_file("media/dtmf_only_123hash.pcap"))
        .calls(2)
        .rate(10)
        .limit(2)
        .run(&sipp, dir.path());
    assert_eq!(run.stats.successful(), 1, "{}", run.describe());
    assert_eq!(run.stats.failed(), 1, "{}", run.describe());
    assert!(run.errors.contains("SIP/2.0 503"), "{}", run.describe());
    assert!(run.errors.contains("Retry-After:"), "{}", run.describe());
    let events = server
        .events()
        .wait_for(Duration::from_secs(10), |e| count(e, "call_ended") >= 1);
    assert_eq!(count(&events, "call_started"), 1, "{events:#?}");
    let rejected = the_one(&events, "call_rejected");
    assert_eq!(rejected["status"], 503, "{rejected}");
}

#[test]
fn load_200_calls_at_50_per_second_all_succeed_and_free_every_port() {
    let name = "load_200_calls_at_50_per_second_all_succeed_and_free_every_port";
    let Some([sipp]) = require_programs(name, ["sipp"]) else {
        return;
    };
    let dir = WorkDir::new(name);
    let mut server = Server::start_fresh(dir.path(), "serve", 200, &[]);
    let ports = PortBlock::allocate(6);
    let run = Sipp::new("uac", ports.port(0), Some(server.sip))
        .builtin("uac")
        .media_port(ports.port(2))
        .calls(200)
        .rate(50)
        .limit(60)
        .max_duration(Duration::from_secs(60))
        .run(&sipp, dir.path());
    assert_eq!(run.status.code(), Some(0), "{}", run.describe());
    assert_eq!(run.stats.successful(), 200, "{}", run.describe());
    assert_eq!(run.stats.failed(), 0, "{}", run.describe());
    let events = server
        .events()
        .wait_for(Duration::from_secs(15), |e| count(e, "call_ended") >= 200);
    assert_eq!(count(&events, "call_started"), 200);
    let ends = of_kind(&events, "call_ended");
    assert_eq!(ends.len(), 200);
    assert!(
        ends.iter().all(|e| field(e, "reason") == "bye"),
        "{:#?}",
        ends.iter().find(|e| field(e, "reason") != "bye")
    );
    // No live call holds a media socket any more.
    let (first, last) = server.rtp;
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let mut busy: Vec<u16> = (first..=last).filter(|&p| !port_is_free(p)).collect();
    while !busy.is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        busy = (first..=last).filter(|&p| !port_is_free(p)).collect();
    }
    assert!(
        busy.is_empty(),
        "RTP ports still bound after the load: {busy:?}"
    );
    assert!(server.proc.is_running(), "{}", server.proc.tail(20));
    let status = server.stop();
    assert!(status.success(), "{status:?}");
}

/// `calls` SIPp G.722 calls (8 s of audio and 4 digits each, echoed back) at `rate` per
/// second: all succeed, every call got all its media and digits, every port is freed.
fn g722_load(name: &str, calls: u32, rate: u32) {
    let Some([sipp]) = require_programs(name, ["sipp"]) else {
        return;
    };
    assert_pcap_play(&sipp);
    let dir = WorkDir::new(name);
    let rtp_ports = u16::try_from(calls * 3).unwrap_or(u16::MAX).min(900);
    let mut server = Server::start_fresh(dir.path(), "serve", rtp_ports, &[]);
    // SIPp's [auto_media_port] gives call n the base + 4·(n − 1): the block must hold
    // them all, or another test's peer may own one of them.
    let ports = PortBlock::allocate(u16::try_from(2 + 4 * calls + 2).map_or(1000, |n| n.min(1000)));
    let run = Sipp::new("uac", ports.port(0), Some(server.sip))
        .scenario(scenario("uac_g722_call.xml"))
        .media_port(ports.port(2))
        .key("audio_pcap", peers_file("media/g722_8s.pcap"))
        .key("dtmf_pcap", peers_file("media/dtmf_only_123hash.pcap"))
        .calls(calls)
        .rate(rate)
        .limit(calls + 100)
        .max_duration(Duration::from_secs(u64::from(calls / rate) + 60))
        .run(&sipp, dir.path());
    assert_eq!(run.status.code(), Some(0), "{}", run.describe());
    assert_eq!(
        run.stats.successful(),
        u64::from(calls),
        "{}",
        run.describe()
    );
    assert_eq!(run.stats.failed(), 0, "{}", run.describe());
    let n = calls as usize;
    let events = server
        .events()
        .wait_for(Duration::from_secs(20), |e| count(e, "call_ended") >= n);
    let ends = of_kind(&events, "call_ended");
    assert_eq!(ends.len(), n);
    assert!(ends.iter().all(|e| field(e, "reason") == "bye"));
    // Every call received its audio (400 packets) and its four digits, in order.
    let short: Vec<_> = ends
        .iter()
        .filter(|e| stat(e, "packets_received") < 390)
        .collect();
    assert!(
        short.is_empty(),
        "{} of {n} calls short of media, e.g. {:#?}",
        short.len(),
        short.first()
    );
    let mut doubled = 0;
    for e in &ends {
        let digits = dtmf_digits(&events, field(e, "session_id"));
        let mut once: Vec<char> = digits.chars().collect();
        once.dedup();
        assert_eq!(once.iter().collect::<String>(), "123#", "{e}");
        doubled += digits.len() - once.len();
    }
    // Exactly-once reporting is asserted by the single-call tests; under load a late copy
    // of an end packet past the receiver's wall-clock fold window is reported again.
    if doubled > 0 {
        eprintln!("{name}: {doubled} digit(s) reported twice under load");
    }
    let (first, last) = server.rtp;
    let busy: Vec<u16> = (first..=last).filter(|&p| !port_is_free(p)).collect();
    assert!(busy.is_empty(), "RTP ports still bound: {busy:?}");
    assert!(server.stop().success());
}

#[test]
fn load_60_g722_calls_at_20_per_second_with_rtp_both_ways() {
    g722_load(
        "load_60_g722_calls_at_20_per_second_with_rtp_both_ways",
        60,
        20,
    );
}

/// The full load smoke: 200 G.722 calls at 20/s, up to ~200 at once, RTP both ways.
/// A debug build on two shared cores falls behind (calls end with RTP still unread,
/// although a capture shows all of it arriving); against a release binary it passes in
/// about 21 s here: `cargo build --release -p sipvoice-tokio --bin sipvoice &&
/// SIPVOICE_BIN=target/release/sipvoice cargo test -p sipvoice-tests -- --ignored load_200`
/// (`tests/run.sh` runs it that way, after everything else).
#[test]
#[ignore = "wants idle cores: tests/run.sh runs it on its own after everything else"]
fn load_200_g722_calls_at_20_per_second_with_rtp_both_ways() {
    g722_load(
        "load_200_g722_calls_at_20_per_second_with_rtp_both_ways",
        200,
        20,
    );
}
