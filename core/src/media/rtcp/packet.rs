//! RTCP packet parsing (RFC 3550 §6.4-6.7): compound packets as zero-copy views.

use super::report::{REPORT_BLOCK_LEN, ReportBlocks, SENDER_INFO_LEN, SenderInfo, be32};

/// RTCP packet type of a sender report.
pub const RTCP_SR: u8 = 200;
/// RTCP packet type of a receiver report.
pub const RTCP_RR: u8 = 201;
/// RTCP packet type of source description.
pub const RTCP_SDES: u8 = 202;
/// RTCP packet type of goodbye.
pub const RTCP_BYE: u8 = 203;
/// RTCP packet type of application-defined packets.
pub const RTCP_APP: u8 = 204;
/// SDES item type of the canonical name.
pub const SDES_CNAME: u8 = 1;

/// Why a datagram is not a valid RTCP compound packet. Every variant is malformed input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RtcpError {
    /// Empty datagram, or a packet header cut short.
    #[error("RTCP packet truncated")]
    Truncated,
    /// The version field is not 2.
    #[error("RTCP version {0}, expected 2")]
    BadVersion(u8),
    /// A length field points past the end of the datagram.
    #[error("RTCP length field exceeds the datagram")]
    BadLength,
    /// Padding on a packet other than the last, or a padding count that does not fit.
    #[error("RTCP padding invalid")]
    BadPadding,
    /// The body of a packet of this type does not match its header counts.
    #[error("RTCP packet type {0} has an inconsistent body")]
    BadBody(u8),
}

/// A sender report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SenderReport<'a> {
    /// The sender.
    pub ssrc: u32,
    /// What it has sent.
    pub info: SenderInfo,
    /// What it has received.
    pub blocks: ReportBlocks<'a>,
}

/// A receiver report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiverReport<'a> {
    /// The reporter.
    pub ssrc: u32,
    /// What it has received.
    pub blocks: ReportBlocks<'a>,
}

/// One SDES chunk: a source and its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SdesChunk<'a> {
    /// The source described.
    pub ssrc: u32,
    items: &'a [u8],
}

impl<'a> SdesChunk<'a> {
    /// The items as (type, value) pairs.
    pub fn items(&self) -> impl Iterator<Item = (u8, &'a [u8])> + 'a {
        let mut rest = self.items;
        std::iter::from_fn(move || {
            let (&kind, tail) = rest.split_first()?;
            let (&len, tail) = tail.split_first()?;
            let value = tail.get(..usize::from(len))?;
            rest = tail.get(usize::from(len)..).unwrap_or(&[]);
            (kind != 0).then_some((kind, value))
        })
    }

    /// The CNAME item, if present.
    pub fn cname(&self) -> Option<&'a [u8]> {
        self.items()
            .find(|(kind, _)| *kind == SDES_CNAME)
            .map(|(_, v)| v)
    }
}

/// A source description packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sdes<'a> {
    count: u8,
    body: &'a [u8],
}

/// Splits one SDES chunk off `body`: (ssrc, items, rest). Chunks end with a null item and pad to 4.
fn split_chunk(body: &[u8]) -> Option<(u32, &[u8], &[u8])> {
    let ssrc = be32(body, 0);
    let after = body.get(4..)?;
    let mut pos = 0;
    loop {
        match after.get(pos)? {
            0 => break,
            _ => pos += 2 + usize::from(*after.get(pos + 1)?),
        }
    }
    let items = after.get(..pos)?;
    let chunk_len = (4 + pos + 1).div_ceil(4) * 4;
    let rest = body.get(chunk_len..)?;
    Some((ssrc, items, rest))
}

impl<'a> Sdes<'a> {
    /// The chunks, in order.
    pub fn chunks(&self) -> impl Iterator<Item = SdesChunk<'a>> + 'a {
        let mut rest = self.body;
        (0..self.count).map_while(move |_| {
            let (ssrc, items, tail) = split_chunk(rest)?;
            rest = tail;
            Some(SdesChunk { ssrc, items })
        })
    }
}

/// A goodbye packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bye<'a> {
    sources: &'a [u8],
    /// Optional reason for leaving.
    pub reason: Option<&'a [u8]>,
}

impl<'a> Bye<'a> {
    /// The sources leaving.
    pub fn sources(&self) -> impl Iterator<Item = u32> + 'a {
        self.sources
            .chunks_exact(4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
    }
}

/// One packet of a compound RTCP datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RtcpPacket<'a> {
    /// SR (200).
    SenderReport(SenderReport<'a>),
    /// RR (201).
    ReceiverReport(ReceiverReport<'a>),
    /// SDES (202).
    Sdes(Sdes<'a>),
    /// BYE (203).
    Bye(Bye<'a>),
    /// APP (204).
    App {
        /// Subtype (the count field).
        subtype: u8,
        /// Sender.
        ssrc: u32,
        /// Four ASCII characters.
        name: [u8; 4],
        /// Application data.
        data: &'a [u8],
    },
    /// Any other packet type (feedback, XR ...), unparsed.
    Other {
        /// Packet type.
        packet_type: u8,
        /// The 5-bit count field.
        count: u8,
        /// Body after the 4-byte header, padding removed.
        body: &'a [u8],
    },
}

/// Parses one packet's body given its type and count.
fn parse_body(packet_type: u8, count: u8, body: &[u8]) -> Result<RtcpPacket<'_>, RtcpError> {
    let bad = RtcpError::BadBody(packet_type);
    let blocks = usize::from(count) * REPORT_BLOCK_LEN;
    Ok(match packet_type {
        RTCP_SR => {
            let fixed = 4 + SENDER_INFO_LEN;
            let list = body.get(fixed..fixed + blocks).ok_or(bad)?;
            RtcpPacket::SenderReport(SenderReport {
                ssrc: be32(body, 0),
                info: SenderInfo::parse(body.get(4..fixed).ok_or(bad)?),
                blocks: ReportBlocks::new(list),
            })
        }
        RTCP_RR => {
            let list = body.get(4..4 + blocks).ok_or(bad)?;
            RtcpPacket::ReceiverReport(ReceiverReport {
                ssrc: be32(body, 0),
                blocks: ReportBlocks::new(list),
            })
        }
        RTCP_SDES => {
            let mut rest = body;
            for _ in 0..count {
                rest = split_chunk(rest).ok_or(bad)?.2;
            }
            RtcpPacket::Sdes(Sdes { count, body })
        }
        RTCP_BYE => {
            let end = 4 * usize::from(count);
            let sources = body.get(..end).ok_or(bad)?;
            let reason = match body.get(end) {
                None => None,
                Some(&len) => Some(body.get(end + 1..end + 1 + usize::from(len)).ok_or(bad)?),
            };
            RtcpPacket::Bye(Bye { sources, reason })
        }
        RTCP_APP => {
            let name = body.get(4..8).ok_or(bad)?;
            RtcpPacket::App {
                subtype: count,
                ssrc: be32(body, 0),
                name: [name[0], name[1], name[2], name[3]],
                data: body.get(8..).unwrap_or(&[]),
            }
        }
        _ => RtcpPacket::Other {
            packet_type,
            count,
            body,
        },
    })
}

/// Splits the first packet off `buf`: (packet, rest). `last` tells whether padding is allowed.
fn split_packet(buf: &[u8]) -> Result<(RtcpPacket<'_>, &[u8]), RtcpError> {
    let header = buf.get(..4).ok_or(RtcpError::Truncated)?;
    let version = header[0] >> 6;
    if version != 2 {
        return Err(RtcpError::BadVersion(version));
    }
    let len = 4 * (usize::from(u16::from_be_bytes([header[2], header[3]])) + 1);
    let packet = buf.get(..len).ok_or(RtcpError::BadLength)?;
    let rest = buf.get(len..).unwrap_or(&[]);
    let mut body = packet.get(4..).unwrap_or(&[]);
    if header[0] & 0x20 != 0 {
        let pad = usize::from(packet.last().copied().unwrap_or(0));
        if !rest.is_empty() || pad == 0 || pad > body.len() {
            return Err(RtcpError::BadPadding);
        }
        body = body.get(..body.len() - pad).unwrap_or(&[]);
    }
    Ok((parse_body(header[1], header[0] & 0x1f, body)?, rest))
}

/// A validated compound RTCP datagram; iterate it for its packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtcpCompound<'a> {
    rest: &'a [u8],
}

/// Validates a compound RTCP datagram (every header, length, padding and body) and returns it.
pub fn parse_compound(buf: &[u8]) -> Result<RtcpCompound<'_>, RtcpError> {
    if buf.is_empty() {
        return Err(RtcpError::Truncated);
    }
    let mut rest = buf;
    while !rest.is_empty() {
        rest = split_packet(rest)?.1;
    }
    Ok(RtcpCompound { rest: buf })
}

impl RtcpCompound<'_> {
    /// Whether the compound starts with an SR or RR, as RFC 3550 §6.1 requires (reduced-size
    /// RTCP, RFC 5506, relaxes this; the caller chooses how strict to be).
    pub fn starts_with_report(&self) -> bool {
        matches!(self.rest.get(1), Some(&RTCP_SR) | Some(&RTCP_RR))
    }
}

impl<'a> Iterator for RtcpCompound<'a> {
    type Item = RtcpPacket<'a>;

    fn next(&mut self) -> Option<RtcpPacket<'a>> {
        let (packet, rest) = split_packet(self.rest).ok()?;
        self.rest = rest;
        Some(packet)
    }
}
