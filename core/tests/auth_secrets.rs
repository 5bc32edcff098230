//! Secrets hygiene: no password, HA1 or response in any `Debug` or `Display` output.

mod auth_support;

use auth_support::{REALM, RURI, origin, rng, server, users};
use sipvoice_core::auth::{DigestClient, Secret};

const PASSWORD: &str = "Tr0ub4dor&3-unique";

#[test]
fn password_secret_debug_is_redacted() {
    let shown = format!("{:?}", Secret::Password(PASSWORD.into()));
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert!(shown.contains("redacted"));
}

#[test]
fn ha1_secret_debug_is_redacted() {
    let secret = Secret::ha1_from_password("alice", REALM, PASSWORD);
    let Secret::Ha1 {
        md5: Some(md5),
        sha256: Some(sha),
    } = &secret
    else {
        panic!("expected both HA1 values");
    };
    let shown = format!("{secret:?} {secret:#?}");
    assert!(
        !shown.contains(md5.as_str()) && !shown.contains(sha.as_str()),
        "{shown}"
    );
}

#[test]
fn client_debug_hides_the_password() {
    let mut r = rng(1);
    let mut s = server(&mut r);
    let ch = s.challenge(origin(), &mut r);
    let mut client = DigestClient::new("alice", PASSWORD);
    let _ = client.answer(&ch, "INVITE", RURI, &mut r);
    let shown = format!("{client:?} {client:#?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert!(shown.contains("alice"));
}

#[test]
fn credentials_debug_hides_the_response() {
    let mut r = rng(2);
    let mut s = server(&mut r);
    let ch = s.challenge(origin(), &mut r);
    let creds = DigestClient::new("alice", PASSWORD).answer(&ch, "INVITE", RURI, &mut r);
    let creds = creds.unwrap_or_else(|e| panic!("{e}"));
    assert!(creds.to_header_value().contains(&creds.response));
    let shown = format!("{creds:?} {creds:#?}");
    assert!(!shown.contains(&creds.response), "{shown}");
    assert!(!shown.contains(PASSWORD));
}

#[test]
fn server_debug_and_verdicts_hold_no_secret() {
    let (mut r, t0) = (rng(3), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    let creds = DigestClient::new("alice", "secret").answer(&ch, "INVITE", RURI, &mut r);
    let creds = creds.unwrap_or_else(|e| panic!("{e}"));
    let verdict = s.verify(t0, "INVITE", RURI, &creds.to_header_value(), &users);
    let shown = format!("{s:?} {verdict:?}");
    assert!(verdict.is_ok());
    assert!(
        !shown.contains(&creds.response) && !shown.contains("secret\""),
        "{shown}"
    );
}

#[test]
fn parse_errors_do_not_echo_values() {
    let v = format!(r#"Digest username="alice", response="{PASSWORD}", response="{PASSWORD}""#);
    let err = sipvoice_core::auth::Credentials::parse(&v)
        .err()
        .map(|e| format!("{e} {e:?}"));
    assert!(
        err.as_deref().is_some_and(|e| !e.contains(PASSWORD)),
        "{err:?}"
    );
}
