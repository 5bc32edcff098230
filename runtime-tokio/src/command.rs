//! Commands from application handles to the driver task, with their replies.

use std::time::Duration;

use sipvoice_core::endpoint::{CallId, CommandError, Counts, DialRequest};
use sipvoice_core::session::CallStats;
use tokio::sync::{mpsc, oneshot};

use crate::call::Call;
use crate::error::Error;

/// Where the answer to a command goes.
pub(crate) type Reply<T> = oneshot::Sender<T>;

/// One request for the driver.
#[derive(Debug)]
pub(crate) enum Command {
    Accept(CallId, Reply<Result<(), CommandError>>),
    Reject(CallId, u16, String, Reply<Result<(), CommandError>>),
    Hangup(CallId, Reply<Result<(), CommandError>>),
    SendAudio(CallId, Vec<i16>),
    Interrupt(CallId, Reply<Result<Duration, CommandError>>),
    SendDtmf(CallId, String, Duration, Reply<Result<(), CommandError>>),
    Dial(Box<DialRequest>, Reply<Result<Call, Error>>),
    Stats(CallId, Reply<Option<CallStats>>),
    Counts(Reply<Counts>),
    Shutdown(Option<Reply<()>>),
}

/// The sending side every handle holds.
#[derive(Clone, Debug)]
pub(crate) struct Commands {
    tx: mpsc::UnboundedSender<Command>,
}

impl Commands {
    pub(crate) fn new() -> (Self, mpsc::UnboundedReceiver<Command>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Self { tx }, rx)
    }

    /// Sends without waiting for an answer.
    pub(crate) fn send(&self, command: Command) -> Result<(), Error> {
        self.tx.send(command).map_err(|_| Error::Stopped)
    }

    /// Completes once the driver has dropped its receiver.
    pub(crate) async fn closed(&self) {
        self.tx.closed().await;
    }

    /// Sends and waits for the driver's answer.
    pub(crate) async fn ask<T>(&self, make: impl FnOnce(Reply<T>) -> Command) -> Result<T, Error> {
        let (reply, answer) = oneshot::channel();
        self.send(make(reply))?;
        answer.await.map_err(|_| Error::Stopped)
    }
}
