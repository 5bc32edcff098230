//! WAV reading and conversion to call audio, through real files.

use std::path::PathBuf;

use sipvoice_tokio::cli::{Recorder, Recordings, read_wav, resample};

fn temp_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sipvoice-tokio-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

#[test]
fn stereo_24bit_44k1_becomes_mono_16bit_at_the_call_rate() {
    let path = temp_path("stereo24.wav");
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 44_100,
        bits_per_sample: 24,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for i in 0..4410i32 {
        // Left and right differ; their mean is (i * 256).
        w.write_sample(i * 256 * 2 + 256).unwrap();
        w.write_sample(-256).unwrap();
    }
    w.finalize().unwrap();
    let pcm = read_wav(&path).unwrap();
    assert_eq!(pcm.sample_rate, 44_100);
    assert_eq!(pcm.samples.len(), 4410);
    assert_eq!(pcm.samples[10], 10);
    let at16k = pcm.at_rate(16_000);
    assert_eq!(at16k.len(), 1600);
    // 100 ms in, the ramp stands near 4410 * 0.1 / 1 = 441 (16-bit scale: value i).
    let mid = at16k[800];
    assert!((mid - 2205).abs() <= 1, "got {mid}");
}

#[test]
fn float_wav_is_scaled() {
    let path = temp_path("float.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8000,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for v in [0.0f32, 0.5, -1.0, 2.0] {
        w.write_sample(v).unwrap();
    }
    w.finalize().unwrap();
    let pcm = read_wav(&path).unwrap();
    assert_eq!(pcm.samples, vec![0, 16384, -32767, 32767]);
    assert_eq!(pcm.at_rate(8000), pcm.samples);
}

#[test]
fn unreadable_wav_is_a_clear_error() {
    let path = temp_path("not-a-wav.wav");
    std::fs::write(&path, b"hello, this is not RIFF").unwrap();
    let err = read_wav(&path).unwrap_err().to_string();
    assert!(err.contains("cannot read WAV"), "{err}");
    let missing = read_wav(&temp_path("missing.wav")).unwrap_err().to_string();
    assert!(missing.contains("missing.wav"), "{missing}");
}

#[test]
fn downsampling_a_sine_keeps_its_frequency() {
    // 1 kHz at 16 kHz resampled to 8 kHz: still two zero crossings per millisecond.
    let sine: Vec<i16> = (0..1600)
        .map(|i| {
            (10000.0 * (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / 16000.0).sin()) as i16
        })
        .collect();
    let down = resample(&sine, 16000, 8000);
    assert_eq!(down.len(), 800);
    let crossings = down.windows(2).filter(|w| (w[0] < 0) != (w[1] < 0)).count();
    assert!((198..=202).contains(&crossings), "{crossings}");
}

#[test]
fn recorder_writes_16bit_mono_and_names_files_safely() {
    let dir = temp_path("rec");
    std::fs::create_dir_all(&dir).unwrap();
    let recordings = Recordings::new(dir.clone());
    let path = recordings.path_for("a/b c");
    assert_eq!(path, dir.join("a_b_c.wav"));
    assert_eq!(recordings.path_for("..").file_name().unwrap(), "_...wav");
    let mut rec = Recorder::create(&path, 16_000).unwrap();
    rec.write(&[1, -2, 3]).unwrap();
    rec.write(&[4]).unwrap();
    rec.finish().unwrap();
    let mut reader = hound::WavReader::open(&path).unwrap();
    let spec = reader.spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (1, 16_000, 16)
    );
    let samples: Vec<i16> = reader.samples::<i16>().map(Result::unwrap).collect();
    assert_eq!(samples, vec![1, -2, 3, 4]);
}
