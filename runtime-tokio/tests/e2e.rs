//! End to end on 127.0.0.1: one tokio endpoint dials another; audio is echoed, DTMF and
//! events arrive, both hang-ups are reported once, and nothing stays live afterwards.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sipvoice_tokio::{
    Call, CallEnd, CallEvent, Codec, DialRequest, DtmfReceived, EndReason, Server,
};

fn builder(rtp_start: u16) -> sipvoice_tokio::Builder {
    Server::builder()
        .local_sip_addr("127.0.0.1:0".parse().unwrap())
        .local_rtp_ip("127.0.0.1".parse().unwrap())
        .rtp_port_start(rtp_start)
        .rtp_port_end(rtp_start + 98)
}

/// A 440 Hz tone of `ms` milliseconds.
fn tone(rate: u32, ms: u32) -> Vec<i16> {
    (0..rate / 1000 * ms)
        .map(|i| {
            let t = f64::from(i) / f64::from(rate);
            (8000.0 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()) as i16
        })
        .collect()
}

fn energy(pcm: &[i16]) -> f64 {
    pcm.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / pcm.len().max(1) as f64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dial_echo_dtmf_and_hangup_between_two_endpoints() {
    let ended: Arc<Mutex<Vec<CallEnd>>> = Arc::default();
    let digits: Arc<Mutex<Vec<char>>> = Arc::default();
    let lines: Arc<Mutex<Vec<String>>> = Arc::default();
    let (ended_cb, digits_cb) = (Arc::clone(&ended), Arc::clone(&digits));
    let lines_hook = Arc::clone(&lines);
    let mut event_lines = sipvoice_tokio::EventLines::new();
    let callee = builder(42000)
        .on_call_disconnected(move |end: CallEnd| ended_cb.lock().unwrap().push(end))
        .on_dtmf_received(move |d: DtmfReceived| digits_cb.lock().unwrap().push(d.digit))
        .on_call(|call: Call| {
            // Echo everything back until the call ends.
            tokio::spawn(async move {
                while let Some(event) = call.recv().await {
                    if let CallEvent::Audio(frame) = event {
                        let _ = call.send_audio(frame.pcm);
                    }
                }
            });
        })
        .on_event(move |_, event| {
            if let Some(line) = event_lines.line(event) {
                lines_hook.lock().unwrap().push(line);
            }
        })
        .start()
        .await
        .expect("callee starts");
    let caller = builder(42200).start().await.expect("caller starts");

    let target = format!("sip:echo@{}", callee.local_sip_addr());
    let mut request = DialRequest::new(target, callee.local_sip_addr());
    request.headers.push(("X-Room-ID".into(), "room-7".into()));
    let call = tokio::time::timeout(Duration::from_secs(10), caller.dial(request))
        .await
        .expect("answered in time")
        .expect("answered");
    assert_eq!(call.codec(), Some(Codec::G722));
    assert_eq!(call.sample_rate(), 16_000);
    assert!(call.capabilities().interruption);

    // Send one second of tone and collect what comes back for up to three seconds.
    call.send_audio(tone(16_000, 1000)).expect("queued");
    call.send_dtmf("1#").await.expect("dtmf queued");
    let mut echoed = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while tokio::time::Instant::now() < deadline && echoed.len() < 16_000 {
        match tokio::time::timeout_at(deadline, call.recv()).await {
            Ok(Some(CallEvent::Audio(frame))) => {
                if !frame.concealed {
                    echoed.extend_from_slice(&frame.pcm);
                }
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    assert!(
        echoed.len() >= 8_000,
        "only {} samples echoed",
        echoed.len()
    );
    assert!(
        energy(&echoed) > 1.0e6,
        "echo is silent: {}",
        energy(&echoed)
    );
    let stats = call.stats().await.expect("live stats");
    assert!(
        stats.packets_sent >= 40 && stats.packets_received >= 40,
        "{stats:?}"
    );

    call.hangup().await.expect("hangup");
    let end = tokio::time::timeout(Duration::from_secs(5), call.ended())
        .await
        .expect("ended in time")
        .expect("end reported");
    assert_eq!(end.reason, EndReason::LocalHangup);

    // The callee saw a BYE, exactly once, and both digits.
    for _ in 0..200 {
        if !ended.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let ends = ended.lock().unwrap().clone();
    assert_eq!(ends.len(), 1, "{ends:?}");
    assert!(
        matches!(ends[0].reason, EndReason::Bye { .. }),
        "{:?}",
        ends[0].reason
    );
    assert_eq!(ends[0].info.room_id.as_deref(), Some("room-7"));
    assert_eq!(*digits.lock().unwrap(), vec!['1', '#']);

    let lines = lines.lock().unwrap().clone();
    let started = lines
        .iter()
        .find(|l| l.contains("\"event\":\"call_started\""))
        .expect("call_started line");
    let started: serde_json::Value = serde_json::from_str(started).expect("JSON");
    assert_eq!(started["room_id"], "room-7");
    assert_eq!(started["codec"], "G722");
    let ended_line = lines
        .iter()
        .find(|l| l.contains("\"event\":\"call_ended\""))
        .expect("call_ended line");
    let ended_line: serde_json::Value = serde_json::from_str(ended_line).expect("JSON");
    assert_eq!(ended_line["reason"], "bye");

    // Every call, transaction, dialog and port is reaped on both sides (bounded wait).
    for server in [&caller, &callee] {
        let mut counts = server.counts().await.expect("alive");
        for _ in 0..100 {
            if counts.calls == 0 && counts.ports == 0 && counts.dialogs == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            counts = server.counts().await.expect("alive");
        }
        assert_eq!(
            (counts.calls, counts.dialogs, counts.ports),
            (0, 0, 0),
            "{counts:?}"
        );
    }
    caller.shutdown().await;
    callee.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_hangs_up_live_calls_with_bye() {
    let callee = builder(42400).start().await.expect("callee starts");
    let caller = builder(42600).start().await.expect("caller starts");
    let target = format!("sip:echo@{}", callee.local_sip_addr());
    let call = tokio::time::timeout(
        Duration::from_secs(10),
        caller.dial(DialRequest::new(target, callee.local_sip_addr())),
    )
    .await
    .expect("answered in time")
    .expect("answered");
    let inbound = tokio::time::timeout(Duration::from_secs(5), callee.accept())
        .await
        .expect("accepted in time")
        .expect("a call");
    assert_eq!(inbound.sip_call_id(), call.sip_call_id());
    tokio::time::timeout(Duration::from_secs(10), callee.shutdown())
        .await
        .expect("shutdown completes");
    let end = tokio::time::timeout(Duration::from_secs(5), call.ended())
        .await
        .expect("caller told in time")
        .expect("end reported");
    assert!(
        matches!(end.reason, EndReason::Bye { .. }),
        "{:?}",
        end.reason
    );
    assert_eq!(inbound.end().map(|e| e.reason), Some(EndReason::Shutdown));
    caller.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupt_cuts_queued_audio_and_reports_it() {
    let callee = builder(45800).start().await.expect("callee starts");
    let caller = builder(46000).start().await.expect("caller starts");
    let target = format!("sip:echo@{}", callee.local_sip_addr());
    let call = tokio::time::timeout(
        Duration::from_secs(10),
        caller.dial(DialRequest::new(target, callee.local_sip_addr())),
    )
    .await
    .expect("answered in time")
    .expect("answered");
    call.send_audio(tone(call.sample_rate(), 3000))
        .expect("queued");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let cut = call.interrupt().await.expect("interrupted");
    assert!(
        cut > Duration::from_millis(1000) && cut < Duration::from_millis(3000),
        "cut {cut:?}"
    );
    let mut reported = None;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while let Ok(Some(event)) = tokio::time::timeout_at(deadline, call.recv()).await {
        if let CallEvent::PlaybackInterrupted(c) = event {
            reported = Some(c);
            break;
        }
    }
    assert_eq!(reported, Some(cut));
    let stats = call.stats().await.expect("live stats");
    // What was sent and what was cut add up to the three seconds queued.
    let sent_ms = stats.packets_sent * 20;
    let total = sent_ms + cut.as_millis() as u64;
    assert!(
        (2960..=3040).contains(&total),
        "sent {sent_ms} ms + cut {cut:?}"
    );
    call.hangup().await.expect("hangup");
    caller.shutdown().await;
    callee.shutdown().await;
}
