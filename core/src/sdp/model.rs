//! The session description: session-level fields and media sections (RFC 4566 §5).

use super::attribute::{Attribute, Direction, Fmtp, RtpMap};
use super::lines::split_once;
use super::text::Text;
use smallvec::SmallVec;
use std::net::IpAddr;

/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    /// User name (`-` when none).
    pub username: Text,
    /// Session id.
    pub session_id: u64,
    /// Session version; bumped whenever the description changes.
    pub session_version: u64,
    /// Network type (`IN`).
    pub nettype: Text,
    /// Address type (`IP4` / `IP6`).
    pub addrtype: Text,
    /// Unicast address or host name of the originator.
    pub address: Text,
}

impl Origin {
    /// The same origin with the version incremented by one (RFC 3264 §8).
    pub fn next_version(&self) -> Origin {
        Origin {
            session_version: self.session_version.wrapping_add(1),
            ..self.clone()
        }
    }
}

/// `c=<nettype> <addrtype> <connection-address>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Connection {
    /// Network type (`IN`).
    pub nettype: Text,
    /// Address type (`IP4` / `IP6`).
    pub addrtype: Text,
    /// The address, possibly with `/ttl` and `/count` suffixes.
    pub address: Text,
}

impl Connection {
    /// A `c=IN IP4 …` / `c=IN IP6 …` line for an IP address.
    pub fn for_ip(ip: IpAddr) -> Connection {
        let (addrtype, address) = ip_fields(ip);
        Connection {
            nettype: Text::from_static("IN"),
            addrtype,
            address,
        }
    }

    /// The IP address, when the network type is `IN` and the address part parses
    /// as an address of the declared type (`/ttl` and `/count` suffixes ignored).
    pub fn ip(&self) -> Option<IpAddr> {
        if !self.nettype.eq_ignore_ascii_case("IN") {
            return None;
        }
        let address = self.address.as_str();
        let host = split_once(address, b'/').map_or(address, |(host, _)| host);
        let ip = match crate::sip::parse_ipv4(host.as_bytes()) {
            Some(v4) => IpAddr::V4(v4),
            None => host.parse().ok()?,
        };
        let family_ok = match ip {
            IpAddr::V4(_) => self.addrtype.eq_ignore_ascii_case("IP4"),
            IpAddr::V6(_) => self.addrtype.eq_ignore_ascii_case("IP6"),
        };
        family_ok.then_some(ip)
    }
}

/// The `addrtype` and `address` fields for an IP address.
pub(crate) fn ip_fields(ip: IpAddr) -> (Text, Text) {
    match ip {
        IpAddr::V4(v4) => (Text::from_static("IP4"), Text::from_ipv4(v4)),
        IpAddr::V6(v6) => (Text::from_static("IP6"), Text::from(v6.to_string())),
    }
}

/// `t=<start> <stop>` with its `r=` repeat lines.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Timing {
    /// Start time (NTP seconds, 0 = unbounded).
    pub start: u64,
    /// Stop time (NTP seconds, 0 = unbounded).
    pub stop: u64,
    /// `r=` lines, verbatim.
    pub repeats: Vec<Text>,
}

/// Fields that appear both at session level and in a media section.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Common {
    /// `i=` title or information.
    pub info: Option<Text>,
    /// `b=` lines, verbatim (`AS:64`).
    pub bandwidths: Vec<Text>,
    /// `k=` encryption key line, verbatim (kept, never interpreted).
    pub key: Option<Text>,
    /// `a=` lines in order.
    pub attributes: Vec<Attribute>,
}

impl Common {
    /// The first `a=sendrecv|sendonly|recvonly|inactive`, if any.
    pub fn direction(&self) -> Option<Direction> {
        self.attributes.iter().find_map(|a| match a {
            Attribute::Direction(d) => Some(*d),
            _ => None,
        })
    }

    /// True when the given property attribute (e.g. `rtcp-mux`) or value attribute is present.
    pub fn has_attribute(&self, name: &str) -> bool {
        self.attributes.iter().any(|a| match a {
            Attribute::RtcpMux => name == "rtcp-mux",
            Attribute::Other { name: n, .. } => n == name,
            _ => false,
        })
    }
}

/// A media section: `m=` and the lines that follow it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MediaDescription {
    /// Media type (`audio`, `video` ...).
    pub media: Text,
    /// Transport port; 0 rejects or disables the stream.
    pub port: u16,
    /// The `/<number of ports>` suffix, when given.
    pub port_count: Option<u16>,
    /// Transport protocol (`RTP/AVP` ...).
    pub proto: Text,
    /// Media formats (payload types for RTP), as written.
    pub formats: SmallVec<[Text; 8]>,
    /// `c=` lines of this section.
    pub connections: Vec<Connection>,
    /// `i=`, `b=`, `k=` and `a=` of this section.
    pub common: Common,
}

impl MediaDescription {
    /// The payload types among the formats, in order (formats that are not numbers skipped).
    pub fn payload_types(&self) -> impl Iterator<Item = u8> + '_ {
        self.formats
            .iter()
            .filter_map(|f| payload_type(f.as_bytes()))
    }

    /// The `a=rtpmap` for a payload type.
    pub fn rtpmap(&self, pt: u8) -> Option<&RtpMap> {
        self.rtpmaps().find(|m| m.payload_type == pt)
    }

    /// All `a=rtpmap` lines.
    pub fn rtpmaps(&self) -> impl Iterator<Item = &RtpMap> + '_ {
        self.common.attributes.iter().filter_map(|a| match a {
            Attribute::RtpMap(m) => Some(m),
            _ => None,
        })
    }

    /// The `a=fmtp` for a payload type.
    pub fn fmtp(&self, pt: u8) -> Option<&Fmtp> {
        self.common.attributes.iter().find_map(|a| match a {
            Attribute::Fmtp(f) if f.payload_type == pt => Some(f),
            _ => None,
        })
    }

    /// `a=ptime`, if any.
    pub fn ptime(&self) -> Option<u32> {
        self.common.attributes.iter().find_map(|a| match a {
            Attribute::Ptime(p) => Some(*p),
            _ => None,
        })
    }

    /// `a=maxptime`, if any.
    pub fn max_ptime(&self) -> Option<u32> {
        self.common.attributes.iter().find_map(|a| match a {
            Attribute::MaxPtime(p) => Some(*p),
            _ => None,
        })
    }

    /// `a=rtcp`, if any.
    pub fn rtcp(&self) -> Option<&super::attribute::Rtcp> {
        self.common.attributes.iter().find_map(|a| match a {
            Attribute::Rtcp(r) => Some(r),
            _ => None,
        })
    }

    /// True when `a=rtcp-mux` is present.
    pub fn rtcp_mux(&self) -> bool {
        self.common
            .attributes
            .iter()
            .any(|a| matches!(a, Attribute::RtcpMux))
    }
}

/// A format as a payload type: what `str::parse::<u8>` accepts (decimal digits, an
/// optional leading `+`), without going through `str`.
fn payload_type(format: &[u8]) -> Option<u8> {
    let digits = match format {
        [b'+', rest @ ..] => rest,
        _ => format,
    };
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u8, |n, &b| {
        let digit = b.checked_sub(b'0').filter(|d| *d < 10)?;
        n.checked_mul(10)?.checked_add(digit)
    })
}

/// A parsed or built session description (RFC 4566).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionDescription {
    /// `o=`.
    pub origin: Origin,
    /// `s=` (`-` when there is no name).
    pub session_name: Text,
    /// `u=`.
    pub uri: Option<Text>,
    /// `e=` lines.
    pub emails: Vec<Text>,
    /// `p=` lines.
    pub phones: Vec<Text>,
    /// Session-level `c=`.
    pub connection: Option<Connection>,
    /// `t=` lines with their `r=` lines (printed as `t=0 0` when empty).
    pub timings: Vec<Timing>,
    /// `z=`, verbatim.
    pub zone: Option<Text>,
    /// Session-level `i=`, `b=`, `k=` and `a=`.
    pub common: Common,
    /// Media sections in order.
    pub media: Vec<MediaDescription>,
}

impl SessionDescription {
    /// The connection that applies to a media section: its own first `c=`, else the session's.
    pub fn media_connection(&self, index: usize) -> Option<&Connection> {
        self.media
            .get(index)
            .and_then(|m| m.connections.first())
            .or(self.connection.as_ref())
    }

    /// The direction of a media section: its own attribute, else the session's, else sendrecv.
    pub fn media_direction(&self, index: usize) -> Direction {
        self.media
            .get(index)
            .and_then(|m| m.common.direction())
            .or_else(|| self.common.direction())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::payload_type;

    #[test]
    fn payload_types_parse_like_str_parse() {
        let cases = [
            "0", "9", "101", "255", "256", "007", "+8", "+", "-8", "", "*", "1a", "99999", " 8",
            "\u{e9}",
        ];
        for f in cases {
            assert_eq!(payload_type(f.as_bytes()), f.parse::<u8>().ok(), "{f:?}");
        }
    }
}
