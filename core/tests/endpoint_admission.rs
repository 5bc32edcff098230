//! Admission of inbound calls: application decision, capacity, session ids, X-headers,
//! CANCEL in every phase, and digest authentication.

mod endpoint_support;

use std::time::Duration;

use endpoint_support::{
    Net, addr, config, count, ended, header, in_dialog, invite, status_of, to_tag,
};
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use sipvoice_core::auth::{Challenge, DigestClient};
use sipvoice_core::endpoint::{DialRequest, EndReason, Event};
use sipvoice_core::{AnswerPolicy, Config, Password};

const PEER: &str = "127.0.0.1:7000";

fn uac() -> Config {
    config("127.0.0.1:5070", 1)
}

fn uas_with(f: impl FnOnce(&mut Config)) -> Config {
    let mut c = config("127.0.0.1:5060", 2);
    f(&mut c);
    c
}

fn dial_with(net: &mut Net, headers: &[(&str, &str)], credentials: Option<(&str, &str)>) {
    let mut req = DialRequest::new("sip:bot@127.0.0.1:5060", addr("127.0.0.1:5060"));
    req.headers = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    req.credentials = credentials.map(|(u, p)| (u.to_owned(), p.to_owned()));
    let now = net.now;
    net.ep(0).dial(now, req).expect("dial");
    net.settle();
}

fn lines_with(net: &Net, prefix: &str) -> usize {
    net.first_lines()
        .iter()
        .filter(|l| l.starts_with(prefix))
        .count()
}

#[test]
fn ask_policy_announces_the_call_and_accept_answers_it() {
    let mut net = Net::pair(uac(), uas_with(|c| c.answer_policy = AnswerPolicy::Ask));
    dial_with(&mut net, &[], None);
    let incoming = net.events(1).iter().find_map(|e| match e {
        Event::IncomingCall { call, .. } => Some(*call),
        _ => None,
    });
    let call = incoming.expect("IncomingCall");
    assert_eq!(
        lines_with(&net, "uas -> uac SIP/2.0 180"),
        0,
        "nothing before the decision"
    );
    let now = net.now;
    net.ep(1).accept(now, call).expect("accept");
    net.settle();
    assert_eq!(
        count(net.events(1), |e| matches!(e, Event::CallStarted { .. })),
        1
    );
    assert!(net.ep(1).accept(now, call).is_err(), "decided already");
    net.ep(1).hangup(now, call).expect("hangup");
    net.finish();
}

#[test]
fn the_application_may_reject_with_its_own_status() {
    let mut net = Net::pair(uac(), uas_with(|c| c.answer_policy = AnswerPolicy::Ask));
    dial_with(&mut net, &[], None);
    let call = net.nodes[1].ep.call_ids()[0];
    let now = net.now;
    net.ep(1).reject(now, call, 603, "Decline").expect("reject");
    net.settle();
    assert!(
        net.first_lines()
            .iter()
            .any(|l| l == "uas -> uac SIP/2.0 603 Decline")
    );
    assert_eq!(
        ended(net.events(1)),
        vec![EndReason::Rejected { status: 603 }]
    );
    assert_eq!(
        ended(net.events(0)),
        vec![EndReason::Rejected { status: 603 }]
    );
    net.finish();
}

#[test]
fn max_sessions_reached_gets_503_with_retry_after() {
    let mut net = Net::pair(uac(), uas_with(|c| c.max_sessions = 1));
    dial_with(&mut net, &[], None);
    dial_with(&mut net, &[], None);
    let refused = net
        .ladder
        .iter()
        .find(|(_, _, t)| t.starts_with("SIP/2.0 503"))
        .expect("503");
    assert_eq!(
        header(refused.2.as_bytes(), "Retry-After").as_deref(),
        Some("5")
    );
    assert!(
        net.events(1)
            .iter()
            .any(|e| matches!(e, Event::CallRejected { status: 503, .. }))
    );
    assert_eq!(net.nodes[1].ep.counts().calls, 1);
    let now = net.now;
    net.ep(0).shutdown(now);
    net.finish();
}

#[test]
fn a_session_id_already_live_gets_486() {
    let mut net = Net::pair(uac(), config("127.0.0.1:5060", 2));
    dial_with(&mut net, &[("X-Session-ID", "s-1")], None);
    dial_with(&mut net, &[("X-Session-ID", "s-1")], None);
    assert!(
        net.first_lines()
            .iter()
            .any(|l| l == "uas -> uac SIP/2.0 486 Busy Here")
    );
    assert!(
        net.events(1)
            .iter()
            .any(|e| matches!(e, Event::CallRejected { status: 486, .. }))
    );
    let now = net.now;
    net.ep(0).shutdown(now);
    net.finish();
}

#[test]
fn x_headers_room_and_session_reach_the_application_in_order() {
    let mut net = Net::pair(uac(), config("127.0.0.1:5060", 2));
    dial_with(
        &mut net,
        &[
            ("X-Room-ID", "lobby"),
            ("X-Session-ID", "sess-9"),
            ("X-Tenant", "acme"),
        ],
        None,
    );
    let info = net
        .events(1)
        .iter()
        .find_map(|e| match e {
            Event::CallStarted { info, .. } => Some(info.clone()),
            _ => None,
        })
        .expect("started");
    assert_eq!(info.room_id.as_deref(), Some("lobby"));
    assert_eq!(info.session_id, "sess-9");
    let names: Vec<&str> = info.x_headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, vec!["X-Room-ID", "X-Session-ID", "X-Tenant"]);
    assert_eq!(info.codec, Some(sipvoice_core::codec::Codec::G722));
    assert_eq!(info.sample_rate, 16000);
    assert_eq!(info.dtmf_payload_type, Some(101));
    let call = net.nodes[1].ep.call_ids()[0];
    assert_eq!(
        net.nodes[1]
            .ep
            .call_info(call)
            .map(|i| i.session_id.as_str()),
        Some("sess-9")
    );
    let now = net.now;
    net.ep(1).hangup(now, call).expect("hangup");
    net.finish();
}

#[test]
fn cancel_before_the_answer_gets_200_and_487_and_ends_the_call() {
    let mut net = Net::pair(uac(), uas_with(|c| c.answer_policy = AnswerPolicy::Ask));
    dial_with(&mut net, &[], None);
    let call = net.nodes[0].ep.call_ids()[0];
    let now = net.now;
    net.ep(0).hangup(now, call).expect("hangup");
    net.settle();
    let lines = net.first_lines();
    assert!(lines.iter().any(|l| l.starts_with("uac -> uas CANCEL")));
    assert!(
        lines
            .iter()
            .any(|l| l == "uas -> uac SIP/2.0 487 Request Terminated")
    );
    assert_eq!(ended(net.events(1)), vec![EndReason::Cancel]);
    assert_eq!(ended(net.events(0)), vec![EndReason::LocalHangup]);
    net.finish();
}

#[test]
fn a_cancel_racing_the_answer_never_yields_a_200_after_the_487() {
    let mut net = Net::pair(uac(), uas_with(|c| c.answer_delay = Duration::from_secs(2)));
    dial_with(&mut net, &[], None);
    assert_eq!(lines_with(&net, "uas -> uac SIP/2.0 180"), 1);
    net.advance(Duration::from_millis(1999));
    let call = net.nodes[0].ep.call_ids()[0];
    let now = net.now;
    net.ep(0).hangup(now, call).expect("hangup");
    net.advance(Duration::from_secs(5));
    assert!(
        net.first_lines()
            .iter()
            .any(|l| l.ends_with("487 Request Terminated"))
    );
    let invite_oks = net
        .ladder
        .iter()
        .filter(|(f, _, t)| f == "uas" && t.starts_with("SIP/2.0 200") && t.contains(" INVITE\r\n"))
        .count();
    assert_eq!(invite_oks, 0);
    assert_eq!(ended(net.events(1)), vec![EndReason::Cancel]);
    net.finish();
}

#[test]
fn a_cancel_after_the_200_is_answered_200_and_changes_nothing() {
    let mut net = Net::new(vec![("uas", config("127.0.0.1:5060", 2))]);
    let peer = addr(PEER);
    let inv = invite(peer, "z9hG4bKc1", "late@peer", "");
    net.inject(0, peer, &inv);
    let tag = net
        .outside
        .iter()
        .find_map(|t| {
            (status_of(&t.data) == Some(200))
                .then(|| to_tag(&t.data))
                .flatten()
        })
        .expect("tag");
    let cancel = format!(
        "CANCEL sip:bot@127.0.0.1:5060 SIP/2.0\nVia: SIP/2.0/UDP {PEER};branch=z9hG4bKc1;rport\nMax-Forwards: 70\nFrom: \"Alice\" <sip:alice@{PEER}>;tag=a1\nTo: <sip:bot@127.0.0.1:5060>\nCall-ID: late@peer\nCSeq: 1 CANCEL\nContent-Length: 0\n\n"
    );
    net.inject(0, peer, &cancel);
    assert_eq!(net.outside_statuses(), vec![100, 180, 200, 200]);
    assert_eq!(
        header(&net.outside[3].data, "CSeq").as_deref(),
        Some("1 CANCEL")
    );
    assert_eq!(net.nodes[0].ep.counts().calls, 1);
    net.inject(
        0,
        peer,
        &in_dialog("ACK", peer, "z9hG4bKa", "late@peer", &tag, 1, ""),
    );
    assert_eq!(
        count(net.events(0), |e| matches!(e, Event::CallStarted { .. })),
        1
    );
    net.inject(
        0,
        peer,
        &in_dialog("BYE", peer, "z9hG4bKb", "late@peer", &tag, 2, ""),
    );
    net.finish();
}

fn with_auth(c: &mut Config) {
    c.auth_users
        .insert("alice".into(), Password::new("wonderland"));
    c.auth_realm = "voice.test".into();
    c.nonce_lifetime = Duration::from_secs(60);
}

#[test]
fn digest_auth_challenges_md5_first_then_admits_the_right_password() {
    let mut net = Net::pair(uac(), uas_with(with_auth));
    dial_with(&mut net, &[], Some(("alice", "wonderland")));
    let challenge = net
        .ladder
        .iter()
        .find(|(_, _, t)| t.starts_with("SIP/2.0 401"))
        .expect("401");
    let algorithms: Vec<&str> = challenge
        .2
        .lines()
        .filter(|l| l.starts_with("WWW-Authenticate:"))
        .map(|l| {
            if l.contains("algorithm=MD5") {
                "MD5"
            } else if l.contains("SHA-256") {
                "SHA-256"
            } else {
                "?"
            }
        })
        .collect();
    assert_eq!(algorithms, vec!["MD5", "SHA-256"]);
    assert!(challenge.2.contains("qop=\"auth\""));
    assert!(net.ladder.iter().any(|(f, _, t)| f == "uac"
        && t.starts_with("INVITE")
        && t.contains("Authorization: Digest")));
    assert_eq!(
        count(net.events(1), |e| matches!(e, Event::CallStarted { .. })),
        1
    );
    assert!(
        !net.events(1)
            .iter()
            .any(|e| matches!(e, Event::CallRejected { .. }))
    );
    let call = net.nodes[0].ep.call_ids()[0];
    let now = net.now;
    net.ep(0).hangup(now, call).expect("hangup");
    net.finish();
}

#[test]
fn a_wrong_password_gets_403() {
    let mut net = Net::pair(uac(), uas_with(with_auth));
    dial_with(&mut net, &[], Some(("alice", "looking-glass")));
    assert!(
        net.first_lines()
            .iter()
            .any(|l| l == "uas -> uac SIP/2.0 403 Forbidden")
    );
    assert!(
        net.events(1)
            .iter()
            .any(|e| matches!(e, Event::CallRejected { status: 403, .. }))
    );
    assert_eq!(
        ended(net.events(0)),
        vec![EndReason::Rejected { status: 403 }]
    );
    let shown = format!("{:?}", net.events(1));
    assert!(!shown.contains("looking-glass") && !shown.contains("wonderland"));
    net.finish();
}

/// Sends an INVITE from the peer, returns the challenges of the 401.
fn challenged(net: &mut Net, branch: &str, call_id: &str) -> Vec<Challenge> {
    let peer = addr(PEER);
    net.inject(0, peer, &invite(peer, branch, call_id, ""));
    let resp = net.outside.last().expect("401").data.clone();
    assert_eq!(status_of(&resp), Some(401));
    String::from_utf8_lossy(&resp)
        .lines()
        .filter_map(|l| l.strip_prefix("WWW-Authenticate: "))
        .filter_map(|v| Challenge::parse(v).ok())
        .collect()
}

fn authorized(call_id: &str, branch: &str, auth: &str) -> String {
    invite(
        addr(PEER),
        branch,
        call_id,
        &format!("Authorization: {auth}\n"),
    )
}

#[test]
fn retransmissions_are_absorbed_before_auth_and_a_stale_nonce_is_challenged_stale() {
    let mut net = Net::new(vec![("uas", uas_with(with_auth))]);
    let peer = addr(PEER);
    let challenges = challenged(&mut net, "z9hG4bKs1", "stale@peer");
    net.inject(0, peer, &invite(peer, "z9hG4bKs1", "stale@peer", ""));
    assert_eq!(net.outside_statuses(), vec![100, 401, 401]);
    assert_eq!(
        net.nodes[0].ep.counts().nonces,
        1,
        "the retransmission got the same challenge"
    );
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut client = DigestClient::new("alice", "wonderland");
    let creds = client
        .answer(&challenges, "INVITE", "sip:bot@127.0.0.1:5060", &mut rng)
        .expect("credentials");
    net.advance(Duration::from_secs(61));
    net.inject(
        0,
        peer,
        &authorized("stale2@peer", "z9hG4bKs2", &creds.to_header_value()),
    );
    let resp = net.outside.last().expect("answer").data.clone();
    assert_eq!(status_of(&resp), Some(401));
    assert!(String::from_utf8_lossy(&resp).contains("stale=true"));
    net.finish();
}

#[test]
fn a_replayed_nonce_count_gets_403() {
    let mut net = Net::new(vec![("uas", uas_with(with_auth))]);
    let peer = addr(PEER);
    let challenges = challenged(&mut net, "z9hG4bKr1", "replay@peer");
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let mut client = DigestClient::new("alice", "wonderland");
    let creds = client
        .answer(&challenges, "INVITE", "sip:bot@127.0.0.1:5060", &mut rng)
        .expect("credentials")
        .to_header_value();
    net.inject(0, peer, &authorized("replay1@peer", "z9hG4bKr2", &creds));
    assert!(net.outside_statuses().contains(&200));
    net.inject(0, peer, &authorized("replay2@peer", "z9hG4bKr3", &creds));
    assert_eq!(net.outside_statuses().last(), Some(&403));
    assert!(
        net.events(0)
            .iter()
            .any(|e| matches!(e, Event::CallRejected { status: 403, .. }))
    );
    let now = net.now;
    net.ep(0).shutdown(now);
    net.finish();
}
