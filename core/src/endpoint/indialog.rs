//! Requests inside a dialog: CSeq ordering (500), BYE, ACK, re-INVITE and UPDATE
//! (RFC 3264 re-offers: hold, resume, `o=` version; 491 on glare; an offer when the
//! re-INVITE has none), INFO DTMF, OPTIONS; 481 when the dialog is unknown.

use std::sync::Arc;

use super::call::{CallState, CallTimer};
use super::event::{DtmfSource, EndReason, Event};
use super::ids::CallId;
use super::messages::media_config;
use super::messages::{ACCEPT_INFO, ACCEPT_SDP, info_dtmf};
use super::transaction::TxId;
use super::{Endpoint, TimerKey};
use crate::sdp::{
    Direction, SessionDescription, answer_reoffer, apply_answer, apply_reanswer, build_reoffer,
};
use crate::sip::{HeaderName, Method, Request, SipStr};

impl Endpoint {
    /// A request with a To tag: find its dialog, check CSeq order, handle it.
    pub(crate) fn in_dialog(&mut self, tx: TxId, req: Arc<Request>, tag: &SipStr) {
        let Some(id) = self.find_dialog(&req, tag) else {
            return self.answer(tx, &req, 481, "Call/Transaction Does Not Exist");
        };
        let seq = req.view_cseq().map(|c| c.seq).unwrap_or(0);
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        if call.dialog.remote_seq.is_some_and(|last| seq <= last) {
            return self.dialog_answer(
                tx,
                id,
                &req,
                500,
                "Server Internal Error - CSeq out of order",
            );
        }
        call.dialog.remote_seq = Some(seq);
        match req.method() {
            Method::Bye => {
                self.dialog_answer(tx, id, &req, 200, "OK");
                let reason = req
                    .headers()
                    .get(&HeaderName::REASON)
                    .map(|r| r.as_str().to_owned());
                self.end_call(id, EndReason::Bye { reason });
            }
            Method::Invite => self.reinvite(tx, id, &req),
            Method::Update => self.update(tx, id, &req),
            Method::Info => self.info(tx, id, &req),
            Method::Options => self.options(tx, &req),
            _ => self.dialog_answer(tx, id, &req, 405, "Method Not Allowed"),
        }
    }

    /// A response in the call's dialog (our To tag).
    fn dialog_answer(&mut self, tx: TxId, id: CallId, req: &Request, status: u16, reason: &str) {
        let mut resp = self.response(req, status, reason);
        if let Some(call) = self.calls.get(&id) {
            resp.tag_to(&*call.dialog.local_tag);
        }
        self.server_respond(tx, resp.finish());
    }

    /// The ACK for our 2xx: stop retransmitting; the first one starts the call.
    pub(crate) fn on_ack(&mut self, id: CallId, req: &Request) {
        let seq = req.view_cseq().map(|c| c.seq).unwrap_or(0);
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        if call.ok.as_ref().is_none_or(|ok| ok.cseq != seq) {
            return;
        }
        call.ok = None;
        self.timers
            .cancel(TimerKey::Call(id, CallTimer::Retransmit2xx));
        self.timers
            .cancel(TimerKey::Call(id, CallTimer::AckTimeout));
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        if let Some(offer) = call.pending_offer.take() {
            let answer = SessionDescription::parse(req.body().clone()).ok();
            let port = call.port.unwrap_or(0);
            let config = media_config(&self.config, port, call.sdp_session);
            let first = call.negotiated.is_none();
            let media = answer.and_then(|a| {
                if first {
                    apply_answer(&offer, &a, &config).ok()
                } else {
                    apply_reanswer(&offer, &a, &config).ok()
                }
            });
            match media {
                Some(media) => {
                    call.set_negotiated(media);
                    self.start_media(id);
                }
                None if first => {
                    // No usable answer to our offer: the call cannot carry audio.
                    self.send_bye(id);
                    self.end_call(id, EndReason::Rejected { status: 488 });
                    return;
                }
                None => {}
            }
        }
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        if call.state == CallState::Answered {
            call.state = CallState::Established;
            call.told_app = true;
            let info = Arc::clone(&call.info);
            self.emit(Event::CallStarted { call: id, info });
        }
    }

    /// The body of a request that must be SDP (or empty); `Err` after a 415 was sent.
    fn sdp_body(
        &mut self,
        tx: TxId,
        id: CallId,
        req: &Request,
    ) -> Result<Option<SessionDescription>, ()> {
        if req.body().is_empty() {
            return Ok(None);
        }
        let is_sdp = req
            .headers()
            .content_type()
            .ok()
            .flatten()
            .is_some_and(|t| t.is("application", "sdp"));
        if !is_sdp {
            let mut resp = self.response(req, 415, "Unsupported Media Type");
            if let Some(call) = self.calls.get(&id) {
                resp.tag_to(&*call.dialog.local_tag);
            }
            resp.header(HeaderName::ACCEPT, ACCEPT_SDP);
            self.server_respond(tx, resp.finish());
            return Err(());
        }
        match SessionDescription::parse(req.body().clone()) {
            Ok(sdp) => Ok(Some(sdp)),
            Err(e) => {
                self.refuse_offer(tx, id, req, &crate::sdp::Refusal::from(e));
                Err(())
            }
        }
    }

    fn refuse_offer(&mut self, tx: TxId, id: CallId, req: &Request, refusal: &crate::sdp::Refusal) {
        let mut resp = self.response(req, 488, "Not Acceptable Here");
        if let Some(call) = self.calls.get(&id) {
            resp.tag_to(&*call.dialog.local_tag);
        }
        resp.header(HeaderName::WARNING, refusal.warning(&self.sent_by));
        self.server_respond(tx, resp.finish());
    }

    /// Answers a re-offer from the current media state; returns our answer's body.
    fn answer_offer_in_call(
        &mut self,
        tx: TxId,
        id: CallId,
        req: &Request,
        offer: &SessionDescription,
    ) -> Option<SessionDescription> {
        let call = self.calls.get(&id)?;
        let port = call.port.unwrap_or(0);
        let config = media_config(&self.config, port, call.sdp_session);
        let previous = call.local_sdp.clone()?;
        match answer_reoffer(offer, &config, &previous) {
            Ok(answer) => {
                let call = self.calls.get_mut(&id)?;
                let was_on_hold = call.on_hold;
                call.set_negotiated(answer.media);
                call.local_sdp = Some(answer.sdp.clone());
                let on_hold = call.on_hold;
                self.start_media(id);
                if on_hold != was_on_hold {
                    self.emit(Event::Hold { call: id, on_hold });
                }
                Some(answer.sdp)
            }
            Err(refusal) => {
                self.refuse_offer(tx, id, req, &refusal);
                None
            }
        }
    }

    /// re-INVITE: glare → 491, before our 2xx is acknowledged → 500, else answer (or offer).
    fn reinvite(&mut self, tx: TxId, id: CallId, req: &Request) {
        let Some(call) = self.calls.get(&id) else {
            return;
        };
        if call.our_reinvite.is_some() {
            return self.dialog_answer(tx, id, req, 491, "Request Pending");
        }
        if call.state != CallState::Established || call.ok.is_some() {
            let mut resp = self.response(req, 500, "Server Internal Error");
            resp.tag_to(&*call.dialog.local_tag);
            resp.header(HeaderName::RETRY_AFTER, "1");
            return self.server_respond(tx, resp.finish());
        }
        let Ok(offer) = self.sdp_body(tx, id, req) else {
            return;
        };
        let body = match offer {
            Some(offer) => match self.answer_offer_in_call(tx, id, req, &offer) {
                Some(answer) => answer,
                None => return,
            },
            None => {
                let Some(call) = self.calls.get_mut(&id) else {
                    return;
                };
                let port = call.port.unwrap_or(0);
                let session = call.sdp_session;
                let Some(previous) = call.local_sdp.as_ref().map(|s| s.origin.clone()) else {
                    return;
                };
                let config = media_config(&self.config, port, session);
                let offer = build_reoffer(&config, &previous, Direction::SendRecv);
                if let Some(call) = self.calls.get_mut(&id) {
                    call.pending_offer = Some(Box::new(offer.clone()));
                    call.local_sdp = Some(offer.clone());
                }
                offer
            }
        };
        let Some(call) = self.calls.get(&id) else {
            return;
        };
        let mut ok = self.response(req, 200, "OK");
        ok.tag_to(&*call.dialog.local_tag);
        ok.header(HeaderName::CONTACT, &*self.contact);
        ok.body("application/sdp", body.to_bytes());
        let (data, _) = ok.finish();
        let dest = self.txs.server.get(&tx).map(|t| t.dest);
        let seq = req.view_cseq().map(|c| c.seq).unwrap_or(0);
        self.server_send(tx, data.clone(), 200);
        if let Some(dest) = dest {
            self.await_ack(id, data, dest, seq);
        }
    }

    /// UPDATE: a re-offer answered in the 200, or a session refresh without SDP.
    fn update(&mut self, tx: TxId, id: CallId, req: &Request) {
        let Ok(offer) = self.sdp_body(tx, id, req) else {
            return;
        };
        let body = match offer {
            Some(offer) => match self.answer_offer_in_call(tx, id, req, &offer) {
                Some(answer) => Some(answer),
                None => return,
            },
            None => None,
        };
        let Some(call) = self.calls.get(&id) else {
            return;
        };
        let mut ok = self.response(req, 200, "OK");
        ok.tag_to(&*call.dialog.local_tag);
        ok.header(HeaderName::CONTACT, &*self.contact);
        if let Some(body) = body {
            ok.body("application/sdp", body.to_bytes());
        }
        self.server_respond(tx, ok.finish());
    }

    /// INFO: DTMF in `application/dtmf-relay` or `application/dtmf`; 415 for other bodies.
    fn info(&mut self, tx: TxId, id: CallId, req: &Request) {
        if req.body().is_empty() {
            return self.dialog_answer(tx, id, req, 200, "OK");
        }
        let kind = req.headers().content_type().ok().flatten();
        let relay = kind
            .as_ref()
            .is_some_and(|t| t.is("application", "dtmf-relay"));
        let plain = kind.as_ref().is_some_and(|t| t.is("application", "dtmf"));
        if !relay && !plain {
            let mut resp = self.response(req, 415, "Unsupported Media Type");
            if let Some(call) = self.calls.get(&id) {
                resp.tag_to(&*call.dialog.local_tag);
            }
            resp.header(HeaderName::ACCEPT, ACCEPT_INFO);
            return self.server_respond(tx, resp.finish());
        }
        match info_dtmf(relay, req.body()) {
            Some((digit, duration_ms)) => {
                self.dialog_answer(tx, id, req, 200, "OK");
                self.emit(Event::Dtmf {
                    call: id,
                    digit,
                    duration_ms,
                    source: DtmfSource::Info,
                });
            }
            None => self.dialog_answer(tx, id, req, 400, "Bad Request - DTMF body"),
        }
    }
}
