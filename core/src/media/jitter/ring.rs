//! Fixed-size slot ring indexed by extended sequence number, with tombstones for consumed slots.

use bytes::Bytes;
use std::time::Instant;

/// A received audio frame waiting for playout.
#[derive(Debug, Clone)]
pub(super) struct Stored {
    pub(super) seq: u16,
    pub(super) timestamp: u32,
    pub(super) marker: bool,
    pub(super) payload: Bytes,
    pub(super) arrival: Instant,
}

/// What happened to one sequence number.
#[derive(Debug, Clone, Default)]
pub(super) enum SlotState {
    /// Nothing known.
    #[default]
    Vacant,
    /// Received, waiting for playout.
    Buffered(Stored),
    /// Handed out as a frame.
    Played,
    /// Its deadline passed and concealment was handed out.
    Concealed,
    /// Consumed by a non-audio packet (for example RFC 4733 DTMF).
    Skipped,
    /// Given up by the window (overflow drop, or missing when the window slid past it).
    Dropped,
}

#[derive(Debug, Clone)]
struct Slot {
    ext: u64,
    state: SlotState,
}

impl Slot {
    /// A slot that belongs to no sequence number.
    const VACANT: Self = Self {
        ext: u64::MAX,
        state: SlotState::Vacant,
    };
}

/// Ring of `capacity` slots; slot `ext % capacity` belongs to one extended sequence number at a time.
///
/// The slots are allocated by [`Ring::allocate`] when a stream starts: until then every number
/// is vacant (and [`Ring::set`] records nothing), so a call that never receives audio costs
/// no memory.
#[derive(Debug, Clone)]
pub(super) struct Ring {
    /// Empty until `allocate`, then `capacity` slots.
    slots: Vec<Slot>,
    capacity: usize,
    buffered: usize,
}

impl Ring {
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            slots: Vec::new(),
            capacity: capacity.max(1),
            buffered: 0,
        }
    }

    pub(super) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Frames currently buffered.
    pub(super) fn buffered(&self) -> usize {
        self.buffered
    }

    /// Gives the ring its slots, if it has none yet.
    pub(super) fn allocate(&mut self) {
        if self.slots.is_empty() {
            self.slots.resize(self.capacity, Slot::VACANT);
        }
    }

    /// The slot of `ext` (`None` before the slots are allocated).
    fn index(&self, ext: u64) -> Option<usize> {
        ext.checked_rem(self.slots.len() as u64)
            .map(|index| index as usize)
    }

    /// The state recorded for `ext`, or `Vacant` if the slot belongs to another number.
    pub(super) fn state(&self, ext: u64) -> &SlotState {
        match self.index(ext).and_then(|index| self.slots.get(index)) {
            Some(slot) if slot.ext == ext => &slot.state,
            _ => &SlotState::Vacant,
        }
    }

    /// The buffered frame for `ext`, if any.
    pub(super) fn frame(&self, ext: u64) -> Option<&Stored> {
        match self.state(ext) {
            SlotState::Buffered(f) => Some(f),
            _ => None,
        }
    }

    /// Records `state` for `ext`, returning the frame that was buffered there for `ext`, if any.
    /// A frame buffered under another number is never overwritten (the caller keeps the window);
    /// nothing is recorded before [`Ring::allocate`].
    pub(super) fn set(&mut self, ext: u64, state: SlotState) -> Option<Stored> {
        let slot = self
            .index(ext)
            .and_then(|index| self.slots.get_mut(index))?;
        let previous = if slot.ext == ext {
            std::mem::take(&mut slot.state)
        } else if matches!(slot.state, SlotState::Buffered(_)) {
            return None;
        } else {
            SlotState::Vacant
        };
        if matches!(state, SlotState::Buffered(_)) {
            self.buffered += 1;
        }
        slot.ext = ext;
        slot.state = state;
        match previous {
            SlotState::Buffered(f) => {
                self.buffered -= 1;
                Some(f)
            }
            _ => None,
        }
    }

    /// Forgets everything; returns how many buffered frames were discarded.
    pub(super) fn clear(&mut self) -> usize {
        let dropped = self.buffered;
        self.slots.fill(Slot::VACANT);
        self.buffered = 0;
        dropped
    }
}
