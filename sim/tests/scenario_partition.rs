//! A partition mid-call: the inactivity watchdog ends the call with BYE on both sides.

mod common;

use std::time::Duration;

use common::{end_reasons, finish, lines, offset, pair, started, talk};
use sipvoice_core::endpoint::EndReason;
use sipvoice_sim::{LinkConfig, Partition};

#[test]
fn a_partition_mid_call_ends_it_by_rtp_timeout_with_bye_both_ways() {
    // The network is cut from 5 s to 60 s; the call had no hangup planned.
    let link = LinkConfig {
        partitions: vec![Partition {
            start: Duration::from_secs(5),
            end: Duration::from_secs(60),
        }],
        ..LinkConfig::default()
    };
    let (mut sim, a, b) = pair(41, link, |c| {
        c.rtp_inactivity_timeout = Duration::from_secs(10);
    });
    talk(&mut sim, Duration::from_secs(120), None);
    sim.dial_node(a, b).expect("dial");
    finish(&mut sim, Duration::from_secs(300));
    let trace = sim.trace().text();
    assert_eq!(started(&sim, a).len(), 1);
    assert_eq!(started(&sim, b).len(), 1);
    assert_eq!(end_reasons(&sim, a), vec![EndReason::RtpTimeout], "{trace}");
    assert_eq!(end_reasons(&sim, b), vec![EndReason::RtpTimeout], "{trace}");
    for side in ["A→B BYE", "B→A BYE"] {
        let byes = lines(&sim, side);
        assert!(!byes.is_empty(), "{side}\n{trace}");
        // Sent 10 s after the last packet got through (the last one left just before 5 s).
        let first = offset(byes[0]);
        assert!(
            first >= Duration::from_secs(14)
                && first <= Duration::from_secs(15) + Duration::from_millis(50),
            "{side} at {first:?}"
        );
        assert!(byes[0].ends_with("✗ partition"), "{}", byes[0]);
    }
    let ends = lines(&sim, "event ended");
    assert!(
        ends.iter().all(|l| offset(l) < Duration::from_secs(16)),
        "{ends:?}"
    );
}
