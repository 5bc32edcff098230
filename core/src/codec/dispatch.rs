//! Codec-independent encoder and decoder: enum dispatch over the codec states.

use super::g711;
use super::g722::{G722Decoder, G722Encoder};
use super::id::Codec;

/// A stream encoder for any [`Codec`]: PCM in, RTP payload bytes out.
#[derive(Clone, Debug)]
pub struct Encoder {
    state: EncoderState,
}

#[derive(Clone, Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "codec state lives inline, a few hundred bytes, never boxed"
)]
enum EncoderState {
    G722(G722Encoder),
    Pcmu,
    Pcma,
}

impl Encoder {
    /// A new encoder for `codec`, in its initial state.
    pub fn new(codec: Codec) -> Self {
        let state = match codec {
            Codec::G722 => EncoderState::G722(G722Encoder::new()),
            Codec::Pcmu => EncoderState::Pcmu,
            Codec::Pcma => EncoderState::Pcma,
        };
        Encoder { state }
    }

    /// The codec this encoder produces.
    pub fn codec(&self) -> Codec {
        match self.state {
            EncoderState::G722(_) => Codec::G722,
            EncoderState::Pcmu => Codec::Pcmu,
            EncoderState::Pcma => Codec::Pcma,
        }
    }

    /// Encodes PCM (16-bit mono at `codec.sample_rate()`) into `out`; returns bytes
    /// written.
    ///
    /// `out` needs [`Codec::payload_bytes`] for a frame: one byte per sample for G.711,
    /// one per sample pair for G.722. If `out` is too small, what fits is written and
    /// the rest of `pcm` is dropped; nothing panics. G.722 keeps an odd trailing sample
    /// for the next call (see [`G722Encoder::encode`]).
    pub fn encode(&mut self, pcm: &[i16], out: &mut [u8]) -> usize {
        match &mut self.state {
            EncoderState::G722(enc) => enc.encode(pcm, out),
            EncoderState::Pcmu => g711::encode_ulaw(pcm, out),
            EncoderState::Pcma => g711::encode_alaw(pcm, out),
        }
    }

    /// Returns the encoder to its initial state (for a new stream).
    pub fn reset(&mut self) {
        if let EncoderState::G722(enc) = &mut self.state {
            enc.reset();
        }
    }
}

/// A stream decoder for any [`Codec`]: RTP payload bytes in, PCM out.
#[derive(Clone, Debug)]
pub struct Decoder {
    state: DecoderState,
}

#[derive(Clone, Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "codec state lives inline, a few hundred bytes, never boxed"
)]
enum DecoderState {
    G722(G722Decoder),
    Pcmu,
    Pcma,
}

impl Decoder {
    /// A new decoder for `codec`, in its initial state (G.722 at 64 kbit/s).
    pub fn new(codec: Codec) -> Self {
        let state = match codec {
            Codec::G722 => DecoderState::G722(G722Decoder::new()),
            Codec::Pcmu => DecoderState::Pcmu,
            Codec::Pcma => DecoderState::Pcma,
        };
        Decoder { state }
    }

    /// The codec this decoder consumes.
    pub fn codec(&self) -> Codec {
        match self.state {
            DecoderState::G722(_) => Codec::G722,
            DecoderState::Pcmu => Codec::Pcmu,
            DecoderState::Pcma => Codec::Pcma,
        }
    }

    /// Decodes a payload into `out` (PCM at `codec.sample_rate()`); returns samples
    /// written.
    ///
    /// `out` needs [`Codec::samples_per_frame`] for a frame: one sample per byte for
    /// G.711, two for G.722. If `out` is too small, what fits is written (whole G.722
    /// code words only) and the rest of the payload is dropped; nothing panics. Every
    /// byte is a valid code word in all three codecs.
    pub fn decode(&mut self, payload: &[u8], out: &mut [i16]) -> usize {
        match &mut self.state {
            DecoderState::G722(dec) => dec.decode(payload, out),
            DecoderState::Pcmu => g711::decode_ulaw(payload, out),
            DecoderState::Pcma => g711::decode_alaw(payload, out),
        }
    }

    /// Returns the decoder to its initial state (for a new stream).
    pub fn reset(&mut self) {
        if let DecoderState::G722(dec) = &mut self.state {
            dec.reset();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatch_reports_its_codec() {
        for c in Codec::ALL {
            assert_eq!(Encoder::new(c).codec(), c);
            assert_eq!(Decoder::new(c).codec(), c);
        }
    }

    #[test]
    fn g711_frames_round_trip_through_the_dispatch() {
        let pcm: Vec<i16> = (0..160).map(|i| (i * 200 - 16000) as i16).collect();
        for c in [Codec::Pcmu, Codec::Pcma] {
            let mut payload = [0u8; 160];
            assert_eq!(Encoder::new(c).encode(&pcm, &mut payload), 160);
            let mut out = [0i16; 160];
            assert_eq!(Decoder::new(c).decode(&payload, &mut out), 160);
            for (&a, &b) in pcm.iter().zip(&out) {
                // G.711 error is at most half a step: 1/32 of the value, plus the
                // smallest step.
                assert!((i32::from(a) - i32::from(b)).abs() <= i32::from(a).abs() / 16 + 32);
            }
        }
    }

    #[test]
    fn short_output_buffers_are_filled_not_overrun() {
        let pcm = [1000i16; 320];
        for c in Codec::ALL {
            let mut enc = Encoder::new(c);
            let mut small = [0u8; 7];
            assert_eq!(enc.encode(&pcm, &mut small), 7);
            assert_eq!(enc.encode(&pcm, &mut []), 0);
            let mut dec = Decoder::new(c);
            let mut out = [0i16; 5];
            let expect = if c == Codec::G722 { 4 } else { 5 };
            assert_eq!(dec.decode(&[0x55; 160], &mut out), expect);
            assert_eq!(dec.decode(&[], &mut out), 0);
        }
    }
}
