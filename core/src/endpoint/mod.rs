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
//!
//! # What happens to a call
//!
//! An inbound INVITE is answered `100 Trying` at once, then admitted in order:
//! digest authentication when `auth_users` is set (401 with one challenge per algorithm,
//! MD5 first; 403 for a wrong password or a replayed nonce count), capacity
//! (`max_sessions` → 503 with `Retry-After`), a live `X-Session-ID` (486), the SDP offer
//! (488 with a Warning), the application's decision with [`AnswerPolicy::Ask`]
//! ([`Event::IncomingCall`], then [`Endpoint::accept`] / [`Endpoint::reject`]), and an
//! even RTP port: the endpoint asks the driver to bind it ([`SocketRequest::Bind`], RTCP
//! on the port above unless muxed) and waits for [`Endpoint::handle_bind_result`]; a
//! failed bind moves to another port, an exhausted range is a 503. Only then go `180`
//! and, after `answer_delay`, the `200` with the SDP answer; the 200 is retransmitted
//! until the ACK, which starts the call ([`Event::CallStarted`]). No ACK in 64·T1 ends it
//! with BYE ([`EndReason::AckTimeout`]). Refusals before the application knew the call
//! are [`Event::CallRejected`]; everything after ends with exactly one
//! [`Event::CallEnded`], when the call's sockets are closed and its port is back.
//!
//! Inside a call: BYE (ours carries `Reason: Q.850;cause=16`), re-INVITE and UPDATE
//! (hold and resume, 491 on glare, an offer when the re-INVITE has none), INFO DTMF,
//! OPTIONS; CANCEL before the answer is 200 + 487 ([`EndReason::Cancel`]), after it
//! changes nothing. [`Endpoint::dial`] places calls the other way, answering a 401/407
//! with the request's credentials, CANCELling or BYEing on [`Endpoint::hangup`].
//!
//! Transactions follow RFC 3261 §17 and RFC 6026 (timers A–M, RFC 2543 matching as the
//! fallback); retransmitted requests are absorbed by their transaction, before and after
//! the answer. Every timer of every call and transaction lives in one heap
//! ([`TimerQueue`]). [`Endpoint::counts`] shows what is live; drive
//! time past 64·T1 + T4 (and the nonce lifetime) after the last call and it is all zero.
//!
//! [`AnswerPolicy::Ask`]: crate::AnswerPolicy::Ask

mod admission;
mod call;
mod command;
mod commands;
mod counts;
mod dialog;
mod digest;
mod event;
mod event_line;
mod ids;
mod inbound;
mod indialog;
mod media;
mod messages;
mod outbound;
mod output;
mod reinvite;
mod transaction;

pub use command::{CommandError, DialRequest};
pub use commands::Commands;
pub use counts::{Counts, Drops};
pub use event::{AudioFrame, CallDirection, CallInfo, DtmfSource, EndReason, Event};
pub use event_line::EventLines;
pub use ids::CallId;
pub use output::{Output, SocketRequest, Transmit};

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::auth::{DigestServer, ServerConfig};
use crate::config::{Config, ConfigError};
use crate::hash::{IdMap, IdSet, WireMap};
use crate::ports::PortPool;
use crate::rng::Rng;
use crate::sip::SipStr;
use crate::timer::TimerQueue;

use call::{Call, CallTimer};
use transaction::{Timer, Transactions, TxId};

/// What a timer in the endpoint's heap stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum TimerKey {
    /// A transaction timer (A–M).
    Tx(TxId, Timer),
    /// A call timer (answer delay, 2xx retransmission, ACK wait, media, decision).
    Call(CallId, CallTimer),
    /// The digest nonce store's next expiry.
    Nonces,
}

/// A SIP user agent (UAS for inbound calls, UAC for dialled ones) with its calls and media.
#[derive(Debug)]
pub struct Endpoint {
    config: Config,
    now: Instant,
    outputs: VecDeque<Output>,
    drops: Drops,
    rng: Rng,
    timers: TimerQueue<TimerKey>,
    txs: Transactions,
    calls: IdMap<CallId, Box<Call>>,
    /// (Call-ID, our tag) → call.
    dialogs: WireMap<(SipStr, SipStr), CallId>,
    /// Media socket (RTP or RTCP, bound or being bound) → call.
    sockets: IdMap<SocketAddr, (CallId, bool)>,
    /// Sockets whose bind is still unanswered though their call no longer wants them.
    orphans: IdSet<SocketAddr>,
    /// Live `X-Session-ID`s.
    session_ids: WireMap<String, CallId>,
    /// (Call-ID, From tag, CSeq) of initial INVITEs in progress (RFC 3261 §8.2.2.2).
    merged: WireMap<(SipStr, SipStr, u32), TxId>,
    ports: PortPool,
    auth: Option<DigestServer>,
    next_call: u64,
    shutting_down: bool,
    /// Our Via sent-by and Contact.
    sent_by: String,
    contact: SipStr,
    /// The configured User-Agent, for User-Agent and Server headers.
    user_agent: Option<SipStr>,
}

impl Endpoint {
    /// Creates an endpoint; the configuration is validated first.
    pub fn new(config: Config, now: Instant) -> Result<Self, ConfigError> {
        config.validate()?;
        let mut rng = Rng::from_seed(config.rng_seed);
        let auth = config.auth_enabled().then(|| {
            let mut server = ServerConfig::new(config.auth_realm.clone());
            server.nonce_lifetime = config.nonce_lifetime;
            DigestServer::new(server, rng.as_rng_core())
        });
        let advertised = SocketAddr::new(config.advertised_address(), config.local_sip_addr.port());
        Ok(Self {
            ports: PortPool::new(config.rtp_port_start, config.rtp_port_end),
            sent_by: advertised.to_string(),
            contact: SipStr::from(format!("<sip:sipvoice@{advertised}>")),
            user_agent: config.user_agent.as_deref().map(SipStr::from),
            config,
            now,
            outputs: VecDeque::new(),
            drops: Drops::default(),
            rng,
            timers: TimerQueue::new(),
            txs: Transactions::default(),
            calls: IdMap::default(),
            dialogs: WireMap::default(),
            sockets: IdMap::default(),
            orphans: IdSet::default(),
            session_ids: WireMap::default(),
            merged: WireMap::default(),
            auth,
            next_call: 0,
            shutting_down: false,
        })
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
        if let Some(&(call, true)) = self.sockets.get(&local) {
            self.media_datagram(call, local, remote, data);
        } else if local.port() == self.config.local_sip_addr.port() {
            self.sip_datagram(remote, data);
        } else {
            self.drops.media += 1;
        }
    }

    /// Time has passed: fire every timer due at `now` (a spurious call is harmless).
    pub fn handle_timeout(&mut self, now: Instant) {
        self.advance(now);
        while let Some(key) = self.timers.pop_expired(self.now) {
            match key {
                TimerKey::Tx(id, timer) => {
                    if self.txs.server.contains_key(&id) {
                        self.server_timer(id, timer);
                    } else {
                        self.client_timer(id, timer);
                    }
                }
                TimerKey::Call(call, timer) => self.call_timer(call, timer),
                TimerKey::Nonces => self.reap_nonces(),
            }
        }
    }

    /// The driver's answer to [`SocketRequest::Bind`]: `ok` is false when the bind failed.
    pub fn handle_bind_result(&mut self, now: Instant, addr: SocketAddr, ok: bool) {
        self.advance(now);
        self.bind_result(addr, ok);
    }

    /// The next thing to do; [`Output::Timeout`] when there is nothing until that deadline.
    pub fn poll_output(&mut self) -> Output {
        if let Some(output) = self.outputs.pop_front() {
            return output;
        }
        let deadline = self
            .timers
            .next_deadline()
            .or_else(|| self.now.checked_add(Duration::from_secs(3600)))
            .unwrap_or(self.now);
        Output::Timeout(deadline.max(self.now))
    }

    /// Accepts an incoming call announced by [`Event::IncomingCall`].
    pub fn accept(&mut self, now: Instant, call: CallId) -> Result<(), CommandError> {
        self.advance(now);
        self.decide(call, None)
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
        if !(400..=699).contains(&status) {
            return Err(CommandError::InvalidArgument("status must be 400-699"));
        }
        if reason.contains(['\r', '\n']) {
            return Err(CommandError::InvalidArgument("reason must be one line"));
        }
        self.decide(call, Some((status, reason)))
    }

    /// Hangs up: BYE when established, CANCEL (outbound) or 486/487 (inbound) before.
    pub fn hangup(&mut self, now: Instant, call: CallId) -> Result<(), CommandError> {
        self.advance(now);
        self.hangup_call(call)
    }

    /// Queues 16-bit mono PCM at the call's sample rate; it is sent paced at ptime.
    pub fn send_audio(
        &mut self,
        now: Instant,
        call: CallId,
        pcm: &[i16],
    ) -> Result<(), CommandError> {
        self.advance(now);
        let now = self.now;
        self.with_media(call, |m| m.send_audio(now, pcm))
    }

    /// Drops all queued outbound audio at once (barge-in); returns how much was cut.
    pub fn interrupt(&mut self, now: Instant, call: CallId) -> Result<Duration, CommandError> {
        self.advance(now);
        let now = self.now;
        self.with_media(call, |m| m.interrupt(now))
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
        let now = self.now;
        self.with_media(call, |m| m.send_dtmf(now, digits, duration))?
            .map_err(|_| CommandError::InvalidArgument("DTMF digits must be 0-9, *, #, A-D"))
    }

    /// Puts the peer on hold (re-INVITE with `sendonly`) or resumes it (`sendrecv`).
    pub fn hold(&mut self, now: Instant, call: CallId, on_hold: bool) -> Result<(), CommandError> {
        self.advance(now);
        self.send_reinvite(call, on_hold)
    }

    /// Places an outbound call; progress arrives as events.
    pub fn dial(&mut self, now: Instant, request: DialRequest) -> Result<CallId, CommandError> {
        self.advance(now);
        self.dial_call(request)
    }

    /// Hangs up every call (reason `shutdown`); keep driving until [`Endpoint::counts`] is empty.
    pub fn shutdown(&mut self, now: Instant) {
        self.advance(now);
        self.shutting_down = true;
        let mut ids: Vec<CallId> = self.calls.keys().copied().collect();
        ids.sort_unstable();
        for id in ids {
            self.terminate(id, EndReason::Shutdown);
        }
    }

    fn advance(&mut self, now: Instant) {
        if now > self.now {
            self.now = now;
        }
    }

    /// Queues a datagram from the SIP socket.
    fn transmit(&mut self, to: SocketAddr, data: Bytes) {
        self.outputs.push_back(Output::Transmit(Transmit {
            from: self.config.local_sip_addr,
            to,
            data,
        }));
    }

    /// Queues an event for the application.
    fn emit(&mut self, event: Event) {
        self.outputs.push_back(Output::Event(event));
    }

    /// Arms `key` to fire `after` from now.
    fn arm(&mut self, key: TimerKey, after: Duration) {
        // Absurd configured durations are clamped to a year rather than overflowing.
        let after = after.min(Duration::from_secs(365 * 86_400));
        if let Some(at) = self.now.checked_add(after) {
            self.timers.set(key, at);
        }
    }

    /// Drops expired digest nonces and re-arms for the next expiry.
    fn reap_nonces(&mut self) {
        if let Some(auth) = self.auth.as_mut() {
            auth.reap(self.now);
        }
        self.arm_nonces();
    }

    fn arm_nonces(&mut self) {
        match self.auth.as_ref().and_then(DigestServer::next_deadline) {
            Some(deadline) => {
                let soon = self.now.checked_add(Duration::from_millis(1));
                let at = soon.map_or(deadline, |soon| deadline.max(soon));
                self.timers.set(TimerKey::Nonces, at);
            }
            None => self.timers.cancel(TimerKey::Nonces),
        }
    }
}
