//! Parser and printer tests.

use super::*;
use bytes::Bytes;
use std::net::IpAddr;

fn parse(s: &str) -> SessionDescription {
    match SessionDescription::parse_slice(s.as_bytes()) {
        Ok(d) => d,
        Err(e) => panic!("{e} in {s:?}"),
    }
}

fn kind(s: &str) -> SdpErrorKind {
    match SessionDescription::parse_slice(s.as_bytes()) {
        Ok(d) => panic!("parsed: {d}"),
        Err(e) => e.kind,
    }
}

const FULL: &str = "v=0\r\n\
o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5\r\n\
s=SDP Seminar\r\n\
i=A Seminar on the session description protocol\r\n\
u=http://www.example.com/seminars/sdp.pdf\r\n\
e=j.doe@example.com (Jane Doe)\r\n\
p=+1 617 555-6011\r\n\
c=IN IP4 224.2.17.12/127\r\n\
b=CT:128\r\n\
t=2873397496 2873404696\r\n\
r=7d 1h 0 25h\r\n\
z=2882844526 -1h 2898848070 0\r\n\
k=prompt\r\n\
a=recvonly\r\n\
a=tool:sdpgen 1.0\r\n\
m=audio 49170/2 RTP/AVP 0 97\r\n\
i=voice\r\n\
c=IN IP4 10.47.16.9\r\n\
b=AS:64\r\n\
a=rtpmap:97 L16/16000/2\r\n\
a=fmtp:97 emphasis=50-15\r\n\
a=ptime:30\r\n\
a=maxptime:60\r\n\
a=rtcp:53020 IN IP4 126.16.64.4\r\n\
a=rtcp-mux\r\n\
a=x-custom\r\n\
m=application 9 UDP/BFCP *\r\n\
a=floorctrl:c-only\r\n";

const MINIMAL: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

#[test]
fn full_description_prints_back_identically() {
    let d = parse(FULL);
    assert_eq!(d.to_string(), FULL);
    assert_eq!(d.to_bytes(), Bytes::from_static(FULL.as_bytes()));
}

#[test]
fn session_level_fields_are_kept() {
    let d = parse(FULL);
    assert_eq!(d.origin.username, "jdoe");
    assert_eq!(d.origin.session_id, 2890844526);
    assert_eq!(d.origin.session_version, 2890842807);
    assert_eq!(d.session_name, "SDP Seminar");
    assert_eq!(
        d.common.info.as_ref().map(Text::as_str),
        Some("A Seminar on the session description protocol")
    );
    assert_eq!(d.emails.len(), 1);
    assert_eq!(d.phones.len(), 1);
    assert_eq!(d.common.bandwidths[0], "CT:128");
    assert_eq!(d.timings[0].repeats[0], "7d 1h 0 25h");
    assert_eq!(
        d.zone.as_ref().map(Text::as_str),
        Some("2882844526 -1h 2898848070 0")
    );
    assert_eq!(d.common.key.as_ref().map(Text::as_str), Some("prompt"));
    assert_eq!(d.common.direction(), Some(Direction::RecvOnly));
}

#[test]
fn media_level_connection_overrides_session_level() {
    let d = parse(FULL);
    let ip: IpAddr = "10.47.16.9".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
    assert_eq!(d.media_connection(0).and_then(Connection::ip), Some(ip));
    // The application section has no c= of its own: the session's applies.
    assert_eq!(
        d.media_connection(1).map(|c| c.address.as_str()),
        Some("224.2.17.12/127")
    );
}

#[test]
fn typed_attributes_are_parsed() {
    let d = parse(FULL);
    let m = &d.media[0];
    let map = m.rtpmap(97).cloned();
    assert_eq!(map.as_ref().map(|m| m.encoding.as_str()), Some("L16"));
    assert_eq!(map.as_ref().map(|m| m.clock_rate), Some(16000));
    assert_eq!(
        map.and_then(|m| m.params).as_ref().map(Text::as_str),
        Some("2")
    );
    assert_eq!(
        m.fmtp(97).map(|f| f.params.as_str()),
        Some("emphasis=50-15")
    );
    assert_eq!(m.ptime(), Some(30));
    assert_eq!(m.max_ptime(), Some(60));
    let rtcp = m.rtcp().cloned();
    assert_eq!(rtcp.as_ref().map(|r| r.port), Some(53020));
    assert_eq!(
        rtcp.and_then(|r| r.address)
            .map(|a| a.2.to_string())
            .as_deref(),
        Some("126.16.64.4")
    );
    assert!(m.rtcp_mux());
    assert_eq!(m.port_count, Some(2));
    assert_eq!(m.payload_types().collect::<Vec<_>>(), [0, 97]);
}

#[test]
fn direction_attributes_are_typed() {
    for (name, dir) in [
        ("sendrecv", Direction::SendRecv),
        ("sendonly", Direction::SendOnly),
        ("recvonly", Direction::RecvOnly),
        ("inactive", Direction::Inactive),
    ] {
        let d = parse(&format!("{MINIMAL}a={name}\r\n"));
        assert_eq!(d.media_direction(0), dir);
    }
}

#[test]
fn direction_defaults_to_session_level_then_sendrecv() {
    let d = parse(MINIMAL);
    assert_eq!(d.media_direction(0), Direction::SendRecv);
    let with_session = MINIMAL.replace("t=0 0\r\n", "t=0 0\r\na=inactive\r\n");
    assert_eq!(parse(&with_session).media_direction(0), Direction::Inactive);
}

#[test]
fn unknown_attributes_are_kept_in_order() {
    let d = parse(&format!(
        "{MINIMAL}a=zeta:1\r\na=ptime:20\r\na=alpha\r\na=mid:audio:x\r\n"
    ));
    let attrs = &d.media[0].common.attributes;
    assert_eq!(
        attrs[0],
        Attribute::other("zeta", Some(Text::from_static("1")))
    );
    assert_eq!(attrs[1], Attribute::Ptime(20));
    assert_eq!(attrs[2], Attribute::other("alpha", None));
    assert_eq!(
        attrs[3],
        Attribute::other("mid", Some(Text::from_static("audio:x")))
    );
    assert!(
        d.to_string()
            .ends_with("a=zeta:1\r\na=ptime:20\r\na=alpha\r\na=mid:audio:x\r\n")
    );
}

#[test]
fn lf_only_line_endings_are_accepted_and_printed_as_crlf() {
    let lf = MINIMAL.replace("\r\n", "\n");
    let d = parse(&lf);
    assert_eq!(d.to_string(), MINIMAL);
}

#[test]
fn trailing_whitespace_and_blank_lines_are_tolerated() {
    let messy = MINIMAL.replace("\r\n", " \t\r\n") + "\r\n\r\n";
    assert_eq!(parse(&messy).to_string(), MINIMAL);
}

#[test]
fn session_lines_out_of_order_are_printed_in_canonical_order() {
    let shuffled =
        "v=0\nc=IN IP4 127.0.0.1\nt=0 0\ns=-\no=- 1 2 IN IP4 127.0.0.1\nm=audio 4000 RTP/AVP 0\n";
    assert_eq!(parse(shuffled).to_string(), MINIMAL);
}

#[test]
fn missing_session_name_and_timing_get_defaults() {
    let d = parse(
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\n",
    );
    assert_eq!(d.session_name, "-");
    assert!(d.timings.is_empty());
    assert_eq!(d.to_string(), MINIMAL);
}

#[test]
fn fields_are_slices_of_the_input_buffer() {
    let body = Bytes::from(MINIMAL.to_owned());
    let d = SessionDescription::parse(body.clone()).unwrap_or_else(|e| panic!("{e}"));
    let range = body.as_ptr() as usize..body.as_ptr() as usize + body.len();
    assert!(range.contains(&(d.media[0].proto.as_bytes().as_ptr() as usize)));
    assert!(range.contains(&(d.origin.address.as_bytes().as_ptr() as usize)));
}

#[test]
fn non_rtp_formats_are_kept() {
    let d = parse(FULL);
    assert_eq!(d.media[1].formats.as_slice(), [Text::from_static("*")]);
    assert_eq!(d.media[1].payload_types().count(), 0);
}

#[test]
fn fmtp_without_parameters_is_tolerated() {
    let d = parse(&format!("{MINIMAL}a=fmtp:0\r\n"));
    assert_eq!(d.media[0].fmtp(0).map(|f| f.params.is_empty()), Some(true));
    assert!(d.to_string().ends_with("a=fmtp:0\r\n"));
}

#[test]
fn connection_ip_checks_type_and_ignores_ttl() {
    let c = |t: &'static str, a: &'static str| Connection {
        nettype: Text::from_static("IN"),
        addrtype: Text::from_static(t),
        address: Text::from_static(a),
    };
    assert_eq!(c("IP4", "224.2.1.1/127/3").ip(), "224.2.1.1".parse().ok());
    assert_eq!(c("IP6", "::1").ip(), "::1".parse().ok());
    assert_eq!(c("IP6", "127.0.0.1").ip(), None);
    assert_eq!(c("IP4", "host.example.com").ip(), None);
    let atm = Connection {
        nettype: Text::from_static("ATM"),
        ..c("IP4", "127.0.0.1")
    };
    assert_eq!(atm.ip(), None);
}

#[test]
fn origin_next_version_increments_only_the_version() {
    let d = parse(MINIMAL);
    let next = d.origin.next_version();
    assert_eq!(next.session_id, 1);
    assert_eq!(next.session_version, 3);
    assert_eq!(next.address, d.origin.address);
}

#[test]
fn empty_body_is_an_error() {
    assert_eq!(kind(""), SdpErrorKind::Empty);
    assert_eq!(kind("\r\n \r\n"), SdpErrorKind::Empty);
}

#[test]
fn first_line_must_be_version_zero() {
    assert_eq!(
        kind("o=- 1 2 IN IP4 127.0.0.1\r\nv=0\r\n"),
        SdpErrorKind::MissingVersion
    );
    assert_eq!(
        kind("v=1\r\no=- 1 2 IN IP4 127.0.0.1\r\n"),
        SdpErrorKind::UnsupportedVersion
    );
}

#[test]
fn origin_is_required_and_checked() {
    assert_eq!(kind("v=0\r\ns=-\r\n"), SdpErrorKind::MissingOrigin);
    assert_eq!(
        kind("v=0\r\no=- x 2 IN IP4 127.0.0.1\r\n"),
        SdpErrorKind::BadOrigin
    );
    assert_eq!(kind("v=0\r\no=- 1 2 IN IP4\r\n"), SdpErrorKind::BadOrigin);
    assert_eq!(
        kind("v=0\r\no=- 99999999999999999999999 2 IN IP4 127.0.0.1\r\n"),
        SdpErrorKind::BadOrigin
    );
}

#[test]
fn malformed_lines_are_errors_with_line_numbers() {
    let e = SessionDescription::parse_slice(b"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\nnonsense\r\n");
    assert_eq!(
        e.map_err(|e| (e.line, e.kind)),
        Err((3, SdpErrorKind::BadLine))
    );
    assert_eq!(
        kind(&format!("{MINIMAL}x=1\r\n")),
        SdpErrorKind::UnknownType
    );
    assert_eq!(kind(&format!("{MINIMAL}=1\r\n")), SdpErrorKind::BadLine);
}

#[test]
fn session_lines_inside_media_are_misplaced() {
    assert_eq!(
        kind(&format!("{MINIMAL}o=- 1 2 IN IP4 127.0.0.1\r\n")),
        SdpErrorKind::Misplaced
    );
    assert_eq!(
        kind(&format!("{MINIMAL}t=0 0\r\n")),
        SdpErrorKind::Misplaced
    );
}

#[test]
fn single_valued_lines_may_not_repeat() {
    assert_eq!(
        kind(&MINIMAL.replace("s=-\r\n", "s=-\r\ns=x\r\n")),
        SdpErrorKind::Duplicate
    );
    assert_eq!(
        kind(&MINIMAL.replace("s=-\r\n", "s=-\r\nv=0\r\n")),
        SdpErrorKind::Duplicate
    );
}

#[test]
fn malformed_media_lines_are_errors() {
    for m in [
        "m=audio",
        "m=audio 70000 RTP/AVP 0",
        "m=audio x RTP/AVP 0",
        "m=audio 4000",
        "m=audio 4000/x RTP/AVP 0",
        "m=audio 4000 RTP/AVP  0",
    ] {
        let body = MINIMAL.replace("m=audio 4000 RTP/AVP 0", m);
        assert_eq!(kind(&body), SdpErrorKind::BadMedia, "{m}");
    }
}

#[test]
fn malformed_typed_attributes_are_errors() {
    let cases = [
        ("a=rtpmap:x PCMU/8000", SdpErrorKind::BadRtpmap),
        ("a=rtpmap:0 PCMU", SdpErrorKind::BadRtpmap),
        ("a=rtpmap:300 PCMU/8000", SdpErrorKind::BadRtpmap),
        ("a=rtpmap:0 PCMU/abc", SdpErrorKind::BadRtpmap),
        ("a=fmtp:abc 0-15", SdpErrorKind::BadFmtp),
        ("a=ptime:twenty", SdpErrorKind::BadPtime),
        ("a=maxptime:", SdpErrorKind::BadPtime),
        ("a=rtcp:port", SdpErrorKind::BadRtcp),
        ("a=rtcp:5000 IN IP4", SdpErrorKind::BadRtcp),
        ("a=", SdpErrorKind::BadAttribute),
        ("a=bad name:1", SdpErrorKind::BadAttribute),
    ];
    for (line, k) in cases {
        assert_eq!(kind(&format!("{MINIMAL}{line}\r\n")), k, "{line}");
    }
}

#[test]
fn malformed_connection_timing_and_bandwidth_are_errors() {
    let cases = [
        (
            "c=IN IP4 127.0.0.1",
            "c=IN IP4",
            SdpErrorKind::BadConnection,
        ),
        ("t=0 0", "t=0", SdpErrorKind::BadTiming),
        ("t=0 0", "t=now 0", SdpErrorKind::BadTiming),
        ("t=0 0", "t=0 0\r\nb=64", SdpErrorKind::BadBandwidth),
        ("t=0 0", "r=1d 1h 0", SdpErrorKind::RepeatWithoutTiming),
    ];
    for (line, replacement, k) in cases {
        assert_eq!(
            kind(&MINIMAL.replace(line, replacement)),
            k,
            "{replacement}"
        );
    }
}

#[test]
fn non_utf8_and_oversized_bodies_are_errors() {
    let mut bad = MINIMAL.as_bytes().to_vec();
    bad.extend_from_slice(b"a=x:\xff\xfe\r\n");
    assert_eq!(
        SessionDescription::parse_slice(&bad).map_err(|e| e.kind),
        Err(SdpErrorKind::NotUtf8)
    );
    let huge = vec![b'a'; MAX_SDP_LEN + 1];
    assert_eq!(
        SessionDescription::parse_slice(&huge).map_err(|e| e.kind),
        Err(SdpErrorKind::TooLarge)
    );
}

#[test]
fn too_many_media_sections_is_an_error() {
    let mut body = String::from(MINIMAL);
    for _ in 0..MAX_MEDIA {
        body.push_str("m=video 0 RTP/AVP 31\r\n");
    }
    assert_eq!(kind(&body), SdpErrorKind::TooMany);
}

#[test]
fn non_canonical_real_answer_is_stable_after_one_print() {
    // FreeSWITCH's answer in sip-rtp-g722.pcap puts a=ptime after a=sendonly.
    let fs = "v=0\r\no=FreeSWITCH 1480155434 1480155435 IN IP4 10.0.2.15\r\ns=FreeSWITCH\r\nc=IN IP4 10.0.2.15\r\nt=0 0\r\nm=audio 17472 RTP/AVP 9 101\r\na=rtpmap:9 G722/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendonly\r\na=ptime:20\r\n";
    let once = parse(fs).to_string();
    assert_eq!(once, fs);
    assert_eq!(parse(&once).to_string(), once);
}

#[test]
fn printed_bytes_match_the_text_on_both_sides_of_the_stack_buffer() {
    // Descriptions printed to just under, at and just over the stack buffer's size, and
    // far over it: to_bytes, write_to and Display give the same text, which parses back.
    let base = MINIMAL.len() + "a=x:\r\n".len();
    for total in [1000, 1023, 1024, 1025, 1100, 5000] {
        let text = format!("{MINIMAL}a=x:{}\r\n", "y".repeat(total - base));
        let d = parse(&text);
        assert_eq!(d.to_string(), text);
        assert_eq!(d.to_bytes(), Bytes::from(text.clone()));
        let mut out = b"prefix".to_vec();
        d.write_to(&mut out);
        assert_eq!(out.get(6..), Some(text.as_bytes()));
    }
}
