//! The application commands through the simulator: ask-and-accept, reject, barge-in,
//! shutdown, and a node whose binds fail.

mod common;

use std::time::Duration;

use common::{end_reasons, finish, lines, pair, started, talk, tone};
use sipvoice_core::AnswerPolicy;
use sipvoice_core::endpoint::{EndReason, Event};
use sipvoice_sim::LinkConfig;

#[test]
fn an_asked_call_rings_until_the_application_accepts() {
    let (mut sim, a, b) = pair(61, LinkConfig::default(), |c| {
        c.answer_policy = AnswerPolicy::Ask
    });
    sim.on_event(move |sim, node, event| {
        if let (true, Event::IncomingCall { call, .. }) = (node == b, event) {
            let call = *call;
            sim.after(Duration::from_secs(2), move |sim| {
                sim.accept(b, call).expect("accept a ringing call");
            });
        }
        if let (true, Event::CallStarted { call, .. }) = (node == a, event) {
            let call = *call;
            sim.after(Duration::from_secs(1), move |sim| {
                sim.hangup(a, call).expect("hang up");
            });
        }
    });
    sim.dial_node(a, b).expect("dial");
    finish(&mut sim, Duration::from_secs(120));
    let incoming = lines(&sim, "B event incoming call#1");
    assert_eq!(incoming.len(), 1, "{}", sim.trace().text());
    let ok = lines(&sim, "B→A 200 OK cseq=1 INVITE");
    assert_eq!(common::offset(ok[0]), Duration::from_millis(2010));
    assert_eq!(end_reasons(&sim, a), vec![EndReason::LocalHangup]);
}

#[test]
fn a_rejected_call_ends_on_both_sides_with_the_status() {
    let (mut sim, a, b) = pair(62, LinkConfig::default(), |c| {
        c.answer_policy = AnswerPolicy::Ask
    });
    sim.on_event(move |sim, node, event| {
        if let (true, Event::IncomingCall { call, .. }) = (node == b, event) {
            sim.reject(b, *call, 486, "Busy Here").expect("reject");
        }
    });
    sim.dial_node(a, b).expect("dial");
    finish(&mut sim, Duration::from_secs(120));
    assert_eq!(
        end_reasons(&sim, a),
        vec![EndReason::Rejected { status: 486 }]
    );
    assert_eq!(lines(&sim, "B→A 486 Busy Here cseq=1 INVITE").len(), 1);
    assert_eq!(
        lines(&sim, "A→B ACK").len(),
        1,
        "the non-2xx final is acknowledged"
    );
    assert!(started(&sim, a).is_empty() && started(&sim, b).is_empty());
}

#[test]
fn interrupt_cuts_queued_audio_at_once() {
    let (mut sim, a, b) = pair(63, LinkConfig::default(), |_| {});
    sim.on_event(move |sim, node, event| {
        if let (true, Event::CallStarted { call, .. }) = (node == b, event) {
            let call = *call;
            sim.send_audio(b, call, &tone(Duration::from_secs(10), 8000))
                .expect("queue 10 s");
            sim.after(Duration::from_secs(1), move |sim| {
                let cut = sim.interrupt(b, call).expect("interrupt");
                assert!(
                    cut > Duration::from_millis(8_900) && cut <= Duration::from_secs(9),
                    "{cut:?}"
                );
            });
        }
    });
    let call = sim.dial_node(a, b).expect("dial");
    sim.at(Duration::from_secs(3), move |sim| {
        sim.hangup(a, call).expect("hangup")
    });
    finish(&mut sim, Duration::from_secs(120));
    let cut: Vec<_> = sim
        .events_of(b)
        .filter_map(|r| match r.event {
            Event::PlaybackInterrupted { cut, .. } => Some((r.at, cut)),
            _ => None,
        })
        .collect();
    assert_eq!(cut.len(), 1);
    assert_eq!(cut[0].0, Duration::from_millis(1030));
    // Nothing is sent after the cut: about 1 s of 20 ms frames reached A.
    let a_stats = sim
        .events_of(a)
        .find_map(|r| match &r.event {
            Event::CallEnded { stats, .. } => Some(stats.clone()),
            _ => None,
        })
        .expect("A ended");
    assert!((45..=55).contains(&a_stats.packets_received), "{a_stats:?}");
}

#[test]
fn shutdown_hangs_up_every_call_and_empties_the_endpoint() {
    let (mut sim, a, b) = pair(64, LinkConfig::default(), |_| {});
    talk(&mut sim, Duration::from_secs(30), None);
    for _ in 0..3 {
        sim.dial_node(a, b).expect("dial");
    }
    sim.at(Duration::from_secs(2), move |sim| {
        sim.shutdown(b).expect("shutdown")
    });
    finish(&mut sim, Duration::from_secs(120));
    assert_eq!(end_reasons(&sim, b), vec![EndReason::Shutdown; 3]);
    assert!(
        end_reasons(&sim, a)
            .iter()
            .all(|r| matches!(r, EndReason::Bye { .. }))
    );
}

#[test]
fn a_node_that_cannot_bind_refuses_calls_and_leaks_nothing() {
    let (mut sim, a, b) = pair(65, LinkConfig::default(), |_| {});
    sim.refuse_binds(b, None);
    talk(
        &mut sim,
        Duration::from_secs(1),
        Some(Duration::from_secs(2)),
    );
    sim.dial_node(a, b).expect("dial");
    finish(&mut sim, Duration::from_secs(120));
    assert!(sim.binds_refused(b) >= 1);
    assert!(started(&sim, b).is_empty(), "{}", sim.trace().text());
    assert!(
        matches!(end_reasons(&sim, a)[..], [EndReason::Rejected { status }] if status >= 500),
        "{:?}\n{}",
        end_reasons(&sim, a),
        sim.trace().text()
    );
    assert_eq!(sim.bound(b).len(), 1, "only the SIP socket stays bound");
}
