//! SIP message parsing and printing throughput on a typical INVITE with SDP.
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::hint::black_box;

use bytes::{Bytes, BytesMut};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sipvoice_core::sip::{self, Message, Response, StatusCode};

const INVITE: &[u8] = b"INVITE sip:+15551234567@voice.example.com:5060;transport=udp SIP/2.0\r\n\
Via: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK-524287-1---77ba5b2e3f0a1c47;rport\r\n\
Max-Forwards: 70\r\n\
Contact: <sip:alice@203.0.113.10:5060;transport=udp>\r\n\
To: <sip:+15551234567@voice.example.com>\r\n\
From: \"Alice Example\" <sip:alice@pbx.example.org>;tag=4a8c9f1e\r\n\
Call-ID: 8f2a1c7e9b3d4e5f6a7b8c9d0e1f2a3b@203.0.113.10\r\n\
CSeq: 1 INVITE\r\n\
Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY\r\n\
Supported: replaces, timer, 100rel\r\n\
User-Agent: ExamplePBX 16.2.1\r\n\
X-Room-ID: support-queue-7\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 312\r\n\
\r\n\
v=0\r\n\
o=- 3921584716 3921584716 IN IP4 203.0.113.10\r\n\
s=ExamplePBX\r\n\
c=IN IP4 203.0.113.10\r\n\
t=0 0\r\n\
m=audio 40000 RTP/AVP 0 8 9 101\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:9 G722/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\n\
a=ptime:20\r\n\
a=maxptime:150\r\n\
a=sendrecv\r\n\
a=rtcp:40001 IN IP4 203.0.113.10\r\n\
a=x-padding:0123456789abcdef0123456789\r\n";

fn parse_and_read(data: &Bytes) -> u32 {
    let Ok(Message::Request(req)) = sip::parse(data.clone()) else {
        return 0;
    };
    let via = req.via().ok();
    let from = req.from().ok();
    let to = req.to().ok();
    let cseq = req.cseq().map(|c| c.seq).unwrap_or(0);
    let call_id = req.call_id().map(|c| c.len()).unwrap_or(0);
    black_box((
        via.as_ref().and_then(|v| v.branch()).map(str::len),
        from.as_ref().and_then(|f| f.tag()).map(str::len),
        to.as_ref().map(|t| t.uri().host().len()),
    ));
    cseq + call_id as u32
}

fn benches(c: &mut Criterion) {
    let data = Bytes::from_static(INVITE);
    assert!(data.len() > 800, "a typical INVITE is about 900 bytes");
    assert_eq!(parse_and_read(&data), 1 + 45, "the INVITE parses");
    let mut g = c.benchmark_group("sip");
    g.throughput(Throughput::Elements(1));
    g.bench_function("parse_invite_read_typed", |b| {
        b.iter(|| parse_and_read(black_box(&data)))
    });
    // A heap buffer like a received datagram: every slice is a reference-count increment.
    let heap = Bytes::from(INVITE.to_vec());
    g.bench_function("parse_invite_read_typed_heap_buffer", |b| {
        b.iter(|| parse_and_read(black_box(&heap)))
    });
    g.bench_function("parse_invite_only", |b| {
        b.iter(|| sip::parse(black_box(data.clone())).is_ok())
    });
    g.bench_function("parse_validate_invite", |b| {
        b.iter(|| sip::parse_validated(black_box(data.clone())).is_ok())
    });
    let Ok(Message::Request(req)) = sip::parse(data.clone()) else {
        panic!("INVITE parses");
    };
    let mut buf = BytesMut::with_capacity(2048);
    g.bench_function("print_invite", |b| {
        b.iter(|| {
            buf.clear();
            black_box(&req).write_to(&mut buf);
            buf.len()
        })
    });
    g.bench_function("build_and_print_200", |b| {
        b.iter(|| {
            let mut ok = Response::from_request(black_box(&req), StatusCode::OK, "OK");
            let _ = ok.set_to_tag("9fxced76sl");
            buf.clear();
            ok.write_to(&mut buf);
            buf.len()
        })
    });
    g.finish();
}

criterion_group!(sip_benches, benches);
criterion_main!(sip_benches);
