//! Application commands: their arguments and their errors (API misuse only).

use std::net::SocketAddr;

/// Why a command was refused. These are application mistakes, never network faults.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// No live call has this id (it may have ended).
    #[error("no such call")]
    UnknownCall,
    /// The call is not in a state where this command applies.
    #[error("the call is not in a state that allows {0}")]
    InvalidState(&'static str),
    /// An argument is invalid (reason given).
    #[error("invalid argument: {0}")]
    InvalidArgument(&'static str),
    /// `max_sessions` calls are live already.
    #[error("the endpoint is at max_sessions")]
    AtCapacity,
    /// No RTP port is free in the configured range.
    #[error("the RTP port range is exhausted")]
    NoPort,
}

/// Everything needed to place an outbound call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialRequest {
    /// The Request-URI, e.g. `sip:bob@127.0.0.1:5080`.
    pub target: String,
    /// Where to send the INVITE (the core does no DNS).
    pub remote: SocketAddr,
    /// Our From URI; `None` uses `sip:sipvoice@<advertised address>`.
    pub from: Option<String>,
    /// Extra headers (e.g. `X-Room-ID`), sent in order.
    pub headers: Vec<(String, String)>,
    /// Digest credentials `(user, password)` used when the peer challenges (401/407).
    pub credentials: Option<(String, String)>,
}

impl DialRequest {
    /// A request to call `target` at `remote` with default From and no extra headers.
    pub fn new(target: impl Into<String>, remote: SocketAddr) -> Self {
        Self {
            target: target.into(),
            remote,
            from: None,
            headers: Vec::new(),
            credentials: None,
        }
    }
}
