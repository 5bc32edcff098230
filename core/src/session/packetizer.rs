//! Turning paced frames and DTMF slots into RTP datagrams: encoding into a reused buffer,
//! headers, and the sequence numbers of packets that were not transmitted (hold).
//!
//! The buffers take their memory with the first packet: a call that sends nothing pays
//! for none.

use std::net::SocketAddr;

use bytes::BytesMut;

use super::outputs::Outputs;
use super::types::MediaOutput;
use crate::codec::Encoder;
use crate::media::{DtmfPacket, OutFrame, RtpHeader, SendStats};

/// Bytes of the block packets are written into (each packet is split off it, so one
/// allocation serves a dozen packets).
const PACKET_BLOCK: usize = 2048;
/// Room kept in the payload buffer at least (a telephone event's four bytes).
const MIN_PAYLOAD: usize = 4;

/// Encodes and writes RTP packets; counts what was sent.
#[derive(Debug)]
pub(super) struct Packetizer {
    pub(super) ssrc: u32,
    pub(super) audio_pt: u8,
    pub(super) dtmf_pt: Option<u8>,
    pub(super) encoder: Encoder,
    /// Encoded payload of the packet being built (grown to the largest frame).
    payload: Vec<u8>,
    /// Where packets are written, allocated with the first one.
    packet: Option<BytesMut>,
    pub(super) send: SendStats,
    /// Sequence numbers the pacer used for packets that were not transmitted.
    pub(super) seq_skew: u16,
    /// The next transmitted packet starts a talkspurt (after a suppressed stretch).
    pub(super) resume_marker: bool,
}

/// `buf`, grown to `len` bytes at least.
fn room(buf: &mut Vec<u8>, len: usize) -> &mut [u8] {
    let len = len.max(MIN_PAYLOAD);
    if buf.len() < len {
        buf.resize(len, 0);
    }
    buf
}

impl Packetizer {
    /// A packetizer for `ssrc` with these payload types; the stream starts unsent.
    pub(super) fn new(ssrc: u32, audio_pt: u8, dtmf_pt: Option<u8>, encoder: Encoder) -> Self {
        Self {
            ssrc,
            audio_pt,
            dtmf_pt,
            encoder,
            payload: Vec::new(),
            packet: None,
            send: SendStats::default(),
            seq_skew: 0,
            resume_marker: false,
        }
    }

    fn transmit(
        &mut self,
        header: RtpHeader,
        payload_len: usize,
        from: SocketAddr,
        to: Option<SocketAddr>,
        out: &mut Outputs,
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
        let packet = self
            .packet
            .get_or_insert_with(|| BytesMut::with_capacity(PACKET_BLOCK));
        packet.reserve(RtpHeader::packet_len(0, payload.len()));
        if header.write_to(&[], payload, packet).is_err() {
            packet.clear();
            return;
        }
        self.send.on_sent(payload.len());
        out.push_back(MediaOutput::Transmit {
            from,
            to,
            data: packet.split().freeze(),
        });
    }

    pub(super) fn audio(
        &mut self,
        frame: OutFrame<'_>,
        from: SocketAddr,
        to: Option<SocketAddr>,
        out: &mut Outputs,
    ) {
        let len = if to.is_some() {
            self.encoder
                .encode(frame.pcm, room(&mut self.payload, frame.pcm.len()))
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
        out: &mut Outputs,
    ) {
        let Some(pt) = self.dtmf_pt else {
            return;
        };
        let len = packet.payload.len();
        if let Some(dst) = room(&mut self.payload, len).get_mut(..len) {
            dst.copy_from_slice(&packet.payload);
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
