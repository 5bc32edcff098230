//! An echo server on the blocking mio driver: every caller hears themselves.
//!
//! ```text
//! cargo run -p sipvoice-mio --example echo -- [SIP_ADDR [SECONDS]]
//! ```
//!
//! SIP_ADDR defaults to 127.0.0.1:5060; with SECONDS the server hangs up every call and
//! exits after that long. Call events and DTMF digits are printed on stdout.

use std::net::SocketAddr;
use std::time::Duration;

use sipvoice_core::Config;
use sipvoice_core::endpoint::Event;
use sipvoice_mio::{Control, Driver, Handler};

/// Echoes audio and prints what happens.
struct Echo {
    calls: u64,
}

impl Handler for Echo {
    fn on_event(&mut self, ctl: &mut Control<'_>, event: Event) {
        match event {
            Event::Audio { call, frame } => {
                let _ = ctl.send_audio(call, &frame.pcm);
            }
            Event::CallStarted { info, .. } => {
                self.calls += 1;
                let codec = info
                    .codec
                    .map(|codec| codec.to_string())
                    .unwrap_or_default();
                println!(
                    "call {} started from {} ({codec})",
                    info.session_id, info.caller
                );
            }
            Event::Dtmf { digit, .. } => println!("dtmf {digit}"),
            Event::CallEnded {
                info,
                reason,
                stats,
                ..
            } => println!(
                "call {} ended: {} (packets in {}, out {}, lost {}, late {}, rejected {})",
                info.session_id,
                reason.as_str(),
                stats.packets_received,
                stats.packets_sent,
                stats.packets_lost,
                stats.packets_late,
                stats.packets_rejected
            ),
            Event::CallRejected { status, reason, .. } => println!("rejected: {status} {reason}"),
            _ => {}
        }
    }
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let sip: SocketAddr = match args.next() {
        Some(text) => text.parse().map_err(|error| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{text}: {error}"))
        })?,
        None => SocketAddr::from(([127, 0, 0, 1], 5060)),
    };
    let seconds: Option<u64> = args.next().and_then(|text| text.parse().ok());

    let config = Config {
        local_sip_addr: sip,
        local_rtp_ip: sip.ip(),
        ..Config::default()
    };
    let mut driver = Driver::bind(config)?;
    println!("echo server on {}", driver.local_sip_addr());
    if let Some(seconds) = seconds {
        let stop = driver.stop_handle();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(seconds));
            stop.stop();
        });
    }
    let mut echo = Echo { calls: 0 };
    driver.run(&mut echo)?;
    println!(
        "{} calls; live state at exit: {:?}",
        echo.calls,
        driver.counts()
    );
    Ok(())
}
