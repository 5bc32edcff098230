//! RFC 4475 torture messages: each one handled as `expected.tsv` says, with the tricky
//! fields asserted one by one.

use std::path::PathBuf;

use bytes::Bytes;
use sipvoice_core::sip::{
    self, Contact, HeaderError, HeaderName, Headers, Message, Method, ParseError, Problem, Request,
    Response, Scheme, StatusCode, Transport,
};

/// Whether the headers say `Content-Type: application/sdp` (they must carry a valid one).
fn is_sdp(h: &Headers) -> bool {
    h.content_type().unwrap().unwrap().is("application", "sdp")
}

fn dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/testdata/rfc4475"
    ))
}

fn load(name: &str) -> Bytes {
    let p = dir().join(name);
    Bytes::from(std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
}

fn parse(name: &str) -> Result<Message, ParseError> {
    sip::parse(load(name))
}

fn full(name: &str) -> Result<Message, ParseError> {
    sip::parse_validated(load(name))
}

fn req(name: &str) -> Request {
    match parse(name) {
        Ok(Message::Request(r)) => r,
        other => panic!("{name}: expected a request, got {other:?}"),
    }
}

fn valid_req(name: &str) -> Request {
    let r = req(name);
    if let Err(e) = r.validate() {
        panic!("{name}: expected valid, got {e:?}");
    }
    r
}

fn resp(name: &str) -> Response {
    match full(name) {
        Ok(Message::Response(r)) => r,
        other => panic!("{name}: expected a valid response, got {other:?}"),
    }
}

fn rows() -> Vec<(String, String)> {
    let tsv = std::fs::read_to_string(dir().join("expected.tsv")).expect("expected.tsv");
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols[0].to_owned(), cols[2].to_owned())
        })
        .collect()
}

/// The refusal of an invalid request: answerable, with the status the row asks for.
fn assert_answerable(name: &str, status: StatusCode) -> ParseError {
    let e = match full(name) {
        Err(e) => e,
        Ok(m) => panic!("{name}: expected a refusal, parsed {m:?}"),
    };
    assert_eq!(e.status(), Some(status), "{name}: {e:?}");
    let answer = e.response().unwrap_or_else(|| panic!("{name}: no answer"));
    assert_eq!(answer.status(), status);
    assert!(
        answer.via().is_ok()
            || status == StatusCode::VERSION_NOT_SUPPORTED
            || name == "badinv01.dat"
    );
    // The answer is printable and parses back.
    let wire = answer.to_bytes();
    assert!(sip::parse(wire).is_ok(), "{name}: answer reparses");
    e
}

#[test]
fn every_row_is_handled_by_its_class() {
    let rows = rows();
    assert_eq!(rows.len(), 49);
    for (file, class) in rows {
        let outcome = full(&file);
        match class.as_str() {
            "valid" => assert!(outcome.is_ok(), "{file}: {outcome:?}"),
            "invalid-request-400" if file == "baddate.dat" => {
                // The row allows ignoring a Date that does not matter: we never read Date.
                assert!(outcome.is_ok(), "{file}: {outcome:?}");
            }
            "invalid-request-400" => {
                let e = outcome.expect_err(&file);
                let want = if file == "badvers.dat" {
                    StatusCode::VERSION_NOT_SUPPORTED
                } else {
                    StatusCode::BAD_REQUEST
                };
                assert_eq!(e.status(), Some(want), "{file}: {e:?}");
                assert!(e.response().is_some(), "{file}: answerable");
            }
            "invalid-response-discard" => {
                let e = outcome.expect_err(&file);
                assert!(matches!(e, ParseError::DiscardResponse(_)), "{file}: {e:?}");
            }
            "transaction" | "application" => {
                // Must not break: the grammar layer either accepts it or gives an
                // answerable error (the per-file tests pin which).
                if let Err(e) = outcome {
                    assert!(e.response().is_some(), "{file}: {e:?}");
                }
            }
            other => panic!("unknown class {other}"),
        }
    }
}

/// The value of the first raw line whose name matches, read straight from the file.
fn raw_value(name: &str, header: &str) -> String {
    let data = load(name);
    let text = String::from_utf8_lossy(&data).into_owned();
    text.split("\r\n")
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(header)
                .then(|| v.trim().to_owned())
        })
        .unwrap_or_else(|| panic!("{name}: no {header}"))
}

#[test]
fn wsinv_folding_case_and_odd_white_space() {
    let r = valid_req("wsinv.dat");
    assert_eq!(r.method(), &Method::Invite);
    assert_eq!(r.uri().param("unknownparam"), Some(None));
    let to = r.to().unwrap();
    assert_eq!(to.uri().as_str(), "sip:vivekg@chair-dnrc.example.com");
    assert_eq!(to.tag(), Some("1918181833n"));
    let from = r.from().unwrap();
    assert_eq!(from.display_name().unwrap(), "J Rosenberg \\\"");
    assert_eq!(from.tag(), Some("98asjd8"));
    assert_eq!(r.headers().max_forwards(), Ok(Some(68)));
    let cseq = r.cseq().unwrap();
    assert_eq!((cseq.seq, cseq.method), (9, Method::Invite));
    let vias: Vec<_> = r.headers().vias().collect::<Result<_, _>>().unwrap();
    assert_eq!(vias.len(), 3);
    assert_eq!(
        (vias[0].transport(), vias[0].host(), vias[0].branch()),
        (Transport::Udp, "192.0.2.2", Some("390skdjuw"))
    );
    assert_eq!(
        (vias[1].transport(), vias[1].host(), vias[1].branch()),
        (Transport::Tcp, "spindle.example.com", Some("z9hG4bK9ikj8"))
    );
    assert_eq!(
        (vias[2].transport(), vias[2].host(), vias[2].branch()),
        (Transport::Udp, "192.168.255.111", Some("z9hG4bK30239"))
    );
    assert_eq!(r.headers().subject().unwrap(), "");
    let nf = HeaderName::parse("newfangledheader").unwrap();
    assert_eq!(
        r.headers().get(&nf).unwrap(),
        "newfangled value continued newfangled value"
    );
    let odd = HeaderName::parse("UnknownHeaderWithUnusualValue").unwrap();
    assert_eq!(r.headers().get(&odd).unwrap(), ";;,,;;,;");
    let route = r.headers().routes().next().unwrap().unwrap();
    assert!(route.uri().is_loose_route());
    assert_eq!(route.uri().param("unknownwith"), Some(Some("value")));
    assert_eq!(route.uri().param("unknown-no-value"), Some(None));
    let Contact::Address(m) = r.contact().unwrap().unwrap() else {
        panic!()
    };
    assert_eq!(m.display_name().unwrap(), "Quoted string \"\"");
    assert_eq!(m.param("newparam"), Some(Some("newvalue")));
    assert_eq!(m.param("secondparam"), Some(None));
    assert_eq!(m.q(), Some(0.33));
    assert_eq!(r.body().len(), 150);
    assert!(is_sdp(r.headers()));
}

#[test]
fn intmeth_unusual_tokens() {
    let r = valid_req("intmeth.dat");
    let m = "!interesting-Method0123456789_*+`.%indeed'~";
    assert!(matches!(r.method(), Method::Other(x) if x == m));
    assert_eq!(r.cseq().unwrap().method.as_str(), m);
    assert_eq!(
        r.uri().user(),
        Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
    );
    assert_eq!(
        r.uri().password(),
        Some("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
    );
    assert_eq!(r.uri().host(), "example.com");
    assert_eq!(r.via().unwrap().branch(), Some("z9hG4bK-.!%66*_+`'~"));
    let to = r.to().unwrap();
    assert_eq!(to.display_name().unwrap(), "BEL:\x07 NUL:\0 DEL:\x7f");
    let from = r.from().unwrap();
    assert_eq!(
        from.display_name_raw(),
        Some("token1~` token2'+_ token3*%!.-")
    );
    assert_eq!(from.tag(), Some("_token~1'+`*%!-."));
    assert_eq!(
        from.param("fromParam''~+*_!.-%"),
        Some(Some(
            "\"\u{440}\u{430}\u{431}\u{43e}\u{442}\u{430}\u{44e}\u{449}\u{438}\u{439}\""
        ))
    );
    assert_eq!(
        r.call_id().unwrap(),
        "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{"
    );
    assert_eq!(r.headers().max_forwards(), Ok(Some(255)));
    let (name, value) = r.headers().unknown().next().unwrap();
    assert_eq!(name, "extensionHeader-!.%*+_`'~");
    assert_eq!(value.as_str(), "\u{feff}大停電");
}

#[test]
fn esc01_escaped_user_stays_distinct() {
    let r = valid_req("esc01.dat");
    assert_eq!(r.uri().user(), Some("sips%3Auser%40example.com"));
    assert_eq!(
        r.uri().user_unescaped().unwrap().as_ref(),
        b"sips:user@example.com"
    );
    assert_eq!(r.uri().host(), "example.net");
    let to = r.to().unwrap();
    assert_eq!(to.uri().user(), Some("%75se%72"));
    assert_eq!(to.uri().user_unescaped().unwrap().as_ref(), b"user");
    assert_eq!(
        r.from().unwrap().uri().user_unescaped().unwrap().as_ref(),
        b"I have spaces"
    );
    let Contact::Address(c) = r.contact().unwrap().unwrap() else {
        panic!()
    };
    let params: Vec<_> = c.uri().params().collect();
    assert_eq!(
        params,
        [("%6C%72", None), ("n%61me", Some("v%61lue%25%34%31"))]
    );
    assert_eq!(
        sip::unescape("v%61lue%25%34%31").as_ref(),
        b"value%41",
        "decoded once, never twice"
    );
    let same = sip::Uri::parse("sip:caller@host5.example.net;lr;name=value%2541").unwrap();
    assert!(c.uri().equivalent(&same));
    let not_same = sip::Uri::parse("sip:caller@host5.example.net;lr;name=valueA").unwrap();
    assert!(!c.uri().equivalent(&not_same));
    assert!(is_sdp(r.headers()));
}

#[test]
fn escnull_two_distinct_contacts() {
    let r = valid_req("escnull.dat");
    let contacts: Vec<_> = r
        .headers()
        .contacts()
        .map(|c| c.unwrap().address().unwrap().uri().clone())
        .collect();
    assert_eq!(contacts.len(), 2);
    assert_eq!(contacts[0].user_unescaped().unwrap().as_ref(), b"\0");
    assert_eq!(contacts[1].user_unescaped().unwrap().as_ref(), b"\0\0");
    assert!(!contacts[0].equivalent(&contacts[1]));
    assert_eq!(
        r.to().unwrap().uri().user_unescaped().unwrap().as_ref(),
        b"null-\0-null"
    );
}

#[test]
fn esc02_percent_is_no_escape_in_methods_or_header_names() {
    let r = valid_req("esc02.dat");
    assert!(matches!(r.method(), Method::Other(m) if m == "RE%47IST%45R"));
    assert_ne!(r.method(), &Method::Register);
    assert_eq!(r.headers().contacts().count(), 2);
    let odd = HeaderName::parse("C%6Fntact").unwrap();
    assert_eq!(
        r.headers().get(&odd).unwrap(),
        "<sip:alias2@host2.example.com>"
    );
    assert_eq!(r.to().unwrap().display_name().unwrap(), "%Z%45");
    assert_eq!(r.via().unwrap().branch(), Some("z9hG4bK209%fzsnel234"));
}

#[test]
fn lwsdisp_display_name_without_space() {
    let r = valid_req("lwsdisp.dat");
    let from = r.from().unwrap();
    assert_eq!(from.display_name().unwrap(), "caller");
    assert_eq!(from.uri().as_str(), "sip:caller@example.com");
    assert_eq!(from.tag(), Some("323"));
}

#[test]
fn longreq_values_are_not_truncated() {
    let r = valid_req("longreq.dat");
    let call_id = raw_value("longreq.dat", "Call-ID");
    assert!(call_id.len() > 100);
    assert_eq!(r.call_id().unwrap(), call_id.as_str());
    let to = r.to().unwrap();
    assert!(to.display_name().unwrap().contains("extremeextremeextreme"));
    assert_eq!(to.uri().port(), Some(6000));
    assert_eq!(
        to.tag().map(str::len),
        raw_value("longreq.dat", "To")
            .split("tag=")
            .nth(1)
            .map(|t| t.split(';').next().unwrap().len())
    );
    assert!(r.from().unwrap().tag().unwrap().len() > 100);
    let data = load("longreq.dat");
    let text = String::from_utf8_lossy(&data);
    let via_lines = text
        .split("\r\n")
        .take_while(|l| !l.is_empty())
        .filter(|l| {
            let n = l.split(':').next().unwrap().trim();
            n.eq_ignore_ascii_case("via") || n.eq_ignore_ascii_case("v")
        })
        .count();
    let vias: Vec<_> = r.headers().vias().collect::<Result<_, _>>().unwrap();
    assert_eq!(vias.len(), via_lines);
    assert!(vias.len() > 30);
    let last = vias.last().unwrap();
    assert_eq!(last.received(), Some("192.0.2.5"));
    assert!(last.branch().unwrap().len() > 100);
    let unknown = r.headers().unknown().next().unwrap();
    assert!(unknown.0.starts_with("Unknown-LongLong") && unknown.1.len() > 300);
    assert_eq!(r.body().len(), 150);
}

#[test]
fn dblreq_trailing_octets_ignored() {
    let r = valid_req("dblreq.dat");
    assert_eq!(r.method(), &Method::Register);
    assert!(r.body().is_empty());
    assert_eq!(
        r.call_id().unwrap(),
        "dblreq.0ha0isndaksdj99sdfafnl3lk233412"
    );
    assert!(
        load("dblreq.dat").len() > r.to_bytes().len() - 20,
        "the trailing INVITE was in the datagram"
    );
}

#[test]
fn semiuri_user_with_semicolon() {
    let r = valid_req("semiuri.dat");
    assert_eq!(r.uri().user(), Some("user;par=u%40example.net"));
    assert_eq!(
        r.uri().user_unescaped().unwrap().as_ref(),
        b"user;par=u@example.net"
    );
    assert_eq!(r.uri().host(), "example.com");
    assert_eq!(r.uri().params().count(), 0);
    let accept: Vec<_> = r.headers().accept().map(|a| a.to_string()).collect();
    assert_eq!(accept.len(), 6);
    assert_eq!(accept[5], "message/sipfrag");
}

#[test]
fn transports_in_vias() {
    let r = valid_req("transports.dat");
    let t: Vec<_> = r
        .headers()
        .vias()
        .map(|v| {
            let v = v.unwrap();
            (v.transport(), v.transport_str().to_owned())
        })
        .collect();
    assert_eq!(
        t,
        [
            (Transport::Udp, "UDP".to_owned()),
            (Transport::Sctp, "SCTP".to_owned()),
            (Transport::Tls, "TLS".to_owned()),
            (Transport::Other, "UNKNOWN".to_owned()),
            (Transport::Tcp, "TCP".to_owned()),
        ]
    );
}

#[test]
fn mpart01_binary_body_framed_by_content_length() {
    let r = valid_req("mpart01.dat");
    assert_eq!(r.method(), &Method::Message);
    let cl = raw_value("mpart01.dat", "Content-Length")
        .parse::<usize>()
        .unwrap();
    assert_eq!(r.body().len(), cl);
    assert!(r.body().contains(&0), "the body holds NUL bytes");
    let ct = r.headers().content_type().unwrap().unwrap();
    assert!(ct.is("multipart", "mixed"));
    assert_eq!(ct.param("boundary").unwrap(), "7a9cbec02ceef655");
    assert!(r.body().starts_with(b"--7a9cbec02ceef655"));
    // The canonical print keeps the binary body byte for byte.
    let again = sip::parse(r.to_bytes()).unwrap();
    assert_eq!(again.body(), r.body());
}

#[test]
fn reason_phrases() {
    let r = resp("unreason.dat");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.reason().starts_with("= 2**3 * 5**2 "));
    assert!(!r.reason().is_ascii(), "UTF-8 reason kept");
    assert_eq!(r.body().len(), 154);
    let n = resp("noreason.dat");
    assert_eq!(n.status().code(), 100);
    assert_eq!(n.reason(), "");
    assert!(n.to_bytes().starts_with(b"SIP/2.0 100 \r\n"));
}

#[test]
fn inv2543_is_accepted() {
    let r = valid_req("inv2543.dat");
    let via = r.via().unwrap();
    assert_eq!(via.branch(), None);
    assert!(!via.has_magic_cookie());
    assert_eq!(r.from().unwrap().tag(), None);
    assert_eq!(r.headers().max_forwards(), Ok(None));
    assert_eq!(r.headers().content_length(), Ok(None));
    assert!(r.body().starts_with(b"v=0"));
    let rr = r.headers().record_routes().next().unwrap().unwrap();
    assert_eq!(rr.uri().param("maddr"), Some(Some("ss1.example.com")));
    // Without angle brackets `;user=phone` is a header parameter of To, not a URI one.
    assert_eq!(r.to().unwrap().param("user"), Some(Some("phone")));
    assert_eq!(r.to().unwrap().uri().param("user"), None);
    let from = r.from().unwrap();
    assert_eq!(from.uri().param("user"), Some(Some("phone")));
}

#[test]
fn invalid_requests_are_answered_with_their_reason() {
    let cases: [(&str, Problem); 17] = [
        (
            "badinv01.dat",
            Problem::Header(HeaderError::Malformed("Via")),
        ),
        ("clerr.dat", Problem::ContentLengthMismatch),
        ("ncl.dat", Problem::BadContentLength),
        (
            "scalar02.dat",
            Problem::Header(HeaderError::OutOfRange("CSeq")),
        ),
        ("quotbal.dat", Problem::Header(HeaderError::Malformed("To"))),
        ("ltgtruri.dat", Problem::BadRequestUri),
        ("lwsruri.dat", Problem::BadStartLine),
        ("lwsstart.dat", Problem::BadStartLine),
        ("trws.dat", Problem::BadStartLine),
        ("escruri.dat", Problem::RequestUriHeaders),
        (
            "regbadct.dat",
            Problem::Header(HeaderError::Malformed("Contact")),
        ),
        (
            "badaspec.dat",
            Problem::Header(HeaderError::Malformed("To")),
        ),
        ("baddn.dat", Problem::Header(HeaderError::Malformed("From"))),
        ("mismatch01.dat", Problem::CSeqMethodMismatch),
        ("mismatch02.dat", Problem::CSeqMethodMismatch),
        ("insuf.dat", Problem::Header(HeaderError::Missing("From"))),
        (
            "multi01.dat",
            Problem::Header(HeaderError::Multiple("From")),
        ),
    ];
    for (file, problem) in cases {
        let e = assert_answerable(file, StatusCode::BAD_REQUEST);
        assert_eq!(e.problem(), problem, "{file}");
        assert_eq!(
            e.reason_phrase().unwrap(),
            format!("Bad Request - {problem}")
        );
        let answer = e.response().unwrap();
        assert_eq!(answer.reason().as_str(), format!("Bad Request - {problem}"));
    }
    let e = assert_answerable("clerr.dat", StatusCode::BAD_REQUEST);
    assert_eq!(
        e.response().unwrap().reason(),
        "Bad Request - Content-Length mismatch"
    );
    let e = assert_answerable("insuf.dat", StatusCode::BAD_REQUEST);
    let answer = e.response().unwrap();
    assert_eq!(answer.cseq().unwrap().seq, 193942);
    assert_eq!(answer.via().unwrap().branch(), Some("z9hG4bKkdj.insuf"));
    // The broken Via of badinv01 is still echoed so the 400 can be routed back.
    let e = assert_answerable("badinv01.dat", StatusCode::BAD_REQUEST);
    let top = e.salvage().unwrap().top_via().unwrap();
    assert_eq!(
        (top.transport(), top.host(), top.port()),
        (Transport::Udp, "192.0.2.15", None)
    );
    assert_eq!(
        e.response()
            .unwrap()
            .headers()
            .get(&HeaderName::VIA)
            .unwrap(),
        "SIP/2.0/UDP 192.0.2.15;;,;,,"
    );
    // mcl01: conflicting Content-Length values.
    let e = assert_answerable("mcl01.dat", StatusCode::BAD_REQUEST);
    assert_eq!(e.problem(), Problem::ConflictingContentLength);
}

#[test]
fn badvers_gets_505() {
    let e = assert_answerable("badvers.dat", StatusCode::VERSION_NOT_SUPPORTED);
    assert!(matches!(e, ParseError::VersionNotSupported { .. }));
    let answer = e.response().unwrap();
    assert_eq!(answer.reason(), "Version Not Supported");
    assert_eq!(answer.call_id().unwrap(), "badvers.31417@c.example.com");
}

#[test]
fn bad_responses_are_discarded() {
    for (file, problem) in [
        (
            "scalarlg.dat",
            Problem::Header(HeaderError::OutOfRange("CSeq")),
        ),
        ("bigcode.dat", Problem::BadStatusCode),
    ] {
        let e = full(file).expect_err(file);
        assert_eq!(e, ParseError::DiscardResponse(problem), "{file}");
        assert!(e.is_drop() && e.response().is_none());
    }
}

#[test]
fn badbranch_bare_cookie_falls_back() {
    let r = valid_req("badbranch.dat");
    let via = r.via().unwrap();
    assert_eq!(via.branch(), Some("z9hG4bK"));
    assert!(via.has_magic_cookie());
    assert!(
        !via.is_rfc3261_branch(),
        "a bare cookie calls for RFC 2543 matching"
    );
}

#[test]
fn baddate_is_kept_raw() {
    let r = valid_req("baddate.dat");
    assert_eq!(
        r.headers().get(&HeaderName::DATE).unwrap(),
        "Fri, 01 Jan 2010 16:00:00 EST"
    );
}

#[test]
fn application_layer_fields() {
    let r = valid_req("unkscm.dat");
    assert_eq!(r.uri().scheme(), Scheme::Other);
    assert_eq!(r.uri().scheme_str(), "nobodyKnowsThisScheme");
    assert_eq!(
        r.uri().as_str(),
        "nobodyKnowsThisScheme:totallyopaquecontent"
    );

    let r = valid_req("novelsc.dat");
    assert_eq!(r.uri().scheme(), Scheme::Other);
    assert_eq!(r.uri().scheme_str(), "soap.beep");

    let r = valid_req("unksm2.dat");
    assert_eq!(r.to().unwrap().uri().scheme_str(), "isbn");
    assert_eq!(r.from().unwrap().uri().scheme_str(), "http");
    assert_eq!(r.from().unwrap().tag(), Some("3234233"));
    let c = r.contact().unwrap().unwrap();
    assert_eq!(c.address().unwrap().uri().as_str(), "name:John_Smith");

    let r = valid_req("bext01.dat");
    let require: Vec<_> = r.headers().require().map(|t| t.to_string()).collect();
    assert_eq!(
        require,
        ["nothingSupportsThis", "nothingSupportsThisEither"]
    );
    let proxy: Vec<_> = r.headers().proxy_require().map(|t| t.to_string()).collect();
    assert_eq!(
        proxy,
        ["noProxiesSupportThis", "norDoAnyProxiesSupportThis"]
    );

    let r = valid_req("invut.dat");
    let ct = r.headers().content_type().unwrap().unwrap();
    assert!(ct.is("application", "unknownformat"));
    assert_eq!(r.body().len(), 40);

    let r = valid_req("regaut01.dat");
    let auth: Vec<_> = r.headers().get_all(&HeaderName::AUTHORIZATION).collect();
    assert_eq!(auth.len(), 1);
    assert_eq!(auth[0], "NoOneKnowsThisScheme opaque-data=here");

    let r = valid_req("zeromf.dat");
    assert_eq!(r.headers().max_forwards(), Ok(Some(0)));

    let r = valid_req("cparam01.dat");
    let c = r.contact().unwrap().unwrap();
    let c = c.address().unwrap();
    assert_eq!(c.param("unknownparam"), Some(None), "a contact parameter");
    assert_eq!(c.uri().param("unknownparam"), None);

    let r = valid_req("cparam02.dat");
    let c = r.contact().unwrap().unwrap();
    let c = c.address().unwrap();
    assert_eq!(c.param("unknownparam"), None);
    assert_eq!(c.uri().param("unknownparam"), Some(None), "a URI parameter");

    let r = valid_req("regescrt.dat");
    let c = r.contact().unwrap().unwrap();
    let uri = c.address().unwrap().uri();
    assert_eq!(uri.headers_str(), Some("Route=%3Csip:sip.example.com%3E"));
    assert_eq!(
        uri.headers().next(),
        Some(("Route", "%3Csip:sip.example.com%3E"))
    );
    assert_eq!(uri.without_headers().as_str(), "sip:user@example.com");

    let r = valid_req("sdp01.dat");
    let accept: Vec<_> = r.headers().accept().map(|t| t.to_string()).collect();
    assert_eq!(accept, ["text/nobodyKnowsThis"]);
    assert!(!r.headers().accepts("application/sdp"));

    let b = resp("bcast.dat");
    let vias: Vec<_> = b.headers().vias().collect::<Result<_, _>>().unwrap();
    assert_eq!(vias[1].host(), "255.255.255.255");
    assert_eq!(vias[1].host_ip(), Some("255.255.255.255".parse().unwrap()));

    // insuf and multi01 parse; validation refuses them (tested above).
    assert!(req("insuf.dat").call_id().is_err());
    let m = req("multi01.dat");
    assert_eq!(m.headers().count(&HeaderName::CSEQ), 2);
    assert_eq!(
        m.cseq().map(|c| c.seq),
        Ok(5),
        "typed access reads the first line"
    );
    assert_eq!(
        m.validate().unwrap_err().problem(),
        Problem::Header(HeaderError::Multiple("From"))
    );
}

#[test]
fn test_dat_without_version_is_dropped() {
    let e = full("test.dat").expect_err("no SIP-Version");
    assert!(
        matches!(e, ParseError::Garbage(Problem::BadStartLine)),
        "{e:?}"
    );
}

#[test]
fn valid_messages_round_trip_canonically() {
    for (file, class) in rows() {
        if let Ok(m) = full(&file) {
            let once = m.to_bytes();
            let again =
                sip::parse(once.clone()).unwrap_or_else(|e| panic!("{file} ({class}): {e:?}"));
            assert_eq!(again.to_bytes(), once, "{file}");
            assert_eq!(again.body(), m.body(), "{file}");
        }
    }
}
