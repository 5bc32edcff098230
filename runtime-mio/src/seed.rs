//! Seeding the endpoint's RNG from the operating system.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash, Hasher};
use std::io::Read;
use std::time::{SystemTime, UNIX_EPOCH};

/// A non-zero seed drawn from the operating system.
///
/// Reads `/dev/urandom` where it exists; elsewhere it falls back to the standard
/// library's randomly keyed hasher (itself seeded by the OS) over the clock and the
/// process id.
pub(crate) fn os_seed() -> u64 {
    let mut bytes = [0u8; 8];
    let from_device = std::fs::File::open("/dev/urandom")
        .and_then(|mut file| file.read_exact(&mut bytes))
        .is_ok();
    if from_device {
        let seed = u64::from_ne_bytes(bytes);
        if seed != 0 {
            return seed;
        }
    }
    let mut hasher = RandomState::new().build_hasher();
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .hash(&mut hasher);
    std::process::id().hash(&mut hasher);
    hasher.finish() | 1
}

#[cfg(test)]
mod tests {
    use super::os_seed;

    #[test]
    fn seeds_are_non_zero_and_vary() {
        let seeds: Vec<u64> = (0..4).map(|_| os_seed()).collect();
        assert!(seeds.iter().all(|seed| *seed != 0));
        assert!(seeds.windows(2).any(|pair| pair[0] != pair[1]));
    }
}
