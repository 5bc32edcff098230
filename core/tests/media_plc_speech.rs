//! Loss concealment on real speech (the kit's 8 s prompt at 8 and 16 kHz): concealed frames
//! are closer to the lost audio than silence, and the stream length never changes.

use sipvoice_core::media::Concealer;

const MEDIA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/peers/media");

/// 16-bit mono PCM samples of a RIFF/WAVE file (walks the chunks to `data`).
fn read_wav(name: &str) -> (u32, Vec<i16>) {
    let data = std::fs::read(format!("{MEDIA_DIR}/{name}")).unwrap();
    assert_eq!(&data[0..4], b"RIFF");
    assert_eq!(&data[8..12], b"WAVE");
    let mut pos = 12;
    let mut rate = 0;
    while pos + 8 <= data.len() {
        let id = &data[pos..pos + 4];
        let len = u32::from_le_bytes(data[pos + 4..pos + 8].try_into().unwrap()) as usize;
        let body = &data[pos + 8..(pos + 8 + len).min(data.len())];
        if id == b"fmt " {
            assert_eq!(u16::from_le_bytes([body[0], body[1]]), 1, "PCM");
            assert_eq!(u16::from_le_bytes([body[2], body[3]]), 1, "mono");
            rate = u32::from_le_bytes(body[4..8].try_into().unwrap());
            assert_eq!(u16::from_le_bytes([body[14], body[15]]), 16, "16-bit");
        } else if id == b"data" {
            let pcm = body
                .chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]]))
                .collect();
            return (rate, pcm);
        }
        pos += 8 + len + (len & 1);
    }
    panic!("no data chunk in {name}");
}

fn error_energy(a: &[i16], b: &[i16]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum()
}

/// Errors against the lost audio, summed over concealed frames.
#[derive(Default)]
struct Errors {
    /// Whole concealed frames.
    plc: f64,
    /// The same frames replaced by silence.
    silence: f64,
    /// The first 2.5 ms after each loss starts.
    plc_onset: f64,
    /// The same samples replaced by silence.
    silence_onset: f64,
}

/// Drops frames by a fixed pattern (single losses and a 3-frame burst every 25 frames),
/// conceals them, and returns the errors, the output length in frames and the concealed count.
fn conceal_speech(name: &str) -> (Errors, usize, u64) {
    let (rate, pcm) = read_wav(name);
    let mut plc = Concealer::new(rate);
    let frame = plc.frame_len(20);
    let mut output = 0;
    let onset = rate as usize / 400;
    let mut e = Errors::default();
    let mut buf = vec![0i16; frame];
    let mut previous_lost = false;
    for (k, original) in pcm.chunks_exact(frame).enumerate() {
        let lost = k % 25 == 7 || (k % 25 >= 15 && k % 25 < 18) || k % 25 == 21;
        let silence = vec![0i16; frame];
        if lost {
            plc.conceal(&mut buf);
            e.plc += error_energy(&buf, original);
            e.silence += error_energy(&silence, original);
            if !previous_lost {
                e.plc_onset += error_energy(&buf[..onset], &original[..onset]);
                e.silence_onset += error_energy(&silence[..onset], &original[..onset]);
            }
        } else {
            buf.copy_from_slice(original);
            plc.on_good_frame(&mut buf);
        }
        previous_lost = lost;
        output += buf.len();
    }
    (e, output / frame, plc.concealed_frames())
}

/// Conceals the loss pattern in `file`: concealment continues the waveform at the onset and
/// beats silence overall, with one output frame per input frame.
fn assert_concealment_beats_silence(file: &str) {
    let (e, frames, concealed) = conceal_speech(file);
    let (plc, silence) = (e.plc, e.silence);
    assert!(
        e.plc_onset < e.silence_onset * 0.3,
        "the first 2.5 ms continue the waveform: {:.3e} vs {:.3e}",
        e.plc_onset,
        e.silence_onset
    );
    assert_eq!(frames, 400, "one output frame per input frame");
    assert_eq!(concealed, 16 * 5);
    assert!(
        plc < silence * 0.9,
        "concealment error {plc:.3e} vs silence {silence:.3e}"
    );
}

#[test]
fn concealment_beats_silence_on_8khz_speech() {
    assert_concealment_beats_silence("prompt_8s_8k.wav");
}

#[test]
fn concealment_beats_silence_on_16khz_speech() {
    assert_concealment_beats_silence("prompt_8s_16k.wav");
}
