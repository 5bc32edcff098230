//! Complete calls between two in-process endpoints: the normal ladder, retransmissions,
//! lost ACKs, hang-ups both ways, and the port and socket accounting.

mod endpoint_support;

use std::time::Duration;

use endpoint_support::{Net, config, count};
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
            reason: Some("Q.850;cause=16;text=\"Normal call clearing\"".into())
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
