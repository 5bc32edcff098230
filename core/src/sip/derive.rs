//! Messages derived from others: CANCEL and the ACK for a non-2xx final response
//! (RFC 3261 §9.1, §17.1.1.3), and the server-side `received`/`rport` stamp on the top
//! Via (RFC 3261 §18.2.1, RFC 3581 §4).

use std::net::{IpAddr, SocketAddr};

use bytes::Bytes;

use super::error::BuildError;
use super::headers::Headers;
use super::message::{Request, Response};
use super::method::Method;
use super::name::HeaderName;
use super::params::next_header_param;
use super::scan::{Cursor, ListSplit};
use super::text::SipStr;
use super::via::Rport;

impl Request {
    /// The CANCEL for this (INVITE) request: same Request-URI, top Via only, From, To,
    /// Call-ID, the CSeq number with method CANCEL, Route copied, Max-Forwards 70.
    pub fn cancel(&self) -> Result<Request, BuildError> {
        let cseq = self.cseq().map_err(|_| BuildError::Missing("CSeq"))?;
        let via = self
            .headers
            .first_element(&HeaderName::VIA)
            .ok_or(BuildError::Missing("Via"))?;
        let mut h = Headers::new();
        h.push_parsed(HeaderName::VIA, via);
        h.push(HeaderName::MAX_FORWARDS, SipStr::from_static("70"))?;
        for name in [HeaderName::FROM, HeaderName::TO, HeaderName::CALL_ID] {
            let v = self
                .headers
                .get(&name)
                .ok_or(BuildError::Missing("dialog header"))?;
            h.push_parsed(name, v.clone());
        }
        h.push(HeaderName::CSEQ, format!("{} CANCEL", cseq.seq))?;
        h.copy_from(&self.headers, &HeaderName::ROUTE);
        Ok(Request {
            method: Method::Cancel,
            uri: self.uri.clone(),
            headers: h,
            body: Bytes::new(),
        })
    }

    /// The ACK for a non-2xx final `response` to this INVITE (sent by the client
    /// transaction): same Request-URI and top Via, From and Call-ID of the request, To of
    /// the response (with its tag), the CSeq number with method ACK, Route copied.
    pub fn ack_for(&self, response: &Response) -> Result<Request, BuildError> {
        let mut ack = self.cancel()?;
        ack.method = Method::Ack;
        let to = response
            .headers
            .get(&HeaderName::TO)
            .ok_or(BuildError::Missing("To"))?;
        ack.headers.replace(HeaderName::TO, to.clone())?;
        let seq = self.cseq().map_err(|_| BuildError::Missing("CSeq"))?.seq;
        ack.headers
            .replace(HeaderName::CSEQ, format!("{seq} ACK"))?;
        Ok(ack)
    }

    /// Stamps the top Via with the packet's source (server side): `received=<ip>` when
    /// the sent-by host differs from the source address or `rport` was requested, and
    /// `rport=<port>` when the client asked for it (RFC 3581). Returns whether it changed.
    pub fn stamp_received(&mut self, source: SocketAddr) -> bool {
        let Ok(via) = self.headers.view_via() else {
            return false;
        };
        let rport = via.rport() == Some(Rport::Requested);
        let same_host = via.host_ip() == Some(source.ip());
        if same_host && !rport {
            return false;
        }
        let raw = via.as_sip_str().as_bytes();
        let mut value = Vec::with_capacity(raw.len() + 48);
        value.extend_from_slice(raw.get(..via.params_offset()).unwrap_or(raw));
        // The parameters were checked when the Via was parsed: walk their byte ranges.
        let mut c = Cursor::new(raw, via.params_offset());
        while let Some(Some(((ns, ne), v))) = next_header_param(&mut c) {
            let name = raw.get(ns..ne).unwrap_or_default();
            if name.eq_ignore_ascii_case(b"received") {
                continue;
            }
            value.push(b';');
            value.extend_from_slice(name);
            if name.eq_ignore_ascii_case(b"rport") && v.is_none() {
                value.push(b'=');
                push_decimal_bytes(&mut value, u32::from(source.port()));
                continue;
            }
            if let Some((vs, ve)) = v {
                value.push(b'=');
                value.extend_from_slice(raw.get(vs..ve).unwrap_or_default());
            }
        }
        value.extend_from_slice(b";received=");
        match source.ip() {
            IpAddr::V4(v4) => push_ipv4(&mut value, v4),
            IpAddr::V6(v6) => value.extend_from_slice(v6.to_string().as_bytes()),
        }
        self.replace_top_via(value)
    }

    /// Replaces the first Via value (the first element of the first Via line).
    fn replace_top_via(&mut self, mut value: Vec<u8>) -> bool {
        let Some(line) = self.headers.get(&HeaderName::VIA) else {
            return false;
        };
        if !ListSplit::is_single(line.as_bytes()) {
            let line = line.clone();
            for (s, e) in ListSplit::new(line.as_bytes()).skip(1) {
                value.extend_from_slice(b", ");
                value.extend_from_slice(line.as_bytes().get(s..e).unwrap_or_default());
            }
        }
        // Pieces of UTF-8 text joined by ASCII: still UTF-8.
        let value = SipStr::from_checked(Bytes::from(value));
        self.headers.replace_first(&HeaderName::VIA, value)
    }
}

/// The decimal digits of `n` (in `buf[start..]`), without going through `fmt`.
pub(super) fn decimal_digits(mut n: u32) -> ([u8; 10], usize) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return (digits, i);
        }
    }
}

/// Appends a dotted quad, gathered on the stack and copied once.
fn push_ipv4(out: &mut Vec<u8>, ip: std::net::Ipv4Addr) {
    let mut text = [0u8; 15];
    let mut len = 0;
    for (i, octet) in ip.octets().into_iter().enumerate() {
        let (digits, start) = decimal_digits(u32::from(octet));
        let dot: &[u8] = if i > 0 { b"." } else { b"" };
        for &c in dot.iter().chain(digits.get(start..).unwrap_or_default()) {
            if let Some(slot) = text.get_mut(len) {
                *slot = c;
                len += 1;
            }
        }
    }
    out.extend_from_slice(text.get(..len).unwrap_or_default());
}

/// Appends `n` in decimal to bytes.
fn push_decimal_bytes(out: &mut Vec<u8>, n: u32) {
    let (digits, start) = decimal_digits(n);
    out.extend_from_slice(digits.get(start..).unwrap_or_default());
}

/// Appends `n` in decimal without going through `fmt`.
pub(crate) fn push_decimal(out: &mut String, n: u32) {
    let (digits, start) = decimal_digits(n);
    for &d in digits.get(start..).unwrap_or_default() {
        out.push(char::from(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::{Message, StatusCode, parse};

    #[test]
    fn dotted_quads_print_like_display() {
        for ip in [
            "0.0.0.0",
            "127.0.0.1",
            "255.255.255.255",
            "10.200.3.45",
            "192.168.100.9",
        ] {
            let ip: std::net::Ipv4Addr = ip.parse().unwrap();
            let mut out = b"x=".to_vec();
            push_ipv4(&mut out, ip);
            assert_eq!(out, format!("x={ip}").into_bytes());
        }
    }

    fn invite() -> Request {
        let text = "INVITE sip:bob@b.example SIP/2.0\r\n\
Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa;rport, SIP/2.0/UDP proxy;branch=z9hG4bKb\r\n\
Route: <sip:edge;lr>\r\nFrom: <sip:a@a.example>;tag=1\r\nTo: <sip:bob@b.example>\r\n\
Call-ID: c1\r\nCSeq: 7 INVITE\r\nMax-Forwards: 70\r\nl: 0\r\n\r\n";
        match parse(Bytes::from(text)).unwrap() {
            Message::Request(r) => r,
            Message::Response(_) => unreachable!(),
        }
    }

    #[test]
    fn cancel_and_ack() {
        let inv = invite();
        let c = inv.cancel().unwrap();
        c.validate().unwrap();
        assert_eq!(c.method(), &Method::Cancel);
        assert_eq!(c.headers().vias().count(), 1);
        assert_eq!(c.via().unwrap().branch(), Some("z9hG4bKa"));
        assert_eq!(c.cseq().unwrap().seq, 7);
        assert_eq!(c.headers().routes().count(), 1);
        let mut busy = Response::from_request_default(&inv, StatusCode::BUSY_HERE);
        busy.set_to_tag("t9").unwrap();
        let ack = inv.ack_for(&busy).unwrap();
        ack.validate().unwrap();
        assert_eq!(ack.method(), &Method::Ack);
        assert_eq!(ack.to().unwrap().tag(), Some("t9"));
        assert_eq!(ack.uri().as_str(), "sip:bob@b.example");
    }

    #[test]
    fn received_and_rport() {
        let mut inv = invite();
        assert!(inv.stamp_received("192.0.2.7:40000".parse().unwrap()));
        let vias: Vec<_> = inv.headers().vias().map(|v| v.unwrap()).collect();
        assert_eq!(vias.len(), 2);
        assert_eq!(vias[0].received(), Some("192.0.2.7"));
        assert_eq!(vias[0].rport(), Some(Rport::Port(40000)));
        assert_eq!(vias[0].branch(), Some("z9hG4bKa"));
        assert_eq!(vias[1].host(), "proxy");
        inv.validate().unwrap();
        // Same host and no rport: nothing to add.
        let mut r = invite();
        r.headers_mut()
            .replace(HeaderName::VIA, "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKz")
            .unwrap();
        assert!(!r.stamp_received("10.0.0.1:5060".parse().unwrap()));
        assert!(r.stamp_received("[2001:db8::1]:5060".parse().unwrap()));
        assert_eq!(
            r.via().unwrap().received_ip(),
            Some("2001:db8::1".parse().unwrap())
        );
    }
}
