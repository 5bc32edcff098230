//! Dialog behaviour with hand-written peers: Record-Route copied and followed, the
//! remote target from Contact, re-INVITE and UPDATE with and without SDP, outbound
//! progress and hang-up before any answer.

mod endpoint_support;

use std::time::Duration;

use endpoint_support::{
    Net, addr, config, count, ended, establish_from, header, in_dialog, invite, status_of, to_tag,
};
use sipvoice_core::endpoint::{DialRequest, EndReason, Event};

const PEER: &str = "127.0.0.1:7000";

fn uas() -> Net {
    Net::new(vec![("uas", config("127.0.0.1:5060", 2))])
}

const RR: &str =
    "Record-Route: <sip:p2@127.0.0.1:7101;lr>\nRecord-Route: <sip:p1@127.0.0.1:7100;lr>\n";

#[test]
fn record_route_is_copied_into_18x_and_2xx_and_our_bye_follows_it() {
    let mut net = uas();
    let peer = addr(PEER);
    net.inject(0, peer, &invite(peer, "z9hG4bKrr", "rr@peer", RR));
    for t in net
        .outside
        .iter()
        .filter(|t| matches!(status_of(&t.data), Some(180 | 200)))
    {
        let text = String::from_utf8_lossy(&t.data);
        let rr: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("Record-Route:"))
            .collect();
        assert_eq!(
            rr,
            vec![
                "Record-Route: <sip:p2@127.0.0.1:7101;lr>",
                "Record-Route: <sip:p1@127.0.0.1:7100;lr>"
            ]
        );
    }
    let tag = to_tag(&net.outside.last().expect("200").data).expect("tag");
    net.inject(
        0,
        peer,
        &in_dialog("ACK", peer, "z9hG4bKa", "rr@peer", &tag, 1, ""),
    );
    let call = net.nodes[0].ep.call_ids()[0];
    let now = net.now;
    net.ep(0).hangup(now, call).expect("hangup");
    net.settle();
    let bye = net
        .outside
        .iter()
        .find(|t| t.data.starts_with(b"BYE "))
        .expect("bye");
    assert_eq!(bye.to, addr("127.0.0.1:7101"), "the first route");
    let text = String::from_utf8_lossy(&bye.data);
    assert!(
        text.starts_with(&format!("BYE sip:alice@{PEER} SIP/2.0")),
        "remote target from Contact: {text}"
    );
    let routes: Vec<&str> = text.lines().filter(|l| l.starts_with("Route:")).collect();
    assert_eq!(
        routes,
        vec![
            "Route: <sip:p2@127.0.0.1:7101;lr>",
            "Route: <sip:p1@127.0.0.1:7100;lr>"
        ]
    );
    assert_eq!(
        header(&bye.data, "Reason").as_deref(),
        Some("Q.850;cause=16")
    );
    net.finish();
}

/// Establishes a call from the peer; returns our To tag.
fn establish(net: &mut Net, call_id: &str) -> String {
    establish_from(net, addr(PEER), call_id)
}

fn with_sdp(text: String, direction: &str, version: u32) -> String {
    let sdp = format!(
        "v=0\r\no=- 1 {version} IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na={direction}\r\n"
    );
    text.replace(
        "Content-Length: 0\n\n",
        &format!(
            "Content-Type: application/sdp\nContent-Length: {}\n\n{sdp}",
            sdp.len()
        ),
    )
}

fn sdp_of(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    text.split("\r\n\r\n").nth(1).unwrap_or("").to_owned()
}

#[test]
fn a_re_invite_puts_the_call_on_hold_and_takes_it_off() {
    let mut net = uas();
    let tag = establish(&mut net, "hold@peer");
    let peer = addr(PEER);
    let call = net.nodes[0].ep.call_ids()[0];
    let hold = with_sdp(
        in_dialog("INVITE", peer, "z9hG4bKh1", "hold@peer", &tag, 2, ""),
        "sendonly",
        2,
    );
    net.inject(0, peer, &hold);
    let ok = net.outside.last().expect("200").data.clone();
    assert_eq!(status_of(&ok), Some(200));
    let first = sdp_of(
        &net.outside
            .iter()
            .find(|t| status_of(&t.data) == Some(200))
            .expect("first")
            .data,
    );
    let held = sdp_of(&ok);
    assert!(held.contains("a=recvonly"), "{held}");
    assert!(net.events(0).contains(&Event::Hold {
        call,
        on_hold: true
    }));
    let version = |sdp: &str| {
        sdp.lines()
            .find(|l| l.starts_with("o="))
            .and_then(|o| o.split(' ').nth(2))
            .map(str::to_owned)
    };
    assert_ne!(version(&first), version(&held));
    net.inject(
        0,
        peer,
        &in_dialog("ACK", peer, "z9hG4bKh1a", "hold@peer", &tag, 2, ""),
    );
    let resume = with_sdp(
        in_dialog("INVITE", peer, "z9hG4bKh2", "hold@peer", &tag, 3, ""),
        "sendrecv",
        3,
    );
    net.inject(0, peer, &resume);
    let resumed = sdp_of(&net.outside.last().expect("200").data);
    assert!(resumed.contains("a=sendrecv"));
    assert!(net.events(0).contains(&Event::Hold {
        call,
        on_hold: false
    }));
    net.inject(
        0,
        peer,
        &in_dialog("ACK", peer, "z9hG4bKh2a", "hold@peer", &tag, 3, ""),
    );
    net.inject(
        0,
        peer,
        &in_dialog("BYE", peer, "z9hG4bKh3", "hold@peer", &tag, 4, ""),
    );
    assert!(matches!(
        ended(net.events(0)).as_slice(),
        [EndReason::Bye { reason: None }]
    ));
    net.finish();
}

#[test]
fn a_re_invite_without_sdp_gets_an_offer_answered_in_the_ack() {
    let mut net = uas();
    let tag = establish(&mut net, "offerless@peer");
    let peer = addr(PEER);
    net.inject(
        0,
        peer,
        &in_dialog("INVITE", peer, "z9hG4bKn1", "offerless@peer", &tag, 2, ""),
    );
    let ok = net.outside.last().expect("200").data.clone();
    assert_eq!(status_of(&ok), Some(200));
    let offer = sdp_of(&ok);
    assert!(
        offer.contains("m=audio") && offer.contains("RTP/AVP 9 0 8 101"),
        "{offer}"
    );
    let ack = with_sdp(
        in_dialog("ACK", peer, "z9hG4bKn1a", "offerless@peer", &tag, 2, ""),
        "sendrecv",
        2,
    );
    net.inject(0, peer, &ack);
    net.advance(Duration::from_secs(2));
    let oks = net.outside_statuses().iter().filter(|s| **s == 200).count();
    assert_eq!(oks, 2, "the ACK stopped the retransmission of the 200");
    net.inject(
        0,
        peer,
        &in_dialog("BYE", peer, "z9hG4bKn2", "offerless@peer", &tag, 3, ""),
    );
    net.finish();
}

#[test]
fn update_with_sdp_is_answered_and_without_sdp_is_a_refresh() {
    let mut net = uas();
    let tag = establish(&mut net, "update@peer");
    let peer = addr(PEER);
    let update = with_sdp(
        in_dialog("UPDATE", peer, "z9hG4bKu1", "update@peer", &tag, 2, ""),
        "sendrecv",
        2,
    );
    net.inject(0, peer, &update);
    let ok = net.outside.last().expect("200").data.clone();
    assert_eq!(status_of(&ok), Some(200));
    assert!(sdp_of(&ok).contains("m=audio"));
    net.inject(
        0,
        peer,
        &in_dialog("UPDATE", peer, "z9hG4bKu2", "update@peer", &tag, 3, ""),
    );
    let refresh = net.outside.last().expect("200").data.clone();
    assert_eq!(status_of(&refresh), Some(200));
    assert!(sdp_of(&refresh).is_empty());
    net.inject(
        0,
        peer,
        &in_dialog("BYE", peer, "z9hG4bKu3", "update@peer", &tag, 4, ""),
    );
    net.finish();
}

#[test]
fn our_outbound_call_follows_the_2xx_contact_and_record_route() {
    let mut net = uas();
    let far = addr("127.0.0.1:7002");
    let now = net.now;
    let call = net.nodes[0]
        .ep
        .dial(now, DialRequest::new("sip:bob@127.0.0.1:7002", far))
        .expect("dial");
    net.settle();
    let inv = net.outside[0].data.clone();
    let offer = sdp_of(&inv);
    assert!(offer.contains("m=audio"), "{offer}");
    let reply = |status: &str, extra: &str, body: &str| {
        format!(
            "SIP/2.0 {status}\nVia: {}\nFrom: {}\nTo: {};tag=far1\nCall-ID: {}\nCSeq: 1 INVITE\n{extra}Content-Length: {}\n\n{body}",
            header(&inv, "Via").expect("via"),
            header(&inv, "From").expect("from"),
            header(&inv, "To").expect("to"),
            header(&inv, "Call-ID").expect("call-id"),
            body.len()
        )
    };
    net.inject(0, far, &reply("180 Ringing", "", ""));
    assert_eq!(
        count(net.events(0), |e| matches!(e, Event::Ringing { .. })),
        1
    );
    let answer = "v=0\r\no=- 5 5 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 41000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";
    let ok = reply(
        "200 OK",
        &format!("Contact: <sip:bob@127.0.0.1:7003>\n{RR}Content-Type: application/sdp\n"),
        answer,
    );
    net.inject(0, far, &ok);
    let ack = net
        .outside
        .iter()
        .find(|t| t.data.starts_with(b"ACK "))
        .expect("ack");
    assert_eq!(
        ack.to,
        addr("127.0.0.1:7100"),
        "the last Record-Route is our first route"
    );
    let text = String::from_utf8_lossy(&ack.data).into_owned();
    assert!(
        text.starts_with("ACK sip:bob@127.0.0.1:7003 SIP/2.0"),
        "{text}"
    );
    let routes: Vec<&str> = text.lines().filter(|l| l.starts_with("Route:")).collect();
    assert_eq!(
        routes,
        vec![
            "Route: <sip:p1@127.0.0.1:7100;lr>",
            "Route: <sip:p2@127.0.0.1:7101;lr>"
        ]
    );
    let started = net.events(0).iter().find_map(|e| match e {
        Event::CallStarted { info, .. } => Some(info.codec),
        _ => None,
    });
    assert_eq!(started, Some(Some(sipvoice_core::codec::Codec::Pcmu)));
    net.inject(0, far, &ok);
    assert_eq!(
        net.outside
            .iter()
            .filter(|t| t.data.starts_with(b"ACK "))
            .count(),
        2,
        "a retransmitted 2xx is ACKed again"
    );
    let now = net.now;
    net.ep(0).hangup(now, call).expect("hangup");
    net.settle();
    assert!(
        net.outside
            .iter()
            .any(|t| t.data.starts_with(b"BYE sip:bob@127.0.0.1:7003"))
    );
    net.finish();
}

#[test]
fn hanging_up_before_any_provisional_waits_for_one_before_cancelling() {
    let mut net = uas();
    let far = addr("127.0.0.1:7004");
    let now = net.now;
    let call = net.nodes[0]
        .ep
        .dial(now, DialRequest::new("sip:slow@127.0.0.1:7004", far))
        .expect("dial");
    net.settle();
    net.ep(0).hangup(now, call).expect("hangup");
    net.settle();
    assert!(
        !net.outside.iter().any(|t| t.data.starts_with(b"CANCEL")),
        "no CANCEL before a 1xx"
    );
    let inv = net.outside[0].data.clone();
    let trying = format!(
        "SIP/2.0 100 Trying\nVia: {}\nFrom: {}\nTo: {}\nCall-ID: {}\nCSeq: 1 INVITE\nContent-Length: 0\n\n",
        header(&inv, "Via").expect("via"),
        header(&inv, "From").expect("from"),
        header(&inv, "To").expect("to"),
        header(&inv, "Call-ID").expect("call-id"),
    );
    net.inject(0, far, &trying);
    assert!(net.outside.iter().any(|t| t.data.starts_with(b"CANCEL")));
    net.advance(Duration::from_secs(33));
    assert_eq!(ended(net.events(0)), vec![EndReason::LocalHangup]);
    net.finish();
}

#[test]
fn a_407_is_answered_with_proxy_authorization_when_credentials_are_given() {
    let mut net = uas();
    let far = addr("127.0.0.1:7006");
    let mut req = DialRequest::new("sip:bob@127.0.0.1:7006", far);
    req.credentials = Some(("alice".into(), "secret".into()));
    let now = net.now;
    net.nodes[0].ep.dial(now, req).expect("dial");
    net.settle();
    let inv = net.outside[0].data.clone();
    let challenge = format!(
        "SIP/2.0 407 Proxy Authentication Required\nVia: {}\nFrom: {}\nTo: {};tag=px\nCall-ID: {}\nCSeq: 1 INVITE\nProxy-Authenticate: Digest realm=\"proxy.test\", nonce=\"n0nce\", qop=\"auth\", algorithm=MD5\nContent-Length: 0\n\n",
        header(&inv, "Via").expect("via"),
        header(&inv, "From").expect("from"),
        header(&inv, "To").expect("to"),
        header(&inv, "Call-ID").expect("call-id"),
    );
    net.inject(0, far, &challenge);
    let retry = net
        .outside
        .iter()
        .filter(|t| t.data.starts_with(b"INVITE "))
        .nth(1)
        .expect("second INVITE");
    let auth = header(&retry.data, "Proxy-Authorization").expect("credentials");
    assert!(
        auth.starts_with("Digest username=\"alice\", realm=\"proxy.test\""),
        "{auth}"
    );
    assert_eq!(header(&retry.data, "CSeq").as_deref(), Some("2 INVITE"));
    assert!(!auth.contains("secret"));
    let now = net.now;
    net.ep(0).shutdown(now);
    net.advance(Duration::from_secs(33));
    assert_eq!(ended(net.events(0)), vec![EndReason::Shutdown]);
    net.finish();
}

#[test]
fn an_invite_without_sdp_gets_our_offer_and_the_ack_carries_the_answer() {
    let mut net = uas();
    let peer = addr(PEER);
    let inv = invite(peer, "z9hG4bKol", "offerless-invite@peer", "");
    let head = inv
        .split("Content-Type: application/sdp")
        .next()
        .expect("head");
    net.inject(0, peer, &format!("{head}Content-Length: 0\n\n"));
    let ok = net
        .outside
        .iter()
        .find(|t| status_of(&t.data) == Some(200))
        .expect("200")
        .data
        .clone();
    assert!(sdp_of(&ok).contains("RTP/AVP 9 0 8 101"), "our full offer");
    let tag = to_tag(&ok).expect("tag");
    assert_eq!(
        count(net.events(0), |e| matches!(e, Event::CallStarted { .. })),
        0
    );
    let ack = with_sdp(
        in_dialog(
            "ACK",
            peer,
            "z9hG4bKola",
            "offerless-invite@peer",
            &tag,
            1,
            "",
        ),
        "sendrecv",
        1,
    );
    net.inject(0, peer, &ack);
    let info = net.events(0).iter().find_map(|e| match e {
        Event::CallStarted { info, .. } => Some(info.clone()),
        _ => None,
    });
    assert_eq!(
        info.and_then(|i| i.codec),
        Some(sipvoice_core::codec::Codec::Pcmu)
    );
    net.inject(
        0,
        peer,
        &in_dialog(
            "BYE",
            peer,
            "z9hG4bKolb",
            "offerless-invite@peer",
            &tag,
            2,
            "",
        ),
    );
    net.finish();
}

#[test]
fn hanging_up_a_ringing_inbound_call_answers_486() {
    let mut c = config("127.0.0.1:5060", 2);
    c.answer_delay = Duration::from_secs(3);
    let mut net = Net::new(vec![("uas", c)]);
    let peer = addr(PEER);
    net.inject(0, peer, &invite(peer, "z9hG4bKring", "ring@peer", ""));
    assert_eq!(net.outside_statuses(), vec![100, 180]);
    let call = net.nodes[0].ep.call_ids()[0];
    let now = net.now;
    net.ep(0).hangup(now, call).expect("hangup");
    net.advance(Duration::from_secs(5));
    assert_eq!(net.outside_statuses()[..3], [100, 180, 486]);
    assert!(!net.outside_statuses().contains(&200));
    assert_eq!(ended(net.events(0)), vec![EndReason::LocalHangup]);
    net.finish();
}

#[test]
fn an_undecided_call_times_out_with_480() {
    let mut c = config("127.0.0.1:5060", 2);
    c.answer_policy = sipvoice_core::AnswerPolicy::Ask;
    let mut net = Net::new(vec![("uas", c)]);
    let peer = addr(PEER);
    net.inject(0, peer, &invite(peer, "z9hG4bKund", "undecided@peer", ""));
    net.advance(Duration::from_secs(181));
    assert_eq!(net.outside_statuses()[..2], [100, 480]);
    assert_eq!(
        ended(net.events(0)),
        vec![EndReason::Rejected { status: 480 }]
    );
    net.finish();
}
