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
use crate::media::{
    ReportBlock, RtcpIntervalParams, RtcpPacket, RtcpWriter, SenderInfo, ntp_from_unix,
    parse_compound, rtcp_interval, update_avg_rtcp_size,
};
use crate::rng::Rng;

/// UDP and IPv4 header bytes counted in the average RTCP size (RFC 3550 §6.2).
const UDP_IP_OVERHEAD: usize = 28;
/// RTP header plus UDP/IP bytes per packet, for the session bandwidth.
const RTP_OVERHEAD: f64 = 40.0;
/// Room for SR + one block + SDES + BYE.
const RTCP_BUFFER: usize = 256;
/// Characters of the SDES CNAME.
const CNAME_LEN: usize = 16;
/// The characters [`Rng::token`] draws from, in its order: the CNAME is the token the
/// generator would have given, without a `String` to hold it.
const CNAME_ALPHABET: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// A random CNAME: `CNAME_LEN` characters drawn exactly as `rng.token(CNAME_LEN)` draws them.
fn random_cname(rng: &mut Rng) -> [u8; CNAME_LEN] {
    let mut cname = [0u8; CNAME_LEN];
    for c in &mut cname {
        let index = rng.below(CNAME_ALPHABET.len() as u32) as usize;
        *c = CNAME_ALPHABET.get(index).copied().unwrap_or(b'0');
    }
    cname
}

/// RTCP schedule and clock of one call.
#[derive(Debug)]
pub(super) struct RtcpState {
    rng: Rng,
    cname: [u8; CNAME_LEN],
    next_at: Instant,
    initial: bool,
    avg_size: f64,
    rtcp_bandwidth: f64,
    /// Packets sent at the last and the one-before-last report.
    sent_marks: [u64; 2],
    /// Packets received at the last report.
    received_mark: u64,
    epoch: Instant,
    wall: Duration,
    /// Reports sent so far.
    pub(super) reports_sent: u64,
    /// Whether the BYE went out.
    pub(super) bye_sent: bool,
}

impl RtcpState {
    /// A schedule whose first report is due one (initial, halved) interval after `now`.
    #[inline]
    pub(super) fn new(mut rng: Rng, now: Instant, ptime_ms: u32, payload_bytes: usize) -> Self {
        let cname = random_cname(&mut rng);
        let per_second = 1000.0 / f64::from(ptime_ms.max(1));
        let session_bandwidth = (payload_bytes as f64 + RTP_OVERHEAD) * per_second * 2.0;
        let mut state = Self {
            rng,
            cname,
            next_at: now,
            initial: true,
            avg_size: 100.0,
            rtcp_bandwidth: session_bandwidth * 0.05,
            sent_marks: [0; 2],
            received_mark: 0,
            epoch: now,
            wall: Duration::ZERO,
            reports_sent: 0,
            bye_sent: false,
        };
        state.next_at = now + state.interval(false, false);
        state
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

    fn interval(&mut self, we_sent: bool, remote_sent: bool) -> Duration {
        let params = RtcpIntervalParams {
            members: 2,
            senders: u32::from(we_sent) + u32::from(remote_sent),
            rtcp_bandwidth: self.rtcp_bandwidth,
            we_sent,
            avg_rtcp_size: self.avg_size,
            initial: self.initial,
        };
        rtcp_interval(&params, self.rng.next_u32())
    }

    /// Counts a received compound packet in the average size.
    pub(super) fn on_received(&mut self, len: usize) {
        self.avg_size = update_avg_rtcp_size(self.avg_size, len + UDP_IP_OVERHEAD);
    }

    /// Writes SR (when `sender` is given) or RR, SDES and optionally BYE; reschedules.
    fn write(
        &mut self,
        ssrc: u32,
        sender: Option<SenderInfo>,
        block: Option<ReportBlock>,
        bye: bool,
    ) -> Option<Bytes> {
        let blocks = block.as_slice();
        let mut buf = [0u8; RTCP_BUFFER];
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
        self.reports_sent += 1;
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
    pub(super) fn send_rtcp(&mut self, now: Instant, bye: bool) {
        let packets_sent = self.outbound.send_stats().packets;
        let we_sent = packets_sent > self.rtcp.sent_marks[0];
        let sender = we_sent.then(|| {
            let ntp = self.rtcp.ntp(now);
            let rtp = self.outbound.rtp_timestamp_at(now);
            self.outbound.send_stats().sender_info(ntp, rtp)
        });
        let block = self.inbound.report_block(now);
        let remote_sent = self.inbound.packets > self.rtcp.received_mark;
        let data = self.rtcp.write(self.ssrc, sender, block, bye);
        if !bye {
            self.rtcp.sent_marks = [self.rtcp.sent_marks[1], packets_sent];
            self.rtcp.received_mark = self.inbound.packets;
            self.rtcp.initial = false;
            self.rtcp.next_at = now + self.rtcp.interval(we_sent, remote_sent);
        }
        let to = self.rtcp_target();
        if let Some(data) = data
            && !to.ip().is_unspecified()
            && to.port() != 0
        {
            self.outputs.push_back(super::MediaOutput::Transmit {
                from: self.local_rtcp,
                to,
                data,
            });
            self.rtcp.bye_sent |= bye;
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
                    self.inbound
                        .on_sender_report(now, sr.ssrc, sr.info.ntp_timestamp);
                    sr.blocks
                }
                RtcpPacket::ReceiverReport(rr) => rr.blocks,
                _ => continue,
            };
            for block in blocks.filter(|b| b.ssrc == self.ssrc) {
                self.outbound
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
            let cname = random_cname(&mut cname_rng);
            assert_eq!(&cname[..], token.as_bytes());
            // The generators stay in step: the draws after the CNAME are the same.
            assert_eq!(cname_rng.next_u64(), token_rng.next_u64());
        }
    }
}
