//! Captured RTP replayed into a media session: real G.711/G.722 streams and RFC 4733 events
//! (the peers kit's generated captures and a public capture with events on payload type 96).

mod session_common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use bytes::Bytes;
use session_common::*;
use sipvoice_core::Rng;
use sipvoice_core::codec::{Codec, Decoder};
use sipvoice_core::sdp::{AudioCodec, NegotiatedMedia};
use sipvoice_core::session::{MediaEvent, MediaOutput, MediaSession, SessionConfig};

const PEERS_MEDIA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/peers/media/");
const CAPTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/testdata/captures/"
);

/// One UDP datagram of a capture.
struct Datagram {
    at: Duration,
    from: SocketAddr,
    to: SocketAddr,
    data: Bytes,
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

/// Source, destination and payload of an Ethernet/IPv4/UDP frame.
fn udp(frame: &[u8]) -> Option<(SocketAddr, SocketAddr, &[u8])> {
    if be16(frame, 12)? != 0x0800 {
        return None;
    }
    let ip = frame.get(14..)?;
    if ip.first()? >> 4 != 4 || *ip.get(9)? != 17 {
        return None;
    }
    let ihl = usize::from(ip.first()? & 0x0f) * 4;
    let addr = |at: usize| -> Option<IpAddr> {
        let b: [u8; 4] = ip.get(at..at + 4)?.try_into().ok()?;
        Some(IpAddr::V4(Ipv4Addr::from(b)))
    };
    let u = ip.get(ihl..)?;
    let len = usize::from(be16(u, 4)?);
    Some((
        SocketAddr::new(addr(12)?, be16(u, 0)?),
        SocketAddr::new(addr(16)?, be16(u, 2)?),
        u.get(8..len.min(u.len()))?,
    ))
}

/// Every UDP datagram of a little-endian classic pcap over Ethernet, times from the first.
fn read_pcap(path: &str) -> Vec<Datagram> {
    let file = std::fs::read(path).expect("capture file");
    assert_eq!(le32(&file, 0), Some(0xa1b2_c3d4), "little-endian pcap");
    assert_eq!(le32(&file, 20), Some(1), "Ethernet");
    let mut at = 24;
    let mut out = Vec::new();
    let mut first = None;
    while let (Some(sec), Some(usec), Some(len)) =
        (le32(&file, at), le32(&file, at + 4), le32(&file, at + 8))
    {
        let start = at + 16;
        let Some(frame) = file.get(start..start + len as usize) else {
            break;
        };
        at = start + len as usize;
        let t = Duration::from_secs(u64::from(sec)) + Duration::from_micros(u64::from(usec));
        let t0 = *first.get_or_insert(t);
        if let Some((from, to, payload)) = udp(frame) {
            out.push(Datagram {
                at: t - t0,
                from,
                to,
                data: Bytes::copy_from_slice(payload),
            });
        }
    }
    out
}

/// What the session reported while the datagrams from `remote` to `local` were replayed.
struct Replay {
    pcm: Vec<i16>,
    frames: usize,
    concealed: usize,
    digits: String,
}

fn replay(path: &str, media: &NegotiatedMedia, local: SocketAddr) -> (Replay, MediaSession) {
    let t0 = epoch();
    let mut rng = Rng::from_seed(2);
    let mut s = MediaSession::new(media, local, &SessionConfig::default(), &mut rng, t0);
    let mut r = Replay {
        pcm: Vec::new(),
        frames: 0,
        concealed: 0,
        digits: String::new(),
    };
    let collect = |s: &mut MediaSession, r: &mut Replay| {
        while let Some(out) = s.poll_output() {
            match out {
                MediaOutput::Event(MediaEvent::Audio { pcm, concealed, .. }) => {
                    r.frames += 1;
                    r.concealed += usize::from(concealed);
                    r.pcm.extend_from_slice(&pcm);
                }
                MediaOutput::Event(MediaEvent::Dtmf { digit, .. }) => r.digits.push(digit),
                _ => {}
            }
        }
    };
    let datagrams = read_pcap(path);
    let end = datagrams.last().map_or(Duration::ZERO, |d| d.at) + ms(500);
    for d in datagrams
        .into_iter()
        .filter(|d| d.to == local && d.from == media.remote_rtp)
    {
        let now = t0 + d.at;
        while let Some(due) = s.next_deadline().filter(|due| *due <= now) {
            s.handle_timeout(due);
            collect(&mut s, &mut r);
        }
        s.handle_rtp(now, d.from, d.data);
        collect(&mut s, &mut r);
    }
    while let Some(due) = s.next_deadline().filter(|due| *due <= t0 + end) {
        s.handle_timeout(due);
        collect(&mut s, &mut r);
    }
    (r, s)
}

fn negotiated(codec: AudioCodec, te: u8, remote: SocketAddr) -> NegotiatedMedia {
    let mut m = media(codec, remote);
    m.telephone_event = Some(te);
    m
}

/// The raw payload file decoded in one go: what the session must reproduce exactly.
fn decode_file(name: &str, codec: Codec) -> Vec<i16> {
    let raw = std::fs::read(format!("{PEERS_MEDIA}{name}")).expect("payload file");
    let mut pcm = vec![0i16; raw.len() * codec.samples_per_byte()];
    let n = Decoder::new(codec).decode(&raw, &mut pcm);
    pcm.truncate(n);
    pcm
}

#[test]
fn captured_streams_decode_exactly_like_their_payload_files() {
    let local = addr("127.0.0.1:20000");
    let remote = addr("127.0.0.1:10000");
    for (file, codec, raw, c) in [
        (
            "pcmu_8s.pcap",
            AudioCodec::Pcmu,
            "prompt_8s.ulaw",
            Codec::Pcmu,
        ),
        (
            "pcma_8s.pcap",
            AudioCodec::Pcma,
            "prompt_8s.alaw",
            Codec::Pcma,
        ),
        (
            "g722_8s.pcap",
            AudioCodec::G722,
            "prompt_8s.g722",
            Codec::G722,
        ),
    ] {
        let (r, s) = replay(
            &format!("{PEERS_MEDIA}{file}"),
            &negotiated(codec, 101, remote),
            local,
        );
        assert_eq!((r.frames, r.concealed), (400, 0), "{file}");
        assert_eq!(
            r.pcm,
            decode_file(raw, c),
            "{file}: every frame, in order, once"
        );
        let stats = s.stats(epoch());
        assert_eq!((stats.packets_received, stats.packets_rejected), (400, 0));
    }
}

#[test]
fn g722_with_events_on_the_audio_ssrc() {
    let local = addr("127.0.0.1:20000");
    let remote = addr("127.0.0.1:10000");
    let path = format!("{PEERS_MEDIA}g722_5s_dtmf_123hash.pcap");
    let (r, s) = replay(&path, &negotiated(AudioCodec::G722, 101, remote), local);
    assert_eq!(r.digits, "123#");
    assert_eq!(r.concealed, 0, "event packets are not audio loss");
    let stats = s.stats(epoch());
    assert_eq!(stats.packets_lost, 0);
    assert_eq!(stats.dtmf_received, 4);
    assert_eq!(stats.packets_received, 250);
    assert!(
        250 - r.frames >= 4 * 8,
        "each 160 ms key took the slots of its audio"
    );
    assert!(rms(&r.pcm) > 500.0, "speech came through");
}

#[test]
fn public_capture_with_events_on_payload_type_96() {
    let local = addr("192.168.105.110:4376");
    let remote = addr("192.168.105.172:4376");
    let path = format!("{CAPTURES}SIP_DTMF2.pcap");
    let (r, s) = replay(&path, &negotiated(AudioCodec::Pcma, 96, remote), local);
    assert_eq!(r.digits, "6789123");
    let stats = s.stats(epoch());
    assert_eq!(stats.packets_received, 631 + 35);
    assert_eq!(stats.packets_rejected, 0);
    assert_eq!(r.frames, 631);
    assert!(rms(&r.pcm) > 100.0);
}
