//! One direction of a simulated network path: latency, jitter, loss (independent and
//! Gilbert–Elliott bursts), reordering, duplication, MTU drop, corruption and partitions.
//!
//! A [`Link`] speaks the core's verbs: datagrams go in with [`Link::handle_datagram`],
//! come out with [`Link::poll_transmit`] once due, and [`Link::poll_timeout`] tells when
//! the next one is due, so a link can sit between any two parties.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sipvoice_core::endpoint::Transmit;

use crate::rng::SimRng;

/// IPv4 + UDP header bytes counted against the MTU.
pub const IP_UDP_OVERHEAD: usize = 28;

/// Bursty loss: a two-state (good/bad) Markov chain stepped once per datagram.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GilbertElliott {
    /// Probability of moving from the good to the bad state.
    pub p_good_to_bad: f64,
    /// Probability of moving from the bad back to the good state.
    pub p_bad_to_good: f64,
    /// Loss probability while good.
    pub loss_good: f64,
    /// Loss probability while bad.
    pub loss_bad: f64,
}

impl GilbertElliott {
    /// The long-run loss rate of the chain.
    pub fn mean_loss(&self) -> f64 {
        let total = self.p_good_to_bad + self.p_bad_to_good;
        if total <= 0.0 {
            return self.loss_good;
        }
        let bad = self.p_good_to_bad / total;
        bad * self.loss_bad + (1.0 - bad) * self.loss_good
    }
}

/// A time window (offsets from the epoch) during which the link carries nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partition {
    /// When the partition starts.
    pub start: Duration,
    /// When it heals.
    pub end: Duration,
}

/// The impairments of one link direction. `LinkConfig::default()` is a clean 10 ms path.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkConfig {
    /// Fixed one-way delay.
    pub latency: Duration,
    /// Extra delay drawn uniformly in `[0, jitter]` per datagram (can reorder by itself).
    pub jitter: Duration,
    /// Independent loss probability.
    pub loss: f64,
    /// Bursty loss on top of the independent loss.
    pub burst: Option<GilbertElliott>,
    /// Probability that a datagram is held back by `reorder_delay` (arrives after later ones).
    pub reorder: f64,
    /// How long a reordered datagram is held back.
    pub reorder_delay: Duration,
    /// Probability that a datagram is delivered twice (the copy gets its own jitter).
    pub duplicate: f64,
    /// Largest IP packet carried (payload plus 28 header bytes); bigger ones are dropped.
    pub mtu: Option<usize>,
    /// Probability that one bit of the datagram is flipped.
    pub corrupt: f64,
    /// Windows during which everything sent is lost.
    pub partitions: Vec<Partition>,
}

impl Default for LinkConfig {
    fn default() -> Self {
        Self {
            latency: Duration::from_millis(10),
            jitter: Duration::ZERO,
            loss: 0.0,
            burst: None,
            reorder: 0.0,
            reorder_delay: Duration::from_millis(30),
            duplicate: 0.0,
            mtu: None,
            corrupt: 0.0,
            partitions: Vec::new(),
        }
    }
}

impl LinkConfig {
    /// A clean link with this one-way latency.
    pub fn with_latency(latency: Duration) -> Self {
        Self {
            latency,
            ..Self::default()
        }
    }

    /// Whether `offset` falls inside a partition window.
    pub fn partitioned_at(&self, offset: Duration) -> bool {
        self.partitions
            .iter()
            .any(|p| p.start <= offset && offset < p.end)
    }
}

/// Why a link dropped a datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DropCause {
    /// Independent random loss.
    Loss,
    /// Gilbert–Elliott burst loss.
    Burst,
    /// Sent during a partition.
    Partition,
    /// Larger than the MTU.
    Mtu,
}

impl DropCause {
    /// The word used in traces.
    pub fn as_str(self) -> &'static str {
        match self {
            DropCause::Loss => "lost",
            DropCause::Burst => "lost-burst",
            DropCause::Partition => "partition",
            DropCause::Mtu => "mtu",
        }
    }
}

/// What a link did with one datagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Dropped.
    Dropped(DropCause),
    /// Will be delivered at this instant.
    Delivered {
        /// Arrival of the (first) copy.
        at: Instant,
        /// Arrival of a duplicate copy, if any.
        duplicate: Option<Instant>,
        /// One bit was flipped.
        corrupted: bool,
        /// Held back to arrive after later datagrams.
        reordered: bool,
    },
}

/// What a link has done so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinkStats {
    /// Datagrams handed to the link.
    pub offered: u64,
    /// Copies handed out by `poll_transmit` (duplicates included).
    pub delivered: u64,
    /// Dropped by independent loss.
    pub lost: u64,
    /// Dropped by burst loss.
    pub lost_burst: u64,
    /// Dropped during a partition.
    pub partitioned: u64,
    /// Dropped for exceeding the MTU.
    pub mtu_dropped: u64,
    /// Extra copies scheduled.
    pub duplicated: u64,
    /// Datagrams with a flipped bit.
    pub corrupted: u64,
    /// Datagrams held back for reordering.
    pub reordered: u64,
}

impl LinkStats {
    /// Every datagram the link dropped, whatever the cause.
    pub fn dropped(&self) -> u64 {
        self.lost + self.lost_burst + self.partitioned + self.mtu_dropped
    }
}

#[derive(Debug)]
struct InFlight {
    at: Instant,
    seq: u64,
    transmit: Transmit,
}

impl PartialEq for InFlight {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for InFlight {}
impl PartialOrd for InFlight {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for InFlight {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// One direction of a path, seeded.
#[derive(Debug)]
pub struct Link {
    config: LinkConfig,
    epoch: Instant,
    rng: SimRng,
    bad_state: bool,
    queue: BinaryHeap<Reverse<InFlight>>,
    seq: u64,
    stats: LinkStats,
}

impl Link {
    /// A link with `config`, randomness from `seed` and `stream`, partitions relative to `epoch`.
    pub fn new(config: LinkConfig, seed: u64, stream: u64, epoch: Instant) -> Self {
        Self {
            config,
            epoch,
            rng: SimRng::new(seed, stream),
            bad_state: false,
            queue: BinaryHeap::new(),
            seq: 0,
            stats: LinkStats::default(),
        }
    }

    /// The link's settings.
    pub fn config(&self) -> &LinkConfig {
        &self.config
    }

    /// Replaces the settings (datagrams already in flight keep their arrival times).
    pub fn set_config(&mut self, config: LinkConfig) {
        self.config = config;
    }

    /// A datagram enters the link at `now`; returns what will happen to it.
    pub fn handle_datagram(&mut self, now: Instant, transmit: Transmit) -> Fate {
        self.stats.offered += 1;
        let offset = now.saturating_duration_since(self.epoch);
        if self.config.partitioned_at(offset) {
            self.stats.partitioned += 1;
            return Fate::Dropped(DropCause::Partition);
        }
        if let Some(mtu) = self.config.mtu {
            if transmit.data.len() + IP_UDP_OVERHEAD > mtu {
                self.stats.mtu_dropped += 1;
                return Fate::Dropped(DropCause::Mtu);
            }
        }
        if let Some(ge) = self.config.burst {
            let flip = if self.bad_state {
                ge.p_bad_to_good
            } else {
                ge.p_good_to_bad
            };
            if self.rng.chance(flip) {
                self.bad_state = !self.bad_state;
            }
            let p = if self.bad_state {
                ge.loss_bad
            } else {
                ge.loss_good
            };
            if self.rng.chance(p) {
                self.stats.lost_burst += 1;
                return Fate::Dropped(DropCause::Burst);
            }
        }
        if self.rng.chance(self.config.loss) {
            self.stats.lost += 1;
            return Fate::Dropped(DropCause::Loss);
        }
        let mut data = transmit.data;
        let corrupted = self.rng.chance(self.config.corrupt) && !data.is_empty();
        if corrupted {
            let mut bytes = data.to_vec();
            let bit = self.rng.below(bytes.len() as u64 * 8);
            if let Some(byte) = bytes.get_mut((bit / 8) as usize) {
                *byte ^= 1 << (bit % 8);
            }
            data = Bytes::from(bytes);
            self.stats.corrupted += 1;
        }
        let reordered = self.rng.chance(self.config.reorder);
        let mut at = now + self.config.latency + self.draw_jitter();
        if reordered {
            at += self.config.reorder_delay;
            self.stats.reordered += 1;
        }
        let transmit = Transmit {
            from: transmit.from,
            to: transmit.to,
            data,
        };
        let duplicate = if self.rng.chance(self.config.duplicate) {
            let copy_at = now + self.config.latency + self.draw_jitter();
            self.stats.duplicated += 1;
            self.push(copy_at, transmit.clone());
            Some(copy_at)
        } else {
            None
        };
        self.push(at, transmit);
        Fate::Delivered {
            at,
            duplicate,
            corrupted,
            reordered,
        }
    }

    /// The next datagram due at or before `now`, in arrival order.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Transmit> {
        if self
            .queue
            .peek()
            .is_some_and(|Reverse(head)| head.at <= now)
        {
            self.stats.delivered += 1;
            return self.queue.pop().map(|Reverse(f)| f.transmit);
        }
        None
    }

    /// When the next datagram is due, if any is in flight.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.queue.peek().map(|Reverse(head)| head.at)
    }

    /// Datagrams (copies) still in flight.
    pub fn in_flight(&self) -> usize {
        self.queue.len()
    }

    /// Counters so far.
    pub fn stats(&self) -> LinkStats {
        self.stats
    }

    fn draw_jitter(&mut self) -> Duration {
        let nanos = self.config.jitter.as_nanos() as u64;
        Duration::from_nanos(self.rng.below(nanos.saturating_add(1)))
    }

    fn push(&mut self, at: Instant, transmit: Transmit) {
        self.seq += 1;
        self.queue.push(Reverse(InFlight {
            at,
            seq: self.seq,
            transmit,
        }));
    }
}
