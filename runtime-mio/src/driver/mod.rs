//! The driver: one endpoint, its sockets and a `mio::Poll`, run as a blocking loop or
//! embedded in a caller's own poll loop.

mod blocking;
mod embed;

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use mio::event::Events;
use mio::{Poll, Registry, Token, Waker};
use sipvoice_core::Config;
use sipvoice_core::endpoint::{Counts, Endpoint, Event, Output, SocketRequest};

use crate::control::{Control, Handler};
use crate::seed::os_seed;
use crate::sockets::{Sockets, bind_sip, bind_udp, is_transient};
use crate::stop::{Shared, StopHandle};

/// How long a graceful stop waits for the endpoint to empty before giving up.
pub const STOP_GRACE: Duration = Duration::from_secs(5);

/// Once every call has ended during a stop, how long the driver still waits for answers
/// to its last requests before returning.
pub const STOP_LINGER: Duration = Duration::from_secs(1);

/// Datagrams read from one socket per loop iteration before the others get a turn.
const READ_BUDGET: usize = 256;

/// Outputs drained in one go before the loop looks at its sockets again.
const DRAIN_BUDGET: usize = 65_536;

/// Size of the one receive buffer every socket is read into (the largest UDP payload).
const RECV_BUFFER: usize = 65_535;

/// Capacity of the event list of the driver's own poll.
const EVENTS_CAPACITY: usize = 256;

/// A sipvoice endpoint on real UDP sockets, driven by `mio`.
///
/// [`Driver::run`] is the whole blocking loop. To drive it from your own `mio::Poll`
/// instead, call [`Driver::register`] once, then in your loop poll with
/// [`Driver::next_timeout`] (or less) and hand every batch of events to
/// [`Driver::process`].
pub struct Driver {
    endpoint: Endpoint,
    sockets: Sockets,
    registry: Registry,
    poll: Option<Poll>,
    shared: Arc<Shared>,
    sip_addr: SocketAddr,
    recv_buf: Vec<u8>,
    events: Events,
    queue: VecDeque<Event>,
    deadline: Instant,
    stop_deadline: Option<Instant>,
    backlog: Vec<Token>,
    pending: bool,
    finished: bool,
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver")
            .field("sip_addr", &self.sip_addr)
            .field("sockets", &self.sockets.len())
            .field("counts", &self.endpoint.counts())
            .field("embedded", &self.poll.is_none())
            .field("stopping", &self.stop_deadline.is_some())
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl Driver {
    /// Binds the SIP UDP socket on `config.local_sip_addr` (port 0 picks a free port),
    /// seeds the RNG from the OS unless `config.rng_seed` is non-zero, and creates the
    /// poll and its waker.
    pub fn bind(mut config: Config) -> io::Result<Driver> {
        config
            .validate()
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidInput, error))?;
        let poll = Poll::new()?;
        let base = Token(0);
        let waker = Arc::new(Waker::new(poll.registry(), base)?);
        let registry = poll.registry().try_clone()?;
        let socket = bind_sip(config.local_sip_addr)?;
        let sip_addr = socket.local_addr()?;
        config.local_sip_addr = sip_addr;
        if config.rng_seed == 0 {
            config.rng_seed = os_seed();
        }
        let now = Instant::now();
        let endpoint = Endpoint::new(config, now)
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidInput, error))?;
        let mut sockets = Sockets::new(base);
        sockets.insert(&registry, sip_addr, socket)?;
        let shared = Arc::new(Shared::default());
        shared.set_waker(Some(waker));
        tracing::info!(%sip_addr, "SIP socket bound");
        Ok(Driver {
            endpoint,
            sockets,
            registry,
            poll: Some(poll),
            shared,
            sip_addr,
            recv_buf: vec![0; RECV_BUFFER],
            events: Events::with_capacity(EVENTS_CAPACITY),
            queue: VecDeque::new(),
            deadline: now,
            stop_deadline: None,
            backlog: Vec::new(),
            pending: true,
            finished: false,
        })
    }

    /// The address the SIP socket is bound to (with the real port when 0 was asked for).
    pub fn local_sip_addr(&self) -> SocketAddr {
        self.sip_addr
    }

    /// A handle that stops this driver gracefully from any thread.
    pub fn stop_handle(&self) -> StopHandle {
        StopHandle::new(Arc::clone(&self.shared))
    }

    /// The endpoint, for reading its state.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// How much live state the endpoint holds.
    pub fn counts(&self) -> Counts {
        self.endpoint.counts()
    }

    /// Number of open UDP sockets (the SIP socket plus every media socket).
    pub fn socket_count(&self) -> usize {
        self.sockets.len()
    }

    /// Commands outside a handler callback (e.g. `dial` before `run`); what they produce is
    /// sent on the next loop iteration, which then comes at once.
    pub fn control(&mut self) -> Control<'_> {
        self.pending = true;
        Control::new(&mut self.endpoint, Instant::now(), &self.shared)
    }

    /// Whether the driver has stopped: after a graceful stop completed, [`Driver::process`]
    /// returns false and nothing more should be fed in.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// How long the caller may block in its poll before calling [`Driver::process`].
    ///
    /// Always `Some`; zero when there is work to do at once.
    pub fn next_timeout(&self) -> Option<Duration> {
        if self.finished
            || self.pending
            || !self.backlog.is_empty()
            || (self.shared.stop_requested() && self.stop_deadline.is_none())
        {
            return Some(Duration::ZERO);
        }
        let deadline = match self.stop_deadline {
            Some(stop) => self.deadline.min(stop),
            None => self.deadline,
        };
        Some(deadline.saturating_duration_since(Instant::now()))
    }

    /// One loop iteration: reads every ready socket of the driver among `events` (others
    /// are ignored), fires due timers, handles a stop, calls [`Handler::on_tick`] and sends
    /// or delivers everything the endpoint produced. Returns false once a graceful stop
    /// has completed.
    pub fn process(&mut self, events: &Events, handler: &mut impl Handler) -> bool {
        if self.finished {
            return false;
        }
        let now = Instant::now();
        self.pending = false;
        self.drain(now, handler);
        let mut ready = std::mem::take(&mut self.backlog);
        ready.extend(
            events
                .iter()
                .map(|event| event.token())
                .filter(|token| *token != self.sockets.waker_token() && self.sockets.owns(*token)),
        );
        ready.sort_unstable();
        ready.dedup();
        for token in ready {
            self.read_socket(token, handler);
        }
        let now = Instant::now();
        if now >= self.deadline {
            self.endpoint.handle_timeout(now);
            self.drain(now, handler);
        }
        if self.shared.stop_requested() && self.stop_deadline.is_none() {
            tracing::info!("stopping: hanging up every call");
            self.endpoint.shutdown(now);
            self.stop_deadline = Some(now + STOP_GRACE);
            self.drain(now, handler);
        }
        let mut ctl = Control::new(&mut self.endpoint, now, &self.shared);
        handler.on_tick(&mut ctl);
        self.drain(now, handler);
        if let Some(mut stop) = self.stop_deadline {
            let counts = self.endpoint.counts();
            if counts.calls == 0 && counts.dialogs == 0 && counts.ports == 0 {
                // Only finished transactions (absorbing retransmissions) and nonces are
                // left: give the last BYE's answer a moment, then go.
                stop = stop.min(now + STOP_LINGER);
                self.stop_deadline = Some(stop);
            }
            if counts.is_empty() || now >= stop {
                if !counts.is_empty() {
                    tracing::warn!(
                        ?counts,
                        "stopped with live state left after the grace period"
                    );
                }
                self.finished = true;
            }
        }
        !self.finished
    }

    /// Reads the socket under `token` until it would block (or its budget is spent); each
    /// datagram is stamped with the time it was read.
    fn read_socket(&mut self, token: Token, handler: &mut impl Handler) {
        for _ in 0..READ_BUDGET {
            let Some((local, socket)) = self.sockets.by_token(token) else {
                return;
            };
            match socket.recv_from(&mut self.recv_buf) {
                Ok((len, remote)) => {
                    let data = Bytes::copy_from_slice(self.recv_buf.get(..len).unwrap_or(&[]));
                    let now = Instant::now();
                    self.endpoint.handle_datagram(now, local, remote, data);
                    self.drain(now, handler);
                }
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => return,
                Err(error) if is_transient(&error) => {
                    tracing::trace!(%error, %local, "ignoring a socket error report");
                }
                Err(error) => {
                    tracing::warn!(%error, %local, "receive failed");
                    return;
                }
            }
        }
        self.backlog.push(token);
    }

    /// Hands every output of the endpoint to the socket, the handler or the socket table.
    fn drain(&mut self, now: Instant, handler: &mut impl Handler) {
        for _ in 0..DRAIN_BUDGET {
            match self.endpoint.poll_output() {
                Output::Transmit(transmit) => self.sockets.send(&transmit),
                Output::Event(event) => {
                    let mut ctl = Control::new(&mut self.endpoint, now, &self.shared);
                    handler.on_event(&mut ctl, event);
                }
                Output::Socket(SocketRequest::Bind(addr)) => {
                    let ok = self.bind_media(addr);
                    self.endpoint.handle_bind_result(now, addr, ok);
                }
                Output::Socket(SocketRequest::Close(addr)) => {
                    if addr != self.sip_addr && !self.sockets.remove(&self.registry, addr) {
                        tracing::debug!(%addr, "asked to close a socket that is not open");
                    }
                }
                Output::Timeout(deadline) => {
                    self.deadline = deadline;
                    return;
                }
            }
        }
        self.pending = true;
    }

    /// Binds a media socket where the endpoint asked; true when it is open.
    fn bind_media(&mut self, addr: SocketAddr) -> bool {
        if addr == self.sip_addr {
            return false;
        }
        if self.sockets.contains(addr) {
            return true;
        }
        match bind_udp(addr, None)
            .and_then(|socket| self.sockets.insert(&self.registry, addr, socket))
        {
            Ok(()) => true,
            Err(error) => {
                tracing::debug!(%error, %addr, "media bind failed");
                false
            }
        }
    }
}
