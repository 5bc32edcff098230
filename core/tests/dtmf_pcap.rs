//! RFC 4733 receiver replayed over real captures: the peers kit's generated pcaps, SIPp's
//! shipped DTMF pcaps and a public SIP capture with events on payload type 96.

use std::time::{Duration, Instant};

use sipvoice_core::media::{DtmfEvent, DtmfReceiver, RtpEventInput};

const PEERS_MEDIA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/peers/media/");
const CAPTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/testdata/captures/"
);

/// The one wall-clock read of the test: every later instant derives from it.
#[allow(clippy::disallowed_methods)]
fn t0() -> Instant {
    Instant::now()
}

/// One RTP packet found in a capture.
struct Rtp {
    at: Duration,
    pt: u8,
    marker: bool,
    seq: u16,
    timestamp: u32,
    ssrc: u32,
    payload: Vec<u8>,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The UDP payload of one link-layer frame (Ethernet, with VLAN tags, or Linux cooked; IPv4).
fn udp_payload(link: u32, frame: &[u8]) -> Option<&[u8]> {
    let ip = match link {
        1 => {
            let mut at = 12;
            let mut ethertype = be16(frame, at)?;
            while ethertype == 0x8100 || ethertype == 0x88a8 {
                at += 4;
                ethertype = be16(frame, at)?;
            }
            (ethertype == 0x0800).then_some(at + 2)?
        }
        113 => (be16(frame, 14)? == 0x0800).then_some(16)?,
        _ => return None,
    };
    let ip = frame.get(ip..)?;
    let ihl = usize::from(ip.first()? & 0x0f) * 4;
    if ip.first()? >> 4 != 4 || *ip.get(9)? != 17 {
        return None;
    }
    let total = usize::from(be16(ip, 2)?);
    let udp = ip.get(ihl..total.min(ip.len()))?;
    let udp_len = usize::from(be16(udp, 4)?);
    udp.get(8..udp_len.min(udp.len()))
}

/// An RTP header over a UDP payload (version 2, CSRCs, extension and padding honoured).
fn rtp(at: Duration, b: &[u8]) -> Option<Rtp> {
    let (b0, b1) = (*b.first()?, *b.get(1)?);
    if b0 >> 6 != 2 {
        return None;
    }
    let mut start = 12 + usize::from(b0 & 0x0f) * 4;
    if b0 & 0x10 != 0 {
        start += 4 + usize::from(be16(b, start + 2)?) * 4;
    }
    let mut end = b.len();
    if b0 & 0x20 != 0 {
        end = end.checked_sub(usize::from(*b.last()?))?;
    }
    Some(Rtp {
        at,
        pt: b1 & 0x7f,
        marker: b1 & 0x80 != 0,
        seq: be16(b, 2)?,
        timestamp: be32(b, 4)?,
        ssrc: be32(b, 8)?,
        payload: b.get(start..end)?.to_vec(),
    })
}

/// Every RTP-looking UDP packet of a classic pcap file, with its time since the first record.
fn read_pcap(path: &str) -> Vec<Rtp> {
    let data = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let magic = data.get(..4).expect("global header");
    let (le, nanos) = match magic {
        [0xd4, 0xc3, 0xb2, 0xa1] => (true, false),
        [0x4d, 0x3c, 0xb2, 0xa1] => (true, true),
        [0xa1, 0xb2, 0xc3, 0xd4] => (false, false),
        [0xa1, 0xb2, 0x3c, 0x4d] => (false, true),
        _ => panic!("{path}: not a classic pcap file"),
    };
    let u32_at = |at: usize| -> u32 {
        let b: [u8; 4] = data[at..at + 4].try_into().expect("4 bytes");
        if le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        }
    };
    let link = u32_at(20);
    let mut out = Vec::new();
    let mut first = None;
    let mut at = 24;
    while at + 16 <= data.len() {
        let (sec, frac, caplen) = (u32_at(at), u32_at(at + 4), u32_at(at + 8) as usize);
        let frame = &data[at + 16..(at + 16 + caplen).min(data.len())];
        at += 16 + caplen;
        let sub = if nanos { frac } else { frac * 1000 };
        let t = Duration::new(u64::from(sec), sub);
        let t = t - *first.get_or_insert(t);
        if let Some(packet) = udp_payload(link, frame).and_then(|udp| rtp(t, udp)) {
            out.push(packet);
        }
    }
    out
}

/// Replays the packets of payload type `pt` into a receiver at their captured times,
/// firing its timer in between as a driver would.
fn replay(packets: &[Rtp], pt: u8) -> (Vec<DtmfEvent>, DtmfReceiver) {
    let start = t0();
    let mut rx = DtmfReceiver::default();
    let mut out = Vec::new();
    let fire = |rx: &mut DtmfReceiver, until: Instant, out: &mut Vec<DtmfEvent>| {
        while let Some(deadline) = rx.next_deadline().filter(|&d| d <= until) {
            out.extend(std::iter::from_fn(|| rx.poll(deadline)));
        }
    };
    let mut last = start;
    for p in packets.iter().filter(|p| p.pt == pt) {
        let now = start + p.at;
        fire(&mut rx, now, &mut out);
        let input = RtpEventInput {
            ssrc: p.ssrc,
            seq: p.seq,
            timestamp: p.timestamp,
            marker: p.marker,
            payload: &p.payload,
        };
        rx.receive(now, input);
        out.extend(std::iter::from_fn(|| rx.poll(now)));
        last = now;
    }
    fire(&mut rx, last + Duration::from_secs(10), &mut out);
    (out, rx)
}

fn digits(events: &[DtmfEvent]) -> String {
    events.iter().map(|e| e.digit).collect()
}

/// `events` spell `expected`, each a complete press of `duration_ms` on `ssrc`.
fn assert_presses(events: &[DtmfEvent], expected: &str, duration_ms: u32, ssrc: u32) {
    assert_eq!(digits(events), expected);
    assert!(
        events
            .iter()
            .all(|e| e.end_seen && e.duration_ms == duration_ms),
        "{events:?}"
    );
    assert!(events.iter().all(|e| e.ssrc == ssrc));
}

#[test]
fn generated_events_only_pcap_gives_1_2_3_hash_once_each() {
    let packets = read_pcap(&format!("{PEERS_MEDIA}dtmf_only_123hash.pcap"));
    let (events, rx) = replay(&packets, 101);
    assert_presses(&events, "123#", 100, 0x3333_4733);
    assert_eq!(
        rx.stats().duplicates,
        8,
        "two repeated end packets per press"
    );
}

#[test]
fn generated_g722_pcap_with_events_in_the_audio_ssrc_gives_1_2_3_hash_once_each() {
    let packets = read_pcap(&format!("{PEERS_MEDIA}g722_5s_dtmf_123hash.pcap"));
    assert!(packets.iter().any(|p| p.pt == 9), "audio present");
    let (events, _) = replay(&packets, 101);
    assert_presses(&events, "123#", 160, 0x2222_4733);
}

#[test]
fn public_capture_with_events_on_pt_96_gives_6789123_once_each() {
    let packets = read_pcap(&format!("{CAPTURES}SIP_DTMF2.pcap"));
    let (events, rx) = replay(&packets, 96);
    assert_presses(&events, "6789123", 120, 0x5711_bf84);
    assert_eq!(rx.stats().short_payloads + rx.stats().unknown_events, 0);
}

#[test]
fn sipp_shipped_dtmf_pcap_gives_digit_1_once() {
    let path = "/usr/share/sip-tester/dtmf_2833_1.pcap";
    if !std::path::Path::new(path).exists() {
        println!("skipped: {path} is absent (install the sip-tester package)");
        return;
    }
    let packets = read_pcap(path);
    let (events, rx) = replay(&packets, 101);
    assert_eq!(digits(&events), "1");
    assert_eq!(events[0].duration_ms, 280);
    assert!(events[0].end_seen && events[0].start_seen);
    assert_eq!(
        rx.stats().duplicates,
        2,
        "end packet repeated under one seq"
    );
}

#[test]
fn sipp_shipped_pound_and_star_pcaps_give_their_keys() {
    for (file, key) in [("dtmf_2833_pound.pcap", "#"), ("dtmf_2833_star.pcap", "*")] {
        let path = format!("/usr/share/sip-tester/{file}");
        if !std::path::Path::new(&path).exists() {
            println!("skipped: {path} is absent (install the sip-tester package)");
            continue;
        }
        let (events, _) = replay(&read_pcap(&path), 101);
        assert_eq!(digits(&events), key, "{file}");
    }
}

#[test]
fn sipp_scenario_playing_2_1_1_from_the_shipped_pcaps_gives_2_1_1() {
    // The files share one SSRC, "1" has an older timestamp than "2", and replaying "1"
    // twice repeats its timestamp and sequence numbers exactly.
    let dir = "/usr/share/sip-tester/";
    let files = ["dtmf_2833_2.pcap", "dtmf_2833_1.pcap", "dtmf_2833_1.pcap"];
    if files
        .iter()
        .any(|f| !std::path::Path::new(&format!("{dir}{f}")).exists())
    {
        println!("skipped: SIPp's DTMF pcaps are absent (install the sip-tester package)");
        return;
    }
    let mut packets = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let offset = Duration::from_millis(700 * i as u64);
        packets.extend(read_pcap(&format!("{dir}{file}")).into_iter().map(|mut p| {
            p.at += offset;
            p
        }));
    }
    let (events, _) = replay(&packets, 101);
    assert_eq!(digits(&events), "211");
    assert!(events.iter().all(|e| e.end_seen), "{events:?}");
}
