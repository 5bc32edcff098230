//! The UAS: one behaviour of `DigestServer::verify` per test.

mod auth_support;

use auth_support::{REALM, RURI, Uas, alice, answer, md5, ok, pick, users, wrong_password};
use sipvoice_core::auth::{Action, Algorithm, ParseError, Secret, ServerConfig, UriCheck, Verdict};

#[test]
fn correct_password_is_accepted() {
    let mut u = Uas::new(1);
    let ch = u.challenge();
    let v = u.verify(0, &alice(md5(&ch), 1));
    assert_eq!(v, ok("alice"));
}

#[test]
fn stored_ha1_is_accepted_for_both_algorithms() {
    let mut u = Uas::new(2);
    let ch = u.challenge();
    for (nc, alg) in [(1, "MD5"), (2, "SHA-256")] {
        let v = u.verify(0, &answer(pick(&ch, alg), "bob", "hunter2", RURI, nc));
        assert_eq!(v, ok("bob"), "{alg}");
    }
}

#[test]
fn wrong_password_is_forbidden() {
    let mut u = Uas::new(3);
    let ch = u.challenge();
    let v = u.verify(0, &answer(md5(&ch), "alice", "Secret", RURI, 1));
    assert_eq!(v, wrong_password("alice"));
    assert_eq!(v.action(), Action::Forbidden);
}

#[test]
fn unknown_user_gets_the_same_answer_as_a_wrong_password() {
    let mut u = Uas::new(4);
    let ch = u.challenge();
    let v = u.verify(0, &answer(md5(&ch), "mallory", "secret", RURI, 1));
    assert_eq!(
        v,
        Verdict::UnknownUser {
            user: "mallory".into()
        }
    );
    assert_eq!(v.action(), Action::Forbidden);
}

#[test]
fn other_realm_is_a_realm_mismatch() {
    let mut u = Uas::new(13);
    let mut c = u.md5_challenge();
    c.realm = "elsewhere.test".into();
    let v = u.verify(0, &alice(&c, 1));
    assert_eq!(v, Verdict::RealmMismatch);
    assert_eq!(v.action(), Action::Challenge { stale: false });
}

#[test]
fn other_uri_is_a_uri_mismatch() {
    let mut u = Uas::new(14);
    let ch = u.challenge();
    let v = u.verify(
        0,
        &answer(md5(&ch), "alice", "secret", "sip:127.0.0.1:5060", 1),
    );
    assert_eq!(v, Verdict::UriMismatch);
    assert_eq!(v.action(), Action::BadRequest);
}

#[test]
fn uri_is_compared_after_trimming() {
    let mut u = Uas::new(15);
    let ch = u.challenge();
    let creds = alice(md5(&ch), 1);
    let trimmed = format!("  {RURI} ");
    let v = u.server.verify(u.t0, "INVITE", &trimmed, &creds, &users);
    assert!(v.is_ok());
}

#[test]
fn uri_check_can_be_disabled() {
    let mut config = ServerConfig::new(REALM);
    config.uri_check = UriCheck::Ignore;
    let mut u = Uas::with_config(16, config);
    let ch = u.challenge();
    let v = u.verify(
        0,
        &answer(md5(&ch), "alice", "secret", "sip:127.0.0.1:5060", 1),
    );
    assert!(v.is_ok());
}

#[test]
fn other_method_does_not_verify() {
    let mut u = Uas::new(17);
    let ch = u.challenge();
    let creds = alice(md5(&ch), 1);
    let v = u.server.verify(u.t0, "BYE", RURI, &creds, &users);
    assert_eq!(v, wrong_password("alice"));
}

#[test]
fn missing_response_is_malformed() {
    let mut u = Uas::new(18);
    let n = u.md5_challenge().nonce;
    let v = u.verify(
        0,
        &format!(r#"Digest username="alice", realm="{REALM}", nonce="{n}", uri="{RURI}""#),
    );
    assert_eq!(v, Verdict::Malformed(ParseError::Missing("response")));
    assert_eq!(v.action(), Action::BadRequest);
}

#[test]
fn non_hex_nonce_count_is_malformed() {
    let mut u = Uas::new(19);
    let ch = u.challenge();
    let creds = alice(md5(&ch), 1).replace("nc=00000001", "nc=0000000x");
    assert_eq!(
        u.verify(0, &creds),
        Verdict::Malformed(ParseError::Invalid("nc"))
    );
}

#[test]
fn qop_without_cnonce_is_malformed() {
    let mut u = Uas::new(20);
    let ch = u.challenge();
    let creds = alice(md5(&ch), 1).replace(r#"cnonce="0a4f113b", "#, "");
    assert_eq!(
        u.verify(0, &creds),
        Verdict::Malformed(ParseError::Missing("cnonce"))
    );
}

#[test]
fn unparseable_value_is_malformed() {
    let mut u = Uas::new(21);
    let v = u.verify(0, r#"Digest username="alice"#);
    assert_eq!(v, Verdict::Malformed(ParseError::UnterminatedQuote));
}

#[test]
fn other_scheme_is_answered_with_a_challenge() {
    let mut u = Uas::new(22);
    let v = u.server.verify(
        u.t0,
        "REGISTER",
        "sip:example.com",
        "NoOneKnowsThisScheme opaque-data=here",
        &users,
    );
    assert_eq!(v, Verdict::NotDigest);
    assert_eq!(v.action(), Action::Challenge { stale: false });
}

#[test]
fn algorithm_not_offered_is_unsupported() {
    let mut u = Uas::new(23);
    let mut c = u.md5_challenge();
    c.algorithm = Algorithm::Md5Sess.into();
    assert_eq!(u.verify(0, &alice(&c, 1)), Verdict::UnsupportedAlgorithm);
    let unknown = alice(&u.md5_challenge(), 1).replace("algorithm=MD5", "algorithm=SHA-512-256");
    assert_eq!(u.verify(0, &unknown), Verdict::UnsupportedAlgorithm);
}

#[test]
fn session_algorithms_verify_when_configured() {
    let mut config = ServerConfig::new(REALM);
    config.algorithms = [Algorithm::Sha256Sess, Algorithm::Md5Sess]
        .into_iter()
        .collect();
    let mut u = Uas::with_config(24, config);
    let ch = u.challenge();
    for (nc, c) in (1..).zip(&ch) {
        assert!(u.verify(0, &answer(c, "bob", "hunter2", RURI, nc)).is_ok());
    }
}

#[test]
fn missing_ha1_for_the_algorithm_is_forbidden() {
    let mut u = Uas::new(25);
    let ch = u.challenge();
    let md5_only = |_: &str, _: &str| {
        Some(Secret::Ha1 {
            md5: Some("0".repeat(32)),
            sha256: None,
        })
    };
    let creds = answer(pick(&ch, "SHA-256"), "carol", "x", RURI, 1);
    let v = u.server.verify(u.t0, "INVITE", RURI, &creds, &md5_only);
    assert_eq!(
        v,
        Verdict::NoSecretForAlgorithm {
            user: "carol".into()
        }
    );
    assert_eq!(v.action(), Action::Forbidden);
}

#[test]
fn response_without_qop_can_be_refused() {
    let mut config = ServerConfig::new(REALM);
    config.allow_without_qop = false;
    let mut u = Uas::with_config(27, config);
    let mut c = u.md5_challenge();
    c.qop = None;
    let v = u.verify(0, &alice(&c, 1));
    assert_eq!(v, Verdict::Malformed(ParseError::Missing("qop")));
}

#[test]
fn uppercase_response_hex_is_accepted() {
    let mut u = Uas::new(28);
    let ch = u.challenge();
    let mut creds = auth_support::parsed(&alice(md5(&ch), 1));
    creds.response = creds.response.to_ascii_uppercase();
    assert!(
        u.server
            .verify_parsed(u.t0, "INVITE", RURI, &creds, &users)
            .is_ok()
    );
}
