//! Writing a run as a pcap: Ethernet II / IPv4 (or IPv6) / UDP at the sim's addresses and
//! virtual times, which tshark and Wireshark decode as SIP and RTP.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::{DataLink, Endianness, TsResolution};
use sipvoice_core::endpoint::Transmit;

/// Capture timestamps are this many seconds after the Unix epoch plus the virtual offset
/// (2023-11-14T22:13:20Z), so every run of a seed writes the same file.
pub const PCAP_BASE_SECS: u64 = 1_700_000_000;

/// Why a pcap could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PcapWriteError {
    /// The output failed (I/O).
    #[error("writing the capture failed: {0}")]
    Io(#[from] pcap_file::PcapError),
    /// A datagram could not be framed (source and destination of different IP versions).
    #[error("cannot frame a datagram from {from} to {to}")]
    Frame {
        /// Source address.
        from: SocketAddr,
        /// Destination address.
        to: SocketAddr,
    },
}

/// Datagrams seen on the simulated wire, with their offsets from the epoch.
#[derive(Clone, Debug, Default)]
pub struct PcapRecorder {
    packets: Vec<(Duration, Transmit)>,
}

impl PcapRecorder {
    /// An empty recording.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one datagram sent at `at`.
    pub fn record(&mut self, at: Duration, transmit: &Transmit) {
        self.packets.push((at, transmit.clone()));
    }

    /// The recorded datagrams in order.
    pub fn packets(&self) -> &[(Duration, Transmit)] {
        &self.packets
    }

    /// Writes every recorded datagram as a pcap file to `out`.
    pub fn write<W: Write>(&self, out: W) -> Result<W, PcapWriteError> {
        write_pcap(out, &self.packets)
    }

    /// The whole pcap file in memory.
    pub fn to_bytes(&self) -> Result<Vec<u8>, PcapWriteError> {
        self.write(Vec::new())
    }
}

/// Writes `packets` (offset from the epoch, datagram) as a pcap (Ethernet, microseconds).
pub fn write_pcap<W: Write>(out: W, packets: &[(Duration, Transmit)]) -> Result<W, PcapWriteError> {
    let header = PcapHeader {
        datalink: DataLink::ETHERNET,
        ts_resolution: TsResolution::MicroSecond,
        endianness: Endianness::Little,
        ..PcapHeader::default()
    };
    let mut writer = PcapWriter::with_header(out, header)?;
    let mut frame = Vec::with_capacity(1600);
    for (at, transmit) in packets {
        frame.clear();
        frame_udp(&mut frame, transmit)?;
        let timestamp = Duration::from_secs(PCAP_BASE_SECS) + *at;
        let packet = PcapPacket::new(timestamp, frame.len() as u32, &frame);
        writer.write_packet(&packet)?;
    }
    Ok(writer.into_writer())
}

/// A locally administered MAC address derived from an IP address.
fn mac_for(ip: IpAddr) -> [u8; 6] {
    let tail = match ip {
        IpAddr::V4(v4) => v4.octets(),
        IpAddr::V6(v6) => {
            let o = v6.octets();
            [o[12], o[13], o[14], o[15]]
        }
    };
    [0x02, 0x00, tail[0], tail[1], tail[2], tail[3]]
}

/// Appends one Ethernet/IP/UDP frame carrying `transmit` to `frame`.
fn frame_udp(frame: &mut Vec<u8>, transmit: &Transmit) -> Result<(), PcapWriteError> {
    let (from, to) = (transmit.from, transmit.to);
    let ether = etherparse::PacketBuilder::ethernet2(mac_for(from.ip()), mac_for(to.ip()));
    let built = match (from.ip(), to.ip()) {
        (IpAddr::V4(src), IpAddr::V4(dst)) => ether
            .ipv4(src.octets(), dst.octets(), 64)
            .udp(from.port(), to.port())
            .write(frame, &transmit.data),
        (IpAddr::V6(src), IpAddr::V6(dst)) => ether
            .ipv6(src.octets(), dst.octets(), 64)
            .udp(from.port(), to.port())
            .write(frame, &transmit.data),
        _ => return Err(PcapWriteError::Frame { from, to }),
    };
    built.map_err(|_| PcapWriteError::Frame { from, to })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn transmit(from: &str, to: &str, data: &'static [u8]) -> Transmit {
        Transmit {
            from: from
                .parse()
                .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0))),
            to: to
                .parse()
                .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0))),
            data: Bytes::from_static(data),
        }
    }

    #[test]
    fn frames_are_ethernet_ipv4_udp_with_our_times() {
        let mut recorder = PcapRecorder::new();
        recorder.record(
            Duration::from_millis(20),
            &transmit("127.0.0.1:5060", "127.0.0.2:5060", b"hello"),
        );
        let bytes = recorder.to_bytes().expect("in-memory pcap");
        // 24-byte global header, 16-byte record header, 14 + 20 + 8 + 5 bytes of frame.
        assert_eq!(bytes.len(), 24 + 16 + 47);
        assert_eq!(&bytes[..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
        let secs = u32::from_le_bytes([bytes[24], bytes[25], bytes[26], bytes[27]]);
        let micros = u32::from_le_bytes([bytes[28], bytes[29], bytes[30], bytes[31]]);
        assert_eq!((u64::from(secs), micros), (PCAP_BASE_SECS, 20_000));
        let frame = &bytes[40..];
        assert_eq!(&frame[12..14], &[0x08, 0x00]);
        assert_eq!(&frame[26..30], &[127, 0, 0, 1]);
        assert_eq!(&frame[30..34], &[127, 0, 0, 2]);
        assert_eq!(frame[23], 17);
        assert_eq!(&frame[34..36], &5060u16.to_be_bytes());
        assert_eq!(&frame[42..], b"hello");
    }

    #[test]
    fn mixed_ip_versions_are_refused() {
        let mut frame = Vec::new();
        let bad = transmit("127.0.0.1:5060", "[::1]:5060", b"x");
        assert!(matches!(
            frame_udp(&mut frame, &bad),
            Err(PcapWriteError::Frame { .. })
        ));
        let v6 = transmit("[::1]:5060", "[::2]:5062", b"x");
        assert!(frame_udp(&mut frame, &v6).is_ok());
        assert_eq!(&frame[12..14], &[0x86, 0xdd]);
    }
}
