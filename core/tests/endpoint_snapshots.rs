//! The full message ladders of a normal call, an authenticated call and a cancelled
//! call between two endpoints, deterministic thanks to the seeded RNG.

mod endpoint_support;

use std::time::Duration;

use endpoint_support::{Net, addr, config};
use sipvoice_core::endpoint::DialRequest;
use sipvoice_core::{AnswerPolicy, Password};

fn ladder(net: &Net) -> String {
    net.ladder
        .iter()
        .map(|(from, to, text)| format!("--- {from} -> {to} ---\n{}", text.replace("\r\n", "\n")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn dial(net: &mut Net, credentials: Option<(&str, &str)>) {
    let mut req = DialRequest::new("sip:bot@127.0.0.1:5060", addr("127.0.0.1:5060"));
    req.headers = vec![("X-Room-ID".into(), "lobby".into())];
    req.credentials = credentials.map(|(u, p)| (u.into(), p.into()));
    let now = net.now;
    net.ep(0).dial(now, req).expect("dial");
    net.settle();
}

fn hang_up(net: &mut Net, node: usize) {
    let call = net.nodes[node].ep.call_ids()[0];
    let now = net.now;
    net.ep(node).hangup(now, call).expect("hangup");
    net.settle();
}

#[test]
fn ladder_of_a_normal_call() {
    let mut net = Net::pair(config("127.0.0.1:5070", 11), config("127.0.0.1:5060", 12));
    dial(&mut net, None);
    net.advance(Duration::from_secs(1));
    hang_up(&mut net, 0);
    insta::assert_snapshot!("normal_call", ladder(&net));
    net.finish();
}

#[test]
fn ladder_of_an_authenticated_call() {
    let mut uas = config("127.0.0.1:5060", 22);
    uas.auth_users
        .insert("alice".into(), Password::new("wonderland"));
    uas.auth_realm = "voice.test".into();
    let mut net = Net::pair(config("127.0.0.1:5070", 21), uas);
    dial(&mut net, Some(("alice", "wonderland")));
    hang_up(&mut net, 1);
    insta::assert_snapshot!("authenticated_call", ladder(&net));
    net.finish();
}

#[test]
fn ladder_of_a_cancelled_call() {
    let mut uas = config("127.0.0.1:5060", 32);
    uas.answer_policy = AnswerPolicy::Ask;
    let mut net = Net::pair(config("127.0.0.1:5070", 31), uas);
    dial(&mut net, None);
    hang_up(&mut net, 0);
    insta::assert_snapshot!("cancelled_call", ladder(&net));
    net.finish();
}
