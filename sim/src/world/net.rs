//! Datagrams between nodes: scripted drops, links, per-flow counters and delivery to
//! bound sockets.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use sipvoice_core::endpoint::Transmit;

use super::{NodeId, Sim};
use crate::link::Fate;
use crate::summary::Summary;

/// Which datagrams a scripted drop applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Matcher {
    /// A SIP request with this method (`INVITE`, `ACK`, `BYE`, ...).
    Request(String),
    /// A SIP response with this status to a request of this method.
    Response(u16, String),
    /// Any SIP message.
    AnySip,
    /// Any RTP packet.
    Rtp,
    /// Any datagram.
    Any,
}

impl Matcher {
    /// A request matcher: `Matcher::request("BYE")`.
    pub fn request(method: &str) -> Self {
        Matcher::Request(method.to_owned())
    }

    /// A response matcher: `Matcher::response(200, "INVITE")`.
    pub fn response(status: u16, method: &str) -> Self {
        Matcher::Response(status, method.to_owned())
    }

    /// Whether a datagram with this summary matches.
    pub fn matches(&self, summary: &Summary) -> bool {
        match self {
            Matcher::Request(m) => summary.method() == Some(m.as_str()),
            Matcher::Response(status, m) => summary.status() == Some((*status, m.as_str())),
            Matcher::AnySip => summary.is_sip(),
            Matcher::Rtp => matches!(summary, Summary::Rtp { .. }),
            Matcher::Any => true,
        }
    }
}

/// A scripted drop: the next `remaining` matching datagrams from `from` are lost.
#[derive(Clone, Debug)]
pub(crate) struct DropRule {
    from: Option<NodeId>,
    matcher: Matcher,
    remaining: u32,
}

/// What happened to the datagrams of one (source, destination) address pair.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlowStats {
    /// Datagrams sent.
    pub sent: u64,
    /// Datagrams dropped by the network (links and scripted drops).
    pub dropped: u64,
    /// Extra copies made by duplication.
    pub duplicated: u64,
    /// Copies that reached the destination node (bound or not).
    pub delivered: u64,
}

impl Sim {
    /// Drops the next `count` datagrams matching `matcher` sent by `from` (any node when
    /// `None`), before they reach any link. Rules apply in the order they were added.
    pub fn drop_next(&mut self, from: Option<NodeId>, matcher: Matcher, count: u32) {
        self.drop_rules.push(DropRule {
            from,
            matcher,
            remaining: count,
        });
    }

    /// Appends to the trace one line per (sender, receiver, kind) with the flows' counters
    /// added up — the media lines in aggregate: `traffic A→B rtp sent=.. dropped=.. ...`.
    /// A flow's kind (`sip`, `rtp`, `rtcp`, `other`) is that of its first datagram.
    pub fn trace_flows(&mut self) {
        let at = self.clock.elapsed();
        let mut totals: BTreeMap<(String, String, &'static str), FlowStats> = BTreeMap::new();
        for (flow, stats) in &self.flows {
            let name = |addr: SocketAddr| {
                self.by_ip
                    .get(&addr.ip())
                    .and_then(|id| self.nodes.get(id.0))
                    .map_or_else(|| addr.ip().to_string(), |n| n.name.clone())
            };
            let kind = self.flow_kinds.get(flow).copied().unwrap_or("other");
            let total = totals
                .entry((name(flow.0), name(flow.1), kind))
                .or_default();
            total.sent += stats.sent;
            total.dropped += stats.dropped;
            total.duplicated += stats.duplicated;
            total.delivered += stats.delivered;
        }
        for ((from, to, kind), f) in totals {
            let line = format!(
                "traffic {from}→{to} {kind} sent={} dropped={} duplicated={} delivered={}",
                f.sent, f.dropped, f.duplicated, f.delivered
            );
            self.trace.note(at, &line);
        }
    }

    /// Scripted drops still armed (their remaining counts added up).
    pub fn pending_drops(&self) -> u32 {
        self.drop_rules.iter().map(|r| r.remaining).sum()
    }

    fn scripted_drop(&mut self, from: NodeId, summary: &Summary) -> bool {
        let rule = self.drop_rules.iter_mut().find(|r| {
            r.remaining > 0 && r.from.is_none_or(|f| f == from) && r.matcher.matches(summary)
        });
        match rule {
            Some(rule) => {
                rule.remaining -= 1;
                true
            }
            None => false,
        }
    }

    /// A node sent a datagram: record it and put it on the link to its destination.
    pub(crate) fn send(&mut self, from: usize, transmit: Transmit) {
        let at = self.clock.elapsed();
        let now = self.clock.now();
        let summary = Summary::of(&transmit.data);
        if let (Some(pcap), false) = (self.pcap.as_mut(), self.config.pcap_at_receiver) {
            pcap.record(at, &transmit);
        }
        let to = self.by_ip.get(&transmit.to.ip()).copied();
        let from_name = self.nodes.get(from).map_or("?", |n| n.name.as_str());
        let to_name = match to {
            Some(id) => self.nodes.get(id.0).map_or("?", |n| n.name.as_str()),
            None => "?",
        }
        .to_owned();
        let from_name = from_name.to_owned();
        let flow = (transmit.from, transmit.to);
        self.flows.entry(flow).or_default().sent += 1;
        self.flow_kinds.entry(flow).or_insert(match summary {
            Summary::Request { .. } | Summary::Response { .. } => "sip",
            Summary::Rtp { .. } => "rtp",
            Summary::Rtcp { .. } => "rtcp",
            Summary::Other { .. } => "other",
        });
        if self.scripted_drop(NodeId(from), &summary) {
            self.trace
                .datagram(at, (&from_name, &to_name), &summary, None);
            self.audit.datagram(at, (NodeId(from), to), &summary);
            self.flows.entry(flow).or_default().dropped += 1;
            return;
        }
        let Some(to) = to else {
            self.unrouted_drops += 1;
            self.trace.note(
                at,
                &format!("{from_name}→? {summary} ✗ no route to {}", transmit.to),
            );
            self.audit.datagram(at, (NodeId(from), None), &summary);
            self.flows.entry(flow).or_default().dropped += 1;
            return;
        };
        let fate = self.link_mut(from, to.0).handle_datagram(now, transmit);
        self.trace
            .datagram(at, (&from_name, &to_name), &summary, Some(&fate));
        let stats = self.flows.entry(flow).or_default();
        match fate {
            Fate::Dropped(_) => stats.dropped += 1,
            Fate::Delivered { duplicate, .. } => stats.duplicated += u64::from(duplicate.is_some()),
        }
        self.audit.datagram(at, (NodeId(from), Some(to)), &summary);
    }

    /// A datagram arrives at node `to`: hand it over if a socket is bound there.
    pub(crate) fn deliver(&mut self, to: usize, transmit: Transmit) {
        let now = self.clock.now();
        self.flows
            .entry((transmit.from, transmit.to))
            .or_default()
            .delivered += 1;
        if let (Some(pcap), true) = (self.pcap.as_mut(), self.config.pcap_at_receiver) {
            pcap.record(self.clock.elapsed(), &transmit);
        }
        let from_name = self
            .by_ip
            .get(&transmit.from.ip())
            .and_then(|id| self.nodes.get(id.0))
            .map_or_else(|| transmit.from.ip().to_string(), |n| n.name.clone());
        let Some(node) = self.nodes.get_mut(to) else {
            return;
        };
        if node.accepts(transmit.to) {
            node.agent
                .handle_datagram(now, transmit.to, transmit.from, transmit.data);
            self.drain(to, false);
            return;
        }
        self.unbound_drops += 1;
        let to_name = node.name.clone();
        let at = self.clock.elapsed();
        self.trace.unbound(at, (&from_name, &to_name), &transmit);
    }
}
