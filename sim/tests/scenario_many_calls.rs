//! 1,000 overlapping calls over a lossy link: every call ends, nothing stays behind.

use std::time::Duration;

use sipvoice_sim::{GilbertElliott, LinkConfig, ScenarioParams, run_scenario};

#[test]
fn a_thousand_overlapping_lossy_calls_all_end_and_leave_nothing() {
    let params = ScenarioParams {
        seed: 51,
        calls: 1000,
        link: LinkConfig {
            latency: Duration::from_millis(15),
            jitter: Duration::from_millis(10),
            loss: 0.02,
            // Bursts on top: about 1 % more, in runs of a few datagrams.
            burst: Some(GilbertElliott {
                p_good_to_bad: 0.005,
                p_bad_to_good: 0.3,
                loss_good: 0.0,
                loss_bad: 0.7,
            }),
            ..LinkConfig::default()
        },
        ..ScenarioParams::default()
    };
    let run = run_scenario("lossy-calls", &params).expect("known scenario");
    assert!(
        run.violations.is_empty(),
        "{:#?}\n{params:?}",
        run.violations
    );
    // Calls dialled 20 ms apart for 20 s, each 1 s long: hundreds overlap.
    assert!(
        run.calls_started >= 1_900,
        "{} call sides started",
        run.calls_started
    );
    assert!(run.calls_ended >= 2 * 1000 - 50, "{}", run.calls_ended);
    assert_eq!(run.final_counts.len(), 2);
    for (name, counts) in &run.final_counts {
        assert!(counts.is_empty(), "{name}: {counts:?}");
    }
    let invites = run
        .trace
        .lines()
        .filter(|l| l.contains("A→B INVITE sip:b@"))
        .count();
    assert!(invites >= 1000, "{invites}");
    let lost = run.trace.lines().filter(|l| l.ends_with("✗ lost")).count();
    assert!(lost > 100, "the link lost SIP too: {lost}");
    let bursts = run
        .trace
        .lines()
        .filter(|l| l.ends_with("✗ lost-burst"))
        .count();
    assert!(bursts > 20, "and in bursts: {bursts}");
}
