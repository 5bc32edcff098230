//! Canonical printing: full header names in canonical case, `Name: value` CRLF, the
//! Content-Length of the body always emitted last, deterministic and round-tripping.

use bytes::{BufMut, Bytes, BytesMut};

use super::headers::Headers;
use super::message::{Message, Request, Response};
use super::name::HeaderName;

fn write_headers<B: BufMut>(headers: &Headers, body: &[u8], buf: &mut B) {
    for h in headers {
        if *h.name() == HeaderName::CONTENT_LENGTH {
            continue;
        }
        buf.put_slice(h.name().as_str().as_bytes());
        // Two-byte separators as one store each, not a copy call.
        buf.put_u16(u16::from_be_bytes(*b": "));
        buf.put_slice(h.value().as_bytes());
        buf.put_u16(u16::from_be_bytes(*b"\r\n"));
    }
    buf.put_slice(b"Content-Length: ");
    buf.put_slice(&itoa_buf(body.len() as u64));
    buf.put_slice(b"\r\n\r\n");
    buf.put_slice(body);
}

/// Appends `Name: value` CRLF.
pub(super) fn put_line(buf: &mut BytesMut, name: &HeaderName, value: &[u8]) {
    buf.put_slice(name.as_str().as_bytes());
    buf.put_u16(u16::from_be_bytes(*b": "));
    buf.put_slice(value);
    buf.put_u16(u16::from_be_bytes(*b"\r\n"));
}

/// Appends `n` in decimal.
pub(super) fn put_decimal(buf: &mut BytesMut, n: u32) {
    let (digits, start) = super::derive::decimal_digits(n);
    buf.put_slice(digits.get(start..).unwrap_or_default());
}

fn itoa_buf(mut n: u64) -> smallvec::SmallVec<[u8; 20]> {
    let mut out = smallvec::SmallVec::<[u8; 20]>::new();
    loop {
        out.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    out
}

fn estimate(headers: &Headers, body: &[u8]) -> usize {
    headers
        .iter()
        .map(|h| h.name().as_str().len() + h.value().len() + 4)
        .sum::<usize>()
        + body.len()
        + 64
}

impl Request {
    /// Appends the canonical form to `buf` (a reusable buffer).
    pub fn write_to(&self, buf: &mut BytesMut) {
        buf.reserve(estimate(&self.headers, &self.body) + self.uri.as_sip_str().len());
        self.write_any(buf);
    }

    /// Appends the canonical form to a reusable `Vec`.
    pub fn write_to_vec(&self, buf: &mut Vec<u8>) {
        buf.reserve(estimate(&self.headers, &self.body) + self.uri.as_sip_str().len());
        self.write_any(buf);
    }

    fn write_any<B: BufMut>(&self, buf: &mut B) {
        buf.put_slice(self.method.as_str().as_bytes());
        buf.put_u8(b' ');
        buf.put_slice(self.uri.as_sip_str().as_bytes());
        buf.put_slice(b" SIP/2.0\r\n");
        write_headers(&self.headers, &self.body, buf);
    }

    /// The canonical form as `Bytes`.
    pub fn to_bytes(&self) -> Bytes {
        let mut buf = BytesMut::new();
        self.write_to(&mut buf);
        buf.freeze()
    }
}

impl Response {
    /// Appends the canonical form to `buf` (a reusable buffer).
    pub fn write_to(&self, buf: &mut BytesMut) {
        buf.reserve(estimate(&self.headers, &self.body) + self.reason.len());
        self.write_any(buf);
    }

    /// Appends the canonical form to a reusable `Vec`.
    pub fn write_to_vec(&self, buf: &mut Vec<u8>) {
        buf.reserve(estimate(&self.headers, &self.body) + self.reason.len());
        self.write_any(buf);
    }

    fn write_any<B: BufMut>(&self, buf: &mut B) {
        buf.put_slice(b"SIP/2.0 ");
        buf.put_slice(&itoa_buf(u64::from(self.status.code())));
        buf.put_u8(b' ');
        buf.put_slice(self.reason.as_bytes());
        buf.put_slice(b"\r\n");
        write_headers(&self.headers, &self.body, buf);
    }

    /// The canonical form as `Bytes`.
    pub fn to_bytes(&self) -> Bytes {
        let mut buf = BytesMut::new();
        self.write_to(&mut buf);
        buf.freeze()
    }
}

impl Message {
    /// Appends the canonical form to `buf` (a reusable buffer).
    pub fn write_to(&self, buf: &mut BytesMut) {
        match self {
            Message::Request(r) => r.write_to(buf),
            Message::Response(r) => r.write_to(buf),
        }
    }

    /// Appends the canonical form to a reusable `Vec`.
    pub fn write_to_vec(&self, buf: &mut Vec<u8>) {
        match self {
            Message::Request(r) => r.write_to_vec(buf),
            Message::Response(r) => r.write_to_vec(buf),
        }
    }

    /// The canonical form as `Bytes`.
    pub fn to_bytes(&self) -> Bytes {
        match self {
            Message::Request(r) => r.to_bytes(),
            Message::Response(r) => r.to_bytes(),
        }
    }
}
