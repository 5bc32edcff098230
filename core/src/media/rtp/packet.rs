//! RTP packets (RFC 3550 §5.1): a zero-copy parsed view and a builder into caller buffers.

use bytes::{BufMut, Bytes, BytesMut};
use std::ops::Range;

/// Length of the fixed RTP header, without CSRCs or extension.
pub const RTP_HEADER_LEN: usize = 12;

/// Why a datagram is not a valid RTP packet. Every variant is malformed input from the peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RtpError {
    /// Fewer bytes than the header announces.
    #[error("RTP packet truncated: {len} bytes, header needs {needed}")]
    Truncated {
        /// Bytes received.
        len: usize,
        /// Bytes the header needs.
        needed: usize,
    },
    /// The version field is not 2.
    #[error("RTP version {0}, expected 2")]
    BadVersion(u8),
    /// The padding count is zero or longer than the packet body.
    #[error("RTP padding length {0} does not fit the packet")]
    BadPadding(u8),
}

/// Why a packet could not be written. API misuse by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RtpBuildError {
    /// The output buffer is smaller than the packet.
    #[error("output buffer too small: need {needed} bytes, have {available}")]
    BufferTooSmall {
        /// Bytes the packet needs.
        needed: usize,
        /// Bytes the buffer offers.
        available: usize,
    },
    /// More than 15 contributing sources.
    #[error("at most 15 CSRCs fit an RTP header, got {0}")]
    TooManyCsrcs(usize),
    /// Payload type above 127.
    #[error("payload type {0} does not fit 7 bits")]
    BadPayloadType(u8),
}

/// A header extension (RFC 3550 §5.3.1): the profile word and the extension body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpExtension<'a> {
    /// The 16-bit profile-defined identifier (0xBEDE for RFC 8285 one-byte headers).
    pub profile: u16,
    /// The extension body (a multiple of 4 bytes), without its 4-byte preamble.
    pub data: &'a [u8],
}

/// A parsed RTP packet: a view over the received bytes, nothing copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpPacket<'a> {
    buf: &'a [u8],
    csrc_end: usize,
    extension: Option<(u16, usize, usize)>,
    payload: (usize, usize),
}

impl<'a> RtpPacket<'a> {
    /// Parses and validates a datagram as RTP (version 2, CSRCs, extension and padding inside it).
    pub fn parse(buf: &'a [u8]) -> Result<Self, RtpError> {
        let truncated = |needed| RtpError::Truncated {
            len: buf.len(),
            needed,
        };
        let (Some(&b0), Some(_)) = (buf.first(), buf.get(RTP_HEADER_LEN - 1)) else {
            return Err(truncated(RTP_HEADER_LEN));
        };
        let version = b0 >> 6;
        if version != 2 {
            return Err(RtpError::BadVersion(version));
        }
        let csrc_end = RTP_HEADER_LEN + 4 * usize::from(b0 & 0x0f);
        if buf.len() < csrc_end {
            return Err(truncated(csrc_end));
        }
        let mut payload_start = csrc_end;
        let mut extension = None;
        if b0 & 0x10 != 0 {
            let preamble = buf
                .get(csrc_end..csrc_end + 4)
                .ok_or(truncated(csrc_end + 4))?;
            let profile = u16::from_be_bytes([preamble[0], preamble[1]]);
            let words = usize::from(u16::from_be_bytes([preamble[2], preamble[3]]));
            let start = csrc_end + 4;
            let end = start + 4 * words;
            if buf.len() < end {
                return Err(truncated(end));
            }
            extension = Some((profile, start, end));
            payload_start = end;
        }
        let mut payload_end = buf.len();
        if b0 & 0x20 != 0 {
            let pad = buf.last().copied().unwrap_or(0);
            if pad == 0 || usize::from(pad) > buf.len() - payload_start {
                return Err(RtpError::BadPadding(pad));
            }
            payload_end -= usize::from(pad);
        }
        Ok(Self {
            buf,
            csrc_end,
            extension,
            payload: (payload_start, payload_end),
        })
    }

    fn word(&self, at: usize) -> u32 {
        match self.buf.get(at..at + 4) {
            Some(b) => u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
            None => 0,
        }
    }

    /// The marker bit (start of a talkspurt for audio).
    pub fn marker(&self) -> bool {
        self.buf.get(1).is_some_and(|b| b & 0x80 != 0)
    }

    /// The 7-bit payload type.
    pub fn payload_type(&self) -> u8 {
        self.buf.get(1).map_or(0, |b| b & 0x7f)
    }

    /// The 16-bit sequence number.
    pub fn sequence(&self) -> u16 {
        (self.word(0) & 0xffff) as u16
    }

    /// The 32-bit media timestamp.
    pub fn timestamp(&self) -> u32 {
        self.word(4)
    }

    /// The synchronisation source identifier.
    pub fn ssrc(&self) -> u32 {
        self.word(8)
    }

    /// Whether the padding bit was set.
    pub fn has_padding(&self) -> bool {
        self.payload.1 != self.buf.len()
    }

    /// The contributing source identifiers, in order.
    pub fn csrcs(&self) -> impl Iterator<Item = u32> + 'a {
        let list = self.buf.get(RTP_HEADER_LEN..self.csrc_end).unwrap_or(&[]);
        list.chunks_exact(4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
    }

    /// The header extension, if the X bit was set.
    pub fn extension(&self) -> Option<RtpExtension<'a>> {
        let (profile, start, end) = self.extension?;
        Some(RtpExtension {
            profile,
            data: self.buf.get(start..end)?,
        })
    }

    /// The payload, without header, extension or padding.
    pub fn payload(&self) -> &'a [u8] {
        self.buf.get(self.payload.0..self.payload.1).unwrap_or(&[])
    }

    /// Where the payload sits in the parsed buffer, to slice a shared `Bytes` without copying.
    pub fn payload_range(&self) -> Range<usize> {
        self.payload.0..self.payload.1
    }

    /// The payload as a slice of the `Bytes` this packet was parsed from (`whole` must be it).
    pub fn payload_bytes(&self, whole: &Bytes) -> Bytes {
        if whole.as_ptr() == self.buf.as_ptr() && whole.len() == self.buf.len() {
            whole.slice(self.payload_range())
        } else {
            Bytes::copy_from_slice(self.payload())
        }
    }
}

/// The fields of an RTP header to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RtpHeader {
    /// Marker bit.
    pub marker: bool,
    /// Payload type (0..=127).
    pub payload_type: u8,
    /// Sequence number.
    pub sequence: u16,
    /// Media timestamp.
    pub timestamp: u32,
    /// Synchronisation source.
    pub ssrc: u32,
}

impl RtpHeader {
    /// Total packet length for this header with `csrcs` and a payload of `payload_len` bytes.
    pub fn packet_len(csrcs: usize, payload_len: usize) -> usize {
        RTP_HEADER_LEN + 4 * csrcs + payload_len
    }

    fn check(&self, csrcs: &[u32]) -> Result<(), RtpBuildError> {
        if self.payload_type > 127 {
            return Err(RtpBuildError::BadPayloadType(self.payload_type));
        }
        if csrcs.len() > 15 {
            return Err(RtpBuildError::TooManyCsrcs(csrcs.len()));
        }
        Ok(())
    }

    fn first_bytes(&self, csrcs: usize) -> [u8; 2] {
        [
            0x80 | (csrcs as u8 & 0x0f),
            (u8::from(self.marker) << 7) | (self.payload_type & 0x7f),
        ]
    }

    /// Writes header, CSRCs and payload into `out`; returns the packet length.
    pub fn write(
        &self,
        csrcs: &[u32],
        payload: &[u8],
        out: &mut [u8],
    ) -> Result<usize, RtpBuildError> {
        self.check(csrcs)?;
        let needed = Self::packet_len(csrcs.len(), payload.len());
        let available = out.len();
        let Some(out) = out.get_mut(..needed) else {
            return Err(RtpBuildError::BufferTooSmall { needed, available });
        };
        let (head, rest) = out.split_at_mut(RTP_HEADER_LEN);
        head[..2].copy_from_slice(&self.first_bytes(csrcs.len()));
        head[2..4].copy_from_slice(&self.sequence.to_be_bytes());
        head[4..8].copy_from_slice(&self.timestamp.to_be_bytes());
        head[8..12].copy_from_slice(&self.ssrc.to_be_bytes());
        let (list, body) = rest.split_at_mut(4 * csrcs.len());
        for (slot, csrc) in list.chunks_exact_mut(4).zip(csrcs) {
            slot.copy_from_slice(&csrc.to_be_bytes());
        }
        body.copy_from_slice(payload);
        Ok(needed)
    }

    /// Appends the packet to `out` (no allocation when `out` has the capacity reserved).
    pub fn write_to(
        &self,
        csrcs: &[u32],
        payload: &[u8],
        out: &mut BytesMut,
    ) -> Result<usize, RtpBuildError> {
        self.check(csrcs)?;
        out.put_slice(&self.first_bytes(csrcs.len()));
        out.put_u16(self.sequence);
        out.put_u32(self.timestamp);
        out.put_u32(self.ssrc);
        for csrc in csrcs {
            out.put_u32(*csrc);
        }
        out.put_slice(payload);
        Ok(Self::packet_len(csrcs.len(), payload.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header of [`sample`].
    fn sample_header() -> RtpHeader {
        RtpHeader {
            marker: true,
            payload_type: 9,
            sequence: 0xfffe,
            timestamp: 0xdead_beef,
            ssrc: 0x2222_0009,
        }
    }

    /// A packet with a marker, two CSRCs and a 4-byte payload, written by the slice writer.
    fn sample() -> Vec<u8> {
        let mut out = vec![0u8; 64];
        let n = sample_header().write(&[7, 8], b"abcd", &mut out).unwrap();
        out.truncate(n);
        out
    }

    #[test]
    fn build_then_parse_round_trips_every_field() {
        let buf = sample();
        let p = RtpPacket::parse(&buf).unwrap();
        assert!(p.marker());
        assert_eq!(p.payload_type(), 9);
        assert_eq!(p.sequence(), 0xfffe);
        assert_eq!(p.timestamp(), 0xdead_beef);
        assert_eq!(p.ssrc(), 0x2222_0009);
        assert_eq!(p.csrcs().collect::<Vec<_>>(), vec![7, 8]);
        assert_eq!(p.payload(), b"abcd");
        assert!(p.extension().is_none());
    }

    #[test]
    fn write_to_bytesmut_matches_slice_writer() {
        let mut out = BytesMut::with_capacity(64);
        let n = sample_header()
            .write_to(&[7, 8], b"abcd", &mut out)
            .unwrap();
        assert_eq!(n, out.len());
        assert_eq!(&out[..], &sample()[..]);
    }

    #[test]
    fn rejects_wrong_version() {
        let mut buf = sample();
        buf[0] = (buf[0] & 0x3f) | 0x40;
        assert_eq!(RtpPacket::parse(&buf), Err(RtpError::BadVersion(1)));
    }

    #[test]
    fn rejects_short_header() {
        assert!(matches!(
            RtpPacket::parse(&[0x80, 0, 0]),
            Err(RtpError::Truncated { needed: 12, .. })
        ));
    }

    #[test]
    fn rejects_csrc_list_past_end() {
        let mut buf = sample();
        buf[0] |= 0x0f;
        assert!(matches!(
            RtpPacket::parse(&buf),
            Err(RtpError::Truncated { needed: 72, .. })
        ));
    }

    #[test]
    fn parses_header_extension() {
        let mut buf = vec![0x90, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3];
        buf.extend_from_slice(&[0xbe, 0xde, 0, 1, 1, 2, 3, 4, 0xaa]);
        let p = RtpPacket::parse(&buf).unwrap();
        let ext = p.extension().unwrap();
        assert_eq!(ext.profile, 0xbede);
        assert_eq!(ext.data, &[1, 2, 3, 4]);
        assert_eq!(p.payload(), &[0xaa]);
    }

    #[test]
    fn rejects_extension_past_end() {
        let mut buf = vec![0x90, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3];
        buf.extend_from_slice(&[0xbe, 0xde, 0, 2, 1, 2, 3, 4]);
        assert!(matches!(
            RtpPacket::parse(&buf),
            Err(RtpError::Truncated { .. })
        ));
    }

    #[test]
    fn strips_padding() {
        let mut buf = sample();
        buf[0] |= 0x20;
        buf.extend_from_slice(&[0, 0, 3]);
        let p = RtpPacket::parse(&buf).unwrap();
        assert!(p.has_padding());
        assert_eq!(p.payload(), b"abcd");
    }

    #[test]
    fn rejects_padding_longer_than_body() {
        let mut buf = sample();
        buf[0] |= 0x20;
        let last = buf.len() - 1;
        buf[last] = 40;
        assert_eq!(RtpPacket::parse(&buf), Err(RtpError::BadPadding(40)));
    }

    #[test]
    fn rejects_zero_padding_count() {
        let mut buf = sample();
        buf[0] |= 0x20;
        buf.push(0);
        assert_eq!(RtpPacket::parse(&buf), Err(RtpError::BadPadding(0)));
    }

    #[test]
    fn payload_bytes_shares_the_buffer() {
        let whole = Bytes::from(sample());
        let p = RtpPacket::parse(&whole).unwrap();
        let payload = p.payload_bytes(&whole);
        assert_eq!(&payload[..], b"abcd");
        assert_eq!(payload.as_ptr(), whole[p.payload_range()].as_ptr());
    }

    #[test]
    fn build_reports_small_buffer() {
        let mut out = [0u8; 10];
        let err = RtpHeader::default().write(&[], b"xy", &mut out);
        assert_eq!(
            err,
            Err(RtpBuildError::BufferTooSmall {
                needed: 14,
                available: 10
            })
        );
    }

    #[test]
    fn build_rejects_bad_payload_type_and_csrcs() {
        let mut out = [0u8; 100];
        let bad = RtpHeader {
            payload_type: 200,
            ..RtpHeader::default()
        };
        assert_eq!(
            bad.write(&[], &[], &mut out),
            Err(RtpBuildError::BadPayloadType(200))
        );
        assert_eq!(
            RtpHeader::default().write(&[0; 16], &[], &mut out),
            Err(RtpBuildError::TooManyCsrcs(16))
        );
    }

    #[test]
    fn header_bytes_follow_the_rfc_layout() {
        let header = RtpHeader {
            marker: true,
            payload_type: 9,
            sequence: 0x1234,
            timestamp: 0x5678_9abc,
            ssrc: 0xdef0_1234,
        };
        let mut out = [0u8; 14];
        assert_eq!(header.write(&[], &[0xaa, 0xbb], &mut out), Ok(14));
        let expected = [
            0x80, 0x89, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0xaa, 0xbb,
        ];
        assert_eq!(out, expected);
    }
}
