//! Dialog state (RFC 3261 §12): tags, CSeq counters, remote target and route set, and
//! the requests we send inside a dialog (BYE, ACK for a 2xx, re-INVITE).

use std::net::{IpAddr, SocketAddr};

use bytes::Bytes;

use crate::sip::{HeaderName, Method, RequestDraft, SipStr, Uri};

/// One dialog, early or confirmed, as seen from our side.
#[derive(Debug, Clone)]
pub(crate) struct Dialog {
    /// The SIP Call-ID.
    pub(crate) call_id: SipStr,
    /// Our tag (To tag of an inbound call, From tag of an outbound one).
    pub(crate) local_tag: SipStr,
    /// Our From (in requests we send) header value, tag included.
    pub(crate) local: SipStr,
    /// The peer's header value, tag included once known.
    pub(crate) remote: SipStr,
    /// Our CSeq counter.
    pub(crate) local_seq: u32,
    /// The highest CSeq the peer used.
    pub(crate) remote_seq: Option<u32>,
    /// Where requests go: the peer's Contact URI.
    pub(crate) remote_target: Uri,
    /// Route values (in the order our requests carry them).
    pub(crate) route_set: Vec<SipStr>,
    /// The address the peer's signalling came from (used when no URI names an IP).
    pub(crate) peer: SocketAddr,
}

/// Joins `parts` into one exactly sized string (cheaper than `format!` on hot paths).
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// A CSeq value, `<seq> <method>`, built in one string.
pub(crate) fn cseq_value(seq: u32, method: &str) -> String {
    let mut out = String::with_capacity(11 + method.len());
    crate::sip::push_decimal(&mut out, seq);
    out.push(' ');
    out.push_str(method);
    out
}

/// Host and port of a URI when its host is an IP literal.
pub(crate) fn uri_addr(uri: &str) -> Option<SocketAddr> {
    let uri = Uri::parse(uri).ok()?;
    let ip: IpAddr = uri.host_ip()?;
    Some(SocketAddr::new(ip, uri.port().unwrap_or(5060)))
}

/// The URI inside a name-addr (`"x" <sip:a@b;lr>;p` → `sip:a@b;lr`), or the value itself.
pub(crate) fn inner_uri(value: &str) -> &str {
    match (value.find('<'), value.rfind('>')) {
        (Some(start), Some(end)) if start < end => value.get(start + 1..end).unwrap_or(value),
        _ => value.trim(),
    }
}

/// What a dialog request needs from the endpoint.
pub(crate) struct Local<'a> {
    /// Our sent-by (host:port of our Via).
    pub(crate) sent_by: &'a str,
    /// A fresh branch (with the RFC 3261 magic cookie).
    pub(crate) branch: &'a str,
    /// Our Contact value.
    pub(crate) contact: &'a SipStr,
    /// User-Agent value, if any.
    pub(crate) user_agent: Option<&'a SipStr>,
}

impl Dialog {
    /// Where the next in-dialog request goes: the first route, else the remote target,
    /// else the peer's source address (the core does no DNS).
    pub(crate) fn destination(&self) -> SocketAddr {
        match self.route_set.first() {
            Some(route) => uri_addr(inner_uri(route)),
            None => self
                .remote_target
                .host_ip()
                .map(|ip| SocketAddr::new(ip, self.remote_target.port().unwrap_or(5060))),
        }
        .unwrap_or(self.peer)
    }

    /// Writes an in-dialog request; `seq` is the CSeq number (a new one when `None`);
    /// `extra` lines follow ours, then the body with its type.
    pub(crate) fn encode(
        &mut self,
        method: &Method,
        seq: Option<u32>,
        local: &Local<'_>,
        extra: &[(HeaderName, &str)],
        body: Option<(&str, &[u8])>,
    ) -> Option<Bytes> {
        let seq = match seq {
            Some(seq) => seq,
            None => {
                self.local_seq = self.local_seq.wrapping_add(1);
                self.local_seq
            }
        };
        let with_contact = *method != Method::Bye && *method != Method::Ack;
        let routes: usize = self.route_set.iter().map(|r| r.len() + 9).sum();
        let size = local.sent_by.len()
            + local.branch.len()
            + routes
            + self.local.len()
            + self.remote.len()
            + self.call_id.len()
            + method.as_str().len()
            + if with_contact { local.contact.len() } else { 0 }
            + local.user_agent.map_or(0, |ua| ua.len())
            + extra.iter().map(|(_, v)| v.len() + 16).sum::<usize>()
            + body.map_or(0, |(t, b)| t.len() + b.len() + 16)
            + 120;
        let mut draft = RequestDraft::new(method, &self.remote_target, size);
        draft.header_parts(
            &HeaderName::VIA,
            &[
                "SIP/2.0/UDP ",
                local.sent_by,
                ";branch=",
                local.branch,
                ";rport",
            ],
        );
        draft.header(&HeaderName::MAX_FORWARDS, "70");
        for route in &self.route_set {
            draft.header(&HeaderName::ROUTE, route);
        }
        draft.header(&HeaderName::FROM, &self.local);
        draft.header(&HeaderName::TO, &self.remote);
        draft.header(&HeaderName::CALL_ID, &self.call_id);
        draft.cseq(seq, method);
        if with_contact {
            draft.header(&HeaderName::CONTACT, local.contact);
        }
        if let Some(ua) = local.user_agent {
            draft.header(&HeaderName::USER_AGENT, ua);
        }
        for (name, value) in extra {
            draft.header(name, value);
        }
        draft.finish(body)
    }
}
