//! Reading the WAV files that `sipvoice --record` and baresip write.

use std::path::Path;

/// What a recording holds.
#[derive(Clone, Debug, PartialEq)]
pub struct WavInfo {
    /// Samples per second.
    pub sample_rate: u32,
    /// Channels.
    pub channels: u16,
    /// Samples of the first channel.
    pub samples: Vec<i16>,
}

impl WavInfo {
    /// Reads a 16-bit PCM WAV file.
    pub fn read(path: &Path) -> Result<WavInfo, String> {
        let mut r = hound::WavReader::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let spec = r.spec();
        if spec.bits_per_sample != 16 || spec.sample_format != hound::SampleFormat::Int {
            return Err(format!("{}: not 16-bit PCM: {spec:?}", path.display()));
        }
        let all: Result<Vec<i16>, _> = r.samples::<i16>().collect();
        let all = all.map_err(|e| format!("{}: {e}", path.display()))?;
        let samples = all
            .iter()
            .step_by(usize::from(spec.channels.max(1)))
            .copied()
            .collect();
        Ok(WavInfo {
            sample_rate: spec.sample_rate,
            channels: spec.channels,
            samples,
        })
    }

    /// Duration in seconds.
    pub fn seconds(&self) -> f64 {
        self.samples.len() as f64 / f64::from(self.sample_rate.max(1))
    }

    /// Root mean square level relative to full scale (0.0 silence, ~0.7 full-scale sine).
    pub fn rms(&self) -> f64 {
        if self.samples.is_empty() {
            return 0.0;
        }
        let sum: f64 = self
            .samples
            .iter()
            .map(|&s| (f64::from(s) / 32768.0).powi(2))
            .sum();
        (sum / self.samples.len() as f64).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, rate: u32, samples: &[i16]) {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for &s in samples {
            w.write_sample(s).unwrap();
        }
        w.finalize().unwrap();
    }

    #[test]
    fn silence_and_a_sine_are_told_apart() {
        let dir = crate::WorkDir::new("wav");
        let quiet = dir.join("quiet.wav");
        write(&quiet, 8000, &[0; 8000]);
        let w = WavInfo::read(&quiet).unwrap();
        assert_eq!((w.sample_rate, w.samples.len()), (8000, 8000));
        assert_eq!(w.rms(), 0.0);
        assert!((w.seconds() - 1.0).abs() < 1e-9);

        let sine: Vec<i16> = (0..16000)
            .map(|i| {
                (16384.0 * (i as f64 * 2.0 * std::f64::consts::PI * 1000.0 / 16000.0).sin()) as i16
            })
            .collect();
        let loud = dir.join("loud.wav");
        write(&loud, 16000, &sine);
        let rms = WavInfo::read(&loud).unwrap().rms();
        assert!((rms - 0.3535).abs() < 0.01, "rms {rms}");
        assert!(WavInfo::read(&dir.join("missing.wav")).is_err());
    }
}
