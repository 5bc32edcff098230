//! Each SIP message of a call lost once, in turn: the RFC 3261 timers repair the call.

mod common;

use std::time::Duration;

use common::{end_reasons, finish, lines, offset, pair, started, talk};
use sipvoice_core::endpoint::EndReason;
use sipvoice_sim::{LinkConfig, Matcher, NodeId, Sim};

const T1: Duration = Duration::from_millis(500);

/// A calls B, talks 1 s, hangs up after 2 s, with one matching message from `sender` lost.
fn call_losing(matcher: Matcher, sender: usize) -> (Sim, NodeId, NodeId) {
    let (mut sim, a, b) = pair(11, LinkConfig::default(), |_| {});
    let from = [a, b][sender];
    sim.drop_next(Some(from), matcher, 1);
    talk(
        &mut sim,
        Duration::from_secs(1),
        Some(Duration::from_secs(2)),
    );
    sim.dial_node(a, b).expect("dial");
    finish(&mut sim, Duration::from_secs(120));
    assert_eq!(sim.pending_drops(), 0, "the message was lost once");
    (sim, a, b)
}

/// The call started on both sides and ended by A's hangup and B's receipt of the BYE.
fn assert_completed(sim: &Sim, a: NodeId, b: NodeId) {
    assert_eq!(started(sim, a).len(), 1, "{}", sim.trace().text());
    assert_eq!(started(sim, b).len(), 1, "{}", sim.trace().text());
    assert_eq!(end_reasons(sim, a), vec![EndReason::LocalHangup]);
    assert!(matches!(end_reasons(sim, b)[..], [EndReason::Bye { .. }]));
}

/// The dropped line and the retransmission that repaired it, `gap` apart.
fn assert_resent(sim: &Sim, what: &str, gap: Duration) {
    let sent = lines(sim, what);
    assert!(sent.len() >= 2, "{what} resent\n{}", sim.trace().text());
    assert!(sent[0].ends_with("✗ dropped-by-script"), "{}", sent[0]);
    assert!(!sent[1].contains('✗'), "{}", sent[1]);
    assert_eq!(offset(sent[1]) - offset(sent[0]), gap, "{sent:?}");
}

#[test]
fn lost_invite_is_resent_by_timer_a() {
    let (sim, a, b) = call_losing(Matcher::request("INVITE"), 0);
    assert_completed(&sim, a, b);
    assert_resent(&sim, "A→B INVITE", T1);
}

#[test]
fn lost_100_trying_changes_nothing() {
    let (sim, a, b) = call_losing(Matcher::response(100, "INVITE"), 1);
    assert_completed(&sim, a, b);
    assert_eq!(
        lines(&sim, "A→B INVITE").len(),
        1,
        "no retransmission needed"
    );
}

#[test]
fn lost_180_ringing_changes_nothing() {
    let (sim, a, b) = call_losing(Matcher::response(180, "INVITE"), 1);
    assert_completed(&sim, a, b);
    assert_eq!(lines(&sim, "A→B INVITE").len(), 1);
}

#[test]
fn lost_200_for_invite_is_resent_until_acked() {
    let (sim, a, b) = call_losing(Matcher::response(200, "INVITE"), 1);
    assert_completed(&sim, a, b);
    assert_resent(&sim, "B→A 200 OK cseq=1 INVITE", T1);
    assert_eq!(lines(&sim, "A→B ACK").len(), 1);
}

#[test]
fn lost_ack_brings_the_200_back_and_a_new_ack() {
    let (sim, a, b) = call_losing(Matcher::request("ACK"), 0);
    assert_completed(&sim, a, b);
    let oks = lines(&sim, "B→A 200 OK cseq=1 INVITE");
    assert_eq!(oks.len(), 2, "{oks:?}");
    assert_eq!(offset(oks[1]) - offset(oks[0]), T1);
    let acks = lines(&sim, "A→B ACK");
    assert_eq!(acks.len(), 2);
    assert!(acks[0].ends_with("✗ dropped-by-script"));
}

#[test]
fn lost_bye_is_resent_by_timer_e() {
    let (sim, a, b) = call_losing(Matcher::request("BYE"), 0);
    assert_completed(&sim, a, b);
    assert_resent(&sim, "A→B BYE", T1);
}

#[test]
fn lost_200_for_bye_is_answered_again() {
    let (sim, a, b) = call_losing(Matcher::response(200, "BYE"), 1);
    assert_completed(&sim, a, b);
    let byes = lines(&sim, "A→B BYE");
    assert_eq!(byes.len(), 2, "{byes:?}");
    assert_eq!(offset(byes[1]) - offset(byes[0]), T1);
    assert_resent(&sim, "B→A 200 OK cseq=2 BYE", T1);
}

#[test]
fn an_ack_lost_forever_ends_the_call_after_64_t1() {
    // A never hears RTP from B (whose media waits for the ACK) and A's audio stops early:
    // keep the 30 s media watchdogs from ending the call before B's 64·T1 (32 s) runs out.
    let (mut sim, a, b) = pair(12, LinkConfig::default(), |c| {
        c.establishment_timeout = Duration::ZERO;
        c.rtp_inactivity_timeout = Duration::ZERO;
    });
    sim.drop_next(Some(a), Matcher::request("ACK"), u32::MAX);
    talk(&mut sim, Duration::from_millis(200), None);
    sim.dial_node(a, b).expect("dial");
    sim.run_until_idle(Duration::from_secs(120));
    assert!(
        matches!(end_reasons(&sim, b)[..], [EndReason::AckTimeout]),
        "{:?}\n{}",
        end_reasons(&sim, b),
        sim.trace().text()
    );
    let oks = lines(&sim, "B→A 200 OK cseq=1 INVITE");
    let span = offset(oks[oks.len() - 1]) - offset(oks[0]);
    assert!(span < T1 * 64, "{span:?}");
    assert!(
        !lines(&sim, "B→A BYE").is_empty(),
        "B sends BYE on ack timeout"
    );
    assert!(
        sim.audit().open_calls().is_empty(),
        "{}",
        sim.trace().text()
    );
    assert!(sim.all_counts_empty());
}
