//! 60 s of audio both ways over 5 % loss, 40 ms jitter, reordering and duplication.

mod common;

use std::time::Duration;

use common::{finish, pair, talk};
use sipvoice_core::endpoint::{EndReason, Event};
use sipvoice_sim::{LinkConfig, NodeId, Sim};

const DIGITS: &str = "0123456789*#";

fn ended_stats(sim: &Sim, node: NodeId) -> sipvoice_core::session::CallStats {
    sim.events_of(node)
        .find_map(|r| match &r.event {
            Event::CallEnded { stats, .. } => Some(stats.clone()),
            _ => None,
        })
        .expect("the call ended")
}

#[test]
fn a_minute_of_impaired_audio_keeps_digits_exact_and_loss_honest() {
    let link = LinkConfig {
        latency: Duration::from_millis(20),
        jitter: Duration::from_millis(40),
        loss: 0.05,
        reorder: 0.02,
        reorder_delay: Duration::from_millis(30),
        duplicate: 0.02,
        ..LinkConfig::default()
    };
    let (mut sim, a, b) = pair(31, link, |_| {});
    talk(
        &mut sim,
        Duration::from_secs(60),
        Some(Duration::from_secs(62)),
    );
    let call_a = sim.dial_node(a, b).expect("dial");
    // A digit each way every 2 s (A at even seconds, B one second later), 29 each.
    for i in 0..29u32 {
        let digit = &DIGITS[(i as usize % DIGITS.len())..][..1];
        sim.at(Duration::from_secs(2 + 2 * u64::from(i)), move |sim| {
            sim.send_dtmf(a, call_a, digit, Duration::from_millis(100))
                .expect("A sends a digit");
        });
        sim.at(Duration::from_secs(3 + 2 * u64::from(i)), move |sim| {
            let call_b = sim
                .audit()
                .calls()
                .keys()
                .find(|(n, _)| *n == b)
                .map(|(_, c)| *c);
            sim.send_dtmf(
                b,
                call_b.expect("B has the call"),
                digit,
                Duration::from_millis(100),
            )
            .expect("B sends a digit");
        });
    }
    finish(&mut sim, Duration::from_secs(300));
    let expected: String = (0..29)
        .map(|i| DIGITS.as_bytes()[i % DIGITS.len()] as char)
        .collect();
    let lives = sim.audit().calls();
    for ((node, _), life) in lives {
        assert_eq!(
            life.digits,
            expected,
            "{} got every digit exactly once",
            sim.name(*node)
        );
        assert_eq!(life.sent_digits, expected);
    }
    assert_eq!(lives.len(), 2);
    assert!(matches!(
        lives.values().map(|l| l.ended.clone()).collect::<Vec<_>>()[..],
        [Some(EndReason::LocalHangup), Some(EndReason::Bye { .. })]
    ));

    for (sender, receiver) in [(a, b), (b, a)] {
        let stats = ended_stats(&sim, receiver);
        // The flow of the sender's RTP (audio and DTMF events share its sequence numbers).
        let flow = sim
            .flows()
            .iter()
            .filter(|((from, to), _)| {
                Some(from.ip()) == sim.ip(sender)
                    && Some(to.ip()) == sim.ip(receiver)
                    && from.port() % 2 == 0
                    && from.port() != 5060
            })
            .map(|(_, f)| *f)
            .next()
            .expect("an RTP flow");
        let real = flow.dropped as f64 / flow.sent as f64;
        // The receiver's view: lost over lost plus distinct packets received (duplicates
        // are counted apart in `packets_duplicated`).
        let unique = stats.packets_received - stats.packets_duplicated;
        let reported = stats.packets_lost as f64 / (stats.packets_lost + unique) as f64;
        // Tolerance: one percentage point (packets lost at the very end are never expected,
        // and a duplicate of a packet already played out may be counted as late instead).
        assert!(
            (reported - real).abs() < 0.01,
            "{} reports loss {reported:.4}, the link dropped {real:.4} ({flow:?}, {stats:?})",
            sim.name(receiver)
        );
        assert!((0.035..0.065).contains(&real), "link loss {real}");
        assert!(stats.frames_concealed > 0, "concealment counted: {stats:?}");
        assert!(stats.packets_duplicated > 0, "duplicates seen: {stats:?}");
        let tally = sim
            .audio()
            .iter()
            .find(|((n, _), _)| *n == receiver)
            .map(|(_, t)| t.clone())
            .expect("audio reached the receiver");
        assert_eq!(tally.concealed, stats.frames_concealed);
        assert!(tally.frames > 2_800, "{tally:?}");
    }
}
