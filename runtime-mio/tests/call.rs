//! A real inbound call through the driver, from a raw UDP SIP peer on loopback.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::{Message, RawPeer, rtp_packet};
use sipvoice_core::Config;
use sipvoice_core::codec::Codec;
use sipvoice_core::endpoint::{EndReason, Event};
use sipvoice_mio::{Control, Driver, Handler};

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
}

fn run_peer(peer: &mut RawPeer) -> PeerReport {
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

    peer.in_dialog("BYE", 2, &target, &to_tag);
    let deadline = Instant::now() + Duration::from_secs(5);
    report.bye_status = peer
        .wait_for(deadline, &mut Vec::new(), |m| {
            m.cseq_method() == Some("BYE")
        })
        .and_then(|m| m.status());
    report
}

#[test]
fn inbound_call_is_answered_echoed_and_torn_down() {
    let mut driver = Driver::bind(config(23400)).expect("bind");
    let server = driver.local_sip_addr();
    let stop = driver.stop_handle();
    let peer_done = Arc::new(AtomicBool::new(false));
    let done = Arc::clone(&peer_done);
    let peer_thread = thread::spawn(move || {
        let mut peer = RawPeer::new(server, "mio-call-1@127.0.0.1");
        let report = run_peer(&mut peer);
        done.store(true, Ordering::SeqCst);
        // Safety net: the handler stops the loop once the endpoint is empty; this bounds
        // the test if it never becomes empty.
        let grace = if report.bye_status.is_some() { 15 } else { 0 };
        let until = Instant::now() + Duration::from_secs(grace);
        while Instant::now() < until && !stop.is_stopping() {
            thread::sleep(Duration::from_millis(50));
        }
        stop.stop();
        report
    });
    let mut handler = EchoRecorder::default();
    let started = Instant::now();
    driver.run(&mut handler).expect("run");
    let report = peer_thread.join().expect("peer thread");
    eprintln!(
        "provisional {:?}, echoed {} ({} identical), frames {}, bye {:?}, took {:?}",
        report.provisional,
        report.rtp_echoed,
        report.rtp_identical,
        handler.frames,
        report.bye_status,
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
    assert!(
        ok.sdp_rtp_addr()
            .is_some_and(|a| (23400..=23420).contains(&a.port()))
    );
    assert_eq!(report.bye_status, Some(200));

    // Media: audio reached the handler and came back as PCMU.
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
            assert_eq!(info.sip_call_id, "mio-call-1@127.0.0.1");
            assert_eq!(info.codec, Some(Codec::Pcmu));
            assert_eq!(info.sample_rate, 8000);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(handler.ended.len(), 1);
    match &handler.ended[0] {
        Event::CallEnded { reason, stats, .. } => {
            assert!(matches!(reason, EndReason::Bye { .. }), "{reason:?}");
            assert!(stats.packets_received >= 5);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(driver.counts().is_empty(), "{:?}", driver.counts());
    assert_eq!(driver.socket_count(), 1, "media sockets left open");
}
