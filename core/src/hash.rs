//! The hashers behind the core's maps: a fast one for ids the core mints itself, and a
//! keyed one for strings read off the wire (Call-IDs, tags, branches).

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

/// A fast multiplicative hasher for keys the core mints itself (ids, timer keys, local
/// socket addresses). Not collision-resistant: never key it by data read off the wire.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct IdHasher {
    hash: u64,
}

impl IdHasher {
    const SEED: u64 = 0xf135_7aea_2e62_a9c5;

    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn write_isize(&mut self, i: isize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply leaves its best-mixed bits on top; the table indexes by the low ones.
        self.hash.rotate_left(26)
    }
}

/// Builds [`IdHasher`]s.
pub(crate) type BuildIdHasher = BuildHasherDefault<IdHasher>;

/// A map keyed by the core's own ids.
pub(crate) type IdMap<K, V> = HashMap<K, V, BuildIdHasher>;

/// A set of the core's own ids.
pub(crate) type IdSet<K> = HashSet<K, BuildIdHasher>;

/// Multiplies and folds the 128-bit product onto 64 bits: every input bit reaches
/// every output bit.
#[inline]
fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// A keyed hasher for data read off the wire: words are mixed by folded multiplies
/// with secret per-map keys, so a peer cannot choose keys that collide.
#[derive(Clone, Copy, Debug)]
pub(crate) struct WireHasher {
    hash: u64,
    key: u64,
}

impl Hasher for WireHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.hash = fold(self.hash ^ u64::from_le_bytes(word), self.key);
        }
        // The tail (under eight bytes) byte by byte: no copy call for a few bytes.
        let tail = chunks
            .remainder()
            .iter()
            .enumerate()
            .fold(0u64, |acc, (i, &b)| acc | (u64::from(b) << (8 * i)));
        // The length closes every write, so ("ab", "c") and ("a", "bc") differ.
        let tail = tail ^ ((bytes.len() as u64) << 56);
        self.hash = fold(self.hash ^ tail, self.key);
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.hash = fold(self.hash ^ i, self.key);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// Builds [`WireHasher`]s with keys drawn once per map from the standard library's
/// per-process random state (the same source `HashMap::new` uses).
#[derive(Clone, Debug)]
pub(crate) struct BuildWireHasher {
    seed: u64,
    key: u64,
}

impl Default for BuildWireHasher {
    fn default() -> Self {
        let state = RandomState::new();
        BuildWireHasher {
            seed: state.hash_one(0x5eed_u64),
            // Odd, so that the multiply never collapses to zero.
            key: state.hash_one(0x006b_6579_u64) | 1,
        }
    }
}

impl BuildHasher for BuildWireHasher {
    type Hasher = WireHasher;

    #[inline]
    fn build_hasher(&self) -> WireHasher {
        WireHasher {
            hash: self.seed,
            key: self.key,
        }
    }
}

/// A map keyed by data read off the wire.
pub(crate) type WireMap<K, V> = HashMap<K, V, BuildWireHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    fn hash_of(build: &BuildWireHasher, parts: &[&[u8]]) -> u64 {
        let mut h = build.build_hasher();
        for p in parts {
            h.write(p);
        }
        h.finish()
    }

    #[test]
    fn wire_hashes_depend_on_content_split_and_key() {
        let a = BuildWireHasher::default();
        let b = BuildWireHasher::default();
        assert_eq!(
            hash_of(&a, &[b"call-id@host"]),
            hash_of(&a, &[b"call-id@host"])
        );
        assert_ne!(
            hash_of(&a, &[b"call-id@host"]),
            hash_of(&a, &[b"call-id@hosu"])
        );
        assert_ne!(hash_of(&a, &[b"ab", b"c"]), hash_of(&a, &[b"a", b"bc"]));
        assert_ne!(hash_of(&a, &[b""]), hash_of(&a, &[b"\0"]));
        // Two maps never share keys.
        assert_ne!(hash_of(&a, &[b"tag"]), hash_of(&b, &[b"tag"]));
        // A map keyed by wire strings works like any other.
        let mut m: WireMap<(String, String), u32> = WireMap::default();
        for i in 0..1000u32 {
            m.insert((format!("c{i}"), format!("t{}", i % 7)), i);
        }
        for i in 0..1000u32 {
            assert_eq!(m.get(&(format!("c{i}"), format!("t{}", i % 7))), Some(&i));
        }
    }
}
