//! RFC 3261 §17 transactions driven by hand-written messages: retransmissions absorbed,
//! timers A B D E F G H I J K L M, the RFC 2543 fallback, response routing.

mod endpoint_support;

use std::time::Duration;

use endpoint_support::{
    Net, addr, config, count, ended, establish_from, header, in_dialog, invite, to_tag,
};
use sipvoice_core::AnswerPolicy;
use sipvoice_core::endpoint::{DialRequest, EndReason, Event};

const PEER: &str = "127.0.0.1:7000";

fn uas() -> Net {
    Net::new(vec![("uas", config("127.0.0.1:5060", 2))])
}

fn asking() -> Net {
    let mut c = config("127.0.0.1:5060", 2);
    c.answer_policy = AnswerPolicy::Ask;
    Net::new(vec![("uas", c)])
}

fn statuses(net: &Net) -> Vec<u16> {
    net.outside_statuses()
}

#[test]
fn a_retransmitted_invite_never_makes_a_second_call() {
    let mut net = uas();
    let peer = addr(PEER);
    net.nodes[0].hold_binds = true;
    let inv = invite(peer, "z9hG4bKr1", "retx@peer", "");
    net.inject(0, peer, &inv);
    net.inject(0, peer, &inv);
    assert_eq!(
        statuses(&net),
        vec![100, 100],
        "before the answer: the 100 again"
    );
    assert_eq!(net.nodes[0].ep.counts().calls, 1);
    let pending = std::mem::take(&mut net.nodes[0].pending_binds);
    let now = net.now;
    for a in pending {
        net.nodes[0].bound.insert(a);
        net.nodes[0].ep.handle_bind_result(now, a, true);
    }
    net.nodes[0].hold_binds = false;
    net.settle();
    assert_eq!(statuses(&net), vec![100, 100, 180, 200]);
    net.inject(0, peer, &inv);
    assert_eq!(
        statuses(&net),
        vec![100, 100, 180, 200, 200],
        "after the answer: the 200 again"
    );
    let tag = to_tag(&net.outside[3].data).expect("tag");
    net.inject(
        0,
        peer,
        &in_dialog("ACK", peer, "z9hG4bKa1", "retx@peer", &tag, 1, ""),
    );
    assert_eq!(
        count(net.events(0), |e| matches!(e, Event::CallStarted { .. })),
        1
    );
    net.inject(
        0,
        peer,
        &in_dialog("BYE", peer, "z9hG4bKb1", "retx@peer", &tag, 2, ""),
    );
    assert_eq!(ended(net.events(0)).len(), 1);
    net.inject(0, peer, &inv);
    assert_eq!(
        statuses(&net),
        vec![100, 100, 180, 200, 200, 200, 200],
        "after the end: still the 200"
    );
    assert_eq!(net.nodes[0].ep.counts().calls, 0);
    assert_eq!(
        count(net.events(0), |e| matches!(e, Event::CallStarted { .. })),
        1
    );
    net.finish();
}

#[test]
fn a_non_2xx_final_is_retransmitted_on_timer_g_until_the_ack() {
    let mut net = asking();
    let peer = addr(PEER);
    let inv = invite(peer, "z9hG4bKg1", "g@peer", "");
    net.inject(0, peer, &inv);
    let call = net.nodes[0].ep.call_ids()[0];
    let now = net.now;
    net.ep(0)
        .reject(now, call, 486, "Busy Here")
        .expect("reject");
    net.settle();
    assert_eq!(statuses(&net), vec![100, 486]);
    net.advance(Duration::from_millis(500));
    net.advance(Duration::from_millis(1000));
    assert_eq!(statuses(&net), vec![100, 486, 486, 486]);
    let tag = to_tag(&net.outside[1].data).expect("tag");
    let ack = in_dialog("ACK", peer, "z9hG4bKg1", "g@peer", &tag, 1, "");
    net.inject(0, peer, &ack);
    net.advance(Duration::from_secs(10));
    assert_eq!(
        statuses(&net),
        vec![100, 486, 486, 486],
        "absorbed, no more"
    );
    assert_eq!(
        ended(net.events(0)),
        vec![EndReason::Rejected { status: 486 }]
    );
    net.finish();
}

#[test]
fn timer_h_gives_up_on_a_missing_ack() {
    let mut net = asking();
    let peer = addr(PEER);
    net.inject(0, peer, &invite(peer, "z9hG4bKh1", "h@peer", ""));
    let call = net.nodes[0].ep.call_ids()[0];
    let now = net.now;
    net.ep(0).reject(now, call, 603, "Decline").expect("reject");
    net.advance(Duration::from_secs(31));
    assert_eq!(net.nodes[0].ep.counts().transactions, 1);
    let sent = statuses(&net).iter().filter(|s| **s == 603).count();
    // 0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5
    assert_eq!(sent, 10);
    net.advance(Duration::from_secs(2));
    assert_eq!(net.nodes[0].ep.counts().transactions, 0);
    net.finish();
}

#[test]
fn rfc2543_requests_without_a_branch_match_by_dialog_fields() {
    let mut net = asking();
    let peer = addr(PEER);
    let inv = invite(peer, "old", "2543@peer", "").replace(";branch=old", "");
    net.inject(0, peer, &inv);
    net.inject(0, peer, &inv);
    assert_eq!(net.nodes[0].ep.counts().calls, 1);
    let call = net.nodes[0].ep.call_ids()[0];
    let now = net.now;
    net.ep(0)
        .reject(now, call, 480, "Temporarily Unavailable")
        .expect("reject");
    net.settle();
    let tag = to_tag(&net.outside[2].data).expect("tag");
    let ack = in_dialog("ACK", peer, "x", "2543@peer", &tag, 1, "").replace(";branch=x", "");
    net.inject(0, peer, &ack);
    net.advance(Duration::from_secs(5));
    assert_eq!(
        statuses(&net),
        vec![100, 100, 480],
        "the ACK matched the INVITE transaction"
    );
    net.finish();
}

#[test]
fn a_retransmitted_options_gets_the_same_answer_until_timer_j() {
    let mut net = uas();
    let peer = addr(PEER);
    let options = format!(
        "OPTIONS sip:bot@127.0.0.1:5060 SIP/2.0\nVia: SIP/2.0/UDP {PEER};branch=z9hG4bKo1\nMax-Forwards: 70\nFrom: <sip:a@x>;tag=1\nTo: <sip:bot@127.0.0.1>\nCall-ID: o@peer\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n"
    );
    net.inject(0, peer, &options);
    net.inject(0, peer, &options);
    assert_eq!(statuses(&net), vec![200, 200]);
    assert_eq!(net.outside[0].data, net.outside[1].data);
    assert_eq!(net.nodes[0].ep.counts().transactions, 1);
    net.advance(Duration::from_secs(33));
    assert_eq!(net.nodes[0].ep.counts().transactions, 0);
    net.finish();
}

#[test]
fn an_unanswered_invite_is_retransmitted_on_timer_a_and_times_out_on_timer_b() {
    let mut net = uas();
    let now = net.now;
    let call = net.nodes[0]
        .ep
        .dial(
            now,
            DialRequest::new("sip:nobody@127.0.0.1:7001", addr("127.0.0.1:7001")),
        )
        .expect("dial");
    net.settle();
    net.advance(Duration::from_millis(31_900));
    let invites = net
        .outside
        .iter()
        .filter(|t| t.data.starts_with(b"INVITE "))
        .count();
    assert_eq!(invites, 7, "0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s");
    net.advance(Duration::from_millis(200));
    assert_eq!(ended(net.events(0)), vec![EndReason::Timeout]);
    assert!(net.nodes[0].ep.call_info(call).is_none());
    net.finish();
}

/// Establishes a call from the peer; returns our To tag.
fn establish(net: &mut Net, call_id: &str) -> String {
    establish_from(net, addr(PEER), call_id)
}

#[test]
fn an_unanswered_bye_is_retransmitted_on_timer_e_until_timer_f() {
    let mut net = uas();
    establish(&mut net, "e@peer");
    net.advance(Duration::from_secs(33));
    let call = net.nodes[0].ep.call_ids()[0];
    let now = net.now;
    net.ep(0).hangup(now, call).expect("hangup");
    net.advance(Duration::from_millis(31_900));
    let byes = net
        .outside
        .iter()
        .filter(|t| t.data.starts_with(b"BYE "))
        .count();
    assert_eq!(
        byes, 11,
        "T1 doubling to T2: 0, .5, 1.5, 3.5, 7.5, 11.5, ... 31.5 s"
    );
    assert_eq!(net.nodes[0].ep.counts().transactions, 1);
    net.advance(Duration::from_millis(200));
    assert_eq!(net.nodes[0].ep.counts().transactions, 0);
    net.finish();
}

#[test]
fn a_final_response_to_our_bye_stops_it_and_timer_k_reaps() {
    let mut net = uas();
    establish(&mut net, "k@peer");
    net.advance(Duration::from_secs(33));
    let call = net.nodes[0].ep.call_ids()[0];
    let now = net.now;
    net.ep(0).hangup(now, call).expect("hangup");
    net.settle();
    let bye = net
        .outside
        .iter()
        .find(|t| t.data.starts_with(b"BYE "))
        .expect("bye")
        .data
        .clone();
    let via = header(&bye, "Via").expect("via");
    let ok = format!(
        "SIP/2.0 200 OK\nVia: {via}\nFrom: {}\nTo: {}\nCall-ID: k@peer\nCSeq: {}\nContent-Length: 0\n\n",
        header(&bye, "From").expect("from"),
        header(&bye, "To").expect("to"),
        header(&bye, "CSeq").expect("cseq")
    );
    net.inject(0, addr(PEER), &ok);
    net.inject(0, addr(PEER), &ok);
    net.advance(Duration::from_secs(4));
    let byes = net
        .outside
        .iter()
        .filter(|t| t.data.starts_with(b"BYE "))
        .count();
    assert_eq!(byes, 1);
    assert_eq!(
        net.nodes[0].ep.counts().transactions,
        1,
        "Timer K (T4) still absorbs"
    );
    net.advance(Duration::from_secs(2));
    assert_eq!(net.nodes[0].ep.counts().transactions, 0);
    assert_eq!(net.nodes[0].ep.drops().stray_responses, 0);
    net.finish();
}

#[test]
fn a_final_to_our_invite_is_acked_again_when_retransmitted_timer_d() {
    let mut net = uas();
    let now = net.now;
    net.nodes[0]
        .ep
        .dial(
            now,
            DialRequest::new("sip:busy@127.0.0.1:7002", addr("127.0.0.1:7002")),
        )
        .expect("dial");
    net.settle();
    let inv = net.outside[0].data.clone();
    let busy = format!(
        "SIP/2.0 486 Busy Here\nVia: {}\nFrom: {}\nTo: {};tag=p9\nCall-ID: {}\nCSeq: 1 INVITE\nContent-Length: 0\n\n",
        header(&inv, "Via").expect("via"),
        header(&inv, "From").expect("from"),
        header(&inv, "To").expect("to"),
        header(&inv, "Call-ID").expect("call-id")
    );
    net.inject(0, addr("127.0.0.1:7002"), &busy);
    net.inject(0, addr("127.0.0.1:7002"), &busy);
    let acks = net
        .outside
        .iter()
        .filter(|t| t.data.starts_with(b"ACK "))
        .count();
    assert_eq!(acks, 2);
    assert_eq!(
        ended(net.events(0)),
        vec![EndReason::Rejected { status: 486 }]
    );
    net.advance(Duration::from_secs(31));
    assert_eq!(net.nodes[0].ep.counts().transactions, 1);
    net.advance(Duration::from_secs(2));
    assert_eq!(net.nodes[0].ep.counts().transactions, 0);
    net.finish();
}

#[test]
fn a_response_matching_nothing_is_counted_and_dropped() {
    let mut net = uas();
    let stray = "SIP/2.0 200 OK\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKnothing\nFrom: <sip:a@x>;tag=1\nTo: <sip:b@y>;tag=2\nCall-ID: stray\nCSeq: 1 BYE\nContent-Length: 0\n\n";
    net.inject(0, addr(PEER), stray);
    assert_eq!(net.nodes[0].ep.drops().stray_responses, 1);
    assert!(net.outside.is_empty());
    net.finish();
}

#[test]
fn a_spurious_timeout_does_nothing() {
    let mut net = uas();
    for _ in 0..3 {
        let now = net.now;
        net.ep(0).handle_timeout(now);
        net.settle();
    }
    assert!(net.outside.is_empty());
    assert!(net.events(0).is_empty());
    net.finish();
}

#[test]
fn responses_go_to_received_and_rport_and_the_via_is_stamped() {
    let mut net = uas();
    let source = addr("127.0.0.1:7000");
    let with_rport = "OPTIONS sip:bot@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 10.9.9.9:5099;branch=z9hG4bKv1;rport\nMax-Forwards: 70\nFrom: <sip:a@x>;tag=1\nTo: <sip:bot@127.0.0.1>\nCall-ID: v1\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n";
    net.inject(0, source, with_rport);
    assert_eq!(net.outside[0].to, source);
    let via = header(&net.outside[0].data, "Via").expect("via");
    assert_eq!(
        via,
        "SIP/2.0/UDP 10.9.9.9:5099;branch=z9hG4bKv1;rport=7000;received=127.0.0.1"
    );
    let without = "OPTIONS sip:bot@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:7005;branch=z9hG4bKv2\nMax-Forwards: 70\nFrom: <sip:a@x>;tag=1\nTo: <sip:bot@127.0.0.1>\nCall-ID: v2\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n";
    net.inject(0, source, without);
    assert_eq!(
        net.outside[1].to,
        addr("127.0.0.1:7005"),
        "the sent-by port without rport"
    );
    let received = "OPTIONS sip:bot@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 10.9.9.9:5099;branch=z9hG4bKv3\nMax-Forwards: 70\nFrom: <sip:a@x>;tag=1\nTo: <sip:bot@127.0.0.1>\nCall-ID: v3\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n";
    net.inject(0, source, received);
    assert_eq!(
        net.outside[2].to,
        addr("127.0.0.1:5099"),
        "received IP, sent-by port"
    );
    net.finish();
}
