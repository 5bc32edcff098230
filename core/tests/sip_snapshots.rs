//! Snapshots of printed messages: responses built from requests, and canonical prints.

use bytes::Bytes;
use sipvoice_core::sip::{self, HeaderName, Message, Request, Response, StatusCode};

const INVITE: &str = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport\r\n\
Via: SIP/2.0/UDP bigbox3.site3.atlanta.example.com;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2\r\n\
max-forwards: 69\r\n\
t: Bob <sip:bob@biloxi.example.com>\r\n\
f: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
i: a84b4c76e66710@pc33.atlanta.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Record-Route: <sip:bigbox3.site3.atlanta.example.com;lr>\r\n\
Record-Route: <sip:edge.example.com;lr>\r\n\
m: <sip:alice@pc33.atlanta.example.com>\r\n\
X-Room-ID: lobby\r\n\
c: application/sdp\r\n\
l: 17\r\n\
\r\n\
v=0\r\n\
s=-\r\n\
t=0 0\r\n";

fn text(b: &Bytes) -> String {
    let s = std::str::from_utf8(b).expect("UTF-8");
    let head = s.split("\r\n\r\n").next().unwrap();
    assert!(
        head.split("\r\n")
            .all(|l| !l.contains('\n') && !l.contains('\r')),
        "every header line ends in CRLF"
    );
    s.replace("\r\n", "\n")
}

fn invite() -> Request {
    match sip::parse_validated(Bytes::from_static(INVITE.as_bytes())).unwrap() {
        Message::Request(r) => r,
        Message::Response(_) => unreachable!(),
    }
}

#[test]
fn ok_200_with_record_route_and_sdp() {
    let req = invite();
    let mut ok = Response::from_request(&req, StatusCode::OK, "OK");
    ok.copy_record_route(&req);
    ok.set_to_tag("a6c85cf").unwrap();
    ok.headers_mut()
        .push(HeaderName::CONTACT, "<sip:bob@192.0.2.4>")
        .unwrap();
    ok.headers_mut()
        .push(HeaderName::ALLOW, "INVITE, ACK, CANCEL, BYE, OPTIONS")
        .unwrap();
    ok.set_body(
        "application/sdp",
        Bytes::from_static(b"v=0\r\no=- 1 1 IN IP4 192.0.2.4\r\ns=-\r\n"),
    )
    .unwrap();
    insta::assert_snapshot!(text(&ok.to_bytes()));
}

#[test]
fn trying_100() {
    let req = invite();
    let trying = Response::from_request_default(&req, StatusCode::TRYING);
    insta::assert_snapshot!(text(&trying.to_bytes()));
}

#[test]
fn busy_486() {
    let req = invite();
    let mut busy = Response::from_request_default(&req, StatusCode::BUSY_HERE);
    busy.set_to_tag("b7").unwrap();
    insta::assert_snapshot!(text(&busy.to_bytes()));
}

#[test]
fn bad_request_400_answer() {
    let data = INVITE.replace("l: 17", "l: 170");
    let err = sip::parse(Bytes::from(data)).unwrap_err();
    insta::assert_snapshot!(text(&err.response().unwrap().to_bytes()));
}

#[test]
fn canonical_invite() {
    insta::assert_snapshot!(text(&invite().to_bytes()));
}

fn torture(name: &str) -> Message {
    let path = format!(
        "{}/../../shared/testdata/rfc4475/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    sip::parse(Bytes::from(std::fs::read(path).unwrap())).unwrap()
}

#[test]
fn canonical_wsinv() {
    insta::assert_snapshot!(text(&torture("wsinv.dat").to_bytes()));
}

#[test]
fn canonical_esc01() {
    insta::assert_snapshot!(text(&torture("esc01.dat").to_bytes()));
}

#[test]
fn canonical_noreason() {
    insta::assert_snapshot!(text(&torture("noreason.dat").to_bytes()));
}
