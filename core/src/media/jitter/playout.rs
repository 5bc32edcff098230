//! Playout side of the jitter buffer: in-order frames at once, concealment at deadlines.

use super::buffer::{ConcealCause, JitterBuffer, Playout, Stream};
use super::config::JitterConfig;
use super::ring::{Ring, SlotState};
use crate::media::rtp::ts_delta;
use std::time::{Duration, Instant};

/// `t + d`, or `t` itself where the sum would leave the clock's range (no panic on odd input).
fn later(t: Instant, d: Duration) -> Instant {
    t.checked_add(d).unwrap_or(t)
}

/// Timestamp of the head frame: the expected one, else inferred from the next buffered frame.
fn head_timestamp(stream: &Stream, ring: &Ring, spf: u32) -> u32 {
    if let Some(ts) = stream.head_ts {
        return ts;
    }
    let highest = stream.seqs.highest().unwrap_or(stream.head);
    (stream.head..=highest)
        .find_map(|ext| {
            let frame = ring.frame(ext)?;
            let back = (ext - stream.head) as u32;
            Some(frame.timestamp.wrapping_sub(back.wrapping_mul(spf)))
        })
        .unwrap_or(0)
}

/// When a missing frame with timestamp `ts` is given up: the anchor frame's arrival, plus the
/// media time between them, plus the target delay.
fn loss_deadline(stream: &Stream, config: &JitterConfig, ts: u32, target: Duration) -> Instant {
    match stream.anchor {
        Some((arrived, anchor_ts)) => {
            let ahead = ts_delta(ts, anchor_ts).max(0) as u64;
            later(later(arrived, config.ticks_to_duration(ahead)), target)
        }
        None => later(stream.first_arrival, target),
    }
}

fn prefetch_deadline(stream: &Stream, config: &JitterConfig, target: Duration) -> Instant {
    let frames = u32::try_from(config.prefetch).unwrap_or(u32::MAX);
    later(
        stream.first_arrival,
        config.ptime().saturating_mul(frames).saturating_add(target),
    )
}

impl JitterBuffer {
    /// The next playout step at `now`, or `None` when nothing is due yet. Call it until `None`
    /// after every push and at every [`next_deadline`](Self::next_deadline).
    pub fn pop(&mut self, now: Instant) -> Option<Playout> {
        let target = self.target_delay();
        let spf = self.spf;
        loop {
            let stream = self.stream.as_mut()?;
            if !stream.started {
                if now < prefetch_deadline(stream, &self.config, target) {
                    return None;
                }
                stream.started = true;
            }
            if stream.fill > 0 {
                stream.fill -= 1;
                let ts = stream.head_ts.unwrap_or(0);
                stream.head_ts = Some(ts.wrapping_add(spf));
                self.stats.gap_filled += 1;
                return Some(Playout::Conceal {
                    timestamp: ts,
                    cause: ConcealCause::SilenceGap,
                });
            }
            let head = stream.head;
            match self.ring.state(head) {
                SlotState::Skipped => {
                    stream.head += 1;
                    stream.head_ts = stream.head_ts.map(|t| t.wrapping_add(spf));
                    continue;
                }
                SlotState::Buffered(frame) => {
                    if let (false, Some(expected)) = (self.config.skip_audio_gaps, stream.head_ts) {
                        let gap = ts_delta(frame.timestamp, expected);
                        let fill_ms =
                            u64::try_from(self.config.max_gap_fill.as_millis()).unwrap_or(u64::MAX);
                        let max_fill =
                            u64::from(self.config.clock_rate).saturating_mul(fill_ms) / 1000;
                        if gap >= spf as i32 && gap as u64 <= max_fill {
                            stream.fill = gap as u32 / spf;
                            continue;
                        }
                    }
                    let frame = self.ring.set(head, SlotState::Played)?;
                    stream.head += 1;
                    stream.head_ts = Some(frame.timestamp.wrapping_add(spf));
                    stream.anchor = Some((frame.arrival, frame.timestamp));
                    stream.delivered_any = true;
                    let previous = stream.last_played.replace((head, frame.timestamp));
                    self.stats.played += 1;
                    if let Some((prev_ext, prev_ts)) = previous
                        && prev_ext + 1 == head
                        && !frame.marker
                    {
                        self.learn_frame_size(ts_delta(frame.timestamp, prev_ts));
                    }
                    return Some(Playout::Frame {
                        seq: frame.seq,
                        timestamp: frame.timestamp,
                        payload: frame.payload,
                        marker: frame.marker,
                    });
                }
                _ => {
                    let highest = stream.seqs.highest()?;
                    if highest <= head {
                        return None;
                    }
                    let ts = head_timestamp(stream, &self.ring, spf);
                    if now < loss_deadline(stream, &self.config, ts, target) {
                        return None;
                    }
                    self.ring.set(head, SlotState::Concealed);
                    stream.head += 1;
                    stream.head_ts = Some(ts.wrapping_add(spf));
                    self.stats.concealed += 1;
                    return Some(Playout::Conceal {
                        timestamp: ts,
                        cause: ConcealCause::Lost { seq: head as u16 },
                    });
                }
            }
        }
    }

    /// When [`pop`](Self::pop) next has something to give (a past instant means now), or
    /// `None` while it waits for a packet to arrive.
    pub fn next_deadline(&self) -> Option<Instant> {
        let stream = self.stream.as_ref()?;
        let target = self.target_delay();
        if !stream.started {
            return Some(prefetch_deadline(stream, &self.config, target));
        }
        if stream.fill > 0 {
            return Some(stream.anchor.map_or(stream.first_arrival, |(t, _)| t));
        }
        let highest = stream.seqs.highest()?;
        let mut head = stream.head;
        while head <= highest && matches!(self.ring.state(head), SlotState::Skipped) {
            head += 1;
        }
        if let Some(frame) = self.ring.frame(head) {
            return Some(frame.arrival);
        }
        if highest <= head {
            return None;
        }
        let skipped = (head - stream.head) as u32;
        let ts = head_timestamp(stream, &self.ring, self.spf)
            .wrapping_add(skipped.wrapping_mul(self.spf));
        Some(loss_deadline(stream, &self.config, ts, target))
    }

    /// Adopts a new frame size once two consecutive frames agree on it.
    fn learn_frame_size(&mut self, delta: i32) {
        let configured = self.config.samples_per_frame();
        let Ok(delta) = u32::try_from(delta) else {
            return;
        };
        if delta == 0 || delta > configured.saturating_mul(4) || delta == self.spf {
            self.spf_candidate = None;
            return;
        }
        if self.spf_candidate == Some(delta) {
            self.spf = delta;
            self.spf_candidate = None;
        } else {
            self.spf_candidate = Some(delta);
        }
    }
}
