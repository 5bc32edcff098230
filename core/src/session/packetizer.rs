//! Turning paced frames and DTMF slots into RTP datagrams: encoding into a reused buffer,
//! headers, and the sequence numbers of packets that were not transmitted (hold).

use std::collections::VecDeque;
use std::net::SocketAddr;

use bytes::BytesMut;

use super::types::MediaOutput;
use crate::codec::Encoder;
use crate::media::{DtmfPacket, OutFrame, RtpHeader, SendStats};

/// Encodes and writes RTP packets; counts what was sent.
#[derive(Debug)]
pub(super) struct Packetizer {
    pub(super) ssrc: u32,
    pub(super) audio_pt: u8,
    pub(super) dtmf_pt: Option<u8>,
    pub(super) encoder: Encoder,
    pub(super) payload: Vec<u8>,
    pub(super) packet: BytesMut,
    pub(super) send: SendStats,
    /// Sequence numbers the pacer used for packets that were not transmitted.
    pub(super) seq_skew: u16,
    /// The next transmitted packet starts a talkspurt (after a suppressed stretch).
    pub(super) resume_marker: bool,
}

impl Packetizer {
    fn transmit(
        &mut self,
        header: RtpHeader,
        payload_len: usize,
        from: SocketAddr,
        to: Option<SocketAddr>,
        out: &mut VecDeque<MediaOutput>,
    ) {
        let Some(to) = to else {
            self.seq_skew = self.seq_skew.wrapping_add(1);
            self.resume_marker = true;
            return;
        };
        let header = RtpHeader {
            marker: header.marker || self.resume_marker,
            sequence: header.sequence.wrapping_sub(self.seq_skew),
            ..header
        };
        self.resume_marker = false;
        let payload = self.payload.get(..payload_len).unwrap_or(&[]);
        self.packet.reserve(RtpHeader::packet_len(0, payload.len()));
        if header.write_to(&[], payload, &mut self.packet).is_err() {
            self.packet.clear();
            return;
        }
        self.send.on_sent(payload.len());
        out.push_back(MediaOutput::Transmit {
            from,
            to,
            data: self.packet.split().freeze(),
        });
    }

    pub(super) fn audio(
        &mut self,
        frame: OutFrame<'_>,
        from: SocketAddr,
        to: Option<SocketAddr>,
        out: &mut VecDeque<MediaOutput>,
    ) {
        let len = if to.is_some() {
            self.encoder.encode(frame.pcm, &mut self.payload)
        } else {
            0
        };
        let header = RtpHeader {
            marker: frame.marker,
            payload_type: self.audio_pt,
            sequence: frame.seq,
            timestamp: frame.timestamp,
            ssrc: self.ssrc,
        };
        self.transmit(header, len, from, to, out);
    }

    pub(super) fn event(
        &mut self,
        packet: DtmfPacket,
        from: SocketAddr,
        to: Option<SocketAddr>,
        out: &mut VecDeque<MediaOutput>,
    ) {
        let Some(pt) = self.dtmf_pt else {
            return;
        };
        let len = packet.payload.len().min(self.payload.len());
        if let (Some(dst), Some(src)) = (self.payload.get_mut(..len), packet.payload.get(..len)) {
            dst.copy_from_slice(src);
        }
        let header = RtpHeader {
            marker: packet.marker,
            payload_type: pt,
            sequence: packet.seq,
            timestamp: packet.timestamp,
            ssrc: self.ssrc,
        };
        self.transmit(header, len, from, to, out);
    }
}
