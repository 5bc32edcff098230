//! Maps the captured far end's later messages onto our endpoint's dialog: our answers carry
//! our own tags, Contact and media port, so the captured ACK, BYE and RTP are rewritten to
//! reach them.

use std::collections::HashMap;
use std::net::SocketAddr;

use bytes::Bytes;
use sipvoice_core::sip::{HeaderName, Message, Method, Response, Uri};

use crate::capture::sip_view::{audio_address, sdp_of};

/// What to do with one captured far-end SIP message.
#[derive(Debug)]
pub(crate) enum Mapped {
    /// Feed these bytes (rewritten or not).
    Feed(Bytes),
    /// Do not feed it; the reason goes into the report.
    Skip(String),
    /// A response to a request our endpoint has not sent (yet): hold it until it does.
    Hold(Box<Response>),
}

/// Tags and targets of one Call-ID, in the capture and in our replay.
#[derive(Clone, Debug, Default)]
struct CallMap {
    /// Tags our side used in the capture (To tags of its responses, From tags of its requests).
    captured_tags: Vec<String>,
    /// The tag our endpoint uses.
    our_tag: Option<String>,
    /// Our endpoint's Contact URI.
    our_contact: Option<String>,
}

/// A request our endpoint sent, awaiting the far end's captured responses.
#[derive(Clone, Debug)]
struct OurRequest {
    call_id: String,
    method: Method,
    cseq: u32,
    vias: Vec<String>,
    from: String,
    to: String,
    answered: bool,
}

/// Learns both sides' identifiers and rewrites the far end's messages.
#[derive(Debug, Default)]
pub(crate) struct Mapper {
    calls: HashMap<String, CallMap>,
    requests: Vec<OurRequest>,
    /// Our RTP address, from the SDP our endpoint sent.
    pub(crate) our_media: Option<SocketAddr>,
    /// The far end's RTP address, from the SDP it sent.
    pub(crate) far_media: Option<SocketAddr>,
    /// Captured Call-IDs of calls our endpoint placed itself, and the Call-IDs it chose.
    call_ids: HashMap<String, String>,
}

fn call_id_of(m: &Message) -> Option<String> {
    let id = match m {
        Message::Request(r) => r.call_id().ok()?,
        Message::Response(r) => r.call_id().ok()?,
    };
    Some(id.as_str().to_owned())
}

fn contact_uri(m: &Message) -> Option<String> {
    let contact = match m {
        Message::Request(r) => r.contact()?.ok()?,
        Message::Response(r) => r.contact()?.ok()?,
    };
    Some(contact.address()?.uri().as_str().to_owned())
}

impl Mapper {
    /// A message our side sent in the capture: remember the tags it used.
    pub(crate) fn learn_captured(&mut self, m: &Message) {
        let Some(call_id) = call_id_of(m) else { return };
        let tag = match m {
            Message::Response(r) => r.to().ok().and_then(|to| to.tag().map(str::to_owned)),
            Message::Request(r) => r.from().ok().and_then(|f| f.tag().map(str::to_owned)),
        };
        if let Some(tag) = tag {
            let call = self.calls.entry(call_id).or_default();
            if !call.captured_tags.contains(&tag) {
                call.captured_tags.push(tag);
            }
        }
    }

    /// A message our endpoint sent: remember our tag, Contact, media address and requests.
    pub(crate) fn learn_ours(&mut self, m: &Message) {
        if let Some(addr) = sdp_of(m).as_ref().and_then(audio_address) {
            self.our_media = Some(addr);
        }
        let Some(call_id) = call_id_of(m) else { return };
        let contact = contact_uri(m);
        let call = self.calls.entry(call_id.clone()).or_default();
        if contact.is_some() {
            call.our_contact = contact;
        }
        match m {
            Message::Response(r) => {
                if let Some(tag) = r.to().ok().and_then(|to| to.tag().map(str::to_owned)) {
                    call.our_tag = Some(tag);
                }
            }
            Message::Request(r) => {
                if let Some(tag) = r.from().ok().and_then(|f| f.tag().map(str::to_owned)) {
                    call.our_tag = Some(tag);
                }
                if r.method() == &Method::Ack {
                    return;
                }
                let (Ok(cseq), Some(from), Some(to)) = (
                    r.cseq(),
                    r.headers().get(&HeaderName::FROM),
                    r.headers().get(&HeaderName::TO),
                ) else {
                    return;
                };
                self.requests.push(OurRequest {
                    call_id,
                    method: r.method().clone(),
                    cseq: cseq.seq,
                    vias: r
                        .headers()
                        .get_all(&HeaderName::VIA)
                        .map(|v| v.as_str().to_owned())
                        .collect(),
                    from: from.as_str().to_owned(),
                    to: to.as_str().to_owned(),
                    answered: false,
                });
            }
        }
    }

    /// A call our endpoint placed in the capture's place: `ours` stands for `captured`.
    pub(crate) fn bind_call_id(&mut self, captured: &str, ours: &str) {
        if let Some(call) = self.calls.get(captured).cloned() {
            let entry = self.calls.entry(ours.to_owned()).or_default();
            entry.captured_tags.extend(call.captured_tags);
        }
        self.call_ids.insert(captured.to_owned(), ours.to_owned());
    }

    /// Rewrites one captured far-end message for our endpoint.
    pub(crate) fn map_incoming(&mut self, mut m: Message) -> Mapped {
        let captured_id = call_id_of(&m);
        if let Some(ours) = captured_id.and_then(|c| self.call_ids.get(&c)) {
            let headers = match &mut m {
                Message::Request(r) => r.headers_mut(),
                Message::Response(r) => r.headers_mut(),
            };
            let _ = headers.replace(HeaderName::CALL_ID, ours.as_str());
        }
        let sdp_media = sdp_of(&m).as_ref().and_then(audio_address);
        match m {
            Message::Request(mut req) => {
                if sdp_media.is_some() {
                    self.far_media = sdp_media;
                }
                let Some(call_id) = req.call_id().ok().map(|c| c.as_str().to_owned()) else {
                    return Mapped::Feed(req.to_bytes());
                };
                let Some(call) = self.calls.get(&call_id) else {
                    return Mapped::Feed(req.to_bytes());
                };
                let to_tag = req.to().ok().and_then(|to| to.tag().map(str::to_owned));
                let (Some(tag), Some(ours)) = (to_tag, call.our_tag.clone()) else {
                    return Mapped::Feed(req.to_bytes());
                };
                if call.captured_tags.contains(&tag) && tag != ours {
                    if let Some(to) = req.headers().get(&HeaderName::TO) {
                        let value = replace_tag(to.as_str(), &tag, &ours);
                        let _ = req.headers_mut().replace(HeaderName::TO, value);
                    }
                }
                if let Some(uri) = call.our_contact.as_deref().and_then(|u| Uri::parse(u).ok()) {
                    req.set_uri(uri);
                }
                Mapped::Feed(req.to_bytes())
            }
            Message::Response(mut resp) => {
                let call_id = resp.call_id().ok().map(|c| c.as_str().to_owned());
                let cseq = resp.cseq().ok();
                let (Some(call_id), Some(cseq)) = (call_id, cseq) else {
                    return Mapped::Skip("a response without Call-ID or CSeq".to_owned());
                };
                let final_ = resp.status().is_final();
                let Some(ours) = self
                    .requests
                    .iter_mut()
                    .find(|r| !r.answered && r.call_id == call_id && r.method == cseq.method)
                else {
                    return Mapped::Hold(Box::new(resp));
                };
                ours.answered |= final_;
                if sdp_media.is_some() {
                    self.far_media = sdp_media;
                }
                let headers = resp.headers_mut();
                headers.remove(&HeaderName::VIA);
                for via in &ours.vias {
                    let _ = headers.push(HeaderName::VIA, via.as_str());
                }
                let _ = headers.replace(HeaderName::FROM, ours.from.as_str());
                let to_tag_of = |v: &str| {
                    v.split(';')
                        .find_map(|p| p.trim().strip_prefix("tag=").map(str::to_owned))
                };
                // Keep the far end's To tag, on our request's To value.
                let to = match (
                    to_tag_of(&ours.to),
                    headers
                        .get(&HeaderName::TO)
                        .and_then(|v| to_tag_of(v.as_str())),
                ) {
                    (None, Some(tag)) => format!("{};tag={tag}", ours.to),
                    _ => ours.to.clone(),
                };
                let _ = headers.replace(HeaderName::TO, to);
                let _ = headers.replace(
                    HeaderName::CSEQ,
                    format!("{} {}", ours.cseq, ours.method.as_str()),
                );
                Mapped::Feed(resp.to_bytes())
            }
        }
    }
}

/// Replaces the `tag=<old>` parameter of a From/To value with `tag=<new>`.
fn replace_tag(value: &str, old: &str, new: &str) -> String {
    let mut out = String::with_capacity(value.len() + new.len());
    let mut parts = value.split(';');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for p in parts {
        out.push(';');
        let trimmed = p.trim();
        match trimmed.split_once('=') {
            Some((name, v)) if name.eq_ignore_ascii_case("tag") && v == old => {
                out.push_str("tag=");
                out.push_str(new);
            }
            _ => out.push_str(p),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sipvoice_core::sip;

    fn msg(text: &str) -> Message {
        sip::parse(Bytes::from(text.replace('\n', "\r\n"))).expect("valid SIP")
    }

    const CAPTURED_OK: &str = "SIP/2.0 200 OK\n\
        Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\n\
        From: <sip:alice@192.0.2.1>;tag=a1\n\
        To: <sip:bob@192.0.2.2>;tag=captured\n\
        Call-ID: call-1\nCSeq: 1 INVITE\n\
        Contact: <sip:bob@192.0.2.2:5060>\nContent-Length: 0\n\n";

    const OUR_OK: &str = "SIP/2.0 200 OK\n\
        Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\n\
        From: <sip:alice@192.0.2.1>;tag=a1\n\
        To: <sip:bob@192.0.2.2>;tag=ours\n\
        Call-ID: call-1\nCSeq: 1 INVITE\n\
        Contact: <sip:sipvoice@192.0.2.2:5060;transport=udp>\nContent-Length: 0\n\n";

    #[test]
    fn ack_and_bye_get_our_tag_and_contact() {
        let mut m = Mapper::default();
        m.learn_captured(&msg(CAPTURED_OK));
        m.learn_ours(&msg(OUR_OK));
        let bye = msg("BYE sip:bob@192.0.2.2:5060 SIP/2.0\n\
            Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK2\n\
            From: <sip:alice@192.0.2.1>;tag=a1\n\
            To: <sip:bob@192.0.2.2>;tag=captured;x=1\n\
            Call-ID: call-1\nCSeq: 2 BYE\nMax-Forwards: 70\nContent-Length: 0\n\n");
        let Mapped::Feed(bytes) = m.map_incoming(bye) else {
            panic!("fed")
        };
        let Message::Request(req) = sip::parse(bytes).unwrap() else {
            panic!("request")
        };
        assert_eq!(req.to().unwrap().tag(), Some("ours"));
        assert_eq!(req.to().unwrap().param("x"), Some(Some("1")));
        assert_eq!(
            req.uri().as_str(),
            "sip:sipvoice@192.0.2.2:5060;transport=udp"
        );
    }

    #[test]
    fn far_end_responses_follow_our_request() {
        let mut m = Mapper::default();
        m.learn_ours(&msg("BYE sip:alice@192.0.2.1 SIP/2.0\n\
            Via: SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bKours;rport\n\
            From: <sip:bob@192.0.2.2>;tag=ours\n\
            To: <sip:alice@192.0.2.1>;tag=a1\n\
            Call-ID: call-1\nCSeq: 7 BYE\nMax-Forwards: 70\nContent-Length: 0\n\n"));
        let captured = msg("SIP/2.0 200 OK\n\
            Via: SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bKcaptured\n\
            From: <sip:bob@192.0.2.2>;tag=captured\n\
            To: <sip:alice@192.0.2.1>;tag=a1\n\
            Call-ID: call-1\nCSeq: 1 BYE\nContent-Length: 0\n\n");
        let Mapped::Feed(bytes) = m.map_incoming(captured) else {
            panic!("fed")
        };
        let Message::Response(resp) = sip::parse(bytes).unwrap() else {
            panic!("response")
        };
        assert_eq!(resp.via().unwrap().branch(), Some("z9hG4bKours"));
        assert_eq!(resp.from().unwrap().tag(), Some("ours"));
        assert_eq!(resp.cseq().unwrap().seq, 7);
        // Answered once: a retransmitted final response has nothing left to map to.
        let again = msg("SIP/2.0 200 OK\n\
            Via: SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bKcaptured\n\
            From: <sip:bob@192.0.2.2>;tag=captured\n\
            To: <sip:alice@192.0.2.1>;tag=a1\n\
            Call-ID: call-1\nCSeq: 1 BYE\nContent-Length: 0\n\n");
        assert!(matches!(m.map_incoming(again), Mapped::Hold(_)));
    }

    #[test]
    fn tag_replacement_touches_only_the_tag() {
        assert_eq!(
            replace_tag("<sip:b@h;tag=old>;tag=old;foo=old", "old", "new"),
            "<sip:b@h;tag=old>;tag=new;foo=old"
        );
    }
}
