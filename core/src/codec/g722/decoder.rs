//! The G.722 decoder: lower and higher sub-band ADPCM, then receive QMF.

use super::band::{HighBand, LowBand};
use super::qmf::{self, HISTORY, TAPS};

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
    /// The last 11 values of `RL + RH`, oldest first.
    sum_history: [i16; HISTORY],
    /// The last 11 values of `RL - RH`, oldest first.
    difference_history: [i16; HISTORY],
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
            sum_history: [0; HISTORY],
            difference_history: [0; HISTORY],
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
        let mut sums = [0i16; HISTORY + CHUNK];
        let mut differences = [0i16; HISTORY + CHUNK];
        let mut done = 0;
        while done < codes {
            let n = (codes - done).min(CHUNK);
            sums[..HISTORY].copy_from_slice(&self.sum_history);
            differences[..HISTORY].copy_from_slice(&self.difference_history);
            // Sub-band ADPCM: the serial part; the two bands run side by side.
            for ((sum, difference), &code) in sums[HISTORY..HISTORY + n]
                .iter_mut()
                .zip(&mut differences[HISTORY..HISTORY + n])
                .zip(&payload[done..done + n])
            {
                let rl = self.low.decode(usize::from(code & 63), table);
                let rh = self.high.decode(usize::from(code >> 6));
                // Both are 15-bit, so sum and difference fit 16 bits.
                *sum = (rl + rh) as i16;
                *difference = (rl - rh) as i16;
            }
            // Receive QMF over the chunk.
            for (j, samples) in out[2 * done..2 * (done + n)]
                .chunks_exact_mut(2)
                .enumerate()
            {
                let (Some(s), Some(d)) = (sums.get(j..j + TAPS), differences.get(j..j + TAPS))
                else {
                    continue;
                };
                if let (Ok(s), Ok(d)) = (<&[i16; TAPS]>::try_from(s), <&[i16; TAPS]>::try_from(d)) {
                    let (first, second) = qmf::synthesis(s, d);
                    samples[0] = first;
                    samples[1] = second;
                }
            }
            self.sum_history.copy_from_slice(&sums[n..n + HISTORY]);
            self.difference_history
                .copy_from_slice(&differences[n..n + HISTORY]);
            done += n;
        }
        2 * codes
    }
}
