//! What RTP-only analysis reports: streams, their statistics and DTMF digits.

use std::net::SocketAddr;
use std::time::Duration;

use sipvoice_core::codec::Codec;

/// Identifies one RTP stream: who sent it to whom, and its SSRC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamKey {
    /// Source address.
    pub src: SocketAddr,
    /// Destination address.
    pub dst: SocketAddr,
    /// Synchronisation source.
    pub ssrc: u32,
}

/// One DTMF key press found in a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Digit {
    /// `0`–`9`, `*`, `#`, `A`–`D`.
    pub digit: char,
    /// How long the key was held.
    pub duration_ms: u32,
    /// When its first packet arrived (since the capture's start).
    pub at: Duration,
    /// Whether an end packet was received.
    pub end_seen: bool,
}

/// Loss, jitter and playout figures of one stream.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StreamStats {
    /// RTP packets of the stream (audio, events and other payload types).
    pub packets: u64,
    /// Audio packets of the decoded payload type.
    pub audio_packets: u64,
    /// Telephone-event packets.
    pub event_packets: u64,
    /// Packets of other payload types (not decoded).
    pub other_packets: u64,
    /// Packets expected from the sequence numbers (RFC 3550 A.3).
    pub expected: u64,
    /// Packets lost: expected minus received, never negative.
    pub lost: u64,
    /// Duplicate packets.
    pub duplicates: u64,
    /// Interarrival jitter of the audio in ms (RFC 3550 A.8).
    pub jitter_ms: f64,
    /// Frames decoded from received packets.
    pub frames_played: u64,
    /// Frames synthesised by loss concealment.
    pub frames_concealed: u64,
    /// Packets that arrived after their playout slot.
    pub late: u64,
}

/// Everything found in one stream.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamReport {
    /// The stream.
    pub key: StreamKey,
    /// The decoded codec, if the stream carried audio we know.
    pub codec: Option<Codec>,
    /// The audio payload type decoded.
    pub audio_pt: Option<u8>,
    /// The telephone-event payload type seen.
    pub event_pt: Option<u8>,
    /// Packet time in ms (from the first audio payload's size).
    pub ptime_ms: u32,
    /// First packet (since the capture's start).
    pub first_at: Duration,
    /// Last packet.
    pub last_at: Duration,
    /// Loss, jitter and playout figures.
    pub stats: StreamStats,
    /// DTMF key presses, in order.
    pub digits: Vec<Digit>,
    /// The decoded audio (16-bit mono at `sample_rate`), concealment included.
    pub pcm: Vec<i16>,
    /// Sample rate of `pcm` (0 without audio).
    pub sample_rate: u32,
}

impl StreamReport {
    /// The digits as a string, e.g. `"123#"`.
    pub fn digit_string(&self) -> String {
        self.digits.iter().map(|d| d.digit).collect()
    }

    /// Length of the decoded audio.
    pub fn audio_duration(&self) -> Duration {
        if self.sample_rate == 0 {
            return Duration::ZERO;
        }
        Duration::from_secs_f64(self.pcm.len() as f64 / f64::from(self.sample_rate))
    }

    /// A file name stem naming the stream: `10.0.2.15_17472-10.0.2.20_6000-043daaba`.
    pub fn file_stem(&self) -> String {
        let addr = |a: SocketAddr| format!("{}_{}", a.ip(), a.port()).replace(':', ".");
        format!(
            "{}-{}-{:08x}",
            addr(self.key.src),
            addr(self.key.dst),
            self.key.ssrc
        )
    }

    /// One summary line for reports.
    pub fn summary(&self) -> String {
        let s = &self.stats;
        let codec = self.codec.map_or("-", |c| c.encoding_name());
        format!(
            "{} → {} ssrc={:08x} {codec} ptime={}ms packets={} audio={} events={} lost={} dup={} jitter={:.2}ms concealed={} late={} audio_s={:.2} digits={:?}",
            self.key.src,
            self.key.dst,
            self.key.ssrc,
            self.ptime_ms,
            s.packets,
            s.audio_packets,
            s.event_packets,
            s.lost,
            s.duplicates,
            s.jitter_ms,
            s.frames_concealed,
            s.late,
            self.audio_duration().as_secs_f64(),
            self.digit_string(),
        )
    }
}

/// The result of RTP-only analysis.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RtpAnalysis {
    /// Streams in order of their first packet.
    pub streams: Vec<StreamReport>,
    /// RTCP packets seen (not analysed further).
    pub rtcp_packets: u64,
    /// Datagrams that looked like RTP but did not parse.
    pub malformed_rtp: u64,
}

impl RtpAnalysis {
    /// The streams that carried any DTMF, digits concatenated in order of arrival.
    pub fn all_digits(&self) -> String {
        let mut digits: Vec<&Digit> = self.streams.iter().flat_map(|s| &s.digits).collect();
        digits.sort_by_key(|d| d.at);
        digits.iter().map(|d| d.digit).collect()
    }
}
