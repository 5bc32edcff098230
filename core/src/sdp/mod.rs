//! SDP (RFC 4566) parsing and printing, and RFC 3264 offer/answer for audio.
//!
//! - [`SessionDescription::parse`] reads a body (a `Bytes` slice of the SIP message, shared,
//!   not copied; fields of at most four bytes are copied); LF-only line endings and trailing whitespace are tolerated, malformed
//!   input is an [`SdpError`], never a panic. Unknown attributes are kept in order.
//! - Printing ([`SessionDescription::to_bytes`], `Display`) is canonical: CRLF, RFC 4566
//!   line order, deterministic; print → parse → print is the identity.
//! - [`answer_offer`] answers an offer with our [`MediaConfig`]: codec by our preference,
//!   telephone-event mirrored, ptime and direction honoured, other streams rejected with
//!   port 0. An offer we cannot use is a [`Refusal`] that maps to 488 and a Warning.
//!   [`answer_reoffer`] answers re-INVITE/UPDATE offers (hold/resume, `o=` version).
//! - [`build_offer`] / [`apply_answer`] are the outbound (UAC) side.
//!
//! Answering an offer:
//!
//! ```
//! use sipvoice_core::sdp::{answer_offer, AudioCodec, Direction, MediaConfig, SessionDescription};
//! use std::net::{IpAddr, Ipv4Addr};
//!
//! let offer = SessionDescription::parse_slice(
//!     b"v=0\r\n\
//!       o=alice 2890844526 2890844526 IN IP4 127.0.0.1\r\n\
//!       s=-\r\n\
//!       c=IN IP4 127.0.0.1\r\n\
//!       t=0 0\r\n\
//!       m=audio 49170 RTP/AVP 0 8 9 96\r\n\
//!       a=rtpmap:96 telephone-event/8000\r\n\
//!       a=fmtp:96 0-15\r\n",
//! )?;
//! // Our address, RTP port, and an o= session id and version drawn from the seeded RNG.
//! let config = MediaConfig::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 20000, 7, 7);
//! let answer = answer_offer(&offer, &config)?;
//!
//! assert_eq!(answer.media.codec, AudioCodec::G722); // our preference, not the offer's order
//! assert_eq!(answer.media.telephone_event, Some(96)); // mirrored, not a fixed 101
//! assert_eq!(answer.media.direction, Direction::SendRecv);
//! assert_eq!(answer.media.remote_rtp.port(), 49170);
//! assert_eq!(
//!     answer.sdp.to_string(),
//!     "v=0\r\n\
//!      o=- 7 7 IN IP4 127.0.0.1\r\n\
//!      s=-\r\n\
//!      c=IN IP4 127.0.0.1\r\n\
//!      t=0 0\r\n\
//!      m=audio 20000 RTP/AVP 9 96\r\n\
//!      a=rtpmap:9 G722/8000\r\n\
//!      a=rtpmap:96 telephone-event/8000\r\n\
//!      a=fmtp:96 0-15\r\n\
//!      a=ptime:20\r\n\
//!      a=sendrecv\r\n"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Refusing, and the outbound side:
//!
//! ```
//! use sipvoice_core::sdp::{
//!     answer_offer_bytes, apply_answer, build_offer, AudioCodec, MediaConfig, Refusal,
//!     SessionDescription,
//! };
//!
//! let config = MediaConfig { rtp_port: 20000, session_id: 1, session_version: 1, ..MediaConfig::default() };
//! let g729_only = b"v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 18\n";
//! let refusal = answer_offer_bytes(g729_only, &config).unwrap_err();
//! assert_eq!(refusal, Refusal::NoCommonCodec);
//! assert_eq!(refusal.status_code(), 488);
//! assert_eq!(refusal.warning("sipvoice"), "305 sipvoice \"Incompatible media format\"");
//!
//! let offer = build_offer(&config); // G.722, PCMU, PCMA, telephone-event 101, ptime 20
//! let answer = SessionDescription::parse_slice(
//!     b"v=0\no=- 9 9 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 30000 RTP/AVP 0 101\na=rtpmap:101 telephone-event/8000\n",
//! )?;
//! let media = apply_answer(&offer, &answer, &config)?;
//! assert_eq!((media.codec, media.telephone_event), (AudioCodec::Pcmu, Some(101)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod address;
mod answer;
mod attribute;
mod build;
mod config;
mod error;
mod lines;
mod model;
mod negotiated;
mod offer;
mod parse;
mod print;
mod refusal;
mod sink;
mod text;

#[cfg(test)]
mod answer_policy_tests;
#[cfg(test)]
mod answer_tests;
#[cfg(test)]
mod offer_tests;
#[cfg(test)]
mod parse_tests;
#[cfg(test)]
mod test_support;

pub use answer::{answer_offer, answer_offer_bytes, answer_reoffer};
pub use attribute::{Attribute, Direction, Fmtp, Rtcp, RtpMap};
pub use config::{AddressPolicy, AudioCodec, LoopbackRule, MediaConfig, UnspecifiedRule};
pub use error::{SdpError, SdpErrorKind};
pub use model::{Common, Connection, MediaDescription, Origin, SessionDescription, Timing};
pub use negotiated::{Answer, NegotiatedMedia};
pub use offer::{TELEPHONE_EVENTS, apply_answer, apply_reanswer, build_offer, build_reoffer};
pub use parse::{MAX_LINES, MAX_MEDIA, MAX_SDP_LEN};
pub use refusal::{AddressProblem, Refusal};
pub use text::Text;
