//! DTMF menu: callbacks instead of `accept()`. Each caller hears a short beep; key 1
//! plays a low tone, 2 a high tone, 0 stops playback (barge-in), # hangs up.
//!
//! Run: `cargo run -p sipvoice-tokio --example dtmf_menu`, then call
//! `sip:menu@127.0.0.1:5062` and press keys.

use sipvoice_tokio::{Call, CallEnd, DtmfReceived, Server};

/// `ms` milliseconds of a sine tone at `hz`, at the call's sample rate.
fn tone(call: &Call, hz: f32, ms: u32) -> Vec<i16> {
    let rate = call.sample_rate().max(8000);
    let n = (rate / 1000 * ms) as usize;
    (0..n)
        .map(|i| {
            let t = i as f32 / rate as f32;
            (8000.0 * (2.0 * std::f32::consts::PI * hz * t).sin()) as i16
        })
        .collect()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = Server::builder()
        .local_sip_addr("127.0.0.1:5062".parse()?)
        .local_rtp_ip("127.0.0.1".parse()?)
        .rtp_port_start(21000)
        .rtp_port_end(21998)
        // A plain closure runs inside the driver: keep it short.
        .on_call(|call: Call| {
            println!("call {} ({:?})", call.session_id(), call.codec());
            let _ = call.send_audio(tone(&call, 660.0, 200));
        })
        // An async closure is spawned on the runtime.
        .on_dtmf_received(|dtmf: DtmfReceived| async move {
            println!("digit {} ({} ms)", dtmf.digit, dtmf.duration_ms);
            let call = dtmf.call;
            match dtmf.digit {
                '1' => drop(call.send_audio(tone(&call, 440.0, 1000))),
                '2' => drop(call.send_audio(tone(&call, 880.0, 1000))),
                '0' => {
                    if let Ok(cut) = call.interrupt().await {
                        println!("cut {} ms of audio", cut.as_millis());
                    }
                }
                '#' => drop(call.hangup().await),
                _ => {}
            }
        })
        .on_call_disconnected(|end: CallEnd| {
            println!(
                "call {} ended: {}",
                end.info.session_id,
                end.reason.as_str()
            );
        })
        .start()
        .await?;
    println!("DTMF menu on {}", server.local_sip_addr());
    tokio::signal::ctrl_c().await?;
    server.shutdown().await;
    Ok(())
}
