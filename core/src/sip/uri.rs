//! URIs: `sip:`/`sips:` (RFC 3261 §19.1), `tel:` (RFC 3966) and opaque others kept as text.
//!
//! A [`Uri`] is a view over its text: components are byte ranges, read on access.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

use super::scan::{Class, Span, class, skip_alnum8, unescape};
use super::text::SipStr;

/// The scheme of a URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `sip:`
    Sip,
    /// `sips:`
    Sips,
    /// `tel:`
    Tel,
    /// Any other scheme (the URI is kept as opaque text).
    Other,
}

/// Why a URI was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid URI: {0}")]
pub struct UriError(pub &'static str);

/// A parsed URI; prints exactly as received.
#[derive(Clone)]
pub struct Uri {
    raw: SipStr,
    scheme: Scheme,
    scheme_end: u32,
    user: Option<Span>,
    password: Option<Span>,
    host: Span,
    ip: Option<IpAddr>,
    port: Option<u16>,
    params: Span,
    headers: Option<Span>,
}

const fn opaque() -> Class {
    let mut extra = [0u8; 94];
    let mut n = 0;
    let mut c = 0x21u8;
    while c < 0x7f {
        if c != b'<' && c != b'>' && c != b'"' {
            extra[n] = c;
            n += 1;
        }
        c += 1;
    }
    let (used, _) = extra.split_at(n);
    class(true, used)
}

// RFC 3261 §25.1: unreserved = alphanum / mark, mark = - _ . ! ~ * ' ( )
static USER: Class = class(true, b"-_.!~*'()%&=+$,;?/");
static PASSWORD: Class = class(true, b"-_.!~*'()%&=+$,");
static PARAM: Class = class(true, b"-_.!~*'()%[]/:&+$");
static HEADER: Class = class(true, b"-_.!~*'()%[]/?:+$=&");
static HOST: Class = class(true, b"-._");
static OPAQUE: Class = opaque();

/// Scans a run of `class` bytes (with valid `%HH` escapes) from `i`; returns its end,
/// or `None` on a bad escape.
#[inline]
fn run(b: &[u8], i: usize, class: &Class) -> Option<usize> {
    // Every class used here holds letters, digits, `-` and `.` (and none is `%`).
    let mut i = skip_alnum8(b, i);
    while let Some(&c) = b.get(i) {
        if !class.has(c) {
            break;
        }
        if c == b'%' {
            if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            {
                return None;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    Some(i)
}

/// Checks `*( ";" pname [ "=" pvalue ] )` from `i`; returns where it stops (at `?` or the
/// end), or `None` if malformed.
fn scan_uri_params(b: &[u8], mut i: usize) -> Option<usize> {
    while b.get(i) == Some(&b';') {
        let ne = run(b, i + 1, &PARAM)?;
        if ne == i + 1 {
            return None;
        }
        i = ne;
        if b.get(i) == Some(&b'=') {
            let ve = run(b, i + 1, &PARAM)?;
            if ve == i + 1 {
                return None;
            }
            i = ve;
        }
    }
    Some(i)
}

/// Checks a whole `;name[=value]` run of URI parameters.
fn check_uri_params(s: &[u8]) -> bool {
    scan_uri_params(s, 0) == Some(s.len())
}

/// Iterates over URI parameters `(name, value)` as written (escapes kept).
pub struct UriParams<'a> {
    rest: &'a str,
}

impl<'a> Iterator for UriParams<'a> {
    type Item = (&'a str, Option<&'a str>);
    fn next(&mut self) -> Option<Self::Item> {
        let r = self.rest.strip_prefix(';')?;
        let end = r.find(';').unwrap_or(r.len());
        let (p, rest) = r.split_at(end);
        self.rest = rest;
        Some(match p.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (p, None),
        })
    }
}

/// Iterates over URI headers `(name, value)` as written (escapes kept).
pub struct UriHeaders<'a> {
    rest: Option<std::str::Split<'a, char>>,
}

impl<'a> Iterator for UriHeaders<'a> {
    type Item = (&'a str, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        let p = self.rest.as_mut()?.next()?;
        Some(p.split_once('=').unwrap_or((p, "")))
    }
}

impl Uri {
    /// Parses a URI from text (copied).
    pub fn parse(s: &str) -> Result<Uri, UriError> {
        Uri::from_sip_str(SipStr::from(s))
    }

    /// Finds and classifies the scheme: the position of the first colon and the scheme.
    fn scheme_of(b: &[u8]) -> Result<(usize, Scheme), UriError> {
        let colon = b
            .iter()
            .position(|&c| c == b':')
            .ok_or(UriError("no scheme"))?;
        let scheme_txt = &b[..colon];
        let scheme_ok = scheme_txt.first().is_some_and(u8::is_ascii_alphabetic)
            && scheme_txt
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'));
        if !scheme_ok {
            return Err(UriError("bad scheme"));
        }
        let scheme = if scheme_txt.eq_ignore_ascii_case(b"sip") {
            Scheme::Sip
        } else if scheme_txt.eq_ignore_ascii_case(b"sips") {
            Scheme::Sips
        } else if scheme_txt.eq_ignore_ascii_case(b"tel") {
            Scheme::Tel
        } else {
            Scheme::Other
        };
        Ok((colon, scheme))
    }

    /// Parses a URI held in a `SipStr` (no copy).
    pub fn from_sip_str(raw: SipStr) -> Result<Uri, UriError> {
        let b = raw.as_bytes();
        // The common case first: `sip:` (its first colon is the fourth byte).
        let (colon, scheme) = if b.get(..4).is_some_and(|p| p.eq_ignore_ascii_case(b"sip:")) {
            (3, Scheme::Sip)
        } else {
            Self::scheme_of(b)?
        };
        let mut uri = Uri {
            raw: SipStr::default(),
            scheme,
            scheme_end: u32::try_from(colon).map_err(|_| UriError("too long"))?,
            user: None,
            password: None,
            host: Span::default(),
            ip: None,
            port: None,
            params: Span::new(b.len(), b.len()),
            headers: None,
        };
        let body_start = colon + 1;
        let body = &b[body_start..];
        if body.is_empty() {
            return Err(UriError("empty"));
        }
        if !matches!(scheme, Scheme::Sip | Scheme::Sips) && !body.iter().all(|&c| OPAQUE.has(c)) {
            return Err(UriError("forbidden characters"));
        }
        match scheme {
            Scheme::Sip | Scheme::Sips => uri.parse_sip(b, body_start)?,
            Scheme::Tel => {
                let end = body.iter().position(|&c| c == b';').unwrap_or(body.len());
                if end == 0 || !check_uri_params(&body[end..]) {
                    return Err(UriError("bad tel URI"));
                }
                uri.host = Span::new(body_start, body_start + end);
                uri.params = Span::new(body_start + end, b.len());
            }
            Scheme::Other => uri.host = Span::new(body_start, b.len()),
        }
        uri.raw = raw;
        Ok(uri)
    }

    /// Reads `user [":" password] "@"` in one pass when the userinfo is well formed;
    /// returns where the host starts, or `None` to leave the decision to the full path.
    ///
    /// `@` and `:` belong to neither class, so a user run that stops at `@` (or at `:`
    /// followed by a password run that stops at `@`) ends at the first `@` of the body:
    /// exactly the userinfo the full path would check, and it would accept it.
    #[inline]
    fn userinfo_fast(&mut self, b: &[u8], start: usize) -> Option<usize> {
        let ue = run(b, start, &USER)?;
        if ue == start {
            return None;
        }
        match b.get(ue) {
            Some(b'@') => {
                self.user = Some(Span::new(start, ue));
                Some(ue + 1)
            }
            Some(b':') => {
                let pe = run(b, ue + 1, &PASSWORD)?;
                if b.get(pe) != Some(&b'@') {
                    return None;
                }
                self.user = Some(Span::new(start, ue));
                self.password = Some(Span::new(ue + 1, pe));
                Some(pe + 1)
            }
            _ => None,
        }
    }

    fn parse_sip(&mut self, b: &[u8], start: usize) -> Result<(), UriError> {
        let body = &b[start..];
        let mut hp = start;
        if let Some(h) = self.userinfo_fast(b, start) {
            hp = h;
        } else if let Some(at) = super::scan::find_byte(body, 0, b'@') {
            let userinfo = &body[..at];
            let (user, pass) = match userinfo.iter().position(|&c| c == b':') {
                Some(i) => (&userinfo[..i], Some((i, &userinfo[i + 1..]))),
                None => (userinfo, None),
            };
            if user.is_empty() || !USER.all_escaped(user) {
                return Err(UriError("bad user"));
            }
            self.user = Some(Span::new(start, start + user.len()));
            if let Some((i, p)) = pass {
                if !PASSWORD.all_escaped(p) {
                    return Err(UriError("bad password"));
                }
                self.password = Some(Span::new(start + i + 1, start + at));
            }
            hp = start + at + 1;
        }
        let (host_end, after_host) = if b.get(hp) == Some(&b'[') {
            let rest = b.get(hp..).unwrap_or(&[]);
            let close = rest
                .iter()
                .position(|&c| c == b']')
                .ok_or(UriError("unterminated IPv6 reference"))?;
            let inner = rest
                .get(1..close)
                .and_then(|x| std::str::from_utf8(x).ok())
                .ok_or(UriError("bad host"))?;
            let v6: std::net::Ipv6Addr = inner.parse().map_err(|_| UriError("bad IPv6 address"))?;
            self.ip = Some(IpAddr::V6(v6));
            (hp + close + 1, hp + close + 1)
        } else {
            let mut i = skip_alnum8(b, hp);
            while b.get(i).is_some_and(|&c| HOST.has(c)) {
                i += 1;
            }
            if i == hp {
                return Err(UriError("bad host"));
            }
            (i, i)
        };
        self.host = Span::new(hp, host_end);
        let mut i = after_host;
        if b.get(i) == Some(&b':') {
            let ps = i + 1;
            i = ps;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let v =
                super::scan::parse_u64(b.get(ps..i).unwrap_or(&[])).ok_or(UriError("bad port"))?;
            self.port = Some(u16::try_from(v).map_err(|_| UriError("port out of range"))?);
        }
        let pstart = i;
        let pend = scan_uri_params(b, pstart).ok_or(UriError("bad parameter"))?;
        self.params = Span::new(pstart, pend);
        match b.get(pend) {
            None => {}
            Some(b'?') => {
                let h = b.get(pend + 1..).unwrap_or(&[]);
                if h.is_empty() || !HEADER.all_escaped(h) {
                    return Err(UriError("bad headers"));
                }
                self.headers = Some(Span::new(pend + 1, b.len()));
            }
            Some(_) => return Err(UriError("junk after host")),
        }
        Ok(())
    }

    /// The URI text as received.
    pub fn as_str(&self) -> &str {
        self.raw.as_str()
    }

    /// The URI text as a shared string.
    pub fn as_sip_str(&self) -> &SipStr {
        &self.raw
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The scheme as written.
    pub fn scheme_str(&self) -> &str {
        self.raw.get(..self.scheme_end as usize).unwrap_or("")
    }

    /// Whether this is a `sip:` or `sips:` URI.
    pub fn is_sip(&self) -> bool {
        matches!(self.scheme, Scheme::Sip | Scheme::Sips)
    }

    /// The user part exactly as written (escapes kept), for sip/sips URIs.
    pub fn user(&self) -> Option<&str> {
        self.user.map(|s| s.of(&self.raw))
    }

    /// The user part with `%HH` escapes decoded once (may hold any byte, even NUL).
    pub fn user_unescaped(&self) -> Option<Cow<'_, [u8]>> {
        self.user().map(unescape)
    }

    /// The password as written, if any.
    pub fn password(&self) -> Option<&str> {
        self.password.map(|s| s.of(&self.raw))
    }

    /// The host as written (IPv6 references keep their brackets); the number for `tel:`;
    /// everything after the scheme for other schemes.
    pub fn host(&self) -> &str {
        self.host.of(&self.raw)
    }

    /// The host as an IP address, when it is one (IPv4 is recognised on access).
    pub fn host_ip(&self) -> Option<IpAddr> {
        match self.scheme {
            Scheme::Sip | Scheme::Sips => self
                .ip
                .or_else(|| super::scan::parse_ipv4(self.host().as_bytes()).map(IpAddr::V4)),
            _ => None,
        }
    }

    /// The explicit port, if any.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The `tel:` number (RFC 3966), if this is a tel URI.
    pub fn tel_number(&self) -> Option<&str> {
        (self.scheme == Scheme::Tel).then(|| self.host())
    }

    /// URI parameters `(name, value)` as written.
    pub fn params(&self) -> UriParams<'_> {
        UriParams {
            rest: self.params.of(&self.raw),
        }
    }

    /// A URI parameter by case-insensitive name: `Some(None)` for a flag such as `lr`.
    pub fn param(&self, name: &str) -> Option<Option<&str>> {
        self.params()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The `transport` parameter.
    pub fn transport(&self) -> Option<&str> {
        self.param("transport").flatten()
    }

    /// Whether the `lr` (loose routing) parameter is present.
    pub fn is_loose_route(&self) -> bool {
        self.param("lr").is_some()
    }

    /// The `?headers` part as written, if any.
    pub fn headers_str(&self) -> Option<&str> {
        self.headers.map(|s| s.of(&self.raw))
    }

    /// URI headers `(name, value)` as written (escapes kept).
    pub fn headers(&self) -> UriHeaders<'_> {
        UriHeaders {
            rest: self.headers_str().map(|h| h.split('&')),
        }
    }

    /// The URI without its headers part (for a Request-URI built from a Contact).
    pub fn without_headers(&self) -> Uri {
        match self.headers {
            None => self.clone(),
            Some(h) => {
                let end = (h.start as usize).saturating_sub(1);
                let mut u = self.clone();
                u.raw = self.raw.slice_ascii(0, end);
                u.headers = None;
                u
            }
        }
    }
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uri({:?})", self.as_str())
    }
}

impl std::str::FromStr for Uri {
    type Err = UriError;
    fn from_str(s: &str) -> Result<Uri, UriError> {
        Uri::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sip_uri_components() {
        let u = Uri::parse("sips:alice:secret@[2001:db8::1]:5061;transport=tls;lr?subject=hi&x=1")
            .unwrap();
        assert_eq!(u.scheme(), Scheme::Sips);
        assert_eq!(u.user(), Some("alice"));
        assert_eq!(u.password(), Some("secret"));
        assert_eq!(u.host(), "[2001:db8::1]");
        assert_eq!(u.host_ip(), Some("2001:db8::1".parse().unwrap()));
        assert_eq!(u.port(), Some(5061));
        assert_eq!(u.transport(), Some("tls"));
        assert!(u.is_loose_route());
        assert_eq!(
            u.headers().collect::<Vec<_>>(),
            [("subject", "hi"), ("x", "1")]
        );
        assert_eq!(
            u.without_headers().as_str(),
            "sips:alice:secret@[2001:db8::1]:5061;transport=tls;lr"
        );
        let v = Uri::parse("SIP:192.0.2.1").unwrap();
        assert_eq!(v.scheme(), Scheme::Sip);
        assert_eq!(v.user(), None);
        assert_eq!(v.host_ip(), Some("192.0.2.1".parse().unwrap()));
        assert_eq!(v.port(), None);
    }

    #[test]
    fn tel_and_opaque() {
        let t = Uri::parse("tel:+1-201-555-0123;phone-context=example.com").unwrap();
        assert_eq!(t.tel_number(), Some("+1-201-555-0123"));
        assert_eq!(t.param("phone-context"), Some(Some("example.com")));
        assert_eq!(t.host_ip(), None);
        let o = Uri::parse("urn:service:sos").unwrap();
        assert_eq!(o.scheme(), Scheme::Other);
        assert_eq!(o.scheme_str(), "urn");
        assert_eq!(o.user(), None);
    }

    #[test]
    fn userinfo_shapes() {
        // (uri, user, password, host, port)
        for (text, user, pass, host, port) in [
            ("sip:a:b@h", Some("a"), Some("b"), "h", None),
            ("sip:a:@h:5", Some("a"), Some(""), "h", Some(5)),
            ("SIP:a%41@h", Some("a%41"), None, "h", None),
            ("sip:a;b=c@h", Some("a;b=c"), None, "h", None),
            ("sip:h;x=a@b", Some("h;x=a"), None, "b", None),
            ("sip:h.example:5060;lr", None, None, "h.example", Some(5060)),
            ("sip:h?x=y", None, None, "h", None),
            ("sips:u@h", Some("u"), None, "h", None),
            ("sip:h:1@x", Some("h"), Some("1"), "x", None),
        ] {
            let u = Uri::parse(text).unwrap();
            assert_eq!(
                (u.user(), u.password(), u.host(), u.port()),
                (user, pass, host, port),
                "{text:?}"
            );
        }
        for bad in ["sip:a:b:c@h", "sip:a%4@h", "sip:a b@h", "sip:a:%zz@h"] {
            assert!(Uri::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn refused_uris() {
        for bad in [
            "",
            "sip",
            "sip:",
            "<sip:a@b>",
            "sip:a@b c",
            "sip:@host",
            "sip:a@",
            "sip:a@[::1",
            "sip:a@[zz::1]",
            "sip:a@host:",
            "sip:a@host:70000",
            "sip:a@host;",
            "sip:a@host;=x",
            "sip:a@host;x=",
            "sip:a@host?",
            "sip:a%2@host",
            "sip:a@ho st",
            "1sip:a@b",
            "tel:",
            "x:a b",
            "sip:a@host>x",
        ] {
            assert!(Uri::parse(bad).is_err(), "{bad:?}");
        }
    }
}
