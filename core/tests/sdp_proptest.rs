//! Property tests: generated descriptions round-trip through print → parse → print, and
//! random or mutated bytes never make the parser or the offer/answer code panic.

mod support;

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use sipvoice_core::sdp::{
    Attribute, Common, Connection, Direction, Fmtp, MediaConfig, MediaDescription, Origin, Rtcp,
    RtpMap, SessionDescription, Text, Timing, answer_offer, answer_offer_bytes, answer_reoffer,
    apply_answer, apply_reanswer, build_offer,
};
use std::net::{IpAddr, Ipv4Addr};
use support::{Mutation, apply};

fn token() -> impl Strategy<Value = Text> {
    "[A-Za-z0-9+._-]{1,8}".prop_map(Text::from)
}

/// Free text as it survives a line: no CR/LF, no trailing whitespace.
fn free_text() -> impl Strategy<Value = Text> {
    "[ -~\u{e9}\u{4e2d}]{0,16}".prop_map(|s| Text::from(s.trim_end().to_owned()))
}

fn attr_name() -> impl Strategy<Value = Text> {
    "[a-z][a-z0-9-]{0,8}"
        .prop_filter("typed attribute names", |n| {
            ![
                "rtpmap", "fmtp", "ptime", "maxptime", "rtcp", "rtcp-mux", "sendrecv", "sendonly",
                "recvonly", "inactive",
            ]
            .contains(&n.as_str())
        })
        .prop_map(Text::from)
}

fn direction() -> impl Strategy<Value = Direction> {
    prop_oneof![
        Just(Direction::SendRecv),
        Just(Direction::SendOnly),
        Just(Direction::RecvOnly),
        Just(Direction::Inactive),
    ]
}

fn attribute() -> impl Strategy<Value = Attribute> {
    prop_oneof![
        (any::<u8>(), token(), any::<u32>(), option::of(token())).prop_map(
            |(payload_type, encoding, clock_rate, params)| {
                Attribute::RtpMap(RtpMap {
                    payload_type,
                    encoding,
                    clock_rate,
                    params,
                })
            }
        ),
        (any::<u8>(), free_text()).prop_map(|(payload_type, params)| Attribute::Fmtp(Fmtp {
            payload_type,
            params
        })),
        any::<u32>().prop_map(Attribute::Ptime),
        any::<u32>().prop_map(Attribute::MaxPtime),
        direction().prop_map(Attribute::Direction),
        (any::<u16>(), option::of((token(), token(), token())))
            .prop_map(|(port, address)| Attribute::Rtcp(Rtcp { port, address })),
        Just(Attribute::RtcpMux),
        (attr_name(), option::of(free_text()))
            .prop_map(|(name, value)| Attribute::Other { name, value }),
    ]
}

fn bandwidth() -> impl Strategy<Value = Text> {
    "[A-Z]{1,4}:[0-9]{1,6}".prop_map(Text::from)
}

fn common() -> impl Strategy<Value = Common> {
    (
        option::of(free_text()),
        vec(bandwidth(), 0..2),
        option::of(free_text()),
        vec(attribute(), 0..8),
    )
        .prop_map(|(info, bandwidths, key, attributes)| Common {
            info,
            bandwidths,
            key,
            attributes,
        })
}

fn connection() -> impl Strategy<Value = Connection> {
    (token(), token(), token()).prop_map(|(nettype, addrtype, address)| Connection {
        nettype,
        addrtype,
        address,
    })
}

fn media() -> impl Strategy<Value = MediaDescription> {
    (
        token(),
        any::<u16>(),
        option::of(any::<u16>()),
        "[A-Za-z0-9/]{1,10}",
        vec(token(), 0..6),
        vec(connection(), 0..2),
        common(),
    )
        .prop_map(
            |(media, port, port_count, proto, formats, connections, common)| MediaDescription {
                media,
                port,
                port_count,
                proto: Text::from(proto),
                formats: formats.into_iter().collect(),
                connections,
                common,
            },
        )
}

fn origin() -> impl Strategy<Value = Origin> {
    (
        token(),
        any::<u64>(),
        any::<u64>(),
        token(),
        token(),
        token(),
    )
        .prop_map(
            |(username, session_id, session_version, nettype, addrtype, address)| Origin {
                username,
                session_id,
                session_version,
                nettype,
                addrtype,
                address,
            },
        )
}

fn timing() -> impl Strategy<Value = Timing> {
    (any::<u64>(), any::<u64>(), vec(free_text(), 0..2)).prop_map(|(start, stop, repeats)| Timing {
        start,
        stop,
        repeats,
    })
}

prop_compose! {
    fn session()(
        origin in origin(),
        session_name in free_text(),
        uri in option::of(free_text()),
        emails in vec(free_text(), 0..2),
        phones in vec(free_text(), 0..2),
        connection in option::of(connection()),
        timings in vec(timing(), 1..3),
        zone in option::of(free_text()),
        common in common(),
        media in vec(media(), 0..4),
    ) -> SessionDescription {
        SessionDescription {
            origin, session_name, uri, emails, phones, connection, timings, zone, common, media,
        }
    }
}

fn config() -> MediaConfig {
    MediaConfig::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 20000, 1, 1)
}

/// Lines that look like SDP, with random numbers, to reach deep into the answerer.
fn sdp_like_line() -> impl Strategy<Value = String> {
    let pt = prop_oneof![
        Just(0u8),
        Just(8),
        Just(9),
        Just(18),
        Just(96),
        Just(101),
        any::<u8>()
    ];
    let ip = prop_oneof![
        Just("127.0.0.1"),
        Just("0.0.0.0"),
        Just("::1"),
        Just("224.0.0.1"),
        Just("255.255.255.255"),
        Just("10.0.0.1"),
        Just("fe80::1"),
        Just("host"),
    ];
    let valid = prop_oneof![
        (
            any::<u16>(),
            vec(pt.clone(), 0..5),
            prop_oneof![Just("RTP/AVP"), Just("RTP/SAVP")]
        )
            .prop_map(|(port, pts, proto)| {
                let list: Vec<String> = pts.iter().map(u8::to_string).collect();
                format!("m=audio {port} {proto} {}", list.join(" "))
            }),
        (any::<u16>(), pt.clone()).prop_map(|(port, p)| format!("m=video {port} RTP/AVP {p}")),
        (ip.clone(), prop_oneof![Just("IP4"), Just("IP6")])
            .prop_map(|(a, t)| format!("c=IN {t} {a}")),
        (
            pt.clone(),
            prop_oneof![
                Just("G722"),
                Just("PCMU"),
                Just("PCMA"),
                Just("telephone-event")
            ],
            prop_oneof![Just(8000u32), Just(16000), any::<u32>()]
        )
            .prop_map(|(p, e, c)| format!("a=rtpmap:{p} {e}/{c}")),
        pt.prop_map(|p| format!("a=fmtp:{p} 0-15")),
        any::<u32>().prop_map(|p| format!("a=ptime:{}", p % 100)),
        any::<u32>().prop_map(|p| format!("a=maxptime:{}", p % 100)),
        direction().prop_map(|d| format!("a={}", d.as_str())),
        any::<u16>().prop_map(|p| format!("a=rtcp:{p}")),
        Just("a=rtcp-mux".to_owned()),
        Just("m=audio 16000 RTP/AVP 0 8 9 101".to_owned()),
    ];
    // Rare garbage: one bad line makes the whole body malformed.
    prop_oneof![12 => valid, 1 => "[ -~]{0,12}"]
}

fn sdp_like_body() -> impl Strategy<Value = String> {
    (any::<bool>(), vec(sdp_like_line(), 0..14)).prop_map(|(audio_first, lines)| {
        let mut body = String::from(
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n",
        );
        if audio_first {
            body.push_str("m=audio 16000 RTP/AVP 0 8 9 101\r\n");
        }
        for l in lines {
            body.push_str(&l);
            body.push_str("\r\n");
        }
        body
    })
}

/// Everything the offer/answer code can do with a description; must not panic.
fn exercise(offer: &SessionDescription) {
    let cfg = config();
    if let Ok(a) = answer_offer(offer, &cfg) {
        assert_eq!(a.sdp.media.len(), offer.media.len());
        for (i, m) in a.sdp.media.iter().enumerate() {
            let expected = if i == a.media.media_index {
                cfg.rtp_port
            } else {
                0
            };
            assert_eq!(m.port, expected);
        }
        let chosen = offer
            .media
            .get(a.media.media_index)
            .map(|m| m.payload_types().any(|p| p == a.media.payload_type));
        assert_eq!(chosen, Some(true));
        let reparsed = SessionDescription::parse(a.sdp.to_bytes());
        assert_eq!(reparsed.as_ref(), Ok(&a.sdp));
        let _ = answer_reoffer(offer, &cfg, &a.sdp);
    }
    let ours = build_offer(&cfg);
    let _ = apply_answer(&ours, offer, &cfg);
    let _ = apply_reanswer(&ours, offer, &cfg);
}

/// If the bytes parse, the description prints to a canonical form that is stable.
fn check_stable(bytes: &[u8]) {
    if let Ok(d) = SessionDescription::parse_slice(bytes) {
        let once = d.to_bytes();
        let again = SessionDescription::parse(once.clone());
        let twice = again.as_ref().map(|d| d.to_bytes());
        assert_eq!(twice.as_ref(), Ok(&once));
        exercise(&d);
    }
}

const REAL: [&[u8]; 4] = [
    include_bytes!("data/sdp/sipp_uac_g722_call.sdp"),
    include_bytes!("data/sdp/baresip_1.0.0_invite.sdp"),
    include_bytes!("data/sdp/pcap_sip-rtp-g722_invite.sdp"),
    include_bytes!("data/sdp/pcap_sip_dtmf2_200ok_offer.sdp"),
];

fn mutation() -> impl Strategy<Value = Mutation> {
    support::mutation(vec(any::<u8>(), 1..8), 1..16)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn generated_descriptions_round_trip(d in session()) {
        let first = d.to_bytes();
        let parsed = SessionDescription::parse(first.clone());
        prop_assert_eq!(parsed.as_ref(), Ok(&d));
        let second = parsed.map(|p| p.to_bytes());
        prop_assert_eq!(second, Ok(first));
    }

    #[test]
    fn generated_descriptions_never_panic_the_answerer(d in session()) {
        exercise(&d);
    }

    #[test]
    fn random_bytes_never_panic(bytes in vec(any::<u8>(), 0..512)) {
        check_stable(&bytes);
        let _ = answer_offer_bytes(&bytes, &config());
    }

    #[test]
    fn sdp_like_bodies_never_panic_and_are_stable(body in sdp_like_body()) {
        check_stable(body.as_bytes());
        let _ = answer_offer_bytes(body.as_bytes(), &config());
    }

    #[test]
    fn mutated_real_offers_never_panic_and_are_stable(
        which in 0usize..REAL.len(),
        muts in vec(mutation(), 1..6),
    ) {
        let base = REAL.get(which).copied().unwrap_or_default();
        let bytes = apply(base.to_vec(), &muts);
        check_stable(&bytes);
        let _ = answer_offer_bytes(&bytes, &config());
    }
}

/// The SDP-like generator must reach the answerer's accepting path, or the
/// no-panic property above would only ever test refusals.
#[test]
fn sdp_like_generator_reaches_accepted_answers() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = sdp_like_body();
    let mut accepted = 0;
    let mut refused = 0;
    for _ in 0..400 {
        let Ok(tree) = strategy.new_tree(&mut runner) else {
            continue;
        };
        match answer_offer_bytes(tree.current().as_bytes(), &config()) {
            Ok(_) => accepted += 1,
            Err(_) => refused += 1,
        }
    }
    assert!(accepted >= 40, "accepted {accepted}, refused {refused}");
    assert!(refused >= 40, "accepted {accepted}, refused {refused}");
}
