//! What the endpoint answers to requests it cannot or will not process: 400 naming the
//! problem, 405, 406, 415, 416, 420, 481, 482, 483, 488, 500, 501, dropped garbage; and
//! OPTIONS and INFO.

mod endpoint_support;

use endpoint_support::{
    Net, addr, config, establish_from, header, in_dialog, invite, status_of, to_tag,
};
use sipvoice_core::endpoint::{DtmfSource, Event};

const PEER: &str = "127.0.0.1:7000";

fn uas() -> Net {
    Net::new(vec![("uas", config("127.0.0.1:5060", 2))])
}

/// A request without body from the peer (out of dialog).
fn request(method: &str, uri: &str, branch: &str, extra: &str) -> String {
    format!(
        "{method} {uri} SIP/2.0\nVia: SIP/2.0/UDP {PEER};branch={branch}\nMax-Forwards: 70\nFrom: <sip:a@127.0.0.1>;tag=f1\nTo: <sip:bot@127.0.0.1>\nCall-ID: {branch}@peer\nCSeq: 1 {method}\n{extra}Content-Length: 0\n\n"
    )
}

/// Injects `text` and returns the last answer.
fn answer(net: &mut Net, text: &str) -> bytes::Bytes {
    net.inject(0, addr(PEER), text);
    net.outside.last().expect("an answer").data.clone()
}

fn first_line(data: &[u8]) -> String {
    String::from_utf8_lossy(data)
        .lines()
        .next()
        .unwrap_or("")
        .to_owned()
}

#[test]
fn an_unknown_method_gets_501_with_allow() {
    let mut net = uas();
    let resp = answer(
        &mut net,
        &request("FROBNICATE", "sip:bot@127.0.0.1", "z9hG4bK501", ""),
    );
    assert_eq!(status_of(&resp), Some(501));
    assert_eq!(
        header(&resp, "Allow").as_deref(),
        Some("INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE")
    );
    net.finish();
}

#[test]
fn a_known_but_unsupported_method_gets_405_with_allow() {
    let mut net = uas();
    let resp = answer(
        &mut net,
        &request("REGISTER", "sip:127.0.0.1", "z9hG4bK405", ""),
    );
    assert_eq!(status_of(&resp), Some(405));
    assert!(header(&resp, "Allow").is_some_and(|a| a.contains("INVITE")));
    net.finish();
}

#[test]
fn an_unsupported_body_type_gets_415_with_accept() {
    let mut net = uas();
    let peer = addr(PEER);
    let inv = invite(peer, "z9hG4bK415", "415@peer", "")
        .replace("Content-Type: application/sdp", "Content-Type: text/plain");
    let resp = answer(&mut net, &inv);
    assert_eq!(status_of(&resp), Some(415));
    assert_eq!(header(&resp, "Accept").as_deref(), Some("application/sdp"));
    assert!(net.events(0).is_empty() || net.nodes[0].ep.counts().calls == 0);
    net.finish();
}

#[test]
fn an_accept_without_sdp_gets_406() {
    let mut net = uas();
    let inv = invite(addr(PEER), "z9hG4bK406", "406@peer", "Accept: text/html\n");
    let resp = answer(&mut net, &inv);
    assert_eq!(status_of(&resp), Some(406));
    assert!(header(&resp, "Warning").is_some());
    net.finish();
}

#[test]
fn an_unsupported_uri_scheme_gets_416() {
    let mut net = uas();
    let resp = answer(
        &mut net,
        &request("OPTIONS", "tel:+15551234", "z9hG4bK416", ""),
    );
    assert_eq!(status_of(&resp), Some(416));
    net.finish();
}

#[test]
fn require_of_an_unknown_extension_gets_420_with_unsupported() {
    let mut net = uas();
    let resp = answer(
        &mut net,
        &request(
            "OPTIONS",
            "sip:bot@127.0.0.1",
            "z9hG4bK420",
            "Require: nothing-known, 100rel\n",
        ),
    );
    assert_eq!(status_of(&resp), Some(420));
    assert_eq!(
        header(&resp, "Unsupported").as_deref(),
        Some("nothing-known, 100rel")
    );
    net.finish();
}

#[test]
fn max_forwards_zero_out_of_dialog_gets_483_except_options() {
    let mut net = uas();
    let inv = invite(addr(PEER), "z9hG4bK483", "483@peer", "")
        .replace("Max-Forwards: 70", "Max-Forwards: 0");
    assert_eq!(status_of(&answer(&mut net, &inv)), Some(483));
    let options = request("OPTIONS", "sip:bot@127.0.0.1", "z9hG4bKmf0", "")
        .replace("Max-Forwards: 70", "Max-Forwards: 0");
    assert_eq!(
        status_of(&answer(&mut net, &options)),
        Some(200),
        "RFC 3261 §11: OPTIONS is answered"
    );
    net.finish();
}

#[test]
fn a_merged_request_gets_482() {
    let mut net = uas();
    net.nodes[0].hold_binds = true;
    let peer = addr(PEER);
    net.inject(0, peer, &invite(peer, "z9hG4bKm1", "merged@peer", ""));
    let resp = answer(&mut net, &invite(peer, "z9hG4bKm2", "merged@peer", ""));
    assert_eq!(status_of(&resp), Some(482));
    assert_eq!(net.nodes[0].ep.counts().calls, 1);
    let call = net.nodes[0].ep.call_ids()[0];
    let now = net.now;
    net.ep(0).hangup(now, call).expect("hangup");
    net.nodes[0].hold_binds = false;
    let pending = std::mem::take(&mut net.nodes[0].pending_binds);
    for a in pending {
        net.nodes[0].bound.insert(a);
        net.nodes[0].ep.handle_bind_result(now, a, true);
    }
    net.settle();
    net.finish();
}

#[test]
fn a_malformed_request_gets_400_naming_the_problem() {
    let mut net = uas();
    let text = request("OPTIONS", "sip:bot@127.0.0.1", "z9hG4bK400", "")
        .replace("Call-ID: z9hG4bK400@peer\n", "");
    let resp = answer(&mut net, &text);
    assert_eq!(
        first_line(&resp),
        "SIP/2.0 400 Bad Request - Missing Call-ID"
    );
    net.finish();
}

#[test]
fn garbage_is_dropped_and_counted() {
    let mut net = uas();
    net.inject(0, addr(PEER), "\u{1}\u{2} this is not SIP at all");
    net.inject(0, addr(PEER), "");
    assert!(net.outside.is_empty());
    assert_eq!(net.nodes[0].ep.drops().unparseable, 2);
    net.finish();
}

#[test]
fn a_bye_for_an_unknown_dialog_gets_481() {
    let mut net = uas();
    let bye = in_dialog(
        "BYE",
        addr(PEER),
        "z9hG4bK481",
        "nobody@peer",
        "nosuchtag",
        2,
        "",
    );
    assert_eq!(status_of(&answer(&mut net, &bye)), Some(481));
    let cancel = request("CANCEL", "sip:bot@127.0.0.1", "z9hG4bKc481", "");
    assert_eq!(status_of(&answer(&mut net, &cancel)), Some(481));
    let bye = request("BYE", "sip:bot@127.0.0.1", "z9hG4bKb481", "");
    assert_eq!(
        status_of(&answer(&mut net, &bye)),
        Some(481),
        "no To tag, no dialog"
    );
    net.finish();
}

/// Establishes a call from the peer; returns our To tag.
fn establish(net: &mut Net, call_id: &str) -> String {
    establish_from(net, addr(PEER), call_id)
}

#[test]
fn a_lower_cseq_in_the_dialog_gets_500() {
    let mut net = uas();
    let tag = establish(&mut net, "cseq@peer");
    let peer = addr(PEER);
    let info = in_dialog("INFO", peer, "z9hG4bKi5", "cseq@peer", &tag, 5, "");
    assert_eq!(status_of(&answer(&mut net, &info)), Some(200));
    let old = in_dialog("INFO", peer, "z9hG4bKi4", "cseq@peer", &tag, 4, "");
    let resp = answer(&mut net, &old);
    assert_eq!(status_of(&resp), Some(500));
    assert_eq!(to_tag(&resp), Some(tag.clone()));
    let bye = in_dialog("BYE", peer, "z9hG4bKbye", "cseq@peer", &tag, 6, "");
    assert_eq!(status_of(&answer(&mut net, &bye)), Some(200));
    net.finish();
}

#[test]
fn options_gets_an_honest_allow_accept_and_supported() {
    let mut net = uas();
    let resp = answer(
        &mut net,
        &request("OPTIONS", "sip:bot@127.0.0.1", "z9hG4bKopt", ""),
    );
    assert_eq!(status_of(&resp), Some(200));
    assert_eq!(
        header(&resp, "Allow").as_deref(),
        Some("INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE")
    );
    assert_eq!(header(&resp, "Accept").as_deref(), Some("application/sdp"));
    assert_eq!(header(&resp, "Supported").as_deref(), Some(""));
    assert!(to_tag(&resp).is_some());
    net.finish();
}

#[test]
fn options_inside_a_dialog_is_answered_too() {
    let mut net = uas();
    let tag = establish(&mut net, "opt@peer");
    let peer = addr(PEER);
    let options = in_dialog("OPTIONS", peer, "z9hG4bKo2", "opt@peer", &tag, 2, "");
    let resp = answer(&mut net, &options);
    assert_eq!(status_of(&resp), Some(200));
    assert!(header(&resp, "Allow").is_some());
    let bye = in_dialog("BYE", peer, "z9hG4bKbye", "opt@peer", &tag, 3, "");
    net.inject(0, peer, &bye);
    net.finish();
}

fn info_with(tag: &str, seq: u32, content_type: &str, body: &str) -> String {
    in_dialog(
        "INFO",
        addr(PEER),
        &format!("z9hG4bKinfo{seq}"),
        "info@peer",
        tag,
        seq,
        "",
    )
    .replace(
        "Content-Length: 0\n\n",
        &format!(
            "Content-Type: {content_type}\nContent-Length: {}\n\n{body}",
            body.len()
        ),
    )
}

#[test]
fn info_dtmf_relay_and_dtmf_reach_the_application() {
    let mut net = uas();
    let tag = establish(&mut net, "info@peer");
    let relay = info_with(
        &tag,
        2,
        "application/dtmf-relay",
        "Signal=5\r\nDuration=160\r\n",
    );
    assert_eq!(status_of(&answer(&mut net, &relay)), Some(200));
    let plain = info_with(&tag, 3, "application/dtmf", "#");
    assert_eq!(status_of(&answer(&mut net, &plain)), Some(200));
    let digits: Vec<(char, u32, DtmfSource)> = net
        .events(0)
        .iter()
        .filter_map(|e| match e {
            Event::Dtmf {
                digit,
                duration_ms,
                source,
                ..
            } => Some((*digit, *duration_ms, *source)),
            _ => None,
        })
        .collect();
    assert_eq!(
        digits,
        vec![('5', 160, DtmfSource::Info), ('#', 250, DtmfSource::Info)]
    );
    let other = info_with(&tag, 4, "text/plain", "hello");
    let resp = answer(&mut net, &other);
    assert_eq!(status_of(&resp), Some(415));
    assert_eq!(
        header(&resp, "Accept").as_deref(),
        Some("application/dtmf-relay, application/dtmf")
    );
    let bye = in_dialog("BYE", addr(PEER), "z9hG4bKbye", "info@peer", &tag, 5, "");
    net.inject(0, addr(PEER), &bye);
    net.finish();
}

#[test]
fn an_offer_without_a_common_codec_gets_488_with_a_warning() {
    let mut net = uas();
    let inv =
        invite(addr(PEER), "z9hG4bK488", "488@peer", "").replace("RTP/AVP 0 101", "RTP/AVP 18 101");
    let resp = answer(&mut net, &inv);
    assert_eq!(status_of(&resp), Some(488));
    assert!(header(&resp, "Warning").is_some_and(|w| w.starts_with("305 ")));
    assert!(
        net.events(0)
            .iter()
            .any(|e| matches!(e, Event::CallRejected { status: 488, .. }))
    );
    assert_eq!(net.nodes[0].ep.counts().ports, 0);
    net.finish();
}
