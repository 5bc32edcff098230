//! Our own re-INVITEs (hold and resume, RFC 3264 §8.4): a new offer with the next `o=`
//! version, the ACK for its 2xx, and the answer applied to the running media.

use std::sync::Arc;

use super::call::CallState;
use super::ids::CallId;
use super::messages::media_config;
use super::transaction::{ClientEvent, Purpose};
use super::{CommandError, Endpoint};
use crate::sdp::{Direction, SessionDescription, apply_reanswer, build_reoffer};
use crate::sip::{Message, Method};

impl Endpoint {
    /// Sends a re-INVITE that puts the peer on hold (`sendonly`) or resumes (`sendrecv`).
    pub(crate) fn send_reinvite(&mut self, id: CallId, on_hold: bool) -> Result<(), CommandError> {
        let call = self.calls.get(&id).ok_or(CommandError::UnknownCall)?;
        if call.state != CallState::Established || call.our_reinvite.is_some() || call.ok.is_some()
        {
            return Err(CommandError::InvalidState("hold while an offer is pending"));
        }
        let previous = call
            .local_sdp
            .as_ref()
            .map(|s| s.origin.clone())
            .ok_or(CommandError::InvalidState("hold before media"))?;
        let config = media_config(&self.config, call.port.unwrap_or(0), call.sdp_session);
        let direction = if on_hold {
            Direction::SendOnly
        } else {
            Direction::SendRecv
        };
        let offer = build_reoffer(&config, &previous, direction);
        let body = offer.to_bytes();
        let (data, key, dest) = self
            .dialog_request(
                id,
                Method::Invite,
                None,
                &[],
                Some(("application/sdp", &body)),
            )
            .ok_or(CommandError::InvalidState("no dialog"))?;
        // The transaction keeps the request as sent (for the ACK of a non-2xx).
        let Ok(Message::Request(req)) = crate::sip::parse(data.clone()) else {
            return Err(CommandError::InvalidState("no dialog"));
        };
        let seq = req.view_cseq().map(|c| c.seq).unwrap_or(0);
        let tx = Some(self.client_send_encoded(
            key,
            data,
            Some(Arc::new(req)),
            dest,
            Some(id),
            Purpose::ReInvite,
        ));
        if let Some(call) = self.calls.get_mut(&id) {
            call.local_sdp = Some(offer.clone());
            call.our_reinvite = tx;
            call.reoffer = Some(Box::new((offer, seq)));
        }
        Ok(())
    }

    /// A response to our re-INVITE: ACK a 2xx and apply its answer.
    pub(crate) fn reinvite_outcome(&mut self, id: CallId, event: ClientEvent) {
        let resp = match event {
            ClientEvent::Response(resp) => resp,
            ClientEvent::Timeout => {
                if let Some(call) = self.calls.get_mut(&id) {
                    call.our_reinvite = None;
                }
                return;
            }
        };
        if !resp.status().is_final() {
            return;
        }
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        call.our_reinvite = None;
        let Some((offer, seq)) = call.reoffer.as_deref().cloned() else {
            return;
        };
        if !resp.status().is_success() {
            return;
        }
        if let Some((ack, _, dest)) = self.dialog_request(id, Method::Ack, Some(seq), &[], None) {
            self.transmit(dest, ack);
        }
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let config = media_config(&self.config, call.port.unwrap_or(0), call.sdp_session);
        if let Ok(answer) = SessionDescription::parse(resp.body().clone()) {
            if let Ok(media) = apply_reanswer(&offer, &answer, &config) {
                call.set_negotiated(media);
                self.start_media(id);
            }
        }
    }
}
