//! Writing received audio to WAV: one file per call, 16-bit mono at the call's rate.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use sipvoice_core::endpoint::CallId;

/// One WAV file being written.
pub struct Recorder {
    writer: hound::WavWriter<BufWriter<File>>,
    path: PathBuf,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("path", &self.path)
            .finish()
    }
}

impl Recorder {
    /// Creates (or truncates) `path` for 16-bit mono audio at `sample_rate`.
    pub fn create(path: &Path, sample_rate: u32) -> Result<Self, hound::Error> {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        Ok(Self {
            writer: hound::WavWriter::create(path, spec)?,
            path: path.to_owned(),
        })
    }

    /// Appends samples.
    pub fn write(&mut self, pcm: &[i16]) -> Result<(), hound::Error> {
        let mut samples = self.writer.get_i16_writer(pcm.len() as u32);
        for &s in pcm {
            samples.write_sample(s);
        }
        samples.flush()
    }

    /// Completes the header and closes the file.
    pub fn finish(self) -> Result<PathBuf, hound::Error> {
        self.writer.finalize()?;
        Ok(self.path)
    }
}

/// The recordings of all live calls of `sipvoice serve --record DIR`.
#[derive(Debug)]
pub struct Recordings {
    dir: PathBuf,
    live: HashMap<CallId, Recorder>,
}

impl Recordings {
    /// Records into `dir` (which must exist).
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            live: HashMap::new(),
        }
    }

    /// The file for a session: `<session_id>.wav`, characters unsafe in a file name
    /// replaced by `_`.
    pub fn path_for(&self, session_id: &str) -> PathBuf {
        let mut name: String = session_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if name.is_empty() || name.starts_with('.') {
            name.insert(0, '_');
        }
        name.push_str(".wav");
        self.dir.join(name)
    }

    /// Starts a call's recording.
    pub fn start(&mut self, call: CallId, session_id: &str, sample_rate: u32) {
        let path = self.path_for(session_id);
        match Recorder::create(&path, sample_rate) {
            Ok(recorder) => {
                self.live.insert(call, recorder);
            }
            Err(e) => tracing::warn!(path = %path.display(), error = %e, "cannot record"),
        }
    }

    /// Appends a frame to a call's recording.
    pub fn write(&mut self, call: CallId, pcm: &[i16]) {
        if let Some(recorder) = self.live.get_mut(&call) {
            if let Err(e) = recorder.write(pcm) {
                tracing::warn!(%call, error = %e, "recording failed; stopped");
                self.live.remove(&call);
            }
        }
    }

    /// Closes a call's recording.
    pub fn finish(&mut self, call: CallId) {
        if let Some(recorder) = self.live.remove(&call) {
            match recorder.finish() {
                Ok(path) => tracing::info!(path = %path.display(), "recording written"),
                Err(e) => tracing::warn!(%call, error = %e, "recording not finalised"),
            }
        }
    }

    /// Closes every recording (at exit).
    pub fn finish_all(&mut self) {
        let calls: Vec<CallId> = self.live.keys().copied().collect();
        for call in calls {
            self.finish(call);
        }
    }
}
