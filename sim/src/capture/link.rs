//! Link, network and transport layers of one captured frame: Ethernet (with VLAN tags),
//! Linux cooked SLL and SLL2, BSD loopback, raw IP; IPv4 (reassembling fragments) and
//! IPv6; UDP.

use std::net::{IpAddr, SocketAddr};

use etherparse::defrag::IpDefragPool;
use etherparse::{EtherType, IpNumber, NetSlice, SlicedPacket, TransportSlice, UdpSlice};

/// The link-layer framing of a capture interface, by its LINKTYPE number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkType {
    /// LINKTYPE_ETHERNET (1).
    Ethernet,
    /// LINKTYPE_LINUX_SLL (113): Linux "any" device, version 1.
    LinuxSll,
    /// LINKTYPE_LINUX_SLL2 (276): Linux "any" device, version 2.
    LinuxSll2,
    /// LINKTYPE_NULL (0): a 4-byte address family in the capturing host's byte order.
    Null,
    /// LINKTYPE_LOOP (108): a 4-byte address family in network byte order.
    Loop,
    /// LINKTYPE_RAW (101), DLT_RAW (12 or 14 on some systems), LINKTYPE_IPV4/IPV6 (228/229).
    RawIp,
    /// Anything else (frames are counted, not decoded).
    Other(u32),
}

impl LinkType {
    /// The link type for a LINKTYPE number.
    pub fn from_linktype(n: u32) -> Self {
        match n {
            1 => LinkType::Ethernet,
            113 => LinkType::LinuxSll,
            276 => LinkType::LinuxSll2,
            0 => LinkType::Null,
            108 => LinkType::Loop,
            12 | 14 | 101 | 228 | 229 => LinkType::RawIp,
            other => LinkType::Other(other),
        }
    }
}

/// What one frame turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Frame {
    /// A complete UDP datagram.
    Udp {
        src: SocketAddr,
        dst: SocketAddr,
        payload: Vec<u8>,
    },
    /// An IP fragment held until its datagram is complete.
    Fragment,
    /// Valid, but not UDP over IP (ARP, TCP, ICMP, ...).
    NotUdp,
    /// The link type is not one we decode.
    UnsupportedLink,
    /// Headers that do not parse, or lengths that do not add up.
    Malformed,
}

/// Decodes frames of one capture, keeping IP fragments until their datagram is whole.
#[derive(Debug, Default)]
pub(crate) struct FrameDecoder {
    defrag: IpDefragPool<(), ()>,
}

impl FrameDecoder {
    pub(crate) fn new() -> Self {
        Self {
            defrag: IpDefragPool::new(),
        }
    }

    /// Decodes one frame captured on an interface of link type `link`.
    pub(crate) fn decode(&mut self, link: LinkType, data: &[u8]) -> Frame {
        let sliced = match link {
            LinkType::Ethernet => SlicedPacket::from_ethernet(data),
            LinkType::LinuxSll => SlicedPacket::from_linux_sll(data),
            LinkType::LinuxSll2 => match sll2_payload(data) {
                Some((ether_type, rest)) => SlicedPacket::from_ether_type(ether_type, rest),
                None => return Frame::Malformed,
            },
            LinkType::Null | LinkType::Loop => match data.get(4..) {
                Some(rest) if loopback_family_is_ip(link, data) => SlicedPacket::from_ip(rest),
                Some(_) => return Frame::NotUdp,
                None => return Frame::Malformed,
            },
            LinkType::RawIp => SlicedPacket::from_ip(data),
            LinkType::Other(_) => return Frame::UnsupportedLink,
        };
        let Ok(sliced) = sliced else {
            return Frame::Malformed;
        };
        let Some((src_ip, dst_ip, fragmenting)) = ip_addresses(&sliced) else {
            return Frame::NotUdp;
        };
        if fragmenting {
            return self.fragment(&sliced, src_ip, dst_ip);
        }
        match &sliced.transport {
            Some(TransportSlice::Udp(udp)) => Frame::Udp {
                src: SocketAddr::new(src_ip, udp.source_port()),
                dst: SocketAddr::new(dst_ip, udp.destination_port()),
                payload: udp.payload().to_vec(),
            },
            Some(_) => Frame::NotUdp,
            None if ip_payload_number(&sliced) == Some(IpNumber::UDP) => Frame::Malformed,
            None => Frame::NotUdp,
        }
    }

    fn fragment(&mut self, sliced: &SlicedPacket<'_>, src_ip: IpAddr, dst_ip: IpAddr) -> Frame {
        if ip_payload_number(sliced) != Some(IpNumber::UDP) {
            return Frame::NotUdp;
        }
        match self.defrag.process_sliced_packet(sliced, (), ()) {
            Ok(Some(whole)) => match UdpSlice::from_slice(&whole.payload) {
                Ok(udp) => Frame::Udp {
                    src: SocketAddr::new(src_ip, udp.source_port()),
                    dst: SocketAddr::new(dst_ip, udp.destination_port()),
                    payload: udp.payload().to_vec(),
                },
                Err(_) => Frame::Malformed,
            },
            Ok(None) => Frame::Fragment,
            Err(_) => Frame::Malformed,
        }
    }
}

/// The protocol type and payload of a Linux cooked v2 frame (20-byte header).
fn sll2_payload(data: &[u8]) -> Option<(EtherType, &[u8])> {
    let proto = u16::from_be_bytes([*data.first()?, *data.get(1)?]);
    Some((EtherType(proto), data.get(20..)?))
}

/// Whether a loopback frame's address family is IPv4 or IPv6 (BSD values 24, 28, 30).
fn loopback_family_is_ip(link: LinkType, data: &[u8]) -> bool {
    let Some(bytes) = data.get(..4).and_then(|b| <[u8; 4]>::try_from(b).ok()) else {
        return false;
    };
    let families = if link == LinkType::Loop {
        [u32::from_be_bytes(bytes), u32::from_be_bytes(bytes)]
    } else {
        // DLT_NULL is in the capturing host's byte order: accept either.
        [u32::from_le_bytes(bytes), u32::from_be_bytes(bytes)]
    };
    families.iter().any(|f| matches!(f, 2 | 24 | 28 | 30))
}

/// Source, destination and whether the packet is a fragment of a larger one.
fn ip_addresses(sliced: &SlicedPacket<'_>) -> Option<(IpAddr, IpAddr, bool)> {
    match &sliced.net {
        Some(NetSlice::Ipv4(v4)) => {
            let h = v4.header();
            Some((
                IpAddr::V4(h.source_addr()),
                IpAddr::V4(h.destination_addr()),
                h.is_fragmenting_payload(),
            ))
        }
        Some(NetSlice::Ipv6(v6)) => {
            let h = v6.header();
            Some((
                IpAddr::V6(h.source_addr()),
                IpAddr::V6(h.destination_addr()),
                v6.is_payload_fragmented(),
            ))
        }
        _ => None,
    }
}

fn ip_payload_number(sliced: &SlicedPacket<'_>) -> Option<IpNumber> {
    match &sliced.net {
        Some(NetSlice::Ipv4(v4)) => Some(v4.payload().ip_number),
        Some(NetSlice::Ipv6(v6)) => Some(v6.payload().ip_number),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn udp_ipv4_frame() -> Vec<u8> {
        let builder =
            etherparse::PacketBuilder::ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64).udp(5060, 5070);
        let payload = b"OPTIONS";
        let mut out = Vec::with_capacity(builder.size(payload.len()));
        builder.write(&mut out, payload).expect("write to a Vec");
        out
    }

    #[test]
    fn raw_ipv4_udp_decodes() {
        let frame = udp_ipv4_frame();
        let got = FrameDecoder::new().decode(LinkType::RawIp, &frame);
        assert_eq!(
            got,
            Frame::Udp {
                src: "10.0.0.1:5060".parse().unwrap(),
                dst: "10.0.0.2:5070".parse().unwrap(),
                payload: b"OPTIONS".to_vec(),
            }
        );
    }

    #[test]
    fn null_link_accepts_either_byte_order_of_af_inet() {
        let ip = udp_ipv4_frame();
        for family in [[2, 0, 0, 0], [0, 0, 0, 2]] {
            let mut frame = family.to_vec();
            frame.extend_from_slice(&ip);
            assert!(matches!(
                FrameDecoder::new().decode(LinkType::Null, &frame),
                Frame::Udp { .. }
            ));
        }
        let mut other = vec![0, 0, 0, 7];
        other.extend_from_slice(&ip);
        assert_eq!(
            FrameDecoder::new().decode(LinkType::Loop, &other),
            Frame::NotUdp
        );
    }

    #[test]
    fn truncated_and_unknown_frames_are_classified_not_panicking() {
        let frame = udp_ipv4_frame();
        let mut dec = FrameDecoder::new();
        for cut in 0..frame.len() {
            let got = dec.decode(LinkType::RawIp, &frame[..cut]);
            assert!(
                matches!(got, Frame::Malformed | Frame::NotUdp),
                "{cut}: {got:?}"
            );
        }
        assert_eq!(
            dec.decode(LinkType::Other(147), &frame),
            Frame::UnsupportedLink
        );
        assert_eq!(dec.decode(LinkType::LinuxSll2, &[0x08]), Frame::Malformed);
    }
}
