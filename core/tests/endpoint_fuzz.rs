//! Never a panic, never a leak: random and mutated datagrams against an endpoint that
//! holds live calls, then time runs out and every map must be empty.

mod endpoint_support;

use bytes::Bytes;
use endpoint_support::{Net, addr, config, in_dialog, invite};
use proptest::prelude::*;

/// Seed messages the mutations start from.
fn seeds() -> Vec<String> {
    let peer = addr("127.0.0.1:7000");
    vec![
        invite(peer, "z9hG4bKf1", "fuzz@peer", "X-Room-ID: r\n"),
        in_dialog("BYE", peer, "z9hG4bKf2", "fuzz@peer", "t", 2, ""),
        in_dialog("ACK", peer, "z9hG4bKf3", "fuzz@peer", "t", 1, ""),
        in_dialog("INFO", peer, "z9hG4bKf4", "fuzz@peer", "t", 3, "Content-Type: application/dtmf\n"),
        "CANCEL sip:bot@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:7000;branch=z9hG4bKf1\nFrom: <sip:a@x>;tag=a1\nTo: <sip:b@y>\nCall-ID: fuzz@peer\nCSeq: 1 CANCEL\nContent-Length: 0\n\n".into(),
        "SIP/2.0 200 OK\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKx\nFrom: <sip:a@x>;tag=1\nTo: <sip:b@y>;tag=2\nCall-ID: c\nCSeq: 1 INVITE\nContent-Length: 0\n\n".into(),
    ]
}

#[derive(Debug, Clone)]
enum Edit {
    Flip(usize, u8),
    Cut(usize),
    Insert(usize, u8),
}

fn apply(text: &str, edits: &[Edit]) -> Vec<u8> {
    let mut data = text.replace('\n', "\r\n").into_bytes();
    for edit in edits {
        let len = data.len().max(1);
        match *edit {
            Edit::Flip(i, b) => {
                if let Some(x) = data.get_mut(i % len) {
                    *x ^= b;
                }
            }
            Edit::Cut(i) => data.truncate(i % len),
            Edit::Insert(i, b) => data.insert((i % len).min(data.len()), b),
        }
    }
    data
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1u8..).prop_map(|(i, b)| Edit::Flip(i, b)),
        any::<usize>().prop_map(Edit::Cut),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Insert(i, b)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn mutated_messages_never_panic_or_leak(
        picks in proptest::collection::vec((0usize..6, proptest::collection::vec(edit(), 0..4)), 1..12),
    ) {
        let mut net = Net::pair(config("127.0.0.1:5070", 1), config("127.0.0.1:5060", 2));
        net.dial(0, 1);
        let seeds = seeds();
        for (pick, edits) in picks {
            let data = apply(&seeds[pick % seeds.len()], &edits);
            let now = net.now;
            let local = net.nodes[1].sip;
            net.nodes[1].ep.handle_datagram(now, local, addr("127.0.0.1:7000"), Bytes::from(data));
            net.settle();
        }
        let now = net.now;
        net.ep(0).shutdown(now);
        net.ep(1).shutdown(now);
        net.finish();
    }

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut net = Net::new(vec![("uas", config("127.0.0.1:5060", 3))]);
        let now = net.now;
        let local = net.nodes[0].sip;
        net.nodes[0].ep.handle_datagram(now, local, addr("127.0.0.1:7000"), Bytes::from(data.clone()));
        // The same bytes on a media port that belongs to nobody.
        net.nodes[0].ep.handle_datagram(now, addr("127.0.0.1:20000"), addr("127.0.0.1:7000"), Bytes::from(data));
        net.settle();
        net.finish();
    }
}
