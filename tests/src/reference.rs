//! Reference decodes of the kit's prompt, made by third-party tools (spandsp for G.722,
//! sox's G.711 tables), to compare `--record` output with sample for sample.

use std::path::{Path, PathBuf};

fn codec_data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/data/codec")
        .join(name)
}

fn s16le(bytes: &[u8]) -> Vec<i16> {
    bytes
        .chunks_exact(2)
        .map(|c| i16::from_le_bytes([c[0], c[1]]))
        .collect()
}

/// spandsp's 16 kHz decode of `peers/media/prompt_8s.g722` (what SIPp's `g722_8s.pcap` carries).
pub fn g722_prompt_reference() -> Vec<i16> {
    s16le(&std::fs::read(codec_data("prompt_8s_spandsp.s16")).expect("prompt_8s_spandsp.s16"))
}

/// The 8 kHz decode of `peers/media/prompt_8s.ulaw` (`alaw = false`) or `.alaw` (what
/// `pcmu_8s.pcap` / `pcma_8s.pcap` carry), through sox's decode table.
pub fn g711_prompt_reference(alaw: bool) -> Vec<i16> {
    let (table, media) = if alaw {
        ("g711_alaw_decode.s16", "media/prompt_8s.alaw")
    } else {
        ("g711_ulaw_decode.s16", "media/prompt_8s.ulaw")
    };
    let table = s16le(&std::fs::read(codec_data(table)).expect("G.711 table"));
    let codes = std::fs::read(crate::peers_file(media)).expect("G.711 prompt");
    codes
        .iter()
        .map(|&c| table.get(usize::from(c)).copied().unwrap_or(0))
        .collect()
}

/// Where `needle` first occurs in `haystack` as a contiguous run.
pub fn find_samples(haystack: &[i16], needle: &[i16]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// How well second 1–2 of the kit's prompt (`peers/media/prompt_8s_16k.wav`, the WAV the
/// tests play) is found in a 16 kHz recording: the best normalised cross-correlation.
/// Through G.722 one way or both ways it stays above 0.9; unrelated audio is far below.
pub fn prompt_similarity(recording: &crate::WavInfo) -> f64 {
    let prompt = crate::WavInfo::read(&crate::peers_file("media/prompt_8s_16k.wav"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(recording.sample_rate, 16_000, "a 16 kHz recording");
    let c = best_match(&recording.samples, &prompt.samples[16_000..32_000]).map_or(0.0, |(_, c)| c);
    eprintln!(
        "prompt similarity {c:.4} ({:.2} s recorded)",
        recording.seconds()
    );
    c
}

/// Where `probe` best matches inside `signal` and how well: the offset and the
/// normalised cross-correlation there (1.0 identical up to gain, ~0 unrelated).
///
/// A coarse search on 4x decimated signals, then a fine one at full rate around the
/// coarse peak; `None` when `signal` is shorter than `probe` or either is silent.
pub fn best_match(signal: &[i16], probe: &[i16]) -> Option<(usize, f64)> {
    if probe.is_empty() || signal.len() < probe.len() {
        return None;
    }
    let dec = |x: &[i16]| -> Vec<f64> {
        x.chunks_exact(4)
            .map(|c| c.iter().map(|&s| f64::from(s)).sum::<f64>() / 4.0)
            .collect()
    };
    let (ds, dp) = (dec(signal), dec(probe));
    let coarse = (0..=ds.len().saturating_sub(dp.len()))
        .filter_map(|o| ncc(&ds[o..o + dp.len()], &dp).map(|c| (o, c)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let full = |x: &[i16]| -> Vec<f64> { x.iter().map(|&s| f64::from(s)).collect() };
    let (fs, fp) = (full(signal), full(probe));
    let center = coarse.0 * 4;
    let lo = center.saturating_sub(8);
    let hi = (center + 8).min(fs.len() - fp.len());
    (lo..=hi)
        .filter_map(|o| ncc(&fs[o..o + fp.len()], &fp).map(|c| (o, c)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

fn ncc(a: &[f64], b: &[f64]) -> Option<f64> {
    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (&x, &y) in a.iter().zip(b) {
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    (aa > 0.0 && bb > 0.0).then(|| ab / (aa * bb).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_have_the_prompt_length_and_are_not_silent() {
        let g722 = g722_prompt_reference();
        assert_eq!(g722.len(), 128_000, "8 s at 16 kHz");
        let ulaw = g711_prompt_reference(false);
        let alaw = g711_prompt_reference(true);
        assert_eq!(ulaw.len(), 64_000, "8 s at 8 kHz");
        assert_eq!(alaw.len(), 64_000);
        assert!(g722.iter().any(|&s| s.abs() > 1000));
        // Two encodings of one signal decode to nearly the same samples.
        let diff: i64 = ulaw
            .iter()
            .zip(&alaw)
            .map(|(&a, &b)| (i64::from(a) - i64::from(b)).abs())
            .sum::<i64>()
            / 64_000;
        assert!(diff < 200, "mean |ulaw - alaw| = {diff}");
    }

    #[test]
    fn the_prompt_is_found_in_a_delayed_attenuated_copy() {
        let prompt = g722_prompt_reference();
        let probe = &prompt[16_000..32_000];
        let mut delayed = vec![0i16; 5_003];
        delayed.extend(prompt.iter().map(|&s| s / 2));
        let (offset, c) = best_match(&delayed, probe).unwrap();
        assert_eq!(offset, 5_003 + 16_000);
        assert!(c > 0.999, "{c}");
        // Unrelated audio (another second of the prompt) correlates poorly.
        let (_, c) = best_match(&prompt[48_000..64_000], &prompt[16_000..24_000]).unwrap();
        assert!(c < 0.6, "{c}");
        assert_eq!(best_match(&[0; 10], &[1; 20]), None);
        assert_eq!(best_match(&[0; 40], &[1; 20]), None);
    }

    #[test]
    fn samples_are_found_at_their_offset_only() {
        let hay = [0i16, 0, 5, 6, 7, 0];
        assert_eq!(find_samples(&hay, &[5, 6, 7]), Some(2));
        assert_eq!(find_samples(&hay, &[5, 7]), None);
        assert_eq!(find_samples(&hay, &[]), Some(0));
        assert_eq!(find_samples(&[1], &[1, 2]), None);
    }
}
