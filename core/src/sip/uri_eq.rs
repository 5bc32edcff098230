//! URI equivalence per RFC 3261 §19.1.4 (and a plain rule for `tel:` and other schemes).

use super::scan::unescape;
use super::uri::{Scheme, Uri};

fn unesc_eq(a: &str, b: &str) -> bool {
    unescape(a) == unescape(b)
}

fn unesc_eq_ci(a: &str, b: &str) -> bool {
    unescape(a).eq_ignore_ascii_case(&unescape(b))
}

fn opt_eq(a: Option<&str>, b: Option<&str>, f: fn(&str, &str) -> bool) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => f(x, y),
        _ => false,
    }
}

/// Parameters that must match when either side has them (§19.1.4: user, ttl, method,
/// maddr; and transport, as the section's own examples require).
const STRICT_PARAMS: [&str; 5] = ["user", "ttl", "method", "maddr", "transport"];

fn params_equivalent(a: &Uri, b: &Uri) -> bool {
    fn find<'a>(u: &'a Uri, name: &str) -> Option<&'a str> {
        u.params()
            .find(|(n, _)| unesc_eq_ci(n, name))
            .map(|(_, v)| v.unwrap_or(""))
    }
    for (n, _) in a.params() {
        let v = find(a, n).unwrap_or("");
        if let Some(w) = find(b, n) {
            if !unesc_eq_ci(v, w) {
                return false;
            }
        } else if STRICT_PARAMS.iter().any(|s| unesc_eq_ci(n, s)) {
            return false;
        }
    }
    for (n, _) in b.params() {
        if find(a, n).is_none() && STRICT_PARAMS.iter().any(|s| unesc_eq_ci(n, s)) {
            return false;
        }
    }
    true
}

fn headers_equivalent(a: &Uri, b: &Uri) -> bool {
    let contains = |x: &Uri, y: &Uri| {
        x.headers().all(|(n, v)| {
            y.headers()
                .any(|(m, w)| unesc_eq_ci(n, m) && unesc_eq(v, w))
        })
    };
    contains(a, b) && contains(b, a)
}

fn tel_digits(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '-' | '.' | '(' | ')'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl Uri {
    /// Whether two URIs are equivalent per RFC 3261 §19.1.4.
    ///
    /// For sip/sips: same scheme; user and password compared case-sensitively after
    /// decoding escapes once; host case-insensitively; ports equal (an absent port does not
    /// equal 5060); parameters present in both must match, `user`/`ttl`/`method`/`maddr`
    /// (and `transport`) present in only one never match, other one-sided parameters are ignored; headers must
    /// be present in both and match. `tel:` numbers compare without visual separators;
    /// other schemes compare by case-insensitive text.
    pub fn equivalent(&self, other: &Uri) -> bool {
        if self.scheme() != other.scheme() {
            return false;
        }
        match self.scheme() {
            Scheme::Sip | Scheme::Sips => {
                opt_eq(self.user(), other.user(), unesc_eq)
                    && opt_eq(self.password(), other.password(), unesc_eq)
                    && self.host().eq_ignore_ascii_case(other.host())
                    && self.port() == other.port()
                    && params_equivalent(self, other)
                    && headers_equivalent(self, other)
            }
            Scheme::Tel => {
                tel_digits(self.host()) == tel_digits(other.host())
                    && params_equivalent(self, other)
            }
            Scheme::Other => self.as_str().eq_ignore_ascii_case(other.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eq(a: &str, b: &str) -> bool {
        let a = Uri::parse(a).unwrap();
        let b = Uri::parse(b).unwrap();
        a.equivalent(&b) && b.equivalent(&a)
    }

    #[test]
    fn rfc3261_equal_examples() {
        assert!(eq(
            "sip:%61lice@atlanta.com;transport=TCP",
            "sip:alice@AtLanTa.CoM;Transport=tcp"
        ));
        assert!(eq(
            "sip:carol@chicago.com",
            "sip:carol@chicago.com;newparam=5"
        ));
        assert!(eq(
            "sip:carol@chicago.com",
            "sip:carol@chicago.com;security=on"
        ));
        assert!(eq(
            "sip:carol@chicago.com;newparam=5",
            "sip:carol@chicago.com;security=on"
        ));
        assert!(eq(
            "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
            "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"
        ));
        assert!(eq(
            "sip:alice@atlanta.com?subject=project%20x&priority=urgent",
            "sip:alice@atlanta.com?priority=urgent&subject=project%20x"
        ));
    }

    #[test]
    fn rfc3261_unequal_examples() {
        assert!(!eq(
            "SIP:ALICE@AtLanTa.CoM;Transport=udp",
            "sip:alice@AtLanTa.CoM;Transport=UDP"
        ));
        assert!(!eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"));
        assert!(!eq(
            "sip:bob@biloxi.com",
            "sip:bob@biloxi.com;transport=udp"
        ));
        assert!(!eq(
            "sip:bob@biloxi.com",
            "sip:bob@biloxi.com:6000;transport=tcp"
        ));
        assert!(!eq(
            "sip:carol@chicago.com",
            "sip:carol@chicago.com?Subject=next%20meeting"
        ));
        assert!(!eq("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"));
        assert!(!eq("sip:a@h", "sips:a@h"));
        assert!(!eq("sip:a@h", "sip:a@h;maddr=x"));
        assert!(!eq("sip:a@h;user=phone", "sip:a@h"));
    }

    #[test]
    fn escapes_decoded_once() {
        assert!(eq(
            "sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31",
            "sip:caller@host5.example.net;lr;name=value%2541"
        ));
        assert!(!eq(
            "sip:cal%6Cer@h;name=value%2541",
            "sip:caller@h;name=valueA"
        ));
        assert!(!eq("sip:%00@h", "sip:%00%00@h"));
    }

    #[test]
    fn tel_and_other() {
        assert!(eq("tel:+1-201-555-0123", "tel:+12015550123"));
        assert!(eq("urn:service:sos", "URN:service:sos"));
        assert!(!eq("urn:service:sos", "tel:911"));
    }
}
