//! RTP-only mode: every RTP stream of a capture through the core's jitter buffer, codec
//! decoder, loss concealment and DTMF receiver, at the captured arrival times, with
//! loss and jitter statistics per stream.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use sipvoice_core::codec::{Codec, Decoder};
use sipvoice_core::media::{
    AudioPacket, Concealer, DtmfReceiver, DtmfRxConfig, JitterBuffer, JitterConfig, PacketKind,
    Playout, ReceiveStats, RtpEventInput, RtpPacket, SeqVerdict, classify,
};

use super::read::{Capture, Datagram};
use super::sip_view::{PayloadKind, PayloadMap};
use super::stream_report::{Digit, RtpAnalysis, StreamKey, StreamReport, StreamStats};

/// Analyses every RTP stream of a capture; payload types come from its SDP when present.
pub fn analyse_rtp(capture: &Capture) -> RtpAnalysis {
    let map = PayloadMap::from_datagrams(&capture.datagrams);
    analyse_rtp_with(&capture.datagrams, &map)
}

/// Analyses the RTP streams among `datagrams` with a given payload-type map.
pub fn analyse_rtp_with(datagrams: &[Datagram], map: &PayloadMap) -> RtpAnalysis {
    let epoch = epoch();
    let mut analysis = RtpAnalysis::default();
    let mut index: HashMap<StreamKey, usize> = HashMap::new();
    let mut streams: Vec<StreamState> = Vec::new();
    for d in datagrams {
        let now = epoch + d.at;
        for s in &mut streams {
            s.run_timers(now, epoch);
        }
        match classify(&d.payload) {
            PacketKind::Rtcp => {
                analysis.rtcp_packets += 1;
                continue;
            }
            PacketKind::Rtp => {}
            _ => continue,
        }
        let Ok(packet) = RtpPacket::parse(&d.payload) else {
            analysis.malformed_rtp += 1;
            continue;
        };
        let key = StreamKey {
            src: d.src,
            dst: d.dst,
            ssrc: packet.ssrc(),
        };
        let i = *index.entry(key).or_insert_with(|| {
            streams.push(StreamState::new(key, d.at));
            streams.len() - 1
        });
        if let Some(s) = streams.get_mut(i) {
            s.packet(now, epoch, d, &packet, map);
        }
    }
    let end = epoch + datagrams.last().map_or(Duration::ZERO, |d| d.at) + Duration::from_secs(10);
    analysis.streams = streams.into_iter().map(|s| s.finish(end, epoch)).collect();
    analysis
}

/// The origin of the analysis timeline; only differences from it matter.
fn epoch() -> Instant {
    Instant::now()
}

/// Audio decoding state, created at the first audio packet.
#[derive(Debug)]
struct Audio {
    pt: u8,
    codec: Codec,
    ptime_ms: u32,
    jitter: JitterBuffer,
    decoder: Decoder,
    concealer: Concealer,
    stats: ReceiveStats,
}

#[derive(Debug)]
struct StreamState {
    key: StreamKey,
    first_at: Duration,
    last_at: Duration,
    seqs: ReceiveStats,
    audio: Option<Audio>,
    dtmf: Option<DtmfReceiver>,
    event_pt: Option<u8>,
    stats: StreamStats,
    digits: Vec<Digit>,
    pcm: Vec<i16>,
    scratch: Vec<i16>,
}

impl StreamState {
    fn new(key: StreamKey, at: Duration) -> Self {
        Self {
            key,
            first_at: at,
            last_at: at,
            seqs: ReceiveStats::new(8000),
            audio: None,
            dtmf: None,
            event_pt: None,
            stats: StreamStats::default(),
            digits: Vec::new(),
            pcm: Vec::new(),
            scratch: Vec::new(),
        }
    }

    fn packet(
        &mut self,
        now: Instant,
        epoch: Instant,
        d: &Datagram,
        packet: &RtpPacket<'_>,
        map: &PayloadMap,
    ) {
        self.last_at = d.at;
        self.stats.packets += 1;
        let verdict = self.seqs.on_packet(
            now,
            packet.sequence(),
            packet.timestamp(),
            packet.payload().len(),
        );
        if verdict == SeqVerdict::Duplicate {
            self.stats.duplicates += 1;
        }
        let pt = packet.payload_type();
        match map.classify(pt, packet.payload()) {
            PayloadKind::TelephoneEvent => {
                self.stats.event_packets += 1;
                self.event_pt.get_or_insert(pt);
                if let Some(audio) = &mut self.audio {
                    audio.jitter.skip_seq(packet.ssrc(), packet.sequence());
                }
                let ptime = self.audio.as_ref().map_or(20, |a| a.ptime_ms);
                let rx = self.dtmf.get_or_insert_with(|| {
                    DtmfReceiver::new(DtmfRxConfig::for_ptime(Duration::from_millis(u64::from(
                        ptime,
                    ))))
                });
                rx.receive(
                    now,
                    RtpEventInput {
                        ssrc: packet.ssrc(),
                        seq: packet.sequence(),
                        timestamp: packet.timestamp(),
                        marker: packet.marker(),
                        payload: packet.payload(),
                    },
                );
            }
            PayloadKind::Audio(codec) => {
                if self.audio.is_none() {
                    self.audio = start_audio(pt, codec, packet.payload().len());
                }
                match &mut self.audio {
                    Some(audio) if audio.pt == pt => {
                        self.stats.audio_packets += 1;
                        audio.stats.on_packet(
                            now,
                            packet.sequence(),
                            packet.timestamp(),
                            packet.payload().len(),
                        );
                        audio.jitter.push(
                            now,
                            AudioPacket {
                                seq: packet.sequence(),
                                timestamp: packet.timestamp(),
                                ssrc: packet.ssrc(),
                                marker: packet.marker(),
                                payload: packet.payload_bytes(&d.payload),
                            },
                        );
                    }
                    _ => self.stats.other_packets += 1,
                }
            }
            PayloadKind::Other => self.stats.other_packets += 1,
        }
        self.drain(now, epoch);
    }

    /// Fires every deadline up to `now`, in order, as a driver's timer would.
    fn run_timers(&mut self, now: Instant, epoch: Instant) {
        loop {
            let jb = self.audio.as_ref().and_then(|a| a.jitter.next_deadline());
            let rx = self.dtmf.as_ref().and_then(DtmfReceiver::next_deadline);
            let next = match (jb, rx) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => match a.or(b) {
                    Some(t) => t,
                    None => return,
                },
            };
            if next > now {
                return;
            }
            let before = (jb, rx);
            self.drain(next, epoch);
            let after = (
                self.audio.as_ref().and_then(|a| a.jitter.next_deadline()),
                self.dtmf.as_ref().and_then(DtmfReceiver::next_deadline),
            );
            if after == before {
                // A deadline that does not move would loop forever; leave it.
                return;
            }
        }
    }

    fn drain(&mut self, now: Instant, epoch: Instant) {
        if let Some(audio) = &mut self.audio {
            while let Some(step) = audio.jitter.pop(now) {
                let frame = audio.codec.samples_per_frame(audio.ptime_ms);
                match step {
                    Playout::Frame { payload, .. } => {
                        let n = payload.len() * audio.codec.samples_per_byte();
                        self.scratch.resize(n, 0);
                        let got = audio.decoder.decode(&payload, &mut self.scratch);
                        let decoded = self.scratch.get_mut(..got).unwrap_or_default();
                        audio.concealer.on_good_frame(decoded);
                        self.pcm.extend_from_slice(decoded);
                        self.stats.frames_played += 1;
                    }
                    Playout::Conceal { .. } => {
                        self.scratch.clear();
                        self.scratch.resize(frame, 0);
                        audio.concealer.conceal(&mut self.scratch);
                        self.pcm.extend_from_slice(&self.scratch);
                        self.stats.frames_concealed += 1;
                    }
                }
            }
        }
        if let Some(rx) = &mut self.dtmf {
            while let Some(e) = rx.poll(now) {
                self.digits.push(Digit {
                    digit: e.digit,
                    duration_ms: e.duration_ms,
                    at: e.received_at.saturating_duration_since(epoch),
                    end_seen: e.end_seen,
                });
            }
        }
    }

    fn finish(mut self, end: Instant, epoch: Instant) -> StreamReport {
        self.run_timers(end, epoch);
        let expected = self.seqs.expected();
        self.stats.expected = expected;
        self.stats.lost = u64::try_from(self.seqs.cumulative_lost()).unwrap_or(0);
        if let Some(audio) = &self.audio {
            self.stats.jitter_ms = audio.stats.jitter_ms();
            self.stats.late = audio.jitter.stats().late;
        } else {
            self.stats.jitter_ms = self.seqs.jitter_ms();
        }
        StreamReport {
            key: self.key,
            codec: self.audio.as_ref().map(|a| a.codec),
            audio_pt: self.audio.as_ref().map(|a| a.pt),
            event_pt: self.event_pt,
            ptime_ms: self.audio.as_ref().map_or(0, |a| a.ptime_ms),
            first_at: self.first_at,
            last_at: self.last_at,
            stats: self.stats,
            digits: self.digits,
            sample_rate: self.audio.as_ref().map_or(0, |a| a.codec.sample_rate()),
            pcm: self.pcm,
        }
    }
}

/// Decoding state for an audio payload type; the packet time comes from the payload size
/// (8 bytes per millisecond for G.711 and G.722).
fn start_audio(pt: u8, codec: Codec, payload_len: usize) -> Option<Audio> {
    let ptime_ms = u32::try_from(payload_len / 8).unwrap_or(20).clamp(5, 200);
    let config = JitterConfig {
        ptime_ms,
        ..JitterConfig::default()
    };
    Some(Audio {
        pt,
        codec,
        ptime_ms,
        jitter: JitterBuffer::new(config).ok()?,
        decoder: Decoder::new(codec),
        concealer: Concealer::new(codec.sample_rate()),
        stats: ReceiveStats::new(8000),
    })
}
