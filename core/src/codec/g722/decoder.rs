//! The G.722 decoder: lower and higher sub-band ADPCM, then receive QMF.

use super::band::{HighBand, LowBand};
use super::qmf::{self, HISTORY};

/// Code words processed per pass over the stack work buffer.
const CHUNK: usize = 160;

/// The G.722 operating modes (bit rates) a decoder can run in.
///
/// In modes 2 and 3 the transmitter uses the one or two least significant bits of
/// each lower sub-band code for auxiliary data; the decoder ignores them. The code
/// words are still full octets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum G722Mode {
    /// Mode 1: 64 kbit/s of audio, 6-bit lower sub-band codes.
    #[default]
    Kbps64,
    /// Mode 2: 56 kbit/s of audio, the lower sub-band code's LSB ignored.
    Kbps56,
    /// Mode 3: 48 kbit/s of audio, the lower sub-band code's two LSBs ignored.
    Kbps48,
}

impl G722Mode {
    /// The mode for an audio bit rate of 64000, 56000 or 48000 bit/s.
    pub fn from_bit_rate(bits_per_second: u32) -> Option<G722Mode> {
        match bits_per_second {
            64_000 => Some(G722Mode::Kbps64),
            56_000 => Some(G722Mode::Kbps56),
            48_000 => Some(G722Mode::Kbps48),
            _ => None,
        }
    }

    /// The audio bit rate of this mode in bit/s.
    pub const fn bit_rate(self) -> u32 {
        match self {
            G722Mode::Kbps64 => 64_000,
            G722Mode::Kbps56 => 56_000,
            G722Mode::Kbps48 => 48_000,
        }
    }

    /// Index of the lower sub-band inverse quantiser for this mode.
    const fn table(self) -> usize {
        match self {
            G722Mode::Kbps64 => 0,
            G722Mode::Kbps56 => 1,
            G722Mode::Kbps48 => 2,
        }
    }
}

/// A G.722 decoder: code words (one per byte, as carried in RTP) in, 16 kHz 16-bit
/// PCM out, two samples per byte. Every byte value is a valid code word.
///
/// The state persists across calls, so a stream may be fed in payloads of any size.
#[derive(Clone, Debug)]
pub struct G722Decoder {
    low: LowBand,
    high: HighBand,
    mode: G722Mode,
    /// The last 22 values fed to the receive QMF (`RL + RH`, `RL - RH`, ...), oldest first.
    history: [i16; HISTORY],
}

impl Default for G722Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl G722Decoder {
    /// A new 64 kbit/s decoder in the spec's reset state.
    pub fn new() -> Self {
        Self::with_mode(G722Mode::Kbps64)
    }

    /// A new decoder in the given mode, in the spec's reset state.
    pub fn with_mode(mode: G722Mode) -> Self {
        G722Decoder {
            low: LowBand::default(),
            high: HighBand::default(),
            mode,
            history: [0; HISTORY],
        }
    }

    /// A new decoder for an audio bit rate of 64000, 56000 or 48000 bit/s; `None` for
    /// any other rate.
    pub fn with_bit_rate(bits_per_second: u32) -> Option<Self> {
        G722Mode::from_bit_rate(bits_per_second).map(Self::with_mode)
    }

    /// The decoder's mode.
    pub fn mode(&self) -> G722Mode {
        self.mode
    }

    /// Returns the decoder to its reset state, keeping its mode.
    pub fn reset(&mut self) {
        *self = Self::with_mode(self.mode);
    }

    /// Decodes `payload` into `out` (16 kHz mono); returns the number of samples
    /// written, always even.
    ///
    /// Normally `out.len() >= 2 * payload.len()`. If `out` is shorter, only the first
    /// `out.len() / 2` code words are decoded and the rest are dropped (the stream then
    /// continues after them, as after a gap).
    pub fn decode(&mut self, payload: &[u8], out: &mut [i16]) -> usize {
        let codes = payload.len().min(out.len() / 2);
        let table = self.mode.table();
        let mut buf = [0i16; HISTORY + 2 * CHUNK];
        let mut done = 0;
        while done < codes {
            let n = (codes - done).min(CHUNK);
            buf[..HISTORY].copy_from_slice(&self.history);
            // Sub-band ADPCM: the serial part; the two bands run side by side.
            for (pair, &code) in buf[HISTORY..HISTORY + 2 * n]
                .chunks_exact_mut(2)
                .zip(&payload[done..done + n])
            {
                let rl = self.low.decode(usize::from(code & 63), table);
                let rh = self.high.decode(usize::from(code >> 6));
                // Both are 15-bit, so sum and difference fit 16 bits.
                pair[0] = (rl + rh) as i16;
                pair[1] = (rl - rh) as i16;
            }
            // Receive QMF over the chunk.
            for (j, samples) in out[2 * done..2 * (done + n)]
                .chunks_exact_mut(2)
                .enumerate()
            {
                if let Some(w) = buf.get(2 * j..2 * j + 24) {
                    if let Ok(w) = <&[i16; 24]>::try_from(w) {
                        let (first, second) = qmf::synthesis(w);
                        samples[0] = first;
                        samples[1] = second;
                    }
                }
            }
            self.history.copy_from_slice(&buf[2 * n..2 * n + HISTORY]);
            done += n;
        }
        2 * codes
    }
}
