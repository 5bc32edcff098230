//! The `scheme auth-param *("," auth-param)` grammar shared by challenges and credentials.
//!
//! RFC 3261 §25.1 and RFC 7235 §2.1: parameter names are case-insensitive tokens,
//! values are tokens or quoted strings with backslash escapes. The reader is tolerant of
//! whitespace around `=` and `,` and of empty list elements (`a=1,,b=2`); it rejects
//! duplicates, unterminated quotes and control characters, and never panics.

use std::borrow::Cow;
use std::fmt::{self, Write};

use smallvec::SmallVec;

use super::error::ParseError;

/// More parameters than this in one value is refused (real peers send about ten).
const MAX_PARAMS: usize = 32;
/// Longest scheme name kept in [`ParseError::NotDigest`].
const MAX_SCHEME_ECHO: usize = 32;

/// One `name=value` pair as read from the wire (value unescaped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawParam<'a> {
    /// The name as written (compare with `eq_ignore_ascii_case`).
    pub(crate) name: &'a str,
    /// The value, without quotes and escapes.
    pub(crate) value: Cow<'a, str>,
    /// Whether the value was a quoted string.
    pub(crate) quoted: bool,
}

/// A parameter this module does not interpret, kept so that it can be printed back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraParam {
    /// Parameter name as received.
    pub name: String,
    /// Unescaped value.
    pub value: String,
    /// Whether the value is printed as a quoted string.
    pub quoted: bool,
}

/// Splits `Digest k=v, ...` into its parameters; any other scheme is [`ParseError::NotDigest`].
pub(crate) fn parse_digest(input: &str) -> Result<SmallVec<[RawParam<'_>; 12]>, ParseError> {
    let bytes = input.as_bytes();
    let mut i = skip_ws(bytes, 0);
    if i == bytes.len() {
        return Err(ParseError::Empty);
    }
    let start = i;
    while i < bytes.len() && is_tchar(bytes[i]) {
        i += 1;
    }
    let scheme = input.get(start..i).unwrap_or("");
    if scheme.is_empty() {
        return Err(ParseError::ExpectedName(start));
    }
    if !scheme.eq_ignore_ascii_case("digest") {
        let mut echo = scheme.to_owned();
        echo.truncate(MAX_SCHEME_ECHO);
        return Err(ParseError::NotDigest(echo));
    }
    if i < bytes.len() && !is_ws(bytes[i]) {
        return Err(ParseError::ExpectedName(i));
    }
    parse_params(input, i)
}

fn parse_params(input: &str, mut i: usize) -> Result<SmallVec<[RawParam<'_>; 12]>, ParseError> {
    let bytes = input.as_bytes();
    let mut out: SmallVec<[RawParam<'_>; 12]> = SmallVec::new();
    let mut separated = true;
    loop {
        i = skip_ws(bytes, i);
        if i == bytes.len() {
            return Ok(out);
        }
        if bytes[i] == b',' {
            separated = true;
            i += 1;
            continue;
        }
        if !separated {
            return Err(ParseError::ExpectedComma(i));
        }
        let name_start = i;
        while i < bytes.len() && is_tchar(bytes[i]) {
            i += 1;
        }
        let name = input.get(name_start..i).unwrap_or("");
        if name.is_empty() {
            return Err(ParseError::ExpectedName(name_start));
        }
        i = skip_ws(bytes, i);
        if bytes.get(i) != Some(&b'=') {
            return Err(ParseError::ExpectedEquals(i));
        }
        i = skip_ws(bytes, i + 1);
        let (value, quoted, next) = match bytes.get(i) {
            Some(b'"') => {
                let (v, n) = quoted_string(input, i + 1)?;
                (v, true, n)
            }
            _ => {
                let s = i;
                while i < bytes.len() && is_value_char(bytes[i]) {
                    i += 1;
                }
                let v = input.get(s..i).unwrap_or("");
                if v.is_empty() {
                    return Err(ParseError::ExpectedValue(s));
                }
                (Cow::Borrowed(v), false, i)
            }
        };
        i = next;
        if out.iter().any(|p| p.name.eq_ignore_ascii_case(name)) {
            return Err(ParseError::Duplicate(name.to_ascii_lowercase()));
        }
        if out.len() == MAX_PARAMS {
            return Err(ParseError::TooManyParams);
        }
        out.push(RawParam {
            name,
            value,
            quoted,
        });
        separated = false;
    }
}

/// Reads a quoted string whose opening quote precedes `start`; returns the value and the
/// offset just past the closing quote.
fn quoted_string(input: &str, start: usize) -> Result<(Cow<'_, str>, usize), ParseError> {
    let mut owned: Option<String> = None;
    let mut chars = input.get(start..).unwrap_or("").char_indices();
    while let Some((off, c)) = chars.next() {
        let at = start + off;
        match c {
            '"' => {
                let value = match owned {
                    Some(s) => Cow::Owned(s),
                    None => Cow::Borrowed(input.get(start..at).unwrap_or("")),
                };
                return Ok((value, at + 1));
            }
            '\\' => {
                let (eoff, escaped) = chars.next().ok_or(ParseError::UnterminatedQuote)?;
                if is_forbidden_control(escaped) {
                    return Err(ParseError::ControlChar(start + eoff));
                }
                owned
                    .get_or_insert_with(|| input.get(start..at).unwrap_or("").to_owned())
                    .push(escaped);
            }
            c if is_forbidden_control(c) => return Err(ParseError::ControlChar(at)),
            c => {
                if let Some(s) = owned.as_mut() {
                    s.push(c);
                }
            }
        }
    }
    Err(ParseError::UnterminatedQuote)
}

/// Writes `, name="value"` (or `name="value"` when `first`), escaping `"` and `\`.
pub(crate) fn write_quoted(
    out: &mut impl Write,
    first: bool,
    name: &str,
    value: &str,
) -> fmt::Result {
    out.write_str(if first { " " } else { ", " })?;
    out.write_str(name)?;
    out.write_str("=\"")?;
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.write_char('\\')?;
        }
        out.write_char(c)?;
    }
    out.write_char('"')
}

/// Writes `, name=value` (or ` name=value` when `first`) for a token value.
pub(crate) fn write_token(
    out: &mut impl Write,
    first: bool,
    name: &str,
    value: &str,
) -> fmt::Result {
    out.write_str(if first { " " } else { ", " })?;
    out.write_str(name)?;
    out.write_char('=')?;
    out.write_str(value)
}

/// Writes an uninterpreted parameter, quoting it when it was quoted or is not a strict token.
pub(crate) fn write_extra(out: &mut impl Write, first: bool, p: &ExtraParam) -> fmt::Result {
    if p.quoted || p.value.is_empty() || !p.value.bytes().all(is_tchar) {
        write_quoted(out, first, &p.name, &p.value)
    } else {
        write_token(out, first, &p.name, &p.value)
    }
}

impl ExtraParam {
    /// Copies a wire parameter into an owned one.
    pub(crate) fn from_raw(p: &RawParam<'_>) -> Self {
        ExtraParam {
            name: p.name.to_owned(),
            value: p.value.clone().into_owned(),
            quoted: p.quoted,
        }
    }
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && is_ws(bytes[i]) {
        i += 1;
    }
    i
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// RFC 7230 tchar, a superset of the RFC 3261 token characters.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Characters tolerated in an unquoted value: visible ASCII but `,`, `"` and `\`
/// (wider than a token, because some peers send `uri=sip:a@b` unquoted).
fn is_value_char(b: u8) -> bool {
    (0x21..0x7f).contains(&b) && !matches!(b, b',' | b'"' | b'\\')
}

fn is_forbidden_control(c: char) -> bool {
    (c.is_ascii_control() && c != '\t') || c == '\u{7f}'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(input: &str) -> Vec<(String, String, bool)> {
        parse_digest(input)
            .map(|ps| {
                ps.iter()
                    .map(|p| (p.name.to_owned(), p.value.to_string(), p.quoted))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn reads_tokens_and_quoted_values() {
        let got = names(r#"Digest a=1, b="two, three""#);
        assert_eq!(
            got,
            vec![
                ("a".into(), "1".into(), false),
                ("b".into(), "two, three".into(), true)
            ]
        );
    }

    #[test]
    fn unescapes_quoted_pairs() {
        let got = names(r#"Digest realm="a\"b\\c\d""#);
        assert_eq!(got[0].1, r#"a"b\cd"#);
    }

    #[test]
    fn tolerates_whitespace_and_empty_elements() {
        let got = names("  digest\ta = 1 ,, ,b=\"x\"  , ");
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].1, "x");
    }

    #[test]
    fn scheme_only_has_no_params() {
        assert!(parse_digest("Digest").is_ok_and(|p| p.is_empty()));
    }

    #[test]
    fn other_scheme_is_not_digest() {
        assert_eq!(
            parse_digest("Basic QWxhZGRpbg==").err(),
            Some(ParseError::NotDigest("Basic".into()))
        );
    }

    #[test]
    fn duplicate_names_are_refused_case_insensitively() {
        assert_eq!(
            parse_digest("Digest a=1, A=2").err(),
            Some(ParseError::Duplicate("a".into()))
        );
    }

    #[test]
    fn missing_comma_is_refused() {
        assert!(matches!(
            parse_digest("Digest a=1 b=2"),
            Err(ParseError::ExpectedComma(_))
        ));
    }

    #[test]
    fn unterminated_quote_is_refused() {
        assert_eq!(
            parse_digest(r#"Digest a="x\""#).err(),
            Some(ParseError::UnterminatedQuote)
        );
    }

    #[test]
    fn control_characters_in_quotes_are_refused() {
        assert!(matches!(
            parse_digest("Digest a=\"x\u{1}\""),
            Err(ParseError::ControlChar(_))
        ));
    }

    #[test]
    fn writes_escapes() {
        let mut s = String::new();
        assert!(write_quoted(&mut s, true, "realm", r#"a"b\"#).is_ok());
        assert_eq!(s, r#" realm="a\"b\\""#);
    }
}
