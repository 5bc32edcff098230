//! Where the replay and the capture part ways: the SIP messages the captured side sent
//! against those our endpoint sent.

use std::fmt;
use std::time::Duration;

use sipvoice_core::sip::{Message, Method};

use super::report::ReplayReport;
use crate::capture::read::Capture;
use crate::capture::sip_view::{parse_sip, summary};

/// One difference between the captured side and our endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Divergence {
    /// The captured side sent this message; our endpoint did not.
    MissingInReplay {
        /// Captured time (of the first, when repeated).
        at: Duration,
        /// The captured message's summary.
        summary: String,
        /// How many times (retransmissions included).
        count: usize,
    },
    /// Our endpoint sent this message; the captured side did not.
    ExtraInReplay {
        /// Virtual time (of the first, when repeated).
        at: Duration,
        /// Our message's summary.
        summary: String,
        /// How many times (retransmissions included).
        count: usize,
    },
    /// The far end's media came from another address than its SDP announced (an endpoint
    /// that checks the source may drop it).
    MediaSource {
        /// Captured time of the first such packet.
        at: Duration,
        /// Where the packets came from.
        from: std::net::SocketAddr,
        /// What the far end's SDP announced.
        announced: std::net::SocketAddr,
    },
    /// Both answered the same request with different final statuses.
    StatusDiffers {
        /// The request's method.
        method: String,
        /// The captured side's status.
        captured: u16,
        /// Ours.
        ours: u16,
        /// How many requests were answered so.
        count: usize,
    },
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Divergence::MissingInReplay { at, summary, count } => write!(
                f,
                "+{:.3}s the capture sent `{summary}`{}; we did not",
                at.as_secs_f64(),
                times(*count)
            ),
            Divergence::ExtraInReplay { at, summary, count } => write!(
                f,
                "+{:.3}s we sent `{summary}`{}; the capture did not",
                at.as_secs_f64(),
                times(*count)
            ),
            Divergence::MediaSource {
                at,
                from,
                announced,
            } => write!(
                f,
                "+{:.3}s the far end's media comes from {from}, its SDP announced {announced}",
                at.as_secs_f64()
            ),
            Divergence::StatusDiffers {
                method,
                captured,
                ours,
                count,
            } => write!(
                f,
                "final answer to {method}: the capture sent {captured}, we sent {ours}{}",
                times(*count)
            ),
        }
    }
}

fn times(count: usize) -> String {
    if count > 1 {
        format!(" ({count} times)")
    } else {
        String::new()
    }
}

/// Repeats of one summary become one entry with a count (time of the first kept).
fn grouped(list: Vec<Sip>) -> Vec<(Duration, String, usize)> {
    let mut out: Vec<(Duration, String, usize)> = Vec::new();
    for s in list {
        match out.iter_mut().find(|(_, summary, _)| *summary == s.summary) {
            Some(entry) => entry.2 += 1,
            None => out.push((s.at, s.summary, 1)),
        }
    }
    out
}

/// A message reduced to what should match: `INVITE`, or `200 (INVITE)`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Sip {
    at: Duration,
    key: String,
    summary: String,
    /// Method and status of a final response.
    final_response: Option<(Method, u16)>,
}

fn reduce(at: Duration, m: &Message) -> Sip {
    let (key, final_response) = match m {
        Message::Request(r) => (r.method().as_str().to_owned(), None),
        Message::Response(r) => {
            let method = r.cseq().map(|c| c.method).ok();
            let name = method.as_ref().map_or("?", |m| m.as_str()).to_owned();
            let code = r.status().code();
            let final_ = method.filter(|_| r.status().is_final()).map(|m| (m, code));
            (format!("{code} ({name})"), final_)
        }
    };
    Sip {
        at,
        key,
        summary: summary(m),
        final_response,
    }
}

/// Pairs the captured side's SIP messages with ours in order, key by key; reports the rest.
pub(crate) fn compare_sip(capture: &Capture, report: &ReplayReport) -> Vec<Divergence> {
    let us = report.target.us;
    let mut captured: Vec<Option<Sip>> = capture
        .datagrams
        .iter()
        .filter(|d| d.src == us)
        .filter_map(|d| parse_sip(&d.payload).map(|m| Some(reduce(d.at, &m))))
        .collect();
    let mut ours: Vec<Option<Sip>> = report
        .sent
        .iter()
        .filter(|s| s.from == us)
        .filter_map(|s| parse_sip(&s.data).map(|m| Some(reduce(s.at, &m))))
        .collect();
    for slot in ours.iter_mut() {
        let Some(mine) = slot.as_ref() else { continue };
        if let Some(theirs) = captured
            .iter_mut()
            .find(|c| c.as_ref().is_some_and(|c| c.key == mine.key))
        {
            *theirs = None;
            *slot = None;
        }
    }
    let mut out = Vec::new();
    // A final answer of a different status to the same method is one difference, not two.
    for slot in ours.iter_mut() {
        let Some((method, code)) = slot.as_ref().and_then(|s| s.final_response.clone()) else {
            continue;
        };
        let other = captured.iter_mut().find(|c| {
            c.as_ref()
                .and_then(|c| c.final_response.as_ref())
                .is_some_and(|(m, _)| *m == method)
        });
        if let Some(other) = other {
            let captured_code = other
                .as_ref()
                .and_then(|c| c.final_response.as_ref())
                .map_or(0, |(_, c)| *c);
            let same = out.iter_mut().find_map(|d| match d {
                Divergence::StatusDiffers {
                    method: m,
                    captured: c,
                    ours: o,
                    count,
                } if m.as_str() == method.as_str() && *c == captured_code && *o == code => {
                    Some(count)
                }
                _ => None,
            });
            match same {
                Some(count) => *count += 1,
                None => out.push(Divergence::StatusDiffers {
                    method: method.as_str().to_owned(),
                    captured: captured_code,
                    ours: code,
                    count: 1,
                }),
            }
            *other = None;
            *slot = None;
        }
    }
    let missing = grouped(captured.into_iter().flatten().collect());
    out.extend(
        missing
            .into_iter()
            .map(|(at, summary, count)| Divergence::MissingInReplay { at, summary, count }),
    );
    let extra = grouped(ours.into_iter().flatten().collect());
    out.extend(
        extra
            .into_iter()
            .map(|(at, summary, count)| Divergence::ExtraInReplay { at, summary, count }),
    );
    out
}
