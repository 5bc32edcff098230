//! An outbound call between two drivers on loopback: one dials, the other echoes.

use std::thread;
use std::time::{Duration, Instant};

use sipvoice_core::Config;
use sipvoice_core::codec::Codec;
use sipvoice_core::endpoint::{CallId, DialRequest, EndReason, Event};
use sipvoice_mio::{Control, Driver, Handler};

fn config(rtp_start: u16) -> Config {
    Config {
        local_sip_addr: "127.0.0.1:0".parse().expect("address"),
        local_rtp_ip: "127.0.0.1".parse().expect("address"),
        rtp_port_start: rtp_start,
        rtp_port_end: rtp_start + 20,
        rng_seed: u64::from(rtp_start),
        t1: Duration::from_millis(40),
        t2: Duration::from_millis(160),
        t4: Duration::from_millis(200),
        ..Config::default()
    }
}

/// Echoes audio; stops its driver once a call has ended and nothing is left.
#[derive(Default)]
struct Echo {
    ended: Vec<EndReason>,
    frames: usize,
}

impl Handler for Echo {
    fn on_event(&mut self, ctl: &mut Control<'_>, event: Event) {
        match event {
            Event::Audio { call, frame } => {
                self.frames += 1;
                let _ = ctl.send_audio(call, &frame.pcm);
            }
            Event::CallEnded { reason, .. } => self.ended.push(reason),
            _ => {}
        }
    }

    fn on_tick(&mut self, ctl: &mut Control<'_>) {
        if !self.ended.is_empty() && ctl.counts().is_empty() {
            ctl.stop();
        }
    }
}

/// Plays a tone once the call starts, counts loud frames coming back, hangs up after
/// enough of them.
struct Caller {
    call: CallId,
    started: Option<(Codec, u32)>,
    loud_frames: usize,
    hung_up: bool,
    ended: Vec<EndReason>,
}

impl Handler for Caller {
    fn on_event(&mut self, ctl: &mut Control<'_>, event: Event) {
        match event {
            Event::CallStarted { call, info } if call == self.call => {
                self.started = info.codec.map(|codec| (codec, info.sample_rate));
                let rate = info.sample_rate.max(8000) as usize;
                // One second of 500 Hz at about -12 dBFS.
                let tone: Vec<i16> = (0..rate)
                    .map(|n| {
                        let phase = 2.0 * std::f64::consts::PI * 500.0 * n as f64 / rate as f64;
                        (8000.0 * phase.sin()) as i16
                    })
                    .collect();
                ctl.send_audio(call, &tone).expect("send_audio");
            }
            Event::Audio { call, frame } if call == self.call => {
                let energy: i64 = frame.pcm.iter().map(|s| i64::from(*s).abs()).sum();
                let mean = energy / frame.pcm.len().max(1) as i64;
                if mean > 1000 && !frame.concealed {
                    self.loud_frames += 1;
                }
                if self.loud_frames >= 10 && !self.hung_up {
                    self.hung_up = true;
                    ctl.hangup(call).expect("hangup");
                }
            }
            Event::CallEnded { reason, .. } => self.ended.push(reason),
            _ => {}
        }
    }

    fn on_tick(&mut self, ctl: &mut Control<'_>) {
        if !self.ended.is_empty() && ctl.counts().is_empty() {
            ctl.stop();
        }
    }
}

#[test]
fn a_dialled_call_hears_its_echo_and_hangs_up() {
    let mut callee = Driver::bind(config(23560)).expect("bind callee");
    let callee_addr = callee.local_sip_addr();
    let callee_stop = callee.stop_handle();
    let callee_thread = thread::spawn(move || {
        let mut echo = Echo::default();
        callee.run(&mut echo).expect("callee run");
        (echo, callee.counts(), callee.socket_count())
    });

    let mut caller = Driver::bind(config(23600)).expect("bind caller");
    let call = caller
        .control()
        .dial(DialRequest::new(
            format!("sip:echo@{callee_addr}"),
            callee_addr,
        ))
        .expect("dial");
    let caller_stop = caller.stop_handle();
    let watchdog = thread::spawn(move || {
        let until = Instant::now() + Duration::from_secs(20);
        while Instant::now() < until && !caller_stop.is_stopping() {
            thread::sleep(Duration::from_millis(50));
        }
        caller_stop.stop();
        callee_stop.stop();
    });
    let mut handler = Caller {
        call,
        started: None,
        loud_frames: 0,
        hung_up: false,
        ended: Vec::new(),
    };
    let started = Instant::now();
    caller.run(&mut handler).expect("caller run");
    let took = started.elapsed();
    let (echo, callee_counts, callee_sockets) = callee_thread.join().expect("callee");
    watchdog.join().expect("watchdog");

    assert!(took < Duration::from_secs(20), "took {took:?}");
    // G.722 is both sides' first choice.
    assert_eq!(handler.started, Some((Codec::G722, 16000)));
    assert!(
        handler.loud_frames >= 10,
        "loud frames: {}",
        handler.loud_frames
    );
    assert!(handler.hung_up);
    assert_eq!(handler.ended, vec![EndReason::LocalHangup]);
    assert!(echo.frames >= 10, "callee frames: {}", echo.frames);
    assert_eq!(echo.ended.len(), 1);
    assert!(
        matches!(echo.ended[0], EndReason::Bye { .. }),
        "{:?}",
        echo.ended
    );
    assert!(caller.counts().is_empty(), "{:?}", caller.counts());
    assert!(callee_counts.is_empty(), "{callee_counts:?}");
    assert_eq!((caller.socket_count(), callee_sockets), (1, 1));
}
