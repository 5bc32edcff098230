//! Packet loss concealment on decoded PCM: pitch-period repetition with fade-out, and a
//! cross-fade back into real audio when packets return. Caller buffers, no per-frame allocation.

/// Shortest pitch period searched (400 Hz).
const MIN_PERIOD_MS: f32 = 2.5;
/// Longest pitch period searched (about 66 Hz).
const MAX_PERIOD_MS: f32 = 15.0;
/// Concealment keeps full level this long into a loss.
const HOLD_MS: usize = 10;
/// ... then fades linearly to silence by this point.
const SILENT_MS: usize = 60;
/// Longest cross-fade into the first good frame after a loss (samples).
const MAX_OVERLAP: usize = 80;
/// Cross-fade length in milliseconds.
const OVERLAP_MS: usize = 5;

/// Loss concealment state for one decoded stream at one sample rate (8 or 16 kHz, or other).
#[derive(Debug, Clone)]
pub struct Concealer {
    sample_rate: u32,
    min_period: usize,
    max_period: usize,
    /// The last samples of real audio, oldest first: empty until the first frame (good or
    /// concealed), then always `3 × max_period` samples.
    history: Vec<i16>,
    /// How many samples of `history` hold real audio (from the end).
    filled: usize,
    /// Pitch period in use during the current loss.
    period: usize,
    /// Position within the repeated period.
    phase: usize,
    /// Samples concealed in the current loss (0 = not in a loss).
    lost_samples: usize,
    concealed_frames: u64,
}

impl Concealer {
    /// A concealer for PCM at `sample_rate` Hz; its history buffer is allocated once, with
    /// the first frame.
    pub fn new(sample_rate: u32) -> Self {
        let rate = sample_rate.max(1000) as f32;
        let min_period = ((rate * MIN_PERIOD_MS / 1000.0) as usize).max(2);
        let max_period = ((rate * MAX_PERIOD_MS / 1000.0) as usize).max(min_period + 1);
        Self {
            sample_rate: sample_rate.max(1000),
            min_period,
            max_period,
            history: Vec::new(),
            filled: 0,
            period: max_period,
            phase: 0,
            lost_samples: 0,
            concealed_frames: 0,
        }
    }

    /// The sample rate this concealer works at.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// Samples in one frame of `ptime_ms` at this rate (the length to conceal).
    pub fn frame_len(&self, ptime_ms: u32) -> usize {
        (u64::from(self.sample_rate) * u64::from(ptime_ms) / 1000) as usize
    }

    /// Frames concealed since creation.
    pub fn concealed_frames(&self) -> u64 {
        self.concealed_frames
    }

    /// The pitch period (in samples) of the current or last loss.
    pub fn period(&self) -> usize {
        self.period
    }

    /// Forgets the audio history (for a new stream).
    pub fn reset(&mut self) {
        self.history.fill(0);
        self.filled = 0;
        self.lost_samples = 0;
        self.phase = 0;
    }

    /// Allocates the (silent) history on first use.
    fn ensure_history(&mut self) {
        if self.history.is_empty() {
            self.history = vec![0; 3 * self.max_period];
        }
    }

    fn ms_to_samples(&self, ms: usize) -> usize {
        ms * self.sample_rate as usize / 1000
    }

    /// Takes a decoded good frame: cross-fades it in place after a loss, then remembers it.
    pub fn on_good_frame(&mut self, pcm: &mut [i16]) {
        if self.lost_samples > 0 {
            let overlap = self
                .ms_to_samples(OVERLAP_MS)
                .min(MAX_OVERLAP)
                .min(pcm.len());
            let mut tail = [0i16; MAX_OVERLAP];
            let mut probe = self.clone_state();
            probe.synthesize(&mut tail[..overlap]);
            for (i, (sample, concealed)) in pcm.iter_mut().zip(&tail[..overlap]).enumerate() {
                let w = (i + 1) as i32;
                let total = (overlap + 1) as i32;
                let mixed = (i32::from(*concealed) * (total - w) + i32::from(*sample) * w) / total;
                *sample = mixed as i16;
            }
            self.lost_samples = 0;
            self.phase = 0;
        }
        self.remember(pcm);
    }

    fn clone_state(&self) -> Probe<'_> {
        Probe {
            owner: self,
            phase: self.phase,
            lost_samples: self.lost_samples,
        }
    }

    fn remember(&mut self, pcm: &[i16]) {
        self.ensure_history();
        let len = self.history.len();
        if pcm.len() >= len {
            self.history.copy_from_slice(&pcm[pcm.len() - len..]);
        } else {
            self.history.copy_within(pcm.len().., 0);
            self.history[len - pcm.len()..].copy_from_slice(pcm);
        }
        self.filled = (self.filled + pcm.len()).min(len);
    }

    /// Fills `out` with one concealed frame (its length is the caller's frame length).
    pub fn conceal(&mut self, out: &mut [i16]) {
        self.ensure_history();
        if self.lost_samples == 0 {
            self.period = self.estimate_period();
            self.phase = 0;
        }
        let mut probe = self.clone_state();
        probe.synthesize(out);
        let (phase, lost) = (probe.phase, probe.lost_samples);
        self.phase = phase;
        self.lost_samples = lost;
        self.concealed_frames += 1;
    }

    /// Pitch period of the recent history by normalised autocorrelation.
    fn estimate_period(&self) -> usize {
        let len = self.history.len();
        let window = self.max_period;
        if self.filled < window + self.max_period {
            return self.max_period.min(self.filled.max(self.min_period));
        }
        let recent = &self.history[len - window..];
        let mut best = (self.max_period, f32::MIN);
        for lag in self.min_period..=self.max_period {
            let past = &self.history[len - window - lag..len - lag];
            let (mut corr, mut energy) = (0f32, 0f32);
            for (a, b) in recent.iter().zip(past) {
                corr += f32::from(*a) * f32::from(*b);
                energy += f32::from(*b) * f32::from(*b);
            }
            let score = if energy > 0.0 {
                corr / energy.sqrt()
            } else {
                0.0
            };
            if score > best.1 {
                best = (lag, score);
            }
        }
        best.0
    }
}

/// Synthesis cursor over a concealer's history, so a cross-fade can look ahead without
/// disturbing the loss state.
struct Probe<'a> {
    owner: &'a Concealer,
    phase: usize,
    lost_samples: usize,
}

impl Probe<'_> {
    fn gain(&self) -> f32 {
        let hold = self.owner.ms_to_samples(HOLD_MS);
        let silent = self.owner.ms_to_samples(SILENT_MS).max(hold + 1);
        if self.lost_samples <= hold {
            1.0
        } else if self.lost_samples >= silent {
            0.0
        } else {
            1.0 - (self.lost_samples - hold) as f32 / (silent - hold) as f32
        }
    }

    fn synthesize(&mut self, out: &mut [i16]) {
        let history = &self.owner.history;
        let period = self.owner.period.clamp(1, history.len());
        let start = history.len() - period;
        for sample in out.iter_mut() {
            let source = history
                .get(start + self.phase % period)
                .copied()
                .unwrap_or(0);
            *sample = (f32::from(source) * self.gain()) as i16;
            self.phase = (self.phase + 1) % period;
            self.lost_samples += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, freq: f32, start: usize, out: &mut [i16]) {
        for (i, s) in out.iter_mut().enumerate() {
            let t = (start + i) as f32 / rate as f32;
            *s = (8000.0 * (2.0 * std::f32::consts::PI * freq * t).sin()) as i16;
        }
    }

    fn energy(x: &[i16]) -> f64 {
        x.iter().map(|&s| f64::from(s) * f64::from(s)).sum()
    }

    fn primed(rate: u32, freq: f32, frames: usize, frame: usize) -> Concealer {
        let mut plc = Concealer::new(rate);
        let mut buf = vec![0i16; frame];
        for k in 0..frames {
            sine(rate, freq, k * frame, &mut buf);
            plc.on_good_frame(&mut buf);
        }
        plc
    }

    #[test]
    fn concealment_has_the_frame_length_at_8_and_16_khz() {
        for rate in [8000, 16000] {
            let mut plc = primed(rate, 200.0, 5, rate as usize / 50);
            let mut out = vec![1i16; plc.frame_len(20)];
            plc.conceal(&mut out);
            assert_eq!(out.len(), rate as usize / 50);
            assert!(energy(&out) > 0.0);
        }
    }

    #[test]
    fn pitch_period_of_a_tone_is_found() {
        let mut plc = primed(16000, 250.0, 5, 320);
        let mut out = [0i16; 320];
        plc.conceal(&mut out);
        assert_eq!(plc.period(), 64);
    }

    #[test]
    fn first_concealed_samples_continue_the_waveform() {
        let mut plc = primed(8000, 200.0, 5, 160);
        let mut out = [0i16; 160];
        plc.conceal(&mut out);
        let mut expected = [0i16; 80];
        sine(8000, 200.0, 5 * 160, &mut expected);
        for (got, want) in out.iter().zip(&expected) {
            assert!(
                (i32::from(*got) - i32::from(*want)).abs() < 200,
                "{got} vs {want}"
            );
        }
    }

    #[test]
    fn consecutive_losses_fade_to_silence() {
        let mut plc = primed(8000, 200.0, 5, 160);
        let mut energies = Vec::new();
        for _ in 0..4 {
            let mut out = [0i16; 160];
            plc.conceal(&mut out);
            energies.push(energy(&out));
        }
        assert!(energies[0] > energies[1] && energies[1] > energies[2]);
        assert_eq!(energies[3], 0.0, "silent after 60 ms");
        assert_eq!(plc.concealed_frames(), 4);
    }

    #[test]
    fn recovery_cross_fades_from_the_concealment() {
        let mut plc = primed(8000, 200.0, 5, 160);
        let mut concealed = [0i16; 160];
        plc.conceal(&mut concealed);
        let mut good = [0i16; 160];
        sine(8000, 200.0, 6 * 160, &mut good);
        let original = good;
        plc.on_good_frame(&mut good);
        // The first sample is nearly the concealment's continuation, the rest is untouched.
        let continuation = concealed[159];
        assert!((i32::from(good[0]) - i32::from(continuation)).abs() < 1500);
        assert_eq!(&good[40..], &original[40..]);
    }

    #[test]
    fn good_frames_without_loss_are_untouched() {
        let mut plc = primed(8000, 200.0, 2, 160);
        let mut good = [0i16; 160];
        sine(8000, 200.0, 320, &mut good);
        let original = good;
        plc.on_good_frame(&mut good);
        assert_eq!(good, original);
    }

    #[test]
    fn loss_before_any_audio_is_silence() {
        let mut plc = Concealer::new(16000);
        let mut out = [7i16; 320];
        plc.conceal(&mut out);
        assert!(out.iter().all(|&s| s == 0));
    }

    #[test]
    fn reset_forgets_the_history() {
        let mut plc = primed(8000, 200.0, 5, 160);
        plc.reset();
        let mut out = [7i16; 160];
        plc.conceal(&mut out);
        assert!(out.iter().all(|&s| s == 0));
    }
}
