//! RTP-only mode over real captures: streams grouped by (source, destination, SSRC), audio
//! decoded through the jitter buffer, DTMF digits found once each, per-stream statistics,
//! and the decoded WAV files.

use std::path::Path;
use std::time::Duration;

use sipvoice_core::codec::Codec;
use sipvoice_sim::capture::{Capture, RtpAnalysis, StreamReport, analyse_rtp, write_stream_wavs};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/capture");
const SIPP: &str = "/usr/share/sip-tester";

fn analyse(path: &str) -> RtpAnalysis {
    analyse_rtp(&Capture::open(path).unwrap_or_else(|e| panic!("{path}: {e}")))
}

fn rms(pcm: &[i16]) -> f64 {
    let sum: f64 = pcm.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    (sum / pcm.len().max(1) as f64).sqrt()
}

fn read_wav(path: &Path) -> (u32, Vec<i16>) {
    let mut r = hound::WavReader::open(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let rate = r.spec().sample_rate;
    (rate, r.samples::<i16>().map(Result::unwrap).collect())
}

fn stream_with_ssrc(a: &RtpAnalysis, ssrc: u32) -> &StreamReport {
    a.streams
        .iter()
        .find(|s| s.key.ssrc == ssrc)
        .unwrap_or_else(|| panic!("no stream {ssrc:08x} in {a:#?}"))
}

#[test]
fn sipp_shipped_dtmf_pcaps_give_their_digit_once() {
    let keys = [
        ("0", '0'),
        ("1", '1'),
        ("2", '2'),
        ("3", '3'),
        ("4", '4'),
        ("5", '5'),
        ("6", '6'),
        ("7", '7'),
        ("8", '8'),
        ("9", '9'),
        ("pound", '#'),
        ("star", '*'),
    ];
    for (name, digit) in keys {
        let path = format!("{SIPP}/dtmf_2833_{name}.pcap");
        if !Path::new(&path).exists() {
            println!("skipped: {path} is absent (install the sip-tester package)");
            continue;
        }
        let a = analyse(&path);
        assert_eq!(a.streams.len(), 1, "{path}");
        let s = &a.streams[0];
        assert_eq!(s.digit_string(), digit.to_string(), "{path}");
        assert_eq!(s.event_pt, Some(101), "{path}: learned without SDP");
        assert_eq!(s.codec, None);
        assert_eq!(s.stats.event_packets, 10);
        assert_eq!(s.digits[0].duration_ms, 280, "{path}");
        assert!(s.digits[0].end_seen);
    }
}

#[test]
fn generated_dtmf_pcaps_give_1_2_3_hash() {
    let a = analyse(&format!("{SHARED}/peers/media/dtmf_only_123hash.pcap"));
    assert_eq!(a.all_digits(), "123#");
    let a = analyse(&format!("{SHARED}/peers/media/g722_5s_dtmf_123hash.pcap"));
    assert_eq!(a.streams.len(), 1);
    let s = &a.streams[0];
    assert_eq!(s.digit_string(), "123#");
    assert_eq!(s.codec, Some(Codec::G722));
    assert_eq!(s.stats.lost, 0);
    // Events are not loss: their sequence numbers are skipped by the jitter buffer.
    assert_eq!(s.stats.frames_concealed, 0);
    assert_eq!(s.stats.frames_played, s.stats.audio_packets);
}

#[test]
fn public_capture_with_pt96_events_gives_6789123_in_order_once_each() {
    let a = analyse(&format!("{SHARED}/testdata/captures/SIP_DTMF2.pcap"));
    assert_eq!(a.streams.len(), 2, "{a:#?}");
    let events = stream_with_ssrc(&a, 0x5711_bf84);
    assert_eq!(events.digit_string(), "6789123");
    assert_eq!(events.event_pt, Some(96), "learned from the capture's SDP");
    assert_eq!(events.codec, Some(Codec::Pcma));
    assert_eq!(events.ptime_ms, 30);
    assert_eq!(events.stats.event_packets, 35);
    assert!(
        events
            .digits
            .iter()
            .all(|d| d.end_seen && d.duration_ms == 120)
    );
    assert!(events.digits.windows(2).all(|w| w[0].at < w[1].at));
    let other = stream_with_ssrc(&a, 0x9a7b_5382);
    assert_eq!(other.stats.audio_packets, 665);
    // tshark -z rtp,streams: 2 lost.
    assert_eq!(other.stats.lost, 2);
    assert_eq!(other.digit_string(), "");
    assert!(other.stats.frames_concealed <= 2);
}

#[test]
fn real_g722_call_decodes_to_8_5_seconds_of_speech() {
    let a = analyse(&format!("{SHARED}/testdata/captures/sip-rtp-g722.pcap"));
    assert_eq!(a.streams.len(), 1);
    let s = &a.streams[0];
    assert_eq!(s.key.ssrc, 0x043d_aaba);
    assert_eq!(s.key.dst.to_string(), "10.0.2.20:6000");
    assert_eq!(s.codec, Some(Codec::G722));
    assert_eq!((s.stats.audio_packets, s.stats.lost), (425, 0));
    assert_eq!(s.stats.frames_concealed, 0);
    assert_eq!(s.sample_rate, 16_000);
    assert_eq!(s.pcm.len(), 425 * 320);
    assert_eq!(s.audio_duration(), Duration::from_millis(8500));
    // tshark: max jitter 0.612 ms.
    assert!(s.stats.jitter_ms < 1.0, "{}", s.stats.jitter_ms);
    assert!(
        rms(&s.pcm) > 300.0,
        "speech, not silence: rms {}",
        rms(&s.pcm)
    );

    let dir = std::env::temp_dir().join(format!("sipvoice-capture-rtp-{}", std::process::id()));
    let files = write_stream_wavs(&a, &dir).unwrap();
    assert_eq!(files.len(), 1);
    assert!(files[0].ends_with("10.0.2.15_17472-10.0.2.20_6000-043daaba.wav"));
    let (rate, pcm) = read_wav(&files[0]);
    assert_eq!(rate, 16_000);
    assert_eq!(pcm, s.pcm);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn g722_pcap_decodes_bit_exact_to_the_reference_wav() {
    // prompt_8s_16k.wav is ffmpeg's decode of the same bitstream; ffmpeg, spandsp and the
    // ITU-T vectors agree bit for bit, and so does the core's decoder.
    let a = analyse(&format!("{SHARED}/peers/media/g722_8s.pcap"));
    let s = &a.streams[0];
    let (rate, reference) = read_wav(Path::new(&format!(
        "{SHARED}/peers/media/prompt_8s_16k.wav"
    )));
    assert_eq!(rate, 16_000);
    assert_eq!(s.pcm.len(), reference.len());
    assert!(
        s.pcm == reference,
        "decoded audio differs from the reference"
    );
}

#[test]
fn g711_pcaps_decode_close_to_the_8k_reference() {
    let (_, reference) = read_wav(Path::new(&format!("{SHARED}/peers/media/prompt_8s_8k.wav")));
    for (file, codec) in [("pcmu_8s.pcap", Codec::Pcmu), ("pcma_8s.pcap", Codec::Pcma)] {
        let a = analyse(&format!("{SHARED}/peers/media/{file}"));
        let s = &a.streams[0];
        assert_eq!(s.codec, Some(codec));
        assert_eq!(s.pcm.len(), 64_000, "{file}: 8 s at 8 kHz");
        let noise: Vec<i16> = s
            .pcm
            .iter()
            .zip(&reference)
            .map(|(&a, &b)| a.saturating_sub(b))
            .collect();
        let snr = 20.0 * (rms(&reference) / rms(&noise).max(1.0)).log10();
        assert!(snr > 30.0, "{file}: SNR {snr:.1} dB");
    }
}

#[test]
fn sipp_g722_call_has_three_streams_and_the_caller_digits() {
    let a = analyse(&format!("{DATA}/sipp_g722_call_dtmf_sll2.pcapng"));
    assert_eq!(a.streams.len(), 3, "{a:#?}");
    let events = stream_with_ssrc(&a, 0x3333_4733);
    assert_eq!(events.digit_string(), "123#");
    assert_eq!(events.key.dst.port(), 26000);
    let to_callee = a
        .streams
        .iter()
        .find(|s| s.key.ssrc == 0x2222_0009 && s.key.dst.port() == 26000)
        .unwrap();
    let to_caller = a
        .streams
        .iter()
        .find(|s| s.key.ssrc == 0x2222_0009 && s.key.dst.port() == 16000)
        .unwrap();
    for s in [to_callee, to_caller] {
        assert_eq!(s.codec, Some(Codec::G722));
        assert_eq!(s.stats.audio_packets, 400);
        assert_eq!(s.stats.lost, 0);
        assert_eq!(s.audio_duration(), Duration::from_secs(8));
    }
}

#[test]
fn sipp_g711a_pcap_decodes_to_7_seconds() {
    let path = format!("{SIPP}/g711a.pcap");
    if !Path::new(&path).exists() {
        println!("skipped: {path} is absent");
        return;
    }
    let a = analyse(&path);
    let s = &a.streams[0];
    assert_eq!(s.codec, Some(Codec::Pcma));
    assert_eq!(s.ptime_ms, 30);
    assert_eq!(s.stats.audio_packets, 236);
    assert_eq!(s.pcm.len(), 236 * 240);
    assert!(rms(&s.pcm) > 100.0);
}
