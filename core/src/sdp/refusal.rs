//! Why an offer (or an answer to our offer) cannot be used, and how to say so in SIP.

use super::error::SdpError;
use thiserror::Error;

/// What is wrong with a remote media address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AddressProblem {
    /// No `c=` applies to the stream.
    #[error("no connection address")]
    Missing,
    /// The network type is not `IN`.
    #[error("network type is not IN")]
    NotInternet,
    /// The address is not an IP address of its declared type (e.g. a host name).
    #[error("address is not an IP address of the declared type")]
    Unparseable,
    /// `0.0.0.0` / `::` outside a re-offer (or refused by the policy).
    #[error("unspecified address")]
    Unspecified,
    /// A multicast address.
    #[error("multicast address")]
    Multicast,
    /// The limited broadcast address.
    #[error("broadcast address")]
    Broadcast,
    /// A loopback address the policy refuses.
    #[error("loopback address")]
    Loopback,
    /// A link-local address the policy refuses.
    #[error("link-local address")]
    LinkLocal,
    /// A routable address while we are on loopback.
    #[error("address not reachable from our loopback address")]
    BeyondLoopback,
    /// IPv4 versus IPv6 mismatch with our advertised address.
    #[error("address family differs from ours")]
    FamilyMismatch,
}

/// Why we refuse an offer (answered with 488 Not Acceptable Here and a Warning),
/// or reject the answer to our own offer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The body is not a valid session description.
    #[error("malformed session description: {0}")]
    Malformed(#[from] SdpError),
    /// No audio stream with a non-zero port.
    #[error("no audio stream")]
    NoAudio,
    /// Audio offered only over transports other than RTP/AVP.
    #[error("audio offered only over an unsupported transport")]
    UnsupportedTransport,
    /// None of our codecs is among those offered (or the answer picked none we offered).
    #[error("no common codec")]
    NoCommonCodec,
    /// The audio stream's address is unusable.
    #[error("unusable media address: {0}")]
    UnusableAddress(AddressProblem),
    /// The answer does not have one media section per section of our offer.
    #[error("answer does not match the offer's media sections")]
    MediaMismatch,
}

impl Refusal {
    /// The SIP status code to answer an offer with (always 488).
    pub fn status_code(&self) -> u16 {
        488
    }

    /// The RFC 3261 §20.43 warn-code for the Warning header.
    pub fn warn_code(&self) -> u16 {
        match self {
            Refusal::Malformed(_) => 399,
            Refusal::NoAudio => 304,
            Refusal::UnsupportedTransport => 302,
            Refusal::NoCommonCodec => 305,
            Refusal::UnusableAddress(AddressProblem::NotInternet) => 300,
            Refusal::UnusableAddress(AddressProblem::Multicast) => 330,
            Refusal::UnusableAddress(_) => 301,
            Refusal::MediaMismatch => 399,
        }
    }

    /// The warn-text for the Warning header.
    pub fn warn_text(&self) -> &'static str {
        match self {
            Refusal::Malformed(_) => "Malformed session description",
            Refusal::NoAudio => "Media type not available",
            Refusal::UnsupportedTransport => "Incompatible transport protocol",
            Refusal::NoCommonCodec => "Incompatible media format",
            Refusal::UnusableAddress(AddressProblem::NotInternet) => {
                "Incompatible network protocol"
            }
            Refusal::UnusableAddress(AddressProblem::Multicast) => "Multicast not available",
            Refusal::UnusableAddress(_) => "Incompatible network address formats",
            Refusal::MediaMismatch => "Answer does not match offer",
        }
    }

    /// The Warning header value: `<code> <agent> "<text>"` (agent: our host or a pseudonym).
    pub fn warning(&self, agent: &str) -> String {
        format!("{} {} \"{}\"", self.warn_code(), agent, self.warn_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sdp::SdpErrorKind;

    #[test]
    fn refusals_map_to_488_and_rfc3261_warn_codes() {
        let cases = [
            (Refusal::NoAudio, 304),
            (Refusal::NoCommonCodec, 305),
            (Refusal::UnsupportedTransport, 302),
            (Refusal::UnusableAddress(AddressProblem::Unspecified), 301),
            (Refusal::UnusableAddress(AddressProblem::Multicast), 330),
            (Refusal::UnusableAddress(AddressProblem::NotInternet), 300),
            (
                Refusal::Malformed(SdpError::new(1, SdpErrorKind::BadLine)),
                399,
            ),
        ];
        for (r, code) in cases {
            assert_eq!(r.status_code(), 488);
            assert_eq!(r.warn_code(), code, "{r}");
        }
    }

    #[test]
    fn warning_header_value_is_quoted() {
        assert_eq!(
            Refusal::NoCommonCodec.warning("sipvoice"),
            "305 sipvoice \"Incompatible media format\""
        );
    }
}
