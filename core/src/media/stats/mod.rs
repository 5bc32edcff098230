//! Per-stream statistics: receive side (RFC 3550 A.1, A.3, A.8), send side, and snapshots.

mod receive;
mod snapshot;

pub use receive::{MIN_SEQUENTIAL, ReceiveStats, SeqVerdict};
pub use snapshot::{SendStats, Stats};
