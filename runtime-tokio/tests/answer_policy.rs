//! Deciding per call (`AnswerPolicy::Ask`), async callbacks and a hook that stops the
//! endpoint, on loopback.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sipvoice_tokio::{AnswerPolicy, CallEnd, DialRequest, EndReason, Error, Event, Server};

fn builder(rtp_start: u16) -> sipvoice_tokio::Builder {
    Server::builder()
        .local_sip_addr("127.0.0.1:0".parse().unwrap())
        .local_rtp_ip("127.0.0.1".parse().unwrap())
        .rtp_port_start(rtp_start)
        .rtp_port_end(rtp_start + 98)
}

fn request(to: &Server, room: &str) -> DialRequest {
    let mut r = DialRequest::new(
        format!("sip:bot@{}", to.local_sip_addr()),
        to.local_sip_addr(),
    );
    r.headers.push(("X-Room-ID".into(), room.into()));
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_policy_lets_the_application_reject_and_accept() {
    let ends: Arc<Mutex<Vec<CallEnd>>> = Arc::default();
    let ends_cb = Arc::clone(&ends);
    let callee = builder(42800)
        .answer_policy(AnswerPolicy::Ask)
        // An async callback: spawned on the runtime.
        .on_call_disconnected(move |end: CallEnd| {
            let ends = Arc::clone(&ends_cb);
            async move { ends.lock().unwrap().push(end) }
        })
        .start()
        .await
        .expect("callee starts");
    let caller = builder(43000).start().await.expect("caller starts");

    // First call: refused with 486.
    let dial = caller.dial(request(&callee, "no"));
    let decide = async {
        let incoming = callee.incoming().await.expect("incoming call");
        assert_eq!(incoming.info().room_id.as_deref(), Some("no"));
        incoming.reject(486, "Busy Here").await.expect("rejected");
    };
    let (result, ()) = tokio::time::timeout(Duration::from_secs(10), async {
        tokio::join!(dial, decide)
    })
    .await
    .expect("in time");
    match result {
        Err(Error::NotAnswered(EndReason::Rejected { status })) => assert_eq!(status, 486),
        other => panic!("expected a 486 refusal, got {other:?}"),
    }

    // Second call: accepted; it then arrives through accept().
    let dial = caller.dial(request(&callee, "yes"));
    let decide = async {
        let incoming = callee.incoming().await.expect("incoming call");
        let id = incoming.id();
        incoming.accept().await.expect("accepted");
        id
    };
    let (call, id) = tokio::time::timeout(Duration::from_secs(10), async {
        tokio::join!(dial, decide)
    })
    .await
    .expect("in time");
    let call = call.expect("answered");
    let inbound = tokio::time::timeout(Duration::from_secs(5), callee.accept())
        .await
        .expect("in time")
        .expect("a call");
    assert_eq!(inbound.id(), id);
    assert_eq!(inbound.room_id(), Some("yes"));
    inbound.hangup().await.expect("hangup");
    let end = tokio::time::timeout(Duration::from_secs(5), call.ended())
        .await
        .expect("in time")
        .expect("ended");
    assert!(
        matches!(end.reason, EndReason::Bye { .. }),
        "{:?}",
        end.reason
    );

    // The disconnect callback fired once per call: the refused one and the hung-up one.
    for _ in 0..100 {
        if ends.lock().unwrap().len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let reasons: Vec<EndReason> = ends
        .lock()
        .unwrap()
        .iter()
        .map(|e| e.reason.clone())
        .collect();
    // Async callbacks run as tasks of a multi-threaded runtime: in either order.
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons.contains(&EndReason::Rejected { status: 486 })
            && reasons.contains(&EndReason::LocalHangup),
        "{reasons:?}"
    );
    caller.shutdown().await;
    callee.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hook_can_stop_the_endpoint_after_the_first_call() {
    let callee = builder(44600)
        .on_event(|control, event| {
            if let Event::CallStarted { call, .. } = event {
                let _ = control.hangup(*call);
            }
            if let Event::CallEnded { .. } = event {
                control.shutdown();
            }
        })
        .start()
        .await
        .expect("callee starts");
    let caller = builder(44400).start().await.expect("caller starts");
    let call = tokio::time::timeout(Duration::from_secs(10), caller.dial(request(&callee, "r")))
        .await
        .expect("in time")
        .expect("answered");
    let end = tokio::time::timeout(Duration::from_secs(5), call.ended())
        .await
        .expect("in time")
        .expect("ended");
    assert!(
        matches!(end.reason, EndReason::Bye { .. }),
        "{:?}",
        end.reason
    );
    tokio::time::timeout(Duration::from_secs(10), callee.stopped())
        .await
        .expect("callee stopped by its hook");
    assert!(matches!(callee.counts().await, Err(Error::Stopped)));
    caller.shutdown().await;
}
