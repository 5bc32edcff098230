//! Reading WAV files of any format and converting them to a call's audio: mono, 16-bit,
//! at the call's sample rate (channels averaged, linear-interpolation resampling).

use std::path::Path;

/// Why a WAV file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum WavError {
    /// The file is missing, unreadable or not a WAV file hound understands.
    #[error("cannot read WAV {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// What went wrong.
        source: hound::Error,
    },
    /// The header describes audio we cannot use (no channels, zero rate, odd depth).
    #[error("unusable WAV {path}: {reason}")]
    Format {
        /// The file.
        path: String,
        /// What is wrong.
        reason: &'static str,
    },
}

/// Mono 16-bit PCM with its rate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pcm {
    /// Samples per second.
    pub sample_rate: u32,
    /// The samples.
    pub samples: Vec<i16>,
}

impl Pcm {
    /// The same audio at `rate` (unchanged when it already is).
    pub fn at_rate(&self, rate: u32) -> Vec<i16> {
        resample(&self.samples, self.sample_rate, rate)
    }
}

/// Reads a WAV file (8/16/24/32-bit integer or 32-bit float, any channel count) as mono
/// 16-bit PCM at its own rate.
pub fn read_wav(path: &Path) -> Result<Pcm, WavError> {
    let shown = || path.display().to_string();
    let reader = hound::WavReader::open(path).map_err(|source| WavError::Read {
        path: shown(),
        source,
    })?;
    let spec = reader.spec();
    if spec.channels == 0 || spec.sample_rate == 0 {
        return Err(WavError::Format {
            path: shown(),
            reason: "no channels or a zero sample rate",
        });
    }
    let interleaved: Vec<i16> = match spec.sample_format {
        hound::SampleFormat::Float => reader
            .into_samples::<f32>()
            .map(|s| s.map(float_to_i16))
            .collect::<Result<_, _>>(),
        hound::SampleFormat::Int => {
            let bits = spec.bits_per_sample;
            if bits == 0 || bits > 32 {
                return Err(WavError::Format {
                    path: shown(),
                    reason: "unsupported bits per sample",
                });
            }
            reader
                .into_samples::<i32>()
                .map(|s| s.map(|v| int_to_i16(v, bits)))
                .collect::<Result<_, _>>()
        }
    }
    .map_err(|source| WavError::Read {
        path: shown(),
        source,
    })?;
    Ok(Pcm {
        sample_rate: spec.sample_rate,
        samples: downmix(&interleaved, spec.channels),
    })
}

/// Scales an integer sample of `bits` bits to 16 bits.
pub fn int_to_i16(v: i32, bits: u16) -> i16 {
    let shifted = if bits >= 16 {
        v >> (bits - 16)
    } else {
        v << (16 - bits)
    };
    shifted.clamp(i16::MIN.into(), i16::MAX.into()) as i16
}

/// Scales a float sample in [-1, 1] to 16 bits (clipped).
pub fn float_to_i16(v: f32) -> i16 {
    let v = if v.is_finite() { v } else { 0.0 };
    (v * 32767.0).round().clamp(-32768.0, 32767.0) as i16
}

/// Averages interleaved channels into mono.
pub fn downmix(interleaved: &[i16], channels: u16) -> Vec<i16> {
    if channels <= 1 {
        return interleaved.to_vec();
    }
    interleaved
        .chunks_exact(usize::from(channels))
        .map(|frame| {
            let sum: i32 = frame.iter().map(|&s| i32::from(s)).sum();
            (sum / i32::from(channels)) as i16
        })
        .collect()
}

/// Resamples mono PCM from `from` Hz to `to` Hz by linear interpolation.
pub fn resample(pcm: &[i16], from: u32, to: u32) -> Vec<i16> {
    if from == to || from == 0 || to == 0 || pcm.is_empty() {
        return pcm.to_vec();
    }
    let out_len = (pcm.len() as u64 * u64::from(to) / u64::from(from)) as usize;
    let last = pcm.len() - 1;
    (0..out_len)
        .map(|i| {
            // Position in the input, in 1/to units: i * from / to.
            let num = i as u64 * u64::from(from);
            let index = (num / u64::from(to)) as usize;
            let frac = (num % u64::from(to)) as i64;
            let a = i64::from(pcm.get(index.min(last)).copied().unwrap_or(0));
            let b = i64::from(pcm.get((index + 1).min(last)).copied().unwrap_or(0));
            (a + (b - a) * frac / i64::from(to)) as i16
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resample_identity_and_lengths() {
        let pcm: Vec<i16> = (0..160).map(|i| i * 10).collect();
        assert_eq!(resample(&pcm, 8000, 8000), pcm);
        assert_eq!(resample(&pcm, 8000, 16000).len(), 320);
        assert_eq!(resample(&pcm, 16000, 8000).len(), 80);
        assert_eq!(resample(&pcm, 44100, 16000).len(), 58);
    }

    #[test]
    fn upsampling_interpolates_between_samples() {
        let up = resample(&[0, 100, 200], 8000, 16000);
        assert_eq!(up, vec![0, 50, 100, 150, 200, 200]);
    }

    #[test]
    fn downmix_averages_channels() {
        assert_eq!(downmix(&[100, 300, -100, -300], 2), vec![200, -200]);
        assert_eq!(downmix(&[1, 2, 3], 1), vec![1, 2, 3]);
        // A trailing partial frame is dropped.
        assert_eq!(downmix(&[10, 20, 30], 2), vec![15]);
    }

    #[test]
    fn depth_scaling() {
        assert_eq!(int_to_i16(127, 8), 127 << 8);
        assert_eq!(int_to_i16(-8_388_608, 24), i16::MIN);
        assert_eq!(int_to_i16(i32::MAX, 32), i16::MAX);
        assert_eq!(float_to_i16(1.5), i16::MAX);
        assert_eq!(float_to_i16(f32::NAN), 0);
    }
}
