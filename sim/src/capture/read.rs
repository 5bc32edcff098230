//! Reading a capture file (pcap or pcapng) into its UDP datagrams, with counters for
//! everything that was not one.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use pcap_file::TsResolution;
use pcap_file::pcap::PcapParser;
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};
use pcap_file::pcapng::{Block, PcapNgParser};

use super::link::{Frame, FrameDecoder, LinkType};

/// One UDP datagram of a capture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Datagram {
    /// Time since the capture's first record.
    pub at: Duration,
    /// Source address and port.
    pub src: SocketAddr,
    /// Destination address and port.
    pub dst: SocketAddr,
    /// The UDP payload.
    pub payload: Bytes,
}

/// What the reader met besides UDP datagrams.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaptureCounts {
    /// Packet records in the file.
    pub frames: u64,
    /// UDP datagrams decoded (whole, after IP reassembly).
    pub udp: u64,
    /// Frames that are valid but not UDP (TCP, ICMP, ARP, ...), skipped.
    pub not_udp: u64,
    /// IP fragments (each counted; a reassembled datagram also counts once in `udp`).
    pub fragments: u64,
    /// Frames whose headers did not parse or whose lengths did not add up.
    pub malformed: u64,
    /// Frames on an interface whose link type we do not decode.
    pub unsupported_link: u64,
    /// The file ended inside a record or a block could not be read (reading stopped there).
    pub truncated: bool,
}

/// The container format of a capture file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptureFormat {
    /// Classic libpcap.
    Pcap,
    /// pcapng.
    PcapNg,
}

/// Why a file could not be read as a capture at all (per-packet problems are counted instead).
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Neither a pcap nor a pcapng header.
    #[error("not a pcap or pcapng capture (magic {0:02x?})")]
    NotACapture(Vec<u8>),
    /// The file header is damaged.
    #[error("damaged capture header: {0}")]
    BadHeader(String),
}

/// The UDP datagrams of a capture file, in file order, with counters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capture {
    /// The container format.
    pub format: CaptureFormat,
    /// Link types of the capture's interfaces (one for pcap).
    pub link_types: Vec<LinkType>,
    /// Absolute time of the first record (since the Unix epoch), if any.
    pub start: Option<Duration>,
    /// Every UDP datagram.
    pub datagrams: Vec<Datagram>,
    /// What else was met.
    pub counts: CaptureCounts,
}

impl Capture {
    /// Reads a capture file from disk.
    pub fn open(path: impl AsRef<Path>) -> Result<Capture, CaptureError> {
        let path = path.as_ref();
        let data = std::fs::read(path).map_err(|source| CaptureError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Capture::from_bytes(&data)
    }

    /// Reads a capture held in memory (pcap or pcapng, told apart by the magic number).
    pub fn from_bytes(data: &[u8]) -> Result<Capture, CaptureError> {
        match data.get(..4) {
            Some([0x0a, 0x0d, 0x0d, 0x0a]) => read_pcapng(data),
            Some(
                [0xd4, 0xc3, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0xc3, 0xd4]
                | [0x4d, 0x3c, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0x3c, 0x4d],
            ) => read_pcap(data),
            _ => Err(CaptureError::NotACapture(
                data.iter().take(4).copied().collect(),
            )),
        }
    }

    /// Time of the last datagram (zero for an empty capture).
    pub fn duration(&self) -> Duration {
        self.datagrams.last().map_or(Duration::ZERO, |d| d.at)
    }
}

/// Accumulates datagrams and counters while records are read.
struct Builder {
    decoder: FrameDecoder,
    first: Option<Duration>,
    datagrams: Vec<Datagram>,
    counts: CaptureCounts,
}

impl Builder {
    fn new() -> Self {
        Self {
            decoder: FrameDecoder::new(),
            first: None,
            datagrams: Vec::new(),
            counts: CaptureCounts::default(),
        }
    }

    fn frame(&mut self, link: LinkType, ts: Duration, data: &[u8]) {
        self.counts.frames += 1;
        let first = *self.first.get_or_insert(ts);
        match self.decoder.decode(link, data) {
            Frame::Udp { src, dst, payload } => {
                self.counts.udp += 1;
                self.datagrams.push(Datagram {
                    at: ts.saturating_sub(first),
                    src,
                    dst,
                    payload: Bytes::from(payload),
                });
            }
            Frame::Fragment => self.counts.fragments += 1,
            Frame::NotUdp => self.counts.not_udp += 1,
            Frame::UnsupportedLink => self.counts.unsupported_link += 1,
            Frame::Malformed => self.counts.malformed += 1,
        }
    }

    fn finish(self, format: CaptureFormat, link_types: Vec<LinkType>) -> Capture {
        Capture {
            format,
            link_types,
            start: self.first,
            datagrams: self.datagrams,
            counts: self.counts,
        }
    }
}

fn read_pcap(data: &[u8]) -> Result<Capture, CaptureError> {
    let (mut rest, parser) =
        PcapParser::new(data).map_err(|e| CaptureError::BadHeader(e.to_string()))?;
    let header = parser.header();
    let link = LinkType::from_linktype(u32::from(header.datalink));
    let mut builder = Builder::new();
    while !rest.is_empty() {
        match parser.next_raw_packet(rest) {
            Ok((next, raw)) => {
                rest = next;
                let frac = match header.ts_resolution {
                    TsResolution::MicroSecond => u64::from(raw.ts_frac) * 1000,
                    TsResolution::NanoSecond => u64::from(raw.ts_frac),
                };
                let ts = Duration::from_secs(u64::from(raw.ts_sec)) + Duration::from_nanos(frac);
                builder.frame(link, ts, &raw.data);
            }
            Err(_) => {
                builder.counts.truncated = true;
                break;
            }
        }
    }
    Ok(builder.finish(CaptureFormat::Pcap, vec![link]))
}

/// Per-interface state of a pcapng section: link type and timestamp units.
#[derive(Clone, Copy, Debug)]
struct Interface {
    link: LinkType,
    /// Timestamp units per second.
    units_per_sec: u64,
    /// Seconds added to every timestamp (`if_tsoffset`).
    offset_secs: u64,
}

fn interface(block: &InterfaceDescriptionBlock<'_>) -> Interface {
    let mut units_per_sec = 1_000_000u64;
    let mut offset_secs = 0;
    for option in &block.options {
        match option {
            InterfaceDescriptionOption::IfTsResol(r) => {
                let exp = u32::from(r & 0x7f);
                units_per_sec = if r & 0x80 == 0 {
                    10u64.checked_pow(exp).unwrap_or(u64::MAX)
                } else {
                    2u64.checked_pow(exp).unwrap_or(u64::MAX)
                };
            }
            InterfaceDescriptionOption::IfTsOffset(o) => offset_secs = *o,
            _ => {}
        }
    }
    Interface {
        link: LinkType::from_linktype(u32::from(block.linktype)),
        units_per_sec: units_per_sec.max(1),
        offset_secs,
    }
}

/// A pcapng timestamp (raw 64-bit count of the interface's units) as a duration.
fn ng_timestamp(iface: &Interface, raw: u64) -> Duration {
    let secs = raw / iface.units_per_sec;
    let rem = u128::from(raw % iface.units_per_sec);
    let nanos = rem * 1_000_000_000 / u128::from(iface.units_per_sec);
    Duration::new(
        secs.saturating_add(iface.offset_secs),
        u32::try_from(nanos).unwrap_or(0),
    )
}

fn read_pcapng(data: &[u8]) -> Result<Capture, CaptureError> {
    let (mut rest, mut parser) =
        PcapNgParser::new(data).map_err(|e| CaptureError::BadHeader(e.to_string()))?;
    let mut interfaces: Vec<Interface> = Vec::new();
    let mut link_types: Vec<LinkType> = Vec::new();
    let mut builder = Builder::new();
    let mut last_ts = Duration::ZERO;
    while !rest.is_empty() {
        let block = match parser.next_block(rest) {
            Ok((next, block)) => {
                rest = next;
                block
            }
            Err(_) => {
                builder.counts.truncated = true;
                break;
            }
        };
        match block {
            Block::SectionHeader(_) => interfaces.clear(),
            Block::InterfaceDescription(idb) => {
                let iface = interface(&idb);
                if !link_types.contains(&iface.link) {
                    link_types.push(iface.link);
                }
                interfaces.push(iface);
            }
            Block::EnhancedPacket(epb) => {
                let Some(iface) = usize::try_from(epb.interface_id)
                    .ok()
                    .and_then(|i| interfaces.get(i))
                else {
                    builder.counts.frames += 1;
                    builder.counts.malformed += 1;
                    continue;
                };
                // pcap-file reads the two timestamp words as nanoseconds; they are units
                // of the interface's resolution.
                let raw = u64::try_from(epb.timestamp.as_nanos()).unwrap_or(u64::MAX);
                last_ts = ng_timestamp(iface, raw);
                builder.frame(iface.link, last_ts, &epb.data);
            }
            Block::Packet(pb) => {
                let Some(iface) = interfaces.get(usize::from(pb.interface_id)) else {
                    builder.counts.frames += 1;
                    builder.counts.malformed += 1;
                    continue;
                };
                last_ts = ng_timestamp(iface, pb.timestamp);
                builder.frame(iface.link, last_ts, &pb.data);
            }
            Block::SimplePacket(spb) => match interfaces.first() {
                Some(iface) => builder.frame(iface.link, last_ts, &spb.data),
                None => {
                    builder.counts.frames += 1;
                    builder.counts.malformed += 1;
                }
            },
            _ => {}
        }
    }
    Ok(builder.finish(CaptureFormat::PcapNg, link_types))
}
