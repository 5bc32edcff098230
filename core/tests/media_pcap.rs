//! Parses the RTP captures of the peers kit and plays their audio through the jitter buffer
//! at the captured arrival times.

use bytes::Bytes;
use sipvoice_core::media::{
    AudioPacket, JitterBuffer, JitterConfig, PacketKind, Playout, ReceiveStats, RtpPacket, classify,
};
use std::time::{Duration, Instant};

const MEDIA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/peers/media");
const CAPTURES_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/testdata/captures"
);

/// Any instant serves as the origin of a test timeline; only differences matter.
#[allow(clippy::disallowed_methods)]
fn origin() -> Instant {
    Instant::now()
}

/// One captured UDP datagram: capture time since the first record, ports, and the UDP payload.
struct Datagram {
    at: Duration,
    dst_port: u16,
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
        if frame[12..14] != [0x08, 0x00] {
            continue; // not IPv4
        }
        let ip = &frame[14..];
        let ihl = usize::from(ip[0] & 0x0f) * 4;
        if ip[9] != 17 {
            continue; // not UDP
        }
        let udp = &ip[ihl..];
        let udp_len = usize::from(u16::from_be_bytes([udp[4], udp[5]]));
        out.push(Datagram {
            at: stamp - first,
            dst_port: u16::from_be_bytes([udp[2], udp[3]]),
            payload: Bytes::copy_from_slice(&udp[8..udp_len]),
        });
    }
    assert_eq!(pos, data.len(), "{path:?}: no trailing bytes");
    out
}

/// The jitter-buffer input for the RTP packet `p` parsed from `datagram`.
fn audio_packet(p: &RtpPacket<'_>, datagram: &Bytes) -> AudioPacket {
    AudioPacket {
        seq: p.sequence(),
        timestamp: p.timestamp(),
        ssrc: p.ssrc(),
        marker: p.marker(),
        payload: p.payload_bytes(datagram),
    }
}

/// Pops everything due by `now`: how many frames were played and how many concealed.
fn pop_due(jb: &mut JitterBuffer, now: Instant) -> (u64, u64) {
    let (mut played, mut concealed) = (0, 0);
    while let Some(out) = jb.pop(now) {
        match out {
            Playout::Frame { .. } => played += 1,
            Playout::Conceal { .. } => concealed += 1,
        }
    }
    (played, concealed)
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
        jb.push(now, audio_packet(&p, &d.payload));
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
            jb.push(now, audio_packet(&p, &d.payload));
        }
        let (p, c) = pop_due(&mut jb, now);
        (played, concealed) = (played + p, concealed + c);
    }
    assert!(events > 0 && audio > 100);
    assert_eq!(played, audio);
    assert_eq!(concealed, 0);
    assert_eq!(jb.stats().non_audio, events);
}

/// Outcome of playing one SSRC of a capture through the jitter buffer and receive statistics.
struct Replay {
    audio: u64,
    events: u64,
    played: u64,
    concealed: u64,
    missing_in_capture: u64,
    stats: ReceiveStats,
}

/// Replays the stream `ssrc` (audio `audio_pt`, events `event_pt`) at its captured times.
fn replay(datagrams: &[Datagram], ssrc: u32, audio_pt: u8, event_pt: u8, ptime_ms: u32) -> Replay {
    let t0 = origin();
    let config = JitterConfig {
        ptime_ms,
        ..JitterConfig::default()
    };
    let mut jb = JitterBuffer::new(config).unwrap();
    let mut stats = ReceiveStats::new(8000);
    let mut r = (0u64, 0u64, 0u64, 0u64);
    let mut seqs = Vec::new();
    for d in datagrams {
        if classify(&d.payload) != PacketKind::Rtp {
            continue;
        }
        let Ok(p) = RtpPacket::parse(&d.payload) else {
            continue;
        };
        if p.ssrc() != ssrc {
            continue;
        }
        let now = t0 + d.at;
        seqs.push(p.sequence());
        if p.payload_type() == event_pt {
            r.1 += 1;
            jb.skip_seq(p.ssrc(), p.sequence());
        } else {
            assert_eq!(p.payload_type(), audio_pt);
            r.0 += 1;
            stats.on_packet(now, p.sequence(), p.timestamp(), p.payload().len());
            jb.push(now, audio_packet(&p, &d.payload));
        }
        let (p, c) = pop_due(&mut jb, now);
        (r.2, r.3) = (r.2 + p, r.3 + c);
    }
    // Sequence numbers absent from the capture, counted independently of the buffer.
    let first = seqs[0];
    seqs.sort_by_key(|s| s.wrapping_sub(first));
    seqs.dedup();
    let span = u64::from(seqs[seqs.len() - 1].wrapping_sub(seqs[0])) + 1;
    Replay {
        audio: r.0,
        events: r.1,
        played: r.2,
        concealed: r.3,
        missing_in_capture: span - seqs.len() as u64,
        stats,
    }
}

#[test]
fn real_g722_call_plays_without_concealment() {
    let datagrams = read_pcap(&std::path::Path::new(CAPTURES_DIR).join("sip-rtp-g722.pcap"));
    let rtp: Vec<_> = datagrams
        .into_iter()
        .filter(|d| d.dst_port == 6000)
        .collect();
    let r = replay(&rtp, 0x043D_AABA, 9, 101, 20);
    assert_eq!(r.audio, 425);
    assert_eq!(r.missing_in_capture, 0);
    assert_eq!((r.played, r.concealed), (425, 0));
    assert_eq!(r.stats.cumulative_lost(), 0);
    assert!(
        r.stats.jitter_ms() < 20.0,
        "jitter {} ms",
        r.stats.jitter_ms()
    );
}

#[test]
fn real_pcma_30ms_call_with_pt96_events_plays_every_audio_packet() {
    let datagrams = read_pcap(&std::path::Path::new(CAPTURES_DIR).join("SIP_DTMF2.pcap"));
    let r = replay(&datagrams, 0x5711_BF84, 8, 96, 30);
    assert_eq!(r.events, 35);
    assert!(r.audio > 500);
    assert_eq!(r.concealed, r.missing_in_capture);
    assert_eq!(r.played, r.audio);
    let other = replay(&datagrams, 0x9A7B_5382, 8, 96, 30);
    assert_eq!(other.audio, 665);
    assert_eq!(other.concealed, other.missing_in_capture);
    assert_eq!(
        other.played + other.concealed,
        other.audio + other.missing_in_capture
    );
}
