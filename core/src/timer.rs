//! A keyed timer queue: the earliest deadline across every call comes from a binary heap.
//!
//! Each timer is addressed by a small copyable key (which machine, which timer). Setting a
//! key again replaces its deadline; cancelled and replaced entries stay in the heap as
//! stale entries and are skipped when they surface, and the heap is compacted when stale
//! entries outnumber live ones. Every operation is `O(log n)` amortised; nothing scans
//! the calls.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::hash::Hash;
use std::time::Instant;

use crate::hash::IdMap;

/// One heap entry; ordered so that the earliest deadline (then the oldest entry) is on top.
#[derive(Debug)]
struct Entry<K> {
    deadline: Instant,
    id: u64,
    key: K,
}

impl<K> PartialEq for Entry<K> {
    fn eq(&self, other: &Self) -> bool {
        self.deadline == other.deadline && self.id == other.id
    }
}

impl<K> Eq for Entry<K> {}

impl<K> PartialOrd for Entry<K> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<K> Ord for Entry<K> {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the earliest first.
        other
            .deadline
            .cmp(&self.deadline)
            .then_with(|| other.id.cmp(&self.id))
    }
}

/// Deadlines keyed by `K`, at most one per key.
#[derive(Debug)]
pub struct TimerQueue<K> {
    heap: BinaryHeap<Entry<K>>,
    armed: IdMap<K, (Instant, u64)>,
    next_id: u64,
}

impl<K: Copy + Eq + Hash> Default for TimerQueue<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Copy + Eq + Hash> TimerQueue<K> {
    /// An empty queue.
    pub fn new() -> Self {
        Self {
            heap: BinaryHeap::new(),
            armed: IdMap::default(),
            next_id: 0,
        }
    }

    /// Arms `key` to fire at `deadline`, replacing any deadline it had.
    pub fn set(&mut self, key: K, deadline: Instant) {
        let id = self.next_id;
        self.next_id += 1;
        self.armed.insert(key, (deadline, id));
        self.heap.push(Entry { deadline, id, key });
        self.maybe_compact();
    }

    /// Disarms `key`; a no-op when it was not armed.
    pub fn cancel(&mut self, key: K) {
        if self.armed.remove(&key).is_some() {
            self.maybe_compact();
        }
    }

    /// The deadline of `key`, if armed.
    pub fn deadline_of(&self, key: K) -> Option<Instant> {
        self.armed.get(&key).map(|(deadline, _)| *deadline)
    }

    /// Whether `key` is armed.
    pub fn is_armed(&self, key: K) -> bool {
        self.armed.contains_key(&key)
    }

    /// The earliest armed deadline.
    pub fn next_deadline(&mut self) -> Option<Instant> {
        self.drop_stale_head();
        self.heap.peek().map(|entry| entry.deadline)
    }

    /// Removes and returns one key whose deadline is at or before `now`, earliest first.
    pub fn pop_expired(&mut self, now: Instant) -> Option<K> {
        self.drop_stale_head();
        let head = self.heap.peek()?;
        if head.deadline > now {
            return None;
        }
        let entry = self.heap.pop()?;
        self.armed.remove(&entry.key);
        Some(entry.key)
    }

    /// Number of armed timers.
    pub fn len(&self) -> usize {
        self.armed.len()
    }

    /// Whether no timer is armed.
    pub fn is_empty(&self) -> bool {
        self.armed.is_empty()
    }

    fn is_live(&self, entry: &Entry<K>) -> bool {
        matches!(self.armed.get(&entry.key), Some((_, id)) if *id == entry.id)
    }

    fn drop_stale_head(&mut self) {
        while let Some(head) = self.heap.peek() {
            if self.is_live(head) {
                return;
            }
            self.heap.pop();
        }
    }

    fn maybe_compact(&mut self) {
        if self.heap.len() > 64 && self.heap.len() > 2 * self.armed.len() {
            let armed = &self.armed;
            self.heap
                .retain(|entry| matches!(armed.get(&entry.key), Some((_, id)) if *id == entry.id));
        }
    }

    /// Number of heap entries, live and stale (for tests of the compaction bound).
    #[cfg(test)]
    fn heap_len(&self) -> usize {
        self.heap.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(epoch: Instant, ms: u64) -> Instant {
        epoch + Duration::from_millis(ms)
    }

    #[test]
    fn pops_in_deadline_order() {
        let epoch = crate::test_epoch();
        let mut timers = TimerQueue::new();
        timers.set(3u32, at(epoch, 30));
        timers.set(1u32, at(epoch, 10));
        timers.set(2u32, at(epoch, 20));
        assert_eq!(timers.next_deadline(), Some(at(epoch, 10)));
        let fired: Vec<u32> = std::iter::from_fn(|| timers.pop_expired(at(epoch, 100))).collect();
        assert_eq!(fired, vec![1, 2, 3]);
        assert!(timers.is_empty());
    }

    #[test]
    fn nothing_fires_before_its_deadline() {
        let epoch = crate::test_epoch();
        let mut timers = TimerQueue::new();
        timers.set(1u32, at(epoch, 10));
        assert_eq!(timers.pop_expired(at(epoch, 9)), None);
        assert_eq!(timers.pop_expired(at(epoch, 10)), Some(1));
    }

    #[test]
    fn resetting_replaces_the_deadline() {
        let epoch = crate::test_epoch();
        let mut timers = TimerQueue::new();
        timers.set(1u32, at(epoch, 10));
        timers.set(1u32, at(epoch, 50));
        assert_eq!(timers.len(), 1);
        assert_eq!(timers.pop_expired(at(epoch, 20)), None);
        assert_eq!(timers.next_deadline(), Some(at(epoch, 50)));
        assert_eq!(timers.pop_expired(at(epoch, 50)), Some(1));
        assert_eq!(timers.pop_expired(at(epoch, 100)), None);
    }

    #[test]
    fn cancelled_timers_never_fire() {
        let epoch = crate::test_epoch();
        let mut timers = TimerQueue::new();
        timers.set(1u32, at(epoch, 10));
        timers.set(2u32, at(epoch, 20));
        timers.cancel(1);
        assert_eq!(timers.next_deadline(), Some(at(epoch, 20)));
        assert_eq!(timers.pop_expired(at(epoch, 100)), Some(2));
        assert_eq!(timers.pop_expired(at(epoch, 100)), None);
        timers.cancel(7);
        assert!(timers.is_empty());
    }

    #[test]
    fn stale_entries_are_compacted() {
        let epoch = crate::test_epoch();
        let mut timers = TimerQueue::new();
        for round in 0..1000u64 {
            timers.set(1u32, at(epoch, round));
        }
        assert_eq!(timers.len(), 1);
        assert!(timers.heap_len() <= 65, "heap holds {}", timers.heap_len());
    }
}
