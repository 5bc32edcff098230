//! ITU-T G.722 7 kHz audio coding within 64 kbit/s: sub-band ADPCM (SB-ADPCM),
//! bit-exact with the ITU-T reference (G.191 software tools and their test vectors).
//!
//! A 24-tap QMF splits 16 kHz PCM into two 8 kHz sub-bands: the lower one is coded
//! with 6-bit adaptive quantisation, the higher one with 2 bits, each with an adaptive
//! two-pole six-zero predictor. One code word per sample pair: 8 bits, lower sub-band
//! in bits 0-5. The decoder can also run in the 56 and 48 kbit/s modes
//! ([`G722Mode`]), which ignore the lowest one or two lower sub-band bits.
//!
//! Encoder and decoder never allocate; their state persists across calls so that a
//! stream can be fed frame by frame (20 ms = 320 samples = 160 bytes).
//!
//! ```
//! use sipvoice_core::codec::g722::{G722Decoder, G722Encoder};
//! let pcm = [0i16; 320];
//! let mut payload = [0u8; 160];
//! let mut enc = G722Encoder::new();
//! assert_eq!(enc.encode(&pcm, &mut payload), 160);
//! let mut back = [0i16; 320];
//! assert_eq!(G722Decoder::new().decode(&payload, &mut back), 320);
//! ```

mod band;
mod decoder;
mod encoder;
mod qmf;
mod tables;

pub use decoder::{G722Decoder, G722Mode};
pub use encoder::G722Encoder;
