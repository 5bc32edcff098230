//! Wire- and event-level bookkeeping for invariants: how long each INVITE transaction kept
//! the wire busy, which calls ended and how, which DTMF digits each call reported.

use std::collections::BTreeMap;
use std::time::Duration;

use sipvoice_core::endpoint::{CallId, EndReason, Event};

use super::NodeId;
use crate::summary::Summary;

/// The wire life of one INVITE transaction (keyed by Call-ID and CSeq).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InviteSpan {
    /// The node that sent the INVITE.
    pub client: NodeId,
    /// First transmission of the INVITE.
    pub first_request: Duration,
    /// Last (re)transmission of the INVITE.
    pub last_request: Duration,
    /// First final response sent for it.
    pub first_final: Option<Duration>,
    /// Last (re)transmission of a final response.
    pub last_final: Option<Duration>,
    /// Final status codes seen, in order, without repeats.
    pub finals: Vec<u16>,
}

/// What a call went through, as its node reported it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallLife {
    /// `CallStarted` was reported.
    pub started: bool,
    /// How it ended (`None` while live).
    pub ended: Option<EndReason>,
    /// Times `CallEnded` was reported (must never exceed one).
    pub end_reports: u32,
    /// DTMF digits reported, in order.
    pub digits: String,
    /// DTMF digits the application asked this call to send, in order.
    pub sent_digits: String,
    /// The SIP Call-ID, once an event carried it.
    pub sip_call_id: Option<String>,
}

/// Bookkeeping of a run, updated as datagrams are sent and events reported.
#[derive(Clone, Debug, Default)]
pub struct Audit {
    invites: BTreeMap<(String, u32, NodeId), InviteSpan>,
    calls: BTreeMap<(NodeId, CallId), CallLife>,
}

impl Audit {
    pub(crate) fn datagram(
        &mut self,
        at: Duration,
        (from, to): (NodeId, Option<NodeId>),
        summary: &Summary,
    ) {
        match summary {
            Summary::Request {
                method,
                cseq,
                call_id,
                ..
            } if method == "INVITE" => {
                let span = self
                    .invites
                    .entry((call_id.clone(), *cseq, from))
                    .or_insert(InviteSpan {
                        client: from,
                        first_request: at,
                        last_request: at,
                        first_final: None,
                        last_final: None,
                        finals: Vec::new(),
                    });
                span.last_request = at;
            }
            Summary::Response {
                status,
                cseq,
                method,
                call_id,
                ..
            } if method == "INVITE" && *status >= 200 => {
                let Some(client) = to else {
                    return;
                };
                if let Some(span) = self.invites.get_mut(&(call_id.clone(), *cseq, client)) {
                    span.first_final.get_or_insert(at);
                    span.last_final = Some(at);
                    if !span.finals.contains(status) {
                        span.finals.push(*status);
                    }
                }
            }
            _ => {}
        }
    }

    pub(crate) fn event(&mut self, node: NodeId, event: &Event) {
        match event {
            Event::IncomingCall { call, info } => {
                let life = self.calls.entry((node, *call)).or_default();
                life.sip_call_id = Some(info.sip_call_id.clone());
            }
            Event::CallStarted { call, info } => {
                let life = self.calls.entry((node, *call)).or_default();
                life.started = true;
                life.sip_call_id = Some(info.sip_call_id.clone());
            }
            Event::CallEnded {
                call, reason, info, ..
            } => {
                let life = self.calls.entry((node, *call)).or_default();
                life.sip_call_id = Some(info.sip_call_id.clone());
                life.ended = Some(reason.clone());
                life.end_reports += 1;
            }
            Event::Dtmf { call, digit, .. } => {
                self.calls
                    .entry((node, *call))
                    .or_default()
                    .digits
                    .push(*digit);
            }
            _ => {}
        }
    }

    pub(crate) fn sent_dtmf(&mut self, node: NodeId, call: CallId, digits: &str) {
        self.calls
            .entry((node, call))
            .or_default()
            .sent_digits
            .push_str(digits);
    }

    pub(crate) fn dialed(&mut self, node: NodeId, call: CallId) {
        self.calls.entry((node, call)).or_default();
    }

    /// Every INVITE transaction seen on the wire, by (Call-ID, CSeq, client node).
    pub fn invites(&self) -> &BTreeMap<(String, u32, NodeId), InviteSpan> {
        &self.invites
    }

    /// Every call a node dialled or reported, by (node, call).
    pub fn calls(&self) -> &BTreeMap<(NodeId, CallId), CallLife> {
        &self.calls
    }

    /// The life of one call.
    pub fn call(&self, node: NodeId, call: CallId) -> Option<&CallLife> {
        self.calls.get(&(node, call))
    }

    /// The other nodes' lives of the same SIP call (same Call-ID).
    pub fn peers_of<'a>(
        &'a self,
        node: NodeId,
        life: &'a CallLife,
    ) -> impl Iterator<Item = (NodeId, &'a CallLife)> + 'a {
        self.calls.iter().filter_map(move |((n, _), other)| {
            let same = life.sip_call_id.is_some() && other.sip_call_id == life.sip_call_id;
            (same && *n != node).then_some((*n, other))
        })
    }

    /// Calls that have not reported `CallEnded`.
    pub fn open_calls(&self) -> Vec<(NodeId, CallId)> {
        self.calls
            .iter()
            .filter(|(_, life)| life.ended.is_none())
            .map(|(k, _)| *k)
            .collect()
    }

    /// Broken rules, one sentence each: an INVITE retransmitted or answered over a span
    /// longer than 64·T1, two different final responses to one INVITE (a 2xx after a
    /// 487, ...), a call that reported its end twice.
    pub fn violations(&self, t1: Duration) -> Vec<String> {
        let limit = t1 * 64;
        let mut out = Vec::new();
        for ((call_id, cseq, _), span) in &self.invites {
            if span.last_request - span.first_request > limit {
                out.push(format!(
                    "INVITE {call_id} cseq={cseq} retransmitted for {:?} (> 64·T1)",
                    span.last_request - span.first_request
                ));
            }
            if let (Some(first), Some(last)) = (span.first_final, span.last_final) {
                if last - first > limit {
                    out.push(format!(
                        "final response to INVITE {call_id} cseq={cseq} repeated for {:?} (> 64·T1)",
                        last - first
                    ));
                }
            }
            if span.finals.len() > 1 {
                out.push(format!(
                    "INVITE {call_id} cseq={cseq} got several final statuses {:?}",
                    span.finals
                ));
            }
        }
        for ((node, call), life) in &self.calls {
            for (sender, sent) in self.peers_of(*node, life) {
                if !is_subsequence(&life.digits, &sent.sent_digits) {
                    out.push(format!(
                        "{node} {call} reported digits {:?} but {sender} sent {:?}",
                        life.digits, sent.sent_digits
                    ));
                }
            }
            if life.end_reports > 1 {
                out.push(format!(
                    "{node} {call} reported its end {} times",
                    life.end_reports
                ));
            }
        }
        out
    }
}

/// Whether `part` is `whole` with some characters left out (order kept, nothing added).
fn is_subsequence(part: &str, whole: &str) -> bool {
    let mut rest = whole.chars();
    part.chars().all(|c| rest.any(|w| w == c))
}

#[cfg(test)]
mod tests {
    use super::is_subsequence;

    #[test]
    fn digits_may_be_lost_but_never_repeated_or_invented() {
        assert!(is_subsequence("", "123"));
        assert!(is_subsequence("13", "123"));
        assert!(is_subsequence("123", "123"));
        assert!(!is_subsequence("113", "123"));
        assert!(!is_subsequence("31", "123"));
        assert!(!is_subsequence("4", "123"));
    }
}
