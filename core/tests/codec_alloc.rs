//! Encoding and decoding never allocate: a counting global allocator watches a
//! stream of 20 ms frames through every codec.
// A global allocator is the only way to observe allocations; it only counts and
// forwards to the system allocator.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use sipvoice_core::codec::{Codec, Decoder, Encoder};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to `System`, which upholds the contract.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: same layout, as required by the caller.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn encode_and_decode_do_not_allocate() {
    let pcm: Vec<i16> = (0..320)
        .map(|i| ((i * 7919) % 30000 - 15000) as i16)
        .collect();
    let mut payload = [0u8; 160];
    let mut out = [0i16; 320];
    for codec in Codec::ALL {
        let mut enc = Encoder::new(codec);
        let mut dec = Decoder::new(codec);
        let frame = &pcm[..codec.samples_per_frame(20)];
        let before = ALLOCATIONS.load(Ordering::SeqCst);
        for _ in 0..50 {
            let n = enc.encode(frame, &mut payload);
            assert_eq!(n, 160);
            assert_eq!(dec.decode(&payload[..n], &mut out), frame.len());
        }
        let after = ALLOCATIONS.load(Ordering::SeqCst);
        assert_eq!(after, before, "{codec} allocated");
    }
}
