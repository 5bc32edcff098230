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
    fn samples_are_found_at_their_offset_only() {
        let hay = [0i16, 0, 5, 6, 7, 0];
        assert_eq!(find_samples(&hay, &[5, 6, 7]), Some(2));
        assert_eq!(find_samples(&hay, &[5, 7]), None);
        assert_eq!(find_samples(&hay, &[]), Some(0));
        assert_eq!(find_samples(&[1], &[1, 2]), None);
    }
}
