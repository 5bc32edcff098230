//! The driver's loop on real loopback sockets: binding, stopping, datagrams, embedding.

use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use mio::net::UdpSocket as MioUdpSocket;
use mio::{Events, Interest, Poll, Token};
use sipvoice_core::Config;
use sipvoice_core::endpoint::Event;
use sipvoice_mio::{Control, Driver, Handler};

/// A loopback config on an ephemeral SIP port and a media range of the test's own.
fn config(rtp_start: u16) -> Config {
    Config {
        local_sip_addr: "127.0.0.1:0".parse().expect("address"),
        local_rtp_ip: "127.0.0.1".parse().expect("address"),
        rtp_port_start: rtp_start,
        rtp_port_end: rtp_start + 38,
        rng_seed: 7,
        ..Config::default()
    }
}

/// Counts ticks and events.
#[derive(Default)]
struct Recorder {
    ticks: usize,
    events: Vec<Event>,
}

impl Handler for Recorder {
    fn on_event(&mut self, _ctl: &mut Control<'_>, event: Event) {
        self.events.push(event);
    }

    fn on_tick(&mut self, _ctl: &mut Control<'_>) {
        self.ticks += 1;
    }
}

fn options(to: SocketAddr, from: SocketAddr) -> String {
    format!(
        "OPTIONS sip:{to} SIP/2.0\r\n\
         Via: SIP/2.0/UDP {from};branch=z9hG4bKopt1;rport\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:probe@{from}>;tag=p1\r\n\
         To: <sip:{to}>\r\n\
         Call-ID: options-probe-1@127.0.0.1\r\n\
         CSeq: 1 OPTIONS\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

#[test]
fn driver_is_send() {
    fn assert_send<T: Send>() {}
    assert_send::<Driver>();
    assert_send::<sipvoice_mio::StopHandle>();
}

#[test]
fn binds_an_ephemeral_sip_port_on_loopback() {
    let driver = Driver::bind(config(23000)).expect("bind");
    let addr = driver.local_sip_addr();
    assert_eq!(addr.ip().to_string(), "127.0.0.1");
    assert_ne!(addr.port(), 0);
    assert_eq!(driver.endpoint().config().local_sip_addr, addr);
    assert_eq!(driver.socket_count(), 1);
    assert!(driver.counts().is_empty());
    let shown = format!("{driver:?}");
    assert!(
        shown.contains(&addr.to_string()) && shown.len() < 400,
        "{shown}"
    );
}

#[test]
fn a_taken_sip_port_is_a_clear_error() {
    let first = Driver::bind(config(23040)).expect("bind");
    let mut again = config(23040);
    again.local_sip_addr = first.local_sip_addr();
    let error = Driver::bind(again).expect_err("the port is taken");
    assert_eq!(error.kind(), ErrorKind::AddrInUse);
    assert!(
        error
            .to_string()
            .contains(&first.local_sip_addr().to_string())
    );
}

#[test]
fn an_invalid_config_is_refused_before_binding() {
    let mut bad = config(23080);
    bad.supported_codecs.clear();
    let error = Driver::bind(bad).expect_err("no codecs");
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
}

#[test]
fn stop_handle_ends_run_from_another_thread() {
    let mut driver = Driver::bind(config(23120)).expect("bind");
    let stop = driver.stop_handle();
    let stopper = thread::spawn(move || {
        thread::sleep(Duration::from_millis(200));
        stop.stop();
    });
    let started = Instant::now();
    let mut recorder = Recorder::default();
    driver.run(&mut recorder).expect("run");
    let took = started.elapsed();
    stopper.join().expect("stopper thread");
    assert!(
        took >= Duration::from_millis(150),
        "run returned early: {took:?}"
    );
    assert!(took < Duration::from_secs(10), "run did not stop: {took:?}");
    assert!(recorder.ticks >= 1);
    assert!(driver.is_finished());
    assert!(driver.counts().is_empty());
    // A finished driver stays finished.
    assert!(!driver.process(&Events::with_capacity(1), &mut recorder));
}

#[test]
fn control_stop_from_a_tick_ends_run() {
    struct StopAfter(usize);
    impl Handler for StopAfter {
        fn on_event(&mut self, _ctl: &mut Control<'_>, _event: Event) {}
        fn on_tick(&mut self, ctl: &mut Control<'_>) {
            self.0 += 1;
            ctl.stop();
        }
    }
    let mut driver = Driver::bind(config(23160)).expect("bind");
    let mut handler = StopAfter(0);
    driver.run(&mut handler).expect("run");
    assert!(handler.0 >= 1 && handler.0 <= 3, "ticks: {}", handler.0);
}

#[test]
fn a_datagram_goes_through_the_loop() {
    let mut driver = Driver::bind(config(23200)).expect("bind");
    let sip = driver.local_sip_addr();
    let stop = driver.stop_handle();
    let client = thread::spawn(move || {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("client socket");
        socket
            .set_read_timeout(Some(Duration::from_secs(2)))
            .expect("timeout");
        let request = options(sip, socket.local_addr().expect("local"));
        socket.send_to(request.as_bytes(), sip).expect("send");
        let mut buf = [0u8; 4096];
        let answer = socket
            .recv_from(&mut buf)
            .ok()
            .map(|(len, _)| String::from_utf8_lossy(&buf[..len]).into_owned());
        stop.stop();
        answer
    });
    // The closure form of a handler.
    let mut events = 0usize;
    let mut handler = |_ctl: &mut Control<'_>, _event: Event| events += 1;
    driver.run(&mut handler).expect("run");
    let answer = client.join().expect("client thread");
    let answer = answer.expect("an answer to OPTIONS");
    assert!(answer.starts_with("SIP/2.0 200"), "{answer}");
    assert!(answer.contains("options-probe-1@127.0.0.1"), "{answer}");
    assert!(answer.contains("branch=z9hG4bKopt1"), "{answer}");
}

#[test]
fn embeds_in_a_callers_poll_and_leaves_its_tokens_alone() {
    let mut driver = Driver::bind(config(23240)).expect("bind");
    let sip = driver.local_sip_addr();
    let mut poll = Poll::new().expect("poll");
    let own_token = Token(3);
    let mut own = MioUdpSocket::bind("127.0.0.1:0".parse().expect("address")).expect("own socket");
    poll.registry()
        .register(&mut own, own_token, Interest::READABLE)
        .expect("register own");
    driver
        .register(poll.registry(), Token(100))
        .expect("register driver");
    assert!(driver.owns(Token(101)));
    assert!(!driver.owns(own_token));
    assert!(driver.run(&mut Recorder::default()).is_err());

    let client = UdpSocket::bind("127.0.0.1:0").expect("client");
    let request = options(sip, client.local_addr().expect("local"));
    client
        .send_to(request.as_bytes(), sip)
        .expect("send to driver");
    client
        .send_to(b"for the caller", own.local_addr().expect("own addr"))
        .expect("send to own");

    let stop = driver.stop_handle();
    let mut events = Events::with_capacity(16);
    let mut recorder = Recorder::default();
    let mut own_seen = false;
    let mut driver_seen = false;
    let started = Instant::now();
    while driver.process(&events, &mut recorder) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "loop did not end"
        );
        let timeout = driver
            .next_timeout()
            .map(|t| t.min(Duration::from_millis(50)));
        poll.poll(&mut events, timeout).expect("poll");
        for event in events.iter() {
            if event.token() == own_token {
                let mut buf = [0u8; 64];
                let (len, _) = own.recv_from(&mut buf).expect("own datagram");
                assert_eq!(&buf[..len], b"for the caller");
                own_seen = true;
            } else {
                assert!(driver.owns(event.token()));
                driver_seen = true;
            }
        }
        if own_seen && driver_seen && !stop.is_stopping() {
            stop.stop();
        }
    }
    assert!(own_seen && driver_seen);
    assert!(recorder.ticks >= 2);
    let mut buf = [0u8; 4096];
    client
        .set_read_timeout(Some(Duration::from_secs(2)))
        .expect("timeout");
    let (len, from) = client.recv_from(&mut buf).expect("an answer to OPTIONS");
    assert_eq!(from, sip);
    assert!(buf[..len].starts_with(b"SIP/2.0 200"));
}

#[test]
fn a_stop_before_run_returns_at_once() {
    let mut driver = Driver::bind(config(23280)).expect("bind");
    let flag = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&flag);
    driver.stop_handle().stop();
    let started = Instant::now();
    driver
        .run(&mut move |_ctl: &mut Control<'_>, _event: Event| seen.store(true, Ordering::SeqCst))
        .expect("run");
    assert!(started.elapsed() < Duration::from_secs(6));
    assert!(!flag.load(Ordering::SeqCst));
}

#[test]
fn next_event_times_out_and_ends_after_a_stop() {
    let mut driver = Driver::bind(config(23320)).expect("bind");
    let started = Instant::now();
    let event = driver
        .next_event(Some(Duration::from_millis(150)))
        .expect("next_event");
    let took = started.elapsed();
    assert!(event.is_none());
    assert!(
        took >= Duration::from_millis(100),
        "returned early: {took:?}"
    );
    assert!(took < Duration::from_secs(5), "did not time out: {took:?}");
    assert!(!driver.is_finished());

    driver.control().stop();
    let event = driver
        .next_event(Some(Duration::from_secs(10)))
        .expect("next_event");
    assert!(event.is_none());
    assert!(driver.is_finished());
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_lent_waker_lets_a_stop_interrupt_the_callers_poll() {
    let mut driver = Driver::bind(config(23360)).expect("bind");
    let mut poll = Poll::new().expect("poll");
    driver
        .register(poll.registry(), Token(50))
        .expect("register driver");
    let waker = Arc::new(mio::Waker::new(poll.registry(), Token(1)).expect("waker"));
    driver.set_stop_waker(waker);
    let stop = driver.stop_handle();
    let mut recorder = Recorder::default();
    let mut events = Events::with_capacity(8);
    // Settle: the first iteration drains what binding produced.
    assert!(driver.process(&events, &mut recorder));
    let stopper = thread::spawn(move || {
        thread::sleep(Duration::from_millis(100));
        stop.stop();
    });
    let started = Instant::now();
    let mut woken = false;
    let mut iterations = 0;
    while driver.process(&events, &mut recorder) {
        iterations += 1;
        assert!(iterations < 1000, "the loop spins");
        // Without the waker this would block for the endpoint's whole deadline.
        let timeout = driver
            .next_timeout()
            .map(|t| t.min(Duration::from_secs(20)));
        poll.poll(&mut events, timeout).expect("poll");
        woken |= events.iter().any(|event| event.token() == Token(1));
    }
    stopper.join().expect("stopper");
    assert!(woken);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(driver.is_finished());
}
