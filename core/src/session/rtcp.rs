//! RTCP for one call: SR or RR with SDES at RFC 3550 intervals, BYE at the end, and the
//! peer's reports read for loss, jitter and round-trip time.
//!
//! The core has no wall clock: NTP timestamps count from a reference the runtime may give
//! ([`MediaSession::set_wall_clock`]), else from the Unix epoch at the session's start. Only
//! differences matter for the round-trip time, so RTT is exact either way.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::MediaSession;
use super::streams::ensure;
use crate::media::{
    REPORT_BLOCK_LEN, ReportBlock, RtcpIntervalParams, RtcpPacket, RtcpWriter, SenderInfo,
    ntp_from_unix, parse_compound, rtcp_interval, update_avg_rtcp_size,
};
use crate::rng::Rng;

/// UDP and IPv4 header bytes counted in the average RTCP size (RFC 3550 §6.2).
const UDP_IP_OVERHEAD: usize = 28;
/// RTP header plus UDP/IP bytes per packet, for the session bandwidth.
const RTP_OVERHEAD: f64 = 40.0;
/// Characters of the SDES CNAME.
const CNAME_LEN: usize = 16;
/// The characters [`Rng::token`] draws from, in its order: the CNAME is the token the
/// generator would have given, without a `String` to hold it.
const CNAME_ALPHABET: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// `rng.below(bound)` drawn the same way, counting the 32-bit words it takes in `words`.
fn below_counted(rng: &mut Rng, bound: u32, words: &mut u32) -> u32 {
    // Lemire's widening-multiply rejection method, as `Rng::below` draws it.
    let threshold = bound.wrapping_neg() % bound;
    loop {
        *words = words.wrapping_add(1);
        let product = u64::from(rng.next_u32()) * u64::from(bound);
        if (product as u32) >= threshold {
            return (product >> 32) as u32;
        }
    }
}

/// A random CNAME: `CNAME_LEN` characters drawn exactly as `rng.token(CNAME_LEN)` draws them;
/// `words` counts the 32-bit words taken.
fn random_cname(rng: &mut Rng, words: &mut u32) -> [u8; CNAME_LEN] {
    let mut cname = [0u8; CNAME_LEN];
    for c in &mut cname {
        let index = below_counted(rng, CNAME_ALPHABET.len() as u32, words) as usize;
        *c = CNAME_ALPHABET.get(index).copied().unwrap_or(b'0');
    }
    cname
}

/// Where the RTCP generator stands: its seed and the 32-bit words drawn from it, so that the
/// generator (320 bytes) is only held by a session whose reports go on past the first.
#[derive(Debug, Clone, Copy)]
pub(super) struct RtcpSeed {
    seed: u64,
    words: u32,
}

/// RTCP schedule and clock of one call: what every call uses, up to its BYE.
#[derive(Debug)]
pub(super) struct RtcpState {
    cname: [u8; CNAME_LEN],
    next_at: Instant,
    avg_size: f64,
    rtcp_bandwidth: f64,
    epoch: Instant,
    wall: Duration,
}

/// The RTCP state only reports after the first need: the generator of the intervals and the
/// counts that tell whether each side sent since the last report.
#[derive(Debug)]
pub(super) struct RtcpRounds {
    rng: Rng,
    /// Packets sent at the last and the one-before-last report.
    sent_marks: [u64; 2],
    /// Packets received at the last report.
    received_mark: u64,
}

impl RtcpRounds {
    /// The generator where [`RtcpState::new`] left it, before any report was sent.
    pub(super) fn resume(seed: RtcpSeed) -> Self {
        let mut rng = Rng::from_seed(seed.seed);
        for _ in 0..seed.words {
            rng.next_u32();
        }
        Self {
            rng,
            sent_marks: [0; 2],
            received_mark: 0,
        }
    }
}

/// The randomised interval after a report, drawn from `rng`.
fn interval(
    state: &RtcpState,
    initial: bool,
    rng: &mut Rng,
    we_sent: bool,
    remote_sent: bool,
) -> Duration {
    let params = RtcpIntervalParams {
        members: 2,
        senders: u32::from(we_sent) + u32::from(remote_sent),
        rtcp_bandwidth: state.rtcp_bandwidth,
        we_sent,
        avg_rtcp_size: state.avg_size,
        initial,
    };
    rtcp_interval(&params, rng.next_u32())
}

/// Bytes of an SR (`sender`) or RR with `blocks` report blocks, the SDES CNAME and the BYE.
const fn compound_len(sender: bool, blocks: usize, bye: bool) -> usize {
    let report = if sender { 28 } else { 8 } + REPORT_BLOCK_LEN * blocks;
    let sdes = 4 + (4 + 2 + CNAME_LEN + 1).div_ceil(4) * 4;
    report + sdes + if bye { 8 } else { 0 }
}

/// The largest compound a session sends: SR, one report block, SDES and BYE.
const MAX_COMPOUND: usize = compound_len(true, 1, true);

impl RtcpState {
    /// A schedule whose first report is due one (initial, halved) interval after `now`;
    /// its generator is seeded with `seed`.
    #[inline]
    pub(super) fn new(
        seed: u64,
        now: Instant,
        ptime_ms: u32,
        payload_bytes: usize,
    ) -> (Self, RtcpSeed) {
        let mut rng = Rng::from_seed(seed);
        let mut words = 0;
        let cname = random_cname(&mut rng, &mut words);
        let per_second = 1000.0 / f64::from(ptime_ms.max(1));
        let session_bandwidth = (payload_bytes as f64 + RTP_OVERHEAD) * per_second * 2.0;
        let mut state = Self {
            cname,
            next_at: now,
            avg_size: 100.0,
            rtcp_bandwidth: session_bandwidth * 0.05,
            epoch: now,
            wall: Duration::ZERO,
        };
        state.next_at = now + interval(&state, true, &mut rng, false, false);
        words += 1;
        (state, RtcpSeed { seed, words })
    }

    /// The NTP timestamp of `now`.
    pub(super) fn ntp(&self, now: Instant) -> u64 {
        ntp_from_unix(self.wall + now.saturating_duration_since(self.epoch))
    }

    /// Ties `now` to `since_unix` (time since the Unix epoch) for the NTP timestamps.
    pub(super) fn set_wall_clock(&mut self, now: Instant, since_unix: Duration) {
        self.epoch = now;
        self.wall = since_unix;
    }

    /// When the next report is due.
    pub(super) fn deadline(&self) -> Instant {
        self.next_at
    }

    /// Counts a received compound packet in the average size.
    pub(super) fn on_received(&mut self, len: usize) {
        self.avg_size = update_avg_rtcp_size(self.avg_size, len + UDP_IP_OVERHEAD);
    }

    /// Writes SR (when `sender` is given) or RR, SDES and optionally BYE.
    fn write(
        &mut self,
        ssrc: u32,
        sender: Option<SenderInfo>,
        block: Option<ReportBlock>,
        bye: bool,
    ) -> Option<Bytes> {
        let blocks = block.as_slice();
        let mut buf = [0u8; MAX_COMPOUND];
        let mut w = RtcpWriter::new(&mut buf);
        let written = match sender {
            Some(info) => w.sender_report(ssrc, &info, blocks),
            None => w.receiver_report(ssrc, blocks),
        }
        .and_then(|()| w.sdes_cname(ssrc, &self.cname))
        .and_then(|()| if bye { w.bye(&[ssrc], None) } else { Ok(()) });
        let len = w.finish();
        written.ok()?;
        let data = Bytes::copy_from_slice(buf.get(..len)?);
        self.avg_size = update_avg_rtcp_size(self.avg_size, len + UDP_IP_OVERHEAD);
        Some(data)
    }
}

impl MediaSession {
    /// Where RTCP goes: the RTP address when muxed, else the negotiated RTCP address
    /// (following the RTP address when symmetric RTP latched elsewhere).
    pub(super) fn rtcp_target(&self) -> SocketAddr {
        let rtp = self.source.remote();
        if self.media.rtcp_mux {
            rtp
        } else if rtp == self.media.remote_rtp {
            self.media.remote_rtcp
        } else {
            SocketAddr::new(rtp.ip(), rtp.port().wrapping_add(1))
        }
    }

    /// Sends the compound report due by `now` and schedules the next, or sends the BYE
    /// (the last report: nothing is scheduled after it).
    ///
    /// Without send and receive paths nothing was sent or received: no sender info, no
    /// report block. A report that schedules another builds them (they hold the generator).
    pub(super) fn send_rtcp(&mut self, now: Instant, bye: bool) {
        let ssrc = self.start.ssrc;
        let data = if bye && self.streams.is_none() {
            self.rtcp.write(ssrc, None, None, true)
        } else {
            let streams = ensure(&mut self.streams, &self.start, &self.media, self.jitter);
            let packets_sent = streams.outbound.send_stats().packets;
            let rounds = &mut streams.rtcp;
            let we_sent = packets_sent > rounds.sent_marks[0];
            let sender = we_sent.then(|| {
                let ntp = self.rtcp.ntp(now);
                let rtp = streams.outbound.rtp_timestamp_at(now);
                streams.outbound.send_stats().sender_info(ntp, rtp)
            });
            let block = streams.inbound.report_block(now);
            let remote_sent = streams.inbound.packets > rounds.received_mark;
            let data = self.rtcp.write(ssrc, sender, block, bye);
            if !bye {
                rounds.sent_marks = [rounds.sent_marks[1], packets_sent];
                rounds.received_mark = streams.inbound.packets;
                // Only the first interval, drawn at the start, is an initial one.
                self.rtcp.next_at =
                    now + interval(&self.rtcp, false, &mut rounds.rng, we_sent, remote_sent);
            }
            data
        };
        let to = self.rtcp_target();
        if let Some(data) = data
            && !to.ip().is_unspecified()
            && to.port() != 0
        {
            self.outputs.push_back(super::MediaOutput::Transmit {
                from: self.local_rtcp(),
                to,
                data,
            });
        }
    }

    /// Whether RTCP from `from` comes from the peer (its RTP or RTCP host).
    fn rtcp_source_ok(&self, from: SocketAddr) -> bool {
        from.ip() == self.source.remote().ip() || from.ip() == self.media.remote_rtcp.ip()
    }

    /// An RTCP compound packet arrived (on the RTCP socket, or muxed on the RTP socket).
    pub(super) fn on_rtcp(&mut self, now: Instant, from: SocketAddr, data: &[u8]) {
        if !self.rtcp_source_ok(from) {
            self.rejected += 1;
            return;
        }
        let Ok(compound) = parse_compound(data) else {
            self.rejected += 1;
            return;
        };
        self.rtcp.on_received(data.len());
        let arrival = self.rtcp.ntp(now);
        for packet in compound {
            let blocks = match packet {
                RtcpPacket::SenderReport(sr) => {
                    // Without a receive path no source is known: nothing to remember.
                    if let Some(streams) = self.streams.as_deref_mut() {
                        streams
                            .inbound
                            .on_sender_report(now, sr.ssrc, sr.info.ntp_timestamp);
                    }
                    sr.blocks
                }
                RtcpPacket::ReceiverReport(rr) => rr.blocks,
                _ => continue,
            };
            let ssrc = self.start.ssrc;
            for block in blocks.filter(|b| b.ssrc == ssrc) {
                ensure(&mut self.streams, &self.start, &self.media, self.jitter)
                    .outbound
                    .send_stats_mut()
                    .on_report_block(&block, arrival);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cname_is_the_token_the_generator_gives() {
        for seed in [0, 1, 7, 0xdead_beef] {
            let mut token_rng = Rng::from_seed(seed);
            let token = token_rng.token(CNAME_LEN);
            let mut cname_rng = Rng::from_seed(seed);
            let mut words = 0;
            let cname = random_cname(&mut cname_rng, &mut words);
            assert_eq!(&cname[..], token.as_bytes());
            assert!(words >= CNAME_LEN as u32);
            // The generators stay in step: the draws after the CNAME are the same.
            assert_eq!(cname_rng.next_u64(), token_rng.next_u64());
        }
    }

    #[test]
    fn a_resumed_generator_continues_where_the_schedule_left_it() {
        let now = crate::test_epoch();
        for seed in [0, 3, 0xfeed_f00d] {
            // What the generator draws after the CNAME and the first interval.
            let mut rng = Rng::from_seed(seed);
            let _ = rng.token(CNAME_LEN);
            let first = rng.next_u32();
            let (state, at) = RtcpState::new(seed, now, 20, 160);
            let params = RtcpIntervalParams {
                members: 2,
                senders: 0,
                rtcp_bandwidth: state.rtcp_bandwidth,
                we_sent: false,
                avg_rtcp_size: 100.0,
                initial: true,
            };
            assert_eq!(state.deadline(), now + rtcp_interval(&params, first));
            let mut rounds = RtcpRounds::resume(at);
            for _ in 0..100 {
                assert_eq!(rounds.rng.next_u32(), rng.next_u32());
            }
        }
    }

    #[test]
    fn the_compound_length_is_what_the_writer_writes() {
        let now = crate::test_epoch();
        let (mut state, _) = RtcpState::new(9, now, 20, 160);
        let info = SenderInfo {
            ntp_timestamp: 1 << 40,
            rtp_timestamp: 7,
            packet_count: 3,
            octet_count: 480,
        };
        let block = ReportBlock {
            ssrc: 5,
            fraction_lost: 1,
            cumulative_lost: 2,
            highest_seq: 3,
            jitter: 4,
            last_sr: 5,
            delay_since_last_sr: 6,
        };
        for sender in [None, Some(info)] {
            for block in [None, Some(block)] {
                for bye in [false, true] {
                    let data = state.write(1, sender, block, bye);
                    let len = data.as_ref().map_or(0, Bytes::len);
                    assert_eq!(
                        len,
                        compound_len(sender.is_some(), usize::from(block.is_some()), bye)
                    );
                    let parsed = data.as_deref().map(|d| parse_compound(d).is_ok());
                    assert_eq!(parsed, Some(true));
                }
            }
        }
    }
}
