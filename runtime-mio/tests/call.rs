//! Real inbound calls through the driver, from a raw UDP SIP peer on loopback, in each of
//! the driver's three styles (blocking `run`, embedded `process`, `next_event`).

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::{Message, RawPeer, rtp_packet};
use mio::{Events, Poll, Token};
use sipvoice_core::Config;
use sipvoice_core::codec::Codec;
use sipvoice_core::endpoint::{EndReason, Event};
use sipvoice_mio::{Control, Driver, Handler, StopHandle};

/// Echoes audio, records call events, and stops the loop once the endpoint is empty
/// after the call ended.
#[derive(Default)]
struct EchoRecorder {
    started: Vec<Event>,
    ended: Vec<Event>,
    frames: usize,
    echo_errors: usize,
}

impl Handler for EchoRecorder {
    fn on_event(&mut self, ctl: &mut Control<'_>, event: Event) {
        match event {
            Event::Audio { call, frame } => {
                self.frames += 1;
                if ctl.send_audio(call, &frame.pcm).is_err() {
                    self.echo_errors += 1;
                }
            }
            Event::CallStarted { .. } => self.started.push(event),
            Event::CallEnded { .. } => self.ended.push(event),
            _ => {}
        }
    }

    fn on_tick(&mut self, ctl: &mut Control<'_>) {
        if !self.ended.is_empty() && ctl.counts().is_empty() {
            ctl.stop();
        }
    }
}

fn config(rtp_start: u16) -> Config {
    Config {
        local_sip_addr: "127.0.0.1:0".parse().expect("address"),
        local_rtp_ip: "127.0.0.1".parse().expect("address"),
        rtp_port_start: rtp_start,
        rtp_port_end: rtp_start + 20,
        rng_seed: 11,
        // Short SIP timers so that transactions are reaped within the test.
        t1: Duration::from_millis(40),
        t2: Duration::from_millis(160),
        t4: Duration::from_millis(200),
        ..Config::default()
    }
}

/// What the peer observed.
#[derive(Debug, Default)]
struct PeerReport {
    provisional: Vec<u16>,
    ok: Option<Message>,
    rtp_echoed: usize,
    rtp_identical: usize,
    bye_status: Option<u16>,
    bye_received: bool,
}

/// Who ends the call.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Ending {
    /// The peer sends BYE.
    PeerBye,
    /// The application stops the driver, which hangs up with BYE.
    Stop,
}

/// How the test drives the driver.
#[derive(Clone, Copy, Debug)]
enum Style {
    Run,
    Embedded,
    NextEvent,
}

fn run_peer(peer: &mut RawPeer, ending: Ending, stop: &StopHandle) -> PeerReport {
    let mut report = PeerReport::default();
    let mut seen = Vec::new();
    peer.invite();
    let deadline = Instant::now() + Duration::from_secs(5);
    let ok = peer.wait_for(deadline, &mut seen, |m| {
        m.cseq_method() == Some("INVITE") && m.status().is_some_and(|s| s >= 200)
    });
    report.provisional = seen.iter().filter_map(Message::status).collect();
    let Some(ok) = ok else {
        return report;
    };
    report.ok = Some(ok.clone());
    if ok.status() != Some(200) {
        return report;
    }
    let to_tag = ok.to_tag().unwrap_or_default();
    let target = ok
        .contact_uri()
        .unwrap_or_else(|| format!("sip:{}", peer.server));
    peer.in_dialog("ACK", 1, &target, &to_tag);

    // Twenty PCMU packets at 20 ms, then collect what comes back.
    let Some(server_rtp) = ok.sdp_rtp_addr() else {
        return report;
    };
    peer.rtp
        .set_read_timeout(Some(Duration::from_millis(5)))
        .expect("rtp timeout");
    // µ-law codes that survive decoding and re-encoding unchanged (0x7f, negative zero,
    // comes back as 0xff), so the echo can be compared byte for byte.
    let payload: Vec<u8> = (0..160u32)
        .map(|i| (i * 7 % 251) as u8 | 0x10)
        .map(|code| if code == 0x7f { 0x7e } else { code })
        .collect();
    let mut buf = [0u8; 2048];
    let mut count = |peer: &RawPeer, report: &mut PeerReport| {
        while let Ok((len, from)) = peer.rtp.recv_from(&mut buf) {
            if from == server_rtp && len == 12 + 160 && buf[1] & 0x7f == 0 {
                report.rtp_echoed += 1;
                if buf[12..len] == payload[..] {
                    report.rtp_identical += 1;
                }
            }
        }
    };
    for seq in 0..20u16 {
        let packet = rtp_packet(0, 1000 + seq, 160 * u32::from(seq), 0x1234_5678, &payload);
        peer.rtp.send_to(&packet, server_rtp).expect("send rtp");
        thread::sleep(Duration::from_millis(20));
        count(peer, &mut report);
    }
    let until = Instant::now() + Duration::from_millis(600);
    while Instant::now() < until {
        count(peer, &mut report);
    }

    let deadline = Instant::now() + Duration::from_secs(5);
    match ending {
        Ending::PeerBye => {
            peer.in_dialog("BYE", 2, &target, &to_tag);
            report.bye_status = peer
                .wait_for(deadline, &mut Vec::new(), |m| {
                    m.cseq_method() == Some("BYE")
                })
                .and_then(|m| m.status());
        }
        Ending::Stop => {
            stop.stop();
            let bye = peer.wait_for(deadline, &mut Vec::new(), |m| {
                m.start_line.starts_with("BYE ")
            });
            if let Some(bye) = bye {
                report.bye_received = true;
                peer.answer_ok(&bye);
            }
        }
    }
    report
}

/// Drives `driver` in `style` until it stops (bounded in time).
fn drive(driver: &mut Driver, handler: &mut EchoRecorder, style: Style) {
    let until = Instant::now() + Duration::from_secs(30);
    match style {
        Style::Run => driver.run(handler).expect("run"),
        Style::Embedded => {
            let mut poll = Poll::new().expect("poll");
            driver
                .register(poll.registry(), Token(16))
                .expect("register");
            let waker = mio::Waker::new(poll.registry(), Token(1)).expect("waker");
            driver.set_stop_waker(Arc::new(waker));
            let mut events = Events::with_capacity(64);
            while driver.process(&events, handler) {
                assert!(Instant::now() < until, "the embedded loop did not end");
                poll.poll(&mut events, driver.next_timeout()).expect("poll");
            }
        }
        Style::NextEvent => {
            while !driver.is_finished() {
                assert!(Instant::now() < until, "the event loop did not end");
                let event = driver
                    .next_event(Some(Duration::from_millis(100)))
                    .expect("next_event");
                if let Some(event) = event {
                    handler.on_event(&mut driver.control(), event);
                }
                handler.on_tick(&mut driver.control());
            }
        }
    }
}

/// One inbound call from a raw peer: answered, audio echoed, ended as `ending` says.
fn inbound_call(style: Style, ending: Ending, rtp_start: u16) {
    let mut driver = Driver::bind(config(rtp_start)).expect("bind");
    let server = driver.local_sip_addr();
    let stop = driver.stop_handle();
    let peer_done = Arc::new(AtomicBool::new(false));
    let done = Arc::clone(&peer_done);
    let peer_thread = thread::spawn(move || {
        let mut peer = RawPeer::new(server, &format!("mio-call-{rtp_start}@127.0.0.1"));
        let report = run_peer(&mut peer, ending, &stop);
        done.store(true, Ordering::SeqCst);
        // Safety net: the handler stops the loop once the endpoint is empty; this bounds
        // the test if it never becomes empty.
        let ended = report.bye_status.is_some() || report.bye_received;
        let grace = if ended { 15 } else { 0 };
        let until = Instant::now() + Duration::from_secs(grace);
        while Instant::now() < until && !stop.is_stopping() {
            thread::sleep(Duration::from_millis(50));
        }
        stop.stop();
        report
    });
    let mut handler = EchoRecorder::default();
    let started = Instant::now();
    drive(&mut driver, &mut handler, style);
    let report = peer_thread.join().expect("peer thread");
    eprintln!(
        "{style:?}/{ending:?}: provisional {:?}, echoed {} ({} identical), frames {}, took {:?}",
        report.provisional,
        report.rtp_echoed,
        report.rtp_identical,
        handler.frames,
        started.elapsed()
    );
    assert!(peer_done.load(Ordering::SeqCst));
    assert!(started.elapsed() < Duration::from_secs(30));

    // Signalling as the peer saw it.
    let ok = report.ok.as_ref().expect("a final response to the INVITE");
    assert_eq!(ok.status(), Some(200), "{ok:?}");
    assert!(
        report.provisional.contains(&100),
        "{:?}",
        report.provisional
    );
    assert!(
        report.provisional.contains(&180),
        "{:?}",
        report.provisional
    );
    assert!(
        report
            .provisional
            .iter()
            .all(|s| (100..200).contains(s) || *s == 200)
    );
    let range = rtp_start..=rtp_start + 20;
    assert!(ok.sdp_rtp_addr().is_some_and(|a| range.contains(&a.port())));
    match ending {
        Ending::PeerBye => assert_eq!(report.bye_status, Some(200)),
        Ending::Stop => assert!(report.bye_received, "no BYE on stop"),
    }

    // Media: audio reached the handler and came back byte for byte as PCMU.
    assert!(handler.frames >= 5, "frames: {}", handler.frames);
    assert_eq!(handler.echo_errors, 0);
    assert!(report.rtp_echoed >= 5, "echoed: {}", report.rtp_echoed);
    assert!(
        report.rtp_identical >= 5,
        "identical: {}",
        report.rtp_identical
    );

    // Events and cleanup.
    assert_eq!(handler.started.len(), 1);
    match &handler.started[0] {
        Event::CallStarted { info, .. } => {
            assert_eq!(info.sip_call_id, format!("mio-call-{rtp_start}@127.0.0.1"));
            assert_eq!(info.codec, Some(Codec::Pcmu));
            assert_eq!(info.sample_rate, 8000);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(handler.ended.len(), 1);
    match (&handler.ended[0], ending) {
        (Event::CallEnded { reason, stats, .. }, Ending::PeerBye) => {
            assert!(matches!(reason, EndReason::Bye { .. }), "{reason:?}");
            assert!(stats.packets_received >= 5);
        }
        (Event::CallEnded { reason, .. }, Ending::Stop) => {
            assert_eq!(*reason, EndReason::Shutdown);
        }
        (other, _) => panic!("unexpected {other:?}"),
    }
    assert!(driver.is_finished());
    let counts = driver.counts();
    match ending {
        Ending::PeerBye => assert!(counts.is_empty(), "{counts:?}"),
        // A stop returns once calls, dialogs and ports are gone and the last answers had
        // a moment to arrive; finished transactions that only absorb retransmissions may
        // remain and go with the driver.
        Ending::Stop => assert!(
            counts.calls == 0 && counts.dialogs == 0 && counts.ports == 0 && counts.nonces == 0,
            "{counts:?}"
        ),
    }
    assert_eq!(driver.socket_count(), 1, "media sockets left open");
}

#[test]
fn inbound_call_through_run() {
    inbound_call(Style::Run, Ending::PeerBye, 23400);
}

#[test]
fn inbound_call_embedded_in_a_callers_poll() {
    inbound_call(Style::Embedded, Ending::PeerBye, 23440);
}

#[test]
fn inbound_call_event_at_a_time() {
    inbound_call(Style::NextEvent, Ending::PeerBye, 23480);
}

#[test]
fn stop_hangs_up_a_live_call_with_bye() {
    inbound_call(Style::Run, Ending::Stop, 23520);
}
