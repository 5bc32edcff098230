//! Server nonces: random, authenticated, bounded in number and reaped after their lifetime.
//!
//! A nonce is 16 random bytes followed by an 8-byte tag, `SHA-256(key || random)`
//! truncated, printed as 48 lowercase hex digits. The key is drawn from the endpoint's RNG
//! when the server is built. The tag lets the server tell a nonce it issued and has since
//! dropped (expired or evicted: the client gets `stale=true` and retries silently) from a
//! forged or foreign one (a plain new challenge).
//!
//! Live nonces sit in an ordered map keyed by the raw bytes (deterministic, no hasher
//! seeded from the OS) plus a creation-ordered queue. Every nonce has the same lifetime,
//! so the queue front is always the next to expire and the oldest to evict.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::time::{Duration, Instant};

use rand_core::RngCore;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

const RANDOM_LEN: usize = 16;
const TAG_LEN: usize = 8;
const RAW_LEN: usize = RANDOM_LEN + TAG_LEN;
type RawNonce = [u8; RAW_LEN];

/// What a received nonce turned out to be.
#[derive(Debug)]
pub(crate) enum NonceState<'a> {
    /// Not issued by this server (bad format or tag).
    Unknown,
    /// Issued here, but expired or dropped.
    Stale,
    /// Live; the entry records the counts seen so far.
    Live(&'a mut NonceEntry),
}

/// Per-nonce replay state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NonceEntry {
    created: Instant,
    /// Highest `nc` accepted for this nonce (0: none yet).
    pub(crate) highest_nc: u32,
    /// Whether a response without qop (which carries no count) was accepted.
    pub(crate) used_without_qop: bool,
}

/// The bounded store of live nonces.
pub(crate) struct NonceStore {
    key: [u8; 32],
    lifetime: Duration,
    max_live: usize,
    live: BTreeMap<RawNonce, NonceEntry>,
    order: VecDeque<(RawNonce, Instant)>,
}

impl NonceStore {
    /// An empty store; `max_live` is raised to at least 1.
    pub(crate) fn new(rng: &mut impl RngCore, lifetime: Duration, max_live: usize) -> NonceStore {
        let mut key = [0u8; 32];
        rng.fill_bytes(&mut key);
        NonceStore {
            key,
            lifetime,
            max_live: max_live.max(1),
            live: BTreeMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Issues a fresh nonce at `now`, reaping expired ones and evicting the oldest if full.
    pub(crate) fn issue(&mut self, now: Instant, rng: &mut impl RngCore) -> String {
        self.reap(now);
        while self.live.len() >= self.max_live {
            if self.pop_oldest().is_none() {
                break;
            }
        }
        let mut raw = [0u8; RAW_LEN];
        let (random, tag) = raw.split_at_mut(RANDOM_LEN);
        rng.fill_bytes(random);
        tag.copy_from_slice(&self.tag(random));
        let entry = NonceEntry {
            created: now,
            highest_nc: 0,
            used_without_qop: false,
        };
        self.live.insert(raw, entry);
        self.order.push_back((raw, now));
        hex(&raw)
    }

    /// Classifies a nonce received at `now`.
    pub(crate) fn check(&mut self, now: Instant, nonce: &str) -> NonceState<'_> {
        let Some(raw) = unhex(nonce) else {
            return NonceState::Unknown;
        };
        let (random, tag) = raw.split_at(RANDOM_LEN);
        if !bool::from(self.tag(random).ct_eq(tag)) {
            return NonceState::Unknown;
        }
        let lifetime = self.lifetime;
        match self.live.get_mut(&raw) {
            Some(e) if now.saturating_duration_since(e.created) < lifetime => NonceState::Live(e),
            _ => NonceState::Stale,
        }
    }

    /// Drops every nonce whose lifetime has passed at `now`; returns how many.
    pub(crate) fn reap(&mut self, now: Instant) -> usize {
        let mut removed = 0;
        while let Some(&(_, created)) = self.order.front() {
            if now.saturating_duration_since(created) < self.lifetime {
                break;
            }
            if self.pop_oldest().is_some() {
                removed += 1;
            }
        }
        removed
    }

    /// Number of nonces held.
    pub(crate) fn len(&self) -> usize {
        self.live.len()
    }

    /// When the oldest nonce expires (the next time [`NonceStore::reap`] has work).
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.order
            .front()
            .map(|&(_, created)| created.checked_add(self.lifetime).unwrap_or(created))
    }

    fn pop_oldest(&mut self) -> Option<RawNonce> {
        let (raw, _) = self.order.pop_front()?;
        self.live.remove(&raw);
        Some(raw)
    }

    fn tag(&self, random: &[u8]) -> [u8; TAG_LEN] {
        let digest = Sha256::new()
            .chain_update(b"sipvoice digest nonce")
            .chain_update(self.key)
            .chain_update(random)
            .finalize();
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(digest.get(..TAG_LEN).unwrap_or(&[0; TAG_LEN]));
        tag
    }
}

impl fmt::Debug for NonceStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NonceStore")
            .field("key", &"<redacted>")
            .field("lifetime", &self.lifetime)
            .field("max_live", &self.max_live)
            .field("live", &self.live.len())
            .finish()
    }
}

fn hex(raw: &RawNonce) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(RAW_LEN * 2);
    for b in raw {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

fn unhex(s: &str) -> Option<RawNonce> {
    let bytes = s.as_bytes();
    if bytes.len() != RAW_LEN * 2 {
        return None;
    }
    let mut raw = [0u8; RAW_LEN];
    for (dst, pair) in raw.iter_mut().zip(bytes.chunks_exact(2)) {
        let hi = char::from(*pair.first()?).to_digit(16)?;
        let lo = char::from(*pair.get(1)?).to_digit(16)?;
        *dst = u8::try_from(hi * 16 + lo).ok()?;
    }
    Some(raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha8Rng;
    use rand_core::SeedableRng;

    /// The test timeline's origin; only differences from it matter.
    fn origin() -> Instant {
        crate::test_epoch()
    }

    fn store(max: usize) -> (NonceStore, ChaCha8Rng) {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        (NonceStore::new(&mut rng, Duration::from_secs(10), max), rng)
    }

    #[test]
    fn issued_nonce_is_live_then_stale() {
        let (mut s, mut rng) = store(8);
        let t0 = origin();
        let n = s.issue(t0, &mut rng);
        assert_eq!(n.len(), 48);
        assert!(matches!(
            s.check(t0 + Duration::from_secs(9), &n),
            NonceState::Live(_)
        ));
        assert!(matches!(
            s.check(t0 + Duration::from_secs(10), &n),
            NonceState::Stale
        ));
    }

    #[test]
    fn flipped_digit_is_unknown() {
        let (mut s, mut rng) = store(8);
        let t0 = origin();
        let n = s.issue(t0, &mut rng);
        let forged: String = n.chars().rev().collect();
        assert!(matches!(s.check(t0, &forged), NonceState::Unknown));
        assert!(matches!(s.check(t0, "abc"), NonceState::Unknown));
    }

    #[test]
    fn evicted_nonce_is_stale_and_store_stays_bounded() {
        let (mut s, mut rng) = store(2);
        let t0 = origin();
        let first = s.issue(t0, &mut rng);
        s.issue(t0, &mut rng);
        s.issue(t0, &mut rng);
        assert_eq!(s.len(), 2);
        assert!(matches!(s.check(t0, &first), NonceState::Stale));
    }

    #[test]
    fn reap_removes_only_expired() {
        let (mut s, mut rng) = store(8);
        let t0 = origin();
        s.issue(t0, &mut rng);
        s.issue(t0 + Duration::from_secs(5), &mut rng);
        assert_eq!(s.next_deadline(), Some(t0 + Duration::from_secs(10)));
        assert_eq!(s.reap(t0 + Duration::from_secs(10)), 1);
        assert_eq!(s.len(), 1);
        assert_eq!(s.reap(t0 + Duration::from_secs(15)), 1);
        assert_eq!(s.len(), 0);
        assert_eq!(s.next_deadline(), None);
    }

    #[test]
    fn hex_round_trips() {
        let raw: RawNonce = std::array::from_fn(|i| (i * 37) as u8);
        assert_eq!(unhex(&hex(&raw)), Some(raw));
    }
}
