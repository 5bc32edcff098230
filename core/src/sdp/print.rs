//! The printer: canonical line order (RFC 4566 §5), CRLF, deterministic.
//!
//! Session: `v o s i u e p c b t r z k a`, then per media section `m i c b k a`.
//! Attributes keep their order; `t=0 0` is written when the description has no timing.
//! Everything is written as bytes into a `Sink`; the `Display` impls print through the
//! same code.

use super::attribute::Attribute;
use super::model::{Common, Connection, MediaDescription, SessionDescription};
use super::sink::{ArraySink, Sink};
use super::text::Text;
use bytes::Bytes;
use std::fmt;

/// Printed descriptions up to this length are built on the stack (an audio offer with a
/// few codecs takes about 300 bytes).
const SMALL_DESCRIPTION: usize = 1024;

impl SessionDescription {
    /// Appends the canonical text to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        description(out, self);
    }

    /// The canonical text as a buffer, ready to be a SIP body.
    pub fn to_bytes(&self) -> Bytes {
        // Typical descriptions fit on the stack and are copied once into a buffer of their
        // exact size; larger ones are printed into a growing buffer.
        let mut small = ArraySink::<SMALL_DESCRIPTION>::new();
        description(&mut small, self);
        if let Some(text) = small.written() {
            return Bytes::copy_from_slice(text);
        }
        let mut out = Vec::with_capacity(self.printed_len_hint());
        description(&mut out, self);
        Bytes::from(out)
    }

    /// A generous estimate of the printed length, so that printing allocates once for
    /// typical descriptions (a longer one grows the buffer).
    fn printed_len_hint(&self) -> usize {
        let lines: usize = self
            .media
            .iter()
            .map(|m| 1 + m.common.attributes.len() + m.connections.len())
            .sum();
        160 + 40 * (lines + self.common.attributes.len())
    }
}

/// Prints through a byte buffer into a formatter (the buffer is always UTF-8).
fn display(f: &mut fmt::Formatter<'_>, print: impl FnOnce(&mut Vec<u8>)) -> fmt::Result {
    let mut buf = Vec::new();
    print(&mut buf);
    f.write_str(std::str::from_utf8(&buf).map_err(|_| fmt::Error)?)
}

/// `<prefix><value>\r\n`.
fn line<S: Sink>(out: &mut S, prefix: &[u8], value: &Text) {
    out.put(prefix);
    out.put_text(value);
    out.put(b"\r\n");
}

fn connection<S: Sink>(out: &mut S, c: &Connection) {
    out.put(b"c=");
    out.put_text(&c.nettype);
    out.put(b" ");
    out.put_text(&c.addrtype);
    out.put(b" ");
    out.put_text(&c.address);
    out.put(b"\r\n");
}

fn common_head<S: Sink>(out: &mut S, c: &Common) {
    if let Some(i) = &c.info {
        line(out, b"i=", i);
    }
}

fn common_tail<S: Sink>(out: &mut S, c: &Common) {
    if let Some(k) = &c.key {
        line(out, b"k=", k);
    }
    for a in &c.attributes {
        out.put(b"a=");
        attribute(out, a);
        out.put(b"\r\n");
    }
}

fn bandwidths<S: Sink>(out: &mut S, c: &Common) {
    for b in &c.bandwidths {
        line(out, b"b=", b);
    }
}

/// An attribute without the `a=` prefix and line ending.
fn attribute<S: Sink>(out: &mut S, a: &Attribute) {
    match a {
        Attribute::RtpMap(m) => {
            out.put(b"rtpmap:");
            out.put_decimal(u64::from(m.payload_type));
            out.put(b" ");
            out.put_text(&m.encoding);
            out.put(b"/");
            out.put_decimal(u64::from(m.clock_rate));
            if let Some(p) = &m.params {
                out.put(b"/");
                out.put_text(p);
            }
        }
        Attribute::Fmtp(p) => {
            out.put(b"fmtp:");
            out.put_decimal(u64::from(p.payload_type));
            if !p.params.is_empty() {
                out.put(b" ");
                out.put_text(&p.params);
            }
        }
        Attribute::Ptime(p) => {
            out.put(b"ptime:");
            out.put_decimal(u64::from(*p));
        }
        Attribute::MaxPtime(p) => {
            out.put(b"maxptime:");
            out.put_decimal(u64::from(*p));
        }
        Attribute::Direction(d) => out.put(d.as_str().as_bytes()),
        Attribute::Rtcp(r) => {
            out.put(b"rtcp:");
            out.put_decimal(u64::from(r.port));
            if let Some((n, t, a)) = &r.address {
                for field in [n, t, a] {
                    out.put(b" ");
                    out.put_text(field);
                }
            }
        }
        Attribute::RtcpMux => out.put(b"rtcp-mux"),
        Attribute::Other { name, value } => {
            out.put_text(name);
            if let Some(v) = value {
                out.put(b":");
                out.put_text(v);
            }
        }
    }
}

fn media<S: Sink>(out: &mut S, m: &MediaDescription) {
    out.put(b"m=");
    out.put_text(&m.media);
    out.put(b" ");
    out.put_decimal(u64::from(m.port));
    if let Some(n) = m.port_count {
        out.put(b"/");
        out.put_decimal(u64::from(n));
    }
    out.put(b" ");
    out.put_text(&m.proto);
    for format in &m.formats {
        out.put(b" ");
        out.put_text(format);
    }
    out.put(b"\r\n");
    common_head(out, &m.common);
    for c in &m.connections {
        connection(out, c);
    }
    bandwidths(out, &m.common);
    common_tail(out, &m.common);
}

fn description<S: Sink>(out: &mut S, d: &SessionDescription) {
    let o = &d.origin;
    out.put(b"v=0\r\no=");
    out.put_text(&o.username);
    out.put(b" ");
    out.put_decimal(o.session_id);
    out.put(b" ");
    out.put_decimal(o.session_version);
    for field in [&o.nettype, &o.addrtype, &o.address] {
        out.put(b" ");
        out.put_text(field);
    }
    out.put(b"\r\n");
    line(out, b"s=", &d.session_name);
    common_head(out, &d.common);
    if let Some(u) = &d.uri {
        line(out, b"u=", u);
    }
    for e in &d.emails {
        line(out, b"e=", e);
    }
    for p in &d.phones {
        line(out, b"p=", p);
    }
    if let Some(c) = &d.connection {
        connection(out, c);
    }
    bandwidths(out, &d.common);
    if d.timings.is_empty() {
        out.put(b"t=0 0\r\n");
    }
    for t in &d.timings {
        out.put(b"t=");
        out.put_decimal(t.start);
        out.put(b" ");
        out.put_decimal(t.stop);
        out.put(b"\r\n");
        for r in &t.repeats {
            line(out, b"r=", r);
        }
    }
    if let Some(z) = &d.zone {
        line(out, b"z=", z);
    }
    common_tail(out, &d.common);
    for m in &d.media {
        media(out, m);
    }
}

impl fmt::Display for MediaDescription {
    /// The `m=` section, CRLF after each line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display(f, |out| media(out, self))
    }
}

impl fmt::Display for SessionDescription {
    /// The whole description, CRLF after each line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display(f, |out| description(out, self))
    }
}

impl fmt::Display for Attribute {
    /// Writes the attribute without the `a=` prefix and line ending.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        display(f, |out| attribute(out, self))
    }
}
