//! `sipvoice call`: towards a SIPp UAS (the kit's G.722 stand-in) and towards
//! `sipvoice serve`, with DTMF, playback, recording and the exit status.

use sipvoice_tests::{
    EventLog, PortBlock, Server, Sipp, WavInfo, WorkDir, assert_pcap_play, count, dtmf_digits,
    ended, field, peers_file, prompt_similarity, require_programs, sipvoice_bin, spawn_call,
    the_one,
};
use std::time::Duration;

#[test]
fn call_to_a_sipp_uas_is_answered_recorded_and_hung_up() {
    let name = "call_to_a_sipp_uas_is_answered_recorded_and_hung_up";
    let Some([sipp]) = require_programs(name, ["sipp"]) else {
        return;
    };
    assert_pcap_play(&sipp);
    // Build the binary before the peer starts waiting for our call.
    sipvoice_bin().unwrap_or_else(|e| panic!("no sipvoice binary: {e}"));
    let dir = WorkDir::new(name);
    let ports = PortBlock::allocate(6);
    let mut uas = Sipp::new("uas", ports.port(0), None)
        .scenario(peers_file("sipp/scenarios/uas_g722_standin.xml"))
        .media_port(ports.port(2))
        .key("audio_pcap", peers_file("media/g722_8s.pcap"))
        .calls(1)
        .max_duration(Duration::from_secs(40))
        .spawn(&sipp, dir.path());
    std::thread::sleep(Duration::from_millis(500));
    let events = dir.join("call.events.jsonl");
    let record = dir.join("call.wav");
    let target = format!("sip:service@{}", ports.addr(0));
    let mut call = spawn_call(
        dir.path(),
        "call",
        &target,
        &[
            "--from",
            "sip:tester@127.0.0.1",
            "--play",
            &peers_file("media/prompt_8s_16k.wav").display().to_string(),
            "--record",
            &record.display().to_string(),
            "--dtmf",
            "12",
            "--hangup-after",
            "5",
            "--events",
            &events.display().to_string(),
        ],
    );
    let status = call.wait();
    assert!(
        status.success(),
        "sipvoice call: {status:?}\n{}",
        call.tail(30)
    );
    let uas = uas.finish();
    assert_eq!(uas.status.code(), Some(0), "{}", uas.describe());
    assert_eq!(uas.stats.successful(), 1, "{}", uas.describe());

    let events = EventLog::new(&events).read();
    let started = the_one(&events, "call_started");
    assert_eq!(field(started, "codec"), "G722", "{started}");
    assert_eq!(field(started, "direction"), "outbound", "{started}");
    let end = ended(&events, field(started, "session_id"));
    assert_eq!(field(end, "reason"), "local_hangup", "{end}");
    // The stand-in plays the prompt (RMS 0.143) after the ACK; 5 s of it were received.
    let rec = WavInfo::read(&record).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rec.sample_rate, 16000);
    assert!(
        (3.5..8.0).contains(&rec.seconds()),
        "recorded {:.2} s",
        rec.seconds()
    );
    let similarity = prompt_similarity(&rec);
    assert!(
        similarity > 0.9,
        "prompt similarity {similarity:.3}, rms {:.3}",
        rec.rms()
    );
}

#[test]
fn call_to_sipvoice_serve_carries_audio_and_dtmf() {
    let name = "call_to_sipvoice_serve_carries_audio_and_dtmf";
    let dir = WorkDir::new(name);
    let mut server = Server::start_fresh(dir.path(), "serve", 20, &[]);
    let events = dir.join("call.events.jsonl");
    let target = format!("sip:service@{}", server.sip);
    let mut call = spawn_call(
        dir.path(),
        "call",
        &target,
        &[
            "--play",
            &peers_file("media/prompt_8s_16k.wav").display().to_string(),
            "--dtmf",
            "159#",
            "--hangup-after",
            "5",
            "--events",
            &events.display().to_string(),
        ],
    );
    let status = call.wait();
    assert!(
        status.success(),
        "sipvoice call: {status:?}\n{}",
        call.tail(30)
    );

    let caller = EventLog::new(&events).read();
    let out = the_one(&caller, "call_started");
    assert_eq!(field(out, "codec"), "G722", "{out}");
    assert_eq!(
        field(ended(&caller, field(out, "session_id")), "reason"),
        "local_hangup"
    );

    let served = server
        .events()
        .wait_for(Duration::from_secs(10), |e| count(e, "call_ended") >= 1);
    let started = the_one(&served, "call_started");
    assert_eq!(field(started, "codec"), "G722", "{started}");
    let sid = field(started, "session_id");
    assert_eq!(dtmf_digits(&served, sid), "159#");
    assert_eq!(field(ended(&served, sid), "reason"), "bye");
    // DTMF the other way: echo mode sends every key back, and the caller hears each once.
    assert_eq!(dtmf_digits(&caller, field(out, "session_id")), "159#");
    // The server recorded what the caller played: the prompt (RMS 0.143) through G.722.
    let rec = WavInfo::read(&server.recording(sid)).unwrap_or_else(|e| panic!("{e}"));
    let similarity = prompt_similarity(&rec);
    assert!(
        similarity > 0.9,
        "server recording ({:.2} s, rms {:.3}): prompt similarity {similarity:.3}",
        rec.seconds(),
        rec.rms()
    );
    assert!(server.stop().success());
}
