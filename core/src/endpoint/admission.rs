//! Admission of a new INVITE, in order: authentication → capacity, session id and SDP
//! (the checks that need no one) → the application's decision → RTP port → 180 → 200.
//! Refusals before the application knows the call are [`Event::CallRejected`].

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;

use super::call::{Call, CallState, CallTimer, DECISION_TIMEOUT};
use super::dialog::{Dialog, concat};
use super::event::{CallDirection, CallInfo, EndReason, Event};
use super::ids::CallId;
use super::messages::ACCEPT_SDP;
use super::messages::media_config;
use super::transaction::TxId;
use super::{CommandError, Endpoint, TimerKey};
use crate::config::AnswerPolicy;
use crate::sdp::{SessionDescription, answer_offer};
use crate::sip::{HeaderName, Request, SipStr};

impl Endpoint {
    /// A new INVITE (no To tag) that passed the generic checks.
    pub(crate) fn admit(&mut self, tx: TxId, req: Arc<Request>, remote: SocketAddr) {
        let call_id = req.call_id().unwrap_or_default();
        let from_tag = req
            .view_from()
            .ok()
            .and_then(|f| f.tag_shared())
            .unwrap_or_default();
        let seq = req.view_cseq().map(|c| c.seq).unwrap_or(0);
        let merge = (call_id.clone(), from_tag, seq);
        if self.merged.get(&merge).is_some_and(|&other| other != tx) {
            self.answer(tx, &req, 482, "Loop Detected");
            return;
        }
        self.merged.insert(merge.clone(), tx);
        if let Some(t) = self.txs.server.get_mut(&tx) {
            t.merge = Some(merge);
        }
        if self.shutting_down {
            return self.reject_new(tx, &req, 503, "Service Unavailable");
        }
        if !self.authenticate(tx, &req) {
            return;
        }
        if self.calls.len() >= self.config.max_sessions {
            return self.reject_new(tx, &req, 503, "Service Unavailable");
        }
        let has_body = !req.body().is_empty();
        let content_type = req.headers().content_type().ok().flatten();
        if has_body
            && !content_type
                .as_ref()
                .is_some_and(|t| t.is("application", "sdp"))
        {
            let mut resp = self.tagged_response(&req, 415, "Unsupported Media Type");
            resp.header(HeaderName::ACCEPT, ACCEPT_SDP);
            self.server_respond(tx, resp.finish());
            return;
        }
        if !req.headers().accepts("application/sdp") {
            let mut resp = self.tagged_response(&req, 406, "Not Acceptable");
            let warning = format!("304 {} \"Only application/sdp is offered\"", self.sent_by);
            resp.header(HeaderName::WARNING, warning);
            self.server_respond(tx, resp.finish());
            return;
        }
        let x_headers: Vec<(String, String)> = req
            .headers()
            .x_headers()
            .map(|(n, v)| (n.to_owned(), v.as_str().to_owned()))
            .collect();
        let header = |name: &str| {
            x_headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_owned())
        };
        let session_id = header("X-Session-ID").filter(|s| !s.is_empty());
        let room_id = header("X-Room-ID");
        if session_id
            .as_ref()
            .is_some_and(|s| self.session_ids.contains_key(s))
        {
            return self.reject_new(tx, &req, 486, "Busy Here");
        }
        let sdp_session = u64::from(self.rng.next_u32());
        let answer = if has_body {
            let parsed = SessionDescription::parse(req.body().clone());
            let config = media_config(&self.config, 0, sdp_session);
            match parsed
                .map_err(Into::into)
                .and_then(|o| answer_offer(&o, &config))
            {
                Ok(answer) => Some(answer),
                Err(refusal) => {
                    let refusal: crate::sdp::Refusal = refusal;
                    let mut resp = self.tagged_response(&req, 488, "Not Acceptable Here");
                    let warning = refusal.warning(&self.sent_by);
                    resp.header(HeaderName::WARNING, warning);
                    self.server_respond(tx, resp.finish());
                    self.emit(Event::CallRejected {
                        sip_call_id: call_id.as_str().to_owned(),
                        status: 488,
                        reason: "Not Acceptable Here".into(),
                    });
                    return;
                }
            }
        } else {
            None
        };
        let Some(dialog) = self.uas_dialog(&req, remote) else {
            return self.answer(tx, &req, 400, "Bad Request");
        };
        let from = req.view_from().ok();
        let info = CallInfo {
            sip_call_id: call_id.as_str().to_owned(),
            session_id: session_id.unwrap_or_else(|| self.rng.token(16)),
            room_id,
            caller: from
                .as_ref()
                .map(|f| f.uri().as_str().to_owned())
                .unwrap_or_default(),
            caller_display_name: from
                .as_ref()
                .and_then(|f| f.display_name().map(|d| d.into_owned())),
            callee: req
                .view_to()
                .map(|t| t.uri().as_str().to_owned())
                .unwrap_or_default(),
            x_headers,
            direction: CallDirection::Inbound,
            remote_sip: remote,
            codec: None,
            sample_rate: 0,
            dtmf_payload_type: None,
        };
        let mut call = Call::new(info, dialog, CallState::Deciding);
        call.invite_tx = Some(tx);
        call.invite = Some(req);
        call.sdp_session = sdp_session;
        if let Some(answer) = answer {
            call.set_negotiated(answer.media);
            call.local_sdp = Some(answer.sdp);
        }
        let id = self.insert_call(call);
        if let Some(t) = self.txs.server.get_mut(&tx) {
            t.call = Some(id);
        }
        match self.config.answer_policy {
            AnswerPolicy::AutoAccept => self.start_binding(id),
            AnswerPolicy::Ask => {
                let info = self.calls.get_mut(&id).map(|c| {
                    c.told_app = true;
                    Arc::clone(&c.info)
                });
                if let Some(info) = info {
                    self.emit(Event::IncomingCall { call: id, info });
                    self.arm(TimerKey::Call(id, CallTimer::Decision), DECISION_TIMEOUT);
                }
            }
        }
    }

    /// The dialog an INVITE creates on our side (RFC 3261 §12.1.1).
    fn uas_dialog(&mut self, req: &Request, remote: SocketAddr) -> Option<Dialog> {
        let from = req.view_from().ok()?;
        let to = req.view_to().ok()?;
        let tag = self.rng.token(10);
        let remote_target = match req.view_contact() {
            Some(Ok(contact)) => contact.address().map(|a| a.uri().clone()),
            _ => None,
        }
        .unwrap_or_else(|| from.uri().clone());
        Some(Dialog {
            call_id: req.call_id().ok()?,
            local: concat(&[to.as_str(), ";tag=", &tag]).into(),
            local_tag: tag.into(),
            remote: from.as_sip_str().clone(),
            local_seq: 0,
            remote_seq: Some(req.view_cseq().ok()?.seq),
            remote_target,
            // List elements come trimmed.
            route_set: req.headers().values(&HeaderName::RECORD_ROUTE).collect(),
            peer: remote,
        })
    }

    /// Refuses an INVITE before a call exists, and says so to the application.
    pub(crate) fn reject_new(&mut self, tx: TxId, req: &Request, status: u16, reason: &str) {
        self.answer(tx, req, status, reason);
        let sip_call_id = req
            .call_id()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default();
        self.emit(Event::CallRejected {
            sip_call_id,
            status,
            reason: reason.to_owned(),
        });
    }

    /// Refuses an unanswered inbound call with `status` and ends it: [`Event::CallEnded`]
    /// when the application knows the call, [`Event::CallRejected`] otherwise.
    pub(crate) fn refuse_call(&mut self, id: CallId, status: u16, reason: EndReason) {
        let Some(call) = self.calls.get(&id) else {
            return;
        };
        let tag = call.dialog.local_tag.clone();
        let told = call.told_app;
        let sip_call_id = call.info.sip_call_id.clone();
        if let (Some(tx), Some(invite)) = (call.invite_tx, call.invite.clone()) {
            let mut resp = self.response(&invite, status, "");
            resp.tag_to(tag.as_str());
            self.server_respond(tx, resp.finish());
        }
        if told || reason == EndReason::Cancel {
            self.end_call(id, reason);
        } else {
            self.discard_call(id);
            let reason = crate::sip::StatusCode::new(status)
                .map(|s| s.canonical_reason())
                .unwrap_or("")
                .to_owned();
            self.emit(Event::CallRejected {
                sip_call_id,
                status,
                reason,
            });
        }
    }

    /// The application's answer to [`Event::IncomingCall`].
    pub(crate) fn decide(
        &mut self,
        id: CallId,
        reject: Option<(u16, &str)>,
    ) -> Result<(), CommandError> {
        let call = self.calls.get(&id).ok_or(CommandError::UnknownCall)?;
        if call.state != CallState::Deciding {
            return Err(CommandError::InvalidState("accept or reject"));
        }
        self.timers.cancel(TimerKey::Call(id, CallTimer::Decision));
        match reject {
            None => self.start_binding(id),
            Some((status, reason)) => {
                let tag = call.dialog.local_tag.clone();
                if let (Some(tx), Some(invite)) = (call.invite_tx, call.invite.clone()) {
                    let mut resp = self.response(&invite, status, reason);
                    resp.tag_to(tag.as_str());
                    self.server_respond(tx, resp.finish());
                }
                self.end_call(id, EndReason::Rejected { status });
            }
        }
        Ok(())
    }

    /// Our ports are bound: 180 Ringing, then the 200 at once or after the answer delay.
    pub(crate) fn ring(&mut self, id: CallId) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        call.state = CallState::Ringing;
        if let (Some(port), Some(sdp)) = (call.port, call.local_sdp.as_mut()) {
            let index = call.negotiated.as_ref().map_or(0, |m| m.media_index);
            if let Some(m) = sdp.media.get_mut(index) {
                m.port = port;
            }
        }
        if call.local_sdp.is_none() {
            // An offerless INVITE: our offer goes in the 200, the answer in the ACK.
            let port = call.port.unwrap_or(0);
            let config = media_config(&self.config, port, call.sdp_session);
            let offer = crate::sdp::build_offer(&config);
            if let Some(call) = self.calls.get_mut(&id) {
                call.pending_offer = Some(Box::new(offer.clone()));
                call.local_sdp = Some(offer);
            }
        }
        if let Some(ringing) = self.call_response(id, 180, false) {
            if let Some(tx) = self.calls.get(&id).and_then(|c| c.invite_tx) {
                self.server_respond(tx, (ringing, 180));
            }
        }
        if self.config.answer_delay.is_zero() {
            self.send_ok(id);
        } else {
            let delay = self.config.answer_delay;
            self.arm(TimerKey::Call(id, CallTimer::Answer), delay);
        }
    }

    /// A dialog-forming response to the call's INVITE, encoded: To tag, Record-Route,
    /// Contact, and our SDP when `with_sdp`.
    pub(crate) fn call_response(&self, id: CallId, status: u16, with_sdp: bool) -> Option<Bytes> {
        let call = self.calls.get(&id)?;
        let invite = call.invite.as_ref()?;
        let mut resp = self.response(invite, status, "");
        resp.tag_to(&*call.dialog.local_tag);
        resp.record_route();
        resp.header(HeaderName::CONTACT, &*self.contact);
        if with_sdp {
            resp.header(HeaderName::ALLOW, super::messages::ALLOW);
            if let Some(sdp) = &call.local_sdp {
                resp.body("application/sdp", sdp.to_bytes());
            }
        }
        Some(resp.encode())
    }

    /// Sends the 200 with our SDP, starts media, and waits for the ACK.
    pub(crate) fn send_ok(&mut self, id: CallId) {
        let Some(call) = self.calls.get(&id) else {
            return;
        };
        if call.state != CallState::Ringing {
            return;
        }
        let (tx, dest, seq) = match (call.invite_tx, call.invite.as_ref()) {
            (Some(tx), Some(invite)) => (
                tx,
                self.txs.server.get(&tx).map(|t| t.dest),
                invite.view_cseq().map(|c| c.seq).unwrap_or(0),
            ),
            _ => return,
        };
        let Some(data) = self.call_response(id, 200, true) else {
            return;
        };
        if let Some(call) = self.calls.get_mut(&id) {
            call.state = CallState::Answered;
        }
        self.server_send(tx, data.clone(), 200);
        self.start_media(id);
        if let Some(dest) = dest {
            self.await_ack(id, data, dest, seq);
        }
    }

    /// Removes a call without an event (its refusal was reported as `CallRejected`).
    pub(crate) fn discard_call(&mut self, id: CallId) {
        self.reap_call(id);
    }

    /// Dialog key of an inbound request's call, if it names a live one.
    pub(crate) fn find_dialog(&self, req: &Request, tag: &SipStr) -> Option<CallId> {
        let call_id = req.call_id().ok()?;
        self.dialogs.get(&(call_id, tag.clone())).copied()
    }
}
