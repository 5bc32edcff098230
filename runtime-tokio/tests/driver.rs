//! The tokio driver on loopback sockets: binding, ports, datagrams in, shutdown.

use std::time::Duration;

use sipvoice_tokio::{Error, Server};

fn loopback() -> sipvoice_tokio::Builder {
    Server::builder()
        .local_sip_addr("127.0.0.1:0".parse().unwrap())
        .local_rtp_ip("127.0.0.1".parse().unwrap())
        .rtp_port_start(41000)
        .rtp_port_end(41098)
}

#[tokio::test]
async fn ephemeral_port_is_reported_and_in_use() {
    let server = loopback().start().await.expect("start");
    let addr = server.local_sip_addr();
    assert_ne!(addr.port(), 0);
    assert_eq!(addr.ip().to_string(), "127.0.0.1");
    // The same port again fails with a bind error naming the address.
    let second = loopback().local_sip_addr(addr).start().await;
    match second {
        Err(Error::Bind { addr: a, .. }) => assert_eq!(a, addr),
        other => panic!("expected a bind error, got {other:?}"),
    }
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_config_is_refused_before_binding() {
    let result = loopback()
        .rtp_port_start(500)
        .rtp_port_end(400)
        .start()
        .await;
    assert!(matches!(result, Err(Error::Config(_))), "{result:?}");
    let result = loopback().dtmf_payload_type(8).start().await;
    assert!(matches!(result, Err(Error::Config(_))), "{result:?}");
}

#[tokio::test]
async fn datagrams_reach_the_driver_and_garbage_does_no_harm() {
    let server = loopback().start().await.expect("start");
    let peer = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    for _ in 0..5 {
        peer.send_to(b"\x00\x01garbage", server.local_sip_addr())
            .await
            .unwrap();
    }
    let mut seen = 0;
    for _ in 0..100 {
        seen = server.metrics().packets_received;
        if seen >= 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(seen, 5);
    let counts = server.counts().await.expect("driver alive");
    assert!(counts.is_empty(), "{counts:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn shutdown_stops_the_driver_and_handles_report_it() {
    let server = loopback().start().await.expect("start");
    let stopped = tokio::time::timeout(Duration::from_secs(5), server.shutdown()).await;
    assert!(stopped.is_ok(), "shutdown did not complete");
    assert!(matches!(server.counts().await, Err(Error::Stopped)));
    assert!(server.accept().await.is_none());
}

#[test]
fn builder_defaults_follow_the_seed_and_setters_apply() {
    let b = Server::builder();
    let c = b.config();
    assert_eq!(c.local_sip_addr.to_string(), "0.0.0.0:5060");
    assert_eq!(c.local_rtp_ip.to_string(), "0.0.0.0");
    assert_eq!(c.advertised_ip, None);
    assert_eq!((c.rtp_port_start, c.rtp_port_end), (10000, 20000));
    assert_eq!(
        c.supported_codecs,
        vec![
            sipvoice_tokio::PT_G722,
            sipvoice_tokio::PT_PCMU,
            sipvoice_tokio::PT_PCMA
        ]
    );
    assert_eq!(c.dtmf_payload_type, 101);
    assert_eq!(c.user_agent, None);
    assert_eq!(c.server_name, "-");
    assert_eq!((c.jitter_capacity, c.jitter_prefetch), (32, 0));
    assert!(c.skip_audio_gaps);
    assert_eq!(c.rtp_inactivity_timeout, Duration::from_secs(30));
    assert!(c.auth_users.is_empty());
    let b = b
        .auth_users([("alice", "a"), ("bob", "b")])
        .auth_user("carol", "c")
        .supported_codecs([sipvoice_tokio::PT_PCMA])
        .skip_audio_gaps(false)
        .rtp_inactivity_timeout(Duration::ZERO)
        .user_agent(Some("ua/1".into()))
        .server_name("bot")
        .max_sessions(3)
        .answer_policy(sipvoice_tokio::AnswerPolicy::Ask);
    let c = b.config();
    assert_eq!(c.auth_users.len(), 3);
    assert_eq!(c.supported_codecs, vec![8]);
    assert!(!c.skip_audio_gaps);
    assert!(c.rtp_inactivity_timeout.is_zero());
    assert_eq!(c.user_agent.as_deref(), Some("ua/1"));
    assert_eq!(c.server_name, "bot");
    assert_eq!(c.max_sessions, 3);
    assert_eq!(c.answer_policy, sipvoice_tokio::AnswerPolicy::Ask);
}
