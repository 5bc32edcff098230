//! Credentials in the exact shape SIPp 3.6 sends (no spaces, its parameter order).
//!
//! The expected response is computed here from the RFC 2617 formula with the `md-5`
//! crate directly, independently of the module under test.

mod auth_support;

use auth_support::{REALM, RURI, origin, pick, rng, server, users};
use md5::{Digest, Md5};
use sipvoice_core::auth::{Challenge, Verdict};

fn md5_hex(s: &str) -> String {
    Md5::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `Authorization` as SIPp builds it for `-au alice -ap secret -auth_uri service@127.0.0.1:5060`.
fn sipp_authorization(c: &Challenge, password: &str, cnonce: &str, nc: &str) -> String {
    let ha1 = md5_hex(&format!("alice:{REALM}:{password}"));
    let ha2 = md5_hex(&format!("INVITE:{RURI}"));
    let response = md5_hex(&format!("{ha1}:{}:{nc}:{cnonce}:auth:{ha2}", c.nonce));
    let mut v = format!(
        r#"Digest username="alice",realm="{REALM}",uri="{RURI}",nonce="{}",response="{response}",algorithm=MD5,cnonce="{cnonce}",qop=auth,nc={nc}"#,
        c.nonce
    );
    if let Some(opaque) = &c.opaque {
        v.push_str(&format!(r#",opaque="{opaque}""#));
    }
    v
}

#[test]
fn sipp_credentials_verify() {
    let (mut r, t0) = (rng(1), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    // SIPp reads the first challenge, which by default is MD5.
    assert_eq!(ch[0].resolved_algorithm().map(|a| a.as_str()), Some("MD5"));
    let value = sipp_authorization(&ch[0], "secret", "6b8b4567", "00000001");
    assert_eq!(
        s.verify(t0, "INVITE", RURI, &value, &users),
        Verdict::Ok {
            user: "alice".into()
        }
    );
}

#[test]
fn sipp_credentials_with_wrong_password_are_forbidden() {
    let (mut r, t0) = (rng(2), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    let value = sipp_authorization(pick(&ch, "MD5"), "wrong", "6b8b4567", "00000001");
    assert_eq!(
        s.verify(t0, "INVITE", RURI, &value, &users),
        Verdict::WrongPassword {
            user: "alice".into()
        }
    );
}

#[test]
fn sipp_default_uri_is_a_mismatch_without_auth_uri() {
    let (mut r, t0) = (rng(3), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    // Without -auth_uri SIPp hashes sip:REMOTE_IP:PORT, not the Request-URI.
    let value = sipp_authorization(&ch[0], "secret", "6b8b4567", "00000001")
        .replace(RURI, "sip:127.0.0.1:5060");
    assert_eq!(
        s.verify(t0, "INVITE", RURI, &value, &users),
        Verdict::UriMismatch
    );
}
