//! Random bytes never panic the RTP and RTCP parsers, and what parses stays inside the input.

use proptest::prelude::*;
use sipvoice_core::media::{
    PacketKind, RtcpPacket, RtpHeader, RtpPacket, classify, parse_compound,
};

fn walk_rtcp(buf: &[u8]) -> usize {
    let Ok(packets) = parse_compound(buf) else {
        return 0;
    };
    let mut seen = 0;
    for p in packets {
        seen += 1;
        match p {
            RtcpPacket::SenderReport(sr) => seen += sr.blocks.count(),
            RtcpPacket::ReceiverReport(rr) => seen += rr.blocks.count(),
            RtcpPacket::Sdes(s) => {
                for chunk in s.chunks() {
                    seen += chunk.items().count();
                    let _ = chunk.cname();
                }
            }
            RtcpPacket::Bye(b) => seen += b.sources().count(),
            RtcpPacket::App { data, .. } => seen += data.len(),
            RtcpPacket::Other { body, .. } => seen += body.len(),
        }
    }
    seen
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic_rtp(buf in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = classify(&buf);
        if let Ok(p) = RtpPacket::parse(&buf) {
            prop_assert!(p.payload_range().end <= buf.len());
            prop_assert!(p.payload().len() <= buf.len() - 12);
            let _ = (p.csrcs().count(), p.extension(), p.sequence(), p.timestamp(), p.ssrc());
        }
    }

    #[test]
    fn rtp_shaped_bytes_never_panic(
        first in 0x80u8..0xc0,
        rest in prop::collection::vec(any::<u8>(), 0..120),
    ) {
        let mut buf = vec![first];
        buf.extend(rest);
        if let Ok(p) = RtpPacket::parse(&buf) {
            prop_assert!(p.payload_range().start <= p.payload_range().end);
        }
    }

    #[test]
    fn random_bytes_never_panic_rtcp(buf in prop::collection::vec(any::<u8>(), 0..300)) {
        walk_rtcp(&buf);
    }

    #[test]
    fn rtcp_shaped_bytes_never_panic(
        packets in prop::collection::vec(
            (0x80u8..0xc0, 200u8..=206, 0u16..12, prop::collection::vec(any::<u8>(), 0..60)),
            1..4,
        )
    ) {
        let mut buf = Vec::new();
        for (b0, pt, words, body) in packets {
            buf.extend([b0, pt]);
            buf.extend(words.to_be_bytes());
            buf.extend(body);
        }
        walk_rtcp(&buf);
        prop_assert!(matches!(classify(&buf), PacketKind::Rtcp));
    }

    #[test]
    fn built_rtp_always_parses_back(
        marker in any::<bool>(),
        pt in 0u8..128,
        seq in any::<u16>(),
        ts in any::<u32>(),
        ssrc in any::<u32>(),
        csrcs in prop::collection::vec(any::<u32>(), 0..16),
        payload in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let header = RtpHeader { marker, payload_type: pt, sequence: seq, timestamp: ts, ssrc };
        let mut out = vec![0u8; 12 + 4 * csrcs.len() + payload.len()];
        let n = header.write(&csrcs, &payload, &mut out).unwrap();
        let p = RtpPacket::parse(&out[..n]).unwrap();
        prop_assert_eq!((p.marker(), p.payload_type(), p.sequence(), p.timestamp(), p.ssrc()),
            (marker, pt, seq, ts, ssrc));
        prop_assert_eq!(p.csrcs().collect::<Vec<_>>(), csrcs);
        prop_assert_eq!(p.payload(), &payload[..]);
    }
}
