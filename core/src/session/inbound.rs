//! The receive path of a session: accepted RTP into the jitter buffer, decoding with loss
//! concealment, and RFC 4733 events into one report per key press.

use std::time::{Duration, Instant};

use bytes::Bytes;

use super::negotiated::Negotiated;
use super::outputs::Outputs;
use super::types::{MediaEvent, MediaOutput, SessionConfig};
use crate::codec::{Codec, Decoder};
use crate::media::{
    AudioPacket, Concealer, DtmfReceiver, DtmfRxConfig, EventPayload, JitterBuffer, JitterConfig,
    JitterStats, Playout, Pushed, ReceiveStats, ReportBlock, RtpEventInput, RtpPacket, seq_newer,
};

/// Most packets the jitter buffer holds (about 80 s at 20 ms), whatever the configuration.
const MAX_JITTER_CAPACITY: usize = 4096;
/// Longest frame decoded (120 ms at 16 kHz); longer payloads are cut.
const MAX_FRAME_SAMPLES: usize = 1920;

/// Receive-side state of one call.
#[derive(Debug)]
pub(super) struct Inbound {
    codec: Codec,
    clock_rate: u32,
    jitter: JitterBuffer,
    decoder: Decoder,
    concealer: Concealer,
    dtmf: DtmfReceiver,
    /// RFC 3550 statistics of the current audio SSRC.
    stats: ReceiveStats,
    stats_ssrc: Option<u32>,
    /// Highest sequence number fed to `stats`: `ReceiveStats` counts a repeat of its highest
    /// packet as new, so such repeats are kept from it here.
    stats_highest: Option<u16>,
    /// Loss counted on earlier SSRCs of the call.
    lost_before: u64,
    /// Accepted packets and payload bytes (audio and events).
    pub(super) packets: u64,
    pub(super) bytes: u64,
    pub(super) frames_concealed: u64,
    pub(super) dtmf_received: u64,
    /// Whether the negotiated direction lets us receive (play out and report).
    playing: bool,
}

/// The session's jitter buffer options, kept compact: the capacity already within
/// 1..=4096 packets, the prefetch within the capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct JitterSettings {
    capacity: u16,
    prefetch: u16,
    skip_audio_gaps: bool,
}

impl From<&SessionConfig> for JitterSettings {
    fn from(config: &SessionConfig) -> Self {
        let capacity = config.jitter_capacity.clamp(1, MAX_JITTER_CAPACITY);
        let prefetch = config.jitter_prefetch.min(capacity);
        Self {
            capacity: u16::try_from(capacity).unwrap_or(MAX_JITTER_CAPACITY as u16),
            prefetch: u16::try_from(prefetch).unwrap_or(MAX_JITTER_CAPACITY as u16),
            skip_audio_gaps: config.skip_audio_gaps,
        }
    }
}

/// The jitter buffer settings for a stream: the session's options, the negotiated packet
/// time and clock, a loss wait of one ptime (at least 20 ms), and the adaptive maximum.
/// The capacity is kept within 1..=4096 packets (the buffer reserves it up front).
pub(super) fn jitter_config(
    settings: JitterSettings,
    media: &Negotiated,
    adaptive_max_delay: Option<Duration>,
) -> JitterConfig {
    let capacity = usize::from(settings.capacity).clamp(1, MAX_JITTER_CAPACITY);
    let ptime_ms = media.ptime.clamp(1, 1000);
    JitterConfig {
        capacity,
        prefetch: usize::from(settings.prefetch).min(capacity),
        skip_audio_gaps: settings.skip_audio_gaps,
        ptime_ms,
        clock_rate: media.clock_rate.max(1),
        delay: Duration::from_millis(u64::from(ptime_ms.max(20))),
        adaptive_max_delay,
        ..JitterConfig::default()
    }
}

impl Inbound {
    /// A receive path for `codec` with this jitter buffer configuration.
    #[inline]
    pub(super) fn new(codec: Codec, config: JitterConfig, playing: bool) -> Self {
        // `jitter_config` only builds valid settings; the default is the fallback regardless.
        let jitter = match JitterBuffer::new(config)
            .or_else(|_| JitterBuffer::new(JitterConfig::default()))
        {
            Ok(buffer) => buffer,
            Err(_) => unreachable!("the default jitter buffer configuration is valid"),
        };
        Self {
            codec,
            clock_rate: config.clock_rate,
            jitter,
            decoder: Decoder::new(codec),
            concealer: Concealer::new(codec.sample_rate()),
            dtmf: DtmfReceiver::new(DtmfRxConfig {
                clock_rate: config.clock_rate,
                ..DtmfRxConfig::for_ptime(Duration::from_millis(u64::from(config.ptime_ms)))
            }),
            stats: ReceiveStats::new(config.clock_rate),
            stats_ssrc: None,
            stats_highest: None,
            lost_before: 0,
            packets: 0,
            bytes: 0,
            frames_concealed: 0,
            dtmf_received: 0,
            playing,
        }
    }

    /// Switches to another codec (renegotiation): new decoder, concealer and buffer.
    pub(super) fn set_codec(&mut self, codec: Codec, config: JitterConfig) {
        if codec == self.codec && config == *self.jitter.config() {
            return;
        }
        *self = Self {
            lost_before: self.lost_total(),
            packets: self.packets,
            bytes: self.bytes,
            frames_concealed: self.frames_concealed,
            dtmf_received: self.dtmf_received,
            ..Self::new(codec, config, self.playing)
        };
    }

    /// Starts or stops playout; a resumed stream starts afresh in the jitter buffer.
    pub(super) fn set_playing(&mut self, playing: bool) {
        if playing && !self.playing {
            self.jitter.reset();
            self.concealer.reset();
        }
        self.playing = playing;
    }

    /// Counts an accepted packet; those of the audio SSRC also in the RFC 3550 statistics.
    ///
    /// An event packet on the audio SSRC keeps the press's start timestamp in every update;
    /// its media time is the start plus the duration so far, less one frame (the timestamp an
    /// audio packet sent at that moment would carry), so events do not show as jitter.
    fn count(&mut self, now: Instant, packet: &RtpPacket<'_>, audio: bool) {
        self.packets += 1;
        self.bytes += packet.payload().len() as u64;
        let ssrc = packet.ssrc();
        if audio && self.stats_ssrc != Some(ssrc) {
            self.lost_before = self.lost_total();
            self.stats = ReceiveStats::new(self.clock_rate);
            self.stats_ssrc = Some(ssrc);
            self.stats_highest = None;
        }
        let seq = packet.sequence();
        if self.stats_ssrc != Some(ssrc) || self.stats_highest == Some(seq) {
            return;
        }
        if self.stats_highest.is_none_or(|h| seq_newer(seq, h)) {
            self.stats_highest = Some(seq);
        }
        let timestamp = if audio {
            packet.timestamp()
        } else {
            let elapsed = EventPayload::parse(packet.payload()).map_or(0, |e| {
                u32::from(e.duration).saturating_sub(self.jitter.samples_per_frame())
            });
            packet.timestamp().wrapping_add(elapsed)
        };
        self.stats
            .on_packet(now, seq, timestamp, packet.payload().len());
    }

    /// An accepted audio packet: buffered, then whatever is due is played out.
    #[inline]
    pub(super) fn on_audio(
        &mut self,
        now: Instant,
        packet: &RtpPacket<'_>,
        data: &Bytes,
        out: &mut Outputs,
    ) {
        self.count(now, packet, true);
        if !self.playing {
            return;
        }
        let pushed = self.jitter.push(
            now,
            AudioPacket {
                seq: packet.sequence(),
                timestamp: packet.timestamp(),
                ssrc: packet.ssrc(),
                marker: packet.marker(),
                payload: packet.payload_bytes(data),
            },
        );
        if pushed == Pushed::Restarted {
            self.decoder.reset();
            self.concealer.reset();
        }
        self.drain(now, out);
    }

    /// An accepted telephone-event packet.
    pub(super) fn on_event(&mut self, now: Instant, packet: &RtpPacket<'_>, out: &mut Outputs) {
        self.count(now, packet, false);
        if !self.playing {
            return;
        }
        // Events on the audio SSRC take sequence numbers that are not audio loss.
        self.jitter.skip_seq(packet.ssrc(), packet.sequence());
        self.dtmf.receive(
            now,
            RtpEventInput {
                ssrc: packet.ssrc(),
                seq: packet.sequence(),
                timestamp: packet.timestamp(),
                marker: packet.marker(),
                payload: packet.payload(),
            },
        );
        self.drain(now, out);
    }

    /// Plays out every frame due by `now` and reports finished key presses.
    pub(super) fn drain(&mut self, now: Instant, out: &mut Outputs) {
        while let Some(step) = self.jitter.pop(now) {
            let event = match step {
                Playout::Frame {
                    timestamp, payload, ..
                } => {
                    let len =
                        (payload.len() * self.codec.samples_per_byte()).min(MAX_FRAME_SAMPLES);
                    let mut pcm = vec![0i16; len];
                    let n = self.decoder.decode(&payload, &mut pcm);
                    pcm.truncate(n);
                    self.concealer.on_good_frame(&mut pcm);
                    MediaEvent::Audio {
                        pcm,
                        rtp_timestamp: timestamp,
                        concealed: false,
                    }
                }
                Playout::Conceal { timestamp, .. } => {
                    let ticks = u64::from(self.jitter.samples_per_frame());
                    let samples = ticks * u64::from(self.codec.sample_rate())
                        / u64::from(self.clock_rate.max(1));
                    let len = usize::try_from(samples)
                        .unwrap_or(MAX_FRAME_SAMPLES)
                        .min(MAX_FRAME_SAMPLES);
                    let mut pcm = vec![0i16; len];
                    self.concealer.conceal(&mut pcm);
                    self.frames_concealed += 1;
                    MediaEvent::Audio {
                        pcm,
                        rtp_timestamp: timestamp,
                        concealed: true,
                    }
                }
            };
            out.push_back(MediaOutput::Event(event));
        }
        while let Some(press) = self.dtmf.poll(now) {
            self.dtmf_received += 1;
            out.push_back(MediaOutput::Event(MediaEvent::Dtmf {
                digit: press.digit,
                duration_ms: press.duration_ms,
            }));
        }
    }

    /// When playout or the DTMF end timeout next needs [`Self::drain`].
    pub(super) fn next_deadline(&self) -> Option<Instant> {
        if !self.playing {
            return None;
        }
        match (self.jitter.next_deadline(), self.dtmf.next_deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Packets lost over the whole call (never negative).
    pub(super) fn lost_total(&self) -> u64 {
        self.lost_before + u64::try_from(self.stats.cumulative_lost()).unwrap_or(0)
    }

    /// Interarrival jitter of the current stream in ms.
    pub(super) fn jitter_ms(&self) -> f64 {
        self.stats.jitter_ms()
    }

    /// Jitter buffer counters (late, duplicates, ...).
    pub(super) fn playout_stats(&self) -> JitterStats {
        self.jitter.stats()
    }

    /// Remembers a sender report of the remote audio source (for LSR/DLSR).
    pub(super) fn on_sender_report(&mut self, now: Instant, ssrc: u32, ntp: u64) {
        if self.stats_ssrc == Some(ssrc) {
            self.stats.on_sender_report(now, ntp);
        }
    }

    /// The report block about the remote source, starting a new reporting interval.
    pub(super) fn report_block(&mut self, now: Instant) -> Option<ReportBlock> {
        let ssrc = self.stats_ssrc?;
        (self.stats.received() > 0).then(|| self.stats.report_block(ssrc, now))
    }
}
