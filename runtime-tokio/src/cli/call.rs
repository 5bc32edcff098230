//! `sipvoice call`: place one call, play, send DTMF, record, hang up.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sipvoice_core::endpoint::{DialRequest, EndReason};

use super::args::CallArgs;
use super::events::EventSink;
use super::recorder::Recorder;
use super::wav::read_wav;
use crate::builder::Builder;
use crate::call::CallEvent;

/// Places the call; `Ok(true)` only when it was answered and ended cleanly (BYE either way).
pub async fn call(args: &CallArgs) -> Result<bool, String> {
    let prompt = match &args.play {
        Some(path) => Some(read_wav(path).map_err(|e| e.to_string())?),
        None => None,
    };
    let config = args.config();
    config
        .validate()
        .map_err(|e| format!("invalid options: {e}"))?;
    let mut builder = Builder::from_config(config).shutdown_grace(Duration::from_secs(3));
    if let Some(path) = &args.events {
        let sink = EventSink::open(path).map_err(|e| format!("cannot open events {path}: {e}"))?;
        let sink = Arc::new(Mutex::new(sink));
        builder = builder.on_event(move |_, event| {
            if let Ok(mut sink) = sink.lock() {
                sink.write(event);
            }
        });
    }
    let server = builder.start().await.map_err(|e| e.to_string())?;
    let mut request = DialRequest::new(args.target.uri.clone(), args.target.addr);
    request.from = args.from.clone();
    request.credentials = args.auth.clone();
    let stop = super::signal::stop_signal();
    tokio::pin!(stop);
    let answered = tokio::select! {
        result = server.dial(request) => result,
        () = &mut stop => {
            server.shutdown().await;
            return Ok(false);
        }
    };
    let call = match answered {
        Ok(call) => call,
        Err(e) => {
            tracing::error!(error = %e, "call failed");
            server.shutdown().await;
            return Ok(false);
        }
    };
    tracing::info!(
        session = %call.session_id(),
        codec = call.codec().map_or("-", |c| c.encoding_name()),
        "answered"
    );
    let rate = call.sample_rate();
    let mut recorder = match &args.record {
        Some(path) => Some(
            Recorder::create(path, rate)
                .map_err(|e| format!("cannot record to {}: {e}", path.display()))?,
        ),
        None => None,
    };
    let playing = match &prompt {
        Some(pcm) => {
            let pcm = pcm.at_rate(rate);
            let any = !pcm.is_empty();
            let _ = call.send_audio(pcm);
            any
        }
        None => false,
    };
    if let Some(digits) = &args.dtmf {
        if let Err(e) = call.send_dtmf(digits).await {
            tracing::warn!(error = %e, "DTMF not sent");
        }
    }
    let hangup_at = args.hangup_after.map(Duration::from_secs_f64);
    let timer = tokio::time::sleep(hangup_at.unwrap_or(Duration::MAX / 4));
    tokio::pin!(timer);
    let mut hung_up = false;
    loop {
        tokio::select! {
            event = call.recv() => match event {
                Some(CallEvent::Audio(frame)) => {
                    if let Some(rec) = recorder.as_mut() {
                        if let Err(e) = rec.write(&frame.pcm) {
                            tracing::warn!(error = %e, "recording stopped");
                            recorder = None;
                        }
                    }
                }
                Some(CallEvent::PlaybackFinished) if playing && hangup_at.is_none() && !hung_up => {
                    hung_up = true;
                    let _ = call.hangup().await;
                }
                Some(CallEvent::Dtmf { digit, .. }) => tracing::info!(%digit, "dtmf received"),
                Some(_) => {}
                None => break,
            },
            () = &mut timer, if hangup_at.is_some() && !hung_up => {
                hung_up = true;
                let _ = call.hangup().await;
            }
            () = &mut stop, if !hung_up => {
                hung_up = true;
                let _ = call.hangup().await;
            }
        }
    }
    let end = call.ended().await;
    if let Some(rec) = recorder {
        if let Err(e) = rec.finish() {
            tracing::warn!(error = %e, "recording not finalised");
        }
    }
    server.shutdown().await;
    let clean = match &end {
        Some(end) => {
            tracing::info!(reason = end.reason.as_str(), "call ended");
            matches!(end.reason, EndReason::Bye { .. } | EndReason::LocalHangup)
        }
        None => false,
    };
    Ok(clean)
}
