//! Property tests over seeds and link settings: INVITE transactions end within 64·T1,
//! nothing leaks, no digit is reported twice. A failure names the command that replays it.

use std::time::Duration;

use proptest::prelude::*;
use sipvoice_sim::{LinkConfig, ScenarioParams, run_scenario};

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn lossy_calls_keep_every_invariant(
        seed in any::<u64>(),
        loss_pct in 0u32..=30,
        jitter_ms in 0u64..=80,
        latency_ms in 1u64..=120,
        calls in 1usize..=6,
    ) {
        let params = ScenarioParams {
            seed,
            calls,
            link: LinkConfig {
                latency: Duration::from_millis(latency_ms),
                jitter: Duration::from_millis(jitter_ms),
                loss: f64::from(loss_pct) / 100.0,
                ..LinkConfig::default()
            },
            ..ScenarioParams::default()
        };
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
