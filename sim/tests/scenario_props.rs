//! Property tests over seeds and link settings: INVITE transactions end within 64·T1,
//! nothing leaks, no digit is reported twice. A failure names the command that replays it.

use proptest::prelude::*;
use sipvoice_sim::{ScenarioParams, run_scenario};

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn lossy_calls_keep_every_invariant(
        seed in any::<u64>(),
        loss_pct in 0u32..=30,
        jitter_ms in 0u64..=80,
        calls in 1usize..=6,
    ) {
        // Only what `sipvoice-sim run` has flags for varies, so the printed command
        // replays the failing case exactly.
        let params = ScenarioParams::from_flags(seed, f64::from(loss_pct) / 100.0, jitter_ms, calls);
        let run = run_scenario("lossy-calls", &params).expect("known scenario");
        prop_assert!(
            run.violations.is_empty(),
            "reproduce with: {}\n{:#?}",
            params.command_line("lossy-calls"),
            run.violations
        );
        prop_assert!(run.calls_ended >= calls, "reproduce with: {}", params.command_line("lossy-calls"));
    }
}

#[test]
fn the_printed_command_names_every_varied_setting() {
    let params = ScenarioParams::from_flags(99, 0.25, 40, 3);
    assert_eq!(
        params.command_line("lossy-calls"),
        "sipvoice-sim run lossy-calls --seed 99 --loss 0.25 --jitter-ms 40 --calls 3"
    );
    assert_eq!(params.link.jitter, std::time::Duration::from_millis(40));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn duplication_and_reordering_keep_every_invariant(
        seed in any::<u64>(),
        loss_pct in 0u32..=15,
        dup_pct in 0u32..=20,
        reorder_pct in 0u32..=20,
        latency_ms in 1u64..=80,
        calls in 1usize..=4,
    ) {
        let mut params = ScenarioParams::from_flags(seed, f64::from(loss_pct) / 100.0, 20, calls);
        params.link.latency = std::time::Duration::from_millis(latency_ms);
        params.link.duplicate = f64::from(dup_pct) / 100.0;
        params.link.reorder = f64::from(reorder_pct) / 100.0;
        let run = run_scenario("lossy-calls", &params).expect("known scenario");
        prop_assert!(
            run.violations.is_empty(),
            "reproduce with: {}\n{:#?}",
            params.command_line("lossy-calls"),
            run.violations
        );
    }
}

#[test]
fn corrupted_datagrams_never_leave_a_call_or_a_resource_behind() {
    // A flipped bit can turn a digit into another, so only the lifecycle is checked here.
    let mut params = ScenarioParams::from_flags(5, 0.02, 10, 20);
    params.link.corrupt = 0.05;
    let run = run_scenario("lossy-calls", &params).expect("known scenario");
    let lifecycle: Vec<_> = run
        .violations
        .iter()
        .filter(|v| !v.contains("digits"))
        .collect();
    assert!(
        lifecycle.is_empty(),
        "{lifecycle:#?}\nreproduce with: {}",
        params.command_line("lossy-calls")
    );
    assert!(run.final_counts.iter().all(|(_, c)| c.is_empty()));
    assert!(run.calls_ended >= 20);
    assert!(
        params
            .command_line("lossy-calls")
            .ends_with(" --corrupt 0.05")
    );
}
