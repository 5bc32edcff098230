//! Splitting text at ASCII separators: a body into numbered lines (LF or CRLF endings,
//! trailing spaces and tabs trimmed, blank lines skipped but counted), a line into fields.
//!
//! Byte searches, like `str::split` and `str::split_once` with a `char` pattern but
//! cheaper for the short lines and fields of a session description.

use smallvec::SmallVec;

/// One non-blank line of a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Line<'a> {
    /// 1-based line number, counting blank lines too.
    pub(crate) number: usize,
    /// The line without its ending and trailing whitespace; never empty.
    pub(crate) text: &'a str,
}

impl Line<'_> {
    /// The type letter (`v`, `o`, `m`, `a` ...), or 0 for a line too short to have one.
    pub(crate) fn kind(&self) -> u8 {
        self.text.as_bytes().first().copied().unwrap_or(0)
    }
}

/// Appends the non-blank lines of `text` to `all`, in order. Collecting stops after the
/// first line numbered above `limit` that is not the first line (reading that one is an
/// error).
pub(crate) fn collect_lines<'a>(text: &'a str, limit: usize, all: &mut SmallVec<[Line<'a>; 32]>) {
    let mut rest = text;
    let mut number = 0;
    loop {
        number += 1;
        let (line, tail) = next_field(rest, b'\n');
        let line = trim_end(line);
        if !line.is_empty() {
            let over = number > limit && !all.is_empty();
            all.push(Line { number, text: line });
            if over {
                break;
            }
        }
        match tail {
            Some(tail) => rest = tail,
            None => break,
        }
    }
}

/// `line` without trailing CR, spaces and tabs.
fn trim_end(line: &str) -> &str {
    // Usually a CRLF line: only its CR to drop.
    if let [.., last, b'\r'] = line.as_bytes()
        && !matches!(last, b'\r' | b' ' | b'\t')
    {
        return line.get(..line.len() - 1).unwrap_or(line);
    }
    let kept = line
        .bytes()
        .rposition(|b| !matches!(b, b'\r' | b' ' | b'\t'))
        .map_or(0, |last| last + 1);
    // Only ASCII bytes were dropped, so `kept` is a character boundary.
    line.get(..kept).unwrap_or(line)
}

/// Splits `s` at the first `sep` (an ASCII byte), like `str::split_once`.
pub(crate) fn split_once(s: &str, sep: u8) -> Option<(&str, &str)> {
    match next_field(s, sep) {
        (head, Some(tail)) => Some((head, tail)),
        (_, None) => None,
    }
}

/// The fields of `s` between `sep` bytes (an ASCII separator), like `str::split`: empty
/// fields are kept and there is always at least one.
pub(crate) fn fields(s: &str, sep: u8) -> Fields<'_> {
    Fields { rest: Some(s), sep }
}

/// Iterator over the fields of a text (see [`fields`]).
#[derive(Debug, Clone)]
pub(crate) struct Fields<'a> {
    /// What follows the last field read; `None` after the last field.
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let (field, tail) = next_field(self.rest?, self.sep);
        self.rest = tail;
        Some(field)
    }
}

/// The text before the first `sep`, and what follows it (`None` when there is no `sep`).
fn next_field(s: &str, sep: u8) -> (&str, Option<&str>) {
    let found = find_byte(s.as_bytes(), sep);
    // `sep` is ASCII, so both ends of it are character boundaries.
    match found.and_then(|i| Some((s.get(..i)?, s.get(i + 1..)?))) {
        Some((head, tail)) => (head, Some(tail)),
        None => (s, None),
    }
}

/// The index of the first `needle` in `hay`, eight bytes at a time.
fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let pattern = ONES * u64::from(needle);
    let mut words = hay.chunks_exact(8);
    let mut offset = 0;
    for word in &mut words {
        let bytes: [u8; 8] = word.try_into().unwrap_or_default();
        // Bytes equal to `needle` become zero; the lowest flagged byte is the first zero
        // (a borrow can only flag bytes above a zero byte).
        let x = u64::from_le_bytes(bytes) ^ pattern;
        let zeros = x.wrapping_sub(ONES) & !x & HIGHS;
        if zeros != 0 {
            return Some(offset + (zeros.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    let tail = words.remainder().iter().position(|&b| b == needle)?;
    Some(offset + tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(text: &str, limit: usize) -> SmallVec<[Line<'_>; 32]> {
        let mut all = SmallVec::new();
        collect_lines(text, limit, &mut all);
        all
    }

    fn all(text: &str) -> Vec<(usize, &str)> {
        collect(text, usize::MAX)
            .iter()
            .map(|l| (l.number, l.text))
            .collect()
    }

    #[test]
    fn blank_lines_are_counted_but_skipped() {
        assert_eq!(all("v=0\r\n\r\no=x \t\r\n"), [(1, "v=0"), (3, "o=x")]);
        assert_eq!(all("a\nb"), [(1, "a"), (2, "b")]);
        assert_eq!(all(""), []);
        assert_eq!(all("\n\n \n"), []);
    }

    #[test]
    fn fields_and_split_once_match_the_str_methods() {
        for s in [
            "",
            " ",
            "a",
            "a b",
            "a  b ",
            " a",
            "é ü",
            "IN IP4 127.0.0.1",
        ] {
            assert_eq!(
                fields(s, b' ').collect::<Vec<_>>(),
                s.split(' ').collect::<Vec<_>>()
            );
            assert_eq!(split_once(s, b' '), s.split_once(' '));
        }
    }

    #[test]
    fn find_byte_finds_the_first_occurrence() {
        let hay = b"0123456789abcdef\n\nxyz ";
        for needle in [b'0', b'7', b'8', b'f', b'\n', b'z', b' ', b'!', 0x80, 0xff] {
            let want = hay.iter().position(|&b| b == needle);
            for start in 0..hay.len() {
                let got = find_byte(&hay[start..], needle);
                let want = hay[start..].iter().position(|&b| b == needle);
                assert_eq!(got, want, "{needle} from {start}");
            }
            assert_eq!(find_byte(hay, needle), want);
        }
        assert_eq!(find_byte("é€ü 1".as_bytes(), b' '), Some(7));
    }

    #[test]
    fn lines_match_splitting_the_str() {
        let pieces = [
            "\n", "a", "\u{b}", "\r", " ", "\t", "é", "\r\n", "xyz", "\n\n",
        ];
        for seed in 0u32..400 {
            // A deterministic mix of pieces, long enough to span several eight-byte words.
            let text: String = (0..12)
                .map(|k| pieces[((seed.wrapping_mul(2_654_435_761) >> (k * 2)) as usize + k) % 10])
                .collect();
            let want: Vec<(usize, &str)> = text
                .split('\n')
                .map(|l| l.trim_end_matches(['\r', ' ', '\t']))
                .enumerate()
                .map(|(i, l)| (i + 1, l))
                .filter(|(_, l)| !l.is_empty())
                .collect();
            assert_eq!(all(&text), want, "{text:?}");
        }
    }

    #[test]
    fn collecting_stops_after_the_first_line_over_the_limit() {
        assert_eq!(collect("\n\n\nv=0\na\nb\nc", 2).len(), 2);
        assert_eq!(collect("v=0\na\nb\nc", 2).len(), 3);
        assert_eq!(collect("v=0\na\nb\nc", 10).len(), 4);
    }

    #[test]
    fn kind_is_the_first_byte() {
        let l = collect("m=audio", 10);
        assert_eq!(l.first().map(|l| l.kind()), Some(b'm'));
    }
}
