//! The UAS: one behaviour of `DigestServer::verify` per test.

mod auth_support;

use auth_support::{REALM, RURI, answer, md5, origin, pick, rng, server, users};
use sipvoice_core::auth::{
    Action, Algorithm, DigestServer, ParseError, Secret, ServerConfig, UriCheck, Verdict,
};

#[test]
fn correct_password_is_accepted() {
    let (mut r, t0) = (rng(1), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    let v = s.verify(
        t0,
        "INVITE",
        RURI,
        &answer(md5(&ch), "alice", "secret", RURI, 1),
        &users,
    );
    assert_eq!(
        v,
        Verdict::Ok {
            user: "alice".into()
        }
    );
}

#[test]
fn stored_ha1_is_accepted_for_both_algorithms() {
    let (mut r, t0) = (rng(2), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    for (nc, alg) in [(1, "MD5"), (2, "SHA-256")] {
        let v = s.verify(
            t0,
            "INVITE",
            RURI,
            &answer(pick(&ch, alg), "bob", "hunter2", RURI, nc),
            &users,
        );
        assert_eq!(v, Verdict::Ok { user: "bob".into() }, "{alg}");
    }
}

#[test]
fn wrong_password_is_forbidden() {
    let (mut r, t0) = (rng(3), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    let v = s.verify(
        t0,
        "INVITE",
        RURI,
        &answer(md5(&ch), "alice", "Secret", RURI, 1),
        &users,
    );
    assert_eq!(
        v,
        Verdict::WrongPassword {
            user: "alice".into()
        }
    );
    assert_eq!(v.action(), Action::Forbidden);
}

#[test]
fn unknown_user_gets_the_same_answer_as_a_wrong_password() {
    let (mut r, t0) = (rng(4), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    let v = s.verify(
        t0,
        "INVITE",
        RURI,
        &answer(md5(&ch), "mallory", "secret", RURI, 1),
        &users,
    );
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
    let (mut r, t0) = (rng(13), origin());
    let mut s = server(&mut r);
    let mut c = md5(&s.challenge(t0, &mut r)).clone();
    c.realm = "elsewhere.test".into();
    let v = s.verify(
        t0,
        "INVITE",
        RURI,
        &answer(&c, "alice", "secret", RURI, 1),
        &users,
    );
    assert_eq!(v, Verdict::RealmMismatch);
    assert_eq!(v.action(), Action::Challenge { stale: false });
}

#[test]
fn other_uri_is_a_uri_mismatch() {
    let (mut r, t0) = (rng(14), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    let v = s.verify(
        t0,
        "INVITE",
        RURI,
        &answer(md5(&ch), "alice", "secret", "sip:127.0.0.1:5060", 1),
        &users,
    );
    assert_eq!(v, Verdict::UriMismatch);
    assert_eq!(v.action(), Action::BadRequest);
}

#[test]
fn uri_is_compared_after_trimming() {
    let (mut r, t0) = (rng(15), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    let creds = answer(md5(&ch), "alice", "secret", RURI, 1);
    assert!(
        s.verify(t0, "INVITE", &format!("  {RURI} "), &creds, &users)
            .is_ok()
    );
}

#[test]
fn uri_check_can_be_disabled() {
    let (mut r, t0) = (rng(16), origin());
    let mut config = ServerConfig::new(REALM);
    config.uri_check = UriCheck::Ignore;
    let mut s = DigestServer::new(config, &mut r);
    let ch = s.challenge(t0, &mut r);
    let v = s.verify(
        t0,
        "INVITE",
        RURI,
        &answer(md5(&ch), "alice", "secret", "sip:127.0.0.1:5060", 1),
        &users,
    );
    assert!(v.is_ok());
}

#[test]
fn other_method_does_not_verify() {
    let (mut r, t0) = (rng(17), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    let v = s.verify(
        t0,
        "BYE",
        RURI,
        &answer(md5(&ch), "alice", "secret", RURI, 1),
        &users,
    );
    assert_eq!(
        v,
        Verdict::WrongPassword {
            user: "alice".into()
        }
    );
}

#[test]
fn missing_response_is_malformed() {
    let (mut r, t0) = (rng(18), origin());
    let mut s = server(&mut r);
    let n = md5(&s.challenge(t0, &mut r)).nonce.clone();
    let v = s.verify(
        t0,
        "INVITE",
        RURI,
        &format!(r#"Digest username="alice", realm="{REALM}", nonce="{n}", uri="{RURI}""#),
        &users,
    );
    assert_eq!(v, Verdict::Malformed(ParseError::Missing("response")));
    assert_eq!(v.action(), Action::BadRequest);
}

#[test]
fn non_hex_nonce_count_is_malformed() {
    let (mut r, t0) = (rng(19), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    let creds = answer(md5(&ch), "alice", "secret", RURI, 1).replace("nc=00000001", "nc=0000000x");
    assert_eq!(
        s.verify(t0, "INVITE", RURI, &creds, &users),
        Verdict::Malformed(ParseError::Invalid("nc"))
    );
}

#[test]
fn qop_without_cnonce_is_malformed() {
    let (mut r, t0) = (rng(20), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    let creds = answer(md5(&ch), "alice", "secret", RURI, 1).replace(r#"cnonce="0a4f113b", "#, "");
    assert_eq!(
        s.verify(t0, "INVITE", RURI, &creds, &users),
        Verdict::Malformed(ParseError::Missing("cnonce"))
    );
}

#[test]
fn unparseable_value_is_malformed() {
    let (mut r, t0) = (rng(21), origin());
    let mut s = server(&mut r);
    let v = s.verify(t0, "INVITE", RURI, r#"Digest username="alice"#, &users);
    assert_eq!(v, Verdict::Malformed(ParseError::UnterminatedQuote));
}

#[test]
fn other_scheme_is_answered_with_a_challenge() {
    let (mut r, t0) = (rng(22), origin());
    let mut s = server(&mut r);
    let v = s.verify(
        t0,
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
    let (mut r, t0) = (rng(23), origin());
    let mut s = server(&mut r);
    let mut c = md5(&s.challenge(t0, &mut r)).clone();
    c.algorithm = Algorithm::Md5Sess.into();
    let v = s.verify(
        t0,
        "INVITE",
        RURI,
        &answer(&c, "alice", "secret", RURI, 1),
        &users,
    );
    assert_eq!(v, Verdict::UnsupportedAlgorithm);
    let unknown = answer(md5(&s.challenge(t0, &mut r)), "alice", "secret", RURI, 1)
        .replace("algorithm=MD5", "algorithm=SHA-512-256");
    assert_eq!(
        s.verify(t0, "INVITE", RURI, &unknown, &users),
        Verdict::UnsupportedAlgorithm
    );
}

#[test]
fn session_algorithms_verify_when_configured() {
    let (mut r, t0) = (rng(24), origin());
    let mut config = ServerConfig::new(REALM);
    config.algorithms = [Algorithm::Sha256Sess, Algorithm::Md5Sess]
        .into_iter()
        .collect();
    let mut s = DigestServer::new(config, &mut r);
    let ch = s.challenge(t0, &mut r);
    for (nc, c) in (1..).zip(&ch) {
        assert!(
            s.verify(
                t0,
                "INVITE",
                RURI,
                &answer(c, "bob", "hunter2", RURI, nc),
                &users
            )
            .is_ok()
        );
    }
}

#[test]
fn missing_ha1_for_the_algorithm_is_forbidden() {
    let (mut r, t0) = (rng(25), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    let md5_only = |_: &str, _: &str| {
        Some(Secret::Ha1 {
            md5: Some("0".repeat(32)),
            sha256: None,
        })
    };
    let v = s.verify(
        t0,
        "INVITE",
        RURI,
        &answer(pick(&ch, "SHA-256"), "carol", "x", RURI, 1),
        &md5_only,
    );
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
    let (mut r, t0) = (rng(27), origin());
    let mut config = ServerConfig::new(REALM);
    config.allow_without_qop = false;
    let mut s = DigestServer::new(config, &mut r);
    let mut c = md5(&s.challenge(t0, &mut r)).clone();
    c.qop = None;
    let v = s.verify(
        t0,
        "INVITE",
        RURI,
        &answer(&c, "alice", "secret", RURI, 1),
        &users,
    );
    assert_eq!(v, Verdict::Malformed(ParseError::Missing("qop")));
}

#[test]
fn uppercase_response_hex_is_accepted() {
    let (mut r, t0) = (rng(28), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    let mut creds = auth_support::parsed(&answer(md5(&ch), "alice", "secret", RURI, 1));
    creds.response = creds.response.to_ascii_uppercase();
    assert!(s.verify_parsed(t0, "INVITE", RURI, &creds, &users).is_ok());
}
