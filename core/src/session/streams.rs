//! The send and receive paths of a session, built when first needed.
//!
//! Most of a session's state (pacer, encoder, jitter buffer, decoder, concealer, DTMF
//! receiver, statistics, the RTCP interval generator) only matters once media flows: audio
//! to send, RTP accepted, a renegotiation, a report after the first. Until then the session
//! holds what it takes to build them exactly as they would have been built at its start
//! (formats, first sequence number and timestamp, direction), and a call that ends without
//! media never builds them: its session stays small and is created and dropped cheaply.

use std::time::Duration;

use super::inbound::{Inbound, JitterSettings, jitter_config};
use super::negotiated::{Negotiated, codec_of};
use super::outbound::Outbound;
use super::rtcp::{RtcpRounds, RtcpSeed};

/// The send and receive paths and the RTCP rounds of one session.
#[derive(Debug)]
pub(super) struct Streams {
    pub(super) inbound: Inbound,
    pub(super) outbound: Outbound,
    pub(super) rtcp: RtcpRounds,
    /// Adaptive playout: the jitter buffer's wait follows measured jitter up to this.
    pub(super) adaptive_max_delay: Option<Duration>,
}

/// What the paths are built from, drawn when the session starts.
#[derive(Debug, Clone, Copy)]
pub(super) struct StreamStart {
    /// Our stream's SSRC.
    pub(super) ssrc: u32,
    /// The first packet's sequence number and timestamp.
    pub(super) seq: u16,
    pub(super) ts: u32,
    /// Whether the first negotiation lets us send, and receive.
    pub(super) sending: bool,
    pub(super) playing: bool,
    /// The RTCP generator where the first schedule left it.
    pub(super) rtcp: RtcpSeed,
}

impl StreamStart {
    /// The paths as the session's start would have built them for `media` (the first
    /// negotiation: a renegotiation builds them before it applies).
    fn build(&self, media: &Negotiated, jitter: JitterSettings) -> Streams {
        let codec = codec_of(media.codec);
        Streams {
            inbound: Inbound::new(codec, jitter_config(jitter, media, None), self.playing),
            outbound: Outbound::new(
                codec,
                media.payload_type,
                media.telephone_event,
                media.ptime,
                self.ssrc,
                self.seq,
                self.ts,
                self.sending,
            ),
            rtcp: RtcpRounds::resume(self.rtcp),
            adaptive_max_delay: None,
        }
    }

    #[cold]
    #[inline(never)]
    fn build_boxed(&self, media: &Negotiated, jitter: JitterSettings) -> Box<Streams> {
        Box::new(self.build(media, jitter))
    }
}

/// The paths in `slot`, built from `start` for `media` if they are not yet.
#[inline]
pub(super) fn ensure<'a>(
    slot: &'a mut Option<Box<Streams>>,
    start: &StreamStart,
    media: &Negotiated,
    jitter: JitterSettings,
) -> &'a mut Streams {
    // Once per session at most: kept out of the per-packet paths that call this.
    slot.get_or_insert_with(|| start.build_boxed(media, jitter))
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;
    use std::time::{Duration, Instant};

    use bytes::Bytes;

    use super::ensure;
    use crate::media::{ReportBlock, RtcpWriter, RtpHeader};
    use crate::rng::Rng;
    use crate::sdp::{AudioCodec, Direction, NegotiatedMedia};
    use crate::session::{MediaOutput, MediaSession, SessionConfig};

    fn remote() -> SocketAddr {
        SocketAddr::from(([192, 0, 2, 7], 40000))
    }

    fn media(direction: Direction, on_hold: bool) -> NegotiatedMedia {
        NegotiatedMedia {
            media_index: 0,
            codec: AudioCodec::Pcmu,
            payload_type: 0,
            encoding_name: "PCMU",
            clock_rate: 8000,
            telephone_event: Some(101),
            telephone_event_fmtp: None,
            ptime: 20,
            direction,
            remote_rtp: remote(),
            remote_rtcp: SocketAddr::from(([192, 0, 2, 7], 40001)),
            rtcp_mux: false,
            on_hold,
        }
    }

    /// Something the peer or the application does at a moment of the call.
    #[derive(Clone, Copy)]
    enum Step {
        Rtp(u16),
        ReceiverReport,
        Audio,
        Dtmf,
        Hold,
        Interrupt,
    }

    fn rtp(seq: u16) -> Bytes {
        let header = RtpHeader {
            marker: seq == 0,
            payload_type: 0,
            sequence: seq,
            timestamp: u32::from(seq) * 160,
            ssrc: 0x5eed,
        };
        let mut buf = [0u8; 12 + 160];
        let len = header.write(&[], &[0xd5; 160], &mut buf).unwrap_or(0);
        Bytes::copy_from_slice(buf.get(..len).unwrap_or(&[]))
    }

    fn receiver_report(about: u32) -> Bytes {
        let block = ReportBlock {
            ssrc: about,
            fraction_lost: 0,
            cumulative_lost: 0,
            highest_seq: 1,
            jitter: 0,
            last_sr: 0,
            delay_since_last_sr: 0,
        };
        let mut buf = [0u8; 64];
        let mut w = RtcpWriter::new(&mut buf);
        let _ = w.receiver_report(0x5eed, &[block]);
        let len = w.finish();
        Bytes::copy_from_slice(buf.get(..len).unwrap_or(&[]))
    }

    fn apply(s: &mut MediaSession, now: Instant, step: Step) {
        match step {
            Step::Rtp(seq) => s.handle_rtp(now, remote(), rtp(seq)),
            Step::ReceiverReport => {
                let data = receiver_report(s.ssrc());
                s.handle_rtcp(now, SocketAddr::from(([192, 0, 2, 7], 40001)), data);
            }
            Step::Audio => s.send_audio(now, &[100i16; 8000]),
            Step::Dtmf => {
                let _ = s.send_dtmf(now, "12", Duration::from_millis(80));
            }
            Step::Hold => s.update(&media(Direction::SendRecv, true), now),
            Step::Interrupt => {
                let _ = s.interrupt(now);
            }
        }
    }

    fn drain(s: &mut MediaSession) -> Vec<MediaOutput> {
        std::iter::from_fn(|| s.poll_output()).collect()
    }

    /// A session whose paths are built at once and one that builds them when needed go
    /// through `steps` (at the given ms) in lockstep and never differ.
    /// Returns whether the lazy session had built its paths by the end.
    fn lockstep(direction: Direction, steps: &[(u64, Step)], end_ms: u64) -> bool {
        let t0 = crate::test_epoch();
        let config = SessionConfig::default();
        let m = media(direction, false);
        let local = SocketAddr::from(([192, 0, 2, 1], 10000));
        let mut lazy = MediaSession::new(&m, local, &config, &mut Rng::from_seed(5), t0);
        let mut eager = MediaSession::new(&m, local, &config, &mut Rng::from_seed(5), t0);
        ensure(&mut eager.streams, &eager.start, &eager.media, eager.jitter);
        assert!(lazy.streams.is_none());
        for ms in (0..=end_ms).step_by(5) {
            let now = t0 + Duration::from_millis(ms);
            for &(_, step) in steps.iter().filter(|(at, _)| *at == ms) {
                apply(&mut lazy, now, step);
                apply(&mut eager, now, step);
            }
            lazy.handle_timeout(now);
            eager.handle_timeout(now);
            assert_eq!(drain(&mut lazy), drain(&mut eager), "at {ms} ms");
            assert_eq!(lazy.next_deadline(), eager.next_deadline(), "at {ms} ms");
            assert_eq!(lazy.stats(now), eager.stats(now), "at {ms} ms");
        }
        let end = t0 + Duration::from_millis(end_ms);
        let built = lazy.streams.is_some();
        assert_eq!(lazy.finish(end), eager.finish(end));
        let bye = drain(&mut lazy);
        assert_eq!(bye, drain(&mut eager));
        assert!(matches!(bye.last(), Some(MediaOutput::Transmit { .. })));
        built
    }

    #[test]
    fn a_session_is_small_to_create_move_and_drop() {
        // The send and receive paths live behind one box, built when media flows.
        let size = std::mem::size_of::<MediaSession>();
        assert!(size <= 512, "MediaSession is {size} bytes");
    }

    #[test]
    fn a_call_without_media_ends_as_one_built_at_the_start() {
        for direction in [
            Direction::SendRecv,
            Direction::RecvOnly,
            Direction::Inactive,
        ] {
            // Before the first report: the paths are never built.
            assert!(!lockstep(direction, &[], 400));
            // The first report after the first builds them (the generator of the intervals).
            assert!(lockstep(direction, &[], 9000));
        }
    }

    #[test]
    fn reports_rtp_audio_keys_and_hold_give_what_paths_built_at_the_start_give() {
        let cases: [&[(u64, Step)]; 6] = [
            &[
                (200, Step::Rtp(0)),
                (220, Step::Rtp(1)),
                (260, Step::Rtp(3)),
            ],
            &[(100, Step::ReceiverReport), (3000, Step::Audio)],
            &[(50, Step::Audio), (300, Step::Interrupt), (500, Step::Dtmf)],
            &[(100, Step::Dtmf), (150, Step::Rtp(9))],
            &[(100, Step::Hold), (400, Step::Audio), (900, Step::Rtp(2))],
            &[
                (10, Step::Interrupt),
                (2500, Step::Rtp(4)),
                (5000, Step::Audio),
            ],
        ];
        for steps in cases {
            assert!(lockstep(Direction::SendRecv, steps, 8000));
        }
        assert!(lockstep(
            Direction::SendOnly,
            &[(100, Step::Rtp(0)), (200, Step::Audio)],
            3000
        ));
    }
}
