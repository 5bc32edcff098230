//! The errors of the tokio runtime, classified by who is at fault.

use std::io;
use std::net::SocketAddr;

use sipvoice_core::ConfigError;
use sipvoice_core::endpoint::{CommandError, EndReason};

/// Why a runtime operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration was refused before anything was bound (application mistake).
    #[error("invalid configuration: {0}")]
    Config(#[from] ConfigError),
    /// The SIP socket could not be bound (port in use, address not local, ...).
    #[error("cannot bind the SIP socket on {addr}: {source}")]
    Bind {
        /// The address we tried.
        addr: SocketAddr,
        /// What the OS said.
        source: io::Error,
    },
    /// The endpoint refused a command (application mistake or the call is gone).
    #[error(transparent)]
    Command(#[from] CommandError),
    /// The driver task has stopped; no more commands are possible.
    #[error("the endpoint has stopped")]
    Stopped,
    /// An outbound call ended before it was answered.
    #[error("the call was not answered: {}", describe(.0))]
    NotAnswered(EndReason),
}

/// An end reason in words, with the status of a refusal.
fn describe(reason: &EndReason) -> String {
    match reason {
        EndReason::Rejected { status } => format!("refused with status {status}"),
        other => other.as_str().replace('_', " "),
    }
}
