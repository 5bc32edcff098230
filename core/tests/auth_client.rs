//! The UAC: choosing a challenge, nonce counts, and client → server round trips.

mod auth_support;

use auth_support::{REALM, RURI, Uas, ok, pick, rng, users, wrong_password};
use sipvoice_core::auth::{Algorithm, Challenge, ClientError, DigestClient, ServerConfig, choose};

fn challenge(value: &str) -> Challenge {
    Challenge::parse(value).unwrap_or_else(|e| panic!("{e}: {value}"))
}

#[test]
fn round_trip_with_each_algorithm_alone() {
    for alg in [
        Algorithm::Md5,
        Algorithm::Sha256,
        Algorithm::Md5Sess,
        Algorithm::Sha256Sess,
    ] {
        let mut config = ServerConfig::new(REALM);
        config.algorithms = [alg].into_iter().collect();
        let mut u = Uas::with_config(1, config);
        let ch = u.challenge();
        let mut client = DigestClient::new("alice", "secret");
        let creds = client
            .answer(&ch, "INVITE", RURI, &mut u.rng)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(creds.algorithm.resolve(), Some(alg));
        let v = u.verify(0, &creds.to_header_value());
        assert_eq!(v, ok("alice"), "{alg}");
    }
}

#[test]
fn client_answers_the_default_challenge_with_sha256() {
    let mut u = Uas::new(2);
    let ch = u.challenge();
    let mut client = DigestClient::new("alice", "secret");
    let creds = client
        .answer(&ch, "INVITE", RURI, &mut u.rng)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(creds.algorithm.resolve(), Some(Algorithm::Sha256));
    assert!(u.verify(0, &creds.to_header_value()).is_ok());
}

#[test]
fn client_reuses_a_nonce_with_increasing_counts() {
    let mut u = Uas::new(3);
    let ch = u.challenge();
    let mut client = DigestClient::new("alice", "secret");
    let first = client
        .answer(&ch, "REGISTER", RURI, &mut u.rng)
        .unwrap_or_else(|e| panic!("{e}"));
    let second = client
        .authorize("REGISTER", RURI, &mut u.rng)
        .unwrap_or_else(|| panic!("no cached challenge"));
    assert_eq!(first.nc.map(|n| n.value()), Some(1));
    assert_eq!(second.nc.map(|n| n.value()), Some(2));
    assert_ne!(first.cnonce, second.cnonce);
    for creds in [first, second] {
        let value = creds.to_header_value();
        let v = u.server.verify(u.t0, "REGISTER", RURI, &value, &users);
        assert!(v.is_ok());
    }
}

#[test]
fn same_nonce_challenge_again_continues_the_count() {
    let mut u = Uas::new(4);
    let ch = u.challenge();
    let mut client = DigestClient::new("alice", "secret");
    let mut nc = |ch: &[Challenge], rng: &mut _| {
        client
            .answer(ch, "INVITE", RURI, rng)
            .map(|c| c.nc.map(|n| n.value()))
    };
    let a = nc(&ch, &mut u.rng);
    let b = nc(&ch, &mut u.rng);
    let fresh = u.challenge();
    let c = nc(&fresh, &mut u.rng);
    assert_eq!((a, b, c), (Ok(Some(1)), Ok(Some(2)), Ok(Some(1))));
}

#[test]
fn no_cached_challenge_means_no_preemptive_credentials() {
    let mut client = DigestClient::new("alice", "secret");
    assert!(client.authorize("INVITE", RURI, &mut rng(5)).is_none());
}

#[test]
fn unsupported_algorithms_are_skipped() {
    let offered = [
        challenge(r#"Digest realm="r", nonce="n", algorithm=SHA-512-256, qop="auth""#),
        challenge(r#"Digest realm="r", nonce="n", algorithm=MD5, qop="auth""#),
    ];
    assert_eq!(
        choose(&offered).map(|c| c.resolved_algorithm()),
        Some(Some(Algorithm::Md5))
    );
}

#[test]
fn auth_int_only_challenge_is_unusable() {
    let offered = [challenge(r#"Digest realm="r", nonce="n", qop="auth-int""#)];
    let mut client = DigestClient::new("alice", "secret");
    assert_eq!(
        client.answer(&offered, "INVITE", RURI, &mut rng(6)).err(),
        Some(ClientError::NoUsableChallenge)
    );
}

#[test]
fn first_of_equally_strong_challenges_is_taken() {
    let offered = [
        challenge(r#"Digest realm="one", nonce="n1", algorithm=MD5"#),
        challenge(r#"Digest realm="two", nonce="n2", algorithm=MD5"#),
    ];
    assert_eq!(choose(&offered).map(|c| c.realm.as_str()), Some("one"));
}

#[test]
fn opaque_is_echoed() {
    let mut config = ServerConfig::new(REALM);
    config.opaque = Some("0p4qu3".into());
    let mut u = Uas::with_config(7, config);
    let ch = u.challenge();
    let creds = DigestClient::new("alice", "secret").answer(&ch, "INVITE", RURI, &mut u.rng);
    assert_eq!(creds.map(|c| c.opaque), Ok(Some("0p4qu3".to_owned())));
}

#[test]
fn wrong_client_password_is_refused_by_the_server() {
    let mut u = Uas::new(8);
    let ch = u.challenge();
    let creds = DigestClient::new("alice", "guess").answer(
        &[pick(&ch, "MD5").clone()],
        "INVITE",
        RURI,
        &mut u.rng,
    );
    let creds = creds.unwrap_or_else(|e| panic!("{e}"));
    let v = u.verify(0, &creds.to_header_value());
    assert_eq!(v, wrong_password("alice"));
}
