//! Credentials as SIPp 3.6 sends them (compact, no spaces).
//!
//! Two sources: values built here from the RFC 2617 formula with the `md-5` crate directly
//! (independent of the module under test), and values captured from a real SIPp 3.6.1 in
//! `data/auth/sipp-3.6.1.tsv` (see `data/auth/capture.sh`), answering a challenge of a
//! server rebuilt here from the same RNG seed.

mod auth_support;

use auth_support::{REALM, RURI, Uas, ok, origin, pick, replay, rng, users, wrong_password};
use md5::{Digest, Md5};
use sipvoice_core::auth::{Challenge, DigestServer, ServerConfig, UriCheck, Verdict};
use std::time::Instant;

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
    let mut u = Uas::new(1);
    let ch = u.challenge();
    // SIPp reads the first challenge, which by default is MD5.
    assert_eq!(ch[0].resolved_algorithm().map(|a| a.as_str()), Some("MD5"));
    let value = sipp_authorization(&ch[0], "secret", "6b8b4567", "00000001");
    assert_eq!(u.verify(0, &value), ok("alice"));
}

#[test]
fn sipp_credentials_with_wrong_password_are_forbidden() {
    let mut u = Uas::new(2);
    let ch = u.challenge();
    let value = sipp_authorization(pick(&ch, "MD5"), "wrong", "6b8b4567", "00000001");
    assert_eq!(u.verify(0, &value), wrong_password("alice"));
}

#[test]
fn sipp_default_uri_is_a_mismatch_without_auth_uri() {
    let mut u = Uas::new(3);
    let ch = u.challenge();
    // Without -auth_uri SIPp hashes sip:REMOTE_IP:PORT, not the Request-URI.
    let value = sipp_authorization(&ch[0], "secret", "6b8b4567", "00000001")
        .replace(RURI, "sip:127.0.0.1:5060");
    assert_eq!(u.verify(0, &value), Verdict::UriMismatch);
}

/// One row of `data/auth/sipp-3.6.1.tsv`: case, Request-URI, SIPp options, Authorization.
struct Captured {
    case: String,
    request_uri: String,
    authorization: String,
}

fn captured() -> Vec<Captured> {
    let text = include_str!("data/auth/sipp-3.6.1.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 4, "bad row: {l}");
            Captured {
                case: cols[0].into(),
                request_uri: cols[1].into(),
                authorization: cols[3].into(),
            }
        })
        .collect()
}

fn captured_case(name: &str) -> Captured {
    captured()
        .into_iter()
        .find(|c| c.case == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

/// The server that issued the captured nonce (same seed, same order of draws).
fn capture_server(config: ServerConfig) -> (DigestServer, Instant) {
    let mut r = rng(0x5157);
    let mut s = DigestServer::new(config, &mut r);
    let t0 = origin();
    let ch = s.challenge(t0, &mut r);
    let sample = auth_support::parsed(&captured_case("auth_uri").authorization);
    assert_eq!(
        ch[0].nonce, sample.nonce,
        "nonce generation changed: re-run data/auth/capture.sh"
    );
    (s, t0)
}

/// Verifies the captured credentials `c` for INVITE to their Request-URI.
fn verify_captured(s: &mut DigestServer, t0: Instant, c: &Captured) -> Verdict {
    s.verify(t0, "INVITE", &c.request_uri, &c.authorization, &users)
}

#[test]
fn captured_sipp_credentials_verify() {
    let (mut s, t0) = capture_server(ServerConfig::new(REALM));
    let c = captured_case("auth_uri");
    assert_eq!(verify_captured(&mut s, t0, &c), ok("alice"));
}

#[test]
fn captured_sipp_credentials_with_wrong_password_are_forbidden() {
    let (mut s, t0) = capture_server(ServerConfig::new(REALM));
    let c = captured_case("wrong_password");
    assert_eq!(verify_captured(&mut s, t0, &c), wrong_password("alice"));
}

#[test]
fn captured_sipp_default_uri_needs_the_uri_check_off() {
    let c = captured_case("default_uri");
    let (mut strict, t0) = capture_server(ServerConfig::new(REALM));
    assert_eq!(verify_captured(&mut strict, t0, &c), Verdict::UriMismatch);
    let mut config = ServerConfig::new(REALM);
    config.uri_check = UriCheck::Ignore;
    let (mut lenient, t0) = capture_server(config);
    assert_eq!(verify_captured(&mut lenient, t0, &c), ok("alice"));
}

#[test]
fn captured_sipp_credentials_replayed_are_refused() {
    let (mut s, t0) = capture_server(ServerConfig::new(REALM));
    let c = captured_case("auth_uri");
    assert!(verify_captured(&mut s, t0, &c).is_ok());
    assert_eq!(verify_captured(&mut s, t0, &c), replay("alice"));
}
