//! baresip and sipvoice: baresip calls `sipvoice serve` (G.722, WAV in, DTMF over
//! ctrl_tcp), and `sipvoice call` calls an auto-answering baresip that records what it
//! receives, with DTMF both ways.

use sipvoice_tests::{
    Baresip, BaresipPorts, EventLog, PortBlock, Server, WavInfo, WorkDir, count, dtmf_digits,
    ended, field, peers_file, prompt_similarity, require_programs, sipvoice_bin, spawn_call,
    the_one,
};
use std::time::Duration;

#[test]
fn baresip_calls_serve_with_g722_audio_and_dtmf() {
    let name = "baresip_calls_serve_with_g722_audio_and_dtmf";
    let Some([baresip]) = require_programs(name, ["baresip"]) else {
        return;
    };
    let dir = WorkDir::new(name);
    let server = Server::start_fresh(dir.path(), "serve", 20, &[]);
    let ports = PortBlock::allocate(24);
    let caller = Baresip::start(
        &baresip,
        dir.path(),
        "caller",
        BaresipPorts {
            sip: ports.port(0),
            ctrl: ports.port(2),
            rtp: ports.port(4),
        },
        &peers_file("media/prompt_8s_16k.wav"),
    );
    caller.command(
        "dial",
        &format!("sip:service@{}", server.sip),
        Duration::from_secs(3),
    );
    caller.command("sndcode", "123#", Duration::from_secs(3));
    caller.command("hangup", "", Duration::from_secs(1));
    let events = server
        .events()
        .wait_for(Duration::from_secs(10), |e| count(e, "call_ended") >= 1);
    caller.command("quit", "", Duration::from_millis(300));
    let started = the_one(&events, "call_started");
    assert_eq!(
        field(started, "codec"),
        "G722",
        "{started}\n{}",
        caller.proc.tail(30)
    );
    let sid = field(started, "session_id");
    assert_eq!(dtmf_digits(&events, sid), "123#", "{events:#?}");
    assert_eq!(field(ended(&events, sid), "reason"), "bye");
    let rec = WavInfo::read(&server.recording(sid)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rec.sample_rate, 16000);
    assert!(rec.seconds() > 3.0, "recording {:.2} s", rec.seconds());
    // baresip played the prompt: the recording is that audio through G.722.
    let similarity = prompt_similarity(&rec);
    assert!(
        similarity > 0.9,
        "prompt similarity {similarity:.3}, rms {:.3}",
        rec.rms()
    );
}

#[test]
fn call_to_baresip_delivers_the_played_wav() {
    let name = "call_to_baresip_delivers_the_played_wav";
    let Some([baresip]) = require_programs(name, ["baresip"]) else {
        return;
    };
    // Build the binary before the peer starts waiting for our call.
    sipvoice_bin().unwrap_or_else(|e| panic!("no sipvoice binary: {e}"));
    let dir = WorkDir::new(name);
    let ports = PortBlock::allocate(24);
    // The callee plays a long tone so that it never hangs up first.
    let tone = dir.join("tone.wav");
    write_tone(&tone, 20.0);
    let callee = Baresip::start(
        &baresip,
        dir.path(),
        "callee",
        BaresipPorts {
            sip: ports.port(0),
            ctrl: ports.port(2),
            rtp: ports.port(4),
        },
        &tone,
    );
    let events = dir.join("call.events.jsonl");
    let mut call = spawn_call(
        dir.path(),
        "call",
        &format!("sip:callee@127.0.0.1:{}", ports.port(0)),
        &[
            "--play",
            &peers_file("media/prompt_8s_16k.wav").display().to_string(),
            "--dtmf",
            "42",
            "--hangup-after",
            "6",
            "--events",
            &events.display().to_string(),
        ],
    );
    // DTMF the other way: baresip sends RFC 4733 events into the call.
    std::thread::sleep(Duration::from_secs(3));
    callee.command("sndcode", "73", Duration::from_secs(1));
    let status = call.wait();
    assert!(
        status.success(),
        "sipvoice call: {status:?}\n{}",
        call.tail(30)
    );
    std::thread::sleep(Duration::from_secs(1));
    callee.command("quit", "", Duration::from_millis(300));
    let caller = EventLog::new(&events).read();
    let started = the_one(&caller, "call_started");
    assert_eq!(field(started, "codec"), "G722", "{started}");
    let sid = field(started, "session_id");
    assert_eq!(dtmf_digits(&caller, sid), "73", "{caller:#?}");
    assert_eq!(field(ended(&caller, sid), "reason"), "local_hangup");
    let heard = callee.proc.stdout();
    eprintln!(
        "{}",
        heard
            .lines()
            .filter(|l| l.contains("event"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let dumps = callee.dumps("-dec.wav");
    assert_eq!(
        dumps.len(),
        1,
        "baresip recordings: {dumps:?}\n{}",
        callee.proc.tail(30)
    );
    let got = WavInfo::read(&dumps[0]).unwrap_or_else(|e| panic!("{e}"));
    // What baresip decoded is the WAV we played, through our G.722 encoder.
    let similarity = prompt_similarity(&got);
    assert!(
        similarity > 0.9,
        "baresip received {:.2} s (rms {:.3}); prompt similarity {similarity:.3}",
        got.seconds(),
        got.rms()
    );
}

fn write_tone(path: &std::path::Path, seconds: f64) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).expect("create tone");
    let n = (seconds * 16000.0) as usize;
    for i in 0..n {
        let v = (0.3 * 32767.0 * (i as f64 * 2.0 * std::f64::consts::PI * 440.0 / 16000.0).sin())
            as i16;
        w.write_sample(v).expect("write tone");
    }
    w.finalize().expect("finish tone");
}
