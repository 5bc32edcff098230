//! The ordered header list of a message, with raw and generic access.

use std::sync::OnceLock;

use smallvec::SmallVec;

use super::error::{BuildError, HeaderError};
use super::fields::CSeq;
use super::name::HeaderName;
use super::name_addr::{Contact, NameAddr};
use super::scan::ListSplit;
use super::text::SipStr;
use super::via::Via;

/// One header field line: a name and its (unfolded, trimmed) value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    name: HeaderName,
    value: SipStr,
}

impl Header {
    /// The header name.
    pub fn name(&self) -> &HeaderName {
        &self.name
    }

    /// The whole value as received (one line; lists are not split).
    pub fn value(&self) -> &SipStr {
        &self.value
    }
}

/// The header fields of a message, in order.
#[derive(Debug, Clone, Default)]
pub struct Headers {
    list: Vec<Header>,
    /// Boxed so that a message stays small to move; allocated on first use.
    views: OnceLock<Box<Views>>,
    /// Whether the To line carries a tag, when known without parsing it (a response's
    /// To copied from a request whose To was parsed).
    to_tagged: Option<bool>,
}

impl PartialEq for Headers {
    fn eq(&self, other: &Self) -> bool {
        self.list == other.list
    }
}

impl Eq for Headers {}

/// Reads a view slot, parsing it the first time (a parse error is kept like a value).
pub(crate) fn cached<T>(
    slot: &OnceLock<Result<T, HeaderError>>,
    parse: impl FnOnce() -> Result<T, HeaderError>,
) -> Result<&T, HeaderError> {
    slot.get_or_init(parse).as_ref().map_err(|e| *e)
}

/// The typed views every transaction and dialog reads (top Via, From, To, CSeq, first
/// Contact), each parsed
/// at most once per message; a view is reset whenever a line of its name changes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Views {
    pub(crate) via: OnceLock<Result<Via, HeaderError>>,
    pub(crate) from: OnceLock<Result<NameAddr, HeaderError>>,
    pub(crate) to: OnceLock<Result<NameAddr, HeaderError>>,
    pub(crate) cseq: OnceLock<Result<CSeq, HeaderError>>,
    pub(crate) contact: OnceLock<Option<Result<Contact, HeaderError>>>,
}

/// Refuses line breaks and trims surrounding white space (so printing round-trips).
fn check_value(value: SipStr) -> Result<SipStr, BuildError> {
    let b = value.as_bytes();
    // One word-at-a-time pass: values are checked on every header we build.
    if super::scan::has_line_break(b) {
        return Err(BuildError::LineBreakInValue);
    }
    let (s, e) = super::scan::trim_range(b, 0, b.len());
    Ok(if s == 0 && e == b.len() {
        value
    } else {
        value.slice_ascii(s, e)
    })
}

impl Headers {
    /// An empty list with room for a typical message's lines.
    pub fn new() -> Self {
        Headers {
            list: Vec::with_capacity(16),
            views: OnceLock::new(),
            to_tagged: None,
        }
    }

    /// The parsed views (filled on first use).
    #[inline]
    pub(crate) fn views(&self) -> &Views {
        self.views.get_or_init(Box::default)
    }

    /// Notes whether `other`'s parsed To carries a tag; only for a list whose To line
    /// was just copied from `other` unchanged (a response adding its To tag asks).
    pub(crate) fn share_to_tagged(&mut self, other: &Headers) {
        self.to_tagged = other
            .views
            .get()
            .and_then(|v| v.to.get())
            .and_then(|to| to.as_ref().ok())
            .map(|to| to.tag().is_some());
    }

    /// Whether the To line carries a tag, if known without parsing it.
    pub(crate) fn to_tagged(&self) -> Option<bool> {
        self.to_tagged
    }

    /// The first Contact value, parsed once and borrowed.
    pub(crate) fn view_contact(&self) -> Option<Result<&Contact, HeaderError>> {
        self.views()
            .contact
            .get_or_init(|| {
                self.elements(&HeaderName::CONTACT)
                    .next()
                    .map(Contact::parse)
            })
            .as_ref()
            .map(|r| r.as_ref().map_err(|e| *e))
    }

    /// Resets the view of `name` after one of its lines changed.
    fn touched(&mut self, name: &HeaderName) {
        if *name == HeaderName::TO {
            self.to_tagged = None;
        }
        let Some(views) = self.views.get_mut() else {
            return;
        };
        if *name == HeaderName::VIA {
            views.via = OnceLock::new();
        } else if *name == HeaderName::FROM {
            views.from = OnceLock::new();
        } else if *name == HeaderName::TO {
            views.to = OnceLock::new();
        } else if *name == HeaderName::CSEQ {
            views.cseq = OnceLock::new();
        } else if *name == HeaderName::CONTACT {
            views.contact = OnceLock::new();
        }
    }

    /// Number of header lines.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are no header lines.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// All header lines in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Header> {
        self.list.iter()
    }

    /// The first line's value for `name`.
    pub fn get(&self, name: &HeaderName) -> Option<&SipStr> {
        self.list.iter().find(|h| &h.name == name).map(|h| &h.value)
    }

    /// Every line's value for `name`, in order (lists are not split).
    pub fn get_all<'a>(&'a self, name: &'a HeaderName) -> impl Iterator<Item = &'a SipStr> + 'a {
        self.list
            .iter()
            .filter(move |h| &h.name == name)
            .map(|h| &h.value)
    }

    /// Whether a line named `name` exists.
    pub fn contains(&self, name: &HeaderName) -> bool {
        self.get(name).is_some()
    }

    /// Number of lines named `name`.
    pub fn count(&self, name: &HeaderName) -> usize {
        self.get_all(name).count()
    }

    /// Every value for `name`: list headers are split on commas outside quotes and angle
    /// brackets (empty elements skipped); other headers give one value per line.
    pub fn values<'a>(&'a self, name: &'a HeaderName) -> impl Iterator<Item = SipStr> + 'a {
        let split = name.is_list();
        self.get_all(name).flat_map(move |v| {
            let parts: SmallVec<[SipStr; 2]> = if split && ListSplit::is_single(v.as_bytes()) {
                // One element: trimmed, skipped when empty (what the split would give).
                let (s, e) = super::scan::trim_range(v.as_bytes(), 0, v.len());
                if e == s {
                    SmallVec::new()
                } else if s == 0 && e == v.len() {
                    smallvec::smallvec![v.clone()]
                } else {
                    smallvec::smallvec![v.slice_ascii(s, e)]
                }
            } else if split {
                ListSplit::new(v.as_bytes())
                    .filter(|(s, e)| e > s)
                    .map(|(s, e)| v.slice_ascii(s, e))
                    .collect()
            } else {
                smallvec::smallvec![v.clone()]
            };
            parts.into_iter()
        })
    }

    /// Like [`values`](Self::values) but keeps empty list elements (for strict checks).
    pub(crate) fn elements<'a>(
        &'a self,
        name: &'a HeaderName,
    ) -> impl Iterator<Item = SipStr> + 'a {
        self.get_all(name).flat_map(move |v| {
            let parts: SmallVec<[SipStr; 2]> = if ListSplit::is_single(v.as_bytes()) {
                smallvec::smallvec![v.clone()]
            } else {
                ListSplit::new(v.as_bytes())
                    .map(|(s, e)| v.slice_ascii(s, e))
                    .collect()
            };
            parts.into_iter()
        })
    }

    /// The first list element of the first line named `name` (empty elements included).
    pub(crate) fn first_element(&self, name: &HeaderName) -> Option<SipStr> {
        let v = self.get(name)?;
        if ListSplit::is_single(v.as_bytes()) && !v.is_empty() {
            return Some(v.clone());
        }
        let (s, e) = ListSplit::new(v.as_bytes()).next()?;
        Some(v.slice_ascii(s, e))
    }

    /// The single value of a single-value header: missing → `Missing`, two lines → `Multiple`.
    pub(crate) fn single<'a>(
        &'a self,
        name: &'a HeaderName,
        label: &'static str,
    ) -> Result<&'a SipStr, HeaderError> {
        let mut it = self.get_all(name);
        let first = it.next().ok_or(HeaderError::Missing(label))?;
        if it.next().is_some() {
            return Err(HeaderError::Multiple(label));
        }
        Ok(first)
    }

    /// The first line of a single-value header (duplicates are [`validate`]'s concern:
    /// `Request::validate` refuses them).
    ///
    /// [`validate`]: super::Request::validate
    #[inline]
    pub(crate) fn first(
        &self,
        name: &HeaderName,
        label: &'static str,
    ) -> Result<&SipStr, HeaderError> {
        self.get(name).ok_or(HeaderError::Missing(label))
    }

    /// Like [`single`](Self::single) but absent is `Ok(None)`.
    pub(crate) fn optional<'a>(
        &'a self,
        name: &'a HeaderName,
        label: &'static str,
    ) -> Result<Option<&'a SipStr>, HeaderError> {
        match self.single(name, label) {
            Ok(v) => Ok(Some(v)),
            Err(HeaderError::Missing(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Appends a line. Values holding CR or LF are refused.
    pub fn push(&mut self, name: HeaderName, value: impl Into<SipStr>) -> Result<(), BuildError> {
        let value = check_value(value.into())?;
        self.touched(&name);
        self.list.push(Header { name, value });
        Ok(())
    }

    /// Appends a line taken from a parsed message (already checked).
    pub(crate) fn push_parsed(&mut self, name: HeaderName, value: SipStr) {
        self.touched(&name);
        self.list.push(Header { name, value });
    }

    /// Appends a line while a message is being parsed: nothing was read from the list
    /// yet, so no view or tag note can be stale.
    pub(super) fn push_received(&mut self, name: HeaderName, value: SipStr) {
        debug_assert!(self.views.get().is_none() && self.to_tagged.is_none());
        self.list.push(Header { name, value });
    }

    /// Inserts a line at `index` (clamped to the end). Values holding CR or LF are refused.
    pub fn insert(
        &mut self,
        index: usize,
        name: HeaderName,
        value: impl Into<SipStr>,
    ) -> Result<(), BuildError> {
        let value = check_value(value.into())?;
        let index = index.min(self.list.len());
        self.touched(&name);
        self.list.insert(index, Header { name, value });
        Ok(())
    }

    /// Removes every line named `name`; returns how many were removed.
    pub fn remove(&mut self, name: &HeaderName) -> usize {
        let before = self.list.len();
        self.touched(name);
        self.list.retain(|h| &h.name != name);
        before - self.list.len()
    }

    /// Replaces every line named `name` by one line with `value`, at the first one's place
    /// (or at the end if there was none).
    pub fn replace(
        &mut self,
        name: HeaderName,
        value: impl Into<SipStr>,
    ) -> Result<(), BuildError> {
        let value = check_value(value.into())?;
        self.touched(&name);
        match self.list.iter().position(|h| h.name == name) {
            Some(i) => {
                self.remove(&name);
                self.list
                    .insert(i.min(self.list.len()), Header { name, value });
            }
            None => self.list.push(Header { name, value }),
        }
        Ok(())
    }

    /// Replaces the value of the first line named `name` (in place). Returns whether one existed.
    pub(crate) fn replace_first(&mut self, name: &HeaderName, value: SipStr) -> bool {
        self.touched(name);
        match self.list.iter_mut().find(|h| &h.name == name) {
            Some(h) => {
                h.value = value;
                true
            }
            None => false,
        }
    }

    /// Copies every line named `name` from `other`, in order, to the end of this list.
    pub fn copy_from(&mut self, other: &Headers, name: &HeaderName) {
        self.touched(name);
        for h in other.list.iter().filter(|h| &h.name == name) {
            self.list.push(h.clone());
        }
    }

    /// Authorization values, raw (their digest grammar lives in the `auth` module).
    pub fn authorization(&self) -> impl Iterator<Item = &SipStr> {
        self.get_all(&HeaderName::AUTHORIZATION)
    }

    /// Proxy-Authorization values, raw.
    pub fn proxy_authorization(&self) -> impl Iterator<Item = &SipStr> {
        self.get_all(&HeaderName::PROXY_AUTHORIZATION)
    }

    /// WWW-Authenticate values, raw (never split on commas).
    pub fn www_authenticate(&self) -> impl Iterator<Item = &SipStr> {
        self.get_all(&HeaderName::WWW_AUTHENTICATE)
    }

    /// Proxy-Authenticate values, raw (never split on commas).
    pub fn proxy_authenticate(&self) -> impl Iterator<Item = &SipStr> {
        self.get_all(&HeaderName::PROXY_AUTHENTICATE)
    }

    /// `X-*` extension headers in order, with their original name spelling.
    pub fn x_headers(&self) -> impl Iterator<Item = (&str, &SipStr)> {
        self.list
            .iter()
            .filter(|h| h.name.is_x_header())
            .map(|h| (h.name.as_str(), &h.value))
    }

    /// Header lines whose name is not a known SIP header, in order.
    pub fn unknown(&self) -> impl Iterator<Item = (&str, &SipStr)> {
        self.list
            .iter()
            .filter(|h| !h.name.is_known())
            .map(|h| (h.name.as_str(), &h.value))
    }
}

impl<'a> IntoIterator for &'a Headers {
    type Item = &'a Header;
    type IntoIter = std::slice::Iter<'a, Header>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_editing() {
        let mut h = Headers::new();
        h.push(
            HeaderName::VIA,
            "SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b",
        )
        .unwrap();
        h.push(HeaderName::parse("X-Room-ID").unwrap(), "r1")
            .unwrap();
        h.push(HeaderName::VIA, "SIP/2.0/UDP c").unwrap();
        assert_eq!(h.count(&HeaderName::VIA), 2);
        assert_eq!(h.values(&HeaderName::VIA).count(), 3);
        assert!(h.push(HeaderName::SUBJECT, "a\r\nInjected: 1").is_err());
        h.replace(HeaderName::VIA, "SIP/2.0/TCP z").unwrap();
        assert_eq!(h.count(&HeaderName::VIA), 1);
        assert_eq!(h.iter().next().unwrap().value(), "SIP/2.0/TCP z");
        let x: Vec<_> = h.x_headers().collect();
        assert_eq!(x, vec![("X-Room-ID", &SipStr::from("r1"))]);
        assert_eq!(h.remove(&HeaderName::parse("x-room-id").unwrap()), 1);
        assert_eq!(h.len(), 1);
    }

    #[test]
    fn single_value_rules() {
        let mut h = Headers::new();
        assert_eq!(
            h.single(&HeaderName::FROM, "From"),
            Err(HeaderError::Missing("From"))
        );
        h.push(HeaderName::FROM, "<sip:a@b>").unwrap();
        assert!(h.single(&HeaderName::FROM, "From").is_ok());
        h.push(HeaderName::FROM, "<sip:c@d>").unwrap();
        assert_eq!(
            h.single(&HeaderName::FROM, "From"),
            Err(HeaderError::Multiple("From"))
        );
        assert_eq!(h.optional(&HeaderName::EXPIRES, "Expires"), Ok(None));
    }

    #[test]
    fn views_follow_edits() {
        let mut h = Headers::new();
        assert_eq!(h.via().err(), Some(HeaderError::Missing("Via")));
        h.push(HeaderName::VIA, "SIP/2.0/UDP a;branch=z9hG4bK1")
            .unwrap();
        assert_eq!(h.via().unwrap().host(), "a");
        h.insert(0, HeaderName::VIA, "SIP/2.0/UDP b;branch=z9hG4bK2")
            .unwrap();
        assert_eq!(h.via().unwrap().host(), "b");
        h.push(HeaderName::TO, "<sip:x@y>").unwrap();
        assert_eq!(h.to().unwrap().tag(), None);
        h.replace(HeaderName::TO, "<sip:x@y>;tag=t1").unwrap();
        assert_eq!(h.to().unwrap().tag(), Some("t1"));
        assert!(h.replace_first(&HeaderName::TO, SipStr::from("<sip:x@y>;tag=t2")));
        assert_eq!(h.to().unwrap().tag(), Some("t2"));
        assert!(h.from().is_err());
        let mut other = Headers::new();
        other.push(HeaderName::FROM, "<sip:f@g>;tag=f1").unwrap();
        h.copy_from(&other, &HeaderName::FROM);
        assert_eq!(h.from().unwrap().tag(), Some("f1"));
        h.push(HeaderName::CSEQ, "1 INVITE").unwrap();
        assert_eq!(h.cseq().unwrap().seq, 1);
        h.replace(HeaderName::CSEQ, "2 BYE").unwrap();
        assert_eq!(h.cseq().unwrap().seq, 2);
        assert!(h.view_contact().is_none());
        h.push(HeaderName::CONTACT, "<sip:c1@h>").unwrap();
        assert!(h.view_contact().unwrap().unwrap().address().is_some());
        h.replace(HeaderName::CONTACT, "*").unwrap();
        assert!(h.view_contact().unwrap().unwrap().address().is_none());
        assert_eq!(h.remove(&HeaderName::VIA), 2);
        assert!(h.via().is_err());
        // Equality looks at the lines only, not at which views were parsed.
        let copy = h.clone();
        let fresh_from_lines = {
            let mut f = Headers::new();
            for line in &h {
                f.push(line.name().clone(), line.value().clone()).unwrap();
            }
            f
        };
        assert_eq!(copy, fresh_from_lines);
    }
}
