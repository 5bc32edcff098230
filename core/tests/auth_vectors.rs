//! Published digest examples: RFC 2617 §3.5, RFC 7616 §3.9.1 and the RFC 2069 form.

use sipvoice_core::auth::{Algorithm, Challenge, Credentials, Qop, choose, respond};

fn challenge(value: &str) -> Challenge {
    Challenge::parse(value).unwrap_or_else(|e| panic!("{e}: {value}"))
}

const RFC2617_CHALLENGE: &str = r#"Digest
                 realm="testrealm@host.com",
                 qop="auth,auth-int",
                 nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
                 opaque="5ccc069c403ebaf9f0171e9517f40e41""#;

const RFC7616_NONCE: &str = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
const RFC7616_CNONCE: &str = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
const RFC7616_OPAQUE: &str = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";

fn rfc7616_challenge(alg: &str) -> Challenge {
    challenge(&format!(
        r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm={alg}, nonce="{RFC7616_NONCE}", opaque="{RFC7616_OPAQUE}""#
    ))
}

/// The published example request: Mufasa asking `GET /dir/index.html` with nonce count 1.
fn mufasa(c: &Challenge, password: &str, cnonce: &str) -> Credentials {
    respond(c, "Mufasa", password, "GET", "/dir/index.html", 1, cnonce)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn rfc2617_example_response() {
    let c = challenge(RFC2617_CHALLENGE);
    let creds = mufasa(&c, "Circle Of Life", "0a4f113b");
    assert_eq!(creds.response, "6629fae49393a05397450978507c4ef1");
}

#[test]
fn rfc2617_example_credentials_echo_the_challenge() {
    let c = challenge(RFC2617_CHALLENGE);
    let creds = mufasa(&c, "Circle Of Life", "0a4f113b");
    assert_eq!(creds.qop, Some(Qop::Auth));
    assert_eq!(
        creds.opaque.as_deref(),
        Some("5ccc069c403ebaf9f0171e9517f40e41")
    );
    assert_eq!(creds.nc.map(|n| n.to_string()).as_deref(), Some("00000001"));
    // No algorithm in the challenge: none in the answer either (RFC 2617 clients).
    assert!(!creds.to_header_value().contains("algorithm="));
}

#[test]
fn rfc2617_example_header_parses_to_the_published_fields() {
    let v = r#"Digest username="Mufasa",
                 realm="testrealm@host.com",
                 nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
                 uri="/dir/index.html",
                 qop=auth,
                 nc=00000001,
                 cnonce="0a4f113b",
                 response="6629fae49393a05397450978507c4ef1",
                 opaque="5ccc069c403ebaf9f0171e9517f40e41""#;
    let c = Credentials::parse(v).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (c.username.as_str(), c.uri.as_str(), c.response.as_str()),
        (
            "Mufasa",
            "/dir/index.html",
            "6629fae49393a05397450978507c4ef1"
        )
    );
}

#[test]
fn rfc7616_md5_example_response() {
    let c = rfc7616_challenge("MD5");
    let creds = mufasa(&c, "Circle of Life", RFC7616_CNONCE);
    assert_eq!(creds.response, "8ca523f5e9506fed4657c9700eebdbec");
}

#[test]
fn rfc7616_sha256_example_response() {
    let c = rfc7616_challenge("SHA-256");
    let creds = mufasa(&c, "Circle of Life", RFC7616_CNONCE);
    assert_eq!(
        creds.response,
        "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
    );
}

#[test]
fn rfc7616_client_prefers_sha256_of_the_two_challenges() {
    let offered = [rfc7616_challenge("SHA-256"), rfc7616_challenge("MD5")];
    assert_eq!(
        choose(&offered).and_then(Challenge::resolved_algorithm),
        Some(Algorithm::Sha256)
    );
    let reversed = [rfc7616_challenge("MD5"), rfc7616_challenge("SHA-256")];
    assert_eq!(
        choose(&reversed).and_then(Challenge::resolved_algorithm),
        Some(Algorithm::Sha256)
    );
}

#[test]
fn rfc7616_sha256_credentials_print_as_published() {
    let c = rfc7616_challenge("SHA-256");
    let creds = mufasa(&c, "Circle of Life", RFC7616_CNONCE);
    let expected = format!(
        r#"Digest username="Mufasa", realm="http-auth@example.org", nonce="{RFC7616_NONCE}", uri="/dir/index.html", response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", algorithm=SHA-256, cnonce="{RFC7616_CNONCE}", opaque="{RFC7616_OPAQUE}", qop=auth, nc=00000001"#
    );
    assert_eq!(creds.to_header_value(), expected);
}

#[test]
fn rfc2069_style_response_without_qop() {
    // HA1 = MD5("Mufasa:testrealm@host.com:CircleOfLife"), response = MD5(HA1:nonce:HA2).
    let c = challenge(
        r#"Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#,
    );
    let creds = mufasa(&c, "CircleOfLife", "unused");
    assert_eq!(creds.response, "1949323746fe6a43ef61f9606e7febea");
    assert_eq!((creds.qop, creds.cnonce, creds.nc), (None, None, None));
}
