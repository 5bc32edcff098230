//! Server transactions (RFC 3261 §17.2, RFC 6026): the INVITE one answers at once with
//! 100, retransmits a non-2xx final on Timer G until the ACK (Timer H gives up, Timer I
//! absorbs late ACKs) and absorbs INVITE retransmissions after a 2xx (Timer L); the
//! non-INVITE one re-sends its final to retransmissions until Timer J.

use std::sync::Arc;

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;

use super::{ServerKey, Timer, TxId};
use crate::endpoint::ids::CallId;
use crate::endpoint::{Endpoint, TimerKey};
use crate::sip::Request;

/// Where a server transaction is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ServerState {
    /// Waiting for the final response (provisionals may have gone out).
    Proceeding,
    /// A non-2xx final was sent (INVITE: waiting for the ACK).
    Completed,
    /// INVITE: the ACK arrived; absorbing stray ACKs until Timer I.
    Confirmed,
    /// INVITE: a 2xx was sent; absorbing INVITE retransmissions until Timer L.
    Accepted,
}

/// One server transaction.
#[derive(Debug)]
pub(crate) struct ServerTx {
    pub(crate) key: ServerKey,
    pub(crate) invite: bool,
    pub(crate) state: ServerState,
    /// Where responses go (§18.2.2, from the stamped top Via).
    pub(crate) dest: SocketAddr,
    /// The last response sent, re-sent to retransmissions.
    pub(crate) last: Option<Bytes>,
    pub(crate) last_status: u16,
    interval: Duration,
    /// The call this INVITE created or belongs to.
    pub(crate) call: Option<CallId>,
    /// The request (kept for INVITEs: CANCEL answers it with 487).
    pub(crate) request: Option<Arc<Request>>,
    /// Merged-request detection key (Call-ID, From tag, CSeq) of an initial INVITE.
    pub(crate) merge: Option<(crate::sip::SipStr, crate::sip::SipStr, u32)>,
}

impl Endpoint {
    /// Creates a server transaction for a request that matched none.
    pub(crate) fn server_create(
        &mut self,
        key: ServerKey,
        req: &Arc<Request>,
        dest: SocketAddr,
    ) -> TxId {
        let id = self.txs.next_id();
        let invite = req.method() == &crate::sip::Method::Invite;
        let tx = ServerTx {
            key: key.clone(),
            invite,
            state: ServerState::Proceeding,
            dest,
            last: None,
            last_status: 0,
            interval: self.config.t1,
            call: None,
            request: invite.then(|| Arc::clone(req)),
            merge: None,
        };
        self.txs.server.insert(id, tx);
        self.txs.server_index.insert(key, id);
        id
    }

    /// Sends an encoded response ([`Reply::finish`](crate::sip::Reply::finish)) within
    /// the transaction and moves its state machine.
    pub(crate) fn server_respond(&mut self, id: TxId, (data, status): (Bytes, u16)) {
        self.server_send(id, data, status);
    }

    /// Like [`Endpoint::server_respond`] with an already encoded response.
    pub(crate) fn server_send(&mut self, id: TxId, data: Bytes, status: u16) {
        let t1 = self.config.t1;
        let Some(tx) = self.txs.server.get_mut(&id) else {
            return;
        };
        if tx.state != ServerState::Proceeding {
            return;
        }
        tx.last = Some(data.clone());
        tx.last_status = status;
        if status >= 200 {
            // Answered: nothing will CANCEL it any more.
            tx.request = None;
        }
        let dest = tx.dest;
        let invite = tx.invite;
        if status >= 200 {
            if !invite {
                tx.state = ServerState::Completed;
                self.arm(TimerKey::Tx(id, Timer::J), t1.saturating_mul(64));
            } else if status < 300 {
                tx.state = ServerState::Accepted;
                self.arm(TimerKey::Tx(id, Timer::L), t1.saturating_mul(64));
            } else {
                tx.state = ServerState::Completed;
                self.arm(TimerKey::Tx(id, Timer::G), t1);
                self.arm(TimerKey::Tx(id, Timer::H), t1.saturating_mul(64));
            }
        }
        self.transmit(dest, data);
    }

    /// A retransmitted request matched this transaction: re-send the last response.
    pub(crate) fn server_retransmission(&mut self, id: TxId) {
        let Some(tx) = self.txs.server.get(&id) else {
            return;
        };
        if let Some(last) = tx.last.clone() {
            let dest = tx.dest;
            self.transmit(dest, last);
        }
    }

    /// An ACK matched this INVITE transaction; returns true when it acknowledged a
    /// non-2xx final (absorbed here), false when it is for a 2xx (the dialog's business).
    pub(crate) fn server_ack(&mut self, id: TxId) -> bool {
        let t4 = self.config.t4;
        let Some(tx) = self.txs.server.get_mut(&id) else {
            return false;
        };
        match tx.state {
            ServerState::Completed => {
                tx.state = ServerState::Confirmed;
                self.timers.cancel(TimerKey::Tx(id, Timer::G));
                self.timers.cancel(TimerKey::Tx(id, Timer::H));
                self.arm(TimerKey::Tx(id, Timer::I), t4);
                true
            }
            ServerState::Confirmed => true,
            ServerState::Proceeding | ServerState::Accepted => false,
        }
    }

    /// A server transaction timer fired.
    pub(crate) fn server_timer(&mut self, id: TxId, timer: Timer) {
        let t2 = self.config.t2;
        let Some(tx) = self.txs.server.get_mut(&id) else {
            return;
        };
        match timer {
            Timer::G if tx.state == ServerState::Completed => {
                tx.interval = tx.interval.saturating_mul(2).min(t2);
                let interval = tx.interval;
                let (dest, last) = (tx.dest, tx.last.clone());
                self.arm(TimerKey::Tx(id, Timer::G), interval);
                if let Some(last) = last {
                    self.transmit(dest, last);
                }
            }
            Timer::H | Timer::I | Timer::J | Timer::L => self.server_remove(id),
            _ => {}
        }
    }

    /// Forgets a server transaction and disarms its timers.
    pub(crate) fn server_remove(&mut self, id: TxId) {
        let mut timers: &[Timer] = &[Timer::J];
        if let Some(tx) = self.txs.server.remove(&id) {
            if tx.invite {
                timers = &[Timer::G, Timer::H, Timer::I, Timer::L];
            }
            if self.txs.server_index.get(&tx.key) == Some(&id) {
                self.txs.server_index.remove(&tx.key);
            }
            if let Some(merge) = tx.merge {
                if self.merged.get(&merge) == Some(&id) {
                    self.merged.remove(&merge);
                }
            }
        }
        for &timer in timers {
            self.timers.cancel(TimerKey::Tx(id, timer));
        }
    }
}
