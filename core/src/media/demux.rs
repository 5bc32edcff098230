//! Demultiplexing of datagrams that share one media port (RFC 7983, RFC 5761 rtcp-mux).

/// What a datagram received on an RTP port is, judged from its first two bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PacketKind {
    /// STUN (first byte 0..=3).
    Stun,
    /// ZRTP (first byte 16..=19).
    Zrtp,
    /// DTLS (first byte 20..=63).
    Dtls,
    /// TURN channel data (first byte 64..=79).
    TurnChannel,
    /// RTP (first byte 128..=191, second byte outside the RTCP range).
    Rtp,
    /// RTCP (first byte 128..=191, packet type 192..=223).
    Rtcp,
    /// Anything else, including an empty datagram.
    Unknown,
}

/// Classifies a datagram by its first byte (RFC 7983 §7) and, for RTP/RTCP, its second (RFC 5761 §4).
pub fn classify(datagram: &[u8]) -> PacketKind {
    let Some(&first) = datagram.first() else {
        return PacketKind::Unknown;
    };
    match first {
        0..=3 => PacketKind::Stun,
        16..=19 => PacketKind::Zrtp,
        20..=63 => PacketKind::Dtls,
        64..=79 => PacketKind::TurnChannel,
        128..=191 => match datagram.get(1) {
            Some(192..=223) => PacketKind::Rtcp,
            Some(_) => PacketKind::Rtp,
            None => PacketKind::Unknown,
        },
        _ => PacketKind::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stun_binding_request_is_stun() {
        assert_eq!(classify(&[0x00, 0x01, 0x00, 0x00]), PacketKind::Stun);
    }

    #[test]
    fn audio_packet_is_rtp_even_with_marker() {
        assert_eq!(classify(&[0x80, 0x09]), PacketKind::Rtp);
        assert_eq!(classify(&[0x80, 0x89]), PacketKind::Rtp);
        assert_eq!(classify(&[0x80, 0x65]), PacketKind::Rtp);
    }

    #[test]
    fn sender_and_receiver_reports_are_rtcp() {
        for pt in 200..=204u8 {
            assert_eq!(classify(&[0x81, pt, 0, 6]), PacketKind::Rtcp);
        }
    }

    #[test]
    fn dtls_zrtp_and_turn_ranges() {
        assert_eq!(classify(&[22, 254]), PacketKind::Dtls);
        assert_eq!(classify(&[16]), PacketKind::Zrtp);
        assert_eq!(classify(&[64, 0]), PacketKind::TurnChannel);
    }

    #[test]
    fn empty_and_out_of_range_are_unknown() {
        assert_eq!(classify(&[]), PacketKind::Unknown);
        assert_eq!(classify(&[0x80]), PacketKind::Unknown);
        assert_eq!(classify(&[200, 1]), PacketKind::Unknown);
        assert_eq!(classify(&[8, 1]), PacketKind::Unknown);
    }
}
