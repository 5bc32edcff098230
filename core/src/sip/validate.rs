//! Required-header validation (RFC 3261 §8.1.1, §8.2, §16.3): what makes a parsed
//! request answerable only with 400, or a parsed response discardable.

use super::error::{HeaderError, ParseError, Problem};
use super::headers::Headers;
use super::message::{Request, Response};
use super::name::HeaderName;
use super::name_addr::{Contact, NameAddr};
use super::scan::ListSplit;
use super::via::Via;

/// Checks the headers every request and response must carry, and the grammar of the
/// headers a transaction or dialog reads.
fn check_common(h: &Headers) -> Result<(), Problem> {
    // The top Via is parsed once and kept for the transaction layer; the others are
    // only checked.
    h.view_via()?;
    let mut first = true;
    for line in h.get_all(&HeaderName::VIA) {
        let b = line.as_bytes();
        if first && ListSplit::is_single(b) {
            first = false;
            continue;
        }
        for (s, e) in ListSplit::new(b).skip(usize::from(first)) {
            Via::parse(line.slice_ascii(s, e))?;
        }
        first = false;
    }
    // One pass counts the four single-value headers (in this order of reporting).
    const SINGLE: [(HeaderName, &str); 4] = [
        (HeaderName::FROM, "From"),
        (HeaderName::TO, "To"),
        (HeaderName::CALL_ID, "Call-ID"),
        (HeaderName::CSEQ, "CSeq"),
    ];
    let mut counts = [0u8; 4];
    for line in h {
        if let Some(i) = SINGLE.iter().position(|(name, _)| line.name() == name) {
            counts[i] = counts[i].saturating_add(1);
        }
    }
    for ((_, label), count) in SINGLE.iter().zip(counts) {
        match count {
            0 => return Err(HeaderError::Missing(label).into()),
            1 => {}
            _ => return Err(HeaderError::Multiple(label).into()),
        }
    }
    h.view_from()?;
    h.view_to()?;
    h.call_id()?;
    h.view_cseq()?;
    h.content_length()?;
    h.content_type()?;
    Ok(())
}

fn check_request(r: &Request) -> Result<(), Problem> {
    let h = &r.headers;
    check_common(h)?;
    if h.view_cseq()?.method != r.method {
        return Err(Problem::CSeqMethodMismatch);
    }
    h.max_forwards()?;
    if let Some(first) = h.view_contact() {
        first?;
        for c in h.elements(&HeaderName::CONTACT).skip(1) {
            Contact::parse(c)?;
        }
    }
    for route in h.routes() {
        route?;
    }
    for rr in h.record_routes() {
        rr?;
    }
    for (name, label) in [
        (HeaderName::REFER_TO, "Refer-To"),
        (HeaderName::REFERRED_BY, "Referred-By"),
    ] {
        if let Some(v) = h.optional(&name, label)? {
            NameAddr::parse(v.clone(), label)?;
        }
    }
    Ok(())
}

impl Request {
    /// Checks required headers and their grammar: Via (all values), From, To, Call-ID,
    /// CSeq (with its method equal to the request method), a single Max-Forwards,
    /// Content-Length, Content-Type, and well-formed Contact/Route/Record-Route values.
    ///
    /// The error is answerable (400 with a reason naming the problem) when the top Via
    /// is usable, and garbage otherwise.
    pub fn validate(&self) -> Result<(), ParseError> {
        check_request(self)
            .map_err(|p| super::parse::request_error(p, &self.headers, Some(self.method.clone())))
    }
}

impl Response {
    /// Checks required headers and their grammar (Via, From, To, Call-ID, CSeq in range);
    /// a failing response is to be discarded.
    pub fn validate(&self) -> Result<(), ParseError> {
        check_common(&self.headers).map_err(ParseError::DiscardResponse)
    }
}
