//! The UAS: one behaviour of `DigestServer::verify` per test.

mod auth_support;

use std::time::Duration;

use auth_support::{REALM, RURI, at, origin, pick, rng, server, users};
use sipvoice_core::auth::{
    Action, Algorithm, Challenge, DigestServer, ParseError, Secret, ServerConfig, UriCheck,
    Verdict, respond,
};

/// Credentials answering `c` (header value), as a client with this password would send.
fn answer(c: &Challenge, user: &str, pass: &str, uri: &str, nc: u32) -> String {
    respond(c, user, pass, "INVITE", uri, nc, "0a4f113b")
        .map(|c| c.to_header_value())
        .unwrap_or_default()
}

fn md5(challenges: &[Challenge]) -> &Challenge {
    pick(challenges, "MD5")
}

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
fn nonce_past_its_lifetime_is_stale() {
    let (mut r, t0) = (rng(5), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    let creds = answer(md5(&ch), "alice", "secret", RURI, 1);
    let v = s.verify(at(t0, 300), "INVITE", RURI, &creds, &users);
    assert_eq!(v, Verdict::Stale);
    assert_eq!(v.action(), Action::Challenge { stale: true });
}

#[test]
fn reaped_nonce_is_still_recognised_as_stale() {
    let (mut r, t0) = (rng(6), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    s.reap(at(t0, 301));
    let v = s.verify(
        at(t0, 301),
        "INVITE",
        RURI,
        &answer(md5(&ch), "alice", "secret", RURI, 1),
        &users,
    );
    assert_eq!(v, Verdict::Stale);
}

#[test]
fn stale_challenge_says_stale_true() {
    let (mut r, t0) = (rng(7), origin());
    let mut s = server(&mut r);
    let ch = s.challenge_stale(t0, &mut r);
    assert!(
        ch.iter()
            .all(|c| c.stale && c.to_string().contains("stale=true"))
    );
}

#[test]
fn repeated_nonce_count_is_a_replay() {
    let (mut r, t0) = (rng(8), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    let creds = answer(md5(&ch), "alice", "secret", RURI, 1);
    assert!(s.verify(t0, "INVITE", RURI, &creds, &users).is_ok());
    let v = s.verify(at(t0, 1), "INVITE", RURI, &creds, &users);
    assert_eq!(
        v,
        Verdict::Replay {
            user: "alice".into()
        }
    );
    assert_eq!(v.action(), Action::Forbidden);
}

#[test]
fn lower_nonce_count_after_a_higher_one_is_a_replay() {
    let (mut r, t0) = (rng(9), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    assert!(
        s.verify(
            t0,
            "INVITE",
            RURI,
            &answer(md5(&ch), "alice", "secret", RURI, 5),
            &users
        )
        .is_ok()
    );
    let v = s.verify(
        t0,
        "INVITE",
        RURI,
        &answer(md5(&ch), "alice", "secret", RURI, 4),
        &users,
    );
    assert_eq!(
        v,
        Verdict::Replay {
            user: "alice".into()
        }
    );
}

#[test]
fn increasing_nonce_counts_are_accepted() {
    let (mut r, t0) = (rng(10), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    for nc in [1, 2, 3, 7] {
        let v = s.verify(
            at(t0, u64::from(nc)),
            "INVITE",
            RURI,
            &answer(md5(&ch), "alice", "secret", RURI, nc),
            &users,
        );
        assert!(v.is_ok(), "nc {nc}: {v:?}");
    }
}

#[test]
fn forged_nonce_is_unknown() {
    let (mut r, t0) = (rng(11), origin());
    let mut s = server(&mut r);
    let mut forged = md5(&s.challenge(t0, &mut r)).clone();
    forged.nonce = "0".repeat(48);
    let v = s.verify(
        t0,
        "INVITE",
        RURI,
        &answer(&forged, "alice", "secret", RURI, 1),
        &users,
    );
    assert_eq!(v, Verdict::UnknownNonce);
    assert_eq!(v.action(), Action::Challenge { stale: false });
}

#[test]
fn nonce_of_another_server_is_unknown() {
    let (mut r, t0) = (rng(12), origin());
    let mut other = server(&mut r);
    let mut s = server(&mut r);
    let ch = other.challenge(t0, &mut r);
    let v = s.verify(
        t0,
        "INVITE",
        RURI,
        &answer(md5(&ch), "alice", "secret", RURI, 1),
        &users,
    );
    assert_eq!(v, Verdict::UnknownNonce);
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
fn response_without_qop_is_accepted_once() {
    let (mut r, t0) = (rng(26), origin());
    let mut s = server(&mut r);
    let mut c = md5(&s.challenge(t0, &mut r)).clone();
    c.qop = None;
    let creds = answer(&c, "alice", "secret", RURI, 1);
    assert!(!creds.contains("qop="));
    assert!(s.verify(t0, "INVITE", RURI, &creds, &users).is_ok());
    assert_eq!(
        s.verify(t0, "INVITE", RURI, &creds, &users),
        Verdict::Replay {
            user: "alice".into()
        }
    );
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

#[test]
fn default_challenge_order_is_md5_then_sha256() {
    let (mut r, t0) = (rng(29), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    let algs: Vec<_> = ch.iter().map(Challenge::resolved_algorithm).collect();
    assert_eq!(algs, vec![Some(Algorithm::Md5), Some(Algorithm::Sha256)]);
    assert!(
        ch.iter()
            .all(|c| c.nonce == ch[0].nonce && c.realm == REALM)
    );
    assert!(ch[0].to_string().contains(r#"qop="auth""#));
}

#[test]
fn challenge_order_is_configurable() {
    let (mut r, t0) = (rng(30), origin());
    let mut config = ServerConfig::new(REALM);
    config.algorithms = [Algorithm::Sha256, Algorithm::Md5].into_iter().collect();
    config.opaque = Some("0p4qu3".into());
    let mut s = DigestServer::new(config, &mut r);
    let ch = s.challenge(t0, &mut r);
    let algs: Vec<_> = ch.iter().map(Challenge::resolved_algorithm).collect();
    assert_eq!(algs, vec![Some(Algorithm::Sha256), Some(Algorithm::Md5)]);
    assert!(ch.iter().all(|c| c.opaque.as_deref() == Some("0p4qu3")));
}

#[test]
fn each_challenge_round_has_a_fresh_nonce() {
    let (mut r, t0) = (rng(31), origin());
    let mut s = server(&mut r);
    let a = s.challenge(t0, &mut r);
    let b = s.challenge(t0, &mut r);
    assert_ne!(a[0].nonce, b[0].nonce);
    assert_eq!(s.live_nonces(), 2);
}

#[test]
fn nonce_store_is_bounded_and_evicts_the_oldest() {
    let (mut r, t0) = (rng(32), origin());
    let mut config = ServerConfig::new(REALM);
    config.max_nonces = 4;
    let mut s = DigestServer::new(config, &mut r);
    let first = s.challenge(t0, &mut r);
    for _ in 0..10 {
        s.challenge(t0, &mut r);
    }
    assert_eq!(s.live_nonces(), 4);
    let v = s.verify(
        t0,
        "INVITE",
        RURI,
        &answer(md5(&first), "alice", "secret", RURI, 1),
        &users,
    );
    assert_eq!(v, Verdict::Stale);
}

#[test]
fn nonce_store_is_reaped_to_zero_after_the_lifetime() {
    let (mut r, t0) = (rng(33), origin());
    let mut s = server(&mut r);
    for i in 0..50 {
        s.challenge(at(t0, i), &mut r);
    }
    assert_eq!(s.live_nonces(), 50);
    assert_eq!(s.next_deadline(), Some(at(t0, 300)));
    assert_eq!(s.reap(at(t0, 320)), 21);
    assert_eq!(s.reap(at(t0, 349)), 29);
    assert_eq!(s.live_nonces(), 0);
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn configured_lifetime_is_honoured() {
    let (mut r, t0) = (rng(34), origin());
    let mut config = ServerConfig::new(REALM);
    config.nonce_lifetime = Duration::from_secs(30);
    let mut s = DigestServer::new(config, &mut r);
    let ch = s.challenge(t0, &mut r);
    let creds = answer(md5(&ch), "alice", "secret", RURI, 1);
    assert!(s.verify(at(t0, 29), "INVITE", RURI, &creds, &users).is_ok());
    let later = answer(md5(&ch), "alice", "secret", RURI, 2);
    assert_eq!(
        s.verify(at(t0, 30), "INVITE", RURI, &later, &users),
        Verdict::Stale
    );
}
