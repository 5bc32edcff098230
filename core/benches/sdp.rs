//! SDP figures: parse, answer and print a typical offer (SIPp's G.722 offer).
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use sipvoice_core::sdp::{MediaConfig, SessionDescription, answer_offer};
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};

const OFFER: &[u8] = include_bytes!("../tests/data/sdp/sipp_uac_g722_call.sdp");
const BARESIP: &[u8] = include_bytes!("../tests/data/sdp/baresip_1.0.0_invite.sdp");

fn bench(c: &mut Criterion) {
    let body = Bytes::from_static(OFFER);
    let config = MediaConfig::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 20000, 1, 1);
    let offer = SessionDescription::parse(body.clone()).expect("offer parses");
    let answer = answer_offer(&offer, &config).expect("offer is answered");

    c.bench_function("sdp/parse_sipp_offer", |b| {
        b.iter(|| SessionDescription::parse(black_box(body.clone())))
    });
    let baresip = Bytes::from_static(BARESIP);
    c.bench_function("sdp/parse_baresip_offer", |b| {
        b.iter(|| SessionDescription::parse(black_box(baresip.clone())))
    });
    c.bench_function("sdp/answer_parsed_offer", |b| {
        b.iter(|| answer_offer(black_box(&offer), black_box(&config)))
    });
    let mut out = Vec::with_capacity(512);
    c.bench_function("sdp/print_answer", |b| {
        b.iter(|| {
            out.clear();
            black_box(&answer.sdp).write_to(&mut out);
            out.len()
        })
    });
    c.bench_function("sdp/parse_answer_print", |b| {
        b.iter(|| {
            let offer = SessionDescription::parse(black_box(body.clone())).expect("parses");
            let answer = answer_offer(&offer, &config).expect("answered");
            answer.sdp.to_bytes()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
