//! The Via header (RFC 3261 §20.42, RFC 3581 rport).

use std::fmt;
use std::net::IpAddr;

use super::error::HeaderError;
use super::headers::Headers;
use super::name::HeaderName;
use super::params::next_header_param;
use super::scan::{Cursor, Params, Span, find_param, is_ws};
use super::text::SipStr;

/// The RFC 3261 branch prefix ("magic cookie").
pub const MAGIC_COOKIE: &str = "z9hG4bK";

/// A Via transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// UDP
    Udp,
    /// TCP
    Tcp,
    /// TLS
    Tls,
    /// SCTP
    Sctp,
    /// WebSocket (RFC 7118)
    Ws,
    /// Secure WebSocket (RFC 7118)
    Wss,
    /// Anything else (read the text with [`Via::transport_str`]).
    Other,
}

impl Transport {
    fn from_str_ci(s: &str) -> Transport {
        match s.to_ascii_uppercase().as_str() {
            "UDP" => Transport::Udp,
            "TCP" => Transport::Tcp,
            "TLS" => Transport::Tls,
            "SCTP" => Transport::Sctp,
            "WS" => Transport::Ws,
            "WSS" => Transport::Wss,
            _ => Transport::Other,
        }
    }

    /// The canonical token (`"UDP"`, ...); `"OTHER"` for [`Transport::Other`].
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
            Transport::Tls => "TLS",
            Transport::Sctp => "SCTP",
            Transport::Ws => "WS",
            Transport::Wss => "WSS",
            Transport::Other => "OTHER",
        }
    }
}

/// The RFC 3581 `rport` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rport {
    /// `rport` without a value: the client asks for it to be filled in.
    Requested,
    /// `rport=N` as filled in by the server.
    Port(u16),
}

/// One Via value: `SIP/2.0/UDP host:port;branch=...;...`.
#[derive(Clone)]
pub struct Via {
    raw: SipStr,
    name: Span,
    version: Span,
    transport: Span,
    host: Span,
    ip: Option<IpAddr>,
    port: Option<u16>,
    params: u32,
    /// The parameters transactions read, found in the pass that checked the list
    /// (`None` for a leniently parsed Via, whose parameters were not checked).
    found: Option<FoundParams>,
}

/// The first `branch`, `received` and `rport` parameters: absent, a flag (`Some(None)`)
/// or a value.
#[derive(Clone, Copy, Default)]
struct FoundParams {
    branch: Option<Option<Span>>,
    received: Option<Option<Span>>,
    rport: Option<Option<Span>>,
}

impl FoundParams {
    /// Checks the parameter list from `pos` and notes the first of each; `None` if the
    /// list is malformed.
    fn scan(b: &[u8], pos: usize) -> Option<FoundParams> {
        let mut found = FoundParams::default();
        let mut c = Cursor::new(b, pos);
        while let Some(((ns, ne), v)) = next_header_param(&mut c)? {
            let slot = match b.get(ns..ne) {
                Some(n) if n.eq_ignore_ascii_case(b"branch") => &mut found.branch,
                Some(n) if n.eq_ignore_ascii_case(b"received") => &mut found.received,
                Some(n) if n.eq_ignore_ascii_case(b"rport") => &mut found.rport,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(v.map(|(vs, ve)| Span::new(vs, ve)));
            }
        }
        Some(found)
    }
}

fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_')
}

impl Via {
    /// Parses one Via value strictly (sent-protocol, sent-by and well-formed parameters).
    pub fn parse(raw: SipStr) -> Result<Via, HeaderError> {
        Self::parse_inner(raw, true)
    }

    /// Parses only the sent-protocol and sent-by, ignoring the parameters (to answer a
    /// request whose Via parameters are broken).
    pub(crate) fn parse_lenient(raw: SipStr) -> Result<Via, HeaderError> {
        Self::parse_inner(raw, false)
    }

    fn parse_inner(raw: SipStr, strict: bool) -> Result<Via, HeaderError> {
        const BAD: HeaderError = HeaderError::Malformed("Via");
        let b = raw.as_bytes();
        let mut c = Cursor::new(b, 0);
        c.skip_ws();
        let name = c.token().ok_or(BAD)?;
        if !c.eat_sep(b'/') {
            return Err(BAD);
        }
        let version = c.token().ok_or(BAD)?;
        if !c.eat_sep(b'/') {
            return Err(BAD);
        }
        let transport = c.token().ok_or(BAD)?;
        if !c.peek().is_some_and(is_ws) {
            return Err(BAD);
        }
        c.skip_ws();
        let (hs, he, ip) = if c.peek() == Some(b'[') {
            let start = c.pos;
            let (s, e) = c.take_while(|x| x != b']');
            if c.peek() != Some(b']') {
                return Err(BAD);
            }
            c.pos += 1;
            let inner = b
                .get(s + 1..e)
                .and_then(|x| std::str::from_utf8(x).ok())
                .ok_or(BAD)?;
            let v6: std::net::Ipv6Addr = inner.parse().map_err(|_| BAD)?;
            (start, c.pos, Some(IpAddr::V6(v6)))
        } else {
            let (s, e) = c.take_while(is_host_byte);
            if e == s {
                return Err(BAD);
            }
            // IPv4 is recognised on access (host_ip), not here.
            let ip = None;
            (s, e, ip)
        };
        let mut port = None;
        if c.eat_sep(b':') {
            let (s, e) = c.take_while(|x| x.is_ascii_digit());
            let v = super::scan::parse_u64(b.get(s..e).unwrap_or(&[])).ok_or(BAD)?;
            port = Some(u16::try_from(v).map_err(|_| BAD)?);
        }
        let params = c.pos;
        let found = if strict {
            Some(FoundParams::scan(b, params).ok_or(BAD)?)
        } else {
            None
        };
        Ok(Via {
            name: Span::new(name.0, name.1),
            version: Span::new(version.0, version.1),
            transport: Span::new(transport.0, transport.1),
            host: Span::new(hs, he),
            ip,
            port,
            params: u32::try_from(params).map_err(|_| BAD)?,
            found,
            raw,
        })
    }

    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The value as received, as a shared string.
    pub(crate) fn as_sip_str(&self) -> &SipStr {
        &self.raw
    }

    /// Where the parameters start in [`as_str`](Self::as_str).
    pub(crate) fn params_offset(&self) -> usize {
        self.params as usize
    }

    /// The protocol name (normally `SIP`).
    pub fn protocol_name(&self) -> &str {
        self.name.of(&self.raw)
    }

    /// The protocol version (normally `2.0`).
    pub fn protocol_version(&self) -> &str {
        self.version.of(&self.raw)
    }

    /// The transport.
    pub fn transport(&self) -> Transport {
        Transport::from_str_ci(self.transport_str())
    }

    /// The transport token as written.
    pub fn transport_str(&self) -> &str {
        self.transport.of(&self.raw)
    }

    /// The sent-by host as written (IPv6 references keep their brackets).
    pub fn host(&self) -> &str {
        self.host.of(&self.raw)
    }

    /// The sent-by host as an IP address, when it is one.
    pub fn host_ip(&self) -> Option<IpAddr> {
        self.ip
            .or_else(|| super::scan::parse_ipv4(self.host().as_bytes()).map(IpAddr::V4))
    }

    /// The sent-by port, if written.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The parameters `(name, value)` in order (values raw, quotes kept).
    pub fn params(&self) -> Params<'_> {
        Params::new(&self.raw, self.params as usize)
    }

    /// A parameter by case-insensitive name: `Some(None)` for a flag.
    pub fn param(&self, name: &str) -> Option<Option<&str>> {
        find_param(self.params(), name)
    }

    /// The `branch` parameter.
    pub fn branch(&self) -> Option<&str> {
        self.known_param(|f| f.branch, "branch")
    }

    /// A parameter the parse noted, else found by a search (lenient parses).
    fn known_param(
        &self,
        pick: impl Fn(&FoundParams) -> Option<Option<Span>>,
        name: &str,
    ) -> Option<&str> {
        match &self.found {
            Some(found) => pick(found).flatten().map(|span| span.of(&self.raw)),
            None => self.param(name).flatten(),
        }
    }

    /// The `branch` parameter as a shared string (a transaction key).
    pub fn branch_shared(&self) -> Option<SipStr> {
        match self.branch_bytes() {
            Some(Ok(span)) => Some(self.raw.slice_ascii(span.start as usize, span.end as usize)),
            Some(Err(())) => self.branch().and_then(|b| self.raw.sub(b)),
            None => None,
        }
    }

    /// The branch as a span of the value when the parse noted it (`Err` when it has to
    /// be searched for: a leniently parsed Via).
    fn branch_bytes(&self) -> Option<Result<Span, ()>> {
        match &self.found {
            Some(found) => found.branch.flatten().map(Ok),
            None => Some(Err(())),
        }
    }

    /// The branch's bytes, without a UTF-8 check (the parse already made one).
    fn branch_raw(&self) -> Option<&[u8]> {
        match self.branch_bytes()? {
            Ok(span) => self
                .raw
                .as_bytes()
                .get(span.start as usize..span.end as usize),
            Err(()) => self.branch().map(str::as_bytes),
        }
    }

    /// The sent-by host as a shared slice of the value (brackets kept for IPv6).
    pub fn host_shared(&self) -> SipStr {
        self.raw
            .slice_ascii(self.host.start as usize, self.host.end as usize)
    }

    /// Whether the branch starts with the RFC 3261 magic cookie `z9hG4bK`.
    pub fn has_magic_cookie(&self) -> bool {
        self.branch_raw()
            .is_some_and(|b| b.starts_with(MAGIC_COOKIE.as_bytes()))
    }

    /// Whether the branch is an RFC 3261 branch: the magic cookie followed by at least one
    /// character (a bare `z9hG4bK` calls for RFC 2543 matching).
    pub fn is_rfc3261_branch(&self) -> bool {
        self.branch_raw()
            .is_some_and(|b| b.len() > MAGIC_COOKIE.len() && b.starts_with(MAGIC_COOKIE.as_bytes()))
    }

    /// The `received` parameter.
    pub fn received(&self) -> Option<&str> {
        self.known_param(|f| f.received, "received")
    }

    /// The `received` parameter as an IP address (brackets allowed for IPv6).
    pub fn received_ip(&self) -> Option<IpAddr> {
        let r = self.received()?;
        if let Some(v4) = super::scan::parse_ipv4(r.as_bytes()) {
            return Some(IpAddr::V4(v4));
        }
        let r = r
            .strip_prefix('[')
            .and_then(|x| x.strip_suffix(']'))
            .unwrap_or(r);
        r.parse().ok()
    }

    /// The `rport` parameter (RFC 3581); `None` if absent or not a port number.
    pub fn rport(&self) -> Option<Rport> {
        let value = match &self.found {
            Some(found) => found.rport?.map(|span| span.of(&self.raw)),
            None => self.param("rport")?,
        };
        match value {
            None => Some(Rport::Requested),
            Some(v) => v.parse().ok().map(Rport::Port),
        }
    }

    /// The `maddr` parameter.
    pub fn maddr(&self) -> Option<&str> {
        self.param("maddr").flatten()
    }

    /// The `ttl` parameter, if it is a number in 0..=255.
    pub fn ttl(&self) -> Option<u8> {
        self.param("ttl").flatten().and_then(|t| t.parse().ok())
    }

    /// `host[:port]` as written.
    pub fn sent_by(&self) -> String {
        match self.port {
            Some(p) => {
                let host = self.host();
                let mut out = String::with_capacity(host.len() + 6);
                out.push_str(host);
                out.push(':');
                super::derive::push_decimal(&mut out, u32::from(p));
                out
            }
            None => self.host().to_owned(),
        }
    }
}

impl fmt::Debug for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Via({:?})", self.as_str())
    }
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Headers {
    /// The topmost Via value.
    pub fn via(&self) -> Result<Via, HeaderError> {
        self.view_via().cloned()
    }

    /// The topmost Via, parsed once and borrowed.
    pub(crate) fn view_via(&self) -> Result<&Via, HeaderError> {
        super::headers::cached(&self.views().via, || {
            let first = self
                .first_element(&HeaderName::VIA)
                .ok_or(HeaderError::Missing("Via"))?;
            Via::parse(first)
        })
    }

    /// Every Via value, top first (lines and comma lists flattened).
    pub fn vias(&self) -> impl Iterator<Item = Result<Via, HeaderError>> + '_ {
        self.elements(&HeaderName::VIA).map(Via::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn via(s: &str) -> Via {
        Via::parse(SipStr::from(s)).expect(s)
    }

    #[test]
    fn plain_via() {
        let v = via("SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK776;rport;received=10.0.0.1");
        assert_eq!(v.transport(), Transport::Udp);
        assert_eq!(v.host(), "192.0.2.1");
        assert_eq!(v.host_ip(), Some("192.0.2.1".parse().unwrap()));
        assert_eq!(v.port(), Some(5070));
        assert_eq!(v.branch(), Some("z9hG4bK776"));
        assert_eq!(v.branch_shared().unwrap(), "z9hG4bK776");
        assert!(v.has_magic_cookie() && v.is_rfc3261_branch());
        assert_eq!(v.rport(), Some(Rport::Requested));
        assert_eq!(v.received(), Some("10.0.0.1"));
    }

    #[test]
    fn spaced_and_ipv6_via() {
        let v = via("SIP  /   2.0 /UDP    192.0.2.2;branch=390skdjuw");
        assert_eq!(v.protocol_version(), "2.0");
        assert!(!v.has_magic_cookie());
        let v =
            via("SIP/2.0/TLS [2001:db8::9]:5061;branch=z9hG4bKx;rport=5062;ttl=3;maddr=224.2.0.1");
        assert_eq!(v.host(), "[2001:db8::9]");
        assert_eq!(v.port(), Some(5061));
        assert_eq!(v.rport(), Some(Rport::Port(5062)));
        assert_eq!(v.ttl(), Some(3));
        assert_eq!(v.maddr(), Some("224.2.0.1"));
        let v = via("SIP/2.0/WSS h.example;branch = z9hG4bK ; received=2001:db8::1");
        assert_eq!(v.transport(), Transport::Wss);
        assert!(v.has_magic_cookie() && !v.is_rfc3261_branch());
        assert_eq!(v.received_ip(), Some("2001:db8::1".parse().unwrap()));
    }

    #[test]
    fn bad_vias() {
        for s in [
            "",
            "SIP/2.0 host",
            "SIP/2.0/UDP",
            "SIP/2.0/UDP host;;",
            "SIP/2.0/UDP host:99999",
            "SIP/2.0/UDP [::1",
            "SIP/2.0/UDP host;branch=",
        ] {
            assert!(Via::parse(SipStr::from(s)).is_err(), "{s}");
        }
        assert!(Via::parse_lenient(SipStr::from("SIP/2.0/UDP 192.0.2.15;;,;,,")).is_ok());
    }
}
