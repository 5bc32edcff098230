//! Races: CANCEL against the 200, BYE crossing BYE, re-INVITE glare (491 and retry).

mod common;

use std::time::Duration;

use common::{end_reasons, finish, lines, offset, pair, started, talk};
use sipvoice_core::endpoint::{EndReason, Event};
use sipvoice_sim::LinkConfig;

#[test]
fn cancel_racing_the_200_never_leaves_two_finals_or_a_live_call() {
    // B answers 1 s after the INVITE arrives (at +1.010 s); A hangs up around then, so the
    // CANCEL arrives before, with, or after the 200, and the 200 may cross it.
    let mut outcomes = Vec::new();
    for hangup_ms in (980..=1040).step_by(5) {
        let (mut sim, a, b) = pair(21, LinkConfig::default(), |c| {
            c.answer_delay = Duration::from_secs(1);
        });
        talk(&mut sim, Duration::from_millis(300), None);
        let call = sim.dial_node(a, b).expect("dial");
        sim.at(Duration::from_millis(hangup_ms), move |sim| {
            sim.hangup(a, call).expect("hangup of a live call");
        });
        finish(&mut sim, Duration::from_secs(120));
        let trace = sim.trace().text().to_owned();
        let a_end = end_reasons(&sim, a);
        assert_eq!(a_end, vec![EndReason::LocalHangup], "{trace}");
        let cancelled = !lines(&sim, "B→A 487").is_empty();
        let answered = !lines(&sim, "B→A 200 OK cseq=1 INVITE").is_empty();
        assert!(
            cancelled != answered,
            "exactly one final for the INVITE\n{trace}"
        );
        if answered {
            // The 200 won: A acknowledges it and ends the dialog with BYE.
            assert!(!lines(&sim, "A→B ACK").is_empty(), "{trace}");
            assert!(!lines(&sim, "A→B BYE").is_empty(), "{trace}");
            assert!(
                matches!(end_reasons(&sim, b)[..], [EndReason::Bye { .. }]),
                "{trace}"
            );
        } else {
            // B reports the cancelled call (ended by CANCEL, or refused with 487).
            let reported = end_reasons(&sim, b) == vec![EndReason::Cancel]
                || !lines(&sim, "B event rejected status=487").is_empty();
            assert!(reported, "{trace}");
            assert!(lines(&sim, "A→B BYE").is_empty(), "{trace}");
            assert!(started(&sim, b).is_empty());
        }
        outcomes.push(answered);
    }
    assert!(
        outcomes.contains(&true) && outcomes.contains(&false),
        "{outcomes:?}"
    );
}

#[test]
fn bye_crossing_bye_ends_both_sides_once() {
    let (mut sim, a, b) = pair(22, LinkConfig::default(), |_| {});
    talk(&mut sim, Duration::from_millis(500), None);
    let call_a = sim.dial_node(a, b).expect("dial");
    sim.at(Duration::from_secs(2), move |sim| {
        let call_b = sim
            .audit()
            .calls()
            .keys()
            .find(|(n, _)| *n == b)
            .map(|(_, c)| *c)
            .expect("B has the call");
        sim.hangup(a, call_a).expect("A hangs up");
        sim.hangup(b, call_b)
            .expect("B hangs up at the same instant");
    });
    finish(&mut sim, Duration::from_secs(120));
    let trace = sim.trace().text();
    let byes: Vec<_> = lines(&sim, " BYE sip:");
    assert_eq!(byes.len(), 2, "{}", sim.trace().text());
    assert_eq!(offset(byes[0]), offset(byes[1]), "the BYEs cross");
    assert_eq!(end_reasons(&sim, a), vec![EndReason::LocalHangup]);
    assert_eq!(end_reasons(&sim, b), vec![EndReason::LocalHangup]);
    // Each BYE is answered at once (200, or 481 for a dialog already ended), never left
    // to time out.
    for (answer, bye) in [("B→A", "cseq=2 BYE"), ("A→B", "cseq=1 BYE")] {
        let answers = lines(&sim, &format!("{answer} "))
            .into_iter()
            .filter(|l| l.ends_with(bye))
            .collect::<Vec<_>>();
        assert_eq!(answers.len(), 1, "{trace}");
        assert!(
            answers[0].contains(" 200 OK ") || answers[0].contains(" 481 "),
            "{trace}"
        );
        assert_eq!(offset(answers[0]), Duration::from_millis(2010));
    }
}

#[test]
fn re_invite_glare_gets_491_on_both_sides_and_a_retry_succeeds() {
    let (mut sim, a, b) = pair(23, LinkConfig::default(), |_| {});
    talk(
        &mut sim,
        Duration::from_secs(8),
        Some(Duration::from_secs(10)),
    );
    let call_a = sim.dial_node(a, b).expect("dial");
    sim.at(Duration::from_secs(1), move |sim| {
        let call_b = sim
            .audit()
            .calls()
            .keys()
            .find(|(n, _)| *n == b)
            .map(|(_, c)| *c);
        let call_b = call_b.expect("B has the call");
        sim.hold(a, call_a, true).expect("A re-INVITEs");
        sim.hold(b, call_b, true).expect("B re-INVITEs");
    });
    // RFC 3261 §14.1: the Call-ID owner (A, the caller) retries after 2.1–4 s.
    sim.at(Duration::from_secs(4), move |sim| {
        sim.hold(a, call_a, true).expect("A retries");
    });
    finish(&mut sim, Duration::from_secs(120));
    let trace = sim.trace().text();
    let glare = lines(&sim, "491 Request Pending cseq=");
    assert_eq!(glare.len(), 2, "{trace}");
    assert_eq!(offset(glare[0]), Duration::from_millis(1010));
    let holds: Vec<_> = sim
        .events_of(b)
        .filter(|r| matches!(r.event, Event::Hold { on_hold: true, .. }))
        .map(|r| r.at)
        .collect();
    assert_eq!(holds, vec![Duration::from_millis(4010)], "{trace}");
    assert_eq!(end_reasons(&sim, a), vec![EndReason::LocalHangup]);
}
