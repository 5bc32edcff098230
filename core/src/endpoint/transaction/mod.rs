//! RFC 3261 §17 transactions (with the RFC 6026 `Accepted` states): server INVITE and
//! non-INVITE, client INVITE and non-INVITE, each with its typed timers A–M armed in the
//! endpoint's [`TimerQueue`](crate::TimerQueue), never found by a scan.

mod client;
mod key;
mod server;

use crate::hash::{IdMap, WireMap};

pub(crate) use client::{ClientEvent, ClientTx, Purpose};
pub(crate) use key::{ClientKey, KeyMethod, ServerKey};
pub(crate) use server::{ServerState, ServerTx};

/// A transaction handle (client and server share one counter).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct TxId(pub(crate) u64);

/// The RFC 3261 transaction timers (L and M from RFC 6026).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Timer {
    /// INVITE client: retransmit the request.
    A,
    /// INVITE client: give up.
    B,
    /// INVITE client: leave Completed (absorb retransmitted finals).
    D,
    /// Non-INVITE client: retransmit the request.
    E,
    /// Non-INVITE client: give up.
    F,
    /// INVITE server: retransmit the non-2xx final.
    G,
    /// INVITE server: no ACK for the non-2xx final.
    H,
    /// INVITE server: leave Confirmed.
    I,
    /// Non-INVITE server: leave Completed.
    J,
    /// Non-INVITE client: leave Completed.
    K,
    /// INVITE server: leave Accepted (absorb INVITE retransmissions after a 2xx).
    L,
    /// INVITE client: leave Accepted (pass 2xx retransmissions to the call).
    M,
}

/// Every live transaction, by id and by RFC 3261 matching key.
#[derive(Debug, Default)]
pub(crate) struct Transactions {
    pub(crate) server: IdMap<TxId, ServerTx>,
    pub(crate) server_index: WireMap<ServerKey, TxId>,
    pub(crate) client: IdMap<TxId, ClientTx>,
    pub(crate) client_index: WireMap<ClientKey, TxId>,
    next: u64,
}

impl Transactions {
    /// A fresh id.
    pub(crate) fn next_id(&mut self) -> TxId {
        self.next += 1;
        TxId(self.next)
    }

    /// Number of live transactions of both kinds.
    pub(crate) fn len(&self) -> usize {
        self.server.len() + self.client.len()
    }
}
