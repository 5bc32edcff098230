//! `sipvoice serve` on the tokio driver.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::app::ServeApp;
use super::args::ServeArgs;
use super::events::EventSink;
use super::live::LiveLine;
use super::recorder::Recordings;
use super::wav::read_wav;
use crate::builder::Builder;

/// Builds the serve logic from the options: loads the prompt, prepares the recording
/// directory and opens the event log. Errors are one-line messages.
pub fn build_app(args: &ServeArgs) -> Result<ServeApp, String> {
    let prompt = match &args.play {
        Some(path) => Some(read_wav(path).map_err(|e| e.to_string())?),
        None => None,
    };
    let recordings = match &args.record {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create record directory {}: {e}", dir.display()))?;
            Some(Recordings::new(dir.clone()))
        }
        None => None,
    };
    let events = match &args.events {
        Some(path) => {
            Some(EventSink::open(path).map_err(|e| format!("cannot open events {path}: {e}"))?)
        }
        None => None,
    };
    Ok(ServeApp::new(prompt, recordings, events))
}

/// Runs `sipvoice serve` on tokio until Ctrl-C or SIGTERM, then hangs up every call.
pub async fn serve(args: &ServeArgs) -> Result<(), String> {
    let config = args.config();
    config
        .validate()
        .map_err(|e| format!("invalid options: {e}"))?;
    let app = Arc::new(Mutex::new(build_app(args)?));
    let hook_app = Arc::clone(&app);
    let server = Builder::from_config(config)
        .accept_queue(false)
        .on_event(move |control, event| {
            if let Ok(mut app) = hook_app.lock() {
                app.on_event(event, &mut **control);
            }
        })
        .start()
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(sip = %server.local_sip_addr(), "sipvoice serve ready");
    let mut live = LiveLine::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let stop = super::signal::stop_signal();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            () = server.stopped() => break,
            _ = tick.tick(), if live.enabled() => {
                let m = server.metrics();
                let total = m.packets_received + m.packets_sent;
                live.update(std::time::Instant::now(), m.calls_active, m.calls_total, total);
            }
        }
    }
    if live.enabled() {
        eprintln!();
    }
    tracing::info!("shutting down: hanging up every call");
    server.shutdown().await;
    if let Ok(mut app) = app.lock() {
        app.finish();
        tracing::info!(calls = app.counters().total, "stopped");
    }
    Ok(())
}
