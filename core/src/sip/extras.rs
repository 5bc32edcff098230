//! Parameterised header fields: Content-Type, Reason (RFC 3326), Retry-After,
//! Session-Expires (RFC 4028).

use std::borrow::Cow;

use super::error::HeaderError;
use super::headers::Headers;
use super::name::HeaderName;
use super::scan::{
    Cursor, Params, Span, check_header_params, find_param, parse_u32_saturating, unquote,
};
use super::text::SipStr;

/// A media type: `type/subtype *(;param)` (Content-Type).
#[derive(Debug, Clone)]
pub struct MediaType {
    raw: SipStr,
    mtype: Span,
    subtype: Span,
    params: u32,
}

impl MediaType {
    /// Parses a media type.
    pub fn parse(raw: SipStr) -> Result<MediaType, HeaderError> {
        const BAD: HeaderError = HeaderError::Malformed("Content-Type");
        let b = raw.as_bytes();
        let mut c = Cursor::new(b, 0);
        c.skip_ws();
        let t = c.token().ok_or(BAD)?;
        if !c.eat_sep(b'/') {
            return Err(BAD);
        }
        let s = c.token().ok_or(BAD)?;
        let params = c.pos;
        if !check_header_params(b, params) {
            return Err(BAD);
        }
        Ok(MediaType {
            mtype: Span::new(t.0, t.1),
            subtype: Span::new(s.0, s.1),
            params: u32::try_from(params).map_err(|_| BAD)?,
            raw,
        })
    }

    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The top-level type (e.g. `application`).
    pub fn mtype(&self) -> &str {
        self.mtype.of(&self.raw)
    }

    /// The subtype (e.g. `sdp`).
    pub fn subtype(&self) -> &str {
        self.subtype.of(&self.raw)
    }

    /// Whether this is `mtype/subtype` (case-insensitive).
    pub fn is(&self, mtype: &str, subtype: &str) -> bool {
        self.mtype().eq_ignore_ascii_case(mtype) && self.subtype().eq_ignore_ascii_case(subtype)
    }

    /// Parameters in order (values raw).
    pub fn params(&self) -> Params<'_> {
        Params::new(&self.raw, self.params as usize)
    }

    /// A parameter by case-insensitive name, unquoted (e.g. `boundary`).
    pub fn param(&self, name: &str) -> Option<Cow<'_, str>> {
        find_param(self.params(), name).flatten().map(unquote)
    }
}

/// One Reason value (RFC 3326): `protocol ;cause=N ;text="..."`.
#[derive(Debug, Clone)]
pub struct Reason {
    raw: SipStr,
    protocol: Span,
    params: u32,
}

impl Reason {
    /// Parses one Reason value.
    pub fn parse(raw: SipStr) -> Result<Reason, HeaderError> {
        const BAD: HeaderError = HeaderError::Malformed("Reason");
        let b = raw.as_bytes();
        let mut c = Cursor::new(b, 0);
        c.skip_ws();
        let p = c.token().ok_or(BAD)?;
        if !check_header_params(b, c.pos) {
            return Err(BAD);
        }
        Ok(Reason {
            protocol: Span::new(p.0, p.1),
            params: u32::try_from(c.pos).map_err(|_| BAD)?,
            raw,
        })
    }

    /// The protocol (`SIP`, `Q.850`, ...).
    pub fn protocol(&self) -> &str {
        self.protocol.of(&self.raw)
    }

    /// The `cause` parameter.
    pub fn cause(&self) -> Option<u16> {
        find_param(Params::new(&self.raw, self.params as usize), "cause")
            .flatten()
            .and_then(|v| v.parse().ok())
    }

    /// The `text` parameter, unquoted.
    pub fn text(&self) -> Option<Cow<'_, str>> {
        find_param(Params::new(&self.raw, self.params as usize), "text")
            .flatten()
            .map(unquote)
    }
}

/// Retry-After: `delta-seconds [comment] *(;param)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryAfter {
    /// Seconds (saturating at 2^32-1).
    pub seconds: u32,
    /// The comment text without its parentheses, if any.
    pub comment: Option<String>,
    /// The `duration` parameter.
    pub duration: Option<u32>,
}

/// Who refreshes a session timer (RFC 4028).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresher {
    /// `refresher=uac`
    Uac,
    /// `refresher=uas`
    Uas,
}

/// Session-Expires: `delta-seconds *(;param)` with `refresher`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionExpires {
    /// The interval in seconds.
    pub seconds: u32,
    /// The `refresher` parameter, if it is `uac` or `uas`.
    pub refresher: Option<Refresher>,
}

fn number_then_params(raw: &SipStr, label: &'static str) -> Result<(u32, usize), HeaderError> {
    let b = raw.as_bytes();
    let mut c = Cursor::new(b, 0);
    c.skip_ws();
    let (s, e) = c.take_while(|x| x.is_ascii_digit());
    let n =
        parse_u32_saturating(b.get(s..e).unwrap_or(&[])).ok_or(HeaderError::Malformed(label))?;
    Ok((n, c.pos))
}

impl Headers {
    /// Content-Type, if present.
    pub fn content_type(&self) -> Result<Option<MediaType>, HeaderError> {
        self.optional(&HeaderName::CONTENT_TYPE, "Content-Type")?
            .map(|v| MediaType::parse(v.clone()))
            .transpose()
    }

    /// Every Reason value (RFC 3326) in order.
    pub fn reasons(&self) -> impl Iterator<Item = Result<Reason, HeaderError>> + '_ {
        self.elements(&HeaderName::REASON).map(Reason::parse)
    }

    /// Retry-After, if present.
    pub fn retry_after(&self) -> Result<Option<RetryAfter>, HeaderError> {
        const BAD: HeaderError = HeaderError::Malformed("Retry-After");
        let Some(v) = self.optional(&HeaderName::RETRY_AFTER, "Retry-After")? else {
            return Ok(None);
        };
        let (seconds, pos) = number_then_params(v, "Retry-After")?;
        let b = v.as_bytes();
        let mut c = Cursor::new(b, pos);
        c.skip_ws();
        let mut comment = None;
        if c.peek() == Some(b'(') {
            let start = c.pos + 1;
            let mut depth = 0usize;
            loop {
                match c.peek() {
                    None => return Err(BAD),
                    Some(b'(') => depth += 1,
                    Some(b')') => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    Some(b'\\') => c.pos += 1,
                    Some(_) => {}
                }
                c.pos += 1;
            }
            comment = v.get(start..c.pos).map(str::to_owned);
            c.pos += 1;
        }
        if !check_header_params(b, c.pos) {
            return Err(BAD);
        }
        let duration = find_param(Params::new(v, c.pos), "duration")
            .flatten()
            .and_then(|d| parse_u32_saturating(d.as_bytes()));
        Ok(Some(RetryAfter {
            seconds,
            comment,
            duration,
        }))
    }

    /// Session-Expires (RFC 4028), if present.
    pub fn session_expires(&self) -> Result<Option<SessionExpires>, HeaderError> {
        let Some(v) = self.optional(&HeaderName::SESSION_EXPIRES, "Session-Expires")? else {
            return Ok(None);
        };
        let (seconds, pos) = number_then_params(v, "Session-Expires")?;
        if !check_header_params(v.as_bytes(), pos) {
            return Err(HeaderError::Malformed("Session-Expires"));
        }
        let refresher = match find_param(Params::new(v, pos), "refresher").flatten() {
            Some(r) if r.eq_ignore_ascii_case("uac") => Some(Refresher::Uac),
            Some(r) if r.eq_ignore_ascii_case("uas") => Some(Refresher::Uas),
            _ => None,
        };
        Ok(Some(SessionExpires { seconds, refresher }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_type() {
        let m = MediaType::parse(SipStr::from(
            "multipart/mixed;boundary=\"unique-boundary-1\"",
        ))
        .unwrap();
        assert!(m.is("MULTIPART", "Mixed"));
        assert_eq!(m.param("boundary").unwrap(), "unique-boundary-1");
        assert!(MediaType::parse(SipStr::from("application")).is_err());
    }

    #[test]
    fn reason_retry_session() {
        let mut h = Headers::new();
        h.push(
            HeaderName::REASON,
            "Q.850;cause=16;text=\"Normal call clearing\", SIP;cause=200",
        )
        .unwrap();
        h.push(
            HeaderName::RETRY_AFTER,
            "18000 (in a meeting) ;duration=3600",
        )
        .unwrap();
        h.push(HeaderName::SESSION_EXPIRES, "1800;refresher=uas")
            .unwrap();
        let r: Vec<_> = h.reasons().collect::<Result<_, _>>().unwrap();
        assert_eq!(r[0].protocol(), "Q.850");
        assert_eq!(r[0].cause(), Some(16));
        assert_eq!(r[0].text().unwrap(), "Normal call clearing");
        assert_eq!(r[1].cause(), Some(200));
        let ra = h.retry_after().unwrap().unwrap();
        assert_eq!(ra.seconds, 18000);
        assert_eq!(ra.comment.as_deref(), Some("in a meeting"));
        assert_eq!(ra.duration, Some(3600));
        assert_eq!(
            h.session_expires().unwrap(),
            Some(SessionExpires {
                seconds: 1800,
                refresher: Some(Refresher::Uas)
            })
        );
    }
}
