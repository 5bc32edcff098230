//! Recorder: answers calls and writes each caller's audio to `<session_id>.wav` in the
//! current directory (16-bit mono at the call's rate), printing statistics at the end.
//!
//! Run: `cargo run -p sipvoice-tokio --example recorder`, then call
//! `sip:rec@127.0.0.1:5064`.

use sipvoice_tokio::cli::Recorder;
use sipvoice_tokio::{Call, Server};

async fn record(call: Call) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let path = std::path::PathBuf::from(format!("{}.wav", call.session_id().replace('/', "_")));
    let mut wav = Recorder::create(&path, call.sample_rate())?;
    while let Some(frame) = call.recv_audio().await {
        wav.write(&frame.pcm)?;
    }
    wav.finish()?;
    if let Some(end) = call.ended().await {
        println!(
            "{}: {} ({} packets received, {} lost)",
            path.display(),
            end.reason.as_str(),
            end.stats.packets_received,
            end.stats.packets_lost
        );
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = Server::builder()
        .local_sip_addr("127.0.0.1:5064".parse()?)
        .local_rtp_ip("127.0.0.1".parse()?)
        .rtp_port_start(22000)
        .rtp_port_end(22998)
        .start()
        .await?;
    println!("recording calls to {}", server.local_sip_addr());
    loop {
        tokio::select! {
            call = server.accept() => {
                let Some(call) = call else { break };
                tokio::spawn(async move {
                    if let Err(e) = record(call).await {
                        eprintln!("recording failed: {e}");
                    }
                });
            }
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    server.shutdown().await;
    Ok(())
}
