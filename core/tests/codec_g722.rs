//! G.722 against the ITU-T STL test vectors (`shared/testdata/g722/`) and the spandsp
//! decode of a real G.722 prompt, streamed in 20 ms frames so that every check also
//! proves the codec state carries over from frame to frame.

use sipvoice_core::codec::g722::{G722Decoder, G722Encoder, G722Mode};
use sipvoice_core::codec::{Codec, Decoder, Encoder};

fn shared(path: &str) -> Vec<u8> {
    let full = format!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/{}"),
        path
    );
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn s16le(bytes: &[u8]) -> Vec<i16> {
    bytes
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

/// The STL input speech, 16 kHz.
fn input() -> Vec<i16> {
    s16le(&shared("testdata/g722/inpsp.bin"))
}

/// The STL 64 kbit/s code words: the low byte of each 16-bit LE word of codspw.cod.
fn reference_codes() -> Vec<u8> {
    shared("testdata/g722/codspw.cod")
        .chunks_exact(2)
        .map(|w| w[0])
        .collect()
}

fn encode_in_frames(pcm: &[i16], frame: usize) -> Vec<u8> {
    let mut enc = G722Encoder::new();
    let mut codes = Vec::with_capacity(pcm.len() / 2);
    let mut buf = vec![0u8; frame.div_ceil(2)];
    for chunk in pcm.chunks(frame) {
        let n = enc.encode(chunk, &mut buf);
        codes.extend_from_slice(&buf[..n]);
    }
    codes
}

fn decode_in_frames(mut dec: G722Decoder, codes: &[u8], frame: usize) -> Vec<i16> {
    let mut pcm = Vec::with_capacity(codes.len() * 2);
    let mut buf = vec![0i16; frame * 2];
    for chunk in codes.chunks(frame) {
        let n = dec.decode(chunk, &mut buf);
        assert_eq!(n, chunk.len() * 2);
        pcm.extend_from_slice(&buf[..n]);
    }
    pcm
}

fn first_difference<T: PartialEq + Copy + std::fmt::Debug>(ours: &[T], reference: &[T]) -> String {
    match ours.iter().zip(reference).position(|(a, b)| a != b) {
        Some(i) => format!(
            "first difference at {i}: ours {:?}, reference {:?}",
            ours[i], reference[i]
        ),
        None => format!("lengths {} vs {}", ours.len(), reference.len()),
    }
}

fn assert_same<T: PartialEq + Copy + std::fmt::Debug>(what: &str, ours: &[T], reference: &[T]) {
    assert!(
        ours == reference,
        "{what}: {}",
        first_difference(ours, reference)
    );
}

#[test]
fn encoder_reproduces_the_stl_code_words() {
    let pcm = input();
    let want = reference_codes();
    assert_eq!(want.len(), 48768);
    // 20 ms frames, as in RTP.
    assert_same(
        "encode, 320-sample frames",
        &encode_in_frames(&pcm, 320),
        &want,
    );
}

#[test]
fn encoder_is_independent_of_frame_boundaries() {
    let pcm = input();
    let want = reference_codes();
    // Odd frame sizes make the encoder carry a lone sample across calls.
    for frame in [1, 7, 161, 4001, pcm.len()] {
        assert_same(
            &format!("encode, {frame}-sample frames"),
            &encode_in_frames(&pcm, frame),
            &want,
        );
    }
}

#[test]
fn decoder_reproduces_the_stl_output_at_64k() {
    let want = s16le(&shared("testdata/g722/outsp1.bin"));
    let ours = decode_in_frames(G722Decoder::new(), &reference_codes(), 160);
    assert_same("decode 64 kbit/s", &ours, &want);
    let ours = decode_in_frames(G722Decoder::new(), &reference_codes(), 33);
    assert_same("decode 64 kbit/s, 33-byte payloads", &ours, &want);
}

#[test]
fn decoder_reproduces_the_stl_output_at_56k_and_48k() {
    let codes = reference_codes();
    for (rate, file, bits) in [(56_000, "outsp2.bin", 7u32), (48_000, "outsp3.bin", 6)] {
        let want = s16le(&shared(&format!("testdata/g722/{file}")));
        let dec = G722Decoder::with_bit_rate(rate).expect("supported rate");
        assert_eq!(dec.mode().bit_rate(), rate);
        // The full octets, the lower sub-band's unused LSBs still present.
        let ours = decode_in_frames(dec, &codes, 160);
        assert_same(&format!("decode {rate}"), &ours, &want);

        // As spandsp's check drives it: each code word repacked to 7 or 6 bits
        // (higher sub-band above the kept lower sub-band bits), here unpacked again
        // with the dropped bits zeroed, so they cannot leak into the output.
        let drop = 8 - bits;
        let low_mask = (1u8 << (6 - drop)) - 1;
        let unpacked: Vec<u8> = codes
            .iter()
            .map(|&c| ((c >> 6) << (6 - drop)) | ((c & 63) >> drop))
            .map(|p| ((p >> (6 - drop)) << 6) | ((p & low_mask) << drop))
            .collect();
        assert_ne!(unpacked, codes);
        let ours = decode_in_frames(G722Decoder::with_bit_rate(rate).unwrap(), &unpacked, 160);
        assert_same(&format!("decode {rate}, repacked codes"), &ours, &want);
    }
    assert!(G722Decoder::with_bit_rate(32_000).is_none());
    assert_eq!(G722Mode::from_bit_rate(64_000), Some(G722Mode::Kbps64));
}

#[test]
fn decoder_matches_spandsp_on_the_asterisk_prompt() {
    let payload = shared("peers/media/prompt_8s.g722");
    let want = s16le(include_bytes!("data/codec/prompt_8s_spandsp.s16"));
    assert_eq!(want.len(), 2 * payload.len());
    // Through the codec-independent API, 160-byte RTP payloads.
    let mut dec = Decoder::new(Codec::G722);
    let mut ours = Vec::with_capacity(want.len());
    let mut frame = [0i16; 320];
    for chunk in payload.chunks(Codec::G722.payload_bytes(20)) {
        let n = dec.decode(chunk, &mut frame);
        ours.extend_from_slice(&frame[..n]);
    }
    assert_same("prompt decode vs spandsp", &ours, &want);

    // The kit's 16 kHz WAV is ffmpeg's decode of the same bitstream: same samples.
    let wav = shared("peers/media/prompt_8s_16k.wav");
    let data = wav
        .windows(4)
        .position(|w| w == b"data")
        .expect("data chunk")
        + 8;
    assert_same("prompt decode vs ffmpeg WAV", &ours, &s16le(&wav[data..]));
}

#[test]
fn re_encoding_the_decoded_prompt_tracks_the_original() {
    // Tandem coding loses little: decode, encode again, decode again.
    let payload = shared("peers/media/prompt_8s.g722");
    let pcm = decode_in_frames(G722Decoder::new(), &payload, 160);
    let mut enc = Encoder::new(Codec::G722);
    let mut again = vec![0u8; payload.len()];
    assert_eq!(enc.encode(&pcm, &mut again), payload.len());
    let pcm2 = decode_in_frames(G722Decoder::new(), &again, 160);
    // The QMF pair delays the signal by a few samples: compare at the best lag.
    let snr_at = |lag: usize| {
        let (mut energy, mut noise) = (0f64, 0f64);
        for (&a, &b) in pcm.iter().zip(&pcm2[lag..]) {
            energy += f64::from(a).powi(2);
            noise += (f64::from(a) - f64::from(b)).powi(2);
        }
        10.0 * (energy / noise).log10()
    };
    let (lag, snr) = (0..48)
        .map(|lag| (lag, snr_at(lag)))
        .fold((0, f64::MIN), |best, x| if x.1 > best.1 { x } else { best });
    assert_eq!(lag, 22, "codec delay (two 24-tap QMFs)");
    assert!(snr > 30.0, "tandem SNR {snr:.1} dB");
}

#[test]
fn silence_encodes_like_spandsp() {
    // The idle channel is not all one code word: the predictor keeps moving.
    let want = include_bytes!("data/codec/silence_1s_spandsp.g722");
    let ours = encode_in_frames(&[0i16; 16000], 320);
    assert_same("1 s of silence", &ours, want);
}

#[test]
fn arbitrary_bytes_decode_without_panicking() {
    let mut dec = G722Decoder::new();
    let noise: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let mut out = vec![0i16; noise.len() * 2];
    assert_eq!(dec.decode(&noise, &mut out), out.len());
    // And full-scale square waves through the encoder.
    let square: Vec<i16> = (0..100_000)
        .map(|i| if (i / 5) % 2 == 0 { i16::MAX } else { i16::MIN })
        .collect();
    let mut codes = vec![0u8; square.len() / 2];
    assert_eq!(G722Encoder::new().encode(&square, &mut codes), codes.len());
}
