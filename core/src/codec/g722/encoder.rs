//! The G.722 encoder: transmit QMF, then lower and higher sub-band ADPCM.

use super::band::{HighBand, LowBand};
use super::qmf::{self, HISTORY, TAPS};

/// Sample pairs processed per pass over the stack work buffers.
const CHUNK: usize = 160;

/// A G.722 encoder at 64 kbit/s: 16 kHz 16-bit PCM in, one code word per sample pair
/// out (lower sub-band in bits 0-5, higher sub-band in bits 6-7), as carried in RTP.
///
/// The state persists across calls, so a stream may be fed in frames of any size;
/// an odd trailing sample is kept and paired with the first sample of the next call.
#[derive(Clone, Debug)]
pub struct G722Encoder {
    low: LowBand,
    high: HighBand,
    /// The first samples of the last 11 input pairs, oldest first.
    first_history: [i16; HISTORY],
    /// The second samples of the last 11 input pairs, oldest first.
    second_history: [i16; HISTORY],
    /// An odd sample waiting for its partner.
    pending: Option<i16>,
}

impl Default for G722Encoder {
    fn default() -> Self {
        Self::new()
    }
}

impl G722Encoder {
    /// A new encoder in the spec's reset state.
    pub fn new() -> Self {
        G722Encoder {
            low: LowBand::default(),
            high: HighBand::default(),
            first_history: [0; HISTORY],
            second_history: [0; HISTORY],
            pending: None,
        }
    }

    /// Returns the encoder to its reset state.
    pub fn reset(&mut self) {
        *self = Self::new();
    }

    /// Encodes `pcm` (16 kHz mono) into `out`, one byte per sample pair; returns the
    /// number of bytes written.
    ///
    /// Normally `out.len() >= (pcm.len() + 1) / 2`. If `out` is shorter, only the first
    /// `out.len()` pairs are encoded and the remaining samples are dropped (the stream
    /// then continues after them, as after a gap). With room for all pairs, an odd last
    /// sample is held back and encoded with the next call's first sample.
    pub fn encode(&mut self, pcm: &[i16], out: &mut [u8]) -> usize {
        let available = pcm.len() + usize::from(self.pending.is_some());
        let pairs = (available / 2).min(out.len());
        let keeps_odd = pairs == available / 2 && available % 2 == 1;

        let mut input = pcm;
        let mut written = 0;
        let mut first = [0i16; HISTORY + CHUNK];
        let mut second = [0i16; HISTORY + CHUNK];
        let mut bands = [(0i32, 0i32); CHUNK];
        while written < pairs {
            let n = (pairs - written).min(CHUNK);
            first[..HISTORY].copy_from_slice(&self.first_history);
            second[..HISTORY].copy_from_slice(&self.second_history);
            let mut filled = 0;
            if let (Some(lone), Some((&partner, rest))) = (self.pending, input.split_first()) {
                first[HISTORY] = lone;
                second[HISTORY] = partner;
                input = rest;
                self.pending = None;
                filled = 1;
            }
            let (now, later) = input.split_at((2 * (n - filled)).min(input.len()));
            for ((a, b), pair) in first[HISTORY + filled..]
                .iter_mut()
                .zip(&mut second[HISTORY + filled..])
                .zip(now.chunks_exact(2))
            {
                *a = pair[0];
                *b = pair[1];
            }
            input = later;

            // Transmit QMF over the whole chunk first: it does not depend on the
            // ADPCM state, so this loop is free of serial dependencies.
            for (j, band) in bands[..n].iter_mut().enumerate() {
                let (Some(a), Some(b)) = (first.get(j..j + TAPS), second.get(j..j + TAPS)) else {
                    continue;
                };
                if let (Ok(a), Ok(b)) = (<&[i16; TAPS]>::try_from(a), <&[i16; TAPS]>::try_from(b)) {
                    *band = qmf::analysis(a, b);
                }
            }
            // Sub-band ADPCM: the serial part; the two bands run side by side.
            for (code, &(xl, xh)) in out[written..written + n].iter_mut().zip(&bands[..n]) {
                let il = self.low.encode(xl);
                let ih = self.high.encode(xh);
                *code = (ih << 6) | il;
            }

            self.first_history.copy_from_slice(&first[n..n + HISTORY]);
            self.second_history.copy_from_slice(&second[n..n + HISTORY]);
            written += n;
        }
        self.pending = if keeps_odd {
            input.last().copied().or(self.pending)
        } else {
            None
        };
        written
    }
}
