//! Building messages: requests we send, responses to requests we received, and the
//! stateless answer to a refused request.

use bytes::Bytes;
use smallvec::SmallVec;

use super::error::{BuildError, ParseError};
use super::headers::{Header, Headers};
use super::message::{Request, Response};
use super::method::{Method, StatusCode};
use super::name::HeaderName;
use super::scan::is_token_str;
use super::text::SipStr;
use super::uri::Uri;

/// Builds a request for sending: method, Request-URI, headers in the order given, body.
#[derive(Debug)]
pub struct RequestBuilder {
    req: Request,
    err: Option<BuildError>,
}

impl Request {
    /// Starts building a request.
    pub fn builder(method: Method, uri: Uri) -> RequestBuilder {
        RequestBuilder {
            req: Request::new(method, uri),
            err: None,
        }
    }
}

impl RequestBuilder {
    /// Appends a header line (the first error is reported by [`build`](Self::build)).
    pub fn header(mut self, name: HeaderName, value: impl Into<SipStr>) -> Self {
        if let Err(e) = self.req.headers.push(name, value) {
            self.err.get_or_insert(e);
        }
        self
    }

    /// Appends a header line by name text (e.g. `"X-Room-ID"`).
    pub fn header_named(mut self, name: &str, value: impl Into<SipStr>) -> Self {
        match HeaderName::parse(name) {
            Some(n) => self.header(n, value),
            None => {
                self.err.get_or_insert(BuildError::InvalidHeaderName);
                self
            }
        }
    }

    /// Sets the body and its Content-Type.
    pub fn body(mut self, content_type: &str, body: impl Into<Bytes>) -> Self {
        if let Err(e) = self.req.set_body(content_type, body) {
            self.err.get_or_insert(e);
        }
        self
    }

    /// Finishes: fails on a bad header value or a missing Via, From, To, Call-ID or CSeq.
    pub fn build(self) -> Result<Request, BuildError> {
        if let Some(e) = self.err {
            return Err(e);
        }
        for (name, label) in [
            (HeaderName::VIA, "Via"),
            (HeaderName::FROM, "From"),
            (HeaderName::TO, "To"),
            (HeaderName::CALL_ID, "Call-ID"),
            (HeaderName::CSEQ, "CSeq"),
        ] {
            if !self.req.headers.contains(&name) {
                return Err(BuildError::Missing(label));
            }
        }
        Ok(self.req)
    }
}

/// A reason phrase with any CR/LF replaced by spaces (a reason is one line).
fn one_line(reason: &str, status: StatusCode) -> SipStr {
    let canonical = status.canonical_reason();
    if reason == canonical {
        SipStr::from_static(canonical)
    } else if reason.bytes().any(|b| b == b'\r' || b == b'\n') {
        SipStr::from(reason.replace(['\r', '\n'], " "))
    } else {
        SipStr::from(reason)
    }
}

/// Copies Via, From, To, Call-ID and CSeq from `from` to `to` (what a response echoes).
pub(super) fn copy_dialog_headers(from: &Headers, to: &mut Headers) {
    const ORDER: [HeaderName; 5] = [
        HeaderName::VIA,
        HeaderName::FROM,
        HeaderName::TO,
        HeaderName::CALL_ID,
        HeaderName::CSEQ,
    ];
    // One scan sorts the lines into the five groups; they are copied group by group.
    let mut groups: [SmallVec<[&Header; 2]>; 5] = Default::default();
    for line in from {
        if let Some(i) = ORDER.iter().position(|name| line.name() == name)
            && let Some(group) = groups.get_mut(i)
        {
            group.push(line);
        }
    }
    for line in groups.iter().flatten() {
        to.push_parsed(line.name().clone(), line.value().clone());
    }
}

impl Response {
    /// A response to `req` (RFC 3261 §8.2.6): copies every Via (in order), From, To,
    /// Call-ID and CSeq. Record-Route is copied only by
    /// [`copy_record_route`](Self::copy_record_route); a To tag is added by
    /// [`set_to_tag`](Self::set_to_tag). Line breaks in `reason` become spaces.
    pub fn from_request(req: &Request, status: StatusCode, reason: &str) -> Response {
        let mut headers = Headers::new();
        copy_dialog_headers(&req.headers, &mut headers);
        headers.share_to_tagged(&req.headers);
        Response {
            status,
            reason: one_line(reason, status),
            headers,
            body: Bytes::new(),
        }
    }

    /// Like [`from_request`](Self::from_request) with the status code's usual reason phrase.
    pub fn from_request_default(req: &Request, status: StatusCode) -> Response {
        Response::from_request(req, status, status.canonical_reason())
    }

    /// Copies the request's Record-Route lines (in order), placed after the Via lines
    /// (what a UAS does in a dialog-creating response, RFC 3261 §12.1.1).
    pub fn copy_record_route(&mut self, req: &Request) {
        if !req.headers.contains(&HeaderName::RECORD_ROUTE) {
            return;
        }
        let mut rr = Headers::new();
        rr.copy_from(&req.headers, &HeaderName::RECORD_ROUTE);
        if rr.is_empty() {
            return;
        }
        let mut out = Headers::new();
        let last_via = self
            .headers
            .iter()
            .rposition(|h| *h.name() == HeaderName::VIA);
        let mut inserted = false;
        for (i, h) in self.headers.iter().enumerate() {
            out.push_parsed(h.name().clone(), h.value().clone());
            if Some(i) == last_via {
                out.copy_from(&rr, &HeaderName::RECORD_ROUTE);
                inserted = true;
            }
        }
        if !inserted {
            out.copy_from(&rr, &HeaderName::RECORD_ROUTE);
        }
        self.headers = out;
    }

    /// Adds `;tag=<tag>` to the To header if it has no tag. Returns whether it was added.
    /// Fails if the tag is not a token or the To header is missing or malformed.
    pub fn set_to_tag(&mut self, tag: &str) -> Result<bool, BuildError> {
        if !is_token_str(tag.as_bytes()) {
            return Err(BuildError::InvalidTag);
        }
        let to = self
            .headers
            .get(&HeaderName::TO)
            .ok_or(BuildError::Missing("To"))?;
        let tagged = match self.headers.to_tagged() {
            Some(tagged) => tagged,
            None => self
                .headers
                .view_to()
                .map_err(|_| BuildError::Missing("To"))?
                .tag()
                .is_some(),
        };
        if tagged {
            return Ok(false);
        }
        let mut value = Vec::with_capacity(to.len() + 5 + tag.len());
        value.extend_from_slice(to.as_bytes());
        value.extend_from_slice(b";tag=");
        value.extend_from_slice(tag.as_bytes());
        // UTF-8 text and an ASCII token joined: still UTF-8.
        let value = SipStr::from_checked(Bytes::from(value));
        self.headers.replace(HeaderName::TO, value)?;
        Ok(true)
    }
}

impl ParseError {
    /// The stateless answer to a refused request (400 or 505 with a reason naming the
    /// problem), built from the salvaged Via/From/To/Call-ID/CSeq lines.
    pub fn response(&self) -> Option<Response> {
        let salvage = self.salvage()?;
        let status = self.status()?;
        let reason = self.reason_phrase()?;
        let mut headers = Headers::new();
        copy_dialog_headers(&salvage.headers, &mut headers);
        Some(Response {
            status,
            reason: SipStr::from(reason),
            headers,
            body: Bytes::new(),
        })
    }
}
