//! DTMF over RTP (RFC 4733 telephone-events): the 4-byte payload, the receiver and the sender.
//!
//! The payload of a telephone-event packet is
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     event     |E|R| volume    |          duration             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! Events 0–15 are the DTMF keys `0`–`9`, `*`, `#`, `A`–`D`. One key press is one event,
//! identified by its RTP timestamp (the start of the press); the duration grows in every
//! update and the last packet, with the E bit, is usually sent three times.

mod rx;
mod tx;

pub use rx::{DtmfEvent, DtmfReceiver, DtmfRxConfig, DtmfRxStats, RtpEventInput};
pub use tx::{DtmfPacket, DtmfSender, DtmfSlot, DtmfTxConfig, DtmfTxError};

/// The DTMF keys in event-code order (RFC 4733 §3.2, events 0–15).
const DIGITS: &[u8; 16] = b"0123456789*#ABCD";

/// The key for a DTMF event code (0–15), or `None` for any other event.
pub fn dtmf_digit(event: u8) -> Option<char> {
    DIGITS.get(usize::from(event)).map(|&b| char::from(b))
}

/// The event code for a DTMF key (`0`–`9`, `*`, `#`, `A`–`D`, letters in either case).
pub fn dtmf_event_code(digit: char) -> Option<u8> {
    let upper = digit.to_ascii_uppercase();
    DIGITS
        .iter()
        .position(|&b| char::from(b) == upper)
        .and_then(|i| u8::try_from(i).ok())
}

/// One decoded telephone-event payload (the first four bytes of the RTP payload).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventPayload {
    /// Event code (0–15 for DTMF keys).
    pub event: u8,
    /// E bit: this packet ends the event.
    pub end: bool,
    /// Volume in -dBm0 (0–63).
    pub volume: u8,
    /// Duration in RTP clock ticks since the event's timestamp.
    pub duration: u16,
}

impl EventPayload {
    /// Decodes the first four bytes of `payload`; `None` when it is shorter than four bytes.
    pub fn parse(payload: &[u8]) -> Option<Self> {
        match *payload {
            [event, flags, d0, d1, ..] => Some(Self {
                event,
                end: flags & 0x80 != 0,
                volume: flags & 0x3f,
                duration: u16::from_be_bytes([d0, d1]),
            }),
            _ => None,
        }
    }

    /// Encodes the payload (the reserved bit is sent as zero, the volume masked to 6 bits).
    pub fn to_bytes(self) -> [u8; 4] {
        let [d0, d1] = self.duration.to_be_bytes();
        let flags = if self.end { 0x80 } else { 0 } | (self.volume & 0x3f);
        [self.event, flags, d0, d1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_round_trip_through_event_codes() {
        for code in 0u8..16 {
            let digit = dtmf_digit(code).expect("DTMF event");
            assert_eq!(dtmf_event_code(digit), Some(code));
        }
        assert_eq!(dtmf_digit(16), None);
        assert_eq!(dtmf_event_code('a'), Some(12));
        assert_eq!(dtmf_event_code('x'), None);
    }

    #[test]
    fn payload_round_trips_and_rejects_short_input() {
        let p = EventPayload {
            event: 11,
            end: true,
            volume: 10,
            duration: 1440,
        };
        let bytes = p.to_bytes();
        assert_eq!(bytes, [11, 0x8a, 0x05, 0xa0]);
        assert_eq!(EventPayload::parse(&bytes), Some(p));
        assert_eq!(EventPayload::parse(&bytes[..3]), None);
    }
}
