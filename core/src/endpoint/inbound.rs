//! Requests and responses arriving on the SIP socket: parse, answer what cannot be
//! processed (400, 416, 420, 483, 405, 501, 481), match transactions, and route the rest
//! to admission (new INVITEs) or to the call's dialog.

use std::sync::Arc;

use std::net::SocketAddr;

use bytes::Bytes;

use super::Endpoint;
use super::messages::{ACCEPT_SDP, reply_destination, via_destination};
use super::transaction::{KeyMethod, ServerKey, ServerState, TxId};
use crate::sip::{self, HeaderName, Message, Method, ParseError, Request, Scheme, SipStr};

/// Extensions we implement (none: every `Require` tag is unsupported).
const SUPPORTED: &[&str] = &[];

impl Endpoint {
    /// A datagram on the SIP socket.
    pub(crate) fn sip_datagram(&mut self, remote: SocketAddr, data: Bytes) {
        match sip::parse(data) {
            Err(e) => self.parse_failure(&e, remote),
            Ok(Message::Response(resp)) => {
                if resp.validate().is_err() {
                    self.drops.unparseable += 1;
                } else {
                    self.client_response(resp);
                }
            }
            Ok(Message::Request(req)) => self.request(req, remote),
        }
    }

    /// A request we cannot parse: answered statelessly (400/505) when possible, else counted.
    fn parse_failure(&mut self, e: &ParseError, remote: SocketAddr) {
        let is_ack = e
            .salvage()
            .is_some_and(|s| s.method.as_ref() == Some(&Method::Ack));
        match e.response() {
            Some(mut resp) if !is_ack => {
                if let Some(server) = &self.user_agent {
                    let _ = resp.headers_mut().push(HeaderName::SERVER, server.clone());
                }
                let dest = e
                    .salvage()
                    .and_then(|s| s.top_via())
                    .map_or(remote, |via| via_destination(&via, remote));
                self.transmit(dest, resp.to_bytes());
            }
            _ => self.drops.unparseable += 1,
        }
    }

    /// A parsed request.
    fn request(&mut self, mut req: Request, remote: SocketAddr) {
        if let Method::Other(_) = req.method() {
            // Unknown method: 501 before looking any further (RFC 3261 §8.2.1).
            req.stamp_received(remote);
            let resp = self.tagged_response(&req, 501, "Not Implemented");
            let dest = req
                .view_via()
                .map_or(remote, |v| via_destination(v, remote));
            self.transmit(dest, resp.encode());
            return;
        }
        if let Err(e) = req.validate() {
            self.parse_failure(&e, remote);
            return;
        }
        let Some(key) = ServerKey::of(&req) else {
            self.drops.unparseable += 1;
            return;
        };
        if req.method() == &Method::Ack {
            // Nothing answers an ACK: its Via is never stamped.
            self.ack(req, &key);
            return;
        }
        if let Some(&tx) = self.txs.server_index.get(&key) {
            self.server_retransmission(tx);
            return;
        }
        let dest = req
            .view_via()
            .map_or(remote, |v| reply_destination(v, remote));
        req.stamp_received(remote);
        // Shared by the transaction (to answer a CANCEL) and the call it creates.
        let req = Arc::new(req);
        let tx = self.server_create(key, &req, dest);
        if req.method() == &Method::Invite {
            let trying = self.response(&req, 100, "Trying");
            self.server_respond(tx, trying.finish());
        }
        self.dispatch(tx, req, remote);
    }

    /// Answers `status` in transaction `tx` with a fresh To tag.
    pub(crate) fn answer(&mut self, tx: TxId, req: &Request, status: u16, reason: &str) {
        let resp = self.tagged_response(req, status, reason);
        self.server_respond(tx, resp.finish());
    }

    /// The checks every new request goes through, then its handler.
    fn dispatch(&mut self, tx: TxId, req: Arc<Request>, remote: SocketAddr) {
        let method = req.method().clone();
        if method == Method::Cancel {
            self.cancel(tx, &req);
            return;
        }
        if !matches!(req.uri().scheme(), Scheme::Sip | Scheme::Sips) {
            self.answer(tx, &req, 416, "Unsupported URI Scheme");
            return;
        }
        let unsupported: Vec<String> = req
            .headers()
            .require()
            .filter(|tag| !SUPPORTED.iter().any(|s| tag.eq_ignore_ascii_case(s)))
            .map(|tag| tag.as_str().to_owned())
            .collect();
        if !unsupported.is_empty() {
            let mut resp = self.tagged_response(&req, 420, "Bad Extension");
            resp.header(HeaderName::UNSUPPORTED, unsupported.join(", "));
            self.server_respond(tx, resp.finish());
            return;
        }
        let to_tag = req.view_to().ok().and_then(|to| to.tag_shared());
        let max_forwards = req.headers().max_forwards().ok().flatten();
        if to_tag.is_none() && max_forwards == Some(0) && method != Method::Options {
            self.answer(tx, &req, 483, "Too Many Hops");
            return;
        }
        if !matches!(
            method,
            Method::Invite | Method::Bye | Method::Options | Method::Info | Method::Update
        ) {
            self.answer(tx, &req, 405, "Method Not Allowed");
            return;
        }
        match to_tag {
            Some(tag) => self.in_dialog(tx, req, &tag),
            None => match method {
                Method::Invite => self.admit(tx, req, remote),
                Method::Options => self.options(tx, &req),
                _ => self.answer(tx, &req, 481, "Call/Transaction Does Not Exist"),
            },
        }
    }

    /// 200 to OPTIONS with what we honestly allow, accept and support.
    pub(crate) fn options(&mut self, tx: TxId, req: &Request) {
        let mut resp = self.tagged_response(req, 200, "OK");
        resp.header(HeaderName::ALLOW, super::messages::ALLOW);
        resp.header(HeaderName::ACCEPT, ACCEPT_SDP);
        resp.header(HeaderName::SUPPORTED, SUPPORTED.join(", "));
        resp.header(HeaderName::CONTACT, &*self.contact);
        self.server_respond(tx, resp.finish());
    }

    /// An ACK: absorbed by its INVITE transaction (non-2xx), else the dialog's (2xx).
    fn ack(&mut self, req: Request, key: &ServerKey) {
        if let Some(&tx) = self.txs.server_index.get(key) {
            if self.server_ack(tx) {
                return;
            }
        }
        let call_id = req.call_id().unwrap_or_default();
        let Some(tag) = req.view_to().ok().and_then(|to| to.tag_shared()) else {
            return;
        };
        if let Some(&call) = self.dialogs.get(&(call_id, tag)) {
            self.on_ack(call, &req);
        }
    }

    /// CANCEL (§9.2): 200 to it, and 487 to the INVITE it matches if that is unanswered.
    fn cancel(&mut self, tx: TxId, req: &Request) {
        let invite_key = ServerKey::of(req).map(|k| k.with_method(KeyMethod::Invite));
        let invite_tx = invite_key.and_then(|k| self.txs.server_index.get(&k).copied());
        let Some(invite_tx) = invite_tx else {
            self.answer(tx, req, 481, "Call/Transaction Does Not Exist");
            return;
        };
        let (state, call) = match self.txs.server.get(&invite_tx) {
            Some(t) => (t.state, t.call),
            None => (ServerState::Completed, None),
        };
        let tag = match call.and_then(|c| self.calls.get(&c)) {
            Some(c) => c.dialog.local_tag.clone(),
            None => SipStr::from(self.rng.token(10)),
        };
        let mut ok = self.response(req, 200, "OK");
        ok.tag_to(&*tag);
        self.server_respond(tx, ok.finish());
        if state != ServerState::Proceeding {
            return; // already answered: the CANCEL changes nothing
        }
        match call {
            Some(call) => self.refuse_call(call, 487, super::EndReason::Cancel),
            None => {
                if let Some(invite) = self
                    .txs
                    .server
                    .get(&invite_tx)
                    .and_then(|t| t.request.clone())
                {
                    self.answer(invite_tx, &invite, 487, "Request Terminated");
                }
            }
        }
    }
}
