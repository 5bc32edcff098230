//! Shared driver for the pacer and DTMF sender tests: runs a pacer on its own deadlines.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use sipvoice_core::media::{DtmfPacket, Pacer, PacerConfig, PacerEvent, PacerOutput};

/// The one wall-clock read of a test: every later instant derives from it.
#[allow(clippy::disallowed_methods)]
pub(crate) fn t0() -> Instant {
    Instant::now()
}

/// Milliseconds as a duration.
pub(crate) fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// What one released packet carried.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// An audio frame and its samples.
    Audio(Vec<i16>),
    /// A telephone-event packet.
    Dtmf(DtmfPacket),
}

/// One packet released by the pacer, with the time it was released.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sent {
    /// When the driver released it.
    pub(crate) at: Instant,
    /// RTP sequence number.
    pub(crate) seq: u16,
    /// RTP timestamp.
    pub(crate) timestamp: u32,
    /// RTP marker bit.
    pub(crate) marker: bool,
    /// Audio or event.
    pub(crate) kind: Kind,
}

impl Sent {
    /// The event packet, if this is one.
    pub(crate) fn dtmf(&self) -> Option<&DtmfPacket> {
        match &self.kind {
            Kind::Dtmf(p) => Some(p),
            Kind::Audio(_) => None,
        }
    }

    /// The audio samples, if this is a frame.
    pub(crate) fn audio(&self) -> Option<&[i16]> {
        match &self.kind {
            Kind::Audio(pcm) => Some(pcm),
            Kind::Dtmf(_) => None,
        }
    }
}

/// 20 ms frames of 160 samples on a 160-tick clock (G.711).
pub(crate) fn g711() -> PacerConfig {
    PacerConfig::new(ms(20), 160, 160)
}

/// Everything released at `now` (the driver's drain loop).
pub(crate) fn drain_at(p: &mut Pacer, now: Instant, out: &mut Vec<Sent>) {
    while let Some(o) = p.poll(now) {
        out.push(match o {
            PacerOutput::Audio(f) => Sent {
                at: now,
                seq: f.seq,
                timestamp: f.timestamp,
                marker: f.marker,
                kind: Kind::Audio(f.pcm.to_vec()),
            },
            PacerOutput::Dtmf(d) => Sent {
                at: now,
                seq: d.seq,
                timestamp: d.timestamp,
                marker: d.marker,
                kind: Kind::Dtmf(d),
            },
        });
    }
}

/// Wakes the pacer at each of its deadlines up to `until`, as a punctual driver would.
pub(crate) fn run_until(p: &mut Pacer, until: Instant, out: &mut Vec<Sent>) {
    while let Some(deadline) = p.next_deadline().filter(|&d| d <= until) {
        drain_at(p, deadline, out);
    }
}

/// All events waiting in the pacer.
pub(crate) fn events(p: &mut Pacer) -> Vec<PacerEvent> {
    std::iter::from_fn(|| p.poll_event()).collect()
}

/// A ramp of `n` samples starting at `from` (each sample distinct, to check the order).
pub(crate) fn ramp(from: i16, n: usize) -> Vec<i16> {
    (0..n).map(|i| from.wrapping_add(i as i16)).collect()
}

/// A G.711 pacer given `samples` of a ramp at the origin, with an empty record of what it sent.
pub(crate) fn playing(samples: usize) -> (Instant, Pacer, Vec<Sent>) {
    let start = t0();
    let mut p = Pacer::new(g711(), 0, 0).unwrap();
    p.push_pcm(start, &ramp(0, samples)).unwrap();
    (start, p, Vec::new())
}
