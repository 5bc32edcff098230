//! The run's trace: one line per datagram and per event, time as an offset from the epoch.
//!
//! ```text
//! +0.000000s A→B INVITE sip:b@127.0.0.2:5060 cseq=1
//! +0.010000s B→A 100 Trying cseq=1 INVITE
//! +0.010000s B event incoming call#1 from=sip:sipvoice@127.0.0.1
//! +0.530000s A→B RTP pt=9 seq=1 ts=160 len=160 ✗ lost
//! ```
//! Lines depend only on virtual time and seeded randomness, so one seed gives one trace.

use std::fmt::Write as _;
use std::time::Duration;

use sipvoice_core::endpoint::{Event, Transmit};
use sipvoice_core::session::CallStats;

use crate::clock::Offset;
use crate::link::Fate;
use crate::summary::Summary;

/// What goes into a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceOptions {
    /// Include RTP/RTCP datagrams and audio-frame events (verbose: 100 lines per second per call).
    pub media: bool,
    /// Record lines at all (off for large runs that only check invariants).
    pub enabled: bool,
}

impl Default for TraceOptions {
    fn default() -> Self {
        Self {
            media: false,
            enabled: true,
        }
    }
}

/// The accumulated trace lines.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    options: TraceOptions,
    text: String,
    lines: usize,
}

impl Trace {
    /// An empty trace with these options.
    pub fn new(options: TraceOptions) -> Self {
        Self {
            options,
            text: String::new(),
            lines: 0,
        }
    }

    /// The options in force.
    pub fn options(&self) -> TraceOptions {
        self.options
    }

    /// The whole trace, one line per entry, each ending in `\n`.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Takes the text out, leaving the trace empty.
    pub fn take(&mut self) -> String {
        self.lines = 0;
        std::mem::take(&mut self.text)
    }

    /// Number of lines so far.
    pub fn len(&self) -> usize {
        self.lines
    }

    /// No line yet.
    pub fn is_empty(&self) -> bool {
        self.lines == 0
    }

    /// A datagram entered the network from `from` to `to` and met `fate`.
    pub fn datagram(
        &mut self,
        at: Duration,
        names: (&str, &str),
        summary: &Summary,
        fate: Option<&Fate>,
    ) {
        if !self.wants(summary) {
            return;
        }
        let mut line = format!("{} {}→{} {summary}", Offset(at), names.0, names.1);
        match fate {
            None => line.push_str(" ✗ dropped-by-script"),
            Some(Fate::Dropped(cause)) => {
                let _ = write!(line, " ✗ {}", cause.as_str());
            }
            Some(Fate::Delivered {
                duplicate,
                corrupted,
                reordered,
                ..
            }) => {
                if duplicate.is_some() {
                    line.push_str(" +dup");
                }
                if *corrupted {
                    line.push_str(" +corrupt");
                }
                if *reordered {
                    line.push_str(" +reorder");
                }
            }
        }
        self.push(line);
    }

    /// A delivered datagram found no socket bound at its destination.
    pub fn unbound(&mut self, at: Duration, names: (&str, &str), transmit: &Transmit) {
        let summary = Summary::of(&transmit.data);
        if !self.wants(&summary) {
            return;
        }
        self.push(format!(
            "{} {}→{} ✗ no socket at {} ({summary})",
            Offset(at),
            names.0,
            names.1,
            transmit.to
        ));
    }

    /// `node` reported `event`.
    pub fn event(&mut self, at: Duration, node: &str, event: &Event) {
        if !self.options.enabled {
            return;
        }
        if matches!(event, Event::Audio { .. }) && !self.options.media {
            return;
        }
        self.push(format!("{} {node} {}", Offset(at), describe(event)));
    }

    /// A free-form line (scenario steps, checks).
    pub fn note(&mut self, at: Duration, text: &str) {
        if self.options.enabled {
            self.push(format!("{} {text}", Offset(at)));
        }
    }

    fn wants(&self, summary: &Summary) -> bool {
        self.options.enabled && (self.options.media || !summary.is_media())
    }

    fn push(&mut self, line: String) {
        self.text.push_str(&line);
        self.text.push('\n');
        self.lines += 1;
    }
}

/// One event in a few words: `event started call#1 codec=G722`.
pub fn describe(event: &Event) -> String {
    match event {
        Event::IncomingCall { call, info } => {
            format!(
                "event incoming {call} from={} to={}",
                info.caller, info.callee
            )
        }
        Event::Ringing { call, .. } => format!("event ringing {call}"),
        Event::CallStarted { call, info } => format!(
            "event started {call} codec={}",
            info.codec.map_or("none", |c| c.encoding_name())
        ),
        Event::Audio { call, frame } => format!(
            "event audio {call} ts={}{}",
            frame.rtp_timestamp,
            if frame.concealed { " concealed" } else { "" }
        ),
        Event::Dtmf {
            call,
            digit,
            duration_ms,
            source,
        } => format!("event dtmf {call} digit={digit} duration={duration_ms}ms source={source:?}"),
        Event::PlaybackFinished { call } => format!("event playback-finished {call}"),
        Event::PlaybackInterrupted { call, cut } => {
            format!(
                "event playback-interrupted {call} cut={}ms",
                cut.as_millis()
            )
        }
        Event::Hold { call, on_hold } => format!("event hold {call} on={on_hold}"),
        Event::CallEnded {
            call,
            reason,
            stats,
            ..
        } => format!(
            "event ended {call} reason={} {}",
            reason.as_str(),
            stats_words(stats)
        ),
        Event::CallRejected { status, reason, .. } => {
            format!("event rejected status={status} reason={reason}")
        }
    }
}

fn stats_words(stats: &CallStats) -> String {
    format!(
        "sent={} received={} lost={} concealed={} dtmf={}/{}",
        stats.packets_sent,
        stats.packets_received,
        stats.packets_lost,
        stats.frames_concealed,
        stats.dtmf_sent,
        stats.dtmf_received
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use std::time::Instant;

    use crate::link::DropCause;

    fn summary(text: &'static str) -> Summary {
        Summary::of(&Bytes::from_static(text.as_bytes()))
    }

    #[test]
    fn datagram_lines_carry_time_direction_and_fate() {
        let mut trace = Trace::new(TraceOptions::default());
        let bye = summary(
            "BYE sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP x;branch=z9hG4bK1\r\nFrom: <sip:b@y>;tag=2\r\n\
             To: <sip:a@x>;tag=1\r\nCall-ID: c\r\nCSeq: 2 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
        );
        trace.datagram(
            Duration::from_millis(20),
            ("A", "B"),
            &bye,
            Some(&Fate::Dropped(DropCause::Loss)),
        );
        let now = Instant::now();
        let delivered = Fate::Delivered {
            at: now,
            duplicate: Some(now),
            corrupted: false,
            reordered: true,
        };
        trace.datagram(
            Duration::from_millis(21),
            ("B", "A"),
            &bye,
            Some(&delivered),
        );
        trace.datagram(Duration::from_millis(22), ("B", "A"), &bye, None);
        assert_eq!(
            trace.text(),
            "+0.020000s A→B BYE sip:a@127.0.0.1 cseq=2 ✗ lost\n\
             +0.021000s B→A BYE sip:a@127.0.0.1 cseq=2 +dup +reorder\n\
             +0.022000s B→A BYE sip:a@127.0.0.1 cseq=2 ✗ dropped-by-script\n"
        );
        assert_eq!(trace.len(), 3);
    }

    #[test]
    fn media_lines_follow_the_media_flag() {
        let rtp = Summary::of(&Bytes::from_static(&[
            0x80, 0, 0, 1, 0, 0, 0, 160, 0, 0, 0, 9, 0xff,
        ]));
        let mut quiet = Trace::new(TraceOptions::default());
        quiet.datagram(Duration::ZERO, ("A", "B"), &rtp, None);
        assert!(quiet.is_empty());
        let mut loud = Trace::new(TraceOptions {
            media: true,
            enabled: true,
        });
        loud.datagram(Duration::ZERO, ("A", "B"), &rtp, None);
        assert!(loud.text().contains("RTP pt=0 seq=1 ts=160 len=1"));
        let mut off = Trace::new(TraceOptions {
            media: true,
            enabled: false,
        });
        off.note(Duration::ZERO, "x");
        assert!(off.take().is_empty());
    }
}
