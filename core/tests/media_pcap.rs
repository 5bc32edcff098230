//! Parses the RTP captures of the peers kit and plays their audio through the jitter buffer
//! at the captured arrival times.

use bytes::Bytes;
use sipvoice_core::media::{
    AudioPacket, JitterBuffer, JitterConfig, PacketKind, Playout, RtpPacket, classify,
};
use std::time::{Duration, Instant};

const MEDIA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/peers/media");

/// Any instant serves as the origin of a test timeline; only differences matter.
#[allow(clippy::disallowed_methods)]
fn origin() -> Instant {
    Instant::now()
}

/// One captured UDP datagram: capture time since the first record, and the UDP payload.
struct Datagram {
    at: Duration,
    payload: Bytes,
}

fn u32_le(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

/// Minimal classic-pcap reader: Ethernet + IPv4 + UDP, as written by gen_rtp_pcap.py.
fn read_pcap(path: &std::path::Path) -> Vec<Datagram> {
    let data = std::fs::read(path).unwrap();
    assert_eq!(
        u32_le(&data, 0),
        0xa1b2_c3d4,
        "{path:?}: little-endian µs pcap"
    );
    assert_eq!(u32_le(&data, 20), 1, "{path:?}: LINKTYPE_ETHERNET");
    let mut out = Vec::new();
    let mut pos = 24;
    let mut first: Option<Duration> = None;
    while pos + 16 <= data.len() {
        let sec = u64::from(u32_le(&data, pos));
        let usec = u64::from(u32_le(&data, pos + 4));
        let caplen = u32_le(&data, pos + 8) as usize;
        let frame = &data[pos + 16..pos + 16 + caplen];
        pos += 16 + caplen;
        let stamp = Duration::from_secs(sec) + Duration::from_micros(usec);
        let first = *first.get_or_insert(stamp);
        assert_eq!(&frame[12..14], &[0x08, 0x00], "IPv4 ethertype");
        let ip = &frame[14..];
        let ihl = usize::from(ip[0] & 0x0f) * 4;
        assert_eq!(ip[9], 17, "UDP");
        let udp = &ip[ihl..];
        let udp_len = usize::from(u16::from_be_bytes([udp[4], udp[5]]));
        out.push(Datagram {
            at: stamp - first,
            payload: Bytes::copy_from_slice(&udp[8..udp_len]),
        });
    }
    assert_eq!(pos, data.len(), "{path:?}: no trailing bytes");
    out
}

fn pcap_paths() -> Vec<std::path::PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(MEDIA_DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn every_captured_packet_parses_as_rtp() {
    let paths = pcap_paths();
    assert!(
        paths.len() >= 5,
        "expected the kit's captures, found {paths:?}"
    );
    for path in paths {
        let datagrams = read_pcap(&path);
        assert!(!datagrams.is_empty(), "{path:?} is empty");
        for d in &datagrams {
            assert_eq!(classify(&d.payload), PacketKind::Rtp, "{path:?}");
            let p = RtpPacket::parse(&d.payload).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            assert!(matches!(p.payload_type(), 0 | 8 | 9 | 101), "{path:?}");
            if p.payload_type() != 101 {
                assert_eq!(p.payload().len(), 160, "{path:?}: 20 ms of audio");
            }
        }
    }
}

#[test]
fn g722_capture_plays_every_packet_in_order() {
    let datagrams = read_pcap(&std::path::Path::new(MEDIA_DIR).join("g722_8s.pcap"));
    let t0 = origin();
    let mut jb = JitterBuffer::new(JitterConfig::default()).unwrap();
    let mut played = Vec::new();
    let mut concealed = 0;
    for d in &datagrams {
        let now = t0 + d.at;
        if let Some(deadline) = jb.next_deadline() {
            assert!(deadline > now, "nothing falls due between packets");
        }
        let p = RtpPacket::parse(&d.payload).unwrap();
        assert_eq!(p.payload_type(), 9);
        jb.push(
            now,
            AudioPacket {
                seq: p.sequence(),
                timestamp: p.timestamp(),
                ssrc: p.ssrc(),
                marker: p.marker(),
                payload: p.payload_bytes(&d.payload),
            },
        );
        let mut this_time = 0;
        while let Some(out) = jb.pop(now) {
            match out {
                Playout::Frame { seq, payload, .. } => {
                    assert_eq!(payload.len(), 160);
                    played.push(seq);
                    this_time += 1;
                }
                Playout::Conceal { .. } => concealed += 1,
            }
        }
        assert_eq!(this_time, 1, "each in-order packet is delivered on arrival");
    }
    assert_eq!(concealed, 0);
    assert_eq!(played.len(), datagrams.len());
    assert!(
        played.len() >= 390,
        "about 400 packets, got {}",
        played.len()
    );
    for w in played.windows(2) {
        assert_eq!(w[1], w[0].wrapping_add(1), "in order");
    }
    let stats = jb.stats();
    assert_eq!(
        (stats.played, stats.concealed, stats.late, stats.duplicates),
        (datagrams.len() as u64, 0, 0, 0)
    );
    assert_eq!(jb.next_deadline(), None);
}

#[test]
fn g722_with_dtmf_plays_all_audio_and_treats_event_seqs_as_holes() {
    let datagrams = read_pcap(&std::path::Path::new(MEDIA_DIR).join("g722_5s_dtmf_123hash.pcap"));
    let t0 = origin();
    let mut jb = JitterBuffer::new(JitterConfig::default()).unwrap();
    let (mut audio, mut events, mut played, mut concealed) = (0u64, 0u64, 0u64, 0u64);
    for d in &datagrams {
        let now = t0 + d.at;
        let p = RtpPacket::parse(&d.payload).unwrap();
        if p.payload_type() == 101 {
            events += 1;
            jb.skip_seq(p.ssrc(), p.sequence());
        } else {
            audio += 1;
            jb.push(
                now,
                AudioPacket {
                    seq: p.sequence(),
                    timestamp: p.timestamp(),
                    ssrc: p.ssrc(),
                    marker: p.marker(),
                    payload: p.payload_bytes(&d.payload),
                },
            );
        }
        while let Some(out) = jb.pop(now) {
            match out {
                Playout::Frame { .. } => played += 1,
                Playout::Conceal { .. } => concealed += 1,
            }
        }
    }
    assert!(events > 0 && audio > 100);
    assert_eq!(played, audio);
    assert_eq!(concealed, 0);
    assert_eq!(jb.stats().non_audio, events);
}
