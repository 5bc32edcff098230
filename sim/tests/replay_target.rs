//! Replay set-up: which side of a captured call a fresh endpoint replaces, the media it
//! used, and the endpoint configuration built for it; every capture, even a damaged one,
//! replays to a report.

use std::net::SocketAddr;
use std::time::Duration;

use sipvoice_sim::capture::{
    Capture, Direction, ReplayError, ReplayOptions, Role, choose_target, config_for, replay,
};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/capture");

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

fn open(path: &str) -> Capture {
    Capture::open(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_callee_of_the_sipp_call_is_chosen_with_its_media_port() {
    let c = open(&format!("{DATA}/sipp_g722_call_dtmf_sll2.pcapng"));
    let t = choose_target(&c, None).expect("an INVITE");
    assert_eq!(t.us, addr("127.0.0.1:5070"));
    assert_eq!(t.far, Some(addr("127.0.0.1:5071")));
    assert_eq!(t.call_id.as_deref(), Some("1-18208@127.0.0.1"));
    assert_eq!(
        t.media.iter().copied().collect::<Vec<_>>(),
        vec![addr("127.0.0.1:26000")]
    );
    assert_eq!(t.is_our_media(addr("127.0.0.1:26000")), Some(false));
    assert_eq!(t.is_our_media(addr("127.0.0.1:26001")), Some(true));
    assert_eq!(t.is_our_media(addr("127.0.0.1:16000")), None);

    let options = ReplayOptions {
        seed: 9,
        ..ReplayOptions::default()
    };
    let config = config_for(&t, &options);
    assert_eq!(config.local_sip_addr, addr("127.0.0.1:5070"));
    assert_eq!(config.local_rtp_ip, addr("127.0.0.1:0").ip());
    assert_eq!(config.rtp_port_start, 26000);
    assert!(config.rtp_port_end > 26000);
    assert_eq!(config.rng_seed, 9);
    // The captured callee answered 2.59 ms after the INVITE (tshark: 0.002590650 s).
    assert_eq!(t.answered_after, Some(Duration::from_nanos(2_590_650)));
    assert_eq!(config.answer_delay, Duration::from_nanos(2_590_650));
    let now = ReplayOptions {
        answer_like_capture: false,
        ..ReplayOptions::default()
    };
    assert_eq!(config_for(&t, &now).answer_delay, Duration::ZERO);
    config.validate().expect("a valid configuration");
}

#[test]
fn the_g722_capture_callee_is_the_side_that_answered() {
    let c = open(&format!("{SHARED}/testdata/captures/sip-rtp-g722.pcap"));
    let t = choose_target(&c, None).unwrap();
    assert_eq!(t.us, addr("10.0.2.15:5060"));
    assert_eq!(t.far, Some(addr("10.0.2.20:5060")));
    assert_eq!(
        t.media.iter().copied().collect::<Vec<_>>(),
        vec![addr("10.0.2.15:17472")]
    );
    assert_eq!(t.role, Role::Callee);
    // Naming the caller makes us the caller: we dial at the captured INVITE's time.
    let t = choose_target(&c, Some(addr("10.0.2.20:5060"))).unwrap();
    assert_eq!(t.role, Role::Caller);
    assert_eq!(t.far, Some(addr("10.0.2.15:5060")));
    assert_eq!(t.invite_at, Some(Duration::ZERO));
    assert_eq!(
        t.media.iter().copied().collect::<Vec<_>>(),
        vec![addr("10.0.2.20:6000")]
    );
}

#[test]
fn the_pbx_capture_picks_the_answered_invite_or_the_named_side() {
    let c = open(&format!("{SHARED}/testdata/captures/SIP_DTMF2.pcap"));
    // Three INVITEs: the first declined (603), then the phone's call through the PBX and
    // the PBX's INVITE to the callee, both answered.
    let t = choose_target(&c, None).unwrap();
    assert_eq!(t.us, addr("192.168.105.105:5060"));
    assert_eq!(t.far, Some(addr("192.168.105.110:5060")));
    let t = choose_target(&c, Some(addr("192.168.105.110:5060"))).unwrap();
    assert_eq!(t.far, Some(addr("192.168.105.105:5060")));
    assert_eq!(t.call_id.as_deref(), Some("25672@192.168.105.110"));
    assert!(t.media.contains(&addr("192.168.105.110:4376")));
    // An address that receives no INVITE is still a target, without a far end.
    let t = choose_target(&c, Some(addr("192.168.105.172:4376"))).unwrap();
    assert_eq!(t.far, None);
}

#[test]
fn a_capture_without_invite_needs_an_address() {
    let c = open(&format!("{SHARED}/peers/media/g722_8s.pcap"));
    assert!(choose_target(&c, None).is_none());
    assert!(matches!(
        replay(&c, &ReplayOptions::default()),
        Err(ReplayError::NoTarget)
    ));
}

#[test]
fn the_far_ends_requests_are_fed_in_captured_order_and_time() {
    let c = open(&format!("{DATA}/sipp_g722_call_dtmf_sll2.pcapng"));
    let report = replay(&c, &ReplayOptions::default()).unwrap();
    let far: Vec<_> = report
        .ladder
        .iter()
        .filter(|l| l.direction == Direction::FarToUs)
        .collect();
    assert!(far.len() >= 2, "{:#?}", report.ladder);
    assert!(
        far[0]
            .summary
            .starts_with("INVITE sip:service@127.0.0.1:5070 cseq=1")
    );
    assert_eq!(far[0].at, Duration::ZERO);
    assert_eq!(far[0].peer, addr("127.0.0.1:5071"));
    assert!(report.ladder.windows(2).all(|w| w[0].at <= w[1].at));
    // What we fed plus what we skipped covers every datagram the capture sent our side.
    let to_us = c
        .datagrams
        .iter()
        .filter(|d| d.dst == addr("127.0.0.1:5070") || d.dst == addr("127.0.0.1:26000"))
        .count() as u64;
    let skipped: u64 = report.skipped.iter().map(|s| s.count).sum();
    assert_eq!(report.fed + skipped, to_us);
    assert!(report.ended_at >= Duration::from_millis(9714));
    assert!(report.ended_at <= Duration::from_millis(9714) + ReplayOptions::default().linger);
}

#[test]
fn every_capture_and_every_damaged_copy_replays_to_a_report() {
    let paths = [
        format!("{SHARED}/testdata/captures/SIP_DTMF2.pcap"),
        format!("{SHARED}/testdata/captures/sip-rtp-g722.pcap"),
        format!("{DATA}/sipp_g722_call_dtmf_sll2.pcapng"),
    ];
    for path in &paths {
        let data = std::fs::read(path).unwrap();
        let whole = Capture::from_bytes(&data).unwrap();
        let report = replay(&whole, &ReplayOptions::default()).unwrap();
        assert!(report.fed > 0, "{path}");
        // Damage SIP text and RTP headers alike; each copy still ends in a report.
        let mut seed = 0x9e37_79b9u32;
        for round in 0..6 {
            let mut bad = whole.clone();
            for d in bad.datagrams.iter_mut() {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let mut bytes = d.payload.to_vec();
                if !bytes.is_empty() && seed % 3 == 0 {
                    let at = (seed >> 8) as usize % bytes.len();
                    bytes[at] = (seed >> 16) as u8;
                    if round % 2 == 1 {
                        bytes.truncate(at);
                    }
                }
                d.payload = bytes.into();
            }
            let options = ReplayOptions {
                linger: Duration::from_secs(5),
                ..ReplayOptions::default()
            };
            if let Ok(report) = replay(&bad, &options) {
                assert!(report.ended_at <= bad.duration() + options.linger);
            }
        }
    }
}
