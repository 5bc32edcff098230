//! Requests written straight to the wire, line by line, in the canonical form that
//! [`Request::to_bytes`](super::Request::to_bytes) prints: no header list in between.

use bytes::{BufMut, Bytes, BytesMut};

use super::method::Method;
use super::name::HeaderName;
use super::print::{put_decimal, put_line};
use super::scan::{has_line_break, trim_range};
use super::uri::Uri;

/// A request being written: request line, then the lines in the order added, then
/// Content-Type, Content-Length and the body by [`finish`](Self::finish).
pub(crate) struct RequestDraft {
    buf: BytesMut,
    /// A value with a line break was refused (the request is not sent).
    broken: bool,
}

impl RequestDraft {
    /// Starts a request with room for `lines` bytes of header lines and body.
    pub(crate) fn new(method: &Method, uri: &Uri, lines: usize) -> Self {
        let method = method.as_str().as_bytes();
        let uri = uri.as_sip_str().as_bytes();
        let mut buf = BytesMut::with_capacity(method.len() + uri.len() + 12 + lines + 24);
        buf.put_slice(method);
        buf.put_u8(b' ');
        buf.put_slice(uri);
        buf.put_slice(b" SIP/2.0\r\n");
        RequestDraft { buf, broken: false }
    }

    /// Adds a line (its value trimmed); a value with a line break spoils the request.
    pub(crate) fn header(&mut self, name: &HeaderName, value: &str) {
        let v = value.as_bytes();
        if has_line_break(v) {
            self.broken = true;
            return;
        }
        let (s, e) = trim_range(v, 0, v.len());
        put_line(&mut self.buf, name, v.get(s..e).unwrap_or_default());
    }

    /// Adds a line whose value is `parts` joined (each part one line, no surrounding
    /// white space: values we compose ourselves).
    pub(crate) fn header_parts(&mut self, name: &HeaderName, parts: &[&str]) {
        if parts.iter().any(|p| has_line_break(p.as_bytes())) {
            self.broken = true;
            return;
        }
        self.buf.put_slice(name.as_str().as_bytes());
        self.buf.put_slice(b": ");
        for part in parts {
            self.buf.put_slice(part.as_bytes());
        }
        self.buf.put_slice(b"\r\n");
    }

    /// Adds `CSeq: <seq> <method>`.
    pub(crate) fn cseq(&mut self, seq: u32, method: &Method) {
        self.buf.put_slice(b"CSeq: ");
        put_decimal(&mut self.buf, seq);
        self.buf.put_u8(b' ');
        self.buf.put_slice(method.as_str().as_bytes());
        self.buf.put_slice(b"\r\n");
    }

    /// The wire bytes, with the body and its Content-Type when given; `None` when a
    /// value was refused.
    pub(crate) fn finish(mut self, body: Option<(&str, &[u8])>) -> Option<Bytes> {
        if self.broken {
            return None;
        }
        let body = match body {
            Some((content_type, body)) => {
                self.header(&HeaderName::CONTENT_TYPE, content_type);
                if self.broken {
                    return None;
                }
                body
            }
            None => &[],
        };
        self.buf.put_slice(b"Content-Length: ");
        put_decimal(&mut self.buf, u32::try_from(body.len()).unwrap_or(u32::MAX));
        self.buf.put_slice(b"\r\n\r\n");
        self.buf.put_slice(body);
        Some(self.buf.freeze())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::{Request, SipStr};

    fn uri() -> Uri {
        Uri::parse("sip:bob@127.0.0.1:5062;transport=udp").unwrap()
    }

    #[test]
    fn bytes_equal_a_built_and_printed_request() {
        let lines = [
            (
                HeaderName::VIA,
                "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKx;rport",
            ),
            (HeaderName::MAX_FORWARDS, "70"),
            (HeaderName::ROUTE, "<sip:p1.example;lr>"),
            (HeaderName::FROM, "<sip:a@127.0.0.1>;tag=1"),
            (HeaderName::TO, " <sip:bob@127.0.0.1>;tag=2 "),
            (HeaderName::CALL_ID, "c1"),
            (HeaderName::CSEQ, "2 INVITE"),
        ];
        let mut built = Request::builder(Method::Invite, uri());
        let mut draft = RequestDraft::new(&Method::Invite, &uri(), 10);
        for (name, value) in &lines {
            built = built.header(name.clone(), SipStr::from(*value));
            draft.header(name, value);
        }
        let built = built
            .body("application/sdp", Bytes::from_static(b"v=0\r\n"))
            .build()
            .unwrap();
        let drafted = draft.finish(Some(("application/sdp", b"v=0\r\n"))).unwrap();
        assert_eq!(drafted, built.to_bytes());
        let text = String::from_utf8(drafted.to_vec()).unwrap();
        assert!(text.starts_with("INVITE sip:bob@127.0.0.1:5062;transport=udp SIP/2.0\r\n"));
        assert!(text.ends_with("Content-Length: 5\r\n\r\nv=0\r\n"), "{text}");
    }

    #[test]
    fn a_value_with_a_line_break_spoils_the_request() {
        let mut draft = RequestDraft::new(&Method::Bye, &uri(), 0);
        draft.header(&HeaderName::REASON, "Q.850;cause=16\r\nX: y");
        assert!(draft.finish(None).is_none());
        let mut draft = RequestDraft::new(&Method::Bye, &uri(), 0);
        draft.header(&HeaderName::CALL_ID, "c1");
        assert!(draft.finish(Some(("text/plain\n", b"x"))).is_none());
    }

    #[test]
    fn composed_lines_print_like_whole_values() {
        let mut whole = RequestDraft::new(&Method::Bye, &uri(), 0);
        whole.header(
            &HeaderName::VIA,
            "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKab;rport",
        );
        whole.header(&HeaderName::CSEQ, "12 BYE");
        let mut parts = RequestDraft::new(&Method::Bye, &uri(), 0);
        parts.header_parts(
            &HeaderName::VIA,
            &[
                "SIP/2.0/UDP ",
                "127.0.0.1:5060",
                ";branch=",
                "z9hG4bKab",
                ";rport",
            ],
        );
        parts.cseq(12, &Method::Bye);
        assert_eq!(parts.finish(None), whole.finish(None));
        let mut broken = RequestDraft::new(&Method::Bye, &uri(), 0);
        broken.header_parts(&HeaderName::VIA, &["a", "b\r\nc"]);
        assert!(broken.finish(None).is_none());
    }

    #[test]
    fn no_body_prints_a_zero_length() {
        let mut draft = RequestDraft::new(&Method::Ack, &uri(), 0);
        draft.header(&HeaderName::CSEQ, "1 ACK");
        let text = String::from_utf8(draft.finish(None).unwrap().to_vec()).unwrap();
        assert_eq!(
            text,
            "ACK sip:bob@127.0.0.1:5062;transport=udp SIP/2.0\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n"
        );
    }
}
