//! Header parameters (`*( SEMI generic-param )`, RFC 3261 §25.1): checking, finding and
//! iterating, over the bytes of a value.

use super::scan::{Class, Cursor, Span, class, is_token, is_ws};
use super::text::SipStr;

/// Characters allowed in an unquoted header parameter value (token, host, IPv6).
static PARAM_VALUE: Class = class(true, b"-.!%*_+`'~:[]/@");

#[inline]
fn is_param_value(b: u8) -> bool {
    PARAM_VALUE.has(b)
}

/// Where the run of bytes matching `f` that starts at `i` ends.
#[inline(always)]
fn run_end(s: &[u8], mut i: usize, f: impl Fn(u8) -> bool) -> usize {
    while s.get(i).is_some_and(|&b| f(b)) {
        i += 1;
    }
    i
}

/// [`run_end`] four bytes per step first (long values such as branches and tags).
#[inline(always)]
fn run_end4(s: &[u8], mut i: usize, f: impl Fn(u8) -> bool) -> usize {
    while let Some(&[a, b, c, d]) = s.get(i..i + 4) {
        if !(f(a) & f(b) & f(c) & f(d)) {
            break;
        }
        i += 4;
    }
    run_end(s, i, f)
}

/// One parsed header parameter: name range and optional value range (raw, quotes kept).
pub(crate) type ParamSpan = ((usize, usize), Option<(usize, usize)>);

/// Parses `*( SEMI generic-param )` from the cursor to the end of the value.
///
/// Returns `None` on any grammar error (empty parameter, bad characters, trailing junk).
pub(crate) fn next_header_param(c: &mut Cursor<'_>) -> Option<Option<ParamSpan>> {
    // Local indexes rather than cursor calls: this runs for every parameter of every
    // Via, From, To and Contact we read.
    let s = c.s;
    let mut i = run_end(s, c.pos, is_ws);
    match s.get(i) {
        None => {
            c.pos = i;
            return Some(None);
        }
        Some(b';') => {}
        Some(_) => return None,
    }
    i = run_end(s, i + 1, is_ws);
    let ns = i;
    let ne = run_end(s, ns, is_token);
    if ne == ns {
        return None;
    }
    let eq = run_end(s, ne, is_ws);
    if s.get(eq) != Some(&b'=') {
        c.pos = ne;
        return Some(Some(((ns, ne), None)));
    }
    let vs = run_end(s, eq + 1, is_ws);
    c.pos = vs;
    let value = if s.get(vs) == Some(&b'"') {
        c.quoted()?
    } else {
        let ve = run_end4(s, vs, is_param_value);
        if ve == vs {
            return None;
        }
        c.pos = ve;
        (vs, ve)
    };
    Some(Some(((ns, ne), Some(value))))
}

/// Checks a header parameter list starting at `pos`; true if it is well formed to the end.
pub(crate) fn check_header_params(s: &[u8], pos: usize) -> bool {
    let mut c = Cursor::new(s, pos);
    loop {
        match next_header_param(&mut c) {
            None => return false,
            Some(None) => return true,
            Some(Some(_)) => {}
        }
    }
}

/// Checks a header parameter list like [`check_header_params`] and, in the same pass,
/// finds the value of the first parameter named `name` (case-insensitive).
///
/// `None`: malformed. `Some(None)`: well formed, no such valued parameter.
pub(crate) fn check_header_params_find(s: &[u8], pos: usize, name: &[u8]) -> Option<Option<Span>> {
    let mut c = Cursor::new(s, pos);
    let mut found = None;
    loop {
        match next_header_param(&mut c)? {
            None => return Some(found),
            Some(((ns, ne), v)) => {
                if found.is_none() && s.get(ns..ne).is_some_and(|n| n.eq_ignore_ascii_case(name)) {
                    found = v.map(|(vs, ve)| Span::new(vs, ve));
                }
            }
        }
    }
}

/// Iterates over header parameters `(name, value)` of an already-checked parameter list.
pub struct Params<'a> {
    text: &'a [u8],
    pos: usize,
}

impl<'a> Params<'a> {
    pub(crate) fn new(text: &'a SipStr, pos: usize) -> Self {
        Params {
            text: text.as_bytes(),
            pos,
        }
    }
}

fn utf8_at(b: &[u8], s: usize, e: usize) -> Option<&str> {
    std::str::from_utf8(b.get(s..e)?).ok()
}

impl<'a> Iterator for Params<'a> {
    type Item = (&'a str, Option<&'a str>);
    fn next(&mut self) -> Option<Self::Item> {
        let mut c = Cursor::new(self.text, self.pos);
        let ((ns, ne), v) = next_header_param(&mut c)??;
        self.pos = c.pos;
        let name = utf8_at(self.text, ns, ne)?;
        let value = match v {
            Some((vs, ve)) => Some(utf8_at(self.text, vs, ve)?),
            None => None,
        };
        Some((name, value))
    }
}

/// Finds a parameter by case-insensitive name: `Some(None)` for a flag, `Some(Some(v))` for a value.
///
/// Compares names as bytes and converts only the value found.
pub(crate) fn find_param<'a>(params: Params<'a>, name: &str) -> Option<Option<&'a str>> {
    let text = params.text;
    let mut c = Cursor::new(text, params.pos);
    loop {
        let ((ns, ne), v) = next_header_param(&mut c)??;
        if text.get(ns..ne)?.eq_ignore_ascii_case(name.as_bytes()) {
            return Some(match v {
                Some((vs, ve)) => Some(utf8_at(text, vs, ve)?),
                None => None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_parse_and_reject_empty() {
        let s = " ; tag = abc ;lr; q=\"x;y\"";
        assert!(check_header_params(s.as_bytes(), 0));
        let owned = SipStr::from(s);
        let v: Vec<_> = Params::new(&owned, 0).collect();
        assert_eq!(
            v,
            vec![("tag", Some("abc")), ("lr", None), ("q", Some("\"x;y\""))]
        );
        assert!(!check_header_params(b";;", 0));
        assert!(!check_header_params(b";a=", 0));
        assert!(!check_header_params(b";a junk", 0));
    }
}
