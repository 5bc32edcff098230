//! Jitter buffer: reordering, loss deadlines, silence gaps and adaptive depth for one stream.

mod buffer;
mod config;
mod estimator;
mod playout;
mod ring;
#[cfg(test)]
mod tests;

pub use buffer::{AudioPacket, ConcealCause, JitterBuffer, Playout, Pushed};
pub use config::{JitterConfig, JitterConfigError, JitterStats};
