//! Echo bot: answers every call on 127.0.0.1:5060 and sends each caller's audio back.
//!
//! Run: `cargo run -p sipvoice-tokio --example echo_bot`, then call
//! `sip:echo@127.0.0.1:5060` (for instance with `sipvoice call`). Ctrl-C hangs up all calls.

use sipvoice_tokio::{CallEvent, Server};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = Server::builder()
        .local_sip_addr("127.0.0.1:5060".parse()?)
        .local_rtp_ip("127.0.0.1".parse()?)
        .start()
        .await?;
    println!("echo bot on {}", server.local_sip_addr());
    loop {
        tokio::select! {
            call = server.accept() => {
                let Some(call) = call else { break };
                println!("call {} from {}", call.session_id(), call.info().caller);
                tokio::spawn(async move {
                    while let Some(event) = call.recv().await {
                        if let CallEvent::Audio(frame) = event {
                            let _ = call.send_audio(frame.pcm);
                        }
                    }
                    if let Some(end) = call.ended().await {
                        println!("call {} ended: {}", call.session_id(), end.reason.as_str());
                    }
                });
            }
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    server.shutdown().await;
    Ok(())
}
