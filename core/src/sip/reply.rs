//! Responses written straight to the wire: the lines a response echoes from its request
//! (RFC 3261 §8.2.6) and our own lines go into one buffer, with no header list built in
//! between. The bytes equal those of [`Response::from_request`] with the same edits,
//! printed by [`Response::to_bytes`](super::Response::to_bytes).

use std::borrow::Cow;

use bytes::{BufMut, Bytes, BytesMut};
use smallvec::SmallVec;

use super::headers::Header;
use super::message::Request;
use super::method::StatusCode;
use super::name::HeaderName;
use super::print::{put_decimal, put_line};
use super::scan::{has_line_break, is_token_str, trim_range};
use super::text::SipStr;

/// The lines a response echoes, in the order it prints them.
const ECHOED: [HeaderName; 5] = [
    HeaderName::VIA,
    HeaderName::FROM,
    HeaderName::TO,
    HeaderName::CALL_ID,
    HeaderName::CSEQ,
];

/// A response to a request, encoded by [`encode`](Self::encode): status line, every Via,
/// From, To (with our tag when it had none), Call-ID and CSeq of the request, then our
/// lines in the order added, Content-Length and the body.
pub(crate) struct Reply<'a> {
    req: &'a Request,
    status: StatusCode,
    reason: &'a str,
    to_tag: Option<Cow<'a, str>>,
    record_route: bool,
    server: Option<SipStr>,
    lines: SmallVec<[(HeaderName, Cow<'a, str>); 6]>,
    body: Bytes,
}

impl<'a> Reply<'a> {
    /// A response with `status` and `reason` (line breaks in it print as spaces).
    pub(crate) fn new(req: &'a Request, status: StatusCode, reason: &'a str) -> Self {
        Reply {
            req,
            status,
            reason,
            to_tag: None,
            record_route: false,
            server: None,
            lines: SmallVec::new(),
            body: Bytes::new(),
        }
    }

    /// The status code.
    pub(crate) fn status(&self) -> u16 {
        self.status.code()
    }

    /// Adds `;tag=<tag>` to the To line unless it has a tag (a tag that is not a token
    /// is not added).
    pub(crate) fn tag_to(&mut self, tag: impl Into<Cow<'a, str>>) {
        let tag = tag.into();
        if is_token_str(tag.as_bytes()) {
            self.to_tag = Some(tag);
        }
    }

    /// Copies the request's Record-Route lines after the Via lines (RFC 3261 §12.1.1).
    pub(crate) fn record_route(&mut self) {
        self.record_route = true;
    }

    /// Sets the Server line, printed before the lines added by [`header`](Self::header).
    pub(crate) fn server(&mut self, value: SipStr) {
        if !has_line_break(value.as_bytes()) {
            self.server = Some(value);
        }
    }

    /// Adds a line; a value with a line break is left out, surrounding white space is
    /// trimmed.
    pub(crate) fn header(&mut self, name: HeaderName, value: impl Into<Cow<'a, str>>) {
        let value = value.into();
        if !has_line_break(value.as_bytes()) {
            self.lines.push((name, value));
        }
    }

    /// Sets the body, adding its Content-Type line here.
    pub(crate) fn body(&mut self, content_type: &'a str, body: Bytes) {
        self.header(HeaderName::CONTENT_TYPE, content_type);
        self.body = body;
    }

    /// Whether our tag goes on the To line (the request's To has none).
    fn adds_tag(&self) -> bool {
        self.to_tag.is_some()
            && self
                .req
                .headers
                .view_to()
                .is_ok_and(|to| to.tag().is_none())
    }

    /// The wire bytes and the status code.
    pub(crate) fn finish(self) -> (Bytes, u16) {
        (self.encode(), self.status())
    }

    /// The response as wire bytes.
    pub(crate) fn encode(&self) -> Bytes {
        // One scan sorts the request's lines into the echoed groups.
        let mut groups: [SmallVec<[&Header; 2]>; 5] = Default::default();
        let mut routes: SmallVec<[&Header; 2]> = SmallVec::new();
        let mut size = 64 + self.reason.len() + self.body.len();
        for line in &self.req.headers {
            let name = line.name();
            if let Some(i) = ECHOED.iter().position(|n| name == n)
                && let Some(group) = groups.get_mut(i)
            {
                group.push(line);
            } else if self.record_route && *name == HeaderName::RECORD_ROUTE {
                routes.push(line);
            } else {
                continue;
            }
            size += name.as_str().len() + line.value().len() + 4;
        }
        let tag = self.to_tag.as_deref().filter(|_| self.adds_tag());
        size += tag.map_or(0, |t| t.len() + 5);
        for (name, value) in &self.lines {
            size += name.as_str().len() + value.len() + 4;
        }
        size += self.server.as_ref().map_or(0, |s| s.len() + 10);
        let mut buf = BytesMut::with_capacity(size);
        buf.put_slice(b"SIP/2.0 ");
        put_decimal(&mut buf, u32::from(self.status.code()));
        buf.put_u8(b' ');
        let reason = self.reason.as_bytes();
        if has_line_break(reason) {
            buf.extend(
                reason
                    .iter()
                    .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
            );
        } else {
            buf.put_slice(reason);
        }
        buf.put_slice(b"\r\n");
        for (i, group) in groups.iter().enumerate() {
            for line in group {
                put_line(&mut buf, line.name(), line.value().as_bytes());
                if let Some(tag) = tag
                    && *line.name() == HeaderName::TO
                {
                    // Printed as `To: <value>;tag=<tag>`: undo the line end, add the tag.
                    buf.truncate(buf.len() - 2);
                    buf.put_slice(b";tag=");
                    buf.put_slice(tag.as_bytes());
                    buf.put_slice(b"\r\n");
                }
            }
            if i == 0 {
                for line in &routes {
                    put_line(&mut buf, line.name(), line.value().as_bytes());
                }
            }
        }
        if let Some(server) = &self.server {
            let v = server.as_bytes();
            let (s, e) = trim_range(v, 0, v.len());
            put_line(
                &mut buf,
                &HeaderName::SERVER,
                v.get(s..e).unwrap_or_default(),
            );
        }
        for (name, value) in &self.lines {
            let v = value.as_bytes();
            let (s, e) = trim_range(v, 0, v.len());
            put_line(&mut buf, name, v.get(s..e).unwrap_or_default());
        }
        buf.put_slice(b"Content-Length: ");
        put_decimal(&mut buf, u32::try_from(self.body.len()).unwrap_or(u32::MAX));
        buf.put_slice(b"\r\n\r\n");
        buf.put_slice(&self.body);
        buf.freeze()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::{Response, parse};

    fn request(text: &str) -> Request {
        match parse(Bytes::from(text.replace('\n', "\r\n"))) {
            Ok(crate::sip::Message::Request(r)) => r,
            other => panic!("not a request: {other:?}"),
        }
    }

    const INVITE: &str = "INVITE sip:bob@127.0.0.1 SIP/2.0\n\
        Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\n\
        Record-Route: <sip:p1.example;lr>\n\
        v: SIP/2.0/UDP 127.0.0.2;branch=z9hG4bK0, SIP/2.0/UDP 127.0.0.3\n\
        Max-Forwards: 70\n\
        f: <sip:a@127.0.0.1>;tag=x1\n\
        To: <sip:bob@127.0.0.1>\n\
        Record-Route: <sip:p2.example;lr>\n\
        Call-ID: c1@127.0.0.1\n\
        CSeq: 1 INVITE\n\
        X-Room-ID: r1\n\
        Content-Length: 0\n\n";

    /// The same response built through a header list and printed.
    fn via_response(req: &Request, status: u16, reason: &str, tag: Option<&str>) -> Response {
        let mut resp = Response::from_request(req, StatusCode::new(status).unwrap(), reason);
        if let Some(tag) = tag {
            let _ = resp.set_to_tag(tag);
        }
        resp
    }

    #[test]
    fn bytes_equal_a_printed_response_with_the_same_edits() {
        let req = request(INVITE);
        let mut old = via_response(&req, 200, "OK", Some("t9"));
        old.copy_record_route(&req);
        old.headers_mut()
            .push(HeaderName::SERVER, "sipvoice")
            .unwrap();
        old.headers_mut()
            .push(HeaderName::CONTACT, "<sip:us@127.0.0.1:5060>")
            .unwrap();
        old.set_body("application/sdp", Bytes::from_static(b"v=0\r\n"))
            .unwrap();
        let mut new = Reply::new(&req, StatusCode::new(200).unwrap(), "OK");
        new.tag_to("t9");
        new.record_route();
        new.header(HeaderName::CONTACT, " <sip:us@127.0.0.1:5060> ");
        new.body("application/sdp", Bytes::from_static(b"v=0\r\n"));
        new.server(SipStr::from_static("sipvoice"));
        assert_eq!(new.encode(), old.to_bytes());
        let text = String::from_utf8(new.encode().to_vec()).unwrap();
        assert!(
            text.contains("To: <sip:bob@127.0.0.1>;tag=t9\r\n"),
            "{text}"
        );
        assert!(
            text.contains("Record-Route: <sip:p2.example;lr>\r\nFrom:"),
            "{text}"
        );
    }

    #[test]
    fn a_tagged_to_keeps_its_tag_and_line_breaks_leave_the_reason() {
        let req =
            request(&INVITE.replace("To: <sip:bob@127.0.0.1>", "To: <sip:bob@127.0.0.1>;tag=old"));
        let old = via_response(&req, 486, "Busy\r\nHere", Some("new"));
        let mut new = Reply::new(&req, StatusCode::new(486).unwrap(), "Busy\r\nHere");
        new.tag_to("new");
        new.header(HeaderName::WARNING, "bad\r\nvalue");
        assert_eq!(new.encode(), old.to_bytes());
        assert!(!String::from_utf8_lossy(&new.encode()).contains("new"));
        assert_eq!(new.status(), 486);
    }

    #[test]
    fn a_tag_that_is_not_a_token_is_left_out() {
        let req = request(INVITE);
        let mut new = Reply::new(&req, StatusCode::new(180).unwrap(), "Ringing");
        new.tag_to("a b");
        let text = String::from_utf8(new.encode().to_vec()).unwrap();
        assert!(text.contains("To: <sip:bob@127.0.0.1>\r\n"), "{text}");
        assert!(!text.contains("Record-Route"), "{text}");
        assert!(text.starts_with("SIP/2.0 180 Ringing\r\n"), "{text}");
    }
}
