use super::*;

fn block(ssrc: u32) -> ReportBlock {
    ReportBlock {
        ssrc,
        fraction_lost: 64,
        cumulative_lost: 12,
        highest_seq: 0x0001_0203,
        jitter: 37,
        last_sr: 0x1234_5678,
        delay_since_last_sr: 0x0001_8000,
    }
}

fn sr_sdes() -> Vec<u8> {
    let mut buf = vec![0u8; 256];
    let mut w = RtcpWriter::new(&mut buf);
    let info = SenderInfo {
        ntp_timestamp: 0xdead_beef_0000_0001,
        rtp_timestamp: 160_000,
        packet_count: 1000,
        octet_count: 160_000,
    };
    w.sender_report(0xaaaa, &info, &[block(0xbbbb), block(0xcccc)])
        .unwrap();
    w.sdes_cname(0xaaaa, b"sipvoice@example").unwrap();
    let n = w.finish();
    buf.truncate(n);
    buf
}

#[test]
fn sender_report_and_cname_round_trip() {
    let buf = sr_sdes();
    let mut packets = parse_compound(&buf).unwrap();
    let Some(RtcpPacket::SenderReport(sr)) = packets.next() else {
        panic!("first packet is an SR");
    };
    assert_eq!(sr.ssrc, 0xaaaa);
    assert_eq!(sr.info.packet_count, 1000);
    assert_eq!(sr.info.ntp_timestamp, 0xdead_beef_0000_0001);
    let blocks: Vec<_> = sr.blocks.collect();
    assert_eq!(blocks, vec![block(0xbbbb), block(0xcccc)]);
    let Some(RtcpPacket::Sdes(sdes)) = packets.next() else {
        panic!("second packet is SDES");
    };
    let chunk = sdes.chunks().next().unwrap();
    assert_eq!(chunk.ssrc, 0xaaaa);
    assert_eq!(chunk.cname(), Some(&b"sipvoice@example"[..]));
    assert!(packets.next().is_none());
}

#[test]
fn receiver_report_and_bye_round_trip() {
    let mut buf = [0u8; 128];
    let mut w = RtcpWriter::new(&mut buf);
    w.receiver_report(7, &[block(9)]).unwrap();
    w.bye(&[7, 8], Some(b"hangup")).unwrap();
    let n = w.finish();
    let packets: Vec<_> = parse_compound(&buf[..n]).unwrap().collect();
    assert_eq!(packets.len(), 2);
    let RtcpPacket::ReceiverReport(rr) = packets[0] else {
        panic!("RR expected");
    };
    assert_eq!((rr.ssrc, rr.blocks.len()), (7, 1));
    let RtcpPacket::Bye(bye) = packets[1] else {
        panic!("BYE expected");
    };
    assert_eq!(bye.sources().collect::<Vec<_>>(), vec![7, 8]);
    assert_eq!(bye.reason, Some(&b"hangup"[..]));
}

#[test]
fn every_written_packet_is_word_aligned() {
    for len in 0..12 {
        let name = vec![b'x'; len];
        let mut buf = [0u8; 64];
        let mut w = RtcpWriter::new(&mut buf);
        w.sdes_cname(1, &name).unwrap();
        w.bye(&[1], Some(&name)).unwrap();
        let n = w.finish();
        assert_eq!(n % 4, 0);
        assert_eq!(parse_compound(&buf[..n]).unwrap().count(), 2);
    }
}

#[test]
fn rejects_empty_and_wrong_version() {
    assert_eq!(parse_compound(&[]), Err(RtcpError::Truncated));
    let mut buf = sr_sdes();
    buf[0] &= 0x3f;
    assert_eq!(parse_compound(&buf), Err(RtcpError::BadVersion(0)));
}

#[test]
fn rejects_length_past_the_datagram() {
    let buf = sr_sdes();
    assert_eq!(
        parse_compound(&buf[..buf.len() - 4]),
        Err(RtcpError::BadLength)
    );
}

#[test]
fn rejects_report_count_larger_than_body() {
    let mut buf = sr_sdes();
    buf[0] = 0x80 | 5;
    assert_eq!(parse_compound(&buf), Err(RtcpError::BadBody(RTCP_SR)));
}

#[test]
fn padding_is_only_allowed_on_the_last_packet() {
    let mut buf = sr_sdes();
    buf[0] |= 0x20;
    assert_eq!(parse_compound(&buf), Err(RtcpError::BadPadding));
}

#[test]
fn padding_on_the_last_packet_is_stripped() {
    // RR with no blocks, then 4 bytes of padding: length 2 words after the header.
    let buf = [0xa0, 201, 0, 2, 0, 0, 0, 5, 0, 0, 0, 4];
    let packets: Vec<_> = parse_compound(&buf).unwrap().collect();
    let RtcpPacket::ReceiverReport(rr) = packets[0] else {
        panic!("RR expected");
    };
    assert_eq!((rr.ssrc, rr.blocks.len()), (5, 0));
    let too_much = [0xa0, 201, 0, 1, 0, 0, 0, 9];
    assert_eq!(parse_compound(&too_much), Err(RtcpError::BadPadding));
}

#[test]
fn sdes_without_terminator_is_rejected() {
    let buf = [0x81, 202, 0, 2, 0, 0, 0, 1, 1, 2, b'a', b'b'];
    assert_eq!(parse_compound(&buf), Err(RtcpError::BadBody(RTCP_SDES)));
}

#[test]
fn bye_reason_past_the_end_is_rejected() {
    let buf = [0x81, 203, 0, 2, 0, 0, 0, 1, 9, b'a', b'b', b'c'];
    assert_eq!(parse_compound(&buf), Err(RtcpError::BadBody(RTCP_BYE)));
}

#[test]
fn app_and_unknown_types_are_exposed() {
    let buf = [
        0x83, 204, 0, 3, 0, 0, 0, 1, b'T', b'E', b'S', b'T', 1, 2, 3, 4, //
        0x81, 205, 0, 0,
    ];
    let packets: Vec<_> = parse_compound(&buf).unwrap().collect();
    assert_eq!(
        packets[0],
        RtcpPacket::App {
            subtype: 3,
            ssrc: 1,
            name: *b"TEST",
            data: &[1, 2, 3, 4]
        }
    );
    assert!(matches!(
        packets[1],
        RtcpPacket::Other {
            packet_type: 205,
            count: 1,
            ..
        }
    ));
}

#[test]
fn writer_reports_a_small_buffer() {
    let mut buf = [0u8; 20];
    let mut w = RtcpWriter::new(&mut buf);
    assert_eq!(
        w.receiver_report(1, &[block(2)]),
        Err(RtcpBuildError::BufferTooSmall {
            needed: 32,
            available: 20
        })
    );
    assert!(w.is_empty());
}

#[test]
fn writer_refuses_too_many_blocks_and_long_text() {
    let mut buf = [0u8; 2048];
    let mut w = RtcpWriter::new(&mut buf);
    let blocks = vec![block(1); 32];
    assert_eq!(
        w.receiver_report(1, &blocks),
        Err(RtcpBuildError::TooManyEntries(32))
    );
    assert_eq!(
        w.sdes_cname(1, &[b'a'; 256]),
        Err(RtcpBuildError::TextTooLong(256))
    );
}

#[test]
fn compound_reports_whether_it_starts_with_a_report() {
    let buf = sr_sdes();
    assert!(parse_compound(&buf).unwrap().starts_with_report());
    let bye_only = [0x81, 203, 0, 1, 0, 0, 0, 1];
    assert!(!parse_compound(&bye_only).unwrap().starts_with_report());
}

#[test]
fn sender_report_bytes_follow_the_rfc_layout() {
    let mut buf = [0u8; 64];
    let mut w = RtcpWriter::new(&mut buf);
    let info = SenderInfo {
        ntp_timestamp: 0x0102_0304_0506_0708,
        rtp_timestamp: 0x090a_0b0c,
        packet_count: 0x0d0e_0f10,
        octet_count: 0x1112_1314,
    };
    w.sender_report(0xa1a2_a3a4, &info, &[block(0xb1b2_b3b4)])
        .unwrap();
    assert_eq!(w.finish(), 52);
    #[rustfmt::skip]
    let expected: [u8; 52] = [
        0x81, 200, 0, 12,                 // V=2 RC=1, SR, 13 words - 1
        0xa1, 0xa2, 0xa3, 0xa4,           // SSRC of sender
        0x01, 0x02, 0x03, 0x04,           // NTP seconds
        0x05, 0x06, 0x07, 0x08,           // NTP fraction
        0x09, 0x0a, 0x0b, 0x0c,           // RTP timestamp
        0x0d, 0x0e, 0x0f, 0x10,           // packet count
        0x11, 0x12, 0x13, 0x14,           // octet count
        0xb1, 0xb2, 0xb3, 0xb4,           // SSRC of source
        64, 0, 0, 12,                     // fraction lost, cumulative lost (24 bits)
        0x00, 0x01, 0x02, 0x03,           // extended highest sequence
        0, 0, 0, 37,                      // jitter
        0x12, 0x34, 0x56, 0x78,           // LSR
        0x00, 0x01, 0x80, 0x00,           // DLSR
    ];
    assert_eq!(buf[..52], expected);
}

#[test]
fn sdes_and_bye_bytes_follow_the_rfc_layout() {
    let mut buf = [0u8; 64];
    let mut w = RtcpWriter::new(&mut buf);
    w.sdes_cname(0x0102_0304, b"ab").unwrap();
    w.bye(&[0x0102_0304], None).unwrap();
    let n = w.finish();
    #[rustfmt::skip]
    let expected = [
        0x81, 202, 0, 3, 0x01, 0x02, 0x03, 0x04, 1, 2, b'a', b'b',
        0, 0, 0, 0, // the item list ends with a null octet, padded to 32 bits
        0x81, 203, 0, 1, 0x01, 0x02, 0x03, 0x04,
    ];
    assert_eq!(buf[..n], expected);
}
