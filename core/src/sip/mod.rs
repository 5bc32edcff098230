//! SIP messages (RFC 3261): zero-copy parsing over `bytes::Bytes`, typed header access and canonical printing.
//!
//! - [`parse`] turns a datagram into a [`Message`] (UDP framing per RFC 3261 §18.3).
//!   Header values are slices of the datagram ([`SipStr`]); typed views ([`Via`],
//!   [`NameAddr`], [`CSeq`], ...) are parsed lazily, on access.
//! - [`Request::validate`] checks required headers; [`parse_validated`] does both.
//! - Errors say who is at fault and what to do: [`ParseError::Garbage`] (count and
//!   drop), [`ParseError::BadRequest`] / [`ParseError::VersionNotSupported`] (answer with
//!   [`ParseError::response`]), [`ParseError::DiscardResponse`]; [`BuildError`] is API misuse.
//! - Printing ([`Request::write_to`], [`Response::to_bytes`]) is canonical: full header
//!   names, `Name: value` lines, Content-Length always emitted last, so it round-trips.
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
