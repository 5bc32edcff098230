//! Fixtures shared by the offer/answer tests.

use super::*;
use std::net::IpAddr;

/// An IP address the test knows to be well-formed.
pub(super) fn ip(s: &str) -> IpAddr {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// Our side: 127.0.0.1, port 20000, session id 11, version 22, default codecs.
pub(super) fn config() -> MediaConfig {
    MediaConfig::new(ip("127.0.0.1"), 20000, 11, 22)
}

/// A description the test knows to be well-formed.
pub(super) fn parse(s: &str) -> SessionDescription {
    SessionDescription::parse_slice(s.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

/// A description from the peer at 127.0.0.1, origin version `version`, with the given media
/// section lines (after the session lines).
pub(super) fn from_peer_version(media: &str, version: u64) -> SessionDescription {
    parse(&format!(
        "v=0\no=peer 5 {version} IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\n{media}"
    ))
}

/// A description from the peer at 127.0.0.1 (origin version 5) with the given media lines.
pub(super) fn from_peer(media: &str) -> SessionDescription {
    from_peer_version(media, 5)
}

/// Our answer to a peer offer with the given media lines, which must be accepted.
pub(super) fn answer(media: &str) -> Answer {
    answer_offer(&from_peer(media), &config()).unwrap_or_else(|e| panic!("refused: {e}"))
}

/// Why `cfg` refuses a peer offer with the given media lines, which must be refused.
pub(super) fn refusal(media: &str, cfg: &MediaConfig) -> Refusal {
    match answer_offer(&from_peer(media), cfg) {
        Ok(a) => panic!("accepted: {}", a.sdp),
        Err(r) => r,
    }
}

/// A typical softphone offer: G.722, PCMU, PCMA, telephone-event, 20 ms, sendrecv.
pub(super) const TYPICAL: &str = "m=audio 16000 RTP/AVP 9 0 8 101\na=rtpmap:9 G722/8000\na=rtpmap:0 PCMU/8000\na=rtpmap:8 PCMA/8000\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-16\na=ptime:20\na=sendrecv\n";
