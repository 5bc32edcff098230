//! The printer: canonical line order (RFC 4566 §5), CRLF, deterministic.
//!
//! Session: `v o s i u e p c b t r z k a`, then per media section `m i c b k a`.
//! Attributes keep their order; `t=0 0` is written when the description has no timing.

use super::model::{Common, Connection, MediaDescription, SessionDescription};
use bytes::Bytes;
use std::fmt::{self, Write};

impl SessionDescription {
    /// Appends the canonical text to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        // Writing into a Vec cannot fail.
        let _ = write!(VecWriter(out), "{self}");
    }

    /// The canonical text as a buffer, ready to be a SIP body.
    pub fn to_bytes(&self) -> Bytes {
        let mut out = Vec::with_capacity(256);
        self.write_to(&mut out);
        Bytes::from(out)
    }
}

struct VecWriter<'a>(&'a mut Vec<u8>);

impl Write for VecWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

fn connection(f: &mut fmt::Formatter<'_>, c: &Connection) -> fmt::Result {
    write!(f, "c={} {} {}\r\n", c.nettype, c.addrtype, c.address)
}

fn common_head(f: &mut fmt::Formatter<'_>, c: &Common) -> fmt::Result {
    if let Some(i) = &c.info {
        write!(f, "i={i}\r\n")?;
    }
    Ok(())
}

fn common_tail(f: &mut fmt::Formatter<'_>, c: &Common) -> fmt::Result {
    if let Some(k) = &c.key {
        write!(f, "k={k}\r\n")?;
    }
    for a in &c.attributes {
        write!(f, "a={a}\r\n")?;
    }
    Ok(())
}

fn bandwidths(f: &mut fmt::Formatter<'_>, c: &Common) -> fmt::Result {
    for b in &c.bandwidths {
        write!(f, "b={b}\r\n")?;
    }
    Ok(())
}

impl fmt::Display for MediaDescription {
    /// The `m=` section, CRLF after each line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "m={} {}", self.media, self.port)?;
        if let Some(n) = self.port_count {
            write!(f, "/{n}")?;
        }
        write!(f, " {}", self.proto)?;
        for fmt in &self.formats {
            write!(f, " {fmt}")?;
        }
        f.write_str("\r\n")?;
        common_head(f, &self.common)?;
        for c in &self.connections {
            connection(f, c)?;
        }
        bandwidths(f, &self.common)?;
        common_tail(f, &self.common)
    }
}

impl fmt::Display for SessionDescription {
    /// The whole description, CRLF after each line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = &self.origin;
        f.write_str("v=0\r\n")?;
        write!(
            f,
            "o={} {} {} {} {} {}\r\n",
            o.username, o.session_id, o.session_version, o.nettype, o.addrtype, o.address
        )?;
        write!(f, "s={}\r\n", self.session_name)?;
        common_head(f, &self.common)?;
        if let Some(u) = &self.uri {
            write!(f, "u={u}\r\n")?;
        }
        for e in &self.emails {
            write!(f, "e={e}\r\n")?;
        }
        for p in &self.phones {
            write!(f, "p={p}\r\n")?;
        }
        if let Some(c) = &self.connection {
            connection(f, c)?;
        }
        bandwidths(f, &self.common)?;
        if self.timings.is_empty() {
            f.write_str("t=0 0\r\n")?;
        }
        for t in &self.timings {
            write!(f, "t={} {}\r\n", t.start, t.stop)?;
            for r in &t.repeats {
                write!(f, "r={r}\r\n")?;
            }
        }
        if let Some(z) = &self.zone {
            write!(f, "z={z}\r\n")?;
        }
        common_tail(f, &self.common)?;
        for m in &self.media {
            write!(f, "{m}")?;
        }
        Ok(())
    }
}
