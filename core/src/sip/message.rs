//! Requests, responses and the typed accessors they share.

use bytes::Bytes;

use super::error::{BuildError, HeaderError};
use super::fields::CSeq;
use super::headers::Headers;
use super::method::{Method, StatusCode};
use super::name::HeaderName;
use super::name_addr::{Contact, NameAddr};
use super::text::SipStr;
use super::uri::Uri;
use super::via::Via;

/// A SIP request.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) uri: Uri,
    pub(crate) headers: Headers,
    pub(crate) body: Bytes,
}

/// A SIP response.
#[derive(Debug, Clone)]
pub struct Response {
    pub(crate) status: StatusCode,
    pub(crate) reason: SipStr,
    pub(crate) headers: Headers,
    pub(crate) body: Bytes,
}

/// A parsed datagram: a request or a response.
#[derive(Debug, Clone)]
pub enum Message {
    /// A request.
    Request(Request),
    /// A response.
    Response(Response),
}

impl Message {
    /// The headers of either kind.
    pub fn headers(&self) -> &Headers {
        match self {
            Message::Request(r) => &r.headers,
            Message::Response(r) => &r.headers,
        }
    }

    /// The body of either kind.
    pub fn body(&self) -> &Bytes {
        match self {
            Message::Request(r) => &r.body,
            Message::Response(r) => &r.body,
        }
    }

    /// The request, if this is one.
    pub fn into_request(self) -> Option<Request> {
        match self {
            Message::Request(r) => Some(r),
            Message::Response(_) => None,
        }
    }

    /// The response, if this is one.
    pub fn into_response(self) -> Option<Response> {
        match self {
            Message::Response(r) => Some(r),
            Message::Request(_) => None,
        }
    }
}

/// Shortcuts to the typed accessors of [`Headers`] most used by transactions and dialogs.
macro_rules! typed_shortcuts {
    ($t:ty) => {
        impl $t {
            /// The headers.
            pub fn headers(&self) -> &Headers {
                &self.headers
            }

            /// The headers, for editing.
            pub fn headers_mut(&mut self) -> &mut Headers {
                &mut self.headers
            }

            /// The body (framed by Content-Length).
            pub fn body(&self) -> &Bytes {
                &self.body
            }

            /// Sets the body and its Content-Type (Content-Length is computed when printing).
            pub fn set_body(
                &mut self,
                content_type: &str,
                body: impl Into<Bytes>,
            ) -> Result<(), BuildError> {
                self.headers
                    .replace(HeaderName::CONTENT_TYPE, content_type)?;
                self.body = body.into();
                Ok(())
            }

            /// Removes the body and its Content-Type.
            pub fn clear_body(&mut self) {
                self.headers.remove(&HeaderName::CONTENT_TYPE);
                self.body = Bytes::new();
            }

            /// The topmost Via.
            pub fn via(&self) -> Result<Via, HeaderError> {
                self.headers.via()
            }

            /// The From header.
            pub fn from(&self) -> Result<NameAddr, HeaderError> {
                self.headers.from()
            }

            /// The To header.
            pub fn to(&self) -> Result<NameAddr, HeaderError> {
                self.headers.to()
            }

            /// The Call-ID.
            pub fn call_id(&self) -> Result<SipStr, HeaderError> {
                self.headers.call_id()
            }

            /// The CSeq.
            pub fn cseq(&self) -> Result<CSeq, HeaderError> {
                self.headers.cseq()
            }

            /// The first Contact, if any.
            pub fn contact(&self) -> Option<Result<Contact, HeaderError>> {
                self.headers.contact()
            }

            /// The topmost Via, borrowed from the parsed views.
            pub(crate) fn view_via(&self) -> Result<&Via, HeaderError> {
                self.headers.view_via()
            }

            /// The To header, borrowed from the parsed views.
            pub(crate) fn view_to(&self) -> Result<&NameAddr, HeaderError> {
                self.headers.view_to()
            }

            /// The first Contact, borrowed from the parsed views.
            pub(crate) fn view_contact(&self) -> Option<Result<&Contact, HeaderError>> {
                self.headers.view_contact()
            }

            /// The CSeq, borrowed from the parsed views.
            pub(crate) fn view_cseq(&self) -> Result<&CSeq, HeaderError> {
                self.headers.view_cseq()
            }
        }
    };
}

typed_shortcuts!(Request);
typed_shortcuts!(Response);

impl Request {
    /// The From header, borrowed from the parsed views.
    pub(crate) fn view_from(&self) -> Result<&NameAddr, HeaderError> {
        self.headers.view_from()
    }

    /// A request with no headers and no body (see also [`RequestBuilder`](super::RequestBuilder)).
    pub fn new(method: Method, uri: Uri) -> Request {
        Request {
            method,
            uri,
            headers: Headers::new(),
            body: Bytes::new(),
        }
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The Request-URI.
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// Replaces the Request-URI.
    pub fn set_uri(&mut self, uri: Uri) {
        self.uri = uri;
    }
}

impl Response {
    /// A response with no headers and no body.
    pub fn new(status: StatusCode, reason: impl Into<SipStr>) -> Result<Response, BuildError> {
        let reason = reason.into();
        if reason.as_bytes().iter().any(|&b| b == b'\r' || b == b'\n') {
            return Err(BuildError::LineBreakInValue);
        }
        Ok(Response {
            status,
            reason,
            headers: Headers::new(),
            body: Bytes::new(),
        })
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The reason phrase (any UTF-8, possibly empty).
    pub fn reason(&self) -> &SipStr {
        &self.reason
    }
}
