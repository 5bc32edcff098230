//! The peer invocations the interop tests use, checked against the peers themselves
//! (SIPp against SIPp, Kamailio in front of SIPp, baresip calling a SIPp stand-in, tshark
//! decoding the capture): when an interop test fails, these say whether the harness or
//! the product is at fault.

use sipvoice_tests::{
    Baresip, BaresipPorts, Capture, PortBlock, Sipp, WorkDir, assert_pcap_play, own_scenario,
    parse_rtp_streams, peers_file, require_programs, start_kamailio, tshark_read, udp_ports_filter,
};
use std::time::Duration;

#[test]
fn sipp_uac_completes_calls_with_sipp_uas() {
    let Some([sipp]) = require_programs("sipp_uac_completes_calls_with_sipp_uas", ["sipp"]) else {
        return;
    };
    let dir = WorkDir::new("selfcheck-sipp");
    let ports = PortBlock::allocate(2);
    let mut uas = Sipp::new("uas", ports.port(0), None)
        .builtin("uas")
        .calls(3)
        .max_duration(Duration::from_secs(30))
        .spawn(&sipp, dir.path());
    std::thread::sleep(Duration::from_millis(500));
    let uac = Sipp::new("uac", ports.port(1), Some(ports.addr(0)))
        .builtin("uac")
        .calls(3)
        .rate(10)
        .max_duration(Duration::from_secs(30))
        .run(&sipp, dir.path());
    assert_eq!(uac.status.code(), Some(0), "{}", uac.describe());
    assert_eq!(uac.stats.successful(), 3, "{}", uac.describe());
    assert_eq!(uac.stats.failed(), 0, "{}", uac.describe());
    let uas = uas.finish();
    assert_eq!(uas.status.code(), Some(0), "{}", uas.describe());
    assert_eq!(uas.stats.successful(), 3, "{}", uas.describe());
}

#[test]
fn g722_scenario_passes_against_its_standin_and_tshark_sees_the_media() {
    let name = "g722_scenario_passes_against_its_standin_and_tshark_sees_the_media";
    let Some([sipp, tshark]) = require_programs(name, ["sipp", "tshark"]) else {
        return;
    };
    assert_pcap_play(&sipp);
    let dir = WorkDir::new("selfcheck-g722");
    let ports = PortBlock::allocate(12);
    let (uas_sip, uac_sip, uas_mp, uac_mp) =
        (ports.port(0), ports.port(1), ports.port(4), ports.port(8));
    let filter = udp_ports_filter(&[uas_sip, uac_sip, uas_mp, uas_mp + 2, uac_mp, uac_mp + 2]);
    let capture = Capture::start(&tshark, dir.path(), "capture", &filter);
    let media = peers_file("media/g722_8s.pcap");
    let mut uas = Sipp::new("uas", uas_sip, None)
        .scenario(peers_file("sipp/scenarios/uas_g722_standin.xml"))
        .media_port(uas_mp)
        .key("audio_pcap", &media)
        .calls(1)
        .spawn(&sipp, dir.path());
    std::thread::sleep(Duration::from_millis(500));
    let uac = Sipp::new("uac", uac_sip, Some(ports.addr(0)))
        .scenario(peers_file("sipp/scenarios/uac_g722_call.xml"))
        .media_port(uac_mp)
        .key("audio_pcap", &media)
        .key("dtmf_pcap", peers_file("media/dtmf_only_123hash.pcap"))
        .calls(1)
        .run(&sipp, dir.path());
    assert_eq!(uac.status.code(), Some(0), "{}", uac.describe());
    assert_eq!(uac.stats.successful(), 1, "{}", uac.describe());
    assert!(uac.logs.contains("RTP/AVP 9"), "{}", uac.describe());
    let uas = uas.finish();
    assert_eq!(uas.stats.successful(), 1, "{}", uas.describe());
    match capture {
        Ok(c) => {
            let file = c.finish();
            let streams =
                parse_rtp_streams(&tshark_read(&tshark, &file, &["-q", "-z", "rtp,streams"]));
            let g722: Vec<_> = streams.iter().filter(|s| s.payload == "g722").collect();
            // Both sides play the 8 s pcap: 400 packets of 20 ms each way.
            assert_eq!(g722.len(), 2, "{streams:?}");
            assert!(g722.iter().all(|s| s.packets == 400), "{streams:?}");
            let events = tshark_read(
                &tshark,
                &file,
                &[
                    "-d",
                    &format!("udp.port=={uas_mp},rtp"),
                    "-Y",
                    "rtpevent && rtpevent.end_of_event == 1",
                    "-T",
                    "fields",
                    "-e",
                    "rtpevent.event_id",
                ],
            );
            let mut ids: Vec<&str> = events.lines().collect();
            ids.dedup();
            assert_eq!(ids, ["1", "2", "3", "11"], "events on the wire: {events}");
        }
        Err(why) => eprintln!("{name}: capture part skipped: {why}"),
    }
}

#[test]
fn kamailio_record_routes_calls_to_two_sipp_uas() {
    let name = "kamailio_record_routes_calls_to_two_sipp_uas";
    let Some([sipp, kamailio]) = require_programs(name, ["sipp", "kamailio"]) else {
        return;
    };
    let dir = WorkDir::new("selfcheck-kamailio");
    let ports = PortBlock::allocate(4);
    let (lb, b1, b2, uac_port) = (ports.port(0), ports.port(1), ports.port(2), ports.port(3));
    let uas: Vec<_> = [("uas1", b1), ("uas2", b2)]
        .into_iter()
        .map(|(n, p)| {
            Sipp::new(n, p, None)
                .scenario(peers_file("sipp/builtin/uas_rr.xml"))
                .arg("-aa")
                .max_duration(Duration::from_secs(40))
                .spawn(&sipp, dir.path())
        })
        .collect();
    let mut kam = start_kamailio(
        &kamailio,
        dir.path(),
        lb,
        &[ports.addr(1), ports.addr(2)],
        &["WITH_RR"],
    );
    std::thread::sleep(Duration::from_secs(2));
    assert!(kam.is_running(), "kamailio exited\n{}", kam.tail(30));
    let uac = Sipp::new("uac", uac_port, Some(ports.addr(0)))
        .scenario(peers_file("sipp/builtin/uac_rrs.xml"))
        .calls(10)
        .rate(10)
        .max_duration(Duration::from_secs(30))
        .run(&sipp, dir.path());
    assert_eq!(
        uac.status.code(),
        Some(0),
        "{}\n{}",
        uac.describe(),
        kam.tail(30)
    );
    assert_eq!(uac.stats.successful(), 10, "{}", uac.describe());
    let incoming: Vec<u64> = uas
        .into_iter()
        .map(|mut u| u.stop(Duration::from_secs(8)).stats.counter("IncomingCall"))
        .collect();
    assert_eq!(incoming.iter().sum::<u64>(), 10, "{incoming:?}");
    assert!(
        incoming.iter().all(|&n| n > 0),
        "round robin split {incoming:?}"
    );
}

#[test]
fn baresip_calls_the_sipp_standin_and_sends_dtmf() {
    let name = "baresip_calls_the_sipp_standin_and_sends_dtmf";
    let Some([sipp, baresip]) = require_programs(name, ["sipp", "baresip"]) else {
        return;
    };
    assert_pcap_play(&sipp);
    let dir = WorkDir::new("selfcheck-baresip");
    let ports = PortBlock::allocate(30);
    let mut uas = Sipp::new("uas", ports.port(0), None)
        .scenario(peers_file("sipp/scenarios/uas_g722_standin.xml"))
        .media_port(ports.port(2))
        .key("audio_pcap", peers_file("media/g722_8s.pcap"))
        .calls(1)
        .max_duration(Duration::from_secs(40))
        .spawn(&sipp, dir.path());
    let caller = Baresip::start(
        &baresip,
        dir.path(),
        "caller",
        BaresipPorts {
            // SIPp takes -mp and the three ports above it; baresip SIP+1 for TLS.
            sip: ports.port(8),
            rtp: ports.port(10),
            ctrl: ports.port(7),
        },
        &peers_file("media/prompt_8s_16k.wav"),
    );
    let target = format!("sip:service@{}", ports.addr(0));
    caller.command("dial", &target, Duration::from_secs(3));
    caller.command("sndcode", "42", Duration::from_secs(2));
    caller.command("hangup", "", Duration::from_secs(1));
    let uas = uas.finish();
    assert_eq!(
        uas.stats.successful(),
        1,
        "{}\n{}",
        uas.describe(),
        caller.proc.tail(30)
    );
    caller.command("quit", "", Duration::from_millis(500));
}

#[test]
fn codec_scenario_logs_the_answered_payload_type() {
    let name = "codec_scenario_logs_the_answered_payload_type";
    let Some([sipp]) = require_programs(name, ["sipp"]) else {
        return;
    };
    assert_pcap_play(&sipp);
    let dir = WorkDir::new("selfcheck-codec");
    let ports = PortBlock::allocate(12);
    // SIPp's built-in uas answers PT 0 whatever is offered, and echoes RTP.
    let mut uas = Sipp::new("uas", ports.port(0), None)
        .builtin("uas")
        .media_port(ports.port(4))
        .arg("-rtp_echo")
        .calls(1)
        .spawn(&sipp, dir.path());
    std::thread::sleep(Duration::from_millis(500));
    let uac = Sipp::new("uac", ports.port(1), Some(ports.addr(0)))
        .scenario(own_scenario("uac_codec_call.xml"))
        .media_port(ports.port(8))
        .key("offer", "0 8")
        .key("audio_pcap", peers_file("media/pcmu_8s.pcap"))
        .key("dtmf_pcap", peers_file("media/dtmf_only_123hash.pcap"))
        .calls(1)
        .run(&sipp, dir.path());
    assert_eq!(uac.status.code(), Some(0), "{}", uac.describe());
    assert!(uac.logs.contains("first=0"), "{}", uac.describe());
    assert_eq!(uas.finish().stats.successful(), 1);
}
