//! Seeded randomness for links and scenarios: ChaCha8, split per consumer.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// A seeded random source; the same seed and stream give the same numbers everywhere.
#[derive(Clone, Debug)]
pub struct SimRng(ChaCha8Rng);

impl SimRng {
    /// A generator for `stream` (e.g. one per link direction) derived from `seed`.
    pub fn new(seed: u64, stream: u64) -> Self {
        Self(ChaCha8Rng::seed_from_u64(mix(seed ^ mix(stream))))
    }

    /// A uniform 64-bit value.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A uniform value in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p` (clamped to `[0, 1]`; zero never draws true).
    pub fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        self.unit() < p
    }

    /// A uniform value in `[0, bound)` (zero when `bound` is zero).
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        self.next_u64() % bound
    }
}

/// SplitMix64 finaliser: spreads nearby seeds far apart.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_same_numbers() {
        let mut a = SimRng::new(7, 1);
        let mut b = SimRng::new(7, 1);
        let mut c = SimRng::new(7, 2);
        let xs: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        let zs: Vec<u64> = (0..8).map(|_| c.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn chance_matches_its_probability() {
        let mut rng = SimRng::new(1, 0);
        let hits = (0..100_000).filter(|_| rng.chance(0.1)).count();
        assert!((9_000..11_000).contains(&hits), "{hits}");
        assert!(!rng.chance(0.0));
        assert!(rng.unit() < 1.0);
        assert!(rng.below(10) < 10);
        assert_eq!(rng.below(0), 0);
    }
}
