//! Building blocks for the messages we send: responses with our headers, where a
//! response goes (RFC 3261 §18.2.2 with RFC 3581), what we allow and accept, the SDP
//! configuration of a call, and DTMF carried in INFO bodies.

use std::net::SocketAddr;

use smallvec::SmallVec;

use super::Endpoint;
use crate::codec::Codec;
use crate::config::Config;
use crate::sdp::{AudioCodec, MediaConfig, Text};
use crate::sip::{HeaderName, Reply, Request, Rport, StatusCode, Via};

/// The methods we implement, for `Allow`.
pub(crate) const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE";
/// The body types we take in INVITE and UPDATE, for `Accept`.
pub(crate) const ACCEPT_SDP: &str = "application/sdp";
/// The body types we take in INFO, for `Accept`.
pub(crate) const ACCEPT_INFO: &str = "application/dtmf-relay, application/dtmf";

/// Where a response to a request with top Via `via` goes (§18.2.2, RFC 3581 §4): the
/// `received` address (else the sent-by IP, else the packet's source) and the `rport`
/// port (else the sent-by port, else 5060).
pub(crate) fn via_destination(via: &Via, source: SocketAddr) -> SocketAddr {
    let ip = via
        .received_ip()
        .or_else(|| via.host_ip())
        .unwrap_or(source.ip());
    let port = match via.rport() {
        Some(Rport::Port(p)) => p,
        Some(Rport::Requested) => source.port(),
        None => via.port().unwrap_or(5060),
    };
    SocketAddr::new(ip, port)
}

/// Where responses go once the request's top Via is stamped with its source
/// ([`Request::stamp_received`](crate::sip::Request::stamp_received)), read from the
/// Via before stamping: the same as [`via_destination`] of the stamped Via, without
/// parsing it again.
pub(crate) fn reply_destination(via: &Via, source: SocketAddr) -> SocketAddr {
    let rport = via.rport();
    let stamped = rport == Some(Rport::Requested) || via.host_ip() != Some(source.ip());
    let ip = if stamped {
        source.ip()
    } else {
        via.received_ip()
            .or_else(|| via.host_ip())
            .unwrap_or(source.ip())
    };
    let port = match rport {
        Some(Rport::Port(p)) => p,
        Some(Rport::Requested) => source.port(),
        None => via.port().unwrap_or(5060),
    };
    SocketAddr::new(ip, port)
}

/// The codec type of the media layer for an SDP codec.
pub(crate) fn codec_of(codec: AudioCodec) -> Codec {
    match codec {
        AudioCodec::G722 => Codec::G722,
        AudioCodec::Pcmu => Codec::Pcmu,
        AudioCodec::Pcma => Codec::Pcma,
    }
}

/// A DTMF digit and its duration from an INFO body (`application/dtmf-relay`:
/// `Signal=5` / `Duration=160`; `application/dtmf`: the digit alone).
pub(crate) fn info_dtmf(relay: bool, body: &[u8]) -> Option<(char, u32)> {
    let text = std::str::from_utf8(body).ok()?;
    let valid = |c: char| c.is_ascii_digit() || matches!(c, '*' | '#' | 'A'..='D');
    if !relay {
        let c = text.trim().chars().next()?.to_ascii_uppercase();
        return valid(c).then_some((c, 250));
    }
    let mut digit = None;
    let mut duration = 250;
    for line in text.lines() {
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        if name.trim().eq_ignore_ascii_case("signal") {
            digit = value.chars().next().map(|c| c.to_ascii_uppercase());
        } else if name.trim().eq_ignore_ascii_case("duration") {
            duration = value.parse().unwrap_or(250);
        }
    }
    digit.filter(|c| valid(*c)).map(|c| (c, duration))
}

impl Endpoint {
    /// A response to `req` with our Server header (no To tag added).
    pub(crate) fn response<'a>(&self, req: &'a Request, status: u16, reason: &'a str) -> Reply<'a> {
        let code = StatusCode::new(status).unwrap_or(StatusCode::SERVER_INTERNAL_ERROR);
        let reason = if reason.is_empty() {
            code.canonical_reason()
        } else {
            reason
        };
        let mut resp = Reply::new(req, code, reason);
        if let Some(server) = &self.user_agent {
            resp.server(server.clone());
        }
        match status {
            405 | 501 => resp.header(HeaderName::ALLOW, ALLOW),
            503 => resp.header(
                HeaderName::RETRY_AFTER,
                self.config.retry_after_secs.to_string(),
            ),
            _ => {}
        }
        resp
    }

    /// A response that gets a fresh To tag when the request had none (RFC 3261 §8.2.6.2).
    pub(crate) fn tagged_response<'a>(
        &mut self,
        req: &'a Request,
        status: u16,
        reason: &'a str,
    ) -> Reply<'a> {
        let mut resp = self.response(req, status, reason);
        if status > 100 {
            resp.tag_to(self.rng.token(10));
        }
        resp
    }
}

/// Our SDP settings for a call whose RTP port is `port`.
pub(crate) fn media_config(config: &Config, port: u16, session: u64) -> MediaConfig {
    let mut media = MediaConfig::new(config.advertised_address(), port, session, session);
    media.codec_preference = SmallVec::from_slice(&config.supported_codecs);
    media.dtmf_payload_type = Some(config.dtmf_payload_type);
    media.ptime = config.ptime_ms;
    media.session_name = Text::copy_from_str(&config.server_name);
    media
}

#[cfg(test)]
mod reply_tests {
    use super::*;
    use crate::sip::{HeaderName, Method, Request, Uri};

    #[test]
    fn reply_destination_is_that_of_the_stamped_via() {
        let sources: [SocketAddr; 3] = [
            "127.0.0.1:5070".parse().unwrap(),
            "10.0.0.9:40000".parse().unwrap(),
            "[::1]:5099".parse().unwrap(),
        ];
        for via in [
            "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1;rport",
            "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1",
            "SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1",
            "SIP/2.0/UDP host.example;branch=z9hG4bK1",
            "SIP/2.0/UDP host.example:5080;branch=z9hG4bK1;rport",
            "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1;received=192.0.2.1",
            "SIP/2.0/UDP 127.0.0.1:5070;rport=6000;branch=z9hG4bK1",
            "SIP/2.0/UDP [::1]:5099;branch=z9hG4bK1",
        ] {
            for source in sources {
                let mut req = Request::new(Method::Options, Uri::parse("sip:a@b").unwrap());
                req.headers_mut().push(HeaderName::VIA, via).unwrap();
                let before = reply_destination(&req.via().unwrap(), source);
                req.stamp_received(source);
                let after = via_destination(&req.via().unwrap(), source);
                assert_eq!(before, after, "{via} from {source}");
            }
        }
    }
}
