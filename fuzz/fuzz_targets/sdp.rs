//! SDP parser and RFC 3264 offer/answer: parse, check the canonical print is stable,
//! answer the description as an offer (IPv4 and IPv6 configurations), answer it again as
//! a re-offer, and apply it as the answer to our own offer.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use sipvoice_core::sdp::{
    MediaConfig, SessionDescription, answer_offer, answer_reoffer, apply_answer, apply_reanswer,
    build_offer,
};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

fn configs() -> [MediaConfig; 3] {
    let v4 = MediaConfig::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 20000, 1, 1);
    let v6 = MediaConfig::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 20002, 2, 2);
    let mut restricted = MediaConfig::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7)), 20004, 3, 3);
    restricted.supported_codecs = Some([8u8].into_iter().collect());
    restricted.dtmf_payload_type = Some(96);
    [v4, v6, restricted]
}

fn offer_answer(offer: &SessionDescription, cfg: &MediaConfig) {
    if let Ok(a) = answer_offer(offer, cfg) {
        assert_eq!(
            a.sdp.media.len(),
            offer.media.len(),
            "one answer line per offered m="
        );
        for (i, m) in a.sdp.media.iter().enumerate() {
            let expected = if i == a.media.media_index {
                cfg.rtp_port
            } else {
                0
            };
            assert_eq!(m.port, expected, "only the accepted stream keeps a port");
        }
        let chosen = offer
            .media
            .get(a.media.media_index)
            .map(|m| m.payload_types().any(|p| p == a.media.payload_type));
        assert_eq!(chosen, Some(true), "the chosen payload type was offered");
        let reparsed = SessionDescription::parse(a.sdp.to_bytes());
        assert_eq!(
            reparsed.as_ref(),
            Ok(&a.sdp),
            "our answer parses back to itself"
        );
        if let Ok(again) = answer_reoffer(offer, cfg, &a.sdp) {
            assert_eq!(again.sdp.origin.session_id, a.sdp.origin.session_id);
        }
    }
    let ours = build_offer(cfg);
    let _ = apply_answer(&ours, offer, cfg);
    let _ = apply_reanswer(&ours, offer, cfg);
}

fuzz_target!(|data: &[u8]| {
    let Ok(d) = SessionDescription::parse(Bytes::copy_from_slice(data)) else {
        return;
    };
    let once = d.to_bytes();
    let again = SessionDescription::parse(once.clone());
    let twice = again.as_ref().map(|d| d.to_bytes());
    assert_eq!(
        twice.as_ref(),
        Ok(&once),
        "print(parse(print(d))) == print(d)"
    );
    for cfg in configs() {
        offer_answer(&d, &cfg);
    }
});
