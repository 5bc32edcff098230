//! The core's one source of randomness: a ChaCha8 generator seeded through the config.
//!
//! Tags, branches, Call-IDs, SSRCs, initial sequence numbers and timestamps, nonces and
//! SDP session ids all come from here, so the same seed gives the same run.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// Characters used for tokens: RFC 3261 `token` characters that need no escaping anywhere.
const TOKEN_ALPHABET: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The seeded random number generator owned by an endpoint.
#[derive(Clone)]
pub struct Rng {
    inner: ChaCha8Rng,
}

impl std::fmt::Debug for Rng {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Rng")
    }
}

impl Rng {
    /// A generator whose whole output is determined by `seed`.
    pub fn from_seed(seed: u64) -> Self {
        Self {
            inner: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// A uniformly random `u32`.
    pub fn next_u32(&mut self) -> u32 {
        self.inner.next_u32()
    }

    /// A uniformly random `u64`.
    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// A uniformly random `u16`.
    pub fn next_u16(&mut self) -> u16 {
        (self.inner.next_u32() >> 16) as u16
    }

    /// A value uniformly drawn from `0..bound` (`bound` > 0), without modulo bias.
    pub fn below(&mut self, bound: u32) -> u32 {
        if bound <= 1 {
            return 0;
        }
        // Lemire's widening-multiply rejection method.
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let product = u64::from(self.inner.next_u32()) * u64::from(bound);
            if (product as u32) >= threshold {
                return (product >> 32) as u32;
            }
        }
    }

    /// A float uniformly drawn from `[0, 1)`.
    pub fn unit_f64(&mut self) -> f64 {
        (self.inner.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Appends `len` random alphanumeric characters to `out` (for tags, branches, Call-IDs).
    pub fn push_token(&mut self, out: &mut String, len: usize) {
        out.reserve(len);
        for _ in 0..len {
            let index = self.below(TOKEN_ALPHABET.len() as u32) as usize;
            out.push(char::from(TOKEN_ALPHABET[index]));
        }
    }

    /// A fresh random alphanumeric token of `len` characters.
    pub fn token(&mut self, len: usize) -> String {
        let mut out = String::with_capacity(len);
        self.push_token(&mut out, len);
        out
    }

    /// Fills `dest` with random bytes.
    pub fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.inner.fill_bytes(dest);
    }

    /// Access to the generator as a `rand_core::RngCore` for modules that take one.
    pub fn as_rng_core(&mut self) -> &mut impl RngCore {
        &mut self.inner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = Rng::from_seed(7);
        let mut b = Rng::from_seed(7);
        assert_eq!(a.token(16), b.token(16));
        assert_eq!(a.next_u64(), b.next_u64());
    }

    #[test]
    fn different_seeds_differ() {
        let mut a = Rng::from_seed(1);
        let mut b = Rng::from_seed(2);
        assert_ne!(a.token(16), b.token(16));
    }

    #[test]
    fn tokens_are_alphanumeric_and_sized() {
        let mut rng = Rng::from_seed(3);
        let token = rng.token(24);
        assert_eq!(token.len(), 24);
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut rng = Rng::from_seed(4);
        let mut seen = [false; 5];
        for _ in 0..1000 {
            let value = rng.below(5) as usize;
            assert!(value < 5);
            seen[value] = true;
        }
        assert!(seen.iter().all(|s| *s));
        assert_eq!(rng.below(1), 0);
        assert_eq!(rng.below(0), 0);
    }

    #[test]
    fn unit_is_in_unit_interval() {
        let mut rng = Rng::from_seed(5);
        for _ in 0..1000 {
            let x = rng.unit_f64();
            assert!((0.0..1.0).contains(&x));
        }
    }
}
