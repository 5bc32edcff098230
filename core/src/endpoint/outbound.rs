//! Outbound calls (UAC): `dial` takes a port and binds it, sends the INVITE with our
//! offer, follows 1xx/2xx/3xx–6xx (ACKing every final), retries once with digest
//! credentials on 401/407, and CANCELs or BYEs on hang-up.

use std::sync::Arc;

use super::call::{Call, CallState};
use super::dialog::{Dialog, concat, cseq_value};
use super::event::{CallDirection, CallInfo, EndReason, Event};
use super::ids::CallId;
use super::messages::media_config;
use super::transaction::{ClientEvent, Purpose, TxId};
use super::{CommandError, DialRequest, Endpoint};
use crate::auth::{Challenge, DigestClient};
use crate::sdp::{SessionDescription, apply_answer, build_offer};
use crate::sip::{HeaderName, Method, Request, Response, SipStr, Uri};

/// How many times one call answers a digest challenge.
const AUTH_ATTEMPTS: u8 = 2;

impl Endpoint {
    /// `dial`: checks the request, creates the call and starts binding its port.
    pub(crate) fn dial_call(&mut self, request: DialRequest) -> Result<CallId, CommandError> {
        if self.shutting_down {
            return Err(CommandError::InvalidState("dial after shutdown"));
        }
        if self.calls.len() >= self.config.max_sessions {
            return Err(CommandError::AtCapacity);
        }
        if self.ports.in_use() >= self.ports.capacity() {
            return Err(CommandError::NoPort);
        }
        let Ok(target) = Uri::parse(&request.target) else {
            return Err(CommandError::InvalidArgument("target is not a URI"));
        };
        let from = request
            .from
            .clone()
            .unwrap_or_else(|| concat(&["sip:sipvoice@", &self.sent_by]));
        if Uri::parse(&from).is_err() {
            return Err(CommandError::InvalidArgument("from is not a URI"));
        }
        for (name, value) in &request.headers {
            if HeaderName::parse(name).is_none() || value.contains(['\r', '\n']) {
                return Err(CommandError::InvalidArgument("bad extra header"));
            }
        }
        let tag = self.rng.token(10);
        let call_id = self.rng.token(20);
        let header = |name: &str| {
            request
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_owned())
        };
        let info = CallInfo {
            sip_call_id: call_id.clone(),
            session_id: header("X-Session-ID").unwrap_or_else(|| self.rng.token(16)),
            room_id: header("X-Room-ID"),
            caller: from.clone(),
            caller_display_name: None,
            callee: request.target.clone(),
            x_headers: request
                .headers
                .iter()
                .filter(|(n, _)| {
                    n.len() > 2 && n.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("x-"))
                })
                .cloned()
                .collect(),
            direction: CallDirection::Outbound,
            remote_sip: request.remote,
            codec: None,
            sample_rate: 0,
            dtmf_payload_type: None,
        };
        let dialog = Dialog {
            call_id: call_id.into(),
            local: concat(&["<", &from, ">;tag=", &tag]).into(),
            local_tag: tag.into(),
            remote: concat(&["<", &request.target, ">"]).into(),
            local_seq: 0,
            remote_seq: None,
            remote_target: target,
            route_set: Vec::new(),
            peer: request.remote,
        };
        let mut call = Call::new(info, dialog, CallState::Binding);
        call.told_app = true;
        call.extra_headers = request.headers.clone();
        call.sdp_session = u64::from(self.rng.next_u32());
        if let Some((user, password)) = &request.credentials {
            call.digest = Some(Box::new(DigestClient::new(user.clone(), password.clone())));
        }
        let id = self.insert_call(call);
        self.start_binding(id);
        Ok(id)
    }

    /// Sends the (first or authenticated) INVITE with our offer.
    pub(crate) fn send_invite(&mut self, id: CallId, auth: Option<(HeaderName, String)>) {
        let via = self.new_via();
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let port = call.port.unwrap_or(0);
        let session = call.sdp_session;
        // A retry (after a 401/407) sends the same offer again.
        let offer = match call.local_sdp.clone() {
            Some(offer) => offer,
            None => build_offer(&media_config(&self.config, port, session)),
        };
        let dialog = &mut call.dialog;
        dialog.local_seq = dialog.local_seq.wrapping_add(1);
        let uri = dialog.remote_target.clone();
        let mut b = Request::builder(Method::Invite, uri)
            .header(HeaderName::VIA, via)
            .header(HeaderName::MAX_FORWARDS, SipStr::from_static("70"))
            .header(HeaderName::FROM, dialog.local.clone())
            .header(HeaderName::TO, dialog.remote.clone())
            .header(HeaderName::CALL_ID, dialog.call_id.clone())
            .header(HeaderName::CSEQ, cseq_value(dialog.local_seq, "INVITE"))
            .header(HeaderName::CONTACT, self.contact.clone());
        if let Some(ua) = &self.user_agent {
            b = b.header(HeaderName::USER_AGENT, ua.clone());
        }
        if let Some((name, value)) = auth {
            b = b.header(name, value);
        }
        for (name, value) in &call.extra_headers {
            b = b.header_named(name, value.clone());
        }
        let b = b
            .header(
                HeaderName::ALLOW,
                SipStr::from_static(super::messages::ALLOW),
            )
            .body("application/sdp", offer.to_bytes());
        let Ok(invite) = b.build() else {
            return self.end_call(id, EndReason::Rejected { status: 400 });
        };
        let dest = dialog.peer;
        call.local_sdp = Some(offer);
        let invite = Arc::new(invite);
        call.invite = Some(Arc::clone(&invite));
        call.invite_seq = call.dialog.local_seq;
        call.state = CallState::Calling;
        call.provisional = false;
        let tx = self.client_send(invite, dest, Some(id), Purpose::Invite);
        if let Some(call) = self.calls.get_mut(&id) {
            call.invite_tx = tx;
        }
    }

    /// CANCEL of the call's INVITE (after a provisional response).
    pub(crate) fn send_cancel(&mut self, id: CallId) {
        let Some(call) = self.calls.get(&id) else {
            return;
        };
        let Some(invite) = call.invite.as_ref() else {
            return;
        };
        let dest = call
            .invite_tx
            .and_then(|tx| self.txs.client.get(&tx))
            .map_or(call.dialog.peer, |tx| tx.dest);
        if let Ok(cancel) = invite.cancel() {
            self.client_send(cancel, dest, None, Purpose::Cancel);
        }
    }

    /// `hangup` from the application.
    pub(crate) fn hangup_call(&mut self, id: CallId) -> Result<(), CommandError> {
        let call = self.calls.get_mut(&id).ok_or(CommandError::UnknownCall)?;
        if call.cancelled {
            return Ok(());
        }
        call.told_app = true;
        self.terminate(id, EndReason::LocalHangup);
        Ok(())
    }

    /// What a client transaction reports.
    pub(crate) fn on_client_event(
        &mut self,
        _tx: TxId,
        call: Option<CallId>,
        purpose: Purpose,
        event: ClientEvent,
    ) {
        let Some(id) = call else {
            return;
        };
        match purpose {
            Purpose::Invite => self.invite_outcome(id, event),
            Purpose::ReInvite => self.reinvite_outcome(id, event),
            Purpose::Bye | Purpose::Cancel => {}
        }
    }

    /// A response (or the timeout) of our INVITE.
    fn invite_outcome(&mut self, id: CallId, event: ClientEvent) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let resp = match event {
            ClientEvent::Timeout => {
                let reason = if call.cancelled {
                    call.hangup_reason.clone()
                } else {
                    EndReason::Timeout
                };
                return self.end_call(id, reason);
            }
            ClientEvent::Response(resp) => resp,
        };
        let status = resp.status().code();
        match status {
            100..=199 => {
                let first = !call.provisional;
                call.provisional = true;
                if call.cancelled && first {
                    self.send_cancel(id);
                } else if status > 100 && !call.cancelled {
                    let info = Arc::clone(&call.info);
                    self.emit(Event::Ringing { call: id, info });
                }
            }
            200..=299 => self.answered(id, &resp),
            _ => {
                if matches!(status, 401 | 407)
                    && !call.cancelled
                    && call.auth_attempts < AUTH_ATTEMPTS
                {
                    if let Some(header) = self.authorize(id, &resp) {
                        return self.send_invite(id, Some(header));
                    }
                }
                let hangup = self
                    .calls
                    .get(&id)
                    .filter(|c| c.cancelled)
                    .map(|c| c.hangup_reason.clone());
                let reason = if let Some(reason) = hangup {
                    reason
                } else {
                    EndReason::Rejected { status }
                };
                self.end_call(id, reason);
            }
        }
    }

    /// Credentials for a 401/407, if the call has some and a challenge is usable.
    fn authorize(&mut self, id: CallId, resp: &Response) -> Option<(HeaderName, String)> {
        let proxy = resp.status().code() == 407;
        let values: Vec<Challenge> = if proxy {
            resp.headers()
                .proxy_authenticate()
                .filter_map(|v| Challenge::parse(v.as_str()).ok())
                .collect()
        } else {
            resp.headers()
                .www_authenticate()
                .filter_map(|v| Challenge::parse(v.as_str()).ok())
                .collect()
        };
        let call = self.calls.get_mut(&id)?;
        call.auth_attempts += 1;
        let uri = call.dialog.remote_target.clone();
        let digest = call.digest.as_mut()?;
        let creds = digest
            .answer(&values, "INVITE", uri.as_str(), self.rng.as_rng_core())
            .ok()?;
        let name = if proxy {
            HeaderName::PROXY_AUTHORIZATION
        } else {
            HeaderName::AUTHORIZATION
        };
        Some((name, creds.to_header_value()))
    }

    /// A 2xx to our INVITE: ACK it (again for a retransmission), then start the call or,
    /// when the application hung up meanwhile, BYE it.
    fn answered(&mut self, id: CallId, resp: &Response) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        if let Some((ack, dest)) = call.ack.clone() {
            return self.transmit(dest, ack);
        }
        let dialog = &mut call.dialog;
        if let Ok(to) = resp.view_to() {
            dialog.remote = to.as_sip_str().clone();
        }
        if let Some(Ok(contact)) = resp.view_contact() {
            if let Some(address) = contact.address() {
                dialog.remote_target = address.uri().clone();
            }
        }
        // List elements come trimmed.
        let mut routes: Vec<SipStr> = resp.headers().values(&HeaderName::RECORD_ROUTE).collect();
        routes.reverse();
        dialog.route_set = routes;
        let seq = Some(call.invite_seq);
        let cancelled = call.cancelled.then(|| call.hangup_reason.clone());
        let Some((data, _, dest)) = self.dialog_request(id, Method::Ack, seq, &[], None) else {
            return self.end_call(id, EndReason::Rejected { status: 500 });
        };
        self.transmit(dest, data.clone());
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        call.ack = Some((data, dest));
        call.state = CallState::Established;
        if let Some(reason) = cancelled {
            self.send_bye(id);
            return self.end_call(id, reason);
        }
        let port = call.port.unwrap_or(0);
        let config = media_config(&self.config, port, call.sdp_session);
        let media = match (
            call.local_sdp.as_ref(),
            SessionDescription::parse(resp.body().clone()),
        ) {
            (Some(offer), Ok(answer)) => apply_answer(offer, &answer, &config).ok(),
            _ => None,
        };
        let Some(media) = media else {
            self.send_bye(id);
            return self.end_call(id, EndReason::Rejected { status: 488 });
        };
        call.set_negotiated(media);
        let info = Arc::clone(&call.info);
        self.start_media(id);
        self.emit(Event::CallStarted { call: id, info });
    }
}
