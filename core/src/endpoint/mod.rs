//! The sans-IO SIP endpoint: datagrams and timestamps in; transmits, events, socket
//! requests and deadlines out.
//!
//! # The run loop
//!
//! A driver owns one [`Endpoint`] and its sockets. After every input it drains
//! [`Endpoint::poll_output`] until it returns [`Output::Timeout`], then waits for the
//! first of: a datagram on any socket, that deadline, or an application command.
//!
//! ```
//! use std::net::SocketAddr;
//! use std::time::{Duration, Instant};
//! use sipvoice_core::Config;
//! use sipvoice_core::endpoint::{Endpoint, Output, SocketRequest};
//!
//! # fn epoch() -> Instant { Instant::now() }
//! let now = epoch(); // a runtime reads its clock here; the core never does
//! let mut config = Config::default();
//! config.local_sip_addr = "127.0.0.1:5060".parse().unwrap();
//! config.local_rtp_ip = "127.0.0.1".parse().unwrap();
//! let mut endpoint = Endpoint::new(config, now).expect("valid config");
//!
//! // A datagram arrived on the SIP socket:
//! let local: SocketAddr = "127.0.0.1:5060".parse().unwrap();
//! let remote: SocketAddr = "127.0.0.1:5080".parse().unwrap();
//! endpoint.handle_datagram(now, local, remote, bytes::Bytes::from_static(b"OPTIONS"));
//!
//! // Drain everything it produced.
//! let deadline = loop {
//!     match endpoint.poll_output() {
//!         Output::Transmit(t) => { /* socket_for(t.from).send_to(&t.data, t.to) */ }
//!         Output::Event(e) => { /* hand to the application */ }
//!         Output::Socket(SocketRequest::Bind(addr)) => {
//!             // bind a UDP socket on `addr`, then report how it went:
//!             endpoint.handle_bind_result(now, addr, true);
//!         }
//!         Output::Socket(SocketRequest::Close(_addr)) => { /* drop that socket */ }
//!         Output::Timeout(deadline) => break deadline,
//!     }
//! };
//! // ... wait for a datagram, a command or `deadline`, then:
//! endpoint.handle_timeout(deadline.max(now + Duration::from_millis(1)));
//! ```

mod command;
mod event;
mod event_line;
mod ids;
mod output;

pub use command::{CommandError, DialRequest};
pub use event::{AudioFrame, CallDirection, CallInfo, DtmfSource, EndReason, Event};
pub use event_line::EventLines;
pub use ids::CallId;
pub use output::{Output, SocketRequest, Transmit};

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::config::{Config, ConfigError};
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

/// A SIP user agent (UAS for inbound calls, UAC for dialled ones) with its calls and media.
#[derive(Debug)]
pub struct Endpoint {
    config: Config,
    now: Instant,
    outputs: VecDeque<Output>,
    drops: Drops,
}

impl Endpoint {
    /// Creates an endpoint; the configuration is validated first.
    pub fn new(config: Config, now: Instant) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Self {
            config,
            now,
            outputs: VecDeque::new(),
            drops: Drops::default(),
        })
    }

    /// The configuration the endpoint runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A datagram arrived on `local` (the SIP socket or a media socket) from `remote`.
    pub fn handle_datagram(
        &mut self,
        now: Instant,
        local: SocketAddr,
        remote: SocketAddr,
        data: Bytes,
    ) {
        self.advance(now);
        let _ = (local, remote, data);
        self.drops.unparseable += 1;
    }

    /// Time has passed: fire every timer due at `now` (a spurious call is harmless).
    pub fn handle_timeout(&mut self, now: Instant) {
        self.advance(now);
    }

    /// The driver's answer to [`SocketRequest::Bind`]: `ok` is false when the bind failed.
    pub fn handle_bind_result(&mut self, now: Instant, addr: SocketAddr, ok: bool) {
        self.advance(now);
        let _ = (addr, ok);
    }

    /// The next thing to do; [`Output::Timeout`] when there is nothing until that deadline.
    pub fn poll_output(&mut self) -> Output {
        self.outputs
            .pop_front()
            .unwrap_or(Output::Timeout(self.now + Duration::from_secs(3600)))
    }

    /// Accepts an incoming call announced by [`Event::IncomingCall`].
    pub fn accept(&mut self, now: Instant, call: CallId) -> Result<(), CommandError> {
        self.advance(now);
        let _ = call;
        Err(CommandError::UnknownCall)
    }

    /// Rejects an incoming call announced by [`Event::IncomingCall`] with a final status (400–699).
    pub fn reject(
        &mut self,
        now: Instant,
        call: CallId,
        status: u16,
        reason: &str,
    ) -> Result<(), CommandError> {
        self.advance(now);
        let _ = (call, status, reason);
        Err(CommandError::UnknownCall)
    }

    /// Hangs up: BYE when established, CANCEL (outbound) or 486/487 (inbound) before.
    pub fn hangup(&mut self, now: Instant, call: CallId) -> Result<(), CommandError> {
        self.advance(now);
        let _ = call;
        Err(CommandError::UnknownCall)
    }

    /// Queues 16-bit mono PCM at the call's sample rate; it is sent paced at ptime.
    pub fn send_audio(
        &mut self,
        now: Instant,
        call: CallId,
        pcm: &[i16],
    ) -> Result<(), CommandError> {
        self.advance(now);
        let _ = (call, pcm);
        Err(CommandError::UnknownCall)
    }

    /// Drops all queued outbound audio at once (barge-in); returns how much was cut.
    pub fn interrupt(&mut self, now: Instant, call: CallId) -> Result<Duration, CommandError> {
        self.advance(now);
        let _ = call;
        Err(CommandError::UnknownCall)
    }

    /// Sends DTMF digits (`0-9*#A-D`) as RFC 4733 events, each lasting `duration`.
    pub fn send_dtmf(
        &mut self,
        now: Instant,
        call: CallId,
        digits: &str,
        duration: Duration,
    ) -> Result<(), CommandError> {
        self.advance(now);
        let _ = (call, digits, duration);
        Err(CommandError::UnknownCall)
    }

    /// Places an outbound call; progress arrives as events.
    pub fn dial(&mut self, now: Instant, request: DialRequest) -> Result<CallId, CommandError> {
        self.advance(now);
        let _ = request;
        Err(CommandError::NoPort)
    }

    /// Hangs up every call (reason `shutdown`); keep driving until [`Endpoint::counts`] is empty.
    pub fn shutdown(&mut self, now: Instant) {
        self.advance(now);
    }

    /// Live media statistics of a call.
    pub fn stats(&self, call: CallId) -> Option<CallStats> {
        let _ = call;
        None
    }

    /// The metadata of a live call.
    pub fn call_info(&self, call: CallId) -> Option<&CallInfo> {
        let _ = call;
        None
    }

    /// How much live state the endpoint holds.
    pub fn counts(&self) -> Counts {
        Counts::default()
    }

    /// What the endpoint dropped so far.
    pub fn drops(&self) -> Drops {
        self.drops
    }

    fn advance(&mut self, now: Instant) {
        if now > self.now {
            self.now = now;
        }
    }
}
