//! The UAS nonces: challenge rounds, lifetime and `stale`, nonce-count replay, bounds and reaping.

mod auth_support;

use std::time::Duration;

use auth_support::{REALM, RURI, answer, at, md5, origin, rng, server, users};
use sipvoice_core::auth::{Action, Algorithm, Challenge, DigestServer, ServerConfig, Verdict};

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
fn stale_nonce_with_a_wrong_password_is_not_stale() {
    let (mut r, t0) = (rng(35), origin());
    let mut s = server(&mut r);
    let ch = s.challenge(t0, &mut r);
    let creds = answer(md5(&ch), "alice", "wrong", RURI, 1);
    let v = s.verify(at(t0, 400), "INVITE", RURI, &creds, &users);
    assert_eq!(
        v,
        Verdict::WrongPassword {
            user: "alice".into()
        }
    );
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
