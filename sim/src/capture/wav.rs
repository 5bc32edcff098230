//! Writing decoded audio as WAV files (16-bit mono PCM).

use std::path::{Path, PathBuf};

use super::stream_report::RtpAnalysis;

/// Why a WAV file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WavError {
    /// The directory could not be created.
    #[error("cannot create {path}: {source}")]
    Dir {
        /// The directory.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Writing the file failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// What went wrong.
        source: hound::Error,
    },
}

/// Writes 16-bit mono PCM at `sample_rate` to `path`.
pub fn write_wav(path: &Path, sample_rate: u32, pcm: &[i16]) -> Result<(), WavError> {
    let err = |source| WavError::Write {
        path: path.display().to_string(),
        source,
    };
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec).map_err(err)?;
    {
        let mut samples = writer.get_i16_writer(u32::try_from(pcm.len()).unwrap_or(u32::MAX));
        for &s in pcm.iter().take(u32::MAX as usize) {
            samples.write_sample(s);
        }
        samples.flush().map_err(err)?;
    }
    writer.finalize().map_err(err)
}

/// Writes every stream of an analysis that carried audio into `dir` (created if needed) as
/// `<src>-<dst>-<ssrc>.wav`; returns the files written.
pub fn write_stream_wavs(analysis: &RtpAnalysis, dir: &Path) -> Result<Vec<PathBuf>, WavError> {
    std::fs::create_dir_all(dir).map_err(|source| WavError::Dir {
        path: dir.display().to_string(),
        source,
    })?;
    let mut written = Vec::new();
    for stream in analysis.streams.iter().filter(|s| s.sample_rate > 0) {
        let path = dir.join(format!("{}.wav", stream.file_stem()));
        write_wav(&path, stream.sample_rate, &stream.pcm)?;
        written.push(path);
    }
    Ok(written)
}
