//! The builder: every option of the backend with its default, then `start()`.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use sipvoice_core::endpoint::Event;
use sipvoice_core::{AnswerPolicy, Config, Password};

use crate::call::{Call, CallEnd, DtmfReceived};
use crate::callback::{Callback, Callbacks};
use crate::control::Control;
use crate::error::Error;
use crate::server::Server;

/// A raw event hook run inside the driver with direct control over the endpoint.
pub(crate) type EventHook = Box<dyn FnMut(&mut Control<'_>, &Event) + Send + 'static>;

/// Configures and starts a SIP voice endpoint on tokio.
///
/// The defaults are those of the backend this crate replaces: SIP on `0.0.0.0:5060`,
/// RTP ports 10000–20000, G.722 then PCMU then PCMA, DTMF payload type 101,
/// a 32-packet jitter buffer without prefetch, gaps skipped, 30 s RTP inactivity timeout.
pub struct Builder {
    pub(crate) config: Config,
    pub(crate) callbacks: Callbacks,
    pub(crate) hook: Option<EventHook>,
    pub(crate) shutdown_grace: Duration,
    pub(crate) accept_queue: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Builder {
    /// A builder with every option at its default.
    pub fn new() -> Self {
        Self::from_config(Config::default())
    }

    /// A builder starting from a complete core configuration.
    pub fn from_config(config: Config) -> Self {
        Self {
            config,
            callbacks: Callbacks::default(),
            hook: None,
            shutdown_grace: Duration::from_secs(5),
            accept_queue: true,
        }
    }

    /// The configuration as it stands.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Address of the SIP socket (`local_sip_addr`; port 0 picks a free port).
    pub fn local_sip_addr(mut self, addr: SocketAddr) -> Self {
        self.config.local_sip_addr = addr;
        self
    }

    /// IP address the RTP sockets bind to (`local_rtp_ip`).
    pub fn local_rtp_ip(mut self, ip: IpAddr) -> Self {
        self.config.local_rtp_ip = ip;
        self
    }

    /// Address advertised in SDP and Contact (`advertised_ip`).
    pub fn advertised_ip(mut self, ip: Option<IpAddr>) -> Self {
        self.config.advertised_ip = ip;
        self
    }

    /// First RTP port of the range (`rtp_port_start`).
    pub fn rtp_port_start(mut self, port: u16) -> Self {
        self.config.rtp_port_start = port;
        self
    }

    /// Last RTP port of the range (`rtp_port_end`).
    pub fn rtp_port_end(mut self, port: u16) -> Self {
        self.config.rtp_port_end = port;
        self
    }

    /// Accepted payload types in preference order (`supported_codecs`; see [`crate::PT_G722`]).
    pub fn supported_codecs(mut self, codecs: impl Into<Vec<u8>>) -> Self {
        self.config.supported_codecs = codecs.into();
        self
    }

    /// RFC 4733 telephone-event payload type of our offers (`dtmf_payload_type`).
    pub fn dtmf_payload_type(mut self, pt: u8) -> Self {
        self.config.dtmf_payload_type = pt;
        self
    }

    /// `User-Agent` / `Server` header value (`user_agent`).
    pub fn user_agent(mut self, agent: Option<String>) -> Self {
        self.config.user_agent = agent;
        self
    }

    /// SDP session name (`server_name`).
    pub fn server_name(mut self, name: impl Into<String>) -> Self {
        self.config.server_name = name.into();
        self
    }

    /// Jitter buffer capacity in packets (`jitter_capacity`).
    pub fn jitter_capacity(mut self, packets: usize) -> Self {
        self.config.jitter_capacity = packets;
        self
    }

    /// Packets held before playout starts (`jitter_prefetch`).
    pub fn jitter_prefetch(mut self, packets: usize) -> Self {
        self.config.jitter_prefetch = packets;
        self
    }

    /// Skip the sender's silence gaps instead of concealing them (`skip_audio_gaps`).
    pub fn skip_audio_gaps(mut self, skip: bool) -> Self {
        self.config.skip_audio_gaps = skip;
        self
    }

    /// No RTP for this long ends the call with BYE; zero disables (`rtp_inactivity_timeout`).
    pub fn rtp_inactivity_timeout(mut self, timeout: Duration) -> Self {
        self.config.rtp_inactivity_timeout = timeout;
        self
    }

    /// Adds a digest user (`auth_users`); any user turns authentication on.
    pub fn auth_user(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.config
            .auth_users
            .insert(user.into(), Password::new(password));
        self
    }

    /// Replaces the digest user table (`auth_users`: user name → password).
    pub fn auth_users<U, P>(mut self, users: impl IntoIterator<Item = (U, P)>) -> Self
    where
        U: Into<String>,
        P: Into<String>,
    {
        self.config.auth_users = users
            .into_iter()
            .map(|(u, p)| (u.into(), Password::new(p)))
            .collect();
        self
    }

    /// Digest realm (`auth_realm`).
    pub fn auth_realm(mut self, realm: impl Into<String>) -> Self {
        self.config.auth_realm = realm.into();
        self
    }

    /// Maximum simultaneous calls; more get 503 with `Retry-After`.
    pub fn max_sessions(mut self, max: usize) -> Self {
        self.config.max_sessions = max;
        self
    }

    /// An answered call that never receives RTP ends after this long; zero disables.
    pub fn establishment_timeout(mut self, timeout: Duration) -> Self {
        self.config.establishment_timeout = timeout;
        self
    }

    /// Auto-accept every admissible call, or ask (see [`Server::incoming`]).
    pub fn answer_policy(mut self, policy: AnswerPolicy) -> Self {
        self.config.answer_policy = policy;
        self
    }

    /// Time between 180 Ringing and 200 OK for auto-accepted calls.
    pub fn answer_delay(mut self, delay: Duration) -> Self {
        self.config.answer_delay = delay;
        self
    }

    /// Packetisation time of our audio in ms (default 20).
    pub fn ptime_ms(mut self, ms: u32) -> Self {
        self.config.ptime_ms = ms;
        self
    }

    /// Follow the caller's real RTP source once it passes checks (default off).
    pub fn symmetric_rtp(mut self, on: bool) -> Self {
        self.config.symmetric_rtp = on;
        self
    }

    /// Seeds the endpoint's RNG (tests); 0, the default, draws a seed from the OS.
    pub fn rng_seed(mut self, seed: u64) -> Self {
        self.config.rng_seed = seed;
        self
    }

    /// How long [`Server::shutdown`] waits for calls to end before giving up (default 5 s).
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Whether established calls wait in the [`Server::accept`] queue (default true).
    /// Turn it off when callbacks or the [`Builder::on_event`] hook handle every call, so
    /// that no call handle buffers audio nobody reads.
    pub fn accept_queue(mut self, on: bool) -> Self {
        self.accept_queue = on;
        self
    }

    /// Registers a callback for established incoming calls (sync or async closure).
    pub fn on_call<M>(mut self, callback: impl Callback<Call, M>) -> Self {
        self.callbacks.on_call.push(callback.into_boxed());
        self
    }

    /// Registers a callback fired once per call when it ends, whatever the cause.
    pub fn on_call_disconnected<M>(mut self, callback: impl Callback<CallEnd, M>) -> Self {
        self.callbacks.on_disconnect.push(callback.into_boxed());
        self
    }

    /// The same list as [`Builder::on_call_disconnected`] (do not register a function twice).
    pub fn on_client_disconnected<M>(self, callback: impl Callback<CallEnd, M>) -> Self {
        self.on_call_disconnected(callback)
    }

    /// Registers a callback for received DTMF digits.
    pub fn on_dtmf_received<M>(mut self, callback: impl Callback<DtmfReceived, M>) -> Self {
        self.callbacks.on_dtmf.push(callback.into_boxed());
        self
    }

    /// Installs a low-level hook that sees every event inside the driver and may act on
    /// the endpoint at once (echo, logging). It must not block.
    pub fn on_event(mut self, hook: impl FnMut(&mut Control<'_>, &Event) + Send + 'static) -> Self {
        self.hook = Some(Box::new(hook));
        self
    }

    /// Binds the SIP socket and spawns the driver task; requires a tokio runtime.
    pub async fn start(self) -> Result<Server, Error> {
        Server::start(self).await
    }
}
