//! Writing datagrams as a classic pcap (Ethernet, IPv4 or IPv6, UDP) that tshark and
//! Wireshark decode.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use etherparse::PacketBuilder;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::{DataLink, TsResolution};

/// Why a pcap file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PcapOutError {
    /// The file could not be created or written.
    #[error("cannot write {path}: {message}")]
    Write {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

/// Encodes one UDP datagram as an Ethernet frame (made-up MACs, TTL 64, UDP checksum set).
/// `None` when the addresses mix IPv4 and IPv6 or the payload is too large for UDP.
pub fn udp_frame(from: SocketAddr, to: SocketAddr, payload: &[u8]) -> Option<Vec<u8>> {
    let eth = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]);
    let ip = match (from, to) {
        (SocketAddr::V4(a), SocketAddr::V4(b)) => eth.ipv4(a.ip().octets(), b.ip().octets(), 64),
        (SocketAddr::V6(a), SocketAddr::V6(b)) => eth.ipv6(a.ip().octets(), b.ip().octets(), 64),
        _ => return None,
    };
    let builder = ip.udp(from.port(), to.port());
    let mut out = Vec::with_capacity(builder.size(payload.len()));
    builder.write(&mut out, payload).ok()?;
    Some(out)
}

/// Writes `(time, from, to, payload)` datagrams to `path`; times are absolute (since the
/// Unix epoch). Returns how many were written.
pub fn write_udp_pcap<'a>(
    path: &Path,
    datagrams: impl IntoIterator<Item = (Duration, SocketAddr, SocketAddr, &'a [u8])>,
) -> Result<usize, PcapOutError> {
    let err = |message: String| PcapOutError::Write {
        path: path.display().to_string(),
        message,
    };
    let file = std::fs::File::create(path).map_err(|e| err(e.to_string()))?;
    let header = PcapHeader {
        datalink: DataLink::ETHERNET,
        ts_resolution: TsResolution::NanoSecond,
        endianness: pcap_file::Endianness::Little,
        ..PcapHeader::default()
    };
    let mut writer = PcapWriter::with_header(std::io::BufWriter::new(file), header)
        .map_err(|e| err(e.to_string()))?;
    let mut n = 0;
    for (at, from, to, payload) in datagrams {
        let Some(frame) = udp_frame(from, to, payload) else {
            continue;
        };
        let len = u32::try_from(frame.len()).unwrap_or(u32::MAX);
        writer
            .write_packet(&PcapPacket::new(at, len, &frame))
            .map_err(|e| err(e.to_string()))?;
        n += 1;
    }
    use std::io::Write as _;
    writer
        .into_writer()
        .flush()
        .map_err(|e| err(e.to_string()))?;
    Ok(n)
}
