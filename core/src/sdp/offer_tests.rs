//! Offerer tests: our offers and the answers to them.

use super::test_support::{config, from_peer, ip, parse};
use super::*;
use smallvec::smallvec;
use std::net::SocketAddr;

/// Our default offer applied to a peer answer with the given media lines.
fn applied(media: &str) -> Result<NegotiatedMedia, Refusal> {
    apply_answer(&build_offer(&config()), &from_peer(media), &config())
}

#[test]
fn default_offer_lists_all_codecs_in_preference_order_with_dtmf() {
    assert_eq!(
        build_offer(&config()).to_string(),
        "v=0\r\n\
         o=- 11 22 IN IP4 127.0.0.1\r\n\
         s=-\r\n\
         c=IN IP4 127.0.0.1\r\n\
         t=0 0\r\n\
         m=audio 20000 RTP/AVP 9 0 8 101\r\n\
         a=rtpmap:9 G722/8000\r\n\
         a=rtpmap:0 PCMU/8000\r\n\
         a=rtpmap:8 PCMA/8000\r\n\
         a=rtpmap:101 telephone-event/8000\r\n\
         a=fmtp:101 0-16\r\n\
         a=ptime:20\r\n\
         a=sendrecv\r\n"
    );
}

#[test]
fn offer_follows_supported_codecs_dtmf_and_ptime() {
    let cfg = MediaConfig {
        supported_codecs: Some(smallvec![8]),
        dtmf_payload_type: Some(96),
        ptime: 30,
        ..config()
    };
    let o = build_offer(&cfg);
    let m = &o.media[0];
    let formats: Vec<&str> = m.formats.iter().map(Text::as_str).collect();
    assert_eq!(formats, ["8", "96"]);
    assert_eq!(m.fmtp(96).map(|f| f.params.as_str()), Some("0-16"));
    assert_eq!(m.ptime(), Some(30));
}

#[test]
fn offer_without_dtmf_has_no_telephone_event() {
    let cfg = MediaConfig {
        dtmf_payload_type: None,
        ..config()
    };
    assert!(!build_offer(&cfg).to_string().contains("telephone-event"));
}

#[test]
fn offer_uses_an_ipv6_advertised_address() {
    let cfg = MediaConfig::new(ip("::1"), 20000, 1, 1);
    let text = build_offer(&cfg).to_string();
    assert!(text.contains("o=- 1 1 IN IP6 ::1\r\n"));
    assert!(text.contains("c=IN IP6 ::1\r\n"));
}

#[test]
fn reoffer_keeps_the_session_id_and_bumps_the_version() {
    let first = build_offer(&config());
    let hold = build_reoffer(&config(), &first.origin, Direction::SendOnly);
    assert_eq!(hold.origin.session_id, 11);
    assert_eq!(hold.origin.session_version, 23);
    assert_eq!(hold.media_direction(0), Direction::SendOnly);
}

#[test]
fn answer_choosing_one_of_our_codecs_is_applied() {
    let m = applied(
        "m=audio 16000 RTP/AVP 8 101\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15\na=ptime:30\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((m.codec, m.payload_type), (AudioCodec::Pcma, 8));
    assert_eq!(m.telephone_event, Some(101));
    assert_eq!(m.ptime, 30);
    assert_eq!(m.direction, Direction::SendRecv);
    assert_eq!(m.remote_rtp, SocketAddr::new(ip("127.0.0.1"), 16000));
    assert_eq!(m.remote_rtcp, SocketAddr::new(ip("127.0.0.1"), 16001));
}

#[test]
fn answer_picking_nothing_we_offered_is_an_error() {
    let cfg = MediaConfig {
        supported_codecs: Some(smallvec![0]),
        ..config()
    };
    let offer = build_offer(&cfg);
    let answer = from_peer("m=audio 16000 RTP/AVP 8 18\n");
    assert_eq!(
        apply_answer(&offer, &answer, &cfg),
        Err(Refusal::NoCommonCodec)
    );
}

#[test]
fn answer_rejecting_the_audio_stream_is_an_error() {
    assert_eq!(applied("m=audio 0 RTP/AVP 0\n"), Err(Refusal::NoAudio));
}

#[test]
fn answer_with_a_different_number_of_media_sections_is_an_error() {
    let answer = "m=audio 16000 RTP/AVP 0\nm=video 0 RTP/AVP 31\n";
    assert_eq!(applied(answer), Err(Refusal::MediaMismatch));
}

#[test]
fn answer_direction_sets_ours() {
    let m = applied("m=audio 16000 RTP/AVP 0\na=recvonly\n").map(|m| (m.direction, m.on_hold));
    assert_eq!(m, Ok((Direction::SendOnly, false)));
    let m = applied("m=audio 16000 RTP/AVP 0\na=inactive\n").map(|m| (m.direction, m.on_hold));
    assert_eq!(m, Ok((Direction::Inactive, true)));
}

#[test]
fn answer_with_an_unusable_address_is_an_error() {
    let offer = build_offer(&config());
    let answer = parse(
        "v=0\no=p 1 1 IN IP4 0.0.0.0\ns=-\nc=IN IP4 0.0.0.0\nt=0 0\nm=audio 16000 RTP/AVP 0\n",
    );
    assert_eq!(
        apply_answer(&offer, &answer, &config()),
        Err(Refusal::UnusableAddress(AddressProblem::Unspecified))
    );
    let held = apply_reanswer(&offer, &answer, &config()).map(|m| m.on_hold);
    assert_eq!(held, Ok(true));
}

#[test]
fn our_offer_answered_by_our_answerer_negotiates_the_same_media() {
    let alice = config();
    let bob = MediaConfig::new(ip("127.0.0.1"), 30000, 99, 1);
    let offer = build_offer(&alice);
    let answer = answer_offer(&offer, &bob).unwrap_or_else(|e| panic!("{e}"));
    let applied = apply_answer(&offer, &answer.sdp, &alice).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(applied.codec, answer.media.codec);
    assert_eq!(applied.telephone_event, Some(101));
    assert_eq!(applied.remote_rtp.port(), 30000);
    assert_eq!(answer.media.remote_rtp.port(), 20000);
}

#[test]
fn real_freeswitch_answer_is_applied() {
    // The 200 OK of testdata/captures/sip-rtp-g722.pcap, answering PT 9 with telephone-event.
    let fs = parse(
        "v=0\r\no=FreeSWITCH 1480155434 1480155435 IN IP4 10.0.2.15\r\ns=FreeSWITCH\r\nc=IN IP4 10.0.2.15\r\nt=0 0\r\nm=audio 17472 RTP/AVP 9 101\r\na=rtpmap:9 G722/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendonly\r\na=ptime:20\r\n",
    );
    let cfg = MediaConfig::new(ip("10.0.2.20"), 6000, 42, 42);
    let m = apply_answer(&build_offer(&cfg), &fs, &cfg).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (m.codec, m.payload_type, m.telephone_event),
        (AudioCodec::G722, 9, Some(101))
    );
    assert_eq!(m.remote_rtp, SocketAddr::new(ip("10.0.2.15"), 17472));
    assert_eq!(m.direction, Direction::RecvOnly);
    assert!(m.on_hold, "we offered sendrecv, the peer will not receive");
}

#[test]
fn answer_to_our_hold_offer_is_not_reported_as_remote_hold() {
    let first = build_offer(&config());
    let hold = build_reoffer(&config(), &first.origin, Direction::SendOnly);
    let answer = from_peer(
        "m=audio 16000 RTP/AVP 9
a=recvonly
",
    );
    let m = apply_reanswer(&hold, &answer, &config()).map(|m| (m.direction, m.on_hold));
    assert_eq!(m, Ok((Direction::SendOnly, false)));
}
