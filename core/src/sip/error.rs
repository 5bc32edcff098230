//! Errors, classified by who is at fault: the peer (malformed input, [`ParseError`],
//! [`HeaderError`]) or the caller (API misuse, [`BuildError`]).

use std::fmt;

use super::headers::Headers;
use super::method::{Method, StatusCode};

/// A header that is missing, malformed or repeated (the peer's fault).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// A required header is absent.
    #[error("Missing {0}")]
    Missing(&'static str),
    /// A header value does not follow its grammar.
    #[error("Malformed {0}")]
    Malformed(&'static str),
    /// A single-value header appears more than once.
    #[error("Multiple {0} values")]
    Multiple(&'static str),
    /// A number is out of range (e.g. CSeq above 2^32-1).
    #[error("{0} out of range")]
    OutOfRange(&'static str),
}

/// What is wrong with a message, phrased for a reason phrase ("Bad Request - ...").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// Nothing but white space.
    Empty,
    /// The start line is neither a request line nor a status line.
    BadStartLine,
    /// The Request-URI does not parse (e.g. in angle brackets, or with white space).
    BadRequestUri,
    /// The Request-URI carries `?headers`, which are not allowed there.
    RequestUriHeaders,
    /// A SIP version other than 2.0.
    UnsupportedVersion,
    /// A status code that is not three digits in 100..=699.
    BadStatusCode,
    /// A header line without a colon or with a bad name.
    BadHeaderLine,
    /// The header section is not UTF-8.
    InvalidUtf8,
    /// Content-Length is not a number.
    BadContentLength,
    /// Content-Length promises more bytes than the datagram holds.
    ContentLengthMismatch,
    /// Two different Content-Length values.
    ConflictingContentLength,
    /// The CSeq method differs from the request method.
    CSeqMethodMismatch,
    /// A header problem.
    Header(HeaderError),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Problem::Empty => "Empty message",
            Problem::BadStartLine => "Malformed start line",
            Problem::BadRequestUri => "Malformed Request-URI",
            Problem::RequestUriHeaders => "Headers in Request-URI",
            Problem::UnsupportedVersion => "Unsupported SIP version",
            Problem::BadStatusCode => "Bad status code",
            Problem::BadHeaderLine => "Malformed header line",
            Problem::InvalidUtf8 => "Invalid UTF-8",
            Problem::BadContentLength => "Malformed Content-Length",
            Problem::ContentLengthMismatch => "Content-Length mismatch",
            Problem::ConflictingContentLength => "Conflicting Content-Length",
            Problem::CSeqMethodMismatch => "CSeq method mismatch",
            Problem::Header(h) => return fmt::Display::fmt(h, f),
        };
        f.write_str(s)
    }
}

impl From<HeaderError> for Problem {
    fn from(h: HeaderError) -> Self {
        Problem::Header(h)
    }
}

/// What could be read from a refused request: enough to answer it statelessly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Salvage {
    /// The request method, when the request line was readable.
    pub method: Option<Method>,
    /// The Via, From, To, Call-ID and CSeq lines as received (raw values).
    pub headers: Headers,
}

impl Salvage {
    /// The top Via, read leniently (its sent-by is usable even when its parameters are
    /// not): where a stateless answer goes (RFC 3261 §18.2.2).
    pub fn top_via(&self) -> Option<super::via::Via> {
        let top = self.headers.first_element(&super::name::HeaderName::VIA)?;
        super::via::Via::parse_lenient(top).ok()
    }
}

/// A datagram that cannot be processed as it is (the peer's fault).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Not recognisably SIP, or a request too broken to answer: count it and drop it.
    #[error("unparseable datagram: {0}")]
    Garbage(Problem),
    /// A malformed request that can be answered statelessly with 400.
    #[error("bad request: {problem}")]
    BadRequest {
        /// What is wrong.
        problem: Problem,
        /// What is needed to answer.
        salvage: Box<Salvage>,
    },
    /// A request in a SIP version other than 2.0: answer 505.
    #[error("SIP version not supported")]
    VersionNotSupported {
        /// What is needed to answer.
        salvage: Box<Salvage>,
    },
    /// A malformed response: discard it silently.
    #[error("response discarded: {0}")]
    DiscardResponse(Problem),
}

impl ParseError {
    /// What is wrong.
    pub fn problem(&self) -> Problem {
        match self {
            ParseError::Garbage(p) | ParseError::DiscardResponse(p) => *p,
            ParseError::BadRequest { problem, .. } => *problem,
            ParseError::VersionNotSupported { .. } => Problem::UnsupportedVersion,
        }
    }

    /// The status code to answer with, if the error is answerable (400 or 505).
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            ParseError::BadRequest { .. } => Some(StatusCode::BAD_REQUEST),
            ParseError::VersionNotSupported { .. } => Some(StatusCode::VERSION_NOT_SUPPORTED),
            _ => None,
        }
    }

    /// The reason phrase to answer with, e.g. "Bad Request - Content-Length mismatch".
    pub fn reason_phrase(&self) -> Option<String> {
        match self {
            ParseError::BadRequest { problem, .. } => Some(format!("Bad Request - {problem}")),
            ParseError::VersionNotSupported { .. } => Some("Version Not Supported".to_owned()),
            _ => None,
        }
    }

    /// What was salvaged, if the error is answerable.
    pub fn salvage(&self) -> Option<&Salvage> {
        match self {
            ParseError::BadRequest { salvage, .. }
            | ParseError::VersionNotSupported { salvage } => Some(salvage),
            _ => None,
        }
    }

    /// Whether the input should just be counted and dropped (garbage or a bad response).
    pub fn is_drop(&self) -> bool {
        matches!(
            self,
            ParseError::Garbage(_) | ParseError::DiscardResponse(_)
        )
    }
}

/// Misuse of the building API (the caller's fault).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// A header value contains CR or LF (header injection).
    #[error("header value contains a line break")]
    LineBreakInValue,
    /// A header name is not a token.
    #[error("invalid header name")]
    InvalidHeaderName,
    /// A URI does not parse.
    #[error(transparent)]
    Uri(#[from] super::uri::UriError),
    /// A tag is not a token.
    #[error("invalid tag")]
    InvalidTag,
    /// A required part of a request is missing.
    #[error("missing {0}")]
    Missing(&'static str),
}
