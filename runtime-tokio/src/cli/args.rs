//! Command-line options of `sipvoice serve` and `sipvoice call`, and their checks.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use sipvoice_core::{Config, PT_G722, PT_PCMA, PT_PCMU, Password};

/// sipvoice: a SIP voice backend.
#[derive(Debug, Parser)]
#[command(name = "sipvoice", version, about)]
pub struct Cli {
    /// More log output (repeat for more).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Less log output (repeat for less).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub quiet: u8,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Answer calls: echo audio, or play a WAV then echo; record and log events.
    Serve(ServeArgs),
    /// Place one call.
    Call(CallArgs),
}

/// Which driver runs the endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum RuntimeKind {
    /// The async tokio driver.
    #[default]
    Tokio,
    /// The blocking mio driver.
    Mio,
}

/// Options of `sipvoice serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// SIP address to listen on.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:5060")]
    pub sip: SocketAddr,
    /// IP address for RTP sockets (default: the SIP address's IP).
    #[arg(long, value_name = "IP")]
    pub rtp_ip: Option<IpAddr>,
    /// IP address advertised in SDP and Contact.
    #[arg(long, value_name = "IP")]
    pub advertised_ip: Option<IpAddr>,
    /// RTP port range.
    #[arg(long, value_name = "START-END", default_value = "10000-20000", value_parser = parse_port_range)]
    pub rtp_ports: (u16, u16),
    /// Codecs in preference order (g722, pcmu, pcma).
    #[arg(long, value_name = "LIST", default_value = "g722,pcmu,pcma", value_parser = parse_codecs)]
    pub codecs: Codecs,
    /// RFC 4733 telephone-event payload type of our offers.
    #[arg(long, value_name = "N", default_value_t = 101)]
    pub dtmf_pt: u8,
    /// Play this WAV to each caller, then echo.
    #[arg(long, value_name = "FILE.wav")]
    pub play: Option<PathBuf>,
    /// Record each call's inbound audio to DIR/<session_id>.wav.
    #[arg(long, value_name = "DIR")]
    pub record: Option<PathBuf>,
    /// Write one JSON event per line here (`-` = stdout).
    #[arg(long, value_name = "PATH")]
    pub events: Option<String>,
    /// Require digest authentication for this user (repeatable).
    #[arg(long, value_name = "USER:PASS", value_parser = parse_auth)]
    pub auth: Vec<(String, String)>,
    /// Digest realm.
    #[arg(long, value_name = "NAME", default_value = "sipvoice")]
    pub realm: String,
    /// Maximum simultaneous calls (more get 503).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub max_sessions: usize,
    /// Delay between 180 Ringing and 200 OK.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub answer_delay_ms: u64,
    /// Seconds without RTP before the call is hung up (0 = never).
    #[arg(long, value_name = "SECS", default_value_t = 30.0, value_parser = parse_secs)]
    pub inactivity_timeout: f64,
    /// Jitter buffer capacity in packets.
    #[arg(long, value_name = "N", default_value_t = 32)]
    pub jitter_capacity: usize,
    /// Packets held before playout starts.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub jitter_prefetch: usize,
    /// The driver.
    #[arg(long, value_enum, default_value_t = RuntimeKind::Tokio)]
    pub runtime: RuntimeKind,
}

/// Options of `sipvoice call`.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// Whom to call, e.g. `sip:bot@127.0.0.1:5060`.
    #[arg(value_name = "SIP-URI", value_parser = parse_target)]
    pub target: Target,
    /// Our From URI.
    #[arg(long, value_name = "URI")]
    pub from: Option<String>,
    /// Play this WAV once answered.
    #[arg(long, value_name = "FILE.wav")]
    pub play: Option<PathBuf>,
    /// Record the received audio here (16-bit mono at the call's rate).
    #[arg(long, value_name = "FILE.wav")]
    pub record: Option<PathBuf>,
    /// Send these DTMF digits once answered.
    #[arg(long, value_name = "DIGITS")]
    pub dtmf: Option<String>,
    /// Hang up this many seconds after the answer (default: when playback ends, else wait
    /// for the remote BYE).
    #[arg(long, value_name = "SECS", value_parser = parse_secs)]
    pub hangup_after: Option<f64>,
    /// Credentials used when the callee challenges.
    #[arg(long, value_name = "USER:PASS", value_parser = parse_auth)]
    pub auth: Option<(String, String)>,
    /// Write one JSON event per line here (`-` = stdout).
    #[arg(long, value_name = "PATH")]
    pub events: Option<String>,
    /// Our SIP address (port 0 picks a free one).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:0")]
    pub sip: SocketAddr,
    /// Our RTP port range.
    #[arg(long, value_name = "START-END", default_value = "20002-30000", value_parser = parse_port_range)]
    pub rtp_ports: (u16, u16),
}

/// A codec preference list as payload types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Codecs(pub Vec<u8>);

/// Where `sipvoice call` sends its INVITE.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The Request-URI as given.
    pub uri: String,
    /// The host and port to send to.
    pub addr: SocketAddr,
}

/// Parses `START-END` (inclusive, START ≤ END).
pub fn parse_port_range(s: &str) -> Result<(u16, u16), String> {
    let (a, b) = s
        .split_once('-')
        .ok_or_else(|| format!("expected START-END, got {s:?}"))?;
    let start: u16 = a.trim().parse().map_err(|_| format!("bad port {a:?}"))?;
    let end: u16 = b.trim().parse().map_err(|_| format!("bad port {b:?}"))?;
    if start == 0 || end < start {
        return Err(format!("port range {start}-{end} is empty or reversed"));
    }
    Ok((start, end))
}

/// Parses `g722,pcmu,pcma` (any order, case-insensitive, no repeats) into payload types.
pub fn parse_codecs(s: &str) -> Result<Codecs, String> {
    let mut out = Vec::new();
    for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let pt = match name.to_ascii_lowercase().as_str() {
            "g722" | "g.722" => PT_G722,
            "pcmu" | "ulaw" => PT_PCMU,
            "pcma" | "alaw" => PT_PCMA,
            _ => return Err(format!("unknown codec {name:?} (use g722, pcmu, pcma)")),
        };
        if out.contains(&pt) {
            return Err(format!("codec {name:?} given twice"));
        }
        out.push(pt);
    }
    if out.is_empty() {
        return Err("no codec given".into());
    }
    Ok(Codecs(out))
}

/// Parses `USER:PASS` (the password may contain `:`).
pub fn parse_auth(s: &str) -> Result<(String, String), String> {
    match s.split_once(':') {
        Some((user, pass)) if !user.is_empty() => Ok((user.to_owned(), pass.to_owned())),
        _ => Err("expected USER:PASS".into()),
    }
}

/// Parses a non-negative, finite number of seconds.
pub fn parse_secs(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if (0.0..1e9).contains(&v) => Ok(v),
        _ => Err(format!("expected a number of seconds, got {s:?}")),
    }
}

/// Parses `sip:[user@]IP[:PORT][;params]` with an IP literal host (no DNS); port 5060
/// when absent.
pub fn parse_target(s: &str) -> Result<Target, String> {
    let rest = s
        .strip_prefix("sip:")
        .ok_or_else(|| format!("{s:?} is not a sip: URI"))?;
    let hostport = rest.split([';', '?']).next().unwrap_or_default();
    let hostport = hostport.rsplit_once('@').map_or(hostport, |(_, h)| h);
    let addr = if let Some(v6) = hostport.strip_prefix('[') {
        let (ip, port) = v6
            .split_once(']')
            .ok_or_else(|| format!("bad IPv6 reference in {s:?}"))?;
        let ip: IpAddr = ip.parse().map_err(|_| format!("bad IP in {s:?}"))?;
        let port = match port.strip_prefix(':') {
            Some(p) => p.parse().map_err(|_| format!("bad port in {s:?}"))?,
            None if port.is_empty() => 5060,
            None => return Err(format!("bad host in {s:?}")),
        };
        SocketAddr::new(ip, port)
    } else {
        let (host, port) = match hostport.split_once(':') {
            Some((h, p)) => (h, p.parse().map_err(|_| format!("bad port in {s:?}"))?),
            None => (hostport, 5060),
        };
        let ip: IpAddr = match host {
            "localhost" => IpAddr::from([127, 0, 0, 1]),
            h => h
                .parse()
                .map_err(|_| format!("host {h:?} in {s:?} must be an IP address"))?,
        };
        SocketAddr::new(ip, port)
    };
    if addr.port() == 0 {
        return Err(format!("port 0 in {s:?}"));
    }
    Ok(Target {
        uri: s.to_owned(),
        addr,
    })
}

impl ServeArgs {
    /// The endpoint configuration these options describe (validated later by the core).
    pub fn config(&self) -> Config {
        let mut config = Config {
            local_sip_addr: self.sip,
            local_rtp_ip: self.rtp_ip.unwrap_or(self.sip.ip()),
            advertised_ip: self.advertised_ip,
            rtp_port_start: self.rtp_ports.0,
            rtp_port_end: self.rtp_ports.1,
            supported_codecs: self.codecs.0.clone(),
            dtmf_payload_type: self.dtmf_pt,
            user_agent: Some(concat!("sipvoice/", env!("CARGO_PKG_VERSION")).to_owned()),
            jitter_capacity: self.jitter_capacity,
            jitter_prefetch: self.jitter_prefetch,
            rtp_inactivity_timeout: Duration::from_secs_f64(self.inactivity_timeout),
            auth_realm: self.realm.clone(),
            max_sessions: self.max_sessions,
            answer_delay: Duration::from_millis(self.answer_delay_ms),
            ..Config::default()
        };
        for (user, pass) in &self.auth {
            config
                .auth_users
                .insert(user.clone(), Password::new(pass.clone()));
        }
        config
    }
}

impl CallArgs {
    /// The configuration of the calling endpoint.
    pub fn config(&self) -> Config {
        Config {
            local_sip_addr: self.sip,
            local_rtp_ip: self.sip.ip(),
            rtp_port_start: self.rtp_ports.0,
            rtp_port_end: self.rtp_ports.1,
            user_agent: Some(concat!("sipvoice/", env!("CARGO_PKG_VERSION")).to_owned()),
            ..Config::default()
        }
    }
}
