//! The outcome of a negotiation, and the per-stream rules shared by both roles.

use super::address::{Verdict, check_remote};
use super::attribute::Direction;
use super::config::{AudioCodec, MediaConfig};
use super::model::{MediaDescription, SessionDescription};
use super::refusal::{AddressProblem, Refusal};
use super::text::Text;
use std::net::{IpAddr, SocketAddr};

/// Everything the media layer needs to run the negotiated audio stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NegotiatedMedia {
    /// Index of the audio stream among the media sections.
    pub media_index: usize,
    /// The codec.
    pub codec: AudioCodec,
    /// Its RTP payload type on this call (static or dynamic).
    pub payload_type: u8,
    /// The encoding name (`G722`, `PCMU`, `PCMA`).
    pub encoding_name: &'static str,
    /// The RTP clock rate in Hz.
    pub clock_rate: u32,
    /// The telephone-event (RFC 4733) payload type, when both sides use it.
    pub telephone_event: Option<u8>,
    /// The telephone-event `a=fmtp` parameters, as negotiated (e.g. `0-16`).
    pub telephone_event_fmtp: Option<Text>,
    /// Packet time in ms.
    pub ptime: u32,
    /// Our direction: whether we send and/or receive.
    pub direction: Direction,
    /// Where to send RTP.
    pub remote_rtp: SocketAddr,
    /// Where to send RTCP (`a=rtcp`, else RTP port + 1, or the RTP address when muxed).
    pub remote_rtcp: SocketAddr,
    /// RTP and RTCP share one port (RFC 5761).
    pub rtcp_mux: bool,
    /// The remote side put the stream on hold: its offer is sendonly/inactive or has
    /// `c=0.0.0.0`; or its answer will not receive what we offered to send.
    pub on_hold: bool,
}

/// Our answer to an offer: the negotiated media and the description to send back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The negotiated media.
    pub media: NegotiatedMedia,
    /// The answer to put in the 200 OK (or 183, or UPDATE response).
    pub sdp: SessionDescription,
}

/// What a role settled for its audio stream; [`negotiated`] derives the rest alike for both.
pub(crate) struct Settled {
    /// Index of the audio stream among the media sections.
    pub(crate) index: usize,
    /// The codec and its payload type on this call.
    pub(crate) codec: (AudioCodec, u8),
    /// The remote media address and what the policy made of it.
    pub(crate) remote: (IpAddr, Verdict),
    /// RTP and RTCP share one port.
    pub(crate) rtcp_mux: bool,
    /// The peer's direction puts the stream on hold (an address hold is added here).
    pub(crate) peer_holds: bool,
}

/// The negotiated media for the peer's section `m` (index `s.index`) of its description
/// `sdp`: telephone-event when we use it, the mirrored direction, ptime and remote addresses.
pub(crate) fn negotiated(
    sdp: &SessionDescription,
    m: &MediaDescription,
    config: &MediaConfig,
    s: Settled,
) -> NegotiatedMedia {
    let (codec, payload_type) = s.codec;
    let (ip, verdict) = s.remote;
    let (telephone_event, telephone_event_fmtp) = match telephone_event(m, codec.clock_rate()) {
        Some((pt, fmtp)) if config.dtmf_payload_type.is_some() => (Some(pt), fmtp),
        _ => (None, None),
    };
    let address_hold = verdict == Verdict::Hold;
    let mut direction = sdp.media_direction(s.index).reversed();
    if address_hold {
        direction = direction.without_send();
    }
    let remote_rtp = SocketAddr::new(ip, m.port);
    NegotiatedMedia {
        media_index: s.index,
        codec,
        payload_type,
        encoding_name: codec.encoding_name(),
        clock_rate: codec.clock_rate(),
        telephone_event,
        telephone_event_fmtp,
        ptime: choose_ptime(sdp, m, config),
        direction,
        remote_rtp,
        remote_rtcp: remote_rtcp(m, remote_rtp, s.rtcp_mux),
        rtcp_mux: s.rtcp_mux,
        on_hold: address_hold || s.peer_holds,
    }
}

/// The codec an offered payload type stands for (rtpmap first, else the static table).
pub(crate) fn codec_of(m: &MediaDescription, pt: u8) -> Option<AudioCodec> {
    match m.rtpmap(pt) {
        Some(map) => {
            let mono = map.params.as_ref().is_none_or(|p| p == "1");
            AudioCodec::ALL.into_iter().find(|c| {
                mono && map.clock_rate == c.clock_rate()
                    && map.encoding.eq_ignore_ascii_case(c.encoding_name())
            })
        }
        None => AudioCodec::from_payload_type(pt),
    }
}

/// Our most preferred codec among the formats of `m`, with the payload type it uses there.
pub(crate) fn choose_codec(m: &MediaDescription, config: &MediaConfig) -> Option<(AudioCodec, u8)> {
    config.codec_list().as_slice().iter().find_map(|&want| {
        m.payload_types()
            .find(|&pt| codec_of(m, pt) == Some(want))
            .map(|pt| (want, pt))
    })
}

/// The telephone-event payload type of `m` at `clock_rate`, with its fmtp.
pub(crate) fn telephone_event(m: &MediaDescription, clock_rate: u32) -> Option<(u8, Option<Text>)> {
    m.payload_types().find_map(|pt| {
        let map = m.rtpmap(pt)?;
        let is_te =
            map.encoding.eq_ignore_ascii_case("telephone-event") && map.clock_rate == clock_rate;
        is_te.then(|| (pt, m.fmtp(pt).map(|f| f.params.clone())))
    })
}

/// The packet time: the peer's if we can do it, else ours, kept under the peer's maxptime.
pub(crate) fn choose_ptime(
    sdp: &SessionDescription,
    m: &MediaDescription,
    config: &MediaConfig,
) -> u32 {
    let session_ptime = || {
        sdp.common.attributes.iter().find_map(|a| match a {
            super::attribute::Attribute::Ptime(p) => Some(*p),
            _ => None,
        })
    };
    let offered = m.ptime().or_else(session_ptime);
    if let Some(p) = offered.filter(|&p| config.can_do_ptime(p)) {
        return p;
    }
    match m.max_ptime() {
        Some(max) if config.ptime > max => config
            .supported_ptimes
            .iter()
            .copied()
            .filter(|&p| p <= max)
            .max()
            .unwrap_or(config.ptime),
        _ => config.ptime,
    }
}

/// The remote media address of section `index`, checked against the policy.
pub(crate) fn remote_ip(
    sdp: &SessionDescription,
    index: usize,
    config: &MediaConfig,
    reoffer: bool,
) -> Result<(IpAddr, Verdict), Refusal> {
    let conn = sdp
        .media_connection(index)
        .ok_or(Refusal::UnusableAddress(AddressProblem::Missing))?;
    let ip = conn.ip().ok_or_else(|| {
        let problem = if conn.nettype.eq_ignore_ascii_case("IN") {
            AddressProblem::Unparseable
        } else {
            AddressProblem::NotInternet
        };
        Refusal::UnusableAddress(problem)
    })?;
    let verdict = check_remote(ip, config.address, &config.address_policy, reoffer)
        .map_err(Refusal::UnusableAddress)?;
    Ok((ip, verdict))
}

/// Where RTCP goes: the RTP address when muxed, else `a=rtcp`, else RTP port + 1.
pub(crate) fn remote_rtcp(m: &MediaDescription, rtp: SocketAddr, mux: bool) -> SocketAddr {
    if mux {
        return rtp;
    }
    match m.rtcp() {
        Some(r) => {
            let ip = r
                .address
                .as_ref()
                .and_then(|(net, _, addr)| {
                    net.eq_ignore_ascii_case("IN")
                        .then(|| addr.as_str().parse::<IpAddr>().ok())
                        .flatten()
                })
                .unwrap_or(rtp.ip());
            SocketAddr::new(ip, r.port)
        }
        None => SocketAddr::new(rtp.ip(), rtp.port().checked_add(1).unwrap_or(rtp.port())),
    }
}

/// Ranks refusals so that the most specific one is reported.
pub(crate) fn rank(r: &Refusal) -> u8 {
    match r {
        Refusal::NoAudio => 0,
        Refusal::UnsupportedTransport => 1,
        Refusal::NoCommonCodec => 2,
        Refusal::UnusableAddress(_) => 3,
        Refusal::Malformed(_) | Refusal::MediaMismatch => 4,
    }
}

/// True for the RTP profile we speak.
pub(crate) fn is_rtp_avp(m: &MediaDescription) -> bool {
    m.proto.eq_ignore_ascii_case("RTP/AVP")
}

/// True for an audio section with a non-zero port.
pub(crate) fn is_live_audio(m: &MediaDescription) -> bool {
    m.media.eq_ignore_ascii_case("audio") && m.port != 0
}
