//! Shared set-up for the scenario tests: two endpoints, a talking script, clean-end checks.
#![allow(dead_code, unreachable_pub)]

use std::time::Duration;

use sipvoice_core::endpoint::{CallDirection, CallId, EndReason, Event};
use sipvoice_core::{Config, PT_PCMU};
use sipvoice_sim::{LinkConfig, NodeId, Sim, SimConfig, TraceOptions};

/// Two endpoints A (127.0.0.1) and B (127.0.0.2) with `link` both ways, PCMU only
/// (cheap in unoptimised builds); `configure` adjusts both configs.
pub fn pair(seed: u64, link: LinkConfig, configure: impl Fn(&mut Config)) -> (Sim, NodeId, NodeId) {
    let mut sim = Sim::new(SimConfig {
        seed,
        default_link: link,
        trace: TraceOptions::default(),
        record_pcap: false,
        keep_audio: false,
        pcap_at_receiver: false,
    });
    let setup = |c: &mut Config| {
        c.supported_codecs = vec![PT_PCMU];
        configure(c);
    };
    let a = sim.add_endpoint("A", setup).expect("valid config");
    let b = sim.add_endpoint("B", setup).expect("valid config");
    (sim, a, b)
}

/// 440 Hz at `rate`.
pub fn tone(duration: Duration, rate: u32) -> Vec<i16> {
    let n = (duration.as_secs_f64() * f64::from(rate)) as usize;
    (0..n)
        .map(|i| {
            ((i as f64 * std::f64::consts::TAU * 440.0 / f64::from(rate)).sin() * 8000.0) as i16
        })
        .collect()
}

/// On every start: queue `audio` of tone on that side; the caller hangs up `hangup_after`
/// the start (if given).
pub fn talk(sim: &mut Sim, audio: Duration, hangup_after: Option<Duration>) {
    sim.on_event(move |sim, node, event| {
        if let Event::CallStarted { call, info } = event {
            let call = *call;
            let rate = info.sample_rate.max(8000);
            // The call may already be over (a hangup that raced the answer).
            let _ = sim.send_audio(node, call, &tone(audio, rate));
            if let (CallDirection::Outbound, Some(after)) = (info.direction, hangup_after) {
                sim.after(after, move |sim| {
                    let _ = sim.hangup(node, call);
                });
            }
        }
    });
}

/// How each call of `node` ended, in call order.
pub fn end_reasons(sim: &Sim, node: NodeId) -> Vec<EndReason> {
    sim.audit()
        .calls()
        .iter()
        .filter(|((n, _), _)| *n == node)
        .filter_map(|(_, life)| life.ended.clone())
        .collect()
}

/// The calls `node` started (CallStarted), in order.
pub fn started(sim: &Sim, node: NodeId) -> Vec<CallId> {
    sim.audit()
        .calls()
        .iter()
        .filter(|((n, _), life)| *n == node && life.started)
        .map(|((_, c), _)| *c)
        .collect()
}

/// Trace lines containing `needle`.
pub fn lines<'a>(sim: &'a Sim, needle: &str) -> Vec<&'a str> {
    sim.trace()
        .text()
        .lines()
        .filter(|l| l.contains(needle))
        .collect()
}

/// The offset at the start of a trace line (`+1.500000s ...`).
pub fn offset(line: &str) -> Duration {
    let secs = line
        .split_whitespace()
        .next()
        .and_then(|t| t.strip_prefix('+'))
        .and_then(|t| t.strip_suffix('s'))
        .and_then(|t| t.parse::<f64>().ok())
        .expect("a trace line starts with its offset");
    Duration::from_secs_f64(secs)
}

/// Runs until idle (at most `limit`) and checks the run ended clean: every call ended,
/// every count at zero, nothing in flight, no audit violation.
pub fn finish(sim: &mut Sim, limit: Duration) {
    let idle = sim.run_until_idle(limit);
    let trace = sim.trace().text();
    assert!(
        sim.audit().open_calls().is_empty(),
        "calls never ended\n{trace}"
    );
    for node in sim.nodes().collect::<Vec<_>>() {
        assert!(
            sim.counts(node).is_empty(),
            "{} leaks {:?}\n{trace}",
            sim.name(node),
            sim.counts(node)
        );
    }
    assert!(idle, "not idle after {limit:?}\n{trace}");
    let violations = sim.audit().violations(Duration::from_millis(500));
    assert!(violations.is_empty(), "{violations:#?}\n{trace}");
    assert_eq!(sim.stalls(), 0, "a timer asked to fire in the past");
}
