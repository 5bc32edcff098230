//! Property tests: any input, any framing, any buffer size — no panic, and the
//! stream does not depend on how it was cut into frames.

use proptest::prelude::*;
use sipvoice_core::codec::g722::{G722Decoder, G722Encoder, G722Mode};
use sipvoice_core::codec::{Codec, Decoder, Encoder};

fn codec() -> impl Strategy<Value = Codec> {
    prop_oneof![Just(Codec::G722), Just(Codec::Pcmu), Just(Codec::Pcma)]
}

proptest! {
    #[test]
    fn g722_encoding_does_not_depend_on_framing(
        pcm in prop::collection::vec(any::<i16>(), 0..2000),
        cuts in prop::collection::vec(0usize..400, 0..20),
    ) {
        let mut whole = vec![0u8; pcm.len() / 2];
        let n = G722Encoder::new().encode(&pcm, &mut whole);
        prop_assert_eq!(n, pcm.len() / 2);

        let mut enc = G722Encoder::new();
        let mut pieces = Vec::new();
        let mut rest = &pcm[..];
        for cut in cuts.into_iter().chain([usize::MAX]) {
            let (now, later) = rest.split_at(cut.min(rest.len()));
            let mut out = vec![0u8; now.len() / 2 + 1];
            let k = enc.encode(now, &mut out);
            pieces.extend_from_slice(&out[..k]);
            rest = later;
        }
        prop_assert_eq!(pieces, whole);
    }

    #[test]
    fn g722_decoding_does_not_depend_on_framing(
        payload in prop::collection::vec(any::<u8>(), 0..1000),
        cut in 1usize..300,
        mode in prop_oneof![Just(G722Mode::Kbps64), Just(G722Mode::Kbps56), Just(G722Mode::Kbps48)],
    ) {
        let mut whole = vec![0i16; payload.len() * 2];
        prop_assert_eq!(G722Decoder::with_mode(mode).decode(&payload, &mut whole), whole.len());
        let mut dec = G722Decoder::with_mode(mode);
        let mut pieces = Vec::new();
        for chunk in payload.chunks(cut) {
            let mut out = vec![0i16; chunk.len() * 2];
            let k = dec.decode(chunk, &mut out);
            pieces.extend_from_slice(&out[..k]);
        }
        prop_assert_eq!(pieces, whole);
    }

    #[test]
    fn any_buffers_never_panic_or_overrun(
        codec in codec(),
        pcm in prop::collection::vec(any::<i16>(), 0..700),
        payload in prop::collection::vec(any::<u8>(), 0..400),
        out_bytes in 0usize..400,
        out_samples in 0usize..700,
    ) {
        let mut enc = Encoder::new(codec);
        let mut out = vec![0xAAu8; out_bytes + 8];
        let n = enc.encode(&pcm, &mut out[..out_bytes]);
        prop_assert!(n <= out_bytes);
        prop_assert!(out[out_bytes..].iter().all(|&b| b == 0xAA));

        let mut dec = Decoder::new(codec);
        let mut pcm_out = vec![0x5555i16; out_samples + 8];
        let n = dec.decode(&payload, &mut pcm_out[..out_samples]);
        prop_assert!(n <= out_samples);
        prop_assert!(n <= payload.len() * codec.samples_per_byte());
        prop_assert!(pcm_out[out_samples..].iter().all(|&s| s == 0x5555));
    }
}
