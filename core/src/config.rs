//! Endpoint configuration: every option of the backend with its default, validated once.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

/// Static payload type of G.722.
pub const PT_G722: u8 = 9;
/// Static payload type of G.711 µ-law.
pub const PT_PCMU: u8 = 0;
/// Static payload type of G.711 A-law.
pub const PT_PCMA: u8 = 8;

/// How incoming calls are admitted once authentication and capacity allow them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AnswerPolicy {
    /// Answer every admissible call (after `answer_delay`, if any).
    #[default]
    AutoAccept,
    /// Emit an incoming-call event and wait for the application to accept or reject.
    Ask,
}

/// A password that never shows in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Wraps a password.
    pub fn new(password: impl Into<String>) -> Self {
        Self(password.into())
    }

    /// The password itself (only the digest code should call this).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Every option of an endpoint. `Config::default()` gives the documented defaults.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address of the SIP socket (default `0.0.0.0:5060`).
    pub local_sip_addr: SocketAddr,
    /// IP address the RTP sockets bind to (default `0.0.0.0`).
    pub local_rtp_ip: IpAddr,
    /// Address written into SDP and Contact; `None` uses the local address.
    pub advertised_ip: Option<IpAddr>,
    /// First RTP port of the range (even, inclusive; default 10000).
    pub rtp_port_start: u16,
    /// Last RTP port of the range (inclusive; default 20000).
    pub rtp_port_end: u16,
    /// Payload types we accept, in preference order (default G.722, PCMU, PCMA).
    pub supported_codecs: Vec<u8>,
    /// RFC 4733 telephone-event payload type used in our offers (default 101).
    pub dtmf_payload_type: u8,
    /// Packetisation time in ms for our audio (default 20).
    pub ptime_ms: u32,
    /// `User-Agent` / `Server` header value; `None` sends none.
    pub user_agent: Option<String>,
    /// SDP session name (`s=`; default `-`).
    pub server_name: String,
    /// Jitter buffer capacity in packets (default 32, about 640 ms at 20 ms).
    pub jitter_capacity: usize,
    /// Packets to accumulate before playout starts (default 0: start at once).
    pub jitter_prefetch: usize,
    /// Skip timestamp gaps left by the sender's silence instead of concealing them (default true).
    pub skip_audio_gaps: bool,
    /// No RTP for this long ends the call with BYE (default 30 s; zero disables).
    pub rtp_inactivity_timeout: Duration,
    /// An answered call that never receives RTP ends after this long (default 30 s; zero disables).
    pub establishment_timeout: Duration,
    /// Follow the real source address of the caller's RTP once it passes checks (default false).
    pub symmetric_rtp: bool,
    /// Digest users (user name → password); empty disables authentication.
    pub auth_users: BTreeMap<String, Password>,
    /// Digest realm (default `sipvoice`).
    pub auth_realm: String,
    /// How long a digest nonce stays fresh (default 300 s).
    pub nonce_lifetime: Duration,
    /// RFC 3261 T1, the round-trip estimate (default 500 ms).
    pub t1: Duration,
    /// RFC 3261 T2, the maximum retransmission interval (default 4 s).
    pub t2: Duration,
    /// RFC 3261 T4, the maximum time a message stays in the network (default 5 s).
    pub t4: Duration,
    /// Maximum simultaneous calls; more get 503 with `Retry-After` (default 1000).
    pub max_sessions: usize,
    /// `Retry-After` seconds sent with 503 (default 5).
    pub retry_after_secs: u32,
    /// Whether calls are auto-accepted or decided by the application.
    pub answer_policy: AnswerPolicy,
    /// Time between 180 Ringing and the 200 OK of an auto-accepted call (default zero).
    pub answer_delay: Duration,
    /// Seed of the endpoint's RNG (tags, branches, SSRCs, nonces, ...).
    pub rng_seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            local_sip_addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 5060),
            local_rtp_ip: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            advertised_ip: None,
            rtp_port_start: 10000,
            rtp_port_end: 20000,
            supported_codecs: vec![PT_G722, PT_PCMU, PT_PCMA],
            dtmf_payload_type: 101,
            ptime_ms: 20,
            user_agent: None,
            server_name: "-".to_owned(),
            jitter_capacity: 32,
            jitter_prefetch: 0,
            skip_audio_gaps: true,
            rtp_inactivity_timeout: Duration::from_secs(30),
            establishment_timeout: Duration::from_secs(30),
            symmetric_rtp: false,
            auth_users: BTreeMap::new(),
            auth_realm: "sipvoice".to_owned(),
            nonce_lifetime: Duration::from_secs(300),
            t1: Duration::from_millis(500),
            t2: Duration::from_secs(4),
            t4: Duration::from_secs(5),
            max_sessions: 1000,
            retry_after_secs: 5,
            answer_policy: AnswerPolicy::AutoAccept,
            answer_delay: Duration::ZERO,
            rng_seed: 0,
        }
    }
}

/// Why a configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The RTP port range is empty, reversed, or has no even port with room for RTCP.
    #[error("RTP port range {start}-{end} holds no even port pair")]
    PortRange {
        /// First port.
        start: u16,
        /// Last port.
        end: u16,
    },
    /// A codec outside G.722 (9), PCMU (0) and PCMA (8), or a repeated one.
    #[error("unsupported or repeated codec payload type {0}")]
    Codec(u8),
    /// No codec left to offer.
    #[error("supported_codecs is empty")]
    NoCodecs,
    /// The DTMF payload type is not a dynamic type (96-127).
    #[error("DTMF payload type {0} is not in the dynamic range 96-127")]
    DtmfPayloadType(u8),
    /// ptime outside 10-60 ms or not a multiple of 10 ms.
    #[error("ptime {0} ms is not one of 10, 20, 30, 40, 50, 60")]
    Ptime(u32),
    /// The jitter buffer cannot hold its own prefetch, or holds nothing.
    #[error("jitter capacity {capacity} must be at least 1 and above the prefetch {prefetch}")]
    Jitter {
        /// Capacity in packets.
        capacity: usize,
        /// Prefetch in packets.
        prefetch: usize,
    },
    /// A timer value that breaks RFC 3261 (T1 zero, T2 below T1, T4 zero).
    #[error("invalid SIP timers: T1 must be > 0, T2 >= T1, T4 > 0")]
    Timers,
    /// `max_sessions` of zero would refuse every call.
    #[error("max_sessions must be at least 1")]
    MaxSessions,
    /// A multicast or broadcast address where a unicast one is needed.
    #[error("{0} is not a usable unicast address")]
    Address(IpAddr),
    /// An empty user name or realm, or one with characters a header cannot carry.
    #[error("invalid digest user or realm {0:?}")]
    Auth(String),
}

impl Config {
    /// Checks every option; a bad config is refused before the endpoint exists.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let (start, end) = (self.rtp_port_start, self.rtp_port_end);
        let first_even = start.saturating_add(start % 2);
        if start == 0 || end < start || first_even >= end {
            return Err(ConfigError::PortRange { start, end });
        }
        if self.supported_codecs.is_empty() {
            return Err(ConfigError::NoCodecs);
        }
        for (index, pt) in self.supported_codecs.iter().enumerate() {
            let known = matches!(*pt, PT_G722 | PT_PCMU | PT_PCMA);
            if !known || self.supported_codecs[..index].contains(pt) {
                return Err(ConfigError::Codec(*pt));
            }
        }
        if !(96..=127).contains(&self.dtmf_payload_type) {
            return Err(ConfigError::DtmfPayloadType(self.dtmf_payload_type));
        }
        if !(10..=60).contains(&self.ptime_ms) || self.ptime_ms % 10 != 0 {
            return Err(ConfigError::Ptime(self.ptime_ms));
        }
        if self.jitter_capacity == 0 || self.jitter_prefetch >= self.jitter_capacity {
            return Err(ConfigError::Jitter {
                capacity: self.jitter_capacity,
                prefetch: self.jitter_prefetch,
            });
        }
        if self.t1.is_zero() || self.t2 < self.t1 || self.t4.is_zero() {
            return Err(ConfigError::Timers);
        }
        if self.max_sessions == 0 {
            return Err(ConfigError::MaxSessions);
        }
        for ip in [
            Some(self.local_sip_addr.ip()),
            Some(self.local_rtp_ip),
            self.advertised_ip,
        ]
        .into_iter()
        .flatten()
        {
            if ip.is_multicast() || ip == IpAddr::V4(Ipv4Addr::BROADCAST) {
                return Err(ConfigError::Address(ip));
            }
        }
        if let Some(ip) = self.advertised_ip {
            if ip.is_unspecified() {
                return Err(ConfigError::Address(ip));
            }
        }
        let header_safe =
            |s: &str| !s.is_empty() && s.chars().all(|c| !c.is_control() && c != '"' && c != '\\');
        if !header_safe(&self.auth_realm) {
            return Err(ConfigError::Auth(self.auth_realm.clone()));
        }
        if let Some(user) = self.auth_users.keys().find(|user| !header_safe(user)) {
            return Err(ConfigError::Auth(user.clone()));
        }
        Ok(())
    }

    /// The address we advertise in SDP and Contact: `advertised_ip`, else the RTP or SIP
    /// address when it is specific, else the IPv4 loopback.
    pub fn advertised_address(&self) -> IpAddr {
        if let Some(ip) = self.advertised_ip {
            return ip;
        }
        if !self.local_rtp_ip.is_unspecified() {
            return self.local_rtp_ip;
        }
        if !self.local_sip_addr.ip().is_unspecified() {
            return self.local_sip_addr.ip();
        }
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    }

    /// Whether digest authentication is required for incoming calls.
    pub fn auth_enabled(&self) -> bool {
        !self.auth_users.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_match_the_documented_values() {
        let config = Config::default();
        assert_eq!(config.validate(), Ok(()));
        assert_eq!(config.local_sip_addr.port(), 5060);
        assert_eq!((config.rtp_port_start, config.rtp_port_end), (10000, 20000));
        assert_eq!(config.supported_codecs, vec![9, 0, 8]);
        assert_eq!(config.dtmf_payload_type, 101);
        assert_eq!(config.jitter_capacity, 32);
        assert_eq!(config.jitter_prefetch, 0);
        assert!(config.skip_audio_gaps);
        assert_eq!(config.rtp_inactivity_timeout, Duration::from_secs(30));
        assert_eq!(config.server_name, "-");
    }

    #[test]
    fn reversed_or_tiny_port_ranges_are_refused() {
        let mut config = Config {
            rtp_port_start: 20000,
            rtp_port_end: 10000,
            ..Config::default()
        };
        assert!(matches!(
            config.validate(),
            Err(ConfigError::PortRange { .. })
        ));
        config.rtp_port_start = 10001;
        config.rtp_port_end = 10002;
        assert!(matches!(
            config.validate(),
            Err(ConfigError::PortRange { .. })
        ));
        config.rtp_port_end = 10003;
        assert_eq!(config.validate(), Ok(()));
    }

    #[test]
    fn unknown_and_repeated_codecs_are_refused() {
        let mut config = Config {
            supported_codecs: vec![9, 18],
            ..Config::default()
        };
        assert_eq!(config.validate(), Err(ConfigError::Codec(18)));
        config.supported_codecs = vec![0, 0];
        assert_eq!(config.validate(), Err(ConfigError::Codec(0)));
        config.supported_codecs.clear();
        assert_eq!(config.validate(), Err(ConfigError::NoCodecs));
    }

    #[test]
    fn static_dtmf_payload_type_is_refused() {
        let config = Config {
            dtmf_payload_type: 8,
            ..Config::default()
        };
        assert_eq!(config.validate(), Err(ConfigError::DtmfPayloadType(8)));
    }

    #[test]
    fn timers_must_respect_rfc3261() {
        let config = Config {
            t2: Duration::from_millis(100),
            ..Config::default()
        };
        assert_eq!(config.validate(), Err(ConfigError::Timers));
    }

    #[test]
    fn prefetch_must_fit_in_the_jitter_buffer() {
        let config = Config {
            jitter_capacity: 4,
            jitter_prefetch: 4,
            ..Config::default()
        };
        assert!(matches!(config.validate(), Err(ConfigError::Jitter { .. })));
    }

    #[test]
    fn multicast_advertised_address_is_refused() {
        let ip: IpAddr = "239.1.1.1"
            .parse()
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        let config = Config {
            advertised_ip: Some(ip),
            ..Config::default()
        };
        assert_eq!(config.validate(), Err(ConfigError::Address(ip)));
    }

    #[test]
    fn advertised_address_prefers_the_explicit_one() {
        let mut config = Config::default();
        assert_eq!(config.advertised_address(), IpAddr::V4(Ipv4Addr::LOCALHOST));
        config.local_rtp_ip = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
        assert_eq!(config.advertised_address(), config.local_rtp_ip);
        config.advertised_ip = Some(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 3)));
        assert_eq!(
            config.advertised_address(),
            IpAddr::V4(Ipv4Addr::new(127, 0, 0, 3))
        );
    }

    #[test]
    fn passwords_never_show_in_debug() {
        let mut config = Config::default();
        config
            .auth_users
            .insert("alice".into(), Password::new("s3cret-value"));
        let shown = format!("{config:?}");
        assert!(shown.contains("alice"));
        assert!(!shown.contains("s3cret-value"));
    }

    #[test]
    fn quotes_in_realm_are_refused() {
        let config = Config {
            auth_realm: "a\"b".into(),
            ..Config::default()
        };
        assert!(matches!(config.validate(), Err(ConfigError::Auth(_))));
    }
}
