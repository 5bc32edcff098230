//! Building our own descriptions (offers and answers) from the configuration.

use super::attribute::{Attribute, Direction, Fmtp, RtpMap};
use super::config::{AudioCodec, MediaConfig};
use super::model::{
    Common, Connection, MediaDescription, Origin, SessionDescription, Timing, ip_fields,
};
use super::text::Text;
use smallvec::SmallVec;

/// Our `o=` line for a new session.
pub(crate) fn our_origin(config: &MediaConfig) -> Origin {
    let (addrtype, address) = ip_fields(config.address);
    Origin {
        username: safe_username(&config.origin_username),
        session_id: config.session_id,
        session_version: config.session_version,
        nettype: Text::from_static("IN"),
        addrtype,
        address,
    }
}

/// The configured `o=` user name, or `-` when it would break the line.
fn safe_username(name: &Text) -> Text {
    let ok = !name.is_empty()
        && name
            .as_str()
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control());
    if ok {
        name.clone()
    } else {
        Text::from_static("-")
    }
}

/// The configured `s=` text, or `-` when it is empty or would break the line.
fn safe_session_name(name: &Text) -> Text {
    let breaks_line = |b: &u8| matches!(b, b'\r' | b'\n' | b'\0');
    let ok = !name.as_bytes().iter().any(breaks_line)
        && name
            .as_str()
            .chars()
            .next_back()
            .is_some_and(|last| !last.is_whitespace());
    if ok {
        name.clone()
    } else {
        Text::from_static("-")
    }
}

/// A description with our session-level lines and no media yet (room for `media` sections).
pub(crate) fn skeleton(
    config: &MediaConfig,
    origin: Origin,
    timings: Vec<Timing>,
    media: usize,
) -> SessionDescription {
    SessionDescription {
        origin,
        session_name: safe_session_name(&config.session_name),
        uri: None,
        emails: Vec::new(),
        phones: Vec::new(),
        connection: Some(Connection::for_ip(config.address)),
        timings,
        zone: None,
        common: Common::default(),
        media: Vec::with_capacity(media),
    }
}

/// What our audio section says.
pub(crate) struct AudioSpec<'a> {
    pub(crate) proto: Text,
    pub(crate) codecs: &'a [(AudioCodec, u8)],
    pub(crate) telephone_event: Option<(u8, Option<Text>)>,
    pub(crate) ptime: u32,
    pub(crate) rtcp_mux: bool,
    pub(crate) direction: Direction,
}

fn pt_text(pt: u8) -> Text {
    Text::from_u8(pt)
}

/// Our audio `m=` section.
pub(crate) fn audio_section(config: &MediaConfig, spec: AudioSpec<'_>) -> MediaDescription {
    let mut formats: SmallVec<[Text; 8]> = SmallVec::new();
    for &(_, pt) in spec.codecs {
        formats.push(pt_text(pt));
    }
    // Sized exactly: an rtpmap per codec, telephone-event's rtpmap and fmtp, ptime,
    // rtcp-mux and the direction.
    let events = spec
        .telephone_event
        .as_ref()
        .map_or(0, |(_, fmtp)| 1 + usize::from(fmtp.is_some()));
    let mut attributes =
        Vec::with_capacity(spec.codecs.len() + events + 2 + usize::from(spec.rtcp_mux));
    for &(codec, pt) in spec.codecs {
        attributes.push(Attribute::RtpMap(RtpMap {
            payload_type: pt,
            encoding: Text::from_static(codec.encoding_name()),
            clock_rate: codec.clock_rate(),
            params: None,
        }));
    }
    if let Some((pt, fmtp)) = spec.telephone_event {
        formats.push(pt_text(pt));
        attributes.push(Attribute::RtpMap(RtpMap {
            payload_type: pt,
            encoding: Text::from_static("telephone-event"),
            clock_rate: 8000,
            params: None,
        }));
        if let Some(params) = fmtp {
            attributes.push(Attribute::Fmtp(Fmtp {
                payload_type: pt,
                params,
            }));
        }
    }
    attributes.push(Attribute::Ptime(spec.ptime));
    if spec.rtcp_mux {
        attributes.push(Attribute::RtcpMux);
    }
    attributes.push(Attribute::Direction(spec.direction));
    MediaDescription {
        media: Text::from_static("audio"),
        port: config.rtp_port,
        port_count: None,
        proto: spec.proto,
        formats,
        connections: Vec::new(),
        common: Common {
            attributes,
            ..Common::default()
        },
    }
}

/// A rejected copy of an offered section (port 0, same media, proto and formats).
pub(crate) fn rejected(m: &MediaDescription) -> MediaDescription {
    MediaDescription {
        media: m.media.clone(),
        port: 0,
        port_count: None,
        proto: m.proto.clone(),
        formats: m.formats.clone(),
        connections: Vec::new(),
        common: Common::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::{AudioCodec, AudioSpec, Direction, MediaConfig, Text, audio_section};

    #[test]
    fn attribute_lists_are_allocated_at_their_size() {
        let config = MediaConfig::default();
        let codecs = [
            (AudioCodec::G722, 9),
            (AudioCodec::Pcmu, 0),
            (AudioCodec::Pcma, 8),
        ];
        for n in 0..=codecs.len() {
            for telephone_event in [
                None,
                Some((101, None)),
                Some((101, Some(Text::from("0-16")))),
            ] {
                for rtcp_mux in [false, true] {
                    let m = audio_section(
                        &config,
                        AudioSpec {
                            proto: Text::from("RTP/AVP"),
                            codecs: codecs.get(..n).unwrap_or_default(),
                            telephone_event: telephone_event.clone(),
                            ptime: 20,
                            rtcp_mux,
                            direction: Direction::SendRecv,
                        },
                    );
                    let attributes = &m.common.attributes;
                    assert_eq!(
                        attributes.capacity(),
                        attributes.len(),
                        "{n} {telephone_event:?}"
                    );
                }
            }
        }
    }
}
