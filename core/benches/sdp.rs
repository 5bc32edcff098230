//! SDP figures: parse, answer and print a typical offer (SIPp's G.722 offer), and the SDP
//! work of one call between two of our endpoints (offer built, printed, parsed, answered,
//! answer printed, parsed and applied).
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use sipvoice_core::sdp::{
    MediaConfig, SessionDescription, Text, answer_offer, apply_answer, build_offer,
};
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

/// A media configuration like the endpoint's (loopback, G.722/PCMU/PCMA, DTMF 101).
fn endpoint_config(port: u16, session: u64) -> MediaConfig {
    let mut config = MediaConfig::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port, session, session);
    config.dtmf_payload_type = Some(101);
    config.session_name = Text::copy_from_str("sipvoice");
    config
}

/// The SDP work of one call: the caller's offer printed and parsed by the callee, the
/// callee's answer printed and parsed by the caller, then applied.
fn call_round(caller: &MediaConfig, callee: &MediaConfig) -> u8 {
    let offer = build_offer(caller);
    let received = SessionDescription::parse(offer.to_bytes()).expect("offer parses");
    let answer = answer_offer(&received, callee).expect("offer is answered");
    let answered = SessionDescription::parse(answer.sdp.to_bytes()).expect("answer parses");
    let media = apply_answer(&offer, &answered, caller).expect("answer applies");
    media.payload_type
}

fn bench_call(c: &mut Criterion) {
    let caller = endpoint_config(20000, 7);
    let callee = endpoint_config(30000, 9);
    c.bench_function("sdp/call", |b| {
        b.iter(|| call_round(black_box(&caller), black_box(&callee)))
    });
}

criterion_group!(benches, bench, bench_call);
criterion_main!(benches);
