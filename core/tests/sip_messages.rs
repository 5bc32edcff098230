//! Parsing, validation, building and printing of SIP messages through the public API.

use bytes::{Bytes, BytesMut};
use sipvoice_core::sip::{
    self, HeaderError, HeaderName, Headers, Message, Method, ParseError, Problem, Request,
    Response, Rport, StatusCode, Transport, Uri,
};

const INVITE: &str = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport\r\n\
Via: SIP/2.0/TCP proxy.example.com;branch=z9hG4bKnashds8;received=192.0.2.1\r\n\
Max-Forwards: 70\r\n\
To: Bob <sip:bob@biloxi.example.com>\r\n\
From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n\
Contact: <sip:alice@pc33.atlanta.example.com>\r\n\
X-Room-ID: lobby\r\n\
x-session-id: s-1\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 4\r\n\
\r\n\
v=0\r\n";

/// Whether the headers say `Content-Type: application/sdp` (they must carry a valid one).
fn is_sdp(h: &Headers) -> bool {
    h.content_type().unwrap().unwrap().is("application", "sdp")
}

fn request(s: &str) -> Request {
    match sip::parse(Bytes::copy_from_slice(s.as_bytes())).expect("parses") {
        Message::Request(r) => r,
        Message::Response(_) => panic!("expected a request"),
    }
}

fn response(s: &str) -> Response {
    match sip::parse(Bytes::copy_from_slice(s.as_bytes())).expect("parses") {
        Message::Response(r) => r,
        Message::Request(_) => panic!("expected a response"),
    }
}

fn err(s: &str) -> ParseError {
    sip::parse_validated(Bytes::copy_from_slice(s.as_bytes())).expect_err("refused")
}

#[test]
fn typed_fields_of_an_invite() {
    let r = request(INVITE);
    r.validate().expect("valid");
    assert_eq!(r.method(), &Method::Invite);
    assert_eq!(r.uri().user(), Some("bob"));
    let via = r.via().unwrap();
    assert_eq!(via.transport(), Transport::Udp);
    assert_eq!(via.host(), "pc33.atlanta.example.com");
    assert_eq!(via.port(), Some(5060));
    assert_eq!(via.rport(), Some(Rport::Requested));
    assert!(via.has_magic_cookie());
    let vias: Vec<_> = r.headers().vias().collect::<Result<_, _>>().unwrap();
    assert_eq!(vias.len(), 2);
    assert_eq!(vias[1].received(), Some("192.0.2.1"));
    assert_eq!(r.from().unwrap().tag(), Some("1928301774"));
    assert_eq!(r.to().unwrap().tag(), None);
    assert_eq!(r.to().unwrap().display_name().unwrap(), "Bob");
    assert_eq!(
        r.call_id().unwrap(),
        "a84b4c76e66710@pc33.atlanta.example.com"
    );
    assert_eq!(r.cseq().unwrap().seq, 314159);
    assert_eq!(r.headers().max_forwards(), Ok(Some(70)));
    let rr: Vec<_> = r
        .headers()
        .record_routes()
        .map(|x| x.unwrap().uri().as_str().to_owned())
        .collect();
    assert_eq!(rr, ["sip:p1.example.com;lr", "sip:p2.example.com;lr"]);
    assert!(is_sdp(r.headers()));
    assert_eq!(r.body().as_ref(), b"v=0\r");
    let x: Vec<_> = r
        .headers()
        .x_headers()
        .map(|(n, v)| (n.to_owned(), v.to_string()))
        .collect();
    assert_eq!(
        x,
        [
            ("X-Room-ID".into(), "lobby".into()),
            ("x-session-id".into(), "s-1".into())
        ]
    );
    assert_eq!(r.headers().content_length(), Ok(Some(4)));
}

#[test]
fn header_values_share_the_datagram() {
    let data = Bytes::copy_from_slice(INVITE.as_bytes());
    let range = data.as_ptr() as usize..data.as_ptr() as usize + data.len();
    let Message::Request(r) = sip::parse(data.clone()).unwrap() else {
        panic!()
    };
    let cid = r.call_id().unwrap();
    assert!(
        range.contains(&(cid.as_ptr() as usize)),
        "Call-ID is a slice of the input"
    );
    assert!(
        range.contains(&(r.body().as_ptr() as usize)),
        "body is a slice of the input"
    );
}

#[test]
fn compact_forms_folding_and_case() {
    let r = request(
        "OPTIONS sip:a@b SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\nf: <sip:x@y>;tag=1\r\nT: <sip:a@b>\r\n\
         i: c1\r\ncseq: 2\r\n  OPTIONS\r\nm: <sip:x@h>\r\nk: timer, 100rel\r\nSUBJECT: hi\r\n\
         l: 0\r\n\r\n",
    );
    r.validate().unwrap();
    assert_eq!(r.cseq().unwrap().seq, 2);
    assert_eq!(r.headers().get(&HeaderName::CSEQ).unwrap(), "2 OPTIONS");
    let sup: Vec<_> = r.headers().supported().map(|s| s.to_string()).collect();
    assert_eq!(sup, ["timer", "100rel"]);
    assert_eq!(r.headers().subject().unwrap(), "hi");
    let printed = r.to_bytes();
    let text = std::str::from_utf8(&printed).unwrap();
    assert!(text.contains("\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"));
    assert!(text.contains("\r\nCall-ID: c1\r\n"));
    assert!(text.contains("\r\nSupported: timer, 100rel\r\n"));
    assert!(text.contains("\r\nSubject: hi\r\n"));
}

#[test]
fn content_length_framing() {
    let base = "MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:x@y>;tag=1\r\n\
                To: <sip:a@b>\r\nCall-ID: c1\r\nCSeq: 1 MESSAGE\r\n";
    // Longer body: truncated to Content-Length.
    let r = request(&format!("{base}Content-Length: 3\r\n\r\nabcdef"));
    assert_eq!(r.body().as_ref(), b"abc");
    // No Content-Length on UDP: the rest.
    let r = request(&format!("{base}\r\nabcdef"));
    assert_eq!(r.body().as_ref(), b"abcdef");
    // Shorter body: answerable 400.
    let e = err(&format!("{base}Content-Length: 30\r\n\r\nabc"));
    assert_eq!(e.problem(), Problem::ContentLengthMismatch);
    assert_eq!(e.status(), Some(StatusCode::BAD_REQUEST));
    assert_eq!(
        e.reason_phrase().unwrap(),
        "Bad Request - Content-Length mismatch"
    );
    for bad in ["-5", "abc", "", "1 2"] {
        let e = err(&format!("{base}Content-Length: {bad}\r\n\r\n"));
        assert_eq!(e.problem(), Problem::BadContentLength, "{bad}");
    }
    let e = err(&format!("{base}Content-Length: 1\r\nl: 2\r\n\r\nab"));
    assert_eq!(e.problem(), Problem::ConflictingContentLength);
    let e = err(&format!("{base}Content-Length: 2\r\nl: 2\r\n\r\nab"));
    assert_eq!(
        e.problem(),
        Problem::Header(HeaderError::Multiple("Content-Length"))
    );
}

#[test]
fn answerable_errors_carry_a_response() {
    let e = err(
        "INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h:5062;branch=z9hG4bK1\r\nFrom: <sip:x@y>;tag=1\r\n\
                 To: <sip:a@b>\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(
        e.problem(),
        Problem::Header(HeaderError::Missing("Call-ID"))
    );
    let resp = e.response().expect("answerable");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(resp.reason(), "Bad Request - Missing Call-ID");
    assert_eq!(resp.via().unwrap().port(), Some(5062));
    assert_eq!(resp.cseq().unwrap().seq, 1);

    let e = err("OPTIONS sip:a@b SIP/3.0\r\nVia: SIP/3.0/UDP h\r\n\r\n");
    assert!(matches!(e, ParseError::VersionNotSupported { .. }));
    assert_eq!(
        e.response().unwrap().status(),
        StatusCode::VERSION_NOT_SUPPORTED
    );

    let e = err("OPTIONS sip:a@b SIP/2.0\r\nFrom: <sip:x@y>\r\n\r\n");
    assert!(
        matches!(e, ParseError::Garbage(_)),
        "no Via: nothing to answer"
    );
    assert!(e.is_drop());
    assert!(matches!(err("\x00\x01garbage"), ParseError::Garbage(_)));
    assert!(matches!(
        err("\r\n\r\n"),
        ParseError::Garbage(Problem::Empty)
    ));

    let e = err("SIP/2.0 700 Nope\r\nVia: SIP/2.0/UDP h\r\n\r\n");
    assert!(matches!(
        e,
        ParseError::DiscardResponse(Problem::BadStatusCode)
    ));
}

#[test]
fn cseq_method_must_match() {
    let e = err(
        "BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:x@y>;tag=1\r\n\
                 To: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nl: 0\r\n\r\n",
    );
    assert_eq!(e.problem(), Problem::CSeqMethodMismatch);
    assert_eq!(
        e.reason_phrase().unwrap(),
        "Bad Request - CSeq method mismatch"
    );
}

#[test]
fn response_from_request_and_round_trip() {
    let req = request(INVITE);
    let mut ok = Response::from_request(&req, StatusCode::OK, "OK");
    ok.copy_record_route(&req);
    assert!(ok.set_to_tag("314").unwrap());
    assert!(!ok.set_to_tag("999").unwrap(), "an existing tag is kept");
    ok.set_body("application/sdp", Bytes::from_static(b"v=0\r\n"))
        .unwrap();
    assert_eq!(ok.to().unwrap().tag(), Some("314"));
    let names: Vec<_> = ok
        .headers()
        .iter()
        .map(|h| h.name().as_str().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "Via",
            "Via",
            "Record-Route",
            "From",
            "To",
            "Call-ID",
            "CSeq",
            "Content-Type"
        ]
    );
    let wire = ok.to_bytes();
    let again = response(std::str::from_utf8(&wire).unwrap());
    again.validate().unwrap();
    assert_eq!(again.to_bytes(), wire);
    assert_eq!(again.body().as_ref(), b"v=0\r\n");

    let mut buf = BytesMut::new();
    req.write_to(&mut buf);
    let once = buf.split().freeze();
    let twice = request(std::str::from_utf8(&once).unwrap()).to_bytes();
    assert_eq!(once, twice);
}

#[test]
fn builder_for_outgoing_requests() {
    let uri: Uri = "sip:bob@192.0.2.4:5070;transport=udp".parse().unwrap();
    let req = Request::builder(Method::Bye, uri)
        .header(
            HeaderName::VIA,
            "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc;rport",
        )
        .header(HeaderName::MAX_FORWARDS, "70")
        .header(HeaderName::FROM, "<sip:alice@a.example>;tag=1")
        .header(HeaderName::TO, "<sip:bob@b.example>;tag=2")
        .header(HeaderName::CALL_ID, "abc@192.0.2.1")
        .header(HeaderName::CSEQ, "2 BYE")
        .header(
            HeaderName::REASON,
            "Q.850;cause=16;text=\"Normal call clearing\"",
        )
        .header_named("X-Session-ID", "s-9")
        .build()
        .unwrap();
    req.validate().unwrap();
    let wire = req.to_bytes();
    assert!(wire.starts_with(b"BYE sip:bob@192.0.2.4:5070;transport=udp SIP/2.0\r\n"));
    let back = request(std::str::from_utf8(&wire).unwrap());
    let reason = back.headers().reasons().next().unwrap().unwrap();
    assert_eq!(reason.cause(), Some(16));
    assert!(
        Request::builder(Method::Bye, "sip:a@b".parse().unwrap())
            .build()
            .is_err()
    );
    assert!(
        Request::builder(Method::Bye, "sip:a@b".parse().unwrap())
            .header(HeaderName::SUBJECT, "x\r\nEvil: 1")
            .build()
            .is_err()
    );
}

#[test]
fn auth_headers_are_never_split() {
    let r = request(
        "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@example.com>;tag=1\r\n\
         To: <sip:a@example.com>\r\nCall-ID: c\r\nCSeq: 2 REGISTER\r\n\
         Authorization: Digest username=\"a\", realm=\"example.com\", nonce=\"n,1\", uri=\"sip:example.com\", response=\"00\"\r\n\
         WWW-Authenticate: Digest realm=\"x\", qop=\"auth,auth-int\"\r\n\
         WWW-Authenticate: Digest realm=\"x\", algorithm=SHA-256\r\n\
         Date: Sat, 13 Nov 2010 23:29:00 GMT\r\nl: 0\r\n\r\n",
    );
    r.validate().unwrap();
    let auth: Vec<_> = r.headers().authorization().collect();
    assert_eq!(auth.len(), 1);
    assert!(auth[0].starts_with("Digest username=\"a\", realm="));
    assert_eq!(r.headers().values(&HeaderName::AUTHORIZATION).count(), 1);
    assert_eq!(r.headers().www_authenticate().count(), 2);
    assert_eq!(r.headers().values(&HeaderName::WWW_AUTHENTICATE).count(), 2);
    assert_eq!(r.headers().values(&HeaderName::DATE).count(), 1);
}

#[test]
fn write_to_vec_matches_bytes() {
    let r = request(INVITE);
    let mut v = Vec::new();
    r.write_to_vec(&mut v);
    assert_eq!(v, r.to_bytes().to_vec());
}

const BASE: &str = "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n";

#[test]
fn lenient_line_handling() {
    // Bare LF line ends and leading keep-alive CRLFs are accepted.
    let lf = format!(
        "\r\n\r\nOPTIONS sip:a@b SIP/2.0\n{}l: 2\n\nok",
        BASE.replace("\r\n", "\n")
    );
    let r = request(&lf);
    r.validate().unwrap();
    assert_eq!(r.body().as_ref(), b"ok");
    // A final header line without CRLF CRLF still parses (empty body).
    let r = request(&format!("OPTIONS sip:a@b SIP/2.0\r\n{BASE}Subject: last"));
    assert_eq!(r.headers().subject().unwrap(), "last");
    assert!(r.body().is_empty());
    // The body may hold any bytes.
    let mut data = format!("OPTIONS sip:a@b SIP/2.0\r\n{BASE}l: 3\r\n\r\n").into_bytes();
    data.extend_from_slice(&[0xff, 0x00, 0xfe]);
    let Message::Request(r) = sip::parse(Bytes::from(data)).unwrap() else {
        panic!()
    };
    assert_eq!(r.body().as_ref(), &[0xff, 0x00, 0xfe]);
}

#[test]
fn malformed_lines_are_answerable() {
    for (line, problem) in [
        ("Foobar roobar", Problem::BadHeaderLine),
        ("Bad Name: x", Problem::BadHeaderLine),
        (": no name", Problem::BadHeaderLine),
    ] {
        let e = err(&format!(
            "OPTIONS sip:a@b SIP/2.0\r\n{BASE}{line}\r\nl: 0\r\n\r\n"
        ));
        assert_eq!(e.problem(), problem, "{line}");
        assert_eq!(e.status(), Some(StatusCode::BAD_REQUEST));
    }
    let mut data = format!("OPTIONS sip:a@b SIP/2.0\r\n{BASE}Subject: ").into_bytes();
    data.extend_from_slice(b"\xff\xfe\r\nl: 0\r\n\r\n");
    let e = sip::parse(Bytes::from(data)).unwrap_err();
    assert_eq!(e.problem(), Problem::InvalidUtf8);
    assert!(e.response().is_some());
    // A continuation line before any header.
    let e = err(&format!(
        "OPTIONS sip:a@b SIP/2.0\r\n  folded: x\r\n{BASE}l: 0\r\n\r\n"
    ));
    assert_eq!(e.problem(), Problem::BadHeaderLine);
}

#[test]
fn request_line_rules() {
    for (line, problem) in [
        (
            "OPTIONS sip:a@b?Route=x SIP/2.0",
            Problem::RequestUriHeaders,
        ),
        ("OPTIONS <sip:a@b> SIP/2.0", Problem::BadRequestUri),
        ("OPTIONS  sip:a@b SIP/2.0", Problem::BadStartLine),
        ("OPTIONS sip:a@b SIP/2.0 ", Problem::BadStartLine),
        ("OPTIONS sip:a@b HTTP/1.1", Problem::BadStartLine),
        ("OPT IONS sip:a@b SIP/2.0", Problem::BadStartLine),
        ("OPTIONS sip:a@b SIP/2.1", Problem::UnsupportedVersion),
    ] {
        let e = err(&format!("{line}\r\n{BASE}l: 0\r\n\r\n"));
        assert_eq!(e.problem(), problem, "{line}");
        assert!(e.response().is_some(), "{line}");
    }
    let r = request(&format!("OPTIONS sips:a@b sip/2.0\r\n{BASE}l: 0\r\n\r\n"));
    assert_eq!(r.uri().scheme(), sip::Scheme::Sips);
}

#[test]
fn status_line_rules() {
    let tail = "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\r\n";
    for line in [
        "SIP/2.0 20 OK",
        "SIP/2.0 2000 OK",
        "SIP/2.0 099 x",
        "SIP/2.0 700 x",
        "SIP/2.0 abc x",
        "SIP/2.0",
    ] {
        let e = err(&format!("{line}\r\n{tail}"));
        assert!(
            matches!(
                e,
                ParseError::DiscardResponse(Problem::BadStatusCode | Problem::BadStartLine)
            ),
            "{line}: {e:?}"
        );
    }
    let e = err(&format!("SIP/3.0 200 OK\r\n{tail}"));
    assert_eq!(e, ParseError::DiscardResponse(Problem::UnsupportedVersion));
    let r = response(&format!("SIP/2.0 183 Session Progress\r\n{tail}"));
    assert_eq!(r.status(), StatusCode::SESSION_PROGRESS);
    assert_eq!(r.reason(), "Session Progress");
    let r = response(&format!("SIP/2.0 180\r\n{tail}"));
    assert_eq!(r.reason(), "");
    let e = err(&format!(
        "SIP/2.0 200 OK\r\n{}",
        tail.replace("Call-ID: c\r\n", "")
    ));
    assert_eq!(
        e,
        ParseError::DiscardResponse(Problem::Header(HeaderError::Missing("Call-ID")))
    );
}

#[test]
fn every_via_value_is_checked_in_lists_and_lines() {
    let good = "SIP/2.0/UDP p;branch=z9hG4bK2";
    let bad = "SIP/2.0 p";
    for (vias, ok) in [
        (format!("Via: {good}, {good}\r\nVia: {good}\r\n"), true),
        (format!("Via: {good}, {bad}\r\n"), false),
        (format!("Via: {good}\r\nVia: {bad}\r\n"), false),
        (format!("Via: {good}\r\nVia: {good}, {bad}\r\n"), false),
    ] {
        let text = format!("OPTIONS sip:a@b SIP/2.0\r\n{BASE}{vias}l: 0\r\n\r\n");
        let result = sip::parse_validated(Bytes::copy_from_slice(text.as_bytes()));
        match (ok, result) {
            (true, Ok(m)) => assert_eq!(m.headers().vias().count(), 4),
            (false, Err(e)) => {
                assert_eq!(e.problem(), Problem::Header(HeaderError::Malformed("Via")));
                assert_eq!(e.status(), Some(StatusCode::BAD_REQUEST));
            }
            (ok, other) => panic!("{vias:?}: expected ok={ok}, got {other:?}"),
        }
    }
}

#[test]
fn to_tag_follows_edits_of_the_response() {
    let req = request(INVITE);
    req.validate().expect("valid");
    // The request's To has no tag: the response gets one, once.
    let mut resp = Response::from_request(&req, StatusCode::OK, "OK");
    assert_eq!(resp.set_to_tag("t1"), Ok(true));
    assert_eq!(resp.set_to_tag("t2"), Ok(false));
    assert_eq!(resp.to().unwrap().tag(), Some("t1"));
    // A To replaced by hand is read again.
    let mut resp = Response::from_request(&req, StatusCode::OK, "OK");
    resp.headers_mut()
        .replace(HeaderName::TO, "<sip:bob@biloxi.example.com>;tag=mine")
        .unwrap();
    assert_eq!(resp.set_to_tag("t3"), Ok(false));
    assert_eq!(resp.to().unwrap().tag(), Some("mine"));
}
