//! Answerer tests: one behaviour per test.

use super::test_support::{TYPICAL, answer, config, from_peer, ip, refusal};
use super::*;
use smallvec::smallvec;
use std::net::SocketAddr;

#[test]
fn codec_is_chosen_by_our_preference_not_the_offer_order() {
    let a = answer("m=audio 16000 RTP/AVP 8 0 9\n");
    assert_eq!(a.media.codec, AudioCodec::G722);
    assert_eq!(a.media.payload_type, 9);
    assert_eq!(a.media.encoding_name, "G722");
    assert_eq!(a.media.clock_rate, 8000);
}

#[test]
fn supported_codecs_restrict_the_choice() {
    let cfg = MediaConfig {
        supported_codecs: Some(smallvec![0, 8]),
        ..config()
    };
    let a = answer_offer(&from_peer("m=audio 16000 RTP/AVP 9 8 0\n"), &cfg);
    assert_eq!(a.map(|a| a.media.codec), Ok(AudioCodec::Pcmu));
}

#[test]
fn static_payload_types_match_without_rtpmap() {
    let a = answer("m=audio 16000 RTP/AVP 8\n");
    assert_eq!((a.media.codec, a.media.payload_type), (AudioCodec::Pcma, 8));
}

#[test]
fn static_payload_types_match_with_rtpmap() {
    let a = answer("m=audio 16000 RTP/AVP 0\na=rtpmap:0 PCMU/8000\n");
    assert_eq!((a.media.codec, a.media.payload_type), (AudioCodec::Pcmu, 0));
}

#[test]
fn dynamic_payload_type_matches_by_rtpmap_and_is_kept_in_the_answer() {
    let a = answer("m=audio 16000 RTP/AVP 98 0\na=rtpmap:98 G722/8000\n");
    assert_eq!(
        (a.media.codec, a.media.payload_type),
        (AudioCodec::G722, 98)
    );
    let m = &a.sdp.media[0];
    assert_eq!(m.formats.first().map(Text::as_str), Some("98"));
    assert_eq!(m.rtpmap(98).map(|r| r.encoding.as_str()), Some("G722"));
}

#[test]
fn rtpmap_name_match_is_case_insensitive() {
    let a = answer("m=audio 16000 RTP/AVP 97\na=rtpmap:97 pcma/8000\n");
    assert_eq!(
        (a.media.codec, a.media.payload_type),
        (AudioCodec::Pcma, 97)
    );
}

#[test]
fn rtpmap_overrides_the_static_meaning_of_a_payload_type() {
    // PT 9 remapped to something else is not G.722.
    let a = answer("m=audio 16000 RTP/AVP 9 0\na=rtpmap:9 opus/48000/2\n");
    assert_eq!(a.media.codec, AudioCodec::Pcmu);
}

#[test]
fn wrong_clock_rate_or_stereo_does_not_match() {
    let r = refusal(
        "m=audio 16000 RTP/AVP 96 97\na=rtpmap:96 G722/16000\na=rtpmap:97 PCMU/8000/2\n",
        &config(),
    );
    assert_eq!(r, Refusal::NoCommonCodec);
}

#[test]
fn answer_lists_only_the_chosen_codec_and_telephone_event() {
    let a = answer(TYPICAL);
    let m = &a.sdp.media[0];
    let formats: Vec<&str> = m.formats.iter().map(Text::as_str).collect();
    assert_eq!(formats, ["9", "101"]);
}

#[test]
fn telephone_event_payload_type_and_fmtp_are_mirrored() {
    let a =
        answer("m=audio 16000 RTP/AVP 8 96\na=rtpmap:96 telephone-event/8000\na=fmtp:96 0-15\n");
    assert_eq!(a.media.telephone_event, Some(96));
    assert_eq!(
        a.media.telephone_event_fmtp.as_ref().map(Text::as_str),
        Some("0-15")
    );
    let m = &a.sdp.media[0];
    assert_eq!(
        m.rtpmap(96).map(|r| r.encoding.as_str()),
        Some("telephone-event")
    );
    assert_eq!(m.fmtp(96).map(|f| f.params.as_str()), Some("0-15"));
    assert!(m.rtpmap(101).is_none());
}

#[test]
fn no_telephone_event_in_the_answer_when_the_offer_has_none() {
    let a = answer("m=audio 16000 RTP/AVP 0\n");
    assert_eq!(a.media.telephone_event, None);
    assert!(!a.sdp.to_string().contains("telephone-event"));
}

#[test]
fn telephone_event_without_fmtp_is_answered_without_fmtp() {
    let a = answer("m=audio 16000 RTP/AVP 0 100\na=rtpmap:100 telephone-event/8000\n");
    assert_eq!(a.media.telephone_event, Some(100));
    assert!(a.sdp.media[0].fmtp(100).is_none());
}

#[test]
fn telephone_event_at_another_clock_rate_is_not_used() {
    let a = answer("m=audio 16000 RTP/AVP 0 100\na=rtpmap:100 telephone-event/48000\n");
    assert_eq!(a.media.telephone_event, None);
}

#[test]
fn telephone_event_is_dropped_when_dtmf_is_disabled() {
    let cfg = MediaConfig {
        dtmf_payload_type: None,
        ..config()
    };
    let a = answer_offer(&from_peer(TYPICAL), &cfg).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.media.telephone_event, None);
    assert!(!a.sdp.to_string().contains("telephone-event"));
}

#[test]
fn offered_ptime_we_can_do_is_honoured() {
    let a = answer("m=audio 16000 RTP/AVP 8\na=ptime:30\n");
    assert_eq!(a.media.ptime, 30);
    assert_eq!(a.sdp.media[0].ptime(), Some(30));
}

#[test]
fn offered_ptime_we_cannot_do_falls_back_to_ours() {
    assert_eq!(
        answer("m=audio 16000 RTP/AVP 8\na=ptime:25\n").media.ptime,
        20
    );
    assert_eq!(answer("m=audio 16000 RTP/AVP 8\n").media.ptime, 20);
}

#[test]
fn session_level_ptime_is_honoured() {
    let a = answer_offer(
        &SessionDescription::parse_slice(
            b"v=0\no=p 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\na=ptime:40\nm=audio 16000 RTP/AVP 0\n",
        )
        .unwrap_or_else(|e| panic!("{e}")),
        &config(),
    );
    assert_eq!(a.map(|a| a.media.ptime), Ok(40));
}

#[test]
fn maxptime_below_our_ptime_lowers_it() {
    let a = answer("m=audio 16000 RTP/AVP 0\na=maxptime:10\n");
    assert_eq!(a.media.ptime, 10);
}

#[test]
fn direction_is_mirrored() {
    let cases = [
        ("sendrecv", Direction::SendRecv, false),
        ("sendonly", Direction::RecvOnly, true),
        ("recvonly", Direction::SendOnly, false),
        ("inactive", Direction::Inactive, true),
    ];
    for (offered, ours, hold) in cases {
        let a = answer(&format!("m=audio 16000 RTP/AVP 0\na={offered}\n"));
        assert_eq!(a.media.direction, ours, "{offered}");
        assert_eq!(a.media.on_hold, hold, "{offered}");
        assert_eq!(a.sdp.media_direction(0), ours, "{offered}");
    }
}

#[test]
fn absent_direction_is_answered_with_explicit_sendrecv() {
    let a = answer("m=audio 16000 RTP/AVP 0\n");
    assert!(a.sdp.to_string().contains("a=sendrecv\r\n"));
}

#[test]
fn extra_media_lines_are_rejected_with_port_zero_in_order() {
    let a = answer(
        "m=video 5000 RTP/AVP 96\na=rtpmap:96 H264/90000\nm=audio 16000 RTP/AVP 0\nm=audio 16002 RTP/AVP 8\nm=application 5002 UDP/BFCP *\n",
    );
    assert_eq!(a.media.media_index, 1);
    let lines: Vec<String> = a.sdp.media.iter().map(|m| m.to_string()).collect();
    assert_eq!(lines[0], "m=video 0 RTP/AVP 96\r\n");
    assert!(lines[1].starts_with("m=audio 20000 RTP/AVP 0\r\n"));
    assert_eq!(lines[2], "m=audio 0 RTP/AVP 8\r\n");
    assert_eq!(lines[3], "m=application 0 UDP/BFCP *\r\n");
}

#[test]
fn origin_and_connection_use_the_advertised_ipv4_address() {
    let a = answer(TYPICAL);
    assert_eq!(a.sdp.origin.address, "127.0.0.1");
    assert_eq!(a.sdp.origin.addrtype, "IP4");
    assert_eq!(
        (a.sdp.origin.session_id, a.sdp.origin.session_version),
        (11, 22)
    );
    let c = a.sdp.connection.clone();
    assert_eq!(c.and_then(|c| c.ip()), Some(ip("127.0.0.1")));
}

#[test]
fn origin_and_connection_use_the_advertised_ipv6_address() {
    let cfg = MediaConfig::new(ip("2001:db8::5"), 20000, 1, 1);
    let o = SessionDescription::parse_slice(
        b"v=0\no=p 1 1 IN IP6 2001:db8::7\ns=-\nc=IN IP6 2001:db8::7\nt=0 0\nm=audio 16000 RTP/AVP 0\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let a = answer_offer(&o, &cfg).unwrap_or_else(|e| panic!("{e}"));
    let text = a.sdp.to_string();
    assert!(text.contains("o=- 1 1 IN IP6 2001:db8::5\r\n"), "{text}");
    assert!(text.contains("c=IN IP6 2001:db8::5\r\n"), "{text}");
    assert_eq!(
        a.media.remote_rtp,
        SocketAddr::new(ip("2001:db8::7"), 16000)
    );
}

#[test]
fn session_name_and_origin_user_come_from_the_config() {
    let cfg = MediaConfig {
        session_name: Text::from("sipvoice"),
        origin_username: Text::from("voice"),
        ..config()
    };
    let a = answer_offer(&from_peer(TYPICAL), &cfg).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.sdp.session_name, "sipvoice");
    assert_eq!(a.sdp.origin.username, "voice");
}

#[test]
fn timing_is_copied_from_the_offer() {
    let o = SessionDescription::parse_slice(
        b"v=0\no=p 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=3034423619 0\nm=audio 16000 RTP/AVP 0\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let a = answer_offer(&o, &config()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.sdp.timings, o.timings);
}

#[test]
fn rtcp_mux_is_answered_and_reported_when_offered() {
    let a = answer("m=audio 16000 RTP/AVP 0\na=rtcp-mux\n");
    assert!(a.media.rtcp_mux);
    assert!(a.sdp.media[0].rtcp_mux());
    assert_eq!(a.media.remote_rtcp, a.media.remote_rtp);
}

#[test]
fn rtcp_mux_is_not_answered_when_not_offered_or_disabled() {
    let a = answer("m=audio 16000 RTP/AVP 0\n");
    assert!(!a.media.rtcp_mux);
    assert!(!a.sdp.media[0].rtcp_mux());
    let cfg = MediaConfig {
        rtcp_mux: false,
        ..config()
    };
    let b = answer_offer(&from_peer("m=audio 16000 RTP/AVP 0\na=rtcp-mux\n"), &cfg);
    assert_eq!(b.map(|b| b.media.rtcp_mux), Ok(false));
}

#[test]
fn remote_rtp_comes_from_the_media_port_and_connection() {
    let a = answer("m=audio 16000 RTP/AVP 0\nc=IN IP4 127.0.0.2\n");
    assert_eq!(a.media.remote_rtp, SocketAddr::new(ip("127.0.0.2"), 16000));
}

#[test]
fn remote_rtcp_defaults_to_rtp_port_plus_one() {
    let a = answer("m=audio 16000 RTP/AVP 0\n");
    assert_eq!(a.media.remote_rtcp, SocketAddr::new(ip("127.0.0.1"), 16001));
}

#[test]
fn remote_rtcp_follows_the_rtcp_attribute() {
    let a = answer("m=audio 16000 RTP/AVP 0\na=rtcp:17005\n");
    assert_eq!(a.media.remote_rtcp, SocketAddr::new(ip("127.0.0.1"), 17005));
    let b = answer("m=audio 16000 RTP/AVP 0\na=rtcp:17005 IN IP4 127.0.0.9\n");
    assert_eq!(b.media.remote_rtcp, SocketAddr::new(ip("127.0.0.9"), 17005));
}

#[test]
fn offer_without_timing_is_answered_with_t_0_0() {
    let o = SessionDescription::parse_slice(
        b"v=0\no=p 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nm=audio 16000 RTP/AVP 0\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let a = answer_offer(&o, &config()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.sdp.timings, [Timing::default()]);
    assert_eq!(
        SessionDescription::parse(a.sdp.to_bytes()).as_ref(),
        Ok(&a.sdp)
    );
}

#[test]
fn unsafe_session_name_and_user_are_replaced_by_a_dash() {
    let cfg = MediaConfig {
        session_name: Text::from("x\r\nm=video 5 RTP/AVP 31"),
        origin_username: Text::from("two words"),
        ..config()
    };
    let a = answer_offer(&from_peer(TYPICAL), &cfg).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.sdp.session_name, "-");
    assert_eq!(a.sdp.origin.username, "-");
    assert_eq!(
        SessionDescription::parse(a.sdp.to_bytes()).as_ref(),
        Ok(&a.sdp)
    );
}
