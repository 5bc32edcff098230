//! Encoding and decoding never allocate: a counting global allocator watches a
//! stream of 20 ms frames through every codec.
// A global allocator is the only way to observe allocations; it only counts and
// forwards to the system allocator.
#![allow(unsafe_code)]

mod counting_alloc;

use counting_alloc::allocations;
use sipvoice_core::codec::{Codec, Decoder, Encoder};

#[test]
fn encode_and_decode_do_not_allocate() {
    let pcm: Vec<i16> = (0..320)
        .map(|i| ((i * 7919) % 30000 - 15000) as i16)
        .collect();
    // The counter sees this thread's allocations.
    let before = allocations();
    let probe = std::hint::black_box(vec![0u8; 64]);
    assert!(allocations() > before, "the counting allocator counts");
    drop(probe);
    let mut payload = [0u8; 160];
    let mut out = [0i16; 320];
    for codec in Codec::ALL {
        let mut enc = Encoder::new(codec);
        let mut dec = Decoder::new(codec);
        let frame = &pcm[..codec.samples_per_frame(20)];
        let before = allocations();
        for _ in 0..50 {
            let n = enc.encode(frame, &mut payload);
            assert_eq!(n, 160);
            assert_eq!(dec.decode(&payload[..n], &mut out), frame.len());
        }
        let after = allocations();
        assert_eq!(after, before, "{codec} allocated");
    }
}
