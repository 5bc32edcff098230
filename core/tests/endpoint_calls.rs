//! Complete calls between two in-process endpoints: the normal ladder, retransmissions,
//! lost ACKs, hang-ups both ways, and the port and socket accounting.

mod endpoint_support;

use std::time::Duration;

use endpoint_support::{Net, config, count, ended};
use sipvoice_core::endpoint::{EndReason, Event};

fn pair() -> Net {
    Net::pair(config("127.0.0.1:5070", 1), config("127.0.0.1:5060", 2))
}

#[test]
fn a_call_starts_and_ends_with_bye_both_sides_clean() {
    let mut net = pair();
    let call = net.dial(0, 1);
    let lines = net.first_lines();
    assert_eq!(
        lines,
        vec![
            "uac -> uas INVITE sip:bot@127.0.0.1:5060 SIP/2.0",
            "uas -> uac SIP/2.0 100 Trying",
            "uas -> uac SIP/2.0 180 Ringing",
            "uas -> uac SIP/2.0 200 OK",
            "uac -> uas ACK sip:sipvoice@127.0.0.1:5060 SIP/2.0",
        ]
    );
    assert_eq!(
        count(net.events(0), |e| matches!(e, Event::CallStarted { .. })),
        1
    );
    assert_eq!(
        count(net.events(1), |e| matches!(e, Event::CallStarted { .. })),
        1
    );
    assert_eq!(net.nodes[0].ep.counts().calls, 1);
    assert_eq!(net.nodes[1].ep.counts().ports, 1);
    let now = net.now;
    net.ep(0).hangup(now, call).expect("hangup");
    net.settle();
    let ended = net.events(1).iter().find_map(|e| match e {
        Event::CallEnded { reason, .. } => Some(reason.clone()),
        _ => None,
    });
    assert_eq!(
        ended,
        Some(EndReason::Bye {
            reason: Some("Q.850;cause=16".into())
        })
    );
    assert!(
        net.ladder
            .iter()
            .any(|(_, _, t)| t.starts_with("SIP/2.0 200 OK") && t.contains("BYE"))
    );
    net.finish();
    assert_eq!(net.nodes[1].binds, net.nodes[1].closes);
    let _ = Duration::ZERO;
}

#[test]
fn a_lost_ack_gets_the_2xx_retransmitted_and_the_call_starts() {
    let mut net = pair();
    let mut dropped = 0;
    net.filter = Some(Box::new(move |t| {
        let ack = t.data.starts_with(b"ACK ");
        if ack && dropped == 0 {
            dropped += 1;
            return true;
        }
        false
    }));
    net.dial(0, 1);
    assert_eq!(
        count(net.events(1), |e| matches!(e, Event::CallStarted { .. })),
        0
    );
    net.advance(Duration::from_millis(500));
    let oks = net
        .first_lines()
        .iter()
        .filter(|l| l.starts_with("uas -> uac SIP/2.0 200"))
        .count();
    assert_eq!(oks, 2, "{:?}", net.first_lines());
    assert_eq!(
        count(net.events(1), |e| matches!(e, Event::CallStarted { .. })),
        1
    );
    net.advance(Duration::from_secs(10));
    let oks = net
        .first_lines()
        .iter()
        .filter(|l| l.starts_with("uas -> uac SIP/2.0 200"))
        .count();
    assert_eq!(oks, 2, "no retransmission after the ACK");
    let now = net.now;
    let call = net.nodes[1].ep.call_ids()[0];
    net.ep(1).hangup(now, call).expect("hangup");
    net.finish();
}

#[test]
fn no_ack_at_all_ends_the_call_with_bye_after_64_t1() {
    let mut net = pair();
    net.filter = Some(Box::new(|t| t.data.starts_with(b"ACK ")));
    net.dial(0, 1);
    net.advance(Duration::from_millis(31_900));
    assert!(ended(net.events(1)).is_empty());
    let oks = net
        .first_lines()
        .iter()
        .filter(|l| l.starts_with("uas -> uac SIP/2.0 200 OK"))
        .count();
    // 0, 0.5, 1.5, 3.5, 7.5, 11.5, ... (T1 doubling to T2 = 4 s) until 32 s.
    assert_eq!(oks, 1 + 10, "{:?}", net.first_lines());
    net.advance(Duration::from_millis(200));
    assert_eq!(ended(net.events(1)), vec![EndReason::AckTimeout]);
    assert!(
        net.first_lines()
            .iter()
            .any(|l| l.starts_with("uas -> uac BYE"))
    );
    assert!(matches!(
        ended(net.events(0)).as_slice(),
        [EndReason::Bye { .. }]
    ));
    net.finish();
}

#[test]
fn the_callee_hangs_up_with_bye_that_follows_the_dialog() {
    let mut net = pair();
    net.dial(0, 1);
    let call = net.nodes[1].ep.call_ids()[0];
    let now = net.now;
    net.ep(1).hangup(now, call).expect("hangup");
    net.settle();
    assert_eq!(ended(net.events(1)), vec![EndReason::LocalHangup]);
    assert!(
        matches!(ended(net.events(0)).as_slice(), [EndReason::Bye { reason: Some(r) }] if r.starts_with("Q.850;cause=16"))
    );
    let bye = net
        .ladder
        .iter()
        .find(|(f, _, t)| f == "uas" && t.starts_with("BYE "))
        .expect("bye");
    assert!(
        bye.2.starts_with("BYE sip:sipvoice@127.0.0.1:5070 SIP/2.0"),
        "{}",
        bye.2
    );
    assert_eq!(
        net.ep(1).hangup(now, call),
        Err(sipvoice_core::endpoint::CommandError::UnknownCall)
    );
    net.finish();
}

#[test]
fn a_lost_bye_is_retransmitted_by_its_client_transaction() {
    let mut net = pair();
    net.dial(0, 1);
    let mut dropped = 0;
    net.filter = Some(Box::new(move |t| {
        if t.data.starts_with(b"BYE ") && dropped < 2 {
            dropped += 1;
            return true;
        }
        false
    }));
    let call = net.nodes[0].ep.call_ids()[0];
    let now = net.now;
    net.ep(0).hangup(now, call).expect("hangup");
    net.settle();
    assert!(ended(net.events(1)).is_empty());
    net.advance(Duration::from_millis(1600));
    let byes = net
        .first_lines()
        .iter()
        .filter(|l| l.starts_with("uac -> uas BYE"))
        .count();
    assert_eq!(byes, 3);
    assert_eq!(ended(net.events(1)).len(), 1);
    net.finish();
}

#[test]
fn a_failed_bind_is_retried_on_another_port_and_every_socket_is_closed() {
    let mut net = pair();
    net.nodes[1].fail_binds = 1;
    net.dial(0, 1);
    assert_eq!(
        count(net.events(1), |e| matches!(e, Event::CallStarted { .. })),
        1
    );
    assert_eq!(
        net.nodes[1].binds, 4,
        "two for the failed port, two for the next"
    );
    assert_eq!(net.nodes[1].ep.counts().ports, 1);
    let call = net.nodes[0].ep.call_ids()[0];
    let now = net.now;
    net.ep(0).hangup(now, call).expect("hangup");
    net.finish();
    assert_eq!(
        net.nodes[1].closes, 3,
        "the orphaned RTCP socket and the call's pair"
    );
}

#[test]
fn the_200_is_never_sent_before_the_media_socket_is_bound() {
    let mut net = pair();
    net.nodes[1].hold_binds = true;
    net.dial(0, 1);
    assert_eq!(
        net.first_lines().len(),
        2,
        "INVITE and 100 only: {:?}",
        net.first_lines()
    );
    let pending = std::mem::take(&mut net.nodes[1].pending_binds);
    assert_eq!(pending.len(), 2);
    let now = net.now;
    net.nodes[1].ep.handle_bind_result(now, pending[0], true);
    net.nodes[1].bound.insert(pending[0]);
    net.settle();
    assert_eq!(net.first_lines().len(), 2);
    net.nodes[1].ep.handle_bind_result(now, pending[1], true);
    net.nodes[1].bound.insert(pending[1]);
    net.settle();
    assert!(
        net.first_lines()
            .iter()
            .any(|l| l == "uas -> uac SIP/2.0 200 OK")
    );
    net.nodes[1].hold_binds = false;
    let call = net.nodes[0].ep.call_ids()[0];
    net.ep(0).hangup(now, call).expect("hangup");
    net.finish();
}

#[test]
fn an_exhausted_port_range_answers_503() {
    let mut uas = config("127.0.0.1:5060", 2);
    uas.rtp_port_start = 20000;
    uas.rtp_port_end = 20001;
    let mut net = Net::pair(config("127.0.0.1:5070", 1), uas);
    net.dial(0, 1);
    net.dial(0, 1);
    assert!(
        net.first_lines()
            .iter()
            .any(|l| l == "uas -> uac SIP/2.0 503 Service Unavailable")
    );
    assert_eq!(
        ended(net.events(0)),
        vec![EndReason::Rejected { status: 503 }]
    );
    assert!(
        net.events(1)
            .iter()
            .any(|e| matches!(e, Event::CallRejected { status: 503, .. }))
    );
    let now = net.now;
    net.ep(0).shutdown(now);
    net.finish();
}

#[test]
fn shutdown_byes_every_call_and_refuses_new_ones() {
    let mut net = pair();
    net.dial(0, 1);
    net.dial(0, 1);
    let now = net.now;
    net.ep(1).shutdown(now);
    net.settle();
    assert_eq!(
        ended(net.events(1)),
        vec![EndReason::Shutdown, EndReason::Shutdown]
    );
    assert_eq!(ended(net.events(0)).len(), 2);
    net.dial(0, 1);
    assert!(
        net.first_lines()
            .iter()
            .any(|l| l == "uas -> uac SIP/2.0 503 Service Unavailable")
    );
    net.finish();
}

#[test]
fn hold_and_resume_by_re_invite_bump_the_origin_version() {
    let mut net = pair();
    net.dial(0, 1);
    let call = net.nodes[0].ep.call_ids()[0];
    let now = net.now;
    net.ep(0).hold(now, call, true).expect("hold");
    net.settle();
    let uas_call = net.nodes[1].ep.call_ids()[0];
    assert!(net.events(1).contains(&Event::Hold {
        call: uas_call,
        on_hold: true
    }));
    let answer = net
        .ladder
        .iter()
        .rev()
        .find(|(f, _, t)| {
            f == "uas" && t.contains("CSeq: 2 INVITE") && t.starts_with("SIP/2.0 200")
        })
        .expect("200 to re-INVITE");
    assert!(answer.2.contains("a=recvonly"), "{}", answer.2);
    net.ep(0).hold(now, call, false).expect("resume");
    net.settle();
    assert!(net.events(1).contains(&Event::Hold {
        call: uas_call,
        on_hold: false
    }));
    let versions: Vec<String> = net
        .ladder
        .iter()
        .filter(|(f, _, t)| f == "uas" && t.starts_with("SIP/2.0 200") && t.contains("INVITE"))
        .filter_map(|(_, _, t)| t.lines().find(|l| l.starts_with("o=")).map(str::to_owned))
        .collect();
    assert_eq!(versions.len(), 3);
    assert_ne!(versions[0], versions[1]);
    assert_ne!(versions[1], versions[2]);
    net.ep(0).hangup(now, call).expect("hangup");
    net.finish();
}

#[test]
fn crossing_re_invites_get_491() {
    let mut net = pair();
    net.dial(0, 1);
    let a = net.nodes[0].ep.call_ids()[0];
    let b = net.nodes[1].ep.call_ids()[0];
    let now = net.now;
    // Both sides send a re-INVITE before either arrives.
    net.nodes[0].ep.hold(now, a, true).expect("hold a");
    net.nodes[1].ep.hold(now, b, true).expect("hold b");
    net.settle();
    let glare = net
        .first_lines()
        .iter()
        .filter(|l| l.ends_with("491 Request Pending"))
        .count();
    assert_eq!(glare, 2, "{:?}", net.first_lines());
    net.ep(0).hangup(now, a).expect("hangup");
    net.finish();
}
