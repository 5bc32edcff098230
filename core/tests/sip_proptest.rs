//! Property tests: generated messages round-trip through print → parse → print, and no
//! input (random bytes, SIP-like text, mutated torture messages) makes the parser panic.

mod support;

use bytes::Bytes;
use proptest::prelude::*;
use sipvoice_core::sip::{self, HeaderName, Message, Method, Request, Response, StatusCode, Uri};
use support::{Mutation, apply};

fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9.!%*_+`'~-]{1,12}"
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,8}(\\.[a-z]{2,5}){0,2}",
        (any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>())
            .prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}")),
        any::<[u16; 8]>().prop_map(|s| format!("[{}]", std::net::Ipv6Addr::from(s))),
    ]
}

fn user() -> impl Strategy<Value = String> {
    "([a-zA-Z0-9._~+-]|%[0-9A-F]{2}){1,10}"
}

fn uri() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("sip"), Just("sips")],
        proptest::option::of(user()),
        host(),
        proptest::option::of(1u16..),
        proptest::collection::vec(
            (("[a-z]{1,6}"), proptest::option::of("[a-zA-Z0-9._-]{1,6}")),
            0..3,
        ),
    )
        .prop_map(|(scheme, user, host, port, params)| {
            let mut s = format!("{scheme}:");
            if let Some(u) = user {
                s.push_str(&u);
                s.push('@');
            }
            s.push_str(&host);
            if let Some(p) = port {
                s.push_str(&format!(":{p}"));
            }
            for (n, v) in params {
                s.push(';');
                s.push_str(&n);
                if let Some(v) = v {
                    s.push('=');
                    s.push_str(&v);
                }
            }
            s
        })
}

fn text() -> impl Strategy<Value = String> {
    "\\PC{0,24}".prop_map(|s| s.trim().to_owned())
}

fn name_addr() -> impl Strategy<Value = (Option<String>, String)> {
    (proptest::option::of("[ -~\u{e9}\u{4e2d}]{0,12}"), uri())
}

fn format_name_addr(display: &Option<String>, uri: &str) -> String {
    match display {
        Some(d) => format!("{} <{uri}>", sip::quote(d)),
        None => format!("<{uri}>"),
    }
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::Invite),
        Just(Method::Options),
        Just(Method::Bye),
        Just(Method::Register),
        Just(Method::Info),
        "[A-Z]{3,10}".prop_map(|m| Method::parse(&m).unwrap()),
    ]
}

#[derive(Debug, Clone)]
struct Spec {
    method: Method,
    ruri: String,
    transport: &'static str,
    via_host: String,
    via_port: Option<u16>,
    branch: String,
    from: (Option<String>, String),
    from_tag: String,
    to: (Option<String>, String),
    call_id: String,
    seq: u32,
    extras: Vec<(String, String)>,
    body: Vec<u8>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        (
            method(),
            uri(),
            prop_oneof![Just("UDP"), Just("TCP"), Just("TLS"), Just("WS")],
            host(),
            proptest::option::of(1u16..),
        ),
        ("[a-zA-Z0-9]{1,16}", name_addr(), token(), name_addr()),
        ("[a-zA-Z0-9.-]{1,20}(@[a-z0-9.]{1,10})?", any::<u32>()),
        proptest::collection::vec(
            prop_oneof![
                ("X-[A-Za-z0-9-]{1,10}", text()),
                text().prop_map(|t| ("Subject".to_owned(), t)),
                proptest::collection::vec(token(), 1..4)
                    .prop_map(|v| ("Supported".to_owned(), v.join(", "))),
                (0u32..256).prop_map(|n| ("Max-Forwards".to_owned(), n.to_string())),
                uri().prop_map(|u| ("Contact".to_owned(), format!("<{u}>;expires=60"))),
                uri().prop_map(|u| ("Record-Route".to_owned(), format!("<{u};lr>"))),
            ],
            0..6,
        ),
        proptest::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(
            |(
                (method, ruri, transport, via_host, via_port),
                (branch, from, from_tag, to),
                (call_id, seq),
                extras,
                body,
            )| Spec {
                method,
                ruri,
                transport,
                via_host,
                via_port,
                branch,
                from,
                from_tag,
                to,
                call_id,
                seq,
                extras,
                body,
            },
        )
}

fn build(s: &Spec) -> Request {
    let via = match s.via_port {
        Some(p) => format!(
            "SIP/2.0/{} {}:{p};branch=z9hG4bK{};rport",
            s.transport, s.via_host, s.branch
        ),
        None => format!(
            "SIP/2.0/{} {};branch=z9hG4bK{};rport",
            s.transport, s.via_host, s.branch
        ),
    };
    let mut b = Request::builder(s.method.clone(), Uri::parse(&s.ruri).unwrap())
        .header(HeaderName::VIA, via)
        .header(
            HeaderName::FROM,
            format!(
                "{};tag={}",
                format_name_addr(&s.from.0, &s.from.1),
                s.from_tag
            ),
        )
        .header(HeaderName::TO, format_name_addr(&s.to.0, &s.to.1))
        .header(HeaderName::CALL_ID, s.call_id.clone())
        .header(HeaderName::CSEQ, format!("{} {}", s.seq, s.method));
    let mut seen_max_forwards = false;
    for (n, v) in &s.extras {
        if n == "Max-Forwards" {
            if seen_max_forwards {
                continue; // a single-value header
            }
            seen_max_forwards = true;
        }
        b = b.header_named(n, v.clone());
    }
    if !s.body.is_empty() {
        b = b.body("application/octet-stream", s.body.clone());
    }
    b.build().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_requests_round_trip(s in spec()) {
        let req = build(&s);
        let once = req.to_bytes();
        let parsed = sip::parse_validated(once.clone()).map_err(|e| TestCaseError::fail(format!("{e:?}\n{}", String::from_utf8_lossy(&once))))?;
        prop_assert_eq!(parsed.to_bytes(), once.clone());
        let Message::Request(r) = parsed else { return Err(TestCaseError::fail("not a request")) };
        prop_assert_eq!(r.method(), &s.method);
        prop_assert_eq!(r.uri().as_str(), s.ruri.as_str());
        let via = r.via().unwrap();
        prop_assert_eq!(via.branch().map(|b| b.to_owned()), Some(format!("z9hG4bK{}", s.branch)));
        prop_assert_eq!(via.port(), s.via_port);
        prop_assert_eq!(via.host(), s.via_host.as_str());
        let from = r.from().unwrap();
        prop_assert_eq!(from.tag(), Some(s.from_tag.as_str()));
        prop_assert_eq!(from.display_name().map(|d| d.into_owned()), s.from.0.clone());
        prop_assert_eq!(from.uri().as_str(), s.from.1.as_str());
        prop_assert!(from.uri().equivalent(&Uri::parse(&s.from.1).unwrap()));
        let call_id = r.call_id().unwrap();
        prop_assert_eq!(call_id.as_str(), s.call_id.as_str());
        prop_assert_eq!(r.cseq().unwrap().seq, s.seq);
        prop_assert_eq!(r.body().as_ref(), s.body.as_slice());
        let x: Vec<(String, String)> = r.headers().x_headers().map(|(n, v)| (n.to_owned(), v.to_string())).collect();
        let want: Vec<(String, String)> = s.extras.iter().filter(|(n, _)| n.starts_with("X-")).cloned().collect();
        prop_assert_eq!(x, want);
    }

    #[test]
    fn generated_responses_round_trip(s in spec(), code in 100u16..700, reason in "[^\r\n]{0,20}", tag in token()) {
        let req = build(&s);
        let mut resp = Response::from_request(&req, StatusCode::new(code).unwrap(), &reason);
        resp.copy_record_route(&req);
        resp.set_to_tag(&tag).unwrap();
        let once = resp.to_bytes();
        let parsed = sip::parse_validated(once.clone()).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert_eq!(parsed.to_bytes(), once);
        let Message::Response(r) = parsed else { return Err(TestCaseError::fail("not a response")) };
        prop_assert_eq!(r.status().code(), code);
        prop_assert_eq!(r.reason().as_str(), reason.as_str());
        let to = r.to().unwrap();
        prop_assert_eq!(to.tag(), Some(tag.as_str()));
        prop_assert_eq!(r.headers().vias().count(), 1);
    }
}

fn torture() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/testdata/rfc4475");
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "dat"))
        .map(|e| std::fs::read(e.path()).unwrap())
        .collect();
    out.sort();
    out
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let special = prop_oneof![
        Just(b"\r\n".to_vec()),
        Just(b"\r\n ".to_vec()),
        Just(b":".to_vec()),
        Just(b";".to_vec()),
        Just(b",".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"<".to_vec()),
        Just(b">".to_vec()),
        Just(b"%".to_vec()),
        Just(b"[".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just(b"\xe2\x82".to_vec()),
        Just(b"99999999999999999999".to_vec()),
        proptest::collection::vec(any::<u8>(), 1..8),
    ];
    support::mutation(special, 1..20)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        prop_assert_eq!(sip::exercise(&data), Ok(()));
    }

    #[test]
    fn sip_like_text_never_panics(lines in proptest::collection::vec("[ -~\t]{0,40}", 0..12), start in prop_oneof![Just("INVITE sip:a@b SIP/2.0".to_owned()), Just("SIP/2.0 200 OK".to_owned()), "[ -~]{0,30}"]) {
        let text = format!("{start}\r\n{}\r\n\r\nbody", lines.join("\r\n"));
        prop_assert_eq!(sip::exercise(text.as_bytes()), Ok(()));
    }

    #[test]
    fn mutated_torture_messages_never_panic(pick in any::<prop::sample::Index>(), muts in proptest::collection::vec(mutation(), 1..6)) {
        let all = torture();
        let data = apply(pick.get(&all).clone(), &muts);
        prop_assert_eq!(sip::exercise(&data), Ok(()));
    }

    #[test]
    fn mutated_generated_messages_never_panic(s in spec(), muts in proptest::collection::vec(mutation(), 1..6)) {
        let data = apply(build(&s).to_bytes().to_vec(), &muts);
        prop_assert_eq!(sip::exercise(&data), Ok(()));
    }
}

#[test]
fn every_torture_message_passes_the_fuzz_body() {
    for data in torture() {
        assert_eq!(
            sip::exercise(&data),
            Ok(()),
            "{}",
            String::from_utf8_lossy(&data[..data.len().min(80)])
        );
        let _ = sip::parse(Bytes::from(data));
    }
}
