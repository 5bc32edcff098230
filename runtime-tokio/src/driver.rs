//! The driver task: owns the endpoint and its sockets, feeds it one input at a time and
//! carries out everything it asks for. No protocol policy lives here.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sipvoice_core::endpoint::{CallId, Endpoint, Event, Output, SocketRequest};
use tokio::sync::mpsc;

use crate::builder::EventHook;
use crate::call::{Call, CallEnd, CallEvent, CallSlot, DtmfReceived};
use crate::callback::Callbacks;
use crate::command::{Command, Commands, Reply};
use crate::control::Control;
use crate::error::Error;
use crate::server::{Incoming, Metrics};
use crate::sockets::{Recv, Sockets};

/// Largest datagram we read (the UDP maximum).
const RECV_BUFFER: usize = 65_535;
/// Datagrams read from one socket before the others get their turn.
const RECV_BUDGET: usize = 64;
/// How long a stopping driver waits for transactions once every call is gone.
const SHUTDOWN_LINGER: Duration = Duration::from_secs(1);
/// Queued commands handled in one go before sockets and timers get their turn.
const COMMAND_BUDGET: usize = 64;
/// Outputs drained after one input before the driver yields (a runaway guard).
const MAX_OUTPUTS: usize = 1 << 20;

/// The driver's clock: tokio's (so paused test time works), as a std `Instant`.
pub(crate) fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

/// The channels between the driver and the application handles.
pub(crate) struct Queues {
    pub(crate) commands: Commands,
    pub(crate) commands_rx: mpsc::UnboundedReceiver<Command>,
    pub(crate) calls: Option<mpsc::Sender<Call>>,
    pub(crate) incoming: mpsc::Sender<Incoming>,
}

pub(crate) struct Driver {
    endpoint: Endpoint,
    sockets: Sockets,
    queues: Queues,
    callbacks: Callbacks,
    hook: Option<EventHook>,
    metrics: Arc<Metrics>,
    calls: HashMap<CallId, CallSlot>,
    dialing: HashMap<CallId, Reply<Result<Call, Error>>>,
    buf: Vec<u8>,
    now: Instant,
    stop_requested: bool,
    stopping: Option<Instant>,
    linger: Option<Instant>,
    grace: Duration,
    waiters: Vec<Reply<()>>,
}

impl Driver {
    pub(crate) fn new(
        endpoint: Endpoint,
        sockets: Sockets,
        queues: Queues,
        callbacks: Callbacks,
        hook: Option<EventHook>,
        metrics: Arc<Metrics>,
        grace: Duration,
    ) -> Self {
        Self {
            endpoint,
            sockets,
            queues,
            callbacks,
            hook,
            metrics,
            calls: HashMap::new(),
            dialing: HashMap::new(),
            buf: vec![0; RECV_BUFFER],
            now: now(),
            stop_requested: false,
            stopping: None,
            linger: None,
            grace,
            waiters: Vec::new(),
        }
    }

    /// The loop: drain, wait for the first of (command, datagram, deadline), feed it in.
    pub(crate) async fn run(mut self) {
        let mut deadline = self.drain();
        let sleep = tokio::time::sleep_until(deadline.into());
        tokio::pin!(sleep);
        loop {
            if self.stop_requested && self.stopping.is_none() {
                self.begin_shutdown();
                deadline = self.drain();
            }
            if let Some(limit) = self.stopping {
                let counts = self.endpoint.counts();
                if counts.is_empty() {
                    break;
                }
                let limit = if counts.calls == 0 && counts.dialogs == 0 && counts.ports == 0 {
                    // Only finished transactions (absorbing retransmissions) and nonces are
                    // left: give the last BYE a moment to be answered, then go.
                    let linger = *self.linger.get_or_insert(self.now + SHUTDOWN_LINGER);
                    linger.min(limit)
                } else {
                    limit
                };
                if self.now >= limit {
                    if counts.calls > 0 {
                        tracing::warn!(?counts, "shutdown grace over with calls left");
                    } else {
                        tracing::debug!(?counts, "stopping with finished transactions left");
                    }
                    break;
                }
                deadline = deadline.min(limit);
            }
            sleep.as_mut().reset(deadline.into());
            let mut fired = false;
            tokio::select! {
                command = self.queues.commands_rx.recv() => {
                    self.now = now();
                    match command {
                        Some(command) => self.commands(command),
                        None => self.stop_requested = true,
                    }
                }
                key = self.sockets.ready() => {
                    self.now = now();
                    self.read(key);
                }
                () = &mut sleep => {
                    self.now = now();
                    self.endpoint.handle_timeout(self.now);
                    fired = true;
                }
            }
            deadline = self.drain();
            if fired && deadline <= self.now {
                // The endpoint asked again for a time that has passed: do not spin on it.
                deadline = self.now + Duration::from_millis(1);
            }
        }
        tracing::info!(sockets = self.sockets.len(), "endpoint stopped");
        for waiter in self.waiters.drain(..) {
            let _ = waiter.send(());
        }
    }

    fn begin_shutdown(&mut self) {
        self.stop_requested = true;
        if self.stopping.is_none() {
            self.stopping = Some(self.now + self.grace);
            self.endpoint.shutdown(self.now);
        }
    }

    /// Reads what one socket has (bounded) and feeds each datagram to the endpoint.
    fn read(&mut self, key: SocketAddr) {
        for _ in 0..RECV_BUDGET {
            match self.sockets.try_recv(key, &mut self.buf) {
                Recv::Datagram(len, from) => {
                    tracing::trace!(%key, %from, len, "received");
                    self.metrics
                        .packets_received
                        .fetch_add(1, Ordering::Relaxed);
                    let data = Bytes::copy_from_slice(self.buf.get(..len).unwrap_or_default());
                    self.endpoint.handle_datagram(self.now, key, from, data);
                }
                Recv::Empty => return,
            }
            // Outputs of one datagram go out before the next is read.
            let _ = self.drain();
        }
        self.sockets.requeue(key);
    }

    /// Drains every output; returns the next deadline.
    fn drain(&mut self) -> Instant {
        for _ in 0..MAX_OUTPUTS {
            match self.endpoint.poll_output() {
                Output::Transmit(t) => {
                    tracing::trace!(from = %t.from, to = %t.to, len = t.data.len(), "send");
                    if self.sockets.send(t.from, t.to, &t.data) {
                        self.metrics.packets_sent.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Output::Event(event) => self.event(event),
                Output::Socket(SocketRequest::Bind(addr)) => {
                    let ok = match self.sockets.bind(addr) {
                        Ok(_) => true,
                        Err(e) => {
                            tracing::debug!(%addr, error = %e, "media bind failed");
                            false
                        }
                    };
                    self.endpoint.handle_bind_result(self.now, addr, ok);
                }
                Output::Socket(SocketRequest::Close(addr)) => self.sockets.close(addr),
                Output::Timeout(deadline) => return deadline,
            }
        }
        tracing::warn!("endpoint output did not settle");
        self.now + Duration::from_millis(1)
    }

    /// Handles one command and whatever else is already queued (bounded), draining the
    /// endpoint after each.
    fn commands(&mut self, first: Command) {
        self.command(first);
        for _ in 0..COMMAND_BUDGET {
            let _ = self.drain();
            match self.queues.commands_rx.try_recv() {
                Ok(command) => self.command(command),
                Err(_) => break,
            }
        }
    }

    fn command(&mut self, command: Command) {
        let now = self.now;
        let ep = &mut self.endpoint;
        match command {
            Command::Accept(id, r) => drop(r.send(ep.accept(now, id))),
            Command::Reject(id, status, reason, r) => {
                drop(r.send(ep.reject(now, id, status, &reason)))
            }
            Command::Hangup(id, r) => drop(r.send(ep.hangup(now, id))),
            Command::SendAudio(id, pcm) => {
                if let Err(e) = ep.send_audio(now, id, &pcm) {
                    tracing::trace!(%id, error = %e, "audio not queued");
                }
            }
            Command::Interrupt(id, r) => drop(r.send(ep.interrupt(now, id))),
            Command::SendDtmf(id, digits, duration, r) => {
                drop(r.send(ep.send_dtmf(now, id, &digits, duration)))
            }
            Command::Dial(request, r) => match ep.dial(now, *request) {
                Ok(id) => {
                    self.dialing.insert(id, r);
                }
                Err(e) => drop(r.send(Err(e.into()))),
            },
            Command::Stats(id, r) => drop(r.send(ep.stats(id))),
            Command::Counts(r) => drop(r.send(ep.counts())),
            Command::Shutdown(r) => {
                self.waiters.extend(r);
                self.begin_shutdown();
            }
        }
    }

    fn event(&mut self, event: Event) {
        if let Some(hook) = self.hook.as_mut() {
            let mut control = Control {
                commands: self.endpoint.at(self.now),
                stop: &mut self.stop_requested,
            };
            hook(&mut control, &event);
        }
        match event {
            Event::IncomingCall { call, info } => {
                let incoming = Incoming::new(
                    call,
                    Arc::unwrap_or_clone(info),
                    self.queues.commands.clone(),
                );
                if self.queues.incoming.try_send(incoming).is_err() && self.hook.is_none() {
                    tracing::warn!(%call, "incoming call queue full; call left unanswered");
                }
            }
            Event::CallStarted { call, info } => self.started(call, info),
            Event::Audio { call, frame } => self.deliver(call, CallEvent::Audio(frame)),
            Event::Dtmf {
                call,
                digit,
                duration_ms,
                ..
            } => {
                if let Some(slot) = self.calls.get(&call) {
                    let received = DtmfReceived {
                        call: slot.call.clone(),
                        digit,
                        duration_ms,
                    };
                    for callback in &self.callbacks.on_dtmf {
                        callback(received.clone());
                    }
                }
                self.deliver(call, CallEvent::Dtmf { digit, duration_ms });
            }
            Event::PlaybackFinished { call } => self.deliver(call, CallEvent::PlaybackFinished),
            Event::PlaybackInterrupted { call, cut } => {
                self.deliver(call, CallEvent::PlaybackInterrupted(cut))
            }
            Event::Hold { call, on_hold } => self.deliver(call, CallEvent::Hold(on_hold)),
            Event::Ringing { call, .. } => tracing::debug!(%call, "ringing"),
            Event::CallEnded {
                call,
                reason,
                stats,
                info,
            } => {
                tracing::debug!(%call, reason = reason.as_str(), "call ended");
                let end = CallEnd {
                    call_id: call,
                    reason,
                    stats,
                    info,
                };
                if let Some(slot) = self.calls.remove(&call) {
                    self.metrics.calls_active.fetch_sub(1, Ordering::Relaxed);
                    slot.end.send_replace(Some(end.clone()));
                }
                if let Some(reply) = self.dialing.remove(&call) {
                    let _ = reply.send(Err(Error::NotAnswered(end.reason.clone())));
                }
                for callback in &self.callbacks.on_disconnect {
                    callback(end.clone());
                }
            }
            Event::CallRejected {
                sip_call_id,
                status,
                reason,
            } => tracing::debug!(%sip_call_id, status, %reason, "call rejected"),
        }
    }

    fn started(&mut self, id: CallId, info: Arc<sipvoice_core::endpoint::CallInfo>) {
        self.metrics.calls_active.fetch_add(1, Ordering::Relaxed);
        self.metrics.calls_total.fetch_add(1, Ordering::Relaxed);
        let slot = Call::slot(id, info, self.queues.commands.clone());
        if let Some(reply) = self.dialing.remove(&id) {
            if reply.send(Ok(slot.call.clone())).is_err() {
                // Nobody waits for this call any more: do not leave it up.
                let _ = self.endpoint.hangup(self.now, id);
            }
        } else if self.callbacks.on_call.is_empty() {
            if let Some(queue) = &self.queues.calls {
                let _ = queue.try_send(slot.call.clone());
            }
        } else {
            for callback in &self.callbacks.on_call {
                callback(slot.call.clone());
            }
        }
        self.calls.insert(id, slot);
    }

    fn deliver(&mut self, id: CallId, event: CallEvent) {
        if let Some(slot) = self.calls.get(&id) {
            if slot.call.unobserved() {
                // Nobody holds this call's handle: nobody can read its events.
                return;
            }
            if slot.events.try_send(event).is_err() {
                self.metrics.events_dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}
