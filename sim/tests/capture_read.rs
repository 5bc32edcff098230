//! Reading captures: every capture of the test data with the UDP datagram count tshark
//! reports, and synthetic captures for each link type, IPv6, pcapng time resolutions and
//! IPv4 fragments. Broken files end in counters or an error, never a panic.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use etherparse::{IpFragOffset, IpNumber, Ipv4Header, PacketBuilder, UdpHeader};
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::pcapng::PcapNgWriter;
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};
use pcap_file::{DataLink, Endianness, TsResolution};
use sipvoice_sim::capture::{Capture, CaptureError, CaptureFormat, LinkType};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/capture");

/// Every capture of the test data and the number of UDP datagrams in it, as counted once
/// with `tshark -r FILE -Y udp | wc -l` (checked again below when tshark is installed).
fn expectations() -> Vec<(String, u64)> {
    let mut list = vec![
        (format!("{SHARED}/testdata/captures/SIP_DTMF2.pcap"), 1360),
        (format!("{SHARED}/testdata/captures/sip-rtp-g722.pcap"), 433),
        (format!("{SHARED}/peers/media/dtmf_only_123hash.pcap"), 28),
        (
            format!("{SHARED}/peers/media/g722_5s_dtmf_123hash.pcap"),
            250,
        ),
        (format!("{SHARED}/peers/media/g722_8s.pcap"), 400),
        (format!("{SHARED}/peers/media/pcma_8s.pcap"), 400),
        (format!("{SHARED}/peers/media/pcmu_8s.pcap"), 400),
        (format!("{DATA}/sipp_g722_call_dtmf_sll2.pcapng"), 835),
        ("/usr/share/sip-tester/g711a.pcap".to_owned(), 236),
    ];
    for key in [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "pound", "star",
    ] {
        list.push((format!("/usr/share/sip-tester/dtmf_2833_{key}.pcap"), 10));
    }
    list
}

fn tshark_udp_count(path: &str) -> Option<u64> {
    let out = std::process::Command::new("tshark")
        .args(["-r", path, "-Y", "udp"])
        .output()
        .ok()?;
    out.status.success().then_some(())?;
    Some(out.stdout.iter().filter(|&&b| b == b'\n').count() as u64)
}

#[test]
fn every_capture_reads_with_the_udp_count_tshark_reports() {
    let mut read = 0;
    for (path, expected) in expectations() {
        if path.starts_with("/usr/share") && !Path::new(&path).exists() {
            println!("skipped: {path} is absent (install the sip-tester package)");
            continue;
        }
        let capture = Capture::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(capture.counts.udp, expected, "{path}");
        assert_eq!(capture.datagrams.len() as u64, expected, "{path}");
        assert_eq!(
            capture.counts.frames, expected,
            "{path}: every frame is UDP"
        );
        assert_eq!(capture.counts.malformed, 0, "{path}");
        assert!(!capture.counts.truncated, "{path}");
        assert!(
            capture.datagrams.windows(2).all(|w| w[0].at <= w[1].at),
            "{path}: time runs forward"
        );
        // tshark takes a second to start: one of SIPp's twelve DTMF files stands for all.
        let same_as_0 = path.contains("dtmf_2833_") && !path.ends_with("dtmf_2833_0.pcap");
        if let Some(n) = (!same_as_0).then(|| tshark_udp_count(&path)).flatten() {
            assert_eq!(
                n, expected,
                "{path}: tshark disagrees with the committed count"
            );
        }
        read += 1;
    }
    assert!(read >= 8);
}

#[test]
fn the_g722_call_has_its_sip_and_rtp_where_tshark_shows_them() {
    let c = Capture::open(format!("{SHARED}/testdata/captures/sip-rtp-g722.pcap")).unwrap();
    assert_eq!(c.format, CaptureFormat::Pcap);
    assert_eq!(c.link_types, vec![LinkType::Ethernet]);
    let first = &c.datagrams[0];
    assert_eq!(first.src, "10.0.2.20:5060".parse::<SocketAddr>().unwrap());
    assert_eq!(first.dst, "10.0.2.15:5060".parse::<SocketAddr>().unwrap());
    assert!(
        first
            .payload
            .starts_with(b"INVITE sip:test@10.0.2.15:5060 SIP/2.0\r\n")
    );
    assert_eq!(first.at, Duration::ZERO);
    let bye = &c.datagrams[431];
    assert!(bye.payload.starts_with(b"BYE "));
    // tshark: frame 432 at 8.503579 s.
    assert_eq!(bye.at, Duration::from_micros(8_503_579));
    let rtp = c
        .datagrams
        .iter()
        .filter(|d| d.dst == "10.0.2.20:6000".parse::<SocketAddr>().unwrap())
        .count();
    assert_eq!(rtp, 425);
}

#[test]
fn the_sll2_pcapng_call_has_nanosecond_times() {
    let c = Capture::open(format!("{DATA}/sipp_g722_call_dtmf_sll2.pcapng")).unwrap();
    assert_eq!(c.format, CaptureFormat::PcapNg);
    assert_eq!(c.link_types, vec![LinkType::LinuxSll2]);
    // tshark: frame 2 (100 Trying) at 0.000226577 s, the BYE (frame 834) at 9.714107000 s.
    assert_eq!(c.datagrams[1].at, Duration::from_nanos(226_577));
    assert!(c.datagrams[1].payload.starts_with(b"SIP/2.0 100 Trying"));
    assert_eq!(c.datagrams[833].at, Duration::from_nanos(9_714_107_000));
    assert!(c.datagrams[833].payload.starts_with(b"BYE "));
}

// ---- synthetic captures -------------------------------------------------------------

fn udp_v4(payload: &[u8]) -> Vec<u8> {
    let b = PacketBuilder::ipv4([192, 0, 2, 1], [192, 0, 2, 2], 64).udp(5060, 5080);
    let mut out = Vec::new();
    b.write(&mut out, payload).unwrap();
    out
}

fn udp_v6(payload: &[u8]) -> Vec<u8> {
    let mut src = [0u8; 16];
    src[0] = 0x20;
    src[1] = 0x01;
    src[2] = 0x0d;
    src[3] = 0xb8;
    let mut dst = src;
    src[15] = 1;
    dst[15] = 2;
    let b = PacketBuilder::ipv6(src, dst, 64).udp(5060, 5080);
    let mut out = Vec::new();
    b.write(&mut out, payload).unwrap();
    out
}

fn ether(ip: &[u8], ether_type: u16) -> Vec<u8> {
    let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
    f.extend_from_slice(&ether_type.to_be_bytes());
    f.extend_from_slice(ip);
    f
}

fn sll(ip: &[u8], ether_type: u16) -> Vec<u8> {
    let mut f = vec![0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0];
    f.extend_from_slice(&ether_type.to_be_bytes());
    f.extend_from_slice(ip);
    f
}

fn sll2(ip: &[u8], ether_type: u16) -> Vec<u8> {
    let mut f = ether_type.to_be_bytes().to_vec();
    f.extend_from_slice(&[0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]);
    f.extend_from_slice(ip);
    f
}

fn write_pcap(link: DataLink, endianness: Endianness, frames: &[(Duration, Vec<u8>)]) -> Vec<u8> {
    let header = PcapHeader {
        datalink: link,
        endianness,
        ts_resolution: TsResolution::NanoSecond,
        ..PcapHeader::default()
    };
    let mut w = PcapWriter::with_header(Vec::new(), header).unwrap();
    for (ts, f) in frames {
        w.write_packet(&PcapPacket::new(*ts, f.len() as u32, f))
            .unwrap();
    }
    w.into_writer()
}

#[test]
fn each_link_type_decodes_ipv4_and_ipv6_udp() {
    let v4 = udp_v4(b"OPTIONS v4");
    let v6 = udp_v6(b"OPTIONS v6");
    let cases: Vec<(DataLink, Vec<Vec<u8>>)> = vec![
        (
            DataLink::ETHERNET,
            vec![ether(&v4, 0x0800), ether(&v6, 0x86dd)],
        ),
        (
            DataLink::LINUX_SLL,
            vec![sll(&v4, 0x0800), sll(&v6, 0x86dd)],
        ),
        (
            DataLink::LINUX_SLL2,
            vec![sll2(&v4, 0x0800), sll2(&v6, 0x86dd)],
        ),
        (
            DataLink::NULL,
            vec![
                [&[2u8, 0, 0, 0][..], &v4].concat(),
                [&[30u8, 0, 0, 0][..], &v6].concat(),
            ],
        ),
        (
            DataLink::LOOP,
            vec![
                [&[0u8, 0, 0, 2][..], &v4].concat(),
                [&[0u8, 0, 0, 24][..], &v6].concat(),
            ],
        ),
        (DataLink::RAW, vec![v4.clone(), v6.clone()]),
        (DataLink::IPV4, vec![v4.clone()]),
    ];
    for (link, frames) in cases {
        for endianness in [Endianness::Big, Endianness::Little] {
            let timed: Vec<_> = frames
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    (
                        Duration::new(1_700_000_000, i as u32 * 20_000_123),
                        f.clone(),
                    )
                })
                .collect();
            let c = Capture::from_bytes(&write_pcap(link, endianness, &timed)).unwrap();
            assert_eq!(c.counts.udp, frames.len() as u64, "{link:?}");
            assert_eq!(c.counts.malformed, 0, "{link:?}");
            assert_eq!(c.start, Some(Duration::new(1_700_000_000, 0)));
            let d = &c.datagrams[0];
            assert_eq!(
                d.src,
                "192.0.2.1:5060".parse::<SocketAddr>().unwrap(),
                "{link:?}"
            );
            assert_eq!(d.dst, "192.0.2.2:5080".parse::<SocketAddr>().unwrap());
            assert_eq!(&d.payload[..], b"OPTIONS v4");
            if let Some(d6) = c.datagrams.get(1) {
                assert_eq!(d6.src, "[2001:db8::1]:5060".parse::<SocketAddr>().unwrap());
                assert_eq!(&d6.payload[..], b"OPTIONS v6");
                assert_eq!(d6.at, Duration::from_nanos(20_000_123), "{link:?}");
            }
        }
    }
}

#[test]
fn non_udp_unknown_links_and_garbage_are_counted() {
    let tcp = {
        let b = PacketBuilder::ipv4([192, 0, 2, 1], [192, 0, 2, 2], 64).tcp(1, 2, 3, 4);
        let mut out = Vec::new();
        b.write(&mut out, b"x").unwrap();
        out
    };
    let frames = vec![
        (Duration::ZERO, ether(&tcp, 0x0800)),
        (Duration::ZERO, ether(&[0u8; 28], 0x0806)), // ARP-sized
        (Duration::ZERO, ether(&udp_v4(b"ok"), 0x0800)),
        (Duration::ZERO, vec![1, 2, 3]),
        (Duration::ZERO, ether(&udp_v4(b"cut")[..24], 0x0800)),
    ];
    let c =
        Capture::from_bytes(&write_pcap(DataLink::ETHERNET, Endianness::Little, &frames)).unwrap();
    assert_eq!(c.counts.frames, 5);
    assert_eq!(c.counts.udp, 1);
    assert_eq!(c.counts.not_udp, 2);
    assert_eq!(c.counts.malformed, 2);

    let other = write_pcap(DataLink::IEEE802_11, Endianness::Big, &frames[2..3]);
    let c = Capture::from_bytes(&other).unwrap();
    assert_eq!(c.counts.unsupported_link, 1);
    assert_eq!(c.link_types, vec![LinkType::Other(105)]);
}

#[test]
fn ipv4_fragments_are_reassembled() {
    let payload: Vec<u8> = (0..3000u32)
        .map(|i| b"INVITE sip:x "[i as usize % 13])
        .collect();
    let mut udp = Vec::new();
    UdpHeader::without_ipv4_checksum(5060, 5080, payload.len())
        .unwrap()
        .write(&mut udp)
        .unwrap();
    udp.extend_from_slice(&payload);
    let mut frames = Vec::new();
    for (i, chunk) in udp.chunks(1480).enumerate() {
        let mut h = Ipv4Header::new(
            chunk.len() as u16,
            64,
            IpNumber::UDP,
            [192, 0, 2, 1],
            [192, 0, 2, 2],
        )
        .unwrap();
        h.identification = 0x4242;
        h.more_fragments = (i + 1) * 1480 < udp.len();
        h.fragment_offset = IpFragOffset::try_new((i * 1480 / 8) as u16).unwrap();
        h.header_checksum = h.calc_header_checksum();
        let mut ip = Vec::new();
        h.write(&mut ip).unwrap();
        ip.extend_from_slice(chunk);
        frames.push((Duration::from_millis(i as u64), ether(&ip, 0x0800)));
    }
    assert_eq!(frames.len(), 3);
    let c = Capture::from_bytes(&write_pcap(DataLink::ETHERNET, Endianness::Big, &frames)).unwrap();
    assert_eq!(c.counts.fragments, 2);
    assert_eq!(c.counts.udp, 1);
    assert_eq!(&c.datagrams[0].payload[..], &payload[..]);
    assert_eq!(c.datagrams[0].at, Duration::from_millis(2));
}

fn pcapng(resolution: Option<u8>, raw_stamps: &[u64]) -> Vec<u8> {
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    let mut idb = InterfaceDescriptionBlock::new(DataLink::ETHERNET, 65535);
    if let Some(r) = resolution {
        idb.options.push(InterfaceDescriptionOption::IfTsResol(r));
    }
    w.write_pcapng_block(idb).unwrap();
    let frame = ether(&udp_v4(b"ng"), 0x0800);
    for &raw in raw_stamps {
        // The writer stores the duration's nanosecond count as the raw 64-bit stamp.
        let epb = EnhancedPacketBlock {
            interface_id: 0,
            timestamp: Duration::from_nanos(raw),
            original_len: frame.len() as u32,
            data: Cow::Borrowed(&frame),
            options: vec![],
        };
        w.write_pcapng_block(epb).unwrap();
    }
    w.into_inner()
}

#[test]
fn pcapng_timestamps_honour_if_tsresol() {
    // Default: microseconds.
    let c = Capture::from_bytes(&pcapng(None, &[1_000_000, 1_020_000])).unwrap();
    assert_eq!(c.start, Some(Duration::from_secs(1)));
    assert_eq!(c.datagrams[1].at, Duration::from_millis(20));
    // 10^-9.
    let c = Capture::from_bytes(&pcapng(Some(9), &[5_000_000_000, 5_000_000_007])).unwrap();
    assert_eq!(c.datagrams[1].at, Duration::from_nanos(7));
    // 2^-10 (1024 units per second).
    let c = Capture::from_bytes(&pcapng(Some(0x80 | 10), &[1024, 1536])).unwrap();
    assert_eq!(c.start, Some(Duration::from_secs(1)));
    assert_eq!(c.datagrams[1].at, Duration::from_millis(500));
}

#[test]
fn broken_files_end_in_counters_or_an_error() {
    assert!(matches!(
        Capture::from_bytes(b"hello"),
        Err(CaptureError::NotACapture(_))
    ));
    assert!(Capture::from_bytes(&[]).is_err());
    assert!(Capture::open("/nonexistent/file.pcap").is_err());
    for path in [
        format!("{SHARED}/testdata/captures/sip-rtp-g722.pcap"),
        format!("{DATA}/sipp_g722_call_dtmf_sll2.pcapng"),
    ] {
        let data = std::fs::read(&path).unwrap();
        let whole = Capture::from_bytes(&data).unwrap().counts.udp;
        // Cut anywhere: a header error, or fewer datagrams and `truncated` when mid-record.
        for cut in (0..data.len()).step_by(997) {
            if let Ok(c) = Capture::from_bytes(&data[..cut]) {
                assert!(c.counts.udp <= whole);
            }
        }
        let c = Capture::from_bytes(&data[..data.len() - 3]).unwrap();
        assert!(c.counts.truncated, "{path}");
        // The last record is lost (pcapng may end with a statistics block instead).
        assert!(c.counts.udp + 1 >= whole && c.counts.udp <= whole);
        // Flip bytes all over: still no panic.
        let mut seed = 0x1234_5678u32;
        for _ in 0..60 {
            let mut bad = data.clone();
            for _ in 0..20 {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let at = seed as usize % bad.len();
                bad[at] ^= (seed >> 24) as u8 | 1;
            }
            let _ = Capture::from_bytes(&bad);
        }
    }
}
