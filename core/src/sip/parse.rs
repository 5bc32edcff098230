//! The datagram parser: one pass over the bytes, header values as slices of the input.
//!
//! Framing follows RFC 3261 §18.3 for UDP: a body shorter than Content-Length is an
//! error, a longer one is truncated, and without Content-Length the body is the rest.

use bytes::{Bytes, BytesMut};

use super::build::copy_dialog_headers;
use super::error::{ParseError, Problem, Salvage};
use super::headers::Headers;
use super::message::{Message, Request, Response};
use super::method::{Method, StatusCode};
use super::name::HeaderName;
use super::scan::{is_token, is_token_str, is_ws, parse_u64, trim_range};
use super::text::SipStr;
use super::uri::Uri;
use super::via::Via;

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;
const LFS: u64 = 0x0a0a_0a0a_0a0a_0a0a;

/// Finds the next LF at or after `pos` (eight bytes at a time) and reports whether a
/// non-ASCII byte may precede it (a hint: `true` can be a false positive, never a false
/// negative). Returns `b.len()` when there is no LF.
#[inline]
fn find_lf(b: &[u8], pos: usize) -> (usize, bool) {
    let mut i = pos;
    let mut seen: u64 = 0;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let x = w ^ LFS;
        let found = x.wrapping_sub(ONES) & !x & HIGH;
        seen |= w;
        if found != 0 {
            return (i + (found.trailing_zeros() / 8) as usize, seen & HIGH != 0);
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'\n' {
            return (i, seen & HIGH != 0);
        }
        seen |= u64::from(c);
        i += 1;
    }
    (b.len(), seen & HIGH != 0)
}

/// Returns (end of line content, start of next line, maybe non-ASCII) for the line at `pos`.
#[inline]
fn line_at(b: &[u8], pos: usize) -> (usize, usize, bool) {
    let (nl, high) = find_lf(b, pos);
    if nl >= b.len() {
        return (b.len(), b.len(), high);
    }
    let end = if nl > pos && b.get(nl - 1) == Some(&b'\r') {
        nl - 1
    } else {
        nl
    };
    (end, nl + 1, high)
}

/// Where the run of token bytes starting at `i` ends (at most `end`).
#[inline]
fn token_end(b: &[u8], mut i: usize, end: usize) -> usize {
    let b = b.get(..end).unwrap_or(b);
    while let Some(&[w, x, y, z]) = b.get(i..i + 4) {
        if !(is_token(w) & is_token(x) & is_token(y) & is_token(z)) {
            break;
        }
        i += 4;
    }
    while b.get(i).is_some_and(|&c| is_token(c)) {
        i += 1;
    }
    i
}

/// Where the run of white space starting at `i` ends (at most `end`).
#[inline]
fn ws_end(b: &[u8], mut i: usize, end: usize) -> usize {
    let b = b.get(..end).unwrap_or(b);
    while b.get(i).is_some_and(|&c| is_ws(c)) {
        i += 1;
    }
    i
}

/// Replaces each fold (optional white space, CR/LF, white space) by one space.
fn unfold(raw: &[u8]) -> Bytes {
    let mut out = BytesMut::with_capacity(raw.len());
    let mut i = 0;
    while let Some(&c) = raw.get(i) {
        if c == b'\r' || c == b'\n' {
            while out.last().is_some_and(|&x| x == b' ' || x == b'\t') {
                out.truncate(out.len() - 1);
            }
            while raw.get(i).is_some_and(|&x| super::scan::is_ws(x)) {
                i += 1;
            }
            out.extend_from_slice(b" ");
        } else {
            out.extend_from_slice(&[c]);
            i += 1;
        }
    }
    out.freeze()
}

enum StartLine {
    Request(Method, Uri),
    Response(StatusCode, SipStr),
}

fn is_sip_version(v: &[u8]) -> bool {
    v.eq_ignore_ascii_case(b"SIP/2.0")
}

/// Whether `v` looks like `SIP/<digits>.<digits>` (another version of SIP).
fn is_other_sip_version(v: &[u8]) -> bool {
    let Some(rest) = v
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case(b"SIP/"))
        .and(v.get(4..))
    else {
        return false;
    };
    let mut parts = rest.split(|&c| c == b'.');
    let major = parts.next().unwrap_or(&[]);
    let minor = parts.next().unwrap_or(&[]);
    parts.next().is_none()
        && !major.is_empty()
        && !minor.is_empty()
        && major.iter().chain(minor).all(u8::is_ascii_digit)
}

/// Parses a status line; `ascii` says the line is known to hold only ASCII bytes.
fn parse_status_line(src: &Bytes, s: usize, e: usize, ascii: bool) -> Result<StartLine, Problem> {
    let line = src.get(s..e).unwrap_or(&[]);
    let sp1 = line
        .iter()
        .position(|&c| c == b' ')
        .ok_or(Problem::BadStartLine)?;
    if !is_sip_version(&line[..sp1]) {
        return Err(Problem::UnsupportedVersion);
    }
    let rest = &line[sp1 + 1..];
    let code_len = rest.iter().position(|&c| c == b' ').unwrap_or(rest.len());
    let code = &rest[..code_len];
    if code.len() != 3 {
        return Err(Problem::BadStatusCode);
    }
    let status = parse_u64(code)
        .and_then(|c| u16::try_from(c).ok())
        .and_then(StatusCode::new)
        .ok_or(Problem::BadStatusCode)?;
    let rs = (s + sp1 + 1 + code_len + 1).min(e);
    let reason = if ascii {
        SipStr::from_checked(src.slice(rs..e))
    } else {
        SipStr::from_utf8(src.slice(rs..e)).map_err(|_| Problem::InvalidUtf8)?
    };
    Ok(StartLine::Response(status, reason))
}

/// Parses a request line; `Err((problem, method))` keeps the method when it was readable.
fn parse_request_line(
    src: &Bytes,
    s: usize,
    e: usize,
) -> Result<StartLine, (Problem, Option<Method>)> {
    let line = src.get(s..e).unwrap_or(&[]);
    let mut parts = line.split(|&c| c == b' ');
    let m = parts.next().unwrap_or(&[]);
    let method = if is_token_str(m) {
        Method::from_bytes_with(m, || SipStr::from_checked(src.slice(s..s + m.len())))
    } else {
        None
    };
    let Some(method) = method else {
        return Err((Problem::BadStartLine, None));
    };
    let uri = parts.next().unwrap_or(&[]);
    let version = parts.next().unwrap_or(&[]);
    if parts.next().is_some() || uri.is_empty() || version.is_empty() {
        return Err((Problem::BadStartLine, Some(method)));
    }
    if !is_sip_version(version) {
        let p = if is_other_sip_version(version) {
            Problem::UnsupportedVersion
        } else {
            Problem::BadStartLine
        };
        return Err((p, Some(method)));
    }
    let us = s + m.len() + 1;
    // A URI is ASCII (every scheme's grammar refuses other bytes), so no UTF-8 pass.
    if !uri.is_ascii() {
        return Err((Problem::BadRequestUri, Some(method)));
    }
    let raw = SipStr::from_checked(src.slice(us..us + uri.len()));
    let uri = Uri::from_sip_str(raw).map_err(|_| (Problem::BadRequestUri, Some(method.clone())))?;
    if uri.is_sip() && uri.headers_str().is_some() {
        return Err((Problem::RequestUriHeaders, Some(method)));
    }
    Ok(StartLine::Request(method, uri))
}

/// Keeps what is needed to answer a broken request, if its top Via is usable.
fn salvage(headers: &Headers, method: Option<Method>) -> Option<Box<Salvage>> {
    let top = headers.elements(&HeaderName::VIA).next()?;
    Via::parse_lenient(top).ok()?;
    let mut keep = Headers::new();
    copy_dialog_headers(headers, &mut keep);
    Some(Box::new(Salvage {
        method,
        headers: keep,
    }))
}

/// Turns a request problem into the right error: answerable if a top Via is usable.
pub(crate) fn request_error(
    problem: Problem,
    headers: &Headers,
    method: Option<Method>,
) -> ParseError {
    match salvage(headers, method) {
        Some(salvage) if problem == Problem::UnsupportedVersion => {
            ParseError::VersionNotSupported { salvage }
        }
        Some(salvage) => ParseError::BadRequest { problem, salvage },
        None => ParseError::Garbage(problem),
    }
}

/// Parses a datagram (UDP framing) into a request or response.
///
/// Header values are zero-copy slices of `datagram` (folded values are the exception:
/// they are unfolded into a fresh buffer). Required-header checks are a separate step:
/// [`Request::validate`] / [`Response::validate`], or use [`parse_validated`].
pub fn parse(datagram: Bytes) -> Result<Message, ParseError> {
    let b: &[u8] = &datagram;
    let mut pos = 0;
    while b.get(pos).is_some_and(|&c| c == b'\r' || c == b'\n') {
        pos += 1;
    }
    if b.get(pos..)
        .is_none_or(|r| r.iter().all(|&c| super::scan::is_ws(c)))
    {
        return Err(ParseError::Garbage(Problem::Empty));
    }
    let (sl_end, mut p, sl_high) = line_at(b, pos);
    let is_response = b
        .get(pos..pos + 4)
        .is_some_and(|v| v.eq_ignore_ascii_case(b"SIP/"));
    let start = if is_response {
        parse_status_line(&datagram, pos, sl_end, !sl_high).map_err(|e| (e, None))
    } else {
        parse_request_line(&datagram, pos, sl_end)
    };

    let mut headers = Headers::new();
    let mut problem: Option<Problem> = None;
    let mut content_length: Option<u64> = None;
    let mut body_start = None;
    while p < b.len() {
        let (le, next, mut high) = line_at(b, p);
        if le == p {
            body_start = Some(next);
            break;
        }
        // Gather continuation lines (folding).
        let mut end = le;
        let mut q = next;
        let mut folded = false;
        while b.get(q).is_some_and(|&c| c == b' ' || c == b'\t') {
            let (le2, n2, h2) = line_at(b, q);
            high |= h2;
            end = le2;
            q = n2;
            folded = true;
        }
        let line_start = p;
        p = q;
        let line = b.get(line_start..end).unwrap_or(&[]);
        // The common shape first: a token, optional white space, the colon. Neither
        // token bytes nor white space are colons, so that colon is the line's first one
        // and the token is the trimmed name the general path below would find.
        let te = token_end(b, line_start, end);
        let ce = ws_end(b, te, end);
        let (ns, ne, colon_at, known) = if te > line_start && b.get(ce) == Some(&b':') && ce < end {
            let known = HeaderName::known_from_bytes(b.get(line_start..te).unwrap_or(&[]));
            (line_start, te, ce, known)
        } else {
            let Some(colon) = line.iter().position(|&c| c == b':') else {
                problem.get_or_insert(Problem::BadHeaderLine);
                continue;
            };
            let (ns, ne) = trim_range(b, line_start, line_start + colon);
            let name_bytes = b.get(ns..ne).unwrap_or(&[]);
            let known = HeaderName::known_from_bytes(name_bytes);
            if ns != line_start || (known.is_none() && !is_token_str(name_bytes)) {
                problem.get_or_insert(Problem::BadHeaderLine);
                continue;
            }
            (ns, ne, line_start + colon, known)
        };
        let (vs, ve) = trim_range(b, colon_at + 1, end);
        if high && std::str::from_utf8(line).is_err() {
            problem.get_or_insert(Problem::InvalidUtf8);
            continue;
        }
        let value = if folded {
            SipStr::from_checked(unfold(b.get(vs..ve).unwrap_or(&[])))
        } else {
            SipStr::from_checked(datagram.slice(vs..ve))
        };
        let name = match known {
            Some(n) => n,
            None => HeaderName::from_received(SipStr::from_checked(datagram.slice(ns..ne))),
        };
        if name == HeaderName::CONTENT_LENGTH {
            match parse_u64(value.as_bytes()) {
                None => {
                    problem.get_or_insert(Problem::BadContentLength);
                }
                Some(n) => match content_length {
                    Some(prev) if prev != n => {
                        problem.get_or_insert(Problem::ConflictingContentLength);
                    }
                    _ => content_length = Some(n),
                },
            }
        }
        headers.push_received(name, value);
    }

    let rest_start = body_start.unwrap_or(b.len()).min(b.len());
    let available = (b.len() - rest_start) as u64;
    let body = match content_length {
        Some(n) if n > available => {
            problem.get_or_insert(Problem::ContentLengthMismatch);
            Bytes::new()
        }
        Some(n) => datagram.slice(rest_start..rest_start + n as usize),
        None => datagram.slice(rest_start..),
    };

    match start {
        Ok(StartLine::Request(method, uri)) => match problem {
            Some(pr) => Err(request_error(pr, &headers, Some(method))),
            None => Ok(Message::Request(Request {
                method,
                uri,
                headers,
                body,
            })),
        },
        Ok(StartLine::Response(status, reason)) => match problem {
            Some(pr) => Err(ParseError::DiscardResponse(pr)),
            None => Ok(Message::Response(Response {
                status,
                reason,
                headers,
                body,
            })),
        },
        Err((pr, _)) if is_response => Err(ParseError::DiscardResponse(pr)),
        Err((pr, method)) => Err(request_error(pr, &headers, method)),
    }
}

/// [`parse`] followed by [`Request::validate`] or [`Response::validate`].
pub fn parse_validated(datagram: Bytes) -> Result<Message, ParseError> {
    match parse(datagram)? {
        Message::Request(r) => {
            r.validate()?;
            Ok(Message::Request(r))
        }
        Message::Response(r) => {
            r.validate()?;
            Ok(Message::Response(r))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_lf_matches_a_plain_search() {
        let text = b"abc\r\ndefghijklmnop\nqr\xc3\xa9stuvwxyz0123456789\n";
        let mut pos = 0;
        while pos < text.len() {
            let want = text[pos..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(text.len(), |i| pos + i);
            let (got, high) = find_lf(text, pos);
            assert_eq!(got, want, "from {pos}");
            if text[pos..want].iter().any(|&c| c >= 0x80) {
                assert!(high, "non-ASCII before the LF is always reported");
            }
            pos += 1;
        }
        assert_eq!(find_lf(b"no newline here at all", 0).0, 22);
    }
}
