//! What a datagram is, in one short line: SIP request/response, RTP, RTCP or other.

use std::fmt;

use bytes::Bytes;
use sipvoice_core::media::{PacketKind, RtpPacket, classify};
use sipvoice_core::sip::{self, Message};

/// A datagram classified for traces and fault rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Summary {
    /// A SIP request.
    Request {
        /// Method name (`INVITE`, `ACK`, ...).
        method: String,
        /// Request-URI.
        uri: String,
        /// CSeq number (0 when unreadable).
        cseq: u32,
        /// Call-ID (empty when unreadable; not printed).
        call_id: String,
    },
    /// A SIP response.
    Response {
        /// Status code.
        status: u16,
        /// Reason phrase.
        reason: String,
        /// CSeq number (0 when unreadable).
        cseq: u32,
        /// CSeq method.
        method: String,
        /// Call-ID (empty when unreadable; not printed).
        call_id: String,
    },
    /// An RTP packet.
    Rtp {
        /// Payload type.
        pt: u8,
        /// Sequence number.
        seq: u16,
        /// Timestamp.
        ts: u32,
        /// Marker bit.
        marker: bool,
        /// Payload length.
        len: usize,
        /// For an RFC 4733 event payload (`pt >= 96`): event code and end bit.
        event: Option<(u8, bool)>,
    },
    /// An RTCP compound packet (type of the first packet).
    Rtcp {
        /// Packet type of the first packet (200 SR, 201 RR, ...).
        pt: u8,
        /// Datagram length.
        len: usize,
    },
    /// Anything else, including SIP that does not parse.
    Other {
        /// Datagram length.
        len: usize,
    },
}

impl Summary {
    /// Classifies a datagram (never fails: what is not understood is `Other`).
    pub fn of(data: &Bytes) -> Summary {
        match classify(data) {
            PacketKind::Rtp => {
                if let Ok(packet) = RtpPacket::parse(data) {
                    let payload = packet.payload();
                    let pt = packet.payload_type();
                    let event = if pt >= 96 && payload.len() == 4 {
                        payload
                            .first()
                            .zip(payload.get(1))
                            .map(|(e, f)| (*e, f & 0x80 != 0))
                    } else {
                        None
                    };
                    return Summary::Rtp {
                        pt,
                        seq: packet.sequence(),
                        ts: packet.timestamp(),
                        marker: packet.marker(),
                        len: payload.len(),
                        event,
                    };
                }
            }
            PacketKind::Rtcp => {
                return Summary::Rtcp {
                    pt: data.get(1).copied().unwrap_or(0),
                    len: data.len(),
                };
            }
            _ => {}
        }
        match sip::parse(data.clone()) {
            Ok(Message::Request(req)) => {
                let cseq = req.cseq().map(|c| c.seq).unwrap_or(0);
                Summary::Request {
                    method: req.method().as_str().to_owned(),
                    uri: req.uri().to_string(),
                    cseq,
                    call_id: req
                        .call_id()
                        .map(|c| c.as_str().to_owned())
                        .unwrap_or_default(),
                }
            }
            Ok(Message::Response(resp)) => {
                let (cseq, method) = match resp.cseq() {
                    Ok(c) => (c.seq, c.method.as_str().to_owned()),
                    Err(_) => (0, String::new()),
                };
                Summary::Response {
                    status: resp.status().code(),
                    reason: resp.reason().as_str().to_owned(),
                    cseq,
                    method,
                    call_id: resp
                        .call_id()
                        .map(|c| c.as_str().to_owned())
                        .unwrap_or_default(),
                }
            }
            Err(_) => Summary::Other { len: data.len() },
        }
    }

    /// Whether this is a SIP request or response.
    pub fn is_sip(&self) -> bool {
        matches!(self, Summary::Request { .. } | Summary::Response { .. })
    }

    /// Whether this is RTP or RTCP.
    pub fn is_media(&self) -> bool {
        matches!(self, Summary::Rtp { .. } | Summary::Rtcp { .. })
    }

    /// The request method, for a request.
    pub fn method(&self) -> Option<&str> {
        match self {
            Summary::Request { method, .. } => Some(method),
            _ => None,
        }
    }

    /// The Call-ID of a SIP message.
    pub fn call_id(&self) -> Option<&str> {
        match self {
            Summary::Request { call_id, .. } | Summary::Response { call_id, .. } => Some(call_id),
            _ => None,
        }
    }

    /// CSeq number of a SIP message.
    pub fn cseq(&self) -> Option<u32> {
        match self {
            Summary::Request { cseq, .. } | Summary::Response { cseq, .. } => Some(*cseq),
            _ => None,
        }
    }

    /// Status code and CSeq method, for a response.
    pub fn status(&self) -> Option<(u16, &str)> {
        match self {
            Summary::Response { status, method, .. } => Some((*status, method)),
            _ => None,
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Summary::Request {
                method, uri, cseq, ..
            } => write!(f, "{method} {uri} cseq={cseq}"),
            Summary::Response {
                status,
                reason,
                cseq,
                method,
                ..
            } => write!(f, "{status} {reason} cseq={cseq} {method}"),
            Summary::Rtp {
                pt,
                seq,
                ts,
                marker,
                len,
                event,
            } => {
                write!(f, "RTP pt={pt} seq={seq} ts={ts} len={len}")?;
                if *marker {
                    f.write_str(" M")?;
                }
                if let Some((code, end)) = event {
                    write!(f, " event={code}{}", if *end { " end" } else { "" })?;
                }
                Ok(())
            }
            Summary::Rtcp { pt, len } => write!(f, "RTCP pt={pt} len={len}"),
            Summary::Other { len } => write!(f, "DATA len={len}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sip_requests_and_responses_are_summarised() {
        let invite = Bytes::from_static(
            b"INVITE sip:bob@127.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKx\r\n\
              From: <sip:a@x>;tag=1\r\nTo: <sip:bob@127.0.0.2>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n\
              Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
        );
        let summary = Summary::of(&invite);
        assert_eq!(summary.to_string(), "INVITE sip:bob@127.0.0.2 cseq=1");
        assert_eq!(summary.method(), Some("INVITE"));
        let ok = Bytes::from_static(
            b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKx\r\n\
              From: <sip:a@x>;tag=1\r\nTo: <sip:bob@127.0.0.2>;tag=2\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n\
              Content-Length: 0\r\n\r\n",
        );
        let summary = Summary::of(&ok);
        assert_eq!(summary.to_string(), "200 OK cseq=1 INVITE");
        assert_eq!(summary.status(), Some((200, "INVITE")));
        assert!(summary.is_sip());
    }

    #[test]
    fn rtp_dtmf_rtcp_and_garbage_are_summarised() {
        let mut rtp = vec![0x80, 0x89, 0, 7, 0, 0, 1, 0, 0, 0, 0, 1];
        rtp.extend_from_slice(&[0u8; 160]);
        assert_eq!(
            Summary::of(&Bytes::from(rtp)).to_string(),
            "RTP pt=9 seq=7 ts=256 len=160 M"
        );
        let dtmf = vec![0x80, 101, 0, 8, 0, 0, 1, 0, 0, 0, 0, 1, 5, 0x8a, 3, 0x20];
        assert_eq!(
            Summary::of(&Bytes::from(dtmf)).to_string(),
            "RTP pt=101 seq=8 ts=256 len=4 event=5 end"
        );
        let rtcp = Bytes::from_static(&[0x81, 201, 0, 7, 0, 0, 0, 1]);
        assert_eq!(Summary::of(&rtcp).to_string(), "RTCP pt=201 len=8");
        assert!(Summary::of(&rtcp).is_media());
        let junk = Bytes::from_static(b"\xff\xfe");
        assert_eq!(Summary::of(&junk), Summary::Other { len: 2 });
    }
}
