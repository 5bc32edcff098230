//! What an endpoint holds and what it dropped: the figures tests and metrics read,
//! and the read-only views of its calls.

use std::net::SocketAddr;

use super::{CallId, CallInfo, Endpoint};
use crate::auth::DigestServer;
use crate::config::Config;
use crate::session::CallStats;

/// How much live state an endpoint holds; every scenario ends with all of it at zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Calls (inbound and outbound, from INVITE until fully reaped).
    pub calls: usize,
    /// Client and server transactions.
    pub transactions: usize,
    /// Dialogs (early and confirmed).
    pub dialogs: usize,
    /// Live digest nonces.
    pub nonces: usize,
    /// RTP ports taken from the pool.
    pub ports: usize,
}

impl Counts {
    /// Nothing is live.
    pub fn is_empty(&self) -> bool {
        *self == Counts::default()
    }
}

/// Counters of what the endpoint dropped or refused, for logs and metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Drops {
    /// Datagrams on the SIP socket that could not be parsed at all.
    pub unparseable: u64,
    /// Responses that matched no client transaction.
    pub stray_responses: u64,
    /// Datagrams on a media port that belonged to no call or failed checks.
    pub media: u64,
}

impl Endpoint {
    /// The configuration the endpoint runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// Whether [`Endpoint::shutdown`] was called (new INVITEs get 503).
    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down
    }
    /// Live media statistics of a call.
    pub fn stats(&self, call: CallId) -> Option<CallStats> {
        let call = self.calls.get(&call)?;
        Some(
            call.media
                .as_ref()
                .map(|m| m.stats(self.now))
                .unwrap_or_default(),
        )
    }
    /// The metadata of a live call.
    pub fn call_info(&self, call: CallId) -> Option<&CallInfo> {
        self.calls.get(&call).map(|c| &*c.info)
    }
    /// The local RTP address of a call, once its media port is chosen.
    pub fn media_addr(&self, call: CallId) -> Option<SocketAddr> {
        let port = self.calls.get(&call)?.port?;
        Some(SocketAddr::new(self.config.local_rtp_ip, port))
    }
    /// The ids of every live call, in creation order.
    pub fn call_ids(&self) -> Vec<CallId> {
        let mut ids: Vec<CallId> = self.calls.keys().copied().collect();
        ids.sort_unstable();
        ids
    }
    /// How much live state the endpoint holds.
    pub fn counts(&self) -> Counts {
        Counts {
            calls: self.calls.len(),
            transactions: self.txs.len(),
            dialogs: self.dialogs.len(),
            nonces: self.auth.as_ref().map_or(0, DigestServer::live_nonces),
            ports: self.ports.in_use(),
        }
    }
    /// What the endpoint dropped so far.
    pub fn drops(&self) -> Drops {
        self.drops
    }
}
