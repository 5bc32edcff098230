//! Client transactions (RFC 3261 §17.1, RFC 6026): the INVITE one retransmits on Timer A
//! until a response, gives up on Timer B, ACKs non-2xx finals itself (Timer D absorbs
//! their retransmissions) and passes 2xx retransmissions to the call until Timer M; the
//! non-INVITE one retransmits on Timer E (T1 doubling to T2), gives up on Timer F and
//! absorbs retransmitted finals until Timer K.

use std::sync::Arc;

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;

use super::{ClientKey, Timer, TxId};
use crate::endpoint::ids::CallId;
use crate::endpoint::{Endpoint, TimerKey};
use crate::sip::{Request, Response};

/// Why we sent the request: tells the call what a response means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// The initial INVITE of an outbound call.
    Invite,
    /// A re-INVITE in an established call.
    ReInvite,
    /// A CANCEL of our INVITE.
    Cancel,
    /// A BYE (the call is already gone; nothing waits for the answer).
    Bye,
}

/// Where a client transaction is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ClientState {
    /// Sent, nothing heard yet (Calling / Trying).
    Calling,
    /// A provisional response arrived.
    Proceeding,
    /// A final response arrived (INVITE: non-2xx, ACKed here).
    Completed,
    /// INVITE: a 2xx arrived; its retransmissions go to the call until Timer M.
    Accepted,
}

/// What a client transaction tells the call.
#[derive(Debug)]
pub(crate) enum ClientEvent {
    /// A response (provisional, final, or a retransmitted 2xx to an INVITE).
    Response(Response),
    /// No final response in 64·T1 (Timer B or F).
    Timeout,
}

/// One client transaction.
#[derive(Debug)]
pub(crate) struct ClientTx {
    key: ClientKey,
    pub(crate) invite: bool,
    pub(crate) state: ClientState,
    /// The request as sent, until a final response (the ACK of a non-2xx derives from it).
    request: Option<Arc<Request>>,
    /// Its encoding, for retransmissions until a final response.
    data: Bytes,
    pub(crate) dest: SocketAddr,
    interval: Duration,
    ack: Option<Bytes>,
    pub(crate) call: Option<CallId>,
    pub(crate) purpose: Purpose,
}

impl Endpoint {
    /// Sends `request` (its top Via carries a fresh branch) in a new client transaction.
    pub(crate) fn client_send(
        &mut self,
        request: impl Into<Arc<Request>>,
        dest: SocketAddr,
        call: Option<CallId>,
        purpose: Purpose,
    ) -> Option<TxId> {
        let request = request.into();
        let key = ClientKey::of_request(&request)?;
        let data = request.to_bytes();
        Some(self.client_send_encoded(key, data, Some(request), dest, call, purpose))
    }

    /// Sends an encoded request in a new client transaction; `request` is kept when the
    /// transaction needs it later (an INVITE: its CANCEL and the ACK of a non-2xx).
    pub(crate) fn client_send_encoded(
        &mut self,
        key: ClientKey,
        data: Bytes,
        request: Option<Arc<Request>>,
        dest: SocketAddr,
        call: Option<CallId>,
        purpose: Purpose,
    ) -> TxId {
        let invite = key.is_invite();
        let id = self.txs.next_id();
        let t1 = self.config.t1;
        if invite {
            self.arm(TimerKey::Tx(id, Timer::A), t1);
            self.arm(TimerKey::Tx(id, Timer::B), t1.saturating_mul(64));
        } else {
            self.arm(TimerKey::Tx(id, Timer::E), t1);
            self.arm(TimerKey::Tx(id, Timer::F), t1.saturating_mul(64));
        }
        self.transmit(dest, data.clone());
        self.txs.client_index.insert(key.clone(), id);
        self.txs.client.insert(
            id,
            ClientTx {
                key,
                invite,
                state: ClientState::Calling,
                request,
                data,
                dest,
                interval: t1,
                ack: None,
                call,
                purpose,
            },
        );
        id
    }

    /// A response arrived on the SIP socket: run it through its client transaction.
    pub(crate) fn client_response(&mut self, resp: Response) {
        let Some(id) =
            ClientKey::of_response(&resp).and_then(|k| self.txs.client_index.get(&k).copied())
        else {
            self.drops.stray_responses += 1;
            return;
        };
        let (t1, t2, t4) = (self.config.t1, self.config.t2, self.config.t4);
        let Some(tx) = self.txs.client.get_mut(&id) else {
            return;
        };
        let status = resp.status().code();
        let (call, purpose) = (tx.call, tx.purpose);
        if tx.invite {
            match (tx.state, status) {
                (ClientState::Calling | ClientState::Proceeding, 100..=199) => {
                    tx.state = ClientState::Proceeding;
                    self.timers.cancel(TimerKey::Tx(id, Timer::A));
                }
                (ClientState::Calling | ClientState::Proceeding, 200..=299) => {
                    tx.state = ClientState::Accepted;
                    tx.request = None;
                    tx.data = Bytes::new();
                    self.timers.cancel(TimerKey::Tx(id, Timer::A));
                    self.timers.cancel(TimerKey::Tx(id, Timer::B));
                    self.arm(TimerKey::Tx(id, Timer::M), t1.saturating_mul(64));
                }
                (ClientState::Accepted, 200..=299) => {}
                (ClientState::Calling | ClientState::Proceeding, _) if status >= 300 => {
                    tx.state = ClientState::Completed;
                    let ack = tx
                        .request
                        .take()
                        .and_then(|r| r.ack_for(&resp).ok())
                        .map(|a| a.to_bytes());
                    tx.data = Bytes::new();
                    tx.ack.clone_from(&ack);
                    let dest = tx.dest;
                    self.timers.cancel(TimerKey::Tx(id, Timer::A));
                    self.timers.cancel(TimerKey::Tx(id, Timer::B));
                    self.arm(TimerKey::Tx(id, Timer::D), t1.saturating_mul(64));
                    if let Some(ack) = ack {
                        self.transmit(dest, ack);
                    }
                }
                (ClientState::Completed, _) if status >= 300 => {
                    if let Some(ack) = tx.ack.clone() {
                        let dest = tx.dest;
                        self.transmit(dest, ack);
                    }
                    return;
                }
                _ => return,
            }
        } else {
            match tx.state {
                ClientState::Calling | ClientState::Proceeding if status < 200 => {
                    if tx.state == ClientState::Calling {
                        tx.state = ClientState::Proceeding;
                        tx.interval = t2;
                    }
                }
                ClientState::Calling | ClientState::Proceeding => {
                    tx.state = ClientState::Completed;
                    tx.request = None;
                    tx.data = Bytes::new();
                    self.timers.cancel(TimerKey::Tx(id, Timer::E));
                    self.timers.cancel(TimerKey::Tx(id, Timer::F));
                    self.arm(TimerKey::Tx(id, Timer::K), t4);
                }
                _ => return,
            }
        }
        self.on_client_event(id, call, purpose, ClientEvent::Response(resp));
    }

    /// A client transaction timer fired.
    pub(crate) fn client_timer(&mut self, id: TxId, timer: Timer) {
        let t2 = self.config.t2;
        let Some(tx) = self.txs.client.get_mut(&id) else {
            return;
        };
        match timer {
            Timer::A if tx.state == ClientState::Calling => {
                tx.interval = tx.interval.saturating_mul(2);
                let (interval, dest, data) = (tx.interval, tx.dest, tx.data.clone());
                self.arm(TimerKey::Tx(id, Timer::A), interval);
                self.transmit(dest, data);
            }
            Timer::E if matches!(tx.state, ClientState::Calling | ClientState::Proceeding) => {
                if tx.state == ClientState::Calling {
                    tx.interval = tx.interval.saturating_mul(2).min(t2);
                } else {
                    tx.interval = t2;
                }
                let (interval, dest, data) = (tx.interval, tx.dest, tx.data.clone());
                self.arm(TimerKey::Tx(id, Timer::E), interval);
                self.transmit(dest, data);
            }
            Timer::B | Timer::F => {
                let (call, purpose) = (tx.call, tx.purpose);
                self.client_remove(id);
                self.on_client_event(id, call, purpose, ClientEvent::Timeout);
            }
            Timer::D | Timer::K | Timer::M => self.client_remove(id),
            _ => {}
        }
    }

    /// Forgets a client transaction and disarms its timers.
    pub(crate) fn client_remove(&mut self, id: TxId) {
        let mut timers: &[Timer] = &[Timer::E, Timer::F, Timer::K];
        if let Some(tx) = self.txs.client.remove(&id) {
            if tx.invite {
                timers = &[Timer::A, Timer::B, Timer::D, Timer::M];
            }
            if self.txs.client_index.get(&tx.key) == Some(&id) {
                self.txs.client_index.remove(&tx.key);
            }
        }
        for &timer in timers {
            self.timers.cancel(TimerKey::Tx(id, timer));
        }
    }
}
