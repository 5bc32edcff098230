//! The `--events` log: one JSON object per line, to a file or stdout.

use std::fs::File;
use std::io::{self, BufWriter, Write};

use sipvoice_core::endpoint::{Event, EventLines};

/// Writes event lines; each line is flushed so that readers see it at once.
pub struct EventSink {
    out: Box<dyn Write + Send>,
    lines: EventLines,
}

impl std::fmt::Debug for EventSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventSink").finish_non_exhaustive()
    }
}

impl EventSink {
    /// Opens `path` for writing (truncating it), or stdout for `-`.
    pub fn open(path: &str) -> io::Result<Self> {
        let out: Box<dyn Write + Send> = if path == "-" {
            Box::new(io::stdout())
        } else {
            Box::new(BufWriter::new(File::create(path)?))
        };
        Ok(Self::to_writer(out))
    }

    /// Writes to any writer.
    pub fn to_writer(out: Box<dyn Write + Send>) -> Self {
        Self {
            out,
            lines: EventLines::new(),
        }
    }

    /// Logs one event (audio frames are not logged).
    pub fn write(&mut self, event: &Event) {
        if let Some(line) = self.lines.line(event) {
            let result = writeln!(self.out, "{line}").and_then(|()| self.out.flush());
            if let Err(e) = result {
                tracing::warn!(error = %e, "event log write failed");
            }
        }
    }
}
