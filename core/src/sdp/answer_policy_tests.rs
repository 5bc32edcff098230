//! Answerer tests: refusals, the address policy and re-offers.

use super::test_support::{TYPICAL, answer, config, from_peer_version, ip, refusal};
use super::*;

#[test]
fn no_common_codec_is_refused_with_305() {
    let r = refusal("m=audio 16000 RTP/AVP 18 3\n", &config());
    assert_eq!(r, Refusal::NoCommonCodec);
    assert_eq!((r.status_code(), r.warn_code()), (488, 305));
}

#[test]
fn no_audio_is_refused_with_304() {
    let r = refusal("m=video 5000 RTP/AVP 96\n", &config());
    assert_eq!(r, Refusal::NoAudio);
    assert_eq!(r.warn_code(), 304);
    assert_eq!(refusal("", &config()), Refusal::NoAudio);
}

#[test]
fn port_zero_audio_only_is_refused() {
    assert_eq!(
        refusal("m=audio 0 RTP/AVP 0\n", &config()),
        Refusal::NoAudio
    );
}

#[test]
fn secure_or_other_profiles_are_refused_with_302() {
    let r = refusal(
        "m=audio 16000 RTP/SAVP 0\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:x\n",
        &config(),
    );
    assert_eq!(r, Refusal::UnsupportedTransport);
    assert_eq!(r.warn_code(), 302);
}

#[test]
fn unusable_second_choice_does_not_hide_a_usable_audio_stream() {
    let a = answer("m=audio 16000 RTP/SAVP 0\nm=audio 16002 RTP/AVP 8\n");
    assert_eq!(a.media.media_index, 1);
    assert_eq!(a.sdp.media[0].port, 0);
    assert_eq!(a.sdp.media[1].port, 20000);
}

fn offer_at(addr_line: &str, local: &str) -> Result<Answer, Refusal> {
    let body = format!(
        "v=0\no=p 1 1 IN IP4 127.0.0.1\ns=-\n{addr_line}\nt=0 0\nm=audio 16000 RTP/AVP 0\n"
    );
    let o = SessionDescription::parse_slice(body.as_bytes())?;
    answer_offer(&o, &MediaConfig::new(ip(local), 20000, 1, 1))
}

#[test]
fn unspecified_address_in_an_initial_offer_is_refused_with_301() {
    let r = offer_at("c=IN IP4 0.0.0.0", "10.0.0.5").map(|a| a.media);
    assert_eq!(
        r,
        Err(Refusal::UnusableAddress(AddressProblem::Unspecified))
    );
    assert_eq!(r.map_err(|e| e.warn_code()), Err(301));
}

#[test]
fn multicast_and_broadcast_offers_are_refused() {
    let m = offer_at("c=IN IP4 224.2.1.1/127", "10.0.0.5").map(|a| a.media);
    assert_eq!(m, Err(Refusal::UnusableAddress(AddressProblem::Multicast)));
    let b = offer_at("c=IN IP4 255.255.255.255", "10.0.0.5").map(|a| a.media);
    assert_eq!(b, Err(Refusal::UnusableAddress(AddressProblem::Broadcast)));
}

#[test]
fn loopback_offer_is_refused_when_we_are_not_on_loopback() {
    let r = offer_at("c=IN IP4 127.0.0.1", "10.0.0.5").map(|a| a.media);
    assert_eq!(r, Err(Refusal::UnusableAddress(AddressProblem::Loopback)));
}

#[test]
fn routable_offer_is_refused_while_we_are_on_loopback_by_default() {
    let r = offer_at("c=IN IP4 192.168.1.7", "127.0.0.1").map(|a| a.media);
    assert_eq!(
        r,
        Err(Refusal::UnusableAddress(AddressProblem::BeyondLoopback))
    );
}

#[test]
fn missing_or_unparseable_connection_is_refused() {
    let none = offer_at("", "10.0.0.5").map(|a| a.media);
    assert_eq!(none, Err(Refusal::UnusableAddress(AddressProblem::Missing)));
    let host = offer_at("c=IN IP4 pbx.example.com", "10.0.0.5").map(|a| a.media);
    assert_eq!(
        host,
        Err(Refusal::UnusableAddress(AddressProblem::Unparseable))
    );
    let atm = offer_at("c=ATM NSAP 47.0091", "10.0.0.5").map(|a| a.media);
    assert_eq!(
        atm,
        Err(Refusal::UnusableAddress(AddressProblem::NotInternet))
    );
}

#[test]
fn address_family_mismatch_is_refused() {
    let r = offer_at("c=IN IP6 2001:db8::7", "10.0.0.5").map(|a| a.media);
    assert_eq!(
        r,
        Err(Refusal::UnusableAddress(AddressProblem::FamilyMismatch))
    );
}

#[test]
fn malformed_body_is_refused_as_malformed() {
    let r = answer_offer_bytes(b"v=0\r\nthis is not sdp\r\n", &config());
    assert!(matches!(r, Err(Refusal::Malformed(_))));
    assert_eq!(r.map_err(|e| e.warn_code()), Err(399));
}

#[test]
fn reoffer_with_sendonly_is_answered_recvonly_with_the_next_version() {
    let first = answer(TYPICAL);
    let hold = from_peer_version(&TYPICAL.replace("a=sendrecv", "a=sendonly"), 6);
    let a = answer_reoffer(&hold, &config(), &first.sdp).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.media.direction, Direction::RecvOnly);
    assert!(a.media.on_hold);
    assert_eq!(a.sdp.origin.session_id, first.sdp.origin.session_id);
    assert_eq!(
        a.sdp.origin.session_version,
        first.sdp.origin.session_version + 1
    );
}

#[test]
fn hold_then_resume_bumps_the_version_each_time() {
    let first = answer(TYPICAL);
    let hold = from_peer_version(&TYPICAL.replace("a=sendrecv", "a=sendonly"), 6);
    let held = answer_reoffer(&hold, &config(), &first.sdp).unwrap_or_else(|e| panic!("{e}"));
    let resumed = answer_reoffer(&from_peer_version(TYPICAL, 7), &config(), &held.sdp)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resumed.media.direction, Direction::SendRecv);
    assert!(!resumed.media.on_hold);
    assert_eq!(
        resumed.sdp.origin.session_version,
        first.sdp.origin.session_version + 2
    );
}

#[test]
fn unchanged_reoffer_keeps_the_version() {
    let first = answer(TYPICAL);
    let again = answer_reoffer(&from_peer_version(TYPICAL, 6), &config(), &first.sdp)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.sdp, first.sdp);
}

#[test]
fn reoffer_with_unspecified_address_is_hold() {
    let first = answer(TYPICAL);
    let body = "v=0\no=peer 5 6 IN IP4 127.0.0.1\ns=-\nc=IN IP4 0.0.0.0\nt=0 0\nm=audio 16000 RTP/AVP 9 101\na=rtpmap:101 telephone-event/8000\n";
    let o = SessionDescription::parse_slice(body.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let a = answer_reoffer(&o, &config(), &first.sdp).unwrap_or_else(|e| panic!("{e}"));
    assert!(a.media.on_hold);
    assert!(!a.media.direction.sends());
    assert_eq!(a.media.direction, Direction::RecvOnly);
}

#[test]
fn reoffer_with_unspecified_address_is_refused_when_policy_says_never() {
    let first = answer(TYPICAL);
    let cfg = MediaConfig {
        address_policy: AddressPolicy {
            unspecified: UnspecifiedRule::Never,
            ..AddressPolicy::default()
        },
        ..config()
    };
    let body =
        "v=0\no=peer 5 6 IN IP4 127.0.0.1\ns=-\nc=IN IP4 0.0.0.0\nt=0 0\nm=audio 16000 RTP/AVP 9\n";
    let o = SessionDescription::parse_slice(body.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let r = answer_reoffer(&o, &cfg, &first.sdp).map(|a| a.media);
    assert_eq!(
        r,
        Err(Refusal::UnusableAddress(AddressProblem::Unspecified))
    );
}

#[test]
fn answer_prints_canonically_and_round_trips() {
    let a = answer(TYPICAL);
    let text = a.sdp.to_string();
    let again = SessionDescription::parse(a.sdp.to_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again, a.sdp);
    assert_eq!(again.to_string(), text);
}
