//! A running endpoint: accept calls, dial, read counters, shut down.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sipvoice_core::endpoint::{CallId, CallInfo, Counts, DialRequest, Endpoint};
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinHandle;

use crate::builder::Builder;
use crate::call::Call;
use crate::command::{Command, Commands};
use crate::driver::{Driver, Queues};
use crate::error::Error;
use crate::sockets::Sockets;

/// Calls waiting in the [`Server::accept`] and [`Server::incoming`] queues.
const ACCEPT_QUEUE: usize = 64;

/// Live counters of a running endpoint, updated by the driver.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    pub(crate) calls_active: AtomicU64,
    pub(crate) calls_total: AtomicU64,
    pub(crate) packets_received: AtomicU64,
    pub(crate) packets_sent: AtomicU64,
    pub(crate) events_dropped: AtomicU64,
}

/// A snapshot of the driver's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MetricsSnapshot {
    /// Established calls that have not ended.
    pub calls_active: u64,
    /// Calls established since start.
    pub calls_total: u64,
    /// Datagrams received on all sockets.
    pub packets_received: u64,
    /// Datagrams sent from all sockets.
    pub packets_sent: u64,
    /// Call events dropped because the application did not read them.
    pub events_dropped: u64,
}

/// An incoming call waiting for a decision (only with `AnswerPolicy::Ask`).
#[derive(Debug)]
pub struct Incoming {
    id: CallId,
    info: CallInfo,
    commands: Commands,
}

impl Incoming {
    pub(crate) fn new(id: CallId, info: CallInfo, commands: Commands) -> Self {
        Self { id, info, commands }
    }

    /// The call's id; the established [`Call`] will carry the same.
    pub fn id(&self) -> CallId {
        self.id
    }

    /// What is known before the answer: parties, X-headers, room and session ids.
    pub fn info(&self) -> &CallInfo {
        &self.info
    }

    /// Answers the call; it then arrives through [`Server::accept`] or `on_call`.
    pub async fn accept(self) -> Result<(), Error> {
        let id = self.id;
        Ok(self.commands.ask(|r| Command::Accept(id, r)).await??)
    }

    /// Refuses the call with a final status (400–699).
    pub async fn reject(self, status: u16, reason: &str) -> Result<(), Error> {
        let id = self.id;
        let reason = reason.to_owned();
        Ok(self
            .commands
            .ask(|r| Command::Reject(id, status, reason, r))
            .await??)
    }
}

/// A running endpoint; dropping it shuts the endpoint down in the background.
#[derive(Debug)]
pub struct Server {
    commands: Commands,
    calls: Mutex<mpsc::Receiver<Call>>,
    incoming: Mutex<mpsc::Receiver<Incoming>>,
    local_sip_addr: SocketAddr,
    metrics: Arc<Metrics>,
    task: std::sync::Mutex<Option<JoinHandle<()>>>,
}

impl Server {
    /// A builder with every option at its default.
    pub fn builder() -> Builder {
        Builder::new()
    }

    pub(crate) async fn start(builder: Builder) -> Result<Server, Error> {
        let Builder {
            mut config,
            callbacks,
            hook,
            shutdown_grace,
            accept_queue,
        } = builder;
        config.validate()?;
        if config.rng_seed == 0 {
            config.rng_seed = os_seed();
        }
        let mut sockets = Sockets::new();
        let wanted = config.local_sip_addr;
        // With port 0 the OS chooses; the core must know the real port (Via, Contact).
        let local_sip_addr = sockets.bind(wanted).map_err(|source| Error::Bind {
            addr: wanted,
            source,
        })?;
        config.local_sip_addr = local_sip_addr;
        let endpoint = Endpoint::new(config, crate::driver::now())?;
        let (commands, commands_rx) = Commands::new();
        let (calls_tx, calls_rx) = mpsc::channel(ACCEPT_QUEUE);
        let (incoming_tx, incoming_rx) = mpsc::channel(ACCEPT_QUEUE);
        let metrics = Arc::new(Metrics::default());
        let driver = Driver::new(
            endpoint,
            sockets,
            Queues {
                commands: commands.clone(),
                commands_rx,
                calls: accept_queue.then_some(calls_tx),
                incoming: incoming_tx,
            },
            callbacks,
            hook,
            Arc::clone(&metrics),
            shutdown_grace,
        );
        let task = tokio::spawn(driver.run());
        tracing::info!(sip = %local_sip_addr, "endpoint started");
        Ok(Server {
            commands,
            calls: Mutex::new(calls_rx),
            incoming: Mutex::new(incoming_rx),
            local_sip_addr,
            metrics,
            task: std::sync::Mutex::new(Some(task)),
        })
    }

    /// The address the SIP socket is bound to (with the real port when 0 was asked).
    pub fn local_sip_addr(&self) -> SocketAddr {
        self.local_sip_addr
    }

    /// The next established incoming call, like `TcpListener::accept`; `None` once stopped.
    ///
    /// Calls are queued here only when no `on_call` callback is registered.
    pub async fn accept(&self) -> Option<Call> {
        self.calls.lock().await.recv().await
    }

    /// The next incoming call awaiting a decision (with `AnswerPolicy::Ask`).
    pub async fn incoming(&self) -> Option<Incoming> {
        self.incoming.lock().await.recv().await
    }

    /// Places a call and waits until it is answered (or fails with its end reason).
    pub async fn dial(&self, request: DialRequest) -> Result<Call, Error> {
        self.commands
            .ask(|r| Command::Dial(Box::new(request), r))
            .await?
    }

    /// How much live state the endpoint holds.
    pub async fn counts(&self) -> Result<Counts, Error> {
        self.commands.ask(Command::Counts).await
    }

    /// The driver's counters.
    pub fn metrics(&self) -> MetricsSnapshot {
        let m = &self.metrics;
        MetricsSnapshot {
            calls_active: m.calls_active.load(Ordering::Relaxed),
            calls_total: m.calls_total.load(Ordering::Relaxed),
            packets_received: m.packets_received.load(Ordering::Relaxed),
            packets_sent: m.packets_sent.load(Ordering::Relaxed),
            events_dropped: m.events_dropped.load(Ordering::Relaxed),
        }
    }

    /// Hangs up every call (BYE), waits until the endpoint holds nothing (bounded by the
    /// shutdown grace), then stops the driver.
    pub async fn shutdown(&self) {
        let _ = self.commands.ask(|r| Command::Shutdown(Some(r))).await;
        let task = self.task.lock().ok().and_then(|mut t| t.take());
        if let Some(task) = task {
            let _ = task.await;
        }
    }

    /// Waits until the driver has stopped (after a shutdown from a hook, say).
    pub async fn stopped(&self) {
        self.commands.closed().await;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Shutdown(None));
    }
}

/// A seed for the endpoint's RNG from the OS (std's per-process random hash keys mixed
/// with the wall clock).
fn os_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(t.as_nanos());
    }
    hasher.write_u32(std::process::id());
    hasher.finish().max(1)
}
