//! The codecs sipvoice negotiates, with their RTP/AVP (RFC 3551) constants.

/// The codecs sipvoice negotiates.
///
/// All three use a static RTP payload type and an 8000 Hz RTP clock. G.722 samples
/// audio at 16 kHz but, for historical reasons (RFC 3551 §4.5.2), its RTP clock runs
/// at 8000 Hz: a 20 ms packet carries 320 PCM samples in 160 bytes and advances the
/// RTP timestamp by 160, exactly like G.711.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Codec {
    /// ITU-T G.722 SB-ADPCM at 64 kbit/s, 16 kHz PCM (payload type 9).
    G722,
    /// ITU-T G.711 µ-law, 8 kHz PCM (payload type 0).
    Pcmu,
    /// ITU-T G.711 A-law, 8 kHz PCM (payload type 8).
    Pcma,
}

impl Codec {
    /// Every codec, in sipvoice's default preference order.
    pub const ALL: [Codec; 3] = [Codec::G722, Codec::Pcmu, Codec::Pcma];

    /// The static RTP payload type (RFC 3551 table 4): 9, 0 or 8.
    pub const fn payload_type(self) -> u8 {
        match self {
            Codec::G722 => 9,
            Codec::Pcmu => 0,
            Codec::Pcma => 8,
        }
    }

    /// The PCM sample rate in Hz: 16000 for G.722, 8000 for G.711.
    pub const fn sample_rate(self) -> u32 {
        match self {
            Codec::G722 => 16_000,
            Codec::Pcmu | Codec::Pcma => 8_000,
        }
    }

    /// The RTP clock rate in Hz: 8000 for all three (RFC 3551 §4.5.2 for G.722).
    pub const fn rtp_clock_rate(self) -> u32 {
        8_000
    }

    /// The SDP `rtpmap` encoding name: "G722", "PCMU" or "PCMA".
    pub const fn encoding_name(self) -> &'static str {
        match self {
            Codec::G722 => "G722",
            Codec::Pcmu => "PCMU",
            Codec::Pcma => "PCMA",
        }
    }

    /// The codec with this static payload type, if it is one of ours.
    pub fn from_payload_type(pt: u8) -> Option<Codec> {
        Codec::ALL.into_iter().find(|c| c.payload_type() == pt)
    }

    /// The codec with this encoding name, compared case-insensitively.
    pub fn from_encoding_name(name: &str) -> Option<Codec> {
        Codec::ALL
            .into_iter()
            .find(|c| c.encoding_name().eq_ignore_ascii_case(name))
    }

    /// PCM samples in a frame of `ptime_ms` milliseconds (320 for 20 ms of G.722,
    /// 160 for G.711). Saturates instead of overflowing.
    pub const fn samples_per_frame(self, ptime_ms: u32) -> usize {
        ((self.sample_rate() / 1000) as usize).saturating_mul(ptime_ms as usize)
    }

    /// Payload bytes in a frame of `ptime_ms` milliseconds: 8 per millisecond for all
    /// three (160 for 20 ms). Saturates instead of overflowing.
    pub const fn payload_bytes(self, ptime_ms: u32) -> usize {
        8usize.saturating_mul(ptime_ms as usize)
    }

    /// RTP timestamp advance for a frame of `ptime_ms` milliseconds: 8 ticks per
    /// millisecond for all three (160 per 20 ms). Saturates instead of overflowing.
    pub const fn rtp_ticks(self, ptime_ms: u32) -> u32 {
        (self.rtp_clock_rate() / 1000).saturating_mul(ptime_ms)
    }

    /// PCM samples encoded into one payload byte: 2 for G.722, 1 for G.711.
    pub const fn samples_per_byte(self) -> usize {
        match self {
            Codec::G722 => 2,
            Codec::Pcmu | Codec::Pcma => 1,
        }
    }
}

impl core::fmt::Display for Codec {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.encoding_name())
    }
}

#[cfg(test)]
mod tests {
    use super::Codec;

    #[test]
    fn payload_types_round_trip() {
        for c in Codec::ALL {
            assert_eq!(Codec::from_payload_type(c.payload_type()), Some(c));
        }
        assert_eq!(Codec::from_payload_type(9), Some(Codec::G722));
        assert_eq!(Codec::from_payload_type(0), Some(Codec::Pcmu));
        assert_eq!(Codec::from_payload_type(8), Some(Codec::Pcma));
        assert_eq!(Codec::from_payload_type(3), None);
        assert_eq!(Codec::from_payload_type(101), None);
    }

    #[test]
    fn encoding_names_are_case_insensitive() {
        assert_eq!(Codec::from_encoding_name("g722"), Some(Codec::G722));
        assert_eq!(Codec::from_encoding_name("PcMu"), Some(Codec::Pcmu));
        assert_eq!(Codec::from_encoding_name("PCMA"), Some(Codec::Pcma));
        assert_eq!(Codec::from_encoding_name("G7221"), None);
        assert_eq!(Codec::from_encoding_name(""), None);
        assert_eq!(Codec::G722.to_string(), "G722");
    }

    #[test]
    fn frame_sizes_for_20_ms() {
        assert_eq!(Codec::G722.samples_per_frame(20), 320);
        assert_eq!(Codec::Pcmu.samples_per_frame(20), 160);
        assert_eq!(Codec::Pcma.samples_per_frame(30), 240);
        for c in Codec::ALL {
            assert_eq!(c.payload_bytes(20), 160);
            assert_eq!(c.rtp_ticks(20), 160);
            assert_eq!(c.rtp_clock_rate(), 8000);
            assert_eq!(
                c.samples_per_frame(20),
                c.payload_bytes(20) * c.samples_per_byte()
            );
        }
        assert_eq!(Codec::G722.sample_rate(), 16000);
        assert_eq!(Codec::Pcma.sample_rate(), 8000);
        assert_eq!(Codec::Pcmu.rtp_ticks(u32::MAX), u32::MAX);
    }
}
