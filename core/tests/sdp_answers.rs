//! Our answers to real offers (SIPp, baresip, two public captures), snapshot-tested.
//!
//! The offers live in `tests/data/sdp/` (see its README for where each came from).

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use sipvoice_core::sdp::{
    AddressProblem, AudioCodec, Direction, MediaConfig, Refusal, SessionDescription, answer_offer,
    answer_reoffer, build_offer,
};
use std::fmt::Write;
use std::net::IpAddr;

fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/sdp/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn offer(name: &str) -> SessionDescription {
    SessionDescription::parse_slice(&data(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A configuration whose o= id and version come from a seeded RNG, as the endpoint draws them.
fn config(address: &str, port: u16, seed: u64) -> MediaConfig {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Keep them in the range that prints as at most 19 digits, like common stacks.
    let id = rng.next_u64() >> 2;
    let version = rng.next_u64() >> 2;
    let ip: IpAddr = address.parse().unwrap_or_else(|e| panic!("{address}: {e}"));
    MediaConfig::new(ip, port, id, version)
}

/// The answer text followed by what the media layer is told.
fn report(offer: &SessionDescription, config: &MediaConfig) -> String {
    let answer = answer_offer(offer, config).unwrap_or_else(|e| panic!("refused: {e}"));
    let m = &answer.media;
    let mut out = answer.sdp.to_string().replace("\r\n", "\n");
    let _ = writeln!(out, "---");
    let _ = writeln!(
        out,
        "codec: {} pt {} ({}/{} Hz)",
        m.encoding_name,
        m.payload_type,
        m.codec.sample_rate(),
        m.clock_rate
    );
    let _ = writeln!(
        out,
        "telephone-event: {:?} fmtp {:?}",
        m.telephone_event,
        m.telephone_event_fmtp.as_ref().map(|t| t.as_str())
    );
    let _ = writeln!(
        out,
        "ptime: {} direction: {:?} on_hold: {}",
        m.ptime, m.direction, m.on_hold
    );
    let _ = writeln!(
        out,
        "remote rtp: {} rtcp: {} rtcp-mux: {}",
        m.remote_rtp, m.remote_rtcp, m.rtcp_mux
    );
    // Printing is canonical: the answer survives a parse/print round trip.
    let again = SessionDescription::parse(answer.sdp.to_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again, answer.sdp);
    out
}

#[test]
fn sipp_uac_g722_call_offer() {
    let o = offer("sipp_uac_g722_call.sdp");
    let cfg = config("127.0.0.1", 20000, 1);
    let text = report(&o, &cfg);
    // What the SIPp scenario checks with its two regular expressions.
    assert!(text.contains("\nm=audio 20000 RTP/AVP 9 101\n"));
    assert!(text.contains("\na=rtpmap:101 telephone-event/8000\n"));
    insta::assert_snapshot!("sipp_uac_g722_call", text);
}

#[test]
fn baresip_offer() {
    let o = offer("baresip_1.0.0_invite.sdp");
    let cfg = config("127.0.0.1", 20002, 2);
    let text = report(&o, &cfg);
    assert!(text.contains("\na=fmtp:101 0-15\n"));
    insta::assert_snapshot!("baresip_1_0_0", text);
}

#[test]
fn pcap_sip_rtp_g722_recvonly_offer() {
    // The capture's answerer was 10.0.2.15: answering from a routable address of our own,
    // the default policy accepts the peer's private address.
    let o = offer("pcap_sip-rtp-g722_invite.sdp");
    let cfg = config("10.0.2.15", 17472, 3);
    let text = report(&o, &cfg);
    assert!(text.contains("direction: SendOnly"));
    insta::assert_snapshot!("pcap_sip_rtp_g722", text);
}

#[test]
fn pcap_sip_rtp_g722_offer_from_loopback_needs_the_policy() {
    let o = offer("pcap_sip-rtp-g722_invite.sdp");
    let mut cfg = config("127.0.0.1", 20000, 3);
    assert_eq!(
        answer_offer(&o, &cfg).map(|a| a.media),
        Err(Refusal::UnusableAddress(AddressProblem::BeyondLoopback))
    );
    cfg.address_policy.allow_remote_beyond_loopback = true;
    let a = answer_offer(&o, &cfg).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.media.codec, AudioCodec::G722);
}

#[test]
fn pcap_sip_dtmf2_late_offer() {
    let o = offer("pcap_sip_dtmf2_200ok_offer.sdp");
    let cfg = config("192.168.105.105", 4374, 4);
    let text = report(&o, &cfg);
    // PCMA first in their list but PCMU is ours before PCMA; DTMF stays on their PT 96.
    assert!(text.contains("telephone-event: Some(96)"));
    assert!(text.contains("ptime: 30"));
    insta::assert_snapshot!("pcap_sip_dtmf2", text);
}

#[test]
fn pcap_sip_dtmf2_late_offer_with_pcma_preferred() {
    let o = offer("pcap_sip_dtmf2_200ok_offer.sdp");
    let mut cfg = config("192.168.105.105", 4374, 4);
    cfg.codec_preference = [8, 0].into_iter().collect();
    let text = report(&o, &cfg);
    assert!(text.contains("codec: PCMA pt 8"));
    insta::assert_snapshot!("pcap_sip_dtmf2_pcma_preferred", text);
}

#[test]
fn sipp_offer_hold_and_resume() {
    let cfg = config("127.0.0.1", 20000, 5);
    let raw = String::from_utf8(data("sipp_uac_g722_call.sdp")).unwrap_or_default();
    let first =
        answer_offer(&offer("sipp_uac_g722_call.sdp"), &cfg).unwrap_or_else(|e| panic!("{e}"));
    let hold_offer = raw
        .replace("a=sendrecv", "a=sendonly")
        .replace(" 1 IN IP4", " 2 IN IP4");
    let hold =
        SessionDescription::parse_slice(hold_offer.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let held = answer_reoffer(&hold, &cfg, &first.sdp).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(held.media.direction, Direction::RecvOnly);
    assert!(held.media.on_hold);
    let resume_offer = raw.replace(" 1 IN IP4", " 3 IN IP4");
    let resume =
        SessionDescription::parse_slice(resume_offer.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let resumed = answer_reoffer(&resume, &cfg, &held.sdp).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resumed.media.direction, Direction::SendRecv);
    let text = format!("{}--- resume\n{}", held.sdp, resumed.sdp).replace("\r\n", "\n");
    insta::assert_snapshot!("sipp_hold_resume", text);
}

#[test]
fn our_default_offer() {
    let cfg = config("127.0.0.1", 20000, 6);
    let offer = build_offer(&cfg);
    insta::assert_snapshot!("our_offer", offer.to_string().replace("\r\n", "\n"));
}
