//! What an endpoint holds and what it dropped: the figures tests and metrics read.

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
