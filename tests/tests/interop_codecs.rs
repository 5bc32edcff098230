//! Codec choice against SIPp offers and `--codecs`: PCMU- and PCMA-only offers, our
//! preference order, and bit-exact G.711 recordings of the prompt.

use sipvoice_tests::{
    PortBlock, Server, Sipp, WavInfo, WorkDir, assert_pcap_play, count, dtmf_digits, ended, field,
    find_samples, g711_prompt_reference, own_scenario, peers_file, require_programs, the_one,
};
use std::time::Duration;

/// Offers `offer` to a server started with `codecs`, plays the `pcap` of the codec we
/// expect (`expected` PT and name) and checks the answer, the events and the recording.
fn codec_call(test: &str, codecs: Option<&str>, offer: &str, expected: (u8, &str)) {
    let Some([sipp]) = require_programs(test, ["sipp"]) else {
        return;
    };
    assert_pcap_play(&sipp);
    let (pt, codec) = expected;
    let alaw = pt == 8;
    let pcap = if alaw {
        "media/pcma_8s.pcap"
    } else {
        "media/pcmu_8s.pcap"
    };
    let dir = WorkDir::new(test);
    let extra: Vec<&str> = codecs.map(|c| vec!["--codecs", c]).unwrap_or_default();
    let server = Server::start_fresh(dir.path(), "serve", 20, &extra);
    let ports = PortBlock::allocate(6);
    let run = Sipp::new("uac", ports.port(0), Some(server.sip))
        .scenario(own_scenario("uac_codec_call.xml"))
        .media_port(ports.port(2))
        .key("offer", offer)
        .key("audio_pcap", peers_file(pcap))
        .key("dtmf_pcap", peers_file("media/dtmf_only_123hash.pcap"))
        .calls(1)
        .run(&sipp, dir.path());
    assert_eq!(run.status.code(), Some(0), "{}", run.describe());
    assert!(
        run.logs.contains(&format!("first={pt}\n")),
        "answer must put PT {pt} first: {}",
        run.describe()
    );
    let events = server
        .events()
        .wait_for(Duration::from_secs(10), |e| count(e, "call_ended") >= 1);
    let started = the_one(&events, "call_started");
    assert_eq!(field(started, "codec"), codec, "{started}");
    assert_eq!(started["sample_rate"], 8000, "{started}");
    let sid = field(started, "session_id");
    assert_eq!(dtmf_digits(&events, sid), "123#");
    assert_eq!(field(ended(&events, sid), "reason"), "bye");
    let rec = WavInfo::read(&server.recording(sid)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rec.sample_rate, 8000);
    let reference = g711_prompt_reference(alaw);
    assert!(
        find_samples(&rec.samples, &reference).is_some(),
        "{codec} recording ({:.2} s, rms {:.3}) does not contain the prompt sample for sample",
        rec.seconds(),
        rec.rms()
    );
}

#[test]
fn pcmu_is_chosen_when_preferred_over_an_offer_with_g722() {
    codec_call(
        "pcmu_is_chosen_when_preferred_over_an_offer_with_g722",
        Some("pcmu,pcma"),
        "9 0 8",
        (0, "PCMU"),
    );
}

#[test]
fn pcma_only_offer_gets_pcma_by_default() {
    codec_call(
        "pcma_only_offer_gets_pcma_by_default",
        None,
        "8",
        (8, "PCMA"),
    );
}

#[test]
fn pcma_is_chosen_from_a_g711_offer_when_it_is_our_only_codec() {
    codec_call(
        "pcma_is_chosen_from_a_g711_offer_when_it_is_our_only_codec",
        Some("pcma"),
        "0 8",
        (8, "PCMA"),
    );
}

#[test]
fn an_offer_without_a_common_codec_is_refused_with_488() {
    let test = "an_offer_without_a_common_codec_is_refused_with_488";
    let Some([sipp]) = require_programs(test, ["sipp"]) else {
        return;
    };
    let dir = WorkDir::new(test);
    let server = Server::start_fresh(dir.path(), "serve", 20, &["--codecs", "g722"]);
    let ports = PortBlock::allocate(6);
    let run = Sipp::new("uac", ports.port(0), Some(server.sip))
        .scenario(own_scenario("uac_codec_call.xml"))
        .media_port(ports.port(2))
        .key("offer", "0 8")
        .key("audio_pcap", peers_file("media/pcmu_8s.pcap"))
        .key("dtmf_pcap", peers_file("media/dtmf_only_123hash.pcap"))
        .calls(1)
        .max_duration(Duration::from_secs(30))
        .run(&sipp, dir.path());
    assert_eq!(run.stats.failed(), 1, "{}", run.describe());
    assert!(run.errors.contains("SIP/2.0 488"), "{}", run.describe());
    let events = server
        .events()
        .wait_for(Duration::from_secs(5), |e| count(e, "call_rejected") >= 1);
    assert_eq!(count(&events, "call_started"), 0);
    assert_eq!(the_one(&events, "call_rejected")["status"], 488);
}
