//! Writing SDP text as bytes, without `core::fmt`: the sink the printer writes to, and the
//! decimal numbers it needs.

use super::text::{INLINE, Text};

/// Where printed text goes (a byte buffer).
pub(crate) trait Sink {
    /// Appends bytes (always UTF-8 text).
    fn put(&mut self, bytes: &[u8]);

    /// Appends a number in decimal.
    fn put_decimal(&mut self, n: u64) {
        self.put(Decimal::new(n).as_bytes());
    }

    /// Appends a text.
    fn put_text(&mut self, text: &Text) {
        self.put(text.as_bytes());
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// A fixed buffer on the stack: printing into it and copying the result once gives a body
/// allocated at its exact size (a growing `Vec` would be over-sized, and turning one that
/// is not full into `Bytes` allocates a second time).
pub(crate) struct ArraySink<const N: usize> {
    buf: [u8; N],
    len: usize,
    /// Something did not fit; the buffer holds only what came before it.
    overflow: bool,
}

impl<const N: usize> ArraySink<N> {
    /// An empty buffer.
    pub(crate) fn new() -> Self {
        ArraySink {
            buf: [0; N],
            len: 0,
            overflow: false,
        }
    }

    /// Everything written, or `None` when it did not fit.
    pub(crate) fn written(&self) -> Option<&[u8]> {
        match self.overflow {
            true => None,
            false => self.buf.get(..self.len),
        }
    }
}

impl<const N: usize> ArraySink<N> {
    /// The next `M` bytes of the buffer (written or not), when they exist.
    fn room<const M: usize>(&mut self) -> Option<&mut [u8; M]> {
        let end = self.len.checked_add(M)?;
        self.buf.get_mut(self.len..end)?.try_into().ok()
    }
}

impl<const N: usize> Sink for ArraySink<N> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        match self.buf.get_mut(self.len..end) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                self.len = end;
            }
            None => self.overflow = true,
        }
    }

    /// Digits written in place, two at a time (no intermediate buffer to copy).
    fn put_decimal(&mut self, n: u64) {
        match self.room::<20>() {
            Some(dst) => {
                let len = write_decimal(dst, n);
                self.len += len;
            }
            None => self.put(Decimal::new(n).as_bytes()),
        }
    }

    /// A text stored inline is copied as one fixed-size block (the bytes after it are
    /// overwritten by what follows or never read): no copy call for a short field.
    fn put_text(&mut self, text: &Text) {
        if let Some((whole, len)) = text.inline_parts()
            && let Some(dst) = self.room::<INLINE>()
        {
            *dst = *whole;
            self.len += len;
            return;
        }
        self.put(text.as_bytes());
    }
}

/// How many decimal digits `n` has (1 to 20); cheap for the small numbers SDP mostly holds.
fn decimal_len(n: u64) -> usize {
    let mut len = 1;
    let mut bound = 10u64;
    while n >= bound {
        len += 1;
        if len == 20 {
            break;
        }
        bound *= 10;
    }
    len
}

/// Writes the decimal digits of `n` at the start of `dst` (u64::MAX has 20); returns how
/// many.
fn write_decimal(dst: &mut [u8; 20], mut n: u64) -> usize {
    let len = decimal_len(n);
    let mut end = len;
    while n >= 10 && end >= 2 {
        // `n % 100` is below 100, so the cast keeps it.
        let pair = 2 * (n % 100) as usize;
        if let (Some(d), Some(src)) = (dst.get_mut(end - 2..end), PAIRS.get(pair..pair + 2)) {
            d.copy_from_slice(src);
        }
        end -= 2;
        n /= 100;
    }
    if end == 1
        && let Some(slot) = dst.first_mut()
    {
        // `n` is a single digit here.
        *slot = b'0' + n as u8;
    }
    len
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_written_whole_and_alike_by_both_sinks() {
        let texts = [
            Text::from_static(""),
            Text::from_static("IN"),
            Text::copy_from_str("255.255.255.255"),
            Text::from_static("telephone-event"),
            Text::from_static("a text longer than the inline capacity"),
        ];
        let mut vec = Vec::new();
        let mut array = ArraySink::<256>::new();
        for t in &texts {
            vec.put_text(t);
            array.put_text(t);
            vec.put(b"|");
            array.put(b"|");
        }
        assert_eq!(
            vec,
            b"|IN|255.255.255.255|telephone-event|a text longer than the inline capacity|"
        );
        assert_eq!(array.written(), Some(vec.as_slice()));
        // Near the end of the buffer the block copy does not fit: the text still does.
        let mut tight = ArraySink::<4>::new();
        tight.put_text(&Text::from_static("IN"));
        tight.put_text(&Text::from_static("IP"));
        assert_eq!(tight.written(), Some(&b"INIP"[..]));
        tight.put_text(&Text::from_static("4"));
        assert_eq!(tight.written(), None);
    }

    #[test]
    fn an_array_sink_keeps_what_fits_and_flags_the_rest() {
        let mut s = ArraySink::<8>::new();
        s.put(b"v=0\r\n");
        assert_eq!(s.written(), Some(&b"v=0\r\n"[..]));
        s.put(b"o=");
        assert_eq!(s.written(), Some(&b"v=0\r\no="[..]));
        s.put(b"xy");
        assert_eq!(s.written(), None);
    }

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
            let mut out = b"x".to_vec();
            out.put_decimal(n);
            assert_eq!(out, format!("x{n}").as_bytes());
            let mut array = ArraySink::<24>::new();
            array.put(b"x");
            array.put_decimal(n);
            assert_eq!(array.written(), Some(out.as_slice()));
            // Too little room for the in-place digits: the copying path, same text.
            let mut tight = ArraySink::<20>::new();
            tight.put(b"x");
            tight.put_decimal(n);
            let fits = out.len() <= 20;
            assert_eq!(tight.written(), fits.then_some(out.as_slice()));
        }
    }
}
