//! The parser: tolerant of LF-only line endings, trailing whitespace and session-level
//! lines out of order; strict about the fields offer/answer relies on.

use super::attribute::{parse_attribute, parse_u16, parse_u64};
use super::error::{SdpError, SdpErrorKind as K};
use super::lines::{Line, collect_lines, fields, split_once};
use super::model::{Common, Connection, MediaDescription, Origin, SessionDescription, Timing};
use super::text::{TINY, Text};
use bytes::Bytes;
use smallvec::SmallVec;

/// Largest body accepted (a UDP datagram cannot carry more).
pub const MAX_SDP_LEN: usize = 65_535;
/// Most media sections accepted.
pub const MAX_MEDIA: usize = 64;
/// Most lines accepted.
pub const MAX_LINES: usize = 2_048;

impl SessionDescription {
    /// Parses a body, sharing its buffer (fields are slices of `body`, except fields of at
    /// most four bytes such as payload types, `IN` and `IP4`, which are copied).
    pub fn parse(body: Bytes) -> Result<SessionDescription, SdpError> {
        if body.len() > MAX_SDP_LEN {
            return Err(SdpError::new(0, K::TooLarge));
        }
        let text = std::str::from_utf8(&body).map_err(|_| SdpError::new(0, K::NotUtf8))?;
        Parser { body: &body, text }.run()
    }

    /// Parses a body from a byte slice (copies it once).
    pub fn parse_slice(body: &[u8]) -> Result<SessionDescription, SdpError> {
        if body.len() > MAX_SDP_LEN {
            return Err(SdpError::new(0, K::TooLarge));
        }
        Self::parse(Bytes::copy_from_slice(body))
    }
}

struct Parser<'a> {
    body: &'a Bytes,
    text: &'a str,
}

impl<'a> Parser<'a> {
    /// A `Text` for a sub-slice of the body: shared, or copied when tiny.
    fn slice(&self, s: &str) -> Text {
        let base = self.text.as_ptr() as usize;
        let start = (s.as_ptr() as usize).wrapping_sub(base);
        if s.len() <= TINY {
            // The field and what follows it in the body, copied as one block.
            let window = start
                .checked_add(TINY)
                .and_then(|end| self.text.as_bytes().get(start..end))
                .filter(|w| std::ptr::eq(w.as_ptr(), s.as_ptr()))
                .and_then(|w| <&[u8; TINY]>::try_from(w).ok());
            return match window {
                Some(window) => Text::from_window(window, s.len()),
                None => Text::inline(s.as_bytes()).unwrap_or_else(|| Text::copy_from_str(s)),
            };
        }
        match start.checked_add(s.len()) {
            Some(end) if start <= self.body.len() && end <= self.body.len() => {
                Text::from_utf8_bytes(self.body.slice(start..end))
            }
            _ => Text::copy_from_str(s),
        }
    }

    fn run(&self) -> Result<SessionDescription, SdpError> {
        // Collected first, so that attribute lists can be sized once.
        let mut all = SmallVec::new();
        collect_lines(self.text, MAX_LINES, &mut all);
        let Some((first, rest)) = all.split_first() else {
            return Err(SdpError::new(0, K::Empty));
        };
        match first.text.strip_prefix("v=") {
            Some("0") => {}
            Some(_) => return Err(SdpError::new(first.number, K::UnsupportedVersion)),
            None => return Err(SdpError::new(first.number, K::MissingVersion)),
        }

        let mut origin: Option<Origin> = None;
        let mut session_name: Option<Text> = None;
        let mut uri = None;
        let mut emails = Vec::new();
        let mut phones = Vec::new();
        let mut connection = None;
        // Sized once (a description usually has one `t=` and one `m=`): growing a list of
        // media sections by doubling would allocate several of them.
        let (timing_lines, media_lines) = rest.iter().fold((0, 0), |(t, m), l| match l.kind() {
            b't' => (t + 1, m),
            b'm' => (t, m + 1),
            _ => (t, m),
        });
        let mut timings: Vec<Timing> = Vec::with_capacity(timing_lines);
        let mut zone = None;
        let mut common = Common::default();
        // The media section being read is the last of `media`; none while at session level.
        let mut media: Vec<MediaDescription> = Vec::with_capacity(media_lines.min(MAX_MEDIA));

        for (i, l) in rest.iter().enumerate() {
            let n = l.number;
            if n > MAX_LINES {
                return Err(SdpError::new(n, K::TooMany));
            }
            let err = |kind| SdpError::new(n, kind);
            let bytes = l.text.as_bytes();
            if bytes.len() < 2 || bytes[1] != b'=' || !bytes[0].is_ascii_alphabetic() {
                return Err(err(K::BadLine));
            }
            let kind = bytes[0];
            // `=` is ASCII, so byte 2 starts a character.
            let value = l.text.get(2..).unwrap_or_default();
            // Lines that may appear in a media section.
            if let Some(m) = media.last_mut() {
                match kind {
                    b'm' => {}
                    b'i' => set_once(&mut m.common.info, self.slice(value)).map_err(err)?,
                    b'c' => m.connections.push(self.connection(value).map_err(err)?),
                    b'b' => m
                        .common
                        .bandwidths
                        .push(self.bandwidth(value).map_err(err)?),
                    b'k' => set_once(&mut m.common.key, self.slice(value)).map_err(err)?,
                    b'a' => m
                        .common
                        .attributes
                        .push(parse_attribute(value, &|s| self.slice(s)).map_err(err)?),
                    b'v' | b'o' | b's' | b'u' | b'e' | b'p' | b't' | b'r' | b'z' => {
                        return Err(err(K::Misplaced));
                    }
                    _ => return Err(err(K::UnknownType)),
                }
                if kind != b'm' {
                    continue;
                }
            }
            match kind {
                b'm' => {
                    if media.len() >= MAX_MEDIA {
                        return Err(err(K::TooMany));
                    }
                    let body = rest.get(i + 1..).unwrap_or_default();
                    media.push(self.media(value, body).map_err(err)?);
                }
                b'v' => return Err(err(K::Duplicate)),
                b'o' => set_once(&mut origin, self.origin(value).map_err(err)?).map_err(err)?,
                b's' => set_once(&mut session_name, self.slice(value)).map_err(err)?,
                b'i' => set_once(&mut common.info, self.slice(value)).map_err(err)?,
                b'u' => set_once(&mut uri, self.slice(value)).map_err(err)?,
                b'e' => emails.push(self.slice(value)),
                b'p' => phones.push(self.slice(value)),
                b'c' => {
                    set_once(&mut connection, self.connection(value).map_err(err)?).map_err(err)?
                }
                b'b' => common.bandwidths.push(self.bandwidth(value).map_err(err)?),
                b't' => timings.push(timing(value).map_err(err)?),
                b'r' => timings
                    .last_mut()
                    .ok_or(err(K::RepeatWithoutTiming))?
                    .repeats
                    .push(self.slice(value)),
                b'z' => set_once(&mut zone, self.slice(value)).map_err(err)?,
                b'k' => set_once(&mut common.key, self.slice(value)).map_err(err)?,
                b'a' => common
                    .attributes
                    .push(parse_attribute(value, &|s| self.slice(s)).map_err(err)?),
                _ => return Err(err(K::UnknownType)),
            }
        }
        Ok(SessionDescription {
            origin: origin.ok_or(SdpError::new(0, K::MissingOrigin))?,
            session_name: session_name.unwrap_or(Text::from_static("-")),
            uri,
            emails,
            phones,
            connection,
            timings,
            zone,
            common,
            media,
        })
    }

    fn origin(&self, v: &str) -> Result<Origin, K> {
        let mut f = fields(v, b' ');
        let (Some(user), Some(id), Some(version), Some(net), Some(addrtype), Some(addr), None) = (
            f.next(),
            f.next(),
            f.next(),
            f.next(),
            f.next(),
            f.next(),
            f.next(),
        ) else {
            return Err(K::BadOrigin);
        };
        if [user, net, addrtype, addr].iter().any(|s| s.is_empty()) {
            return Err(K::BadOrigin);
        }
        Ok(Origin {
            username: self.slice(user),
            session_id: parse_u64(id).ok_or(K::BadOrigin)?,
            session_version: parse_u64(version).ok_or(K::BadOrigin)?,
            nettype: self.slice(net),
            addrtype: self.slice(addrtype),
            address: self.slice(addr),
        })
    }

    fn connection(&self, v: &str) -> Result<Connection, K> {
        let mut f = fields(v, b' ');
        match (f.next(), f.next(), f.next(), f.next()) {
            (Some(n), Some(t), Some(a), None)
                if !n.is_empty() && !t.is_empty() && !a.is_empty() =>
            {
                Ok(Connection {
                    nettype: self.slice(n),
                    addrtype: self.slice(t),
                    address: self.slice(a),
                })
            }
            _ => Err(K::BadConnection),
        }
    }

    fn bandwidth(&self, v: &str) -> Result<Text, K> {
        match split_once(v, b':') {
            Some((t, b)) if !t.is_empty() && !t.contains(' ') && !b.is_empty() => Ok(self.slice(v)),
            _ => Err(K::BadBandwidth),
        }
    }

    /// The `m=` line `v`; `body` holds the lines after it (to size the section's lists).
    fn media(&self, v: &str, body: &[Line<'_>]) -> Result<MediaDescription, K> {
        let mut it = fields(v, b' ');
        let media = it.next().filter(|s| !s.is_empty()).ok_or(K::BadMedia)?;
        let port_field = it.next().ok_or(K::BadMedia)?;
        let (port, port_count) = match split_once(port_field, b'/') {
            Some((p, c)) => (p, Some(parse_u16(c).ok_or(K::BadMedia)?)),
            None => (port_field, None),
        };
        let port = parse_u16(port).ok_or(K::BadMedia)?;
        let proto = it.next().filter(|s| !s.is_empty()).ok_or(K::BadMedia)?;
        let mut formats = SmallVec::new();
        for f in it {
            if f.is_empty() {
                return Err(K::BadMedia);
            }
            formats.push(self.slice(f));
        }
        // Sized once: the section's `a=` lines, up to the next `m=`.
        let attributes = body
            .iter()
            .take_while(|l| l.kind() != b'm')
            .filter(|l| l.kind() == b'a')
            .count();
        Ok(MediaDescription {
            media: self.slice(media),
            port,
            port_count,
            proto: self.slice(proto),
            formats,
            connections: Vec::new(),
            common: Common {
                attributes: Vec::with_capacity(attributes),
                ..Common::default()
            },
        })
    }
}

fn timing(v: &str) -> Result<Timing, K> {
    let (a, b) = split_once(v, b' ').ok_or(K::BadTiming)?;
    Ok(Timing {
        start: parse_u64(a).ok_or(K::BadTiming)?,
        stop: parse_u64(b).ok_or(K::BadTiming)?,
        repeats: Vec::new(),
    })
}

fn set_once<T>(slot: &mut Option<T>, value: T) -> Result<(), K> {
    if slot.is_some() {
        return Err(K::Duplicate);
    }
    *slot = Some(value);
    Ok(())
}
