//! The scripts of the named scenarios: endpoints, link settings and timed actions.

use std::f64::consts::TAU;
use std::time::Duration;

use sipvoice_core::endpoint::{CallDirection, CallId, Event};
use sipvoice_core::{Config, PT_PCMU};

use super::{ScenarioError, ScenarioParams};
use crate::link::{LinkConfig, Partition};
use crate::world::{Matcher, NodeId, Sim};

/// Builds scenario `name` in `sim` (nodes A and B, links, script); returns how long it
/// may run at most.
pub(super) fn set_up(
    name: &str,
    sim: &mut Sim,
    params: &ScenarioParams,
) -> Result<Duration, ScenarioError> {
    let (a, b) = endpoints(sim, name)?;
    let script = Script {
        audio: Duration::from_secs(2),
        caller_digits: "",
        callee_digits: "",
        hangup_after: None,
    };
    match name {
        "basic-call" => {
            talk(
                sim,
                Script {
                    caller_digits: "123",
                    callee_digits: "456",
                    hangup_after: Some(Duration::from_secs(3)),
                    ..script
                },
            );
            sim.dial_node(a, b)?;
        }
        "lossy-calls" => {
            talk(
                sim,
                Script {
                    audio: Duration::from_millis(400),
                    caller_digits: "5",
                    hangup_after: Some(Duration::from_secs(1)),
                    ..script
                },
            );
            for i in 0..params.calls {
                sim.at(Duration::from_millis(20 * i as u64), move |sim| {
                    let _ = sim.dial_node(a, b);
                });
            }
            return Ok(Duration::from_secs(600));
        }
        "long-audio" => {
            talk(
                sim,
                Script {
                    audio: Duration::from_secs(60),
                    hangup_after: Some(Duration::from_secs(61)),
                    ..script
                },
            );
            dtmf_every(sim, a, Duration::from_secs(2), 29);
            sim.dial_node(a, b)?;
        }
        "partition" => {
            talk(
                sim,
                Script {
                    audio: Duration::from_secs(60),
                    ..script
                },
            );
            let cut = LinkConfig {
                partitions: vec![Partition {
                    start: Duration::from_secs(2),
                    end: Duration::from_secs(3600),
                }],
                ..params.link.clone()
            };
            sim.set_links(a, b, cut);
            sim.dial_node(a, b)?;
        }
        "cancel-race" => {
            talk(sim, script);
            let call = sim.dial_node(a, b)?;
            // The 200 leaves B at 1 s + one latency and reaches A one latency later.
            let answer = Duration::from_secs(1) + params.link.latency * 2;
            let hangup = answer.saturating_sub(Duration::from_millis(5));
            sim.at(hangup, move |sim| {
                let _ = sim.hangup(a, call);
            });
        }
        "bye-cross" => {
            talk(sim, script);
            let call = sim.dial_node(a, b)?;
            sim.at(Duration::from_secs(2), move |sim| {
                let _ = sim.hangup(a, call);
                if let Some(call_b) = first_call(sim, b) {
                    let _ = sim.hangup(b, call_b);
                }
            });
        }
        "glare" => {
            talk(
                sim,
                Script {
                    audio: Duration::from_secs(5),
                    hangup_after: Some(Duration::from_secs(6)),
                    ..script
                },
            );
            let call = sim.dial_node(a, b)?;
            sim.at(Duration::from_secs(1), move |sim| {
                let _ = sim.hold(a, call, true);
                if let Some(call_b) = first_call(sim, b) {
                    let _ = sim.hold(b, call_b, true);
                }
            });
            // RFC 3261 §14.1: the Call-ID owner retries after 2.1–4 s.
            sim.at(Duration::from_secs(4), move |sim| {
                let _ = sim.hold(a, call, true);
            });
        }
        "lost-ack" => {
            talk(
                sim,
                Script {
                    audio: Duration::from_millis(200),
                    ..script
                },
            );
            sim.drop_next(Some(a), Matcher::request("ACK"), u32::MAX);
            sim.dial_node(a, b)?;
        }
        other => return Err(ScenarioError::Unknown(other.to_owned())),
    }
    Ok(Duration::from_secs(300))
}

/// Nodes A and B with the settings the scenario needs.
fn endpoints(sim: &mut Sim, name: &str) -> Result<(NodeId, NodeId), ScenarioError> {
    let configure = move |c: &mut Config| match name {
        // Many calls and long calls use G.711: G.722 costs far more per frame in
        // unoptimised builds.
        "lossy-calls" | "long-audio" => c.supported_codecs = vec![PT_PCMU],
        "cancel-race" => c.answer_delay = Duration::from_secs(1),
        "partition" => c.rtp_inactivity_timeout = Duration::from_secs(10),
        // Keep the 30 s media watchdogs out of the way of the 64·T1 ACK timeout.
        "lost-ack" => {
            c.rtp_inactivity_timeout = Duration::ZERO;
            c.establishment_timeout = Duration::ZERO;
        }
        _ => {}
    };
    let a = sim.add_endpoint("A", configure)?;
    let b = sim.add_endpoint("B", configure)?;
    Ok((a, b))
}

/// The first call `node` knows of.
fn first_call(sim: &Sim, node: NodeId) -> Option<CallId> {
    sim.audit()
        .calls()
        .keys()
        .find(|(n, _)| *n == node)
        .map(|(_, c)| *c)
}

/// A tone of `duration` at `rate` Hz (440 Hz, moderate level), for send_audio.
pub(crate) fn tone(duration: Duration, rate: u32) -> Vec<i16> {
    let samples = (duration.as_secs_f64() * f64::from(rate)) as usize;
    (0..samples)
        .map(|n| ((n as f64 * TAU * 440.0 / f64::from(rate)).sin() * 8000.0) as i16)
        .collect()
}

/// What every call of a scenario does once started.
#[derive(Clone, Copy, Debug)]
struct Script {
    /// Tone queued on each side at `CallStarted`.
    audio: Duration,
    /// Digits the caller sends 500 ms after the start.
    caller_digits: &'static str,
    /// Digits the callee sends 500 ms after the start.
    callee_digits: &'static str,
    /// The caller hangs up this long after the start.
    hangup_after: Option<Duration>,
}

/// Installs the reactor that plays `script` on every call that starts.
fn talk(sim: &mut Sim, script: Script) {
    let mut cached: Option<(u32, Vec<i16>)> = None;
    sim.on_event(move |sim, node, event| {
        let Event::CallStarted { call, info } = event else {
            return;
        };
        let call = *call;
        let rate = if info.sample_rate == 0 {
            8000
        } else {
            info.sample_rate
        };
        if cached.as_ref().is_none_or(|(r, _)| *r != rate) {
            cached = Some((rate, tone(script.audio, rate)));
        }
        if let Some((_, pcm)) = &cached {
            // The call may be over already (a hangup that raced the answer).
            let _ = sim.send_audio(node, call, pcm);
        }
        let outbound = info.direction == CallDirection::Outbound;
        let digits = if outbound {
            script.caller_digits
        } else {
            script.callee_digits
        };
        if !digits.is_empty() {
            sim.after(Duration::from_millis(500), move |sim| {
                let _ = sim.send_dtmf(node, call, digits, Duration::from_millis(100));
            });
        }
        if let (true, Some(after)) = (outbound, script.hangup_after) {
            sim.after(after, move |sim| {
                let _ = sim.hangup(node, call);
            });
        }
    });
}

/// Sends one digit (cycling 0-9) on every started call of `node` every `every`, `count` times.
fn dtmf_every(sim: &mut Sim, node: NodeId, every: Duration, count: u32) {
    for i in 0..count {
        let digit = char::from(b'0' + (i % 10) as u8);
        sim.at(every * (i + 1), move |sim| {
            let calls: Vec<_> = sim
                .audit()
                .calls()
                .iter()
                .filter(|((n, _), life)| *n == node && life.started && life.ended.is_none())
                .map(|((_, c), _)| *c)
                .collect();
            let text = digit.to_string();
            for call in calls {
                let _ = sim.send_dtmf(node, call, &text, Duration::from_millis(100));
            }
        });
    }
}
