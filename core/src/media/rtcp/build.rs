//! Writing compound RTCP packets into a caller buffer.

use super::packet::{RTCP_BYE, RTCP_RR, RTCP_SDES, RTCP_SR, SDES_CNAME};
use super::report::{REPORT_BLOCK_LEN, ReportBlock, SENDER_INFO_LEN, SenderInfo};

/// Why a packet could not be written. API misuse by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RtcpBuildError {
    /// The output buffer is smaller than the compound packet.
    #[error("output buffer too small: need {needed} bytes, have {available}")]
    BufferTooSmall {
        /// Bytes needed in total.
        needed: usize,
        /// Bytes the buffer offers.
        available: usize,
    },
    /// More than 31 report blocks or sources in one packet.
    #[error("at most 31 entries fit one RTCP packet, got {0}")]
    TooManyEntries(usize),
    /// A CNAME or reason longer than 255 bytes.
    #[error("text of {0} bytes exceeds 255")]
    TextTooLong(usize),
}

/// Appends RTCP packets to a caller buffer; [`finish`](Self::finish) gives the compound length.
#[derive(Debug)]
pub struct RtcpWriter<'b> {
    out: &'b mut [u8],
    len: usize,
}

impl<'b> RtcpWriter<'b> {
    /// A writer filling `out` from its start.
    pub fn new(out: &'b mut [u8]) -> Self {
        Self { out, len: 0 }
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The compound packet's length.
    pub fn finish(self) -> usize {
        self.len
    }

    /// Reserves `size` bytes (a multiple of 4) and writes the common header into them.
    fn begin(
        &mut self,
        count: usize,
        packet_type: u8,
        size: usize,
    ) -> Result<&mut [u8], RtcpBuildError> {
        if count > 31 {
            return Err(RtcpBuildError::TooManyEntries(count));
        }
        let needed = self.len + size;
        let available = self.out.len();
        let Some(packet) = self.out.get_mut(self.len..needed) else {
            return Err(RtcpBuildError::BufferTooSmall { needed, available });
        };
        packet.fill(0);
        packet[0] = 0x80 | count as u8;
        packet[1] = packet_type;
        packet[2..4].copy_from_slice(&((size / 4 - 1) as u16).to_be_bytes());
        self.len = needed;
        Ok(packet)
    }

    /// Writes a sender report with up to 31 report blocks.
    pub fn sender_report(
        &mut self,
        ssrc: u32,
        info: &SenderInfo,
        blocks: &[ReportBlock],
    ) -> Result<(), RtcpBuildError> {
        let size = 8 + SENDER_INFO_LEN + REPORT_BLOCK_LEN * blocks.len();
        let packet = self.begin(blocks.len(), RTCP_SR, size)?;
        packet[4..8].copy_from_slice(&ssrc.to_be_bytes());
        info.write(&mut packet[8..8 + SENDER_INFO_LEN]);
        let list = &mut packet[8 + SENDER_INFO_LEN..];
        for (slot, block) in list.chunks_exact_mut(REPORT_BLOCK_LEN).zip(blocks) {
            block.write(slot);
        }
        Ok(())
    }

    /// Writes a receiver report with up to 31 report blocks.
    pub fn receiver_report(
        &mut self,
        ssrc: u32,
        blocks: &[ReportBlock],
    ) -> Result<(), RtcpBuildError> {
        let size = 8 + REPORT_BLOCK_LEN * blocks.len();
        let packet = self.begin(blocks.len(), RTCP_RR, size)?;
        packet[4..8].copy_from_slice(&ssrc.to_be_bytes());
        for (slot, block) in packet[8..].chunks_exact_mut(REPORT_BLOCK_LEN).zip(blocks) {
            block.write(slot);
        }
        Ok(())
    }

    /// Writes an SDES packet with one chunk carrying the CNAME.
    pub fn sdes_cname(&mut self, ssrc: u32, cname: &[u8]) -> Result<(), RtcpBuildError> {
        let len =
            u8::try_from(cname.len()).map_err(|_| RtcpBuildError::TextTooLong(cname.len()))?;
        // ssrc, type, length, text, at least one null octet, padded to 32 bits.
        let chunk = (4 + 2 + cname.len() + 1).div_ceil(4) * 4;
        let packet = self.begin(1, RTCP_SDES, 4 + chunk)?;
        packet[4..8].copy_from_slice(&ssrc.to_be_bytes());
        packet[8] = SDES_CNAME;
        packet[9] = len;
        packet[10..10 + cname.len()].copy_from_slice(cname);
        Ok(())
    }

    /// Writes a BYE for up to 31 sources with an optional reason.
    pub fn bye(&mut self, sources: &[u32], reason: Option<&[u8]>) -> Result<(), RtcpBuildError> {
        let reason_len = match reason {
            None => 0,
            Some(r) => {
                (1 + u8::try_from(r.len()).map_err(|_| RtcpBuildError::TextTooLong(r.len()))?
                    as usize)
                    .div_ceil(4)
                    * 4
            }
        };
        let size = 4 + 4 * sources.len() + reason_len;
        let packet = self.begin(sources.len(), RTCP_BYE, size)?;
        let (list, tail) = packet[4..].split_at_mut(4 * sources.len());
        for (slot, ssrc) in list.chunks_exact_mut(4).zip(sources) {
            slot.copy_from_slice(&ssrc.to_be_bytes());
        }
        if let Some(r) = reason {
            tail[0] = r.len() as u8;
            tail[1..1 + r.len()].copy_from_slice(r);
        }
        Ok(())
    }
}
