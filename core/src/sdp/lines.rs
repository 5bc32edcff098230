//! Splitting a body into numbered lines: LF or CRLF endings, trailing spaces and tabs
//! trimmed, blank lines skipped (but counted).

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

/// The non-blank lines of `text`.
pub(crate) fn lines(text: &str) -> Lines<'_> {
    Lines {
        rest: Some(text),
        number: 0,
    }
}

/// Iterator over the non-blank lines of a body (see [`lines`]).
#[derive(Debug, Clone)]
pub(crate) struct Lines<'a> {
    /// What follows the last line read; `None` after the last line.
    rest: Option<&'a str>,
    /// Number of the last line read.
    number: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        loop {
            let rest = self.rest?;
            let (line, tail) = match rest.split_once('\n') {
                Some((line, tail)) => (line, Some(tail)),
                None => (rest, None),
            };
            self.rest = tail;
            self.number += 1;
            let text = line.trim_end_matches(['\r', ' ', '\t']);
            if !text.is_empty() {
                return Some(Line {
                    number: self.number,
                    text,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<(usize, &str)> {
        lines(text).map(|l| (l.number, l.text)).collect()
    }

    #[test]
    fn blank_lines_are_counted_but_skipped() {
        assert_eq!(all("v=0\r\n\r\no=x \t\r\n"), [(1, "v=0"), (3, "o=x")]);
        assert_eq!(all("a\nb"), [(1, "a"), (2, "b")]);
        assert_eq!(all(""), []);
        assert_eq!(all("\n\n \n"), []);
    }

    #[test]
    fn kind_is_the_first_byte() {
        let l = lines("m=audio").next();
        assert_eq!(l.map(|l| l.kind()), Some(b'm'));
    }
}
