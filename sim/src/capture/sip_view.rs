//! What the SIP datagrams of a capture say: one-line summaries for the ladder, and the
//! payload types and media addresses their SDP bodies announce.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use sipvoice_core::codec::Codec;
use sipvoice_core::sdp::SessionDescription;
use sipvoice_core::sip::{self, Message};

use super::read::Datagram;

/// A datagram parsed as SIP, or `None` when it is not a SIP message.
pub fn parse_sip(payload: &Bytes) -> Option<Message> {
    // SIP starts with a method token or "SIP/2.0"; RTP, STUN and keep-alives do not.
    let first = *payload.first()?;
    if !first.is_ascii_uppercase() {
        return None;
    }
    sip::parse(payload.clone()).ok()
}

/// A one-line summary: `INVITE sip:bob@host cseq=1 +sdp` or `200 OK (INVITE cseq=1) +sdp`.
pub fn summary(message: &Message) -> String {
    let cseq = message
        .headers()
        .get(&sip::HeaderName::CSEQ)
        .and_then(|v| sip::CSeq::parse(v).ok());
    let sdp = if has_sdp(message) { " +sdp" } else { "" };
    match message {
        Message::Request(req) => {
            let cseq = cseq.map_or(String::new(), |c| format!(" cseq={}", c.seq));
            format!(
                "{} {}{cseq}{sdp}",
                req.method().as_str(),
                req.uri().as_str()
            )
        }
        Message::Response(resp) => {
            let cseq = cseq.map_or(String::new(), |c| {
                format!(" ({} cseq={})", c.method.as_str(), c.seq)
            });
            format!(
                "{} {}{cseq}{sdp}",
                resp.status().code(),
                resp.reason().as_str()
            )
        }
    }
}

/// One ladder line: `+1.234s FROM → TO SUMMARY`.
pub fn ladder_line(at: Duration, from: &str, to: &str, summary: &str) -> String {
    format!("+{:.3}s {from} → {to} {summary}", at.as_secs_f64())
}

/// Whether the message carries an SDP body.
pub fn has_sdp(message: &Message) -> bool {
    !message.body().is_empty()
        && message
            .headers()
            .get(&sip::HeaderName::CONTENT_TYPE)
            .is_some_and(|t| t.as_str().to_ascii_lowercase().contains("application/sdp"))
}

/// The SDP body of a message, parsed.
pub fn sdp_of(message: &Message) -> Option<SessionDescription> {
    if !has_sdp(message) {
        return None;
    }
    SessionDescription::parse(message.body().clone()).ok()
}

/// The RTP address of the first audio stream of an SDP (connection address and port).
pub fn audio_address(sdp: &SessionDescription) -> Option<SocketAddr> {
    let index = sdp.media.iter().position(|m| m.media.as_str() == "audio")?;
    let port = sdp.media.get(index)?.port;
    let ip = sdp.media_connection(index)?.ip()?;
    (port != 0).then_some(SocketAddr::new(ip, port))
}

/// What a payload type carries, as announced by SDP or known statically.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadKind {
    /// Audio in one of our codecs.
    Audio(Codec),
    /// RFC 4733 telephone-event.
    TelephoneEvent,
    /// Something we do not decode (another codec, comfort noise, ...).
    Other,
}

/// Payload types announced by the SDP bodies of a capture (`a=rtpmap`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PayloadMap {
    announced: HashMap<u8, PayloadKind>,
}

impl PayloadMap {
    /// Collects the `rtpmap`s of every SDP body among the datagrams (the first wins).
    pub fn from_datagrams(datagrams: &[Datagram]) -> Self {
        let mut map = PayloadMap::default();
        for d in datagrams {
            let Some(sdp) = parse_sip(&d.payload).and_then(|m| sdp_of(&m)) else {
                continue;
            };
            for media in &sdp.media {
                for rtpmap in media.rtpmaps() {
                    let name = rtpmap.encoding.as_str();
                    let kind = if name.eq_ignore_ascii_case("telephone-event") {
                        PayloadKind::TelephoneEvent
                    } else if let Some(codec) = Codec::from_encoding_name(name) {
                        PayloadKind::Audio(codec)
                    } else {
                        PayloadKind::Other
                    };
                    map.announced.entry(rtpmap.payload_type).or_insert(kind);
                }
            }
        }
        map
    }

    /// Records what a payload type carries (for callers that know better than the capture).
    pub fn insert(&mut self, pt: u8, kind: PayloadKind) {
        self.announced.insert(pt, kind);
    }

    /// What an SDP of the capture said about `pt`, if anything.
    pub fn announced(&self, pt: u8) -> Option<PayloadKind> {
        self.announced.get(&pt).copied()
    }

    /// What `pt` carries: the SDP's word, else the static assignment (0, 8, 9), else
    /// telephone-event for a dynamic type whose payload looks like RFC 4733.
    pub fn classify(&self, pt: u8, payload: &[u8]) -> PayloadKind {
        if let Some(kind) = self.announced(pt) {
            return kind;
        }
        if let Some(codec) = Codec::from_payload_type(pt) {
            return PayloadKind::Audio(codec);
        }
        if (96..=127).contains(&pt) && looks_like_rfc4733(payload) {
            return PayloadKind::TelephoneEvent;
        }
        PayloadKind::Other
    }
}

/// An RFC 4733 payload: one or more 4-byte events, a DTMF event code, the reserved bit clear.
fn looks_like_rfc4733(payload: &[u8]) -> bool {
    match payload {
        [event, flags, _, _, rest @ ..] => {
            rest.len() % 4 == 0 && rest.len() <= 12 && *event <= 15 && flags & 0x40 == 0
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4733_shapes() {
        assert!(looks_like_rfc4733(&[1, 0x0a, 0, 160]));
        assert!(looks_like_rfc4733(&[11, 0x8a, 0x05, 0xa0]));
        assert!(!looks_like_rfc4733(&[1, 0x4a, 0, 160]));
        assert!(!looks_like_rfc4733(&[40, 0, 0, 160]));
        assert!(!looks_like_rfc4733(&[1, 0, 0]));
        assert!(!looks_like_rfc4733(&[1; 160]));
    }

    #[test]
    fn static_types_and_announced_types() {
        let mut map = PayloadMap::default();
        assert_eq!(map.classify(9, &[0; 160]), PayloadKind::Audio(Codec::G722));
        assert_eq!(
            map.classify(101, &[1, 0, 0, 160]),
            PayloadKind::TelephoneEvent
        );
        assert_eq!(map.classify(101, &[1; 160]), PayloadKind::Other);
        map.insert(101, PayloadKind::Other);
        assert_eq!(map.classify(101, &[1, 0, 0, 160]), PayloadKind::Other);
    }

    #[test]
    fn summaries_name_method_status_and_cseq() {
        let invite = Bytes::from_static(
            b"INVITE sip:bob@192.0.2.2 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n\
              From: <sip:a@x>;tag=1\r\nTo: <sip:bob@192.0.2.2>\r\nCall-ID: c1\r\nCSeq: 7 INVITE\r\n\
              Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
        );
        let m = parse_sip(&invite).expect("SIP");
        assert_eq!(summary(&m), "INVITE sip:bob@192.0.2.2 cseq=7");
        let ok = Bytes::from_static(
            b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n\
              From: <sip:a@x>;tag=1\r\nTo: <sip:bob@192.0.2.2>;tag=2\r\nCall-ID: c1\r\nCSeq: 7 INVITE\r\n\
              Content-Length: 0\r\n\r\n",
        );
        let m = parse_sip(&ok).expect("SIP");
        assert_eq!(summary(&m), "200 OK (INVITE cseq=7)");
        assert!(parse_sip(&Bytes::from_static(&[0x80, 0x09, 0, 1])).is_none());
        assert_eq!(
            ladder_line(Duration::from_millis(1500), "a", "b", "x"),
            "+1.500s a → b x"
        );
    }
}
