//! Writing SDP text as bytes, without `core::fmt`: the sink the printer writes to, and the
//! decimal numbers and IPv4 addresses it needs.

use smallvec::SmallVec;
use std::net::Ipv4Addr;

/// Where printed text goes: a buffer, or a counter that sizes the buffer first.
pub(crate) trait Sink {
    /// Appends bytes (always UTF-8 text).
    fn put(&mut self, bytes: &[u8]);

    /// Appends a number in decimal.
    fn put_decimal(&mut self, n: u64) {
        self.put(Decimal::new(n).as_bytes());
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl<const N: usize> Sink for SmallVec<[u8; N]> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Counts the bytes instead of keeping them, to size a buffer exactly.
#[derive(Debug, Default)]
pub(crate) struct Count(pub(crate) usize);

impl Sink for Count {
    fn put(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }

    fn put_decimal(&mut self, n: u64) {
        self.0 += decimal_len(n);
    }
}

/// `00` to `99`, for writing two digits at a time.
const PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// The decimal digits of a number, most significant first.
pub(crate) struct Decimal {
    buf: [u8; 20],
    start: usize,
}

impl Decimal {
    /// The digits of `n` (u64::MAX has 20), written two at a time.
    pub(crate) fn new(mut n: u64) -> Decimal {
        let mut buf = [b'0'; 20];
        let mut start = buf.len();
        while n >= 10 && start >= 2 {
            // `n % 100` is below 100, so the cast keeps it.
            let pair = 2 * (n % 100) as usize;
            start -= 2;
            if let (Some(dst), Some(src)) =
                (buf.get_mut(start..start + 2), PAIRS.get(pair..pair + 2))
            {
                dst.copy_from_slice(src);
            }
            n /= 100;
        }
        if n > 0 || start == buf.len() {
            start -= 1;
            if let Some(slot) = buf.get_mut(start) {
                // `n` is a single digit here.
                *slot = b'0' + n as u8;
            }
        }
        Decimal { buf, start }
    }

    /// The digits as ASCII.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or_default()
    }
}

/// The number of decimal digits of `n`.
fn decimal_len(n: u64) -> usize {
    let mut len = 1;
    let mut rest = n / 10;
    while rest > 0 {
        len += 1;
        rest /= 10;
    }
    len
}

/// A dotted-quad IPv4 address (at most 15 bytes).
pub(crate) fn ipv4_text(ip: Ipv4Addr) -> SmallVec<[u8; 16]> {
    let mut out = SmallVec::new();
    for (i, octet) in ip.octets().into_iter().enumerate() {
        if i > 0 {
            out.push(b'.');
        }
        out.put_decimal(u64::from(octet));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_match_the_standard_formatting() {
        let mut cases = vec![
            0,
            7,
            9,
            10,
            11,
            99,
            100,
            101,
            255,
            999,
            1000,
            8000,
            2_890_844_526,
        ];
        cases.extend([u64::MAX, u64::MAX - 1, 10_000_000_000_000_000_000]);
        cases.extend((0..20).map(|e| 10u64.pow(e)));
        cases.extend((1..20).map(|e| 10u64.pow(e) - 1));
        for n in cases {
            let d = Decimal::new(n);
            assert_eq!(d.as_bytes(), n.to_string().as_bytes());
            let mut c = Count::default();
            c.put_decimal(n);
            assert_eq!(c.0, n.to_string().len());
        }
    }

    #[test]
    fn ipv4_matches_the_standard_formatting() {
        for ip in ["0.0.0.0", "127.0.0.1", "10.47.16.5", "255.255.255.255"] {
            let ip: Ipv4Addr = ip.parse().unwrap_or_else(|e| panic!("{ip}: {e}"));
            assert_eq!(ipv4_text(ip).as_slice(), ip.to_string().as_bytes());
        }
    }
}
