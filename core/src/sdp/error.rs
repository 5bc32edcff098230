//! Errors for malformed session descriptions (the peer's fault).

use thiserror::Error;

/// A session description that could not be parsed.
///
/// Always the sender's fault (malformed input); it maps to a 488 with warn-code 399.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("malformed SDP at line {line}: {kind}")]
pub struct SdpError {
    /// 1-based line number where the problem was found (0: the body as a whole).
    pub line: usize,
    /// What was wrong.
    pub kind: SdpErrorKind,
}

impl SdpError {
    pub(crate) fn new(line: usize, kind: SdpErrorKind) -> Self {
        SdpError { line, kind }
    }
}

/// What made a session description malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SdpErrorKind {
    /// The body is empty or holds only blank lines.
    #[error("empty body")]
    Empty,
    /// The body is larger than the parser accepts.
    #[error("body too large")]
    TooLarge,
    /// The body is not UTF-8.
    #[error("not UTF-8")]
    NotUtf8,
    /// A line is not of the form `x=value`.
    #[error("line is not `type=value`")]
    BadLine,
    /// A line type letter this parser does not know.
    #[error("unknown line type")]
    UnknownType,
    /// A line type that is not allowed where it appears (e.g. `o=` inside a media section).
    #[error("line type not allowed here")]
    Misplaced,
    /// A line that may appear once appears twice.
    #[error("duplicate line")]
    Duplicate,
    /// The first line is not `v=`.
    #[error("first line is not v=")]
    MissingVersion,
    /// `v=` is not 0.
    #[error("unsupported version")]
    UnsupportedVersion,
    /// No `o=` line.
    #[error("missing o= line")]
    MissingOrigin,
    /// A malformed `o=` line.
    #[error("malformed o= line")]
    BadOrigin,
    /// A malformed `c=` line.
    #[error("malformed c= line")]
    BadConnection,
    /// A malformed `b=` line.
    #[error("malformed b= line")]
    BadBandwidth,
    /// A malformed `t=` line.
    #[error("malformed t= line")]
    BadTiming,
    /// An `r=` line without a preceding `t=`.
    #[error("r= without t=")]
    RepeatWithoutTiming,
    /// A malformed `m=` line.
    #[error("malformed m= line")]
    BadMedia,
    /// A malformed `a=rtpmap`.
    #[error("malformed a=rtpmap")]
    BadRtpmap,
    /// A malformed `a=fmtp`.
    #[error("malformed a=fmtp")]
    BadFmtp,
    /// A malformed `a=ptime` or `a=maxptime`.
    #[error("malformed a=ptime or a=maxptime")]
    BadPtime,
    /// A malformed `a=rtcp`.
    #[error("malformed a=rtcp")]
    BadRtcp,
    /// A malformed attribute name.
    #[error("malformed attribute")]
    BadAttribute,
    /// More lines or media sections than the parser accepts.
    #[error("too many lines or media sections")]
    TooMany,
}
