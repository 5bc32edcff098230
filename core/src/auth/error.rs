//! Why a challenge or credentials value could not be read.
//!
//! Every variant describes input sent by a peer (it is at fault), except
//! [`ParseError::NotDigest`], which means the peer speaks an authentication scheme
//! this module does not implement (an incompatible peer, answered with a fresh challenge).
//! Error values never carry parameter values, so they are safe to log.

/// A `WWW-Authenticate`/`Authorization`-style header value that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The value is empty or only whitespace.
    #[error("empty authentication header value")]
    Empty,
    /// The scheme is not `Digest` (the scheme name, at most 32 bytes, is kept).
    #[error("authentication scheme {0:?} is not Digest")]
    NotDigest(String),
    /// A parameter name was expected at this byte offset.
    #[error("expected a parameter name at byte {0}")]
    ExpectedName(usize),
    /// A `=` was expected after a parameter name at this byte offset.
    #[error("expected '=' at byte {0}")]
    ExpectedEquals(usize),
    /// A token or quoted-string value was expected at this byte offset.
    #[error("expected a parameter value at byte {0}")]
    ExpectedValue(usize),
    /// A `,` was expected between two parameters at this byte offset.
    #[error("expected ',' at byte {0}")]
    ExpectedComma(usize),
    /// A quoted string is not closed.
    #[error("unterminated quoted string")]
    UnterminatedQuote,
    /// A control character appears inside a quoted string at this byte offset.
    #[error("control character at byte {0}")]
    ControlChar(usize),
    /// The same parameter (named here, lowercase) appears twice.
    #[error("parameter {0} appears twice")]
    Duplicate(String),
    /// More parameters than any real peer sends.
    #[error("too many parameters")]
    TooManyParams,
    /// A parameter the grammar requires is absent.
    #[error("missing parameter {0}")]
    Missing(&'static str),
    /// A parameter's value is not valid for that parameter.
    #[error("invalid value for parameter {0}")]
    Invalid(&'static str),
}

impl ParseError {
    /// True when the value uses another scheme (answer with a challenge, not 400).
    pub fn is_other_scheme(&self) -> bool {
        matches!(self, ParseError::NotDigest(_))
    }
}
