//! Challenge and credentials grammar: tolerance, errors, deterministic printing, fuzzing.

use proptest::prelude::*;
use sipvoice_core::auth::{
    Algorithm, AlgorithmParam, Challenge, Credentials, NonceCount, ParseError, Qop,
};

fn credentials(value: &str) -> Credentials {
    Credentials::parse(value).unwrap_or_else(|e| panic!("{e}: {value}"))
}

const SIPP: &str = r#"Digest username="alice",realm="voice.test",uri="sip:service@127.0.0.1:5060",nonce="abc",response="0123456789abcdef0123456789abcdef",algorithm=MD5,cnonce="6b8b4567",qop=auth,nc=00000001"#;

#[test]
fn parameter_names_and_scheme_are_case_insensitive() {
    let c = credentials(
        r#"DIGEST USERNAME="a", Realm="r", NONCE="n", Uri="u", RESPONSE="x", Algorithm=sha-256, QOP=AUTH, CNonce="c", NC=00000001"#,
    );
    assert_eq!(
        (c.algorithm, c.qop),
        (AlgorithmParam::Known(Algorithm::Sha256), Some(Qop::Auth))
    );
}

#[test]
fn whitespace_around_separators_is_tolerated() {
    let c = credentials(
        "Digest  username = \"a\" ,realm=\"r\"\t,nonce=\"n\" , uri=\"u\",response=\"x\"  ",
    );
    assert_eq!(c.username, "a");
    assert_eq!(c.response, "x");
}

#[test]
fn escaped_quotes_in_username_round_trip() {
    let c =
        credentials(r#"Digest username="a\"b\\c", realm="r", nonce="n", uri="u", response="x""#);
    assert_eq!(c.username, r#"a"b\c"#);
    assert_eq!(credentials(&c.to_header_value()), c);
}

#[test]
fn unknown_parameters_are_kept_and_printed_back() {
    let c = credentials(
        r#"Digest username="a", realm="r", nonce="n", uri="u", response="x", userhash=false, charset="UTF-8""#,
    );
    let names: Vec<&str> = c.extra.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["userhash", "charset"]);
    assert!(
        c.to_header_value()
            .ends_with(r#", userhash=false, charset="UTF-8""#)
    );
}

#[test]
fn duplicate_parameter_is_an_error() {
    let v = r#"Digest username="a", realm="r", nonce="n", uri="u", response="x", Realm="s""#;
    assert_eq!(
        Credentials::parse(v),
        Err(ParseError::Duplicate("realm".into()))
    );
}

#[test]
fn missing_username_is_an_error() {
    let v = r#"Digest realm="r", nonce="n", uri="u", response="x""#;
    assert_eq!(Credentials::parse(v), Err(ParseError::Missing("username")));
}

#[test]
fn unknown_qop_in_credentials_is_an_error() {
    let v = r#"Digest username="a", realm="r", nonce="n", uri="u", response="x", qop=auth-conf, cnonce="c", nc=00000001"#;
    assert_eq!(Credentials::parse(v), Err(ParseError::Invalid("qop")));
}

#[test]
fn short_nonce_count_is_an_error() {
    let v = r#"Digest username="a", realm="r", nonce="n", uri="u", response="x", qop=auth, cnonce="c", nc=1"#;
    assert_eq!(Credentials::parse(v), Err(ParseError::Invalid("nc")));
}

#[test]
fn empty_value_is_an_error() {
    assert_eq!(Challenge::parse("   "), Err(ParseError::Empty));
}

#[test]
fn basic_scheme_is_not_digest() {
    assert!(
        Credentials::parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
            .is_err_and(|e| e.is_other_scheme())
    );
}

#[test]
fn sipp_compact_form_parses_and_prints_canonically() {
    let c = credentials(SIPP);
    assert_eq!(c.nc, NonceCount::parse("00000001"));
    assert_eq!(
        c.to_header_value(),
        r#"Digest username="alice", realm="voice.test", nonce="abc", uri="sip:service@127.0.0.1:5060", response="0123456789abcdef0123456789abcdef", algorithm=MD5, cnonce="6b8b4567", qop=auth, nc=00000001"#
    );
}

#[test]
fn printing_is_deterministic_whatever_the_input_order() {
    let a = credentials(SIPP);
    let b = credentials(
        r#"Digest nc=00000001,qop=auth,cnonce="6b8b4567",algorithm=MD5,response="0123456789abcdef0123456789abcdef",nonce="abc",uri="sip:service@127.0.0.1:5060",realm="voice.test",username="alice""#,
    );
    assert_eq!(a.to_header_value(), b.to_header_value());
}

#[test]
fn challenge_with_domain_and_unknown_params_round_trips() {
    let v = r#"Digest realm="voice.test", domain="sip:a sip:b", nonce="n", opaque="o", stale=true, algorithm=SHA-256-sess, qop="auth,auth-int", charset=UTF-8"#;
    let c = Challenge::parse(v).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.to_string(), v);
}

/// Strings made of the characters that matter to the grammar, plus anything.
fn grammar_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Digest ".to_owned()),
        Just("realm".to_owned()),
        Just("nonce".to_owned()),
        Just("qop".to_owned()),
        Just("nc".to_owned()),
        Just("=".to_owned()),
        Just(",".to_owned()),
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just(" ".to_owned()),
        "[a-z0-9-]{1,8}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn value_text() -> impl Strategy<Value = String> {
    "[ -~\u{e9}\u{4e2d}]{0,20}"
}

proptest! {
    #[test]
    fn random_strings_never_panic(s in any::<String>()) {
        let _ = Challenge::parse(&s);
        let _ = Credentials::parse(&s);
    }

    #[test]
    fn grammar_like_strings_never_panic(s in grammar_soup()) {
        let _ = Challenge::parse(&s);
        let _ = Credentials::parse(&s);
    }

    #[test]
    fn challenge_print_parse_round_trips(realm in value_text(), nonce in value_text(), opaque in proptest::option::of(value_text()), stale in any::<bool>(), sha in any::<bool>()) {
        let mut c = Challenge::new(realm, nonce, if sha { Algorithm::Sha256 } else { Algorithm::Md5 });
        c.opaque = opaque;
        c.stale = stale;
        prop_assert_eq!(Challenge::parse(&c.to_string()), Ok(c));
    }

    #[test]
    fn credentials_print_parse_round_trips(user in value_text(), uri in value_text(), cnonce in value_text(), nc in any::<u32>()) {
        let c = Credentials {
            username: user,
            realm: "voice.test".into(),
            nonce: "n".into(),
            uri,
            response: "00".into(),
            algorithm: AlgorithmParam::Known(Algorithm::Md5),
            cnonce: Some(cnonce),
            opaque: None,
            qop: Some(Qop::Auth),
            nc: Some(NonceCount::new(nc)),
            extra: Vec::new(),
        };
        prop_assert_eq!(Credentials::parse(&c.to_header_value()), Ok(c));
    }
}
