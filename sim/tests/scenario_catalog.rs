//! Every named scenario of `sipvoice-sim run` runs clean with default parameters.

use sipvoice_sim::{SCENARIOS, ScenarioError, ScenarioParams, run_scenario};

#[test]
fn every_listed_scenario_runs_clean_and_ends_its_calls() {
    let params = ScenarioParams {
        calls: 3,
        ..ScenarioParams::default()
    };
    for info in SCENARIOS {
        let run = run_scenario(info.name, &params).expect("listed scenarios exist");
        assert!(
            run.violations.is_empty(),
            "{}: {:#?}\n{}",
            info.name,
            run.violations,
            run.trace
        );
        assert!(run.calls_ended >= 2, "{}: {}", info.name, run.trace);
        assert!(run.final_counts.iter().all(|(_, c)| c.is_empty()));
        assert!(run.pcap.is_none());
    }
}

#[test]
fn scenario_specific_outcomes_show_in_their_traces() {
    let params = ScenarioParams::default();
    let trace = |name| run_scenario(name, &params).expect("known").trace;
    let glare = trace("glare");
    assert_eq!(glare.matches("491 Request Pending").count(), 2, "{glare}");
    assert!(glare.contains("B event hold call#1 on=true"), "{glare}");
    let cancel = trace("cancel-race");
    assert!(cancel.contains("A→B CANCEL"), "{cancel}");
    let lost_ack = trace("lost-ack");
    assert!(lost_ack.contains("reason=ack_timeout"), "{lost_ack}");
    let cross = trace("bye-cross");
    assert_eq!(cross.matches(" BYE sip:").count(), 2, "{cross}");
    let partition = trace("partition");
    assert_eq!(
        partition.matches("reason=rtp_timeout").count(),
        2,
        "{partition}"
    );
}

#[test]
fn unknown_scenarios_are_refused_by_name() {
    let err = run_scenario("no-such", &ScenarioParams::default()).expect_err("unknown");
    assert!(matches!(err, ScenarioError::Unknown(ref n) if n == "no-such"));
    assert_eq!(err.to_string(), "unknown scenario \"no-such\"");
}
