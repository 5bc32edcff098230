//! What a replay is asked to do and what it reports.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use sipvoice_core::ConfigError;
use sipvoice_core::endpoint::{CallId, Counts, Event};

use super::compare::Divergence;
use super::target::ReplayTarget;

/// How to replay a capture.
#[derive(Clone, Debug)]
pub struct ReplayOptions {
    /// The captured address to stand in for (`--as`); `None` picks the callee.
    pub as_addr: Option<SocketAddr>,
    /// How long to keep firing timers after the last captured datagram, at most.
    pub linger: Duration,
    /// Seed of the endpoint's RNG (tags, SSRCs, ...).
    pub seed: u64,
    /// Answer as late as the captured side did (its INVITE-to-2xx time becomes the
    /// endpoint's answer delay), so that the captured ACK comes after our 2xx.
    pub answer_like_capture: bool,
    /// Feed the far end's media as if it came from the address its SDP announced (for
    /// captures whose media source differs from their SDP; see [`Divergence::MediaSource`]).
    pub media_from_sdp: bool,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        Self {
            as_addr: None,
            linger: Duration::from_secs(70),
            seed: 1,
            answer_like_capture: true,
            media_from_sdp: false,
        }
    }
}

/// Why a capture could not be replayed at all.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// No INVITE to take the callee from, and no `--as` address.
    #[error("the capture has no INVITE; name the side to replace with --as HOST:PORT")]
    NoTarget,
    /// The endpoint refused the configuration built for the target.
    #[error("endpoint configuration for {0} refused: {1}")]
    Config(SocketAddr, ConfigError),
}

/// Which way a SIP message of the ladder went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From the captured far end to our endpoint.
    FarToUs,
    /// From our endpoint.
    UsToFar,
}

/// One SIP message of the replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LadderEntry {
    /// Virtual time since the capture's start.
    pub at: Duration,
    /// Which way.
    pub direction: Direction,
    /// The other side's address.
    pub peer: SocketAddr,
    /// The message's summary line.
    pub summary: String,
}

/// A datagram our endpoint sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    /// Virtual time since the capture's start.
    pub at: Duration,
    /// Our local socket.
    pub from: SocketAddr,
    /// Destination.
    pub to: SocketAddr,
    /// The datagram.
    pub data: Bytes,
}

/// Captured datagrams that were not fed to the endpoint, for one reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The first one's captured time.
    pub first_at: Duration,
    /// The last one's captured time.
    pub last_at: Duration,
    /// How many.
    pub count: u64,
    /// What they were and why they were not fed.
    pub what: String,
}

/// Everything a replay produced.
#[derive(Debug)]
pub struct ReplayReport {
    /// The side we stood in for.
    pub target: ReplayTarget,
    /// The SIP ladder, both directions, in time order.
    pub ladder: Vec<LadderEntry>,
    /// The endpoint's events (audio frames excluded) with their virtual times.
    pub events: Vec<(Duration, Event)>,
    /// Decoded inbound audio per call: sample rate and PCM.
    pub audio: BTreeMap<CallId, (u32, Vec<i16>)>,
    /// Every datagram the endpoint sent.
    pub sent: Vec<Sent>,
    /// Captured datagrams fed to the endpoint.
    pub fed: u64,
    /// Captured datagrams to our side that were not fed, grouped by reason.
    pub skipped: Vec<Skipped>,
    /// Where our behaviour differs from the captured side's.
    pub divergences: Vec<Divergence>,
    /// Virtual time when the replay stopped.
    pub ended_at: Duration,
    /// Live state left in the endpoint at the end (all zero when every call was reaped).
    pub counts: Counts,
}
