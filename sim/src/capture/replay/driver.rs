//! The replay loop: a fresh endpoint in the place of one side of a captured call, fed the far
//! end's datagrams at their captured times (virtual time), its timers fired in between.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use sipvoice_core::endpoint::{DialRequest, Endpoint, Event, Output, SocketRequest};
use sipvoice_core::sip::{Message, Response};
use sipvoice_core::{Config, ConfigError};

use super::compare::{Divergence, compare_sip};
use super::mapping::{Mapped, Mapper};
use super::node::ReplayNode;
use super::report::{
    Direction, LadderEntry, ReplayError, ReplayOptions, ReplayReport, Sent, Skipped,
};
use super::target::{ReplayTarget, Role, choose_target};
use crate::capture::read::{Capture, Datagram};
use crate::capture::sip_view::{parse_sip, summary};

/// The first instant of the replay's virtual timeline; only differences from it matter.
fn epoch() -> Instant {
    Instant::now()
}

/// An endpoint configuration standing in for `target`: its SIP address, its media IP, an
/// RTP range starting at its captured media port when there is one, and (with
/// `answer_like_capture`) the captured side's answer time as the answer delay.
pub fn config_for(target: &ReplayTarget, options: &ReplayOptions) -> Config {
    let mut config = Config {
        local_sip_addr: target.us,
        local_rtp_ip: target.us.ip(),
        rng_seed: options.seed,
        ..Config::default()
    };
    if options.answer_like_capture {
        config.answer_delay = target.answered_after.unwrap_or(Duration::ZERO);
    }
    if let Some(media) = target.media.iter().next() {
        let start = (media.port() & !1).clamp(2, 65_000);
        config.rtp_port_start = start;
        config.rtp_port_end = start + 200;
    }
    config
}

/// Replays `capture` into a fresh endpoint standing in for one side.
pub fn replay(capture: &Capture, options: &ReplayOptions) -> Result<ReplayReport, ReplayError> {
    replay_with(capture, options, Endpoint::new).map(|(report, _)| report)
}

/// Replays `capture` into the node `make` builds from the configuration for the target;
/// returns the report and the node.
pub fn replay_with<N, F>(
    capture: &Capture,
    options: &ReplayOptions,
    make: F,
) -> Result<(ReplayReport, N), ReplayError>
where
    N: ReplayNode,
    F: FnOnce(Config, Instant) -> Result<N, ConfigError>,
{
    let target = choose_target(capture, options.as_addr).ok_or(ReplayError::NoTarget)?;
    let config = config_for(&target, options);
    let t0 = epoch();
    let endpoint = make(config, t0).map_err(|e| ReplayError::Config(target.us, e))?;
    let mut run = Run {
        t0,
        endpoint,
        mapper: Mapper::default(),
        held: Vec::new(),
        media_sources: Vec::new(),
        media_from_sdp: options.media_from_sdp,
        report: ReplayReport {
            target,
            ladder: Vec::new(),
            events: Vec::new(),
            audio: BTreeMap::new(),
            sent: Vec::new(),
            fed: 0,
            skipped: Vec::new(),
            divergences: Vec::new(),
            ended_at: Duration::ZERO,
            counts: Default::default(),
        },
    };
    let captured_ours: Vec<&Datagram> = capture
        .datagrams
        .iter()
        .filter(|d| d.src == run.report.target.us)
        .collect();
    for d in &captured_ours {
        if let Some(m) = parse_sip(&d.payload) {
            run.mapper.learn_captured(&m);
        }
    }
    let mut deadline = run.drain(t0);
    for d in &capture.datagrams {
        let now = t0 + d.at;
        deadline = run.fire_until(deadline, now);
        let target = &run.report.target;
        if d.src == target.us && target.role == Role::Caller && Some(d.at) == target.invite_at {
            run.dial(now, d);
            deadline = run.drain(now);
            continue;
        }
        if d.src == target.us || target.is_our_media(d.src).is_some() {
            // What our side sent, or its self-traffic (a NAT probe, a loop): not the far end's.
            continue;
        }
        if d.dst == run.report.target.us {
            run.feed_sip(now, d);
        } else if let Some(rtcp) = run.report.target.is_our_media(d.dst) {
            run.feed_media(now, d, rtcp);
        } else {
            continue;
        }
        deadline = run.drain(now);
    }
    let end = t0 + capture.duration() + options.linger;
    let last = t0 + capture.duration();
    let stopped = run.fire_until_idle(deadline, last, end);
    run.report.ended_at = stopped.saturating_duration_since(t0);
    for (at, src, line, _) in std::mem::take(&mut run.held) {
        run.skip(
            t0 + at,
            format!("{line} from {src}: a response to a request we never sent"),
        );
    }
    run.report.counts = run.endpoint.counts();
    run.report.divergences = compare_sip(capture, &run.report);
    run.report.divergences.append(&mut run.media_sources);
    Ok((run.report, run.endpoint))
}

struct Run<N> {
    t0: Instant,
    endpoint: N,
    mapper: Mapper,
    report: ReplayReport,
    /// Captured far-end responses to requests we had not sent when they were captured:
    /// time, source, summary, message.
    held: Vec<(Duration, SocketAddr, String, Box<Response>)>,
    /// Media that came from elsewhere than the far end's SDP said.
    media_sources: Vec<Divergence>,
    /// Present the far end's media as coming from the address its SDP announced.
    media_from_sdp: bool,
}

/// A guard against a deadline that never moves forward.
const MIN_STEP: Duration = Duration::from_micros(100);

impl<N: ReplayNode> Run<N> {
    fn at(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.t0)
    }

    /// Fires timers due before `until`; returns the next deadline.
    fn fire_until(&mut self, mut deadline: Instant, until: Instant) -> Instant {
        let mut last = None;
        while deadline <= until {
            let now = match last {
                Some(prev) if deadline <= prev => prev + MIN_STEP,
                _ => deadline,
            };
            if now > until {
                break;
            }
            self.endpoint.handle_timeout(now);
            last = Some(now);
            deadline = self.drain(now);
        }
        deadline
    }

    /// Fires timers from `from` until `end`, or until every call has ended and been reaped.
    fn fire_until_idle(&mut self, mut deadline: Instant, from: Instant, end: Instant) -> Instant {
        let mut now = from;
        loop {
            if self.endpoint.counts().is_empty() && !self.report.events.is_empty() {
                return now;
            }
            let step = deadline.max(now + MIN_STEP);
            if step > end {
                return now;
            }
            now = step;
            self.endpoint.handle_timeout(now);
            deadline = self.drain(now);
        }
    }

    /// Places the captured call from our endpoint: same Request-URI, From and X- headers,
    /// to the captured callee.
    fn dial(&mut self, now: Instant, d: &Datagram) {
        let Some(Message::Request(invite)) = parse_sip(&d.payload) else {
            return;
        };
        let mut request = DialRequest::new(invite.uri().as_str(), d.dst);
        request.from = invite.from().ok().map(|f| f.uri().as_str().to_owned());
        request.headers = invite
            .headers()
            .x_headers()
            .map(|(n, v)| (n.to_owned(), v.as_str().to_owned()))
            .collect();
        match self.endpoint.dial(now, request) {
            Ok(Some(ours)) => {
                if let Ok(captured) = invite.call_id() {
                    self.mapper.bind_call_id(captured.as_str(), &ours);
                }
            }
            Ok(None) => {}
            Err(e) => self.skip(now, format!("the captured INVITE: dialling it failed: {e}")),
        }
    }

    /// Notes a datagram not fed; repeats of the same reason are counted on one entry.
    fn skip(&mut self, now: Instant, what: String) {
        let at = self.at(now);
        if let Some(s) = self.report.skipped.iter_mut().find(|s| s.what == what) {
            s.count += 1;
            s.last_at = at;
            return;
        }
        self.report.skipped.push(Skipped {
            first_at: at,
            last_at: at,
            count: 1,
            what,
        });
    }

    fn feed_sip(&mut self, now: Instant, d: &Datagram) {
        let Some(message) = parse_sip(&d.payload) else {
            // Not SIP we can read: the endpoint gets it as captured (it counts and drops).
            self.endpoint
                .handle_datagram(now, self.report.target.us, d.src, d.payload.clone());
            self.report.fed += 1;
            return;
        };
        let line = summary(&message);
        match self.mapper.map_incoming(message) {
            Mapped::Feed(bytes) => {
                self.report.ladder.push(LadderEntry {
                    at: self.at(now),
                    direction: Direction::FarToUs,
                    peer: d.src,
                    summary: line,
                });
                self.endpoint
                    .handle_datagram(now, self.report.target.us, d.src, bytes);
                self.report.fed += 1;
            }
            Mapped::Skip(reason) => {
                self.skip(now, format!("{line} from {}: {reason}", d.src));
            }
            Mapped::Hold(resp) => {
                let at = self.at(now);
                self.held.push((at, d.src, line, resp));
            }
        }
    }

    fn feed_media(&mut self, now: Instant, d: &Datagram, rtcp: bool) {
        let Some(ours) = self.mapper.our_media else {
            let what = format!("media {} → {}: we announced no media address", d.src, d.dst);
            self.skip(now, what);
            return;
        };
        let local = if rtcp {
            SocketAddr::new(ours.ip(), ours.port().wrapping_add(1))
        } else {
            ours
        };
        let mut src = d.src;
        if let Some(announced) = self.mapper.far_media {
            let noted = self.media_sources.iter().any(|m| {
                matches!(m, Divergence::MediaSource { from, announced: a, .. } if *from == d.src && *a == announced)
            });
            if self.media_from_sdp {
                let port = if rtcp {
                    announced.port().wrapping_add(1)
                } else {
                    announced.port()
                };
                src = SocketAddr::new(announced.ip(), port);
            }
            if d.src != announced && !rtcp && !noted {
                let at = self.at(now);
                self.media_sources.push(Divergence::MediaSource {
                    at,
                    from: d.src,
                    announced,
                });
            }
        }
        self.endpoint
            .handle_datagram(now, local, src, d.payload.clone());
        self.report.fed += 1;
    }

    /// Drains the endpoint's outputs, handing it the held far-end responses that now answer
    /// a request of ours; returns its next deadline.
    fn drain(&mut self, now: Instant) -> Instant {
        loop {
            let deadline = self.drain_outputs(now);
            if !self.release_held(now) {
                return deadline;
            }
        }
    }

    /// Feeds the first held response that matches a request we have sent since.
    fn release_held(&mut self, now: Instant) -> bool {
        for i in 0..self.held.len() {
            let (at, src, line, resp) = self.held.remove(i);
            match self.mapper.map_incoming(Message::Response(*resp)) {
                Mapped::Feed(bytes) => {
                    self.report.ladder.push(LadderEntry {
                        at: self.at(now),
                        direction: Direction::FarToUs,
                        peer: src,
                        summary: format!("{line} (captured at +{:.3}s)", at.as_secs_f64()),
                    });
                    self.endpoint
                        .handle_datagram(now, self.report.target.us, src, bytes);
                    self.report.fed += 1;
                    return true;
                }
                Mapped::Hold(resp) => self.held.insert(i, (at, src, line, resp)),
                Mapped::Skip(reason) => {
                    self.skip(now, format!("{line} from {src}: {reason}"));
                    return true;
                }
            }
        }
        false
    }

    /// Drains the endpoint's outputs; returns its next deadline.
    fn drain_outputs(&mut self, now: Instant) -> Instant {
        loop {
            match self.endpoint.poll_output() {
                Output::Transmit(t) => {
                    if t.from == self.report.target.us {
                        if let Some(m) = parse_sip(&t.data) {
                            self.mapper.learn_ours(&m);
                            self.report.ladder.push(LadderEntry {
                                at: self.at(now),
                                direction: Direction::UsToFar,
                                peer: t.to,
                                summary: summary(&m),
                            });
                        }
                    }
                    self.report.sent.push(Sent {
                        at: self.at(now),
                        from: t.from,
                        to: t.to,
                        data: t.data,
                    });
                }
                Output::Event(Event::Audio { call, frame }) => {
                    let entry = self
                        .report
                        .audio
                        .entry(call)
                        .or_insert((frame.sample_rate, Vec::new()));
                    entry.1.extend_from_slice(&frame.pcm);
                }
                Output::Event(e) => {
                    let at = self.at(now);
                    self.report.events.push((at, e));
                }
                Output::Socket(SocketRequest::Bind(addr)) => {
                    self.endpoint.handle_bind_result(now, addr, true);
                }
                Output::Socket(SocketRequest::Close(_)) => {}
                Output::Timeout(deadline) => return deadline,
            }
        }
    }
}
