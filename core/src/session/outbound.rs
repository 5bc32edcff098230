//! The send path of a session: application PCM paced at ptime, encoded and sent as RTP,
//! RFC 4733 events on the same sequence and timestamp clock, playback events.
//!
//! The [`Pacer`] owns the schedule. While the direction forbids sending (hold, recvonly,
//! inactive) its slots still pass in real time (playback finishes on time) but nothing is
//! transmitted and no sequence number is used: the first packet after a resume carries the
//! next sequence number, a timestamp that followed the clock, and the marker bit.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::outputs::Outputs;
use super::packetizer::Packetizer;
use super::types::{MediaEvent, MediaOutput};
use crate::codec::{Codec, Encoder};
use crate::media::{
    DtmfTxError, Pacer, PacerConfig, PacerError, PacerEvent, PacerOutput, SendStats,
    dtmf_event_code,
};

/// Shortest DTMF tone sent.
pub const MIN_DTMF_TONE: Duration = Duration::from_millis(40);
/// Longest DTMF tone sent as one event (the 16-bit duration field at 8 kHz).
pub const MAX_DTMF_TONE: Duration = Duration::from_millis(8000);
/// Slots served in one call at most (the pacer serves one per due slot anyway).
const MAX_SLOTS_PER_POLL: usize = 64;

/// Send-side state of one call.
#[derive(Debug)]
pub(super) struct Outbound {
    codec: Codec,
    config: PacerConfig,
    pacer: Pacer,
    packets: Packetizer,
    /// Whether the negotiated direction lets us send.
    sending: bool,
    /// When the last pacer slot was served.
    last_slot: Option<Instant>,
    /// When PCM was last queued (a partial frame is flushed one ptime later).
    last_push: Option<Instant>,
    pub(super) dtmf_sent: u64,
}

/// Pacer settings for `codec` at `ptime_ms`, with DTMF tones of `tone`.
fn pacer_config(codec: Codec, ptime_ms: u32, tone: Duration) -> PacerConfig {
    let ptime_ms = ptime_ms.clamp(1, 1000);
    let mut config = PacerConfig::new(
        Duration::from_millis(u64::from(ptime_ms)),
        codec.samples_per_frame(ptime_ms),
        codec.rtp_ticks(ptime_ms),
    );
    config.dtmf.tone = tone;
    config
}

/// A pacer, falling back to 20 ms settings if these are refused.
fn build_pacer(codec: Codec, config: PacerConfig, seq: u16, ts: u32) -> (Pacer, PacerConfig) {
    if let Ok(pacer) = Pacer::new(config, seq, ts) {
        return (pacer, config);
    }
    let fallback = pacer_config(codec, 20, Duration::from_millis(100));
    match Pacer::new(fallback, seq, ts) {
        Ok(pacer) => (pacer, fallback),
        Err(_) => unreachable!("the 20 ms pacer configuration is valid"),
    }
}

impl Outbound {
    /// A send path; the first packet carries `seq` and `ts`.
    #[expect(
        clippy::too_many_arguments,
        reason = "one constructor for the whole send path"
    )]
    #[inline]
    pub(super) fn new(
        codec: Codec,
        audio_pt: u8,
        dtmf_pt: Option<u8>,
        ptime_ms: u32,
        ssrc: u32,
        seq: u16,
        ts: u32,
        sending: bool,
    ) -> Self {
        let wanted = pacer_config(codec, ptime_ms, Duration::from_millis(100));
        let (pacer, config) = build_pacer(codec, wanted, seq, ts);
        Self {
            codec,
            config,
            pacer,
            packets: Packetizer::new(ssrc, audio_pt, dtmf_pt, Encoder::new(codec)),
            sending,
            last_slot: None,
            last_push: None,
            dtmf_sent: 0,
        }
    }

    /// Send statistics (and what the peer reported about our stream).
    pub(super) fn send_stats(&self) -> &SendStats {
        &self.packets.send
    }

    /// Mutable send statistics, for RTCP report blocks about our stream.
    pub(super) fn send_stats_mut(&mut self) -> &mut SendStats {
        &mut self.packets.send
    }

    /// Our stream's RTP timestamp at `now` (for sender reports).
    pub(super) fn rtp_timestamp_at(&self, now: Instant) -> u32 {
        self.pacer.rtp_timestamp_at(now)
    }

    /// Allows or forbids transmission (the pacer keeps its schedule either way).
    pub(super) fn set_sending(&mut self, sending: bool) {
        self.sending = sending;
    }

    /// Renegotiated payload types or codec; the stream's sequence and clock continue.
    pub(super) fn set_format(
        &mut self,
        now: Instant,
        codec: Codec,
        audio_pt: u8,
        dtmf_pt: Option<u8>,
        ptime_ms: u32,
        out: &mut Outputs,
    ) {
        self.packets.audio_pt = audio_pt;
        self.packets.dtmf_pt = dtmf_pt;
        let wanted = pacer_config(codec, ptime_ms, self.config.dtmf.tone);
        if codec == self.codec && wanted.ptime == self.config.ptime {
            return;
        }
        self.pacer.interrupt();
        self.pacer.cancel_dtmf();
        self.drain_events(out);
        self.codec = codec;
        self.packets.encoder = Encoder::new(codec);
        self.rebuild(now, wanted);
    }

    /// Replaces the pacer by one with `config`, continuing sequence numbers and the clock.
    fn rebuild(&mut self, now: Instant, config: PacerConfig) -> Instant {
        let start = self
            .last_slot
            .map_or(now, |at| now.max(at + self.config.ptime));
        let ts = self.pacer.rtp_timestamp_at(start);
        let (pacer, config) = build_pacer(self.codec, config, self.pacer.next_seq(), ts);
        self.pacer = pacer;
        self.config = config;
        start
    }

    /// Queues PCM; what does not fit in the queue (60 s) is dropped.
    pub(super) fn send_audio(&mut self, now: Instant, pcm: &[i16]) {
        if pcm.is_empty() {
            return;
        }
        let room = self
            .pacer
            .max_samples()
            .saturating_sub(self.pacer.queued_samples());
        let take = pcm.get(..pcm.len().min(room)).unwrap_or(&[]);
        if self.pacer.push_pcm(now, take).is_ok() {
            self.last_push = Some(now);
        }
    }

    /// Drops all queued audio; returns how much was cut.
    pub(super) fn interrupt(&mut self) -> Duration {
        let cut = self.pacer.interrupt();
        self.last_push = None;
        let rate = u128::from(self.codec.sample_rate().max(1));
        let nanos = u128::from(cut.cut_samples) * 1_000_000_000 / rate;
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }

    /// Queues DTMF keys with tones of `duration` (see [`MIN_DTMF_TONE`], [`MAX_DTMF_TONE`]).
    ///
    /// The tone length applies from the next key the sender starts when the stream is idle;
    /// keys queued behind audio or other keys keep the tone length in use.
    pub(super) fn send_dtmf(
        &mut self,
        now: Instant,
        digits: &str,
        duration: Duration,
        out: &mut Outputs,
    ) -> Result<(), DtmfTxError> {
        if self.packets.dtmf_pt.is_none() {
            return Err(DtmfTxError::InvalidConfig(
                "no telephone-event payload type was negotiated",
            ));
        }
        if let Some((position, digit)) = digits
            .chars()
            .enumerate()
            .find(|(_, c)| dtmf_event_code(*c).is_none())
        {
            return Err(DtmfTxError::InvalidDigit { digit, position });
        }
        if digits.is_empty() {
            return Ok(());
        }
        let tone = duration.clamp(MIN_DTMF_TONE, MAX_DTMF_TONE);
        let idle = self.pacer.next_deadline().is_none()
            && self.pacer.queued_samples() == 0
            && !self.pacer.audio_paused();
        let mut at = now;
        if tone != self.config.dtmf.tone && idle {
            self.drain_events(out);
            let mut config = self.config;
            config.dtmf.tone = tone;
            at = self.rebuild(now, config);
        }
        self.pacer.send_dtmf(at, digits).map_err(|e| match e {
            PacerError::Dtmf(e) => e,
            _ => DtmfTxError::InvalidConfig("the pacer refused the keys"),
        })
    }

    /// Sends every packet due by `now` and reports playback events.
    pub(super) fn poll(
        &mut self,
        now: Instant,
        from: SocketAddr,
        to: SocketAddr,
        out: &mut Outputs,
    ) {
        let reachable = self.sending && !to.ip().is_unspecified() && to.port() != 0;
        let to = reachable.then_some(to);
        for _ in 0..MAX_SLOTS_PER_POLL {
            if let Some(due) = self.pacer.next_deadline().filter(|d| *d <= now) {
                let slot = if now >= due + self.config.ptime {
                    now
                } else {
                    due
                };
                match self.pacer.poll(now) {
                    Some(PacerOutput::Audio(frame)) => self.packets.audio(frame, from, to, out),
                    Some(PacerOutput::Dtmf(packet)) => self.packets.event(packet, from, to, out),
                    None => {}
                }
                if self.pacer.next_deadline().is_some() {
                    self.last_slot = Some(slot);
                }
                continue;
            }
            match self.flush_deadline() {
                Some(at) if at <= now => self.pacer.finish(now),
                _ => break,
            }
        }
        self.drain_events(out);
    }

    /// A partial frame left alone for one ptime is padded with silence and sent.
    fn flush_deadline(&self) -> Option<Instant> {
        let queued = self.pacer.queued_samples();
        let partial = queued > 0 && queued < self.config.samples_per_frame;
        if !partial || self.pacer.next_deadline().is_some() {
            return None;
        }
        self.last_push.map(|at| at + self.config.ptime)
    }

    fn drain_events(&mut self, out: &mut Outputs) {
        while let Some(event) = self.pacer.poll_event() {
            let event = match event {
                PacerEvent::PlaybackFinished => MediaEvent::PlaybackFinished,
                PacerEvent::PlaybackInterrupted { cut_samples, .. } => {
                    let rate = u128::from(self.codec.sample_rate().max(1));
                    let nanos = u128::from(cut_samples) * 1_000_000_000 / rate;
                    MediaEvent::PlaybackInterrupted {
                        cut: Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX)),
                    }
                }
                PacerEvent::DtmfSent { .. } => {
                    self.dtmf_sent += 1;
                    continue;
                }
            };
            out.push_back(MediaOutput::Event(event));
        }
    }

    /// When the next packet (or partial-frame flush) is due.
    pub(super) fn next_deadline(&self) -> Option<Instant> {
        self.pacer.next_deadline().or_else(|| self.flush_deadline())
    }
}
