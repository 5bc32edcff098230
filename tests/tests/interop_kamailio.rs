//! Kamailio (stateful, record-routing dispatcher, round robin) in front of two
//! `sipvoice serve` instances: calls split across both and complete, BYE included, which
//! needs Record-Route copied into our 2xx.

use sipvoice_tests::{
    PortBlock, Server, Sipp, WorkDir, count, field, of_kind, peers_file, require_programs,
    start_kamailio,
};
use std::time::Duration;

#[test]
fn calls_through_a_record_routing_kamailio_reach_both_servers_and_end_with_bye() {
    let name = "calls_through_a_record_routing_kamailio_reach_both_servers_and_end_with_bye";
    let Some([sipp, kamailio]) = require_programs(name, ["sipp", "kamailio"]) else {
        return;
    };
    let dir = WorkDir::new(name);
    let servers = [
        Server::start_fresh(dir.path(), "serve1", 20, &[]),
        Server::start_fresh(dir.path(), "serve2", 20, &[]),
    ];
    let ports = PortBlock::allocate(4);
    let mut kam = start_kamailio(
        &kamailio,
        dir.path(),
        ports.port(0),
        &[servers[0].sip, servers[1].sip],
        &["WITH_RR"],
    );
    std::thread::sleep(Duration::from_secs(2));
    assert!(kam.is_running(), "kamailio exited\n{}", kam.tail(30));
    let run = Sipp::new("uac", ports.port(1), Some(ports.addr(0)))
        .scenario(peers_file("sipp/builtin/uac_rrs.xml"))
        .media_port(ports.port(2))
        .calls(10)
        .rate(10)
        .max_duration(Duration::from_secs(40))
        .run(&sipp, dir.path());
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}\n{}",
        run.describe(),
        kam.tail(30)
    );
    assert_eq!(run.stats.successful(), 10, "{}", run.describe());

    let per_server: Vec<Vec<serde_json::Value>> = servers
        .iter()
        .map(|s| {
            s.events().wait_for(Duration::from_secs(5), |e| {
                count(e, "call_ended") >= count(e, "call_started")
            })
        })
        .collect();
    let started: Vec<usize> = per_server
        .iter()
        .map(|e| count(e, "call_started"))
        .collect();
    assert_eq!(started.iter().sum::<usize>(), 10, "{started:?}");
    assert!(started.iter().all(|&n| n > 0), "split {started:?}");
    for events in &per_server {
        let ends = of_kind(events, "call_ended");
        assert_eq!(ends.len(), count(events, "call_started"));
        assert!(
            ends.iter().all(|e| field(e, "reason") == "bye"),
            "{ends:#?}"
        );
    }
}
