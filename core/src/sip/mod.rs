//! SIP messages (RFC 3261): zero-copy parsing over `bytes::Bytes`, typed header access and canonical printing.
//!
//! - [`parse`] turns a datagram into a [`Message`] in one pass over the bytes (UDP
//!   framing per RFC 3261 §18.3: a body shorter than Content-Length is an error, a longer
//!   one is truncated, no Content-Length means the rest). Header values are slices of the
//!   datagram ([`SipStr`]); only folded values are copied (unfolded).
//! - Names are case-insensitive with compact forms ([`HeaderName`]); list headers
//!   (Via, Contact, Route, Allow, ...) split on commas outside quotes and angle brackets
//!   ([`Headers::values`]); Authorization, WWW-Authenticate, Date ... never split.
//! - Typed views are parsed lazily, on access, from [`Headers`] (or the shortcuts on
//!   [`Request`]/[`Response`]): [`Via`] (`via`, `vias`), [`NameAddr`] (`from`, `to`,
//!   `routes`, `record_routes`), [`Contact`] (`contacts`), [`CSeq`], `call_id`,
//!   `max_forwards`, `content_length`, [`MediaType`] (`content_type`), `require`,
//!   `supported`, `allow`, `accept`, [`Reason`] (`reasons`), [`RetryAfter`],
//!   [`SessionExpires`], `min_se`, `expires`, `user_agent`, `server`, `x_headers`.
//! - [`Uri`]: sip/sips/tel and opaque others; the user part raw and unescaped once;
//!   [`Uri::equivalent`] compares per RFC 3261 §19.1.4.
//! - [`Request::validate`] checks required headers (answerable 400 errors);
//!   [`parse_validated`] does both steps.
//! - Errors say who is at fault and what to do: [`ParseError::Garbage`] (count and
//!   drop), [`ParseError::BadRequest`] / [`ParseError::VersionNotSupported`] (answer with
//!   [`ParseError::response`]), [`ParseError::DiscardResponse`]; [`BuildError`] is API misuse.
//! - Building: [`Request::builder`], [`Response::from_request`] (+ [`Response::set_to_tag`],
//!   [`Response::copy_record_route`]), [`Request::cancel`], [`Request::ack_for`],
//!   [`Request::stamp_received`].
//! - Printing ([`Request::write_to`], [`Response::to_bytes`]) is canonical: full header
//!   names, `Name: value` lines, the body's Content-Length always emitted last, so
//!   `print(parse(print(m))) == print(m)`.
//! - [`exercise`] is the fuzz body (parse, read every view, validate, answer, reprint).
//!
//! ```
//! use bytes::Bytes;
//! use sipvoice_core::sip::{self, HeaderName, Message, Method, Response, StatusCode};
//!
//! let datagram = Bytes::from_static(
//!     b"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
//!       v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport\r\n\
//!       Max-Forwards: 70\r\n\
//!       To: Bob <sip:bob@biloxi.example.com>\r\n\
//!       From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
//!       i: a84b4c76e66710@pc33.atlanta.example.com\r\n\
//!       CSeq: 314159 INVITE\r\n\
//!       X-Room-ID: lobby\r\n\
//!       l: 0\r\n\r\n",
//! );
//! let Message::Request(req) = sip::parse_validated(datagram)? else { unreachable!() };
//! assert_eq!(req.method(), &Method::Invite);
//! let via = req.via()?;
//! assert!(via.is_rfc3261_branch());
//! assert_eq!(req.from()?.tag(), Some("1928301774"));
//! assert_eq!(req.from()?.display_name().as_deref(), Some("Alice"));
//! assert_eq!(req.cseq()?.seq, 314159);
//! assert_eq!(req.headers().x_headers().next().map(|(n, v)| (n, v.as_str())), Some(("X-Room-ID", "lobby")));
//!
//! let mut ok = Response::from_request(&req, StatusCode::OK, "OK");
//! ok.set_to_tag("a6c85cf")?;
//! ok.headers_mut().push(HeaderName::CONTACT, "<sip:bob@192.0.2.4>")?;
//! let wire = ok.to_bytes();
//! assert!(wire.starts_with(b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com"));
//! assert!(wire.ends_with(b"Content-Length: 0\r\n\r\n"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod build;
mod derive;
mod draft;
pub(crate) use derive::push_decimal;
pub(crate) use draft::RequestDraft;
pub(crate) use scan::parse_ipv4;
mod error;
mod extras;
mod fields;
mod fuzz;
mod headers;
mod message;
mod method;
mod name;
mod name_addr;
mod params;
mod parse;
mod print;
mod reply;
pub(crate) use reply::Reply;
mod scan;
mod text;
mod uri;
mod uri_eq;
mod validate;
mod via;

pub use build::RequestBuilder;
pub use error::{BuildError, HeaderError, ParseError, Problem, Salvage};
pub use extras::{MediaType, Reason, Refresher, RetryAfter, SessionExpires};
pub use fields::CSeq;
pub use fuzz::exercise;
pub use headers::{Header, Headers};
pub use message::{Message, Request, Response};
pub use method::{Method, StatusCode};
pub use name::HeaderName;
pub use name_addr::{Contact, NameAddr};
pub use params::Params;
pub use parse::{parse, parse_validated};
pub use scan::{quote, unescape, unquote};
pub use text::SipStr;
pub use uri::{Scheme, Uri, UriError, UriHeaders, UriParams};
pub use via::{MAGIC_COOKIE, Rport, Transport, Via};
