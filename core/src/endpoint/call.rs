//! A call: its dialog, its state on the way from INVITE to BYE, its media port and
//! session, and the single place where it ends (`end_call`), which releases everything.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use super::dialog::{Dialog, Local};
use super::event::{CallInfo, EndReason, Event};
use super::ids::CallId;
use super::transaction::{ClientKey, Purpose, TxId};
use super::{Endpoint, Output, SocketRequest, TimerKey};
use crate::auth::DigestClient;
use crate::sdp::{NegotiatedMedia, SessionDescription};
use crate::session::MediaSession;
use crate::sip::{HeaderName, Method, Request, SipStr};

/// Where a call is on its way to established.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CallState {
    /// Inbound: the application was asked ([`Event::IncomingCall`]).
    Deciding,
    /// Waiting for the driver to bind the media sockets.
    Binding,
    /// Inbound: 180 sent, the answer delay runs.
    Ringing,
    /// Inbound: 200 sent, waiting for the ACK.
    Answered,
    /// Outbound: INVITE sent, no final answer yet.
    Calling,
    /// ACK received (inbound) or sent (outbound): media runs.
    Established,
}

/// Timers that belong to a call rather than a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum CallTimer {
    /// The answer delay after 180 is over: send the 200.
    Answer,
    /// Retransmit our 2xx (T1 doubling to T2) until the ACK.
    Retransmit2xx,
    /// No ACK for our 2xx within 64·T1.
    AckTimeout,
    /// The media session's next deadline.
    Media,
    /// The application did not decide in time.
    Decision,
}

impl CallTimer {
    const ALL: [CallTimer; 5] = [
        CallTimer::Answer,
        CallTimer::Retransmit2xx,
        CallTimer::AckTimeout,
        CallTimer::Media,
        CallTimer::Decision,
    ];
}

/// Our 2xx waiting for its ACK.
#[derive(Debug)]
pub(crate) struct Pending2xx {
    pub(crate) data: Bytes,
    pub(crate) dest: SocketAddr,
    pub(crate) interval: Duration,
    pub(crate) cseq: u32,
}

/// How long the application may take to accept or reject an incoming call.
pub(crate) const DECISION_TIMEOUT: Duration = Duration::from_secs(180);

/// One call.
#[derive(Debug)]
pub(crate) struct Call {
    /// Shared with the events that carry it (copied only if it changes meanwhile).
    pub(crate) info: Arc<CallInfo>,
    pub(crate) dialog: Dialog,
    pub(crate) state: CallState,
    /// The INVITE transaction (server for inbound, client for outbound).
    pub(crate) invite_tx: Option<TxId>,
    /// Inbound: the INVITE we answer. Outbound: the INVITE we sent.
    pub(crate) invite: Option<Arc<Request>>,
    /// Outbound: the CSeq number of the INVITE we sent (its ACK repeats it).
    pub(crate) invite_seq: u32,
    /// The last description we sent (answer or offer).
    pub(crate) local_sdp: Option<SessionDescription>,
    /// Our offer in a 2xx to an offerless (re-)INVITE, answered in the ACK.
    pub(crate) pending_offer: Option<Box<SessionDescription>>,
    pub(crate) negotiated: Option<NegotiatedMedia>,
    /// The `o=` session id of our descriptions.
    pub(crate) sdp_session: u64,
    pub(crate) port: Option<u16>,
    pub(crate) pending_binds: u8,
    pub(crate) bind_attempts: u8,
    pub(crate) media: Option<MediaSession>,
    /// The application knows the call id (IncomingCall, dial, or CallStarted sent).
    pub(crate) told_app: bool,
    pub(crate) ok: Option<Pending2xx>,
    /// Outbound: our ACK for the 2xx, re-sent when the 2xx is retransmitted.
    pub(crate) ack: Option<(Bytes, SocketAddr)>,
    /// Outbound: a provisional response arrived (CANCEL is allowed).
    pub(crate) provisional: bool,
    /// Outbound: the application hung up before the answer.
    pub(crate) cancelled: bool,
    /// Why it was hung up (`local_hangup` or `shutdown`), reported when the INVITE ends.
    pub(crate) hangup_reason: EndReason,
    pub(crate) digest: Option<Box<DigestClient>>,
    pub(crate) auth_attempts: u8,
    /// Outbound: the application's extra headers, repeated in an authenticated retry.
    pub(crate) extra_headers: Vec<(String, String)>,
    pub(crate) on_hold: bool,
    /// A re-INVITE we sent and that is not answered yet (glare → 491).
    pub(crate) our_reinvite: Option<TxId>,
    /// The offer and CSeq of that re-INVITE.
    pub(crate) reoffer: Option<Box<(SessionDescription, u32)>>,
}

impl Call {
    /// Records the negotiated media and the codec facts the application sees.
    pub(crate) fn set_negotiated(&mut self, media: NegotiatedMedia) {
        let codec = super::messages::codec_of(media.codec);
        let info = Arc::make_mut(&mut self.info);
        info.codec = Some(codec);
        info.sample_rate = codec.sample_rate();
        info.dtmf_payload_type = media.telephone_event;
        self.on_hold = media.on_hold;
        self.negotiated = Some(media);
    }

    /// A call in its first state (boxed: the call map holds it by pointer).
    pub(crate) fn new(info: CallInfo, dialog: Dialog, state: CallState) -> Box<Call> {
        Box::new(Call {
            info: Arc::new(info),
            dialog,
            state,
            invite_tx: None,
            invite: None,
            invite_seq: 0,
            local_sdp: None,
            pending_offer: None,
            negotiated: None,
            sdp_session: 0,
            port: None,
            pending_binds: 0,
            bind_attempts: 0,
            media: None,
            told_app: false,
            ok: None,
            ack: None,
            provisional: false,
            cancelled: false,
            hangup_reason: EndReason::LocalHangup,
            digest: None,
            auth_attempts: 0,
            extra_headers: Vec::new(),
            on_hold: false,
            our_reinvite: None,
            reoffer: None,
        })
    }
}

impl Endpoint {
    /// Registers a new call (and its dialog key) and returns its id.
    pub(crate) fn insert_call(&mut self, call: Box<Call>) -> CallId {
        self.next_call += 1;
        let id = CallId(self.next_call);
        let key = (call.dialog.call_id.clone(), call.dialog.local_tag.clone());
        self.dialogs.insert(key, id);
        self.session_ids.insert(call.info.session_id.clone(), id);
        self.calls.insert(id, call);
        id
    }

    /// Our Via for a new client transaction: sent-by, a fresh branch with the RFC 3261
    /// magic cookie, and `rport`.
    pub(crate) fn new_via(&mut self) -> String {
        const HEAD: &str = "SIP/2.0/UDP ";
        let mut via = String::with_capacity(HEAD.len() + self.sent_by.len() + 38);
        via.push_str(HEAD);
        via.push_str(&self.sent_by);
        via.push_str(";branch=z9hG4bK");
        self.rng.push_token(&mut via, 16);
        via.push_str(";rport");
        via
    }

    /// A fresh branch with the RFC 3261 magic cookie (what [`new_via`](Self::new_via)
    /// puts in its Via, from the same random draw).
    pub(crate) fn new_branch(&mut self) -> SipStr {
        let mut branch = String::with_capacity(23);
        branch.push_str("z9hG4bK");
        self.rng.push_token(&mut branch, 16);
        SipStr::from(branch)
    }

    /// Writes an in-dialog request of `call` (a new CSeq unless `seq` is given), with
    /// `extra` lines and a body: its bytes, its client transaction key and where it goes.
    pub(crate) fn dialog_request(
        &mut self,
        call: CallId,
        method: Method,
        seq: Option<u32>,
        extra: &[(HeaderName, &str)],
        body: Option<(&str, &[u8])>,
    ) -> Option<(Bytes, ClientKey, SocketAddr)> {
        let key = ClientKey::new(self.new_branch(), &method);
        let local = Local {
            sent_by: &self.sent_by,
            branch: key.branch(),
            contact: &self.contact,
            user_agent: self.user_agent.as_ref(),
        };
        let dialog = &mut self.calls.get_mut(&call)?.dialog;
        let data = dialog.encode(&method, seq, &local, extra, body)?;
        Some((data, key, dialog.destination()))
    }

    /// Ends a call for a local reason: BYE when a dialog is confirmed (or our 2xx is
    /// out), CANCEL or a final response before, then [`Endpoint::end_call`].
    pub(crate) fn terminate(&mut self, id: CallId, reason: EndReason) {
        let Some(call) = self.calls.get(&id) else {
            return;
        };
        let outbound = call.info.direction == super::event::CallDirection::Outbound;
        match call.state {
            CallState::Established | CallState::Answered => {
                self.send_bye(id);
                self.end_call(id, reason);
            }
            CallState::Calling if outbound => {
                // CANCEL once a provisional arrived; the INVITE's final ends the call.
                let provisional = call.provisional;
                if let Some(call) = self.calls.get_mut(&id) {
                    call.cancelled = true;
                    call.hangup_reason = reason;
                }
                if provisional {
                    self.send_cancel(id);
                }
            }
            _ if outbound => self.end_call(id, reason),
            _ => {
                let status = if reason == EndReason::Shutdown {
                    503
                } else {
                    486
                };
                self.refuse_call(id, status, reason);
            }
        }
    }

    /// Sends BYE with `Reason: Q.850;cause=16` in its own client transaction.
    pub(crate) fn send_bye(&mut self, id: CallId) {
        if let Some(call) = self.calls.get_mut(&id) {
            call.ok = None;
        }
        let reason = [(HeaderName::REASON, "Q.850;cause=16")];
        let Some((bye, key, dest)) = self.dialog_request(id, Method::Bye, None, &reason, None)
        else {
            return;
        };
        self.client_send_encoded(key, bye, None, dest, None, Purpose::Bye);
    }

    /// The one way a call ends: media finished, sockets closed, port released, maps
    /// cleaned, [`Event::CallEnded`] emitted. A no-op for an unknown call.
    pub(crate) fn end_call(&mut self, id: CallId, reason: EndReason) {
        if let Some((call, stats)) = self.reap_call(id) {
            self.emit(Event::CallEnded {
                call: id,
                reason,
                stats,
                info: call.info,
            });
        }
    }

    /// Removes a call and everything it holds; returns it with its final media stats.
    pub(crate) fn reap_call(
        &mut self,
        id: CallId,
    ) -> Option<(Box<Call>, crate::session::CallStats)> {
        let mut call = self.calls.remove(&id)?;
        for timer in CallTimer::ALL {
            self.timers.cancel(TimerKey::Call(id, timer));
        }
        let key = (call.dialog.call_id.clone(), call.dialog.local_tag.clone());
        // One lookup each: remove, and put back the rare entry another call owns.
        if let Some((key, owner)) = self.dialogs.remove_entry(&key)
            && owner != id
        {
            self.dialogs.insert(key, owner);
        }
        if let Some((key, owner)) = self.session_ids.remove_entry(&call.info.session_id)
            && owner != id
        {
            self.session_ids.insert(key, owner);
        }
        let stats = match call.media.as_mut() {
            Some(media) => {
                let stats = media.finish(self.now);
                while let Some(out) = media.poll_output() {
                    if let crate::session::MediaOutput::Transmit { from, to, data } = out {
                        self.outputs.push_back(Output::Transmit(super::Transmit {
                            from,
                            to,
                            data,
                        }));
                    }
                }
                stats
            }
            None => Default::default(),
        };
        self.release_media(id, &mut call);
        Some((call, stats))
    }

    /// Closes the call's media sockets and returns its port to the pool (exactly once).
    pub(crate) fn release_media(&mut self, id: CallId, call: &mut Call) {
        let Some(port) = call.port.take() else {
            return;
        };
        let ip = self.config.local_rtp_ip;
        for p in [port, port.wrapping_add(1)] {
            let addr = SocketAddr::new(ip, p);
            match self.sockets.get(&addr) {
                Some(&(owner, bound)) if owner == id => {
                    self.sockets.remove(&addr);
                    if bound {
                        self.outputs
                            .push_back(Output::Socket(SocketRequest::Close(addr)));
                    } else {
                        self.orphans.insert(addr);
                    }
                }
                _ => {}
            }
        }
        self.ports.release(port);
        call.pending_binds = 0;
    }

    /// A call timer fired.
    pub(crate) fn call_timer(&mut self, id: CallId, timer: CallTimer) {
        match timer {
            CallTimer::Answer => self.send_ok(id),
            CallTimer::Retransmit2xx => self.retransmit_ok(id),
            CallTimer::AckTimeout => {
                let waiting = self.calls.get(&id).is_some_and(|c| c.ok.is_some());
                if waiting {
                    self.send_bye(id);
                    self.end_call(id, EndReason::AckTimeout);
                }
            }
            CallTimer::Media => self.media_timeout(id),
            CallTimer::Decision => {
                let deciding = self
                    .calls
                    .get(&id)
                    .is_some_and(|c| c.state == CallState::Deciding);
                if deciding {
                    self.refuse_call(id, 480, EndReason::Rejected { status: 480 });
                }
            }
        }
    }

    /// Re-sends our 2xx and backs off (T1 doubling to T2).
    fn retransmit_ok(&mut self, id: CallId) {
        let t2 = self.config.t2;
        let Some(ok) = self.calls.get_mut(&id).and_then(|c| c.ok.as_mut()) else {
            return;
        };
        ok.interval = ok.interval.saturating_mul(2).min(t2);
        let (interval, dest, data) = (ok.interval, ok.dest, ok.data.clone());
        self.arm(TimerKey::Call(id, CallTimer::Retransmit2xx), interval);
        self.transmit(dest, data);
    }

    /// Starts retransmitting `data` (our 2xx to the INVITE with CSeq `cseq`) until the ACK.
    pub(crate) fn await_ack(&mut self, id: CallId, data: Bytes, dest: SocketAddr, cseq: u32) {
        let t1 = self.config.t1;
        if let Some(call) = self.calls.get_mut(&id) {
            call.ok = Some(Pending2xx {
                data,
                dest,
                interval: t1,
                cseq,
            });
            self.arm(TimerKey::Call(id, CallTimer::Retransmit2xx), t1);
            self.arm(
                TimerKey::Call(id, CallTimer::AckTimeout),
                t1.saturating_mul(64),
            );
        }
    }
}
