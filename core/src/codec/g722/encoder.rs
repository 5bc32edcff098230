//! The G.722 encoder: transmit QMF, then lower and higher sub-band ADPCM.

use super::band::{HighBand, LowBand};
use super::qmf::{self, HISTORY};

/// Sample pairs processed per pass over the stack work buffer.
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
    /// The last 22 input samples, oldest first.
    history: [i16; HISTORY],
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
            history: [0; HISTORY],
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
        let mut buf = [0i16; HISTORY + 2 * CHUNK];
        let mut bands = [(0i32, 0i32); CHUNK];
        while written < pairs {
            let n = (pairs - written).min(CHUNK);
            buf[..HISTORY].copy_from_slice(&self.history);
            let fresh = &mut buf[HISTORY..HISTORY + 2 * n];
            let mut start = 0;
            if let Some(first) = self.pending.take() {
                fresh[0] = first;
                start = 1;
            }
            let need = fresh.len() - start;
            let (now, later) = input.split_at(need.min(input.len()));
            fresh[start..start + now.len()].copy_from_slice(now);
            input = later;

            // Transmit QMF over the whole chunk first: it does not depend on the
            // ADPCM state, so this loop is free of serial dependencies.
            for (j, band) in bands[..n].iter_mut().enumerate() {
                if let Some(w) = buf.get(2 * j..2 * j + 24) {
                    if let Ok(w) = <&[i16; 24]>::try_from(w) {
                        *band = qmf::analysis(w);
                    }
                }
            }
            // Sub-band ADPCM: the serial part; the two bands run side by side.
            for (code, &(xl, xh)) in out[written..written + n].iter_mut().zip(&bands[..n]) {
                let il = self.low.encode(xl);
                let ih = self.high.encode(xh);
                *code = (ih << 6) | il;
            }

            self.history.copy_from_slice(&buf[2 * n..2 * n + HISTORY]);
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
