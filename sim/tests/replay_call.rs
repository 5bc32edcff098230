//! Full calls replayed into the core's endpoint: the SIPp G.722 call with DTMF is answered,
//! started, its digits reported once each, its audio decoded, and it ends with the caller's
//! BYE with nothing left behind; the public G.722 capture is answered with G.722.

use std::time::Duration;

use sipvoice_core::codec::Codec;
use sipvoice_core::endpoint::{EndReason, Event};
use sipvoice_sim::capture::{
    Capture, Direction, Divergence, ReplayOptions, ReplayReport, analyse_rtp, replay,
};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/capture");

fn run(path: &str) -> (Capture, ReplayReport) {
    let capture = Capture::open(path).unwrap();
    let report = replay(&capture, &ReplayOptions::default()).unwrap();
    (capture, report)
}

fn events(report: &ReplayReport) -> Vec<&Event> {
    report.events.iter().map(|(_, e)| e).collect()
}

fn rms(pcm: &[i16]) -> f64 {
    let sum: f64 = pcm.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    (sum / pcm.len().max(1) as f64).sqrt()
}

#[test]
fn sipp_call_starts_reports_1_2_3_hash_once_and_ends_with_bye() {
    let (capture, report) = run(&format!("{DATA}/sipp_g722_call_dtmf_sll2.pcapng"));
    let ev = events(&report);
    let started = ev
        .iter()
        .position(|e| matches!(e, Event::CallStarted { .. }))
        .unwrap_or_else(|| panic!("no CallStarted in {ev:#?}"));
    let Event::CallStarted { info, .. } = ev[started] else {
        unreachable!()
    };
    assert_eq!(info.codec, Some(Codec::G722));
    assert_eq!(info.sip_call_id, "1-18208@127.0.0.1");
    let digits: String = ev
        .iter()
        .filter_map(|e| match e {
            Event::Dtmf { digit, .. } => Some(*digit),
            _ => None,
        })
        .collect();
    assert_eq!(digits, "123#");
    let ended: Vec<_> = ev
        .iter()
        .filter_map(|e| match e {
            Event::CallEnded { reason, stats, .. } => Some((reason, stats)),
            _ => None,
        })
        .collect();
    assert_eq!(ended.len(), 1, "{ev:#?}");
    assert_eq!(*ended[0].0, EndReason::Bye { reason: None });
    assert_eq!(ended[0].1.dtmf_received, 4);
    assert_eq!(ended[0].1.packets_lost, 0);
    // The events come in call order: started, digits, ended.
    assert!(matches!(ev.last(), Some(Event::CallEnded { .. })));
    assert!(
        ev[..started]
            .iter()
            .all(|e| !matches!(e, Event::Dtmf { .. }))
    );

    // Our answers are the captured callee's: 100, 180, 200 to INVITE, 200 to BYE.
    assert!(report.divergences.is_empty(), "{:#?}", report.divergences);
    let ours: Vec<_> = report
        .ladder
        .iter()
        .filter(|l| l.direction == Direction::UsToFar)
        .map(|l| l.summary.as_str())
        .collect();
    assert_eq!(
        ours,
        [
            "100 Trying (INVITE cseq=1)",
            "180 Ringing (INVITE cseq=1)",
            "200 OK (INVITE cseq=1) +sdp",
            "200 OK (BYE cseq=2)"
        ]
    );
    assert!(report.skipped.is_empty(), "{:#?}", report.skipped);
    assert!(report.counts.is_empty(), "{:?}", report.counts);
    // Every transaction is reaped within 64·T1 of the BYE.
    assert!(report.ended_at <= capture.duration() + Duration::from_secs(33));

    // The caller's audio, decoded by the endpoint: 8 s at 16 kHz, like the RTP-only decode.
    assert_eq!(report.audio.len(), 1);
    let (rate, pcm) = report.audio.values().next().unwrap();
    assert_eq!(*rate, 16_000);
    let reference = analyse_rtp(&capture)
        .streams
        .into_iter()
        .find(|s| s.key.ssrc == 0x2222_0009 && s.key.dst.port() == 26000)
        .unwrap();
    let seconds = pcm.len() as f64 / 16_000.0;
    assert!((7.8..=8.3).contains(&seconds), "{seconds} s of audio");
    let (a, b) = (rms(pcm), rms(&reference.pcm));
    assert!((a - b).abs() < 0.1 * b, "rms {a} vs {b}");
}

#[test]
fn public_g722_call_is_answered_with_g722_and_its_differences_reported() {
    let (_, report) = run(&format!("{SHARED}/testdata/captures/sip-rtp-g722.pcap"));
    let ev = events(&report);
    let Some(Event::CallStarted { info, .. }) =
        ev.iter().find(|e| matches!(e, Event::CallStarted { .. }))
    else {
        panic!("no CallStarted in {ev:#?}")
    };
    assert_eq!(info.codec, Some(Codec::G722));
    assert_eq!(info.callee, "sip:test@10.0.2.15:5060");
    // Our 200 answers with G.722 first.
    let ok = report
        .sent
        .iter()
        .find(|s| {
            s.data.starts_with(b"SIP/2.0 200 OK") && s.data.windows(7).any(|w| w == b"m=audio")
        })
        .expect("a 200 with SDP");
    let text = String::from_utf8_lossy(&ok.data);
    let m_line = text.lines().find(|l| l.starts_with("m=audio")).unwrap();
    assert!(m_line.contains("RTP/AVP 9"), "{m_line}");
    // The captured callee hung up at 8.504 s; ours does not hang up by itself then.
    assert!(report.divergences.iter().any(|d| matches!(
        d,
        Divergence::MissingInReplay { summary, .. } if summary.starts_with("BYE sip:sipp@10.0.2.20:5060")
    )), "{:#?}", report.divergences);
    // ... and its 200 to that BYE has no request of ours to answer.
    assert!(
        report
            .skipped
            .iter()
            .any(|s| s.what.starts_with("200 OK (BYE"))
    );
}

#[test]
fn pbx_call_gives_6789123_through_the_endpoint_when_media_follows_the_sdp() {
    let capture = Capture::open(format!("{SHARED}/testdata/captures/SIP_DTMF2.pcap")).unwrap();
    let callee = "192.168.105.110:5060".parse().unwrap();
    // As captured: the media comes from another host than the SDP announced; the endpoint
    // drops it, and the report says why.
    let faithful = ReplayOptions {
        as_addr: Some(callee),
        ..ReplayOptions::default()
    };
    let report = replay(&capture, &faithful).unwrap();
    assert!(
        report.divergences.iter().any(|d| matches!(
            d,
            Divergence::MediaSource { from, announced, .. }
                if from.to_string() == "192.168.105.172:4376"
                    && announced.to_string() == "192.168.105.110:4374"
        )),
        "{:#?}",
        report.divergences
    );
    assert!(
        !events(&report)
            .iter()
            .any(|e| matches!(e, Event::Dtmf { .. }))
    );

    // Media presented as coming from the SDP's address: every digit, in order, once.
    let mapped = ReplayOptions {
        media_from_sdp: true,
        ..faithful
    };
    let report = replay(&capture, &mapped).unwrap();
    let ev = events(&report);
    let Some(Event::CallStarted { info, .. }) =
        ev.iter().find(|e| matches!(e, Event::CallStarted { .. }))
    else {
        panic!("no CallStarted in {ev:#?}")
    };
    assert_eq!(info.codec, Some(Codec::Pcma));
    let digits: String = ev
        .iter()
        .filter_map(|e| match e {
            Event::Dtmf { digit, .. } => Some(*digit),
            _ => None,
        })
        .collect();
    assert_eq!(digits, "6789123");
    let Some((_, pcm)) = report.audio.values().next() else {
        panic!("no audio")
    };
    assert!(pcm.len() > 8000 * 18, "{} samples", pcm.len());
    assert!(report.counts.is_empty(), "{:?}", report.counts);
}

#[test]
fn public_g722_call_replayed_as_the_caller_decodes_the_callees_audio_and_ends_with_its_bye() {
    let capture = Capture::open(format!("{SHARED}/testdata/captures/sip-rtp-g722.pcap")).unwrap();
    let options = ReplayOptions {
        as_addr: Some("10.0.2.20:5060".parse().unwrap()),
        ..ReplayOptions::default()
    };
    let report = replay(&capture, &options).unwrap();
    assert_eq!(report.target.role, sipvoice_sim::capture::Role::Caller);
    let ev = events(&report);
    let Some(Event::CallStarted { info, .. }) =
        ev.iter().find(|e| matches!(e, Event::CallStarted { .. }))
    else {
        panic!("no CallStarted in {ev:#?}")
    };
    assert_eq!(info.codec, Some(Codec::G722));
    assert_eq!(
        info.direction,
        sipvoice_core::endpoint::CallDirection::Outbound
    );
    let Some(Event::CallEnded { reason, stats, .. }) = ev.last() else {
        panic!("the call did not end: {ev:#?}")
    };
    assert_eq!(
        *reason,
        EndReason::Bye {
            reason: Some("Q.850;cause=16;text=\"NORMAL_CLEARING\"".to_owned())
        }
    );
    assert_eq!((stats.packets_received, stats.packets_lost), (425, 0));
    // Our INVITE, ACK and 200 to BYE are the captured caller's.
    assert!(report.divergences.is_empty(), "{:#?}", report.divergences);
    assert!(report.counts.is_empty());
    // The callee's 8.5 s of G.722, decoded by the endpoint as by the RTP-only analysis.
    let (rate, pcm) = report.audio.values().next().expect("audio");
    assert_eq!(*rate, 16_000);
    let reference = &analyse_rtp(&capture).streams[0];
    assert_eq!(pcm.len(), reference.pcm.len());
    let (a, b) = (rms(pcm), rms(&reference.pcm));
    assert!((a - b).abs() < 0.01 * b, "rms {a} vs {b}");
}

#[test]
fn pbx_side_replay_reports_the_declined_invite_and_the_refused_registers() {
    // Standing in for the PBX: the capture declined the first INVITE (603) and accepted
    // every REGISTER; the endpoint auto-answers calls and registers nobody.
    let (_, report) = run(&format!("{SHARED}/testdata/captures/SIP_DTMF2.pcap"));
    assert_eq!(report.target.us.to_string(), "192.168.105.105:5060");
    let statuses: Vec<(String, u16, u16, usize)> = report
        .divergences
        .iter()
        .filter_map(|d| match d {
            Divergence::StatusDiffers {
                method,
                captured,
                ours,
                count,
            } => Some((method.clone(), *captured, *ours, *count)),
            _ => None,
        })
        .collect();
    assert!(
        statuses.contains(&("INVITE".to_owned(), 603, 200, 1)),
        "{statuses:?}"
    );
    let register = statuses
        .iter()
        .find(|(m, ..)| m == "REGISTER")
        .expect("REGISTER answered differently");
    assert_eq!(register.1, 200);
    assert_ne!(register.2, 200);
    assert_eq!(register.3, 5, "five REGISTERs in the capture");
    assert!(report.counts.is_empty(), "{:?}", report.counts);
}

#[test]
fn the_same_capture_and_seed_replay_identically() {
    let path = format!("{DATA}/sipp_g722_call_dtmf_sll2.pcapng");
    let (_, a) = run(&path);
    let (_, b) = run(&path);
    assert_eq!(a.ladder, b.ladder);
    assert_eq!(a.sent, b.sent);
    assert_eq!(format!("{:?}", a.events), format!("{:?}", b.events));
    assert_eq!(a.audio, b.audio);
    // Another seed changes our tags and SSRCs, not the course of the call.
    let capture = Capture::open(&path).unwrap();
    let other = ReplayOptions {
        seed: 2,
        ..ReplayOptions::default()
    };
    let c = replay(&capture, &other).unwrap();
    assert_ne!(a.sent, c.sent);
    let summaries = |r: &ReplayReport| {
        r.ladder
            .iter()
            .map(|l| l.summary.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(summaries(&a), summaries(&c));
}
