//! The UAS nonces: challenge rounds, lifetime and `stale`, nonce-count replay, bounds and reaping.

mod auth_support;

use std::time::Duration;

use auth_support::{
    REALM, RURI, Uas, alice, answer, at, md5, origin, replay, rng, server, users, wrong_password,
};
use sipvoice_core::auth::{Action, Algorithm, Challenge, ServerConfig, Verdict};

#[test]
fn nonce_past_its_lifetime_is_stale() {
    let mut u = Uas::new(5);
    let ch = u.challenge();
    let v = u.verify(300, &alice(md5(&ch), 1));
    assert_eq!(v, Verdict::Stale);
    assert_eq!(v.action(), Action::Challenge { stale: true });
}

#[test]
fn stale_nonce_with_a_wrong_password_is_not_stale() {
    let mut u = Uas::new(35);
    let ch = u.challenge();
    let v = u.verify(400, &answer(md5(&ch), "alice", "wrong", RURI, 1));
    assert_eq!(v, wrong_password("alice"));
}

#[test]
fn reaped_nonce_is_still_recognised_as_stale() {
    let mut u = Uas::new(6);
    let ch = u.challenge();
    u.server.reap(at(u.t0, 301));
    assert_eq!(u.verify(301, &alice(md5(&ch), 1)), Verdict::Stale);
}

#[test]
fn stale_challenge_says_stale_true() {
    let mut u = Uas::new(7);
    let ch = u.server.challenge_stale(u.t0, &mut u.rng);
    assert!(
        ch.iter()
            .all(|c| c.stale && c.to_string().contains("stale=true"))
    );
}

#[test]
fn repeated_nonce_count_is_a_replay() {
    let mut u = Uas::new(8);
    let ch = u.challenge();
    let creds = alice(md5(&ch), 1);
    assert!(u.verify(0, &creds).is_ok());
    let v = u.verify(1, &creds);
    assert_eq!(v, replay("alice"));
    assert_eq!(v.action(), Action::Forbidden);
}

#[test]
fn lower_nonce_count_after_a_higher_one_is_a_replay() {
    let mut u = Uas::new(9);
    let ch = u.challenge();
    assert!(u.verify(0, &alice(md5(&ch), 5)).is_ok());
    assert_eq!(u.verify(0, &alice(md5(&ch), 4)), replay("alice"));
}

#[test]
fn increasing_nonce_counts_are_accepted() {
    let mut u = Uas::new(10);
    let ch = u.challenge();
    for nc in [1, 2, 3, 7] {
        let v = u.verify(u64::from(nc), &alice(md5(&ch), nc));
        assert!(v.is_ok(), "nc {nc}: {v:?}");
    }
}

#[test]
fn forged_nonce_is_unknown() {
    let mut u = Uas::new(11);
    let mut forged = u.md5_challenge();
    forged.nonce = "0".repeat(48);
    let v = u.verify(0, &alice(&forged, 1));
    assert_eq!(v, Verdict::UnknownNonce);
    assert_eq!(v.action(), Action::Challenge { stale: false });
}

#[test]
fn nonce_of_another_server_is_unknown() {
    let (mut r, t0) = (rng(12), origin());
    let mut other = server(&mut r);
    let mut s = server(&mut r);
    let ch = other.challenge(t0, &mut r);
    let creds = alice(md5(&ch), 1);
    let v = s.verify(t0, "INVITE", RURI, &creds, &users);
    assert_eq!(v, Verdict::UnknownNonce);
}

#[test]
fn response_without_qop_is_accepted_once() {
    let mut u = Uas::new(26);
    let mut c = u.md5_challenge();
    c.qop = None;
    let creds = alice(&c, 1);
    assert!(!creds.contains("qop="));
    assert!(u.verify(0, &creds).is_ok());
    assert_eq!(u.verify(0, &creds), replay("alice"));
}

#[test]
fn default_challenge_order_is_md5_then_sha256() {
    let mut u = Uas::new(29);
    let ch = u.challenge();
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
    let mut config = ServerConfig::new(REALM);
    config.algorithms = [Algorithm::Sha256, Algorithm::Md5].into_iter().collect();
    config.opaque = Some("0p4qu3".into());
    let mut u = Uas::with_config(30, config);
    let ch = u.challenge();
    let algs: Vec<_> = ch.iter().map(Challenge::resolved_algorithm).collect();
    assert_eq!(algs, vec![Some(Algorithm::Sha256), Some(Algorithm::Md5)]);
    assert!(ch.iter().all(|c| c.opaque.as_deref() == Some("0p4qu3")));
}

#[test]
fn each_challenge_round_has_a_fresh_nonce() {
    let mut u = Uas::new(31);
    let a = u.challenge();
    let b = u.challenge();
    assert_ne!(a[0].nonce, b[0].nonce);
    assert_eq!(u.server.live_nonces(), 2);
}

#[test]
fn nonce_store_is_bounded_and_evicts_the_oldest() {
    let mut config = ServerConfig::new(REALM);
    config.max_nonces = 4;
    let mut u = Uas::with_config(32, config);
    let first = u.challenge();
    for _ in 0..10 {
        u.challenge();
    }
    assert_eq!(u.server.live_nonces(), 4);
    assert_eq!(u.verify(0, &alice(md5(&first), 1)), Verdict::Stale);
}

#[test]
fn nonce_store_is_reaped_to_zero_after_the_lifetime() {
    let mut u = Uas::new(33);
    let t0 = u.t0;
    for i in 0..50 {
        u.server.challenge(at(t0, i), &mut u.rng);
    }
    let s = &mut u.server;
    assert_eq!(s.live_nonces(), 50);
    assert_eq!(s.next_deadline(), Some(at(t0, 300)));
    assert_eq!(s.reap(at(t0, 320)), 21);
    assert_eq!(s.reap(at(t0, 349)), 29);
    assert_eq!(s.live_nonces(), 0);
    assert_eq!(s.next_deadline(), None);
}

#[test]
fn configured_lifetime_is_honoured() {
    let mut config = ServerConfig::new(REALM);
    config.nonce_lifetime = Duration::from_secs(30);
    let mut u = Uas::with_config(34, config);
    let ch = u.challenge();
    assert!(u.verify(29, &alice(md5(&ch), 1)).is_ok());
    assert_eq!(u.verify(30, &alice(md5(&ch), 2)), Verdict::Stale);
}
