//! Digest authentication costs: parsing, challenging, verifying, answering.
#![allow(missing_docs)] // criterion_group! generates an undocumented public function

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use sipvoice_core::auth::{Credentials, DigestClient, DigestServer, Secret, ServerConfig};

const SIPP: &str = r#"Digest username="alice",realm="voice.test",cnonce="6b8b4567",nc=00000001,qop=auth,uri="sip:service@127.0.0.1:5070",nonce="cddede17fb0fd6440014bca0f7ddf13859f8e025f50a2a82",response="30e1d7f72db933791f6bb8f74db3669a",algorithm=MD5"#;
const RURI: &str = "sip:service@127.0.0.1:5070";

fn users(user: &str, _realm: &str) -> Option<Secret> {
    (user == "alice").then(|| Secret::Password("secret".into()))
}

#[allow(clippy::disallowed_methods)]
fn origin() -> Instant {
    Instant::now()
}

fn bench(c: &mut Criterion) {
    c.bench_function("auth/parse_credentials_sipp", |b| {
        b.iter(|| Credentials::parse(black_box(SIPP)))
    });

    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let t0 = origin();
    let mut server = DigestServer::new(ServerConfig::new("voice.test"), &mut rng);
    c.bench_function("auth/challenge_md5_sha256", |b| {
        b.iter(|| {
            let ch = server.challenge(t0, &mut rng);
            black_box(ch.iter().map(|c| c.to_string().len()).sum::<usize>())
        })
    });

    for (name, index) in [("md5", 0usize), ("sha256", 1)] {
        c.bench_function(&format!("auth/client_answer_and_verify_{name}"), |b| {
            b.iter(|| {
                let ch = server.challenge(t0, &mut rng);
                let one = [ch[index].clone()];
                let creds =
                    DigestClient::new("alice", "secret").answer(&one, "INVITE", RURI, &mut rng);
                let value = creds.map(|c| c.to_header_value()).unwrap_or_default();
                black_box(server.verify(t0, "INVITE", RURI, &value, &users))
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
