//! `sipvoice serve --runtime mio`: the same serve logic on the blocking mio driver, run
//! on its own thread; this thread waits for Ctrl-C or SIGTERM and stops it.

use std::time::{Duration, Instant};

use sipvoice_core::endpoint::Event;
use sipvoice_mio::{Control, Driver, Handler};

use super::app::ServeApp;
use super::args::ServeArgs;
use super::live::LiveLine;
use super::serve::build_app;

/// The serve logic as a mio handler, with the live counters line.
struct MioServe {
    app: ServeApp,
    live: LiveLine,
    last: Instant,
    frames: u64,
}

impl Handler for MioServe {
    fn on_event(&mut self, ctl: &mut Control<'_>, event: Event) {
        if matches!(event, Event::Audio { .. }) {
            self.frames += 1;
        }
        self.app.on_event(&event, &mut **ctl);
    }

    fn on_tick(&mut self, _ctl: &mut Control<'_>) {
        if self.live.enabled() && self.last.elapsed() >= Duration::from_secs(1) {
            self.last = Instant::now();
            let c = self.app.counters();
            // The mio driver counts no packets; audio frames in stand for them.
            self.live.update(self.last, c.active, c.total, self.frames);
        }
    }
}

/// Runs `sipvoice serve` on the mio driver until Ctrl-C or SIGTERM.
pub async fn serve_mio(args: &ServeArgs) -> Result<(), String> {
    let config = args.config();
    config
        .validate()
        .map_err(|e| format!("invalid options: {e}"))?;
    let app = build_app(args)?;
    let sip = config.local_sip_addr;
    let mut driver =
        Driver::bind(config).map_err(|e| format!("cannot bind the SIP socket on {sip}: {e}"))?;
    let sip = driver.local_sip_addr();
    let stop = driver.stop_handle();
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    let thread = std::thread::Builder::new()
        .name("sipvoice-mio".into())
        .spawn(move || {
            let mut handler = MioServe {
                app,
                live: LiveLine::new(),
                last: Instant::now(),
                frames: 0,
            };
            let result = driver.run(&mut handler);
            handler.app.finish();
            let _ = done_tx.send(result.map(|()| handler.app.counters()));
        })
        .map_err(|e| format!("cannot start the mio thread: {e}"))?;
    tracing::info!(%sip, "sipvoice serve ready (mio)");
    let signal = super::signal::stop_signal();
    tokio::pin!(signal);
    tokio::pin!(done_rx);
    let result = tokio::select! {
        () = &mut signal => {
            tracing::info!("shutting down: hanging up every call");
            stop.stop();
            done_rx.await
        }
        result = &mut done_rx => result,
    };
    let _ = thread.join();
    match result {
        Ok(Ok(counters)) => {
            tracing::info!(calls = counters.total, "stopped");
            Ok(())
        }
        Ok(Err(e)) => Err(format!("mio driver failed: {e}")),
        Err(_) => Err("the mio driver thread ended unexpectedly".into()),
    }
}
