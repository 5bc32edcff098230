//! G.711 against reference tables made by the ITU-T G.191 tools and sox
//! (`tests/data/codec/README.md` says how): every 16-bit input and every code word.

use sipvoice_core::codec::g711::{alaw_to_linear, linear_to_alaw, linear_to_ulaw, ulaw_to_linear};
use sipvoice_core::codec::{Codec, Decoder, Encoder};

const ULAW_ENCODE: &[u8] = include_bytes!("data/codec/g711_ulaw_encode.u8");
const ALAW_ENCODE: &[u8] = include_bytes!("data/codec/g711_alaw_encode.u8");
const ULAW_DECODE: &[u8] = include_bytes!("data/codec/g711_ulaw_decode.s16");
const ALAW_DECODE: &[u8] = include_bytes!("data/codec/g711_alaw_decode.s16");

fn s16le(bytes: &[u8]) -> Vec<i16> {
    bytes
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

fn all_inputs() -> Vec<i16> {
    (i16::MIN..=i16::MAX).collect()
}

fn assert_encode_table(name: &str, table: &[u8], f: fn(i16) -> u8) {
    assert_eq!(table.len(), 65536, "{name} table size");
    let mismatches: Vec<(i16, u8, u8)> = all_inputs()
        .into_iter()
        .zip(table)
        .filter(|&(s, &want)| f(s) != want)
        .map(|(s, &want)| (s, f(s), want))
        .collect();
    assert!(
        mismatches.is_empty(),
        "{name}: {} of 65536 inputs differ, first (input, ours, reference): {:?}",
        mismatches.len(),
        &mismatches[..mismatches.len().min(8)]
    );
}

fn assert_decode_table(name: &str, table: &[u8], f: fn(u8) -> i16) {
    let want = s16le(table);
    assert_eq!(want.len(), 256, "{name} table size");
    for code in 0..=255u8 {
        assert_eq!(f(code), want[usize::from(code)], "{name} code {code:#04x}");
    }
}

#[test]
fn ulaw_encodes_every_input_like_the_itu_reference() {
    assert_encode_table("µ-law", ULAW_ENCODE, linear_to_ulaw);
}

#[test]
fn alaw_encodes_every_input_like_the_itu_reference() {
    assert_encode_table("A-law", ALAW_ENCODE, linear_to_alaw);
}

#[test]
fn ulaw_decodes_every_code_word_like_sox() {
    assert_decode_table("µ-law", ULAW_DECODE, ulaw_to_linear);
}

#[test]
fn alaw_decodes_every_code_word_like_sox() {
    assert_decode_table("A-law", ALAW_DECODE, alaw_to_linear);
}

#[test]
fn stream_encoder_and_decoder_match_the_tables() {
    let pcm = all_inputs();
    for (codec, enc_table, dec_table) in [
        (Codec::Pcmu, ULAW_ENCODE, ULAW_DECODE),
        (Codec::Pcma, ALAW_ENCODE, ALAW_DECODE),
    ] {
        let mut encoder = Encoder::new(codec);
        let mut decoder = Decoder::new(codec);
        let want_pcm = s16le(dec_table);
        // 20 ms frames through the codec-independent API.
        for (frame, want) in pcm.chunks(160).zip(enc_table.chunks(160)) {
            let mut payload = [0u8; 160];
            let n = encoder.encode(frame, &mut payload);
            assert_eq!(&payload[..n], want);
            let mut out = [0i16; 160];
            assert_eq!(decoder.decode(&payload[..n], &mut out), n);
            for (&code, &s) in payload[..n].iter().zip(&out) {
                assert_eq!(s, want_pcm[usize::from(code)]);
            }
        }
    }
}

#[test]
fn the_peer_prompts_decode_to_plausible_speech() {
    // shared/peers/media/prompt_8s.{ulaw,alaw} were made by sox from the same WAV:
    // decoding both must give nearly the same signal.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/peers/media/");
    let ulaw = std::fs::read(format!("{dir}prompt_8s.ulaw")).expect("prompt_8s.ulaw");
    let alaw = std::fs::read(format!("{dir}prompt_8s.alaw")).expect("prompt_8s.alaw");
    assert_eq!(ulaw.len(), 64000);
    assert_eq!(alaw.len(), 64000);
    let mut u = vec![0i16; ulaw.len()];
    let mut a = vec![0i16; alaw.len()];
    assert_eq!(Decoder::new(Codec::Pcmu).decode(&ulaw, &mut u), 64000);
    assert_eq!(Decoder::new(Codec::Pcma).decode(&alaw, &mut a), 64000);
    let energy: f64 = u.iter().map(|&s| f64::from(s).powi(2)).sum();
    let diff: f64 = u
        .iter()
        .zip(&a)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum();
    assert!(energy > 0.0);
    // Companding noise of both laws stays well below the signal (> 25 dB SNR).
    assert!(10.0 * (energy / diff).log10() > 25.0, "SNR too low");
}
