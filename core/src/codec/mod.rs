//! Audio codecs: G.711 µ-law and A-law, G.722 SB-ADPCM at 64 kbit/s.
//!
//! [`Codec`] names a negotiated codec and knows its RTP constants; [`Encoder`] and
//! [`Decoder`] turn 16-bit mono PCM at [`Codec::sample_rate`] into RTP payloads and
//! back, into caller-provided buffers, without allocating. Codec state (G.722's
//! predictors and filters) persists across calls, one encoder and one decoder per
//! stream direction.
//!
//! ```
//! use sipvoice_core::codec::{Codec, Decoder, Encoder};
//! let codec = Codec::from_payload_type(9).unwrap();
//! let mut enc = Encoder::new(codec);
//! let pcm = [0i16; 320]; // 20 ms at 16 kHz
//! let mut payload = [0u8; 160];
//! assert_eq!(enc.encode(&pcm, &mut payload), codec.payload_bytes(20));
//! let mut dec = Decoder::new(codec);
//! let mut out = [0i16; 320];
//! assert_eq!(dec.decode(&payload, &mut out), codec.samples_per_frame(20));
//! ```
//!
//! Conformance: G.711 is bit-exact with ITU-T G.711 as implemented by the ITU-T G.191
//! software tools over all 65 536 inputs and 256 code words; G.722 reproduces the ITU-T
//! G.191 test vectors bit for bit (encoder, and decoder in all three modes).

mod dispatch;
pub mod g711;
pub mod g722;
mod id;

pub use dispatch::{Decoder, Encoder};
pub use id::Codec;
