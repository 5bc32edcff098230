//! What we offer and accept: codecs, DTMF, ptime, our address and the remote-address policy.

use super::text::Text;
use smallvec::SmallVec;
use std::net::{IpAddr, Ipv4Addr};

/// An audio codec this stack can send and receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AudioCodec {
    /// G.722 SB-ADPCM, 16 kHz audio on the 8000 Hz RTP clock (static PT 9).
    G722,
    /// G.711 µ-law (static PT 0).
    Pcmu,
    /// G.711 A-law (static PT 8).
    Pcma,
}

impl AudioCodec {
    /// All codecs in the default preference order.
    pub const ALL: [AudioCodec; 3] = [AudioCodec::G722, AudioCodec::Pcmu, AudioCodec::Pcma];

    /// The codec of a static payload type (0, 8, 9).
    pub fn from_payload_type(pt: u8) -> Option<AudioCodec> {
        match pt {
            9 => Some(AudioCodec::G722),
            0 => Some(AudioCodec::Pcmu),
            8 => Some(AudioCodec::Pcma),
            _ => None,
        }
    }

    /// The static payload type (RFC 3551).
    pub fn static_payload_type(self) -> u8 {
        match self {
            AudioCodec::G722 => 9,
            AudioCodec::Pcmu => 0,
            AudioCodec::Pcma => 8,
        }
    }

    /// The encoding name used in `a=rtpmap`.
    pub fn encoding_name(self) -> &'static str {
        match self {
            AudioCodec::G722 => "G722",
            AudioCodec::Pcmu => "PCMU",
            AudioCodec::Pcma => "PCMA",
        }
    }

    /// The RTP clock rate (8000 Hz for all three; G.722's is 8000 by RFC 3551 §4.5.2).
    pub fn clock_rate(self) -> u32 {
        8000
    }

    /// The audio sample rate the codec carries (16000 Hz for G.722).
    pub fn sample_rate(self) -> u32 {
        match self {
            AudioCodec::G722 => 16000,
            AudioCodec::Pcmu | AudioCodec::Pcma => 8000,
        }
    }

    /// True when an `a=rtpmap` encoding name and clock rate denote this codec.
    pub fn matches_rtpmap(self, encoding: &str, clock_rate: u32) -> bool {
        encoding.eq_ignore_ascii_case(self.encoding_name()) && clock_rate == self.clock_rate()
    }
}

/// When a loopback remote media address is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoopbackRule {
    /// Never.
    Never,
    /// Only when our advertised address is loopback too (default).
    #[default]
    WhenLocalIsLoopback,
    /// Always.
    Always,
}

/// When an unspecified remote address (`0.0.0.0` / `::`) is accepted, as RFC 2543 hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnspecifiedRule {
    /// Never: such an offer is refused.
    Never,
    /// Only in a re-offer within an existing session, where it means hold (default).
    #[default]
    ReofferOnly,
}

/// Which remote media addresses an offer (or answer) may name.
///
/// Multicast, limited broadcast (`255.255.255.255`) and port 0 are never accepted.
/// Defaults: loopback only when we are on loopback, `0.0.0.0` only as hold in a re-offer,
/// link-local refused, and a non-loopback remote refused while we advertise loopback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressPolicy {
    /// Loopback remote addresses (default: only when our own address is loopback).
    pub loopback: LoopbackRule,
    /// Unspecified remote addresses (default: only as hold in a re-offer).
    pub unspecified: UnspecifiedRule,
    /// Accept IPv4 169.254/16 and IPv6 fe80::/10 remote addresses (default: false).
    pub allow_link_local: bool,
    /// While we advertise a loopback address, accept remote addresses that are not loopback
    /// (default: false: a loopback socket cannot reach them).
    pub allow_remote_beyond_loopback: bool,
}

impl Default for AddressPolicy {
    fn default() -> Self {
        AddressPolicy {
            loopback: LoopbackRule::WhenLocalIsLoopback,
            unspecified: UnspecifiedRule::ReofferOnly,
            allow_link_local: false,
            allow_remote_beyond_loopback: false,
        }
    }
}

/// Our side of the negotiation: what we offer and accept, and how we describe ourselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaConfig {
    /// Codec preference as payload types (default `[9, 0, 8]`: G.722, PCMU, PCMA).
    /// Types other than 0, 8 and 9 are ignored.
    pub codec_preference: SmallVec<[u8; 4]>,
    /// When set, only these payload types are used (keeping the preference order).
    pub supported_codecs: Option<SmallVec<[u8; 4]>>,
    /// Our telephone-event payload type in offers (default 101; `None`: no RFC 4733 DTMF).
    pub dtmf_payload_type: Option<u8>,
    /// Packet time in ms we offer, and answer when the offer's is not one we can do (default 20).
    pub ptime: u32,
    /// Packet times we can do (default 10, 20, 30, 40, 50, 60 ms).
    pub supported_ptimes: SmallVec<[u32; 6]>,
    /// The address we advertise in `o=` and `c=` (IPv4 or IPv6).
    pub address: IpAddr,
    /// Our local RTP port (RTCP on +1 unless muxed).
    pub rtp_port: u16,
    /// `s=` (default `-`; a name with CR, LF or NUL is replaced by `-`).
    pub session_name: Text,
    /// The `o=` user name (default `-`; one without visible characters only, or with
    /// spaces, is replaced by `-`).
    pub origin_username: Text,
    /// The `o=` session id (drawn by the caller from its seeded RNG).
    pub session_id: u64,
    /// The `o=` session version for a new session (drawn by the caller).
    pub session_version: u64,
    /// Answer `a=rtcp-mux` when offered (default true).
    pub rtcp_mux: bool,
    /// Which remote media addresses are acceptable.
    pub address_policy: AddressPolicy,
}

impl MediaConfig {
    /// A configuration with the documented defaults for one address, port and session.
    pub fn new(address: IpAddr, rtp_port: u16, session_id: u64, session_version: u64) -> Self {
        MediaConfig {
            codec_preference: SmallVec::from_slice(&[9, 0, 8]),
            supported_codecs: None,
            dtmf_payload_type: Some(101),
            ptime: 20,
            supported_ptimes: SmallVec::from_slice(&[10, 20, 30, 40, 50, 60]),
            address,
            rtp_port,
            session_name: Text::from_static("-"),
            origin_username: Text::from_static("-"),
            session_id,
            session_version,
            rtcp_mux: true,
            address_policy: AddressPolicy::default(),
        }
    }

    /// The codecs we use, in preference order (preference restricted to `supported_codecs`).
    pub fn codecs(&self) -> impl Iterator<Item = AudioCodec> + '_ {
        let mut seen: SmallVec<[u8; 4]> = SmallVec::new();
        self.codec_preference.iter().copied().filter_map(move |pt| {
            let allowed = self
                .supported_codecs
                .as_ref()
                .is_none_or(|s| s.contains(&pt));
            if !allowed || seen.contains(&pt) {
                return None;
            }
            seen.push(pt);
            AudioCodec::from_payload_type(pt)
        })
    }

    /// The same codecs as [`MediaConfig::codecs`], gathered in a fixed list.
    pub(crate) fn codec_list(&self) -> CodecList {
        let mut list = CodecList {
            codecs: AudioCodec::ALL,
            len: 0,
        };
        for &pt in &self.codec_preference {
            let Some(codec) = AudioCodec::from_payload_type(pt) else {
                continue;
            };
            let allowed = self
                .supported_codecs
                .as_ref()
                .is_none_or(|s| s.contains(&pt));
            // One payload type per codec: a codec already listed is a duplicate entry.
            if allowed
                && !list.as_slice().contains(&codec)
                && let Some(slot) = list.codecs.get_mut(list.len)
            {
                *slot = codec;
                list.len += 1;
            }
        }
        list
    }

    /// True when we can packetise at `ptime` ms.
    pub fn can_do_ptime(&self, ptime: u32) -> bool {
        self.supported_ptimes.contains(&ptime)
    }
}

/// Our codecs in preference order, each at most once (see [`MediaConfig::codec_list`]).
pub(crate) struct CodecList {
    codecs: [AudioCodec; 3],
    len: usize,
}

impl CodecList {
    /// The codecs, most preferred first.
    pub(crate) fn as_slice(&self) -> &[AudioCodec] {
        self.codecs.get(..self.len).unwrap_or_default()
    }
}

impl Default for MediaConfig {
    /// Loopback `127.0.0.1`, port 0 (set it), session id and version 0 (set them).
    fn default() -> Self {
        MediaConfig::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0, 0, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smallvec::smallvec;

    #[test]
    fn default_preference_is_g722_pcmu_pcma() {
        let c = MediaConfig::default();
        let v: Vec<_> = c.codecs().collect();
        assert_eq!(v, [AudioCodec::G722, AudioCodec::Pcmu, AudioCodec::Pcma]);
        assert_eq!(c.dtmf_payload_type, Some(101));
        assert_eq!(c.ptime, 20);
        assert_eq!(c.session_name, "-");
    }

    #[test]
    fn supported_codecs_restrict_keeping_preference_order() {
        let c = MediaConfig {
            supported_codecs: Some(smallvec![8, 0]),
            ..MediaConfig::default()
        };
        let v: Vec<_> = c.codecs().collect();
        assert_eq!(v, [AudioCodec::Pcmu, AudioCodec::Pcma]);
    }

    #[test]
    fn unknown_and_duplicate_preference_entries_are_ignored() {
        let c = MediaConfig {
            codec_preference: smallvec![18, 8, 8, 9],
            ..MediaConfig::default()
        };
        let v: Vec<_> = c.codecs().collect();
        assert_eq!(v, [AudioCodec::Pcma, AudioCodec::G722]);
    }

    #[test]
    fn the_codec_list_holds_what_the_iterator_yields() {
        let preferences: [&[u8]; 7] = [
            &[],
            &[9, 0, 8],
            &[18, 8, 8, 9],
            &[0, 0, 0],
            &[8, 9, 0, 9, 8, 0],
            &[101, 96],
            &[9],
        ];
        let supported: [Option<&[u8]>; 4] = [None, Some(&[]), Some(&[8, 0]), Some(&[9, 18])];
        for pref in preferences {
            for sup in supported {
                let c = MediaConfig {
                    codec_preference: SmallVec::from_slice(pref),
                    supported_codecs: sup.map(SmallVec::from_slice),
                    ..MediaConfig::default()
                };
                let v: Vec<_> = c.codecs().collect();
                assert_eq!(c.codec_list().as_slice(), v.as_slice(), "{pref:?} {sup:?}");
            }
        }
    }

    #[test]
    fn address_policy_defaults_are_strict() {
        let p = AddressPolicy::default();
        assert_eq!(p.loopback, LoopbackRule::WhenLocalIsLoopback);
        assert_eq!(p.unspecified, UnspecifiedRule::ReofferOnly);
        assert!(!p.allow_link_local);
        assert!(!p.allow_remote_beyond_loopback);
    }
}
