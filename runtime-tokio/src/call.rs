//! The application's handle on one established call.

use std::sync::Arc;
use std::time::Duration;

use sipvoice_core::codec::Codec;
use sipvoice_core::endpoint::{AudioFrame, CallId, CallInfo, EndReason};
use sipvoice_core::session::CallStats;
use tokio::sync::{Mutex, mpsc, watch};

use crate::command::{Command, Commands};
use crate::error::Error;

/// How long each DTMF digit sent with [`Call::send_dtmf`] lasts.
pub const DTMF_DIGIT_DURATION: Duration = Duration::from_millis(100);

/// Something that happened on a call, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum CallEvent {
    /// A frame of decoded inbound audio (16-bit mono at the call's sample rate).
    Audio(AudioFrame),
    /// A DTMF digit was received.
    Dtmf {
        /// `0`–`9`, `*`, `#`, `A`–`D`.
        digit: char,
        /// How long the key was held.
        duration_ms: u32,
    },
    /// Everything queued with [`Call::send_audio`] has been sent.
    PlaybackFinished,
    /// [`Call::interrupt`] dropped this much queued audio.
    PlaybackInterrupted(Duration),
    /// The remote side put the call on hold (`true`) or resumed it.
    Hold(bool),
}

/// How a call ended: its reason, final statistics and metadata.
#[derive(Clone, Debug, PartialEq)]
pub struct CallEnd {
    /// The call.
    pub call_id: CallId,
    /// Why it ended.
    pub reason: EndReason,
    /// Final media statistics.
    pub stats: CallStats,
    /// The call's metadata.
    pub info: Arc<CallInfo>,
}

/// A DTMF digit received on a call, as given to `on_dtmf_received` callbacks.
#[derive(Clone, Debug)]
pub struct DtmfReceived {
    /// The call.
    pub call: Call,
    /// `0`–`9`, `*`, `#`, `A`–`D`.
    pub digit: char,
    /// How long the key was held.
    pub duration_ms: u32,
}

/// What a call can do beyond audio.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// RFC 4733 DTMF signalling in and out.
    pub dtmf_signaling: bool,
    /// Queued outbound audio can be cut at once (barge-in).
    pub interruption: bool,
}

#[derive(Debug)]
struct Inner {
    id: CallId,
    info: Arc<CallInfo>,
    commands: Commands,
    events: Mutex<mpsc::Receiver<CallEvent>>,
    end: watch::Receiver<Option<CallEnd>>,
}

/// A handle on an established call; clones address the same call.
///
/// Dropping every handle does not hang up (callbacks often keep none): call
/// [`Call::hangup`]. Events are buffered only while some handle is held.
#[derive(Clone, Debug)]
pub struct Call {
    inner: Arc<Inner>,
}

/// The driver's side of a call: where its events and its end go.
#[derive(Debug)]
pub(crate) struct CallSlot {
    pub(crate) call: Call,
    pub(crate) events: mpsc::Sender<CallEvent>,
    pub(crate) end: watch::Sender<Option<CallEnd>>,
}

/// Frames (and other events) queued per call before the oldest are dropped: 2 s of audio.
const EVENT_QUEUE: usize = 100;

impl Call {
    /// Creates a handle and the driver's slot for it.
    pub(crate) fn slot(id: CallId, info: Arc<CallInfo>, commands: Commands) -> CallSlot {
        let (events_tx, events_rx) = mpsc::channel(EVENT_QUEUE);
        let (end_tx, end_rx) = watch::channel(None);
        let call = Call {
            inner: Arc::new(Inner {
                id,
                info,
                commands,
                events: Mutex::new(events_rx),
                end: end_rx,
            }),
        };
        CallSlot {
            call,
            events: events_tx,
            end: end_tx,
        }
    }

    /// Whether the driver's own copy is the only handle left.
    pub(crate) fn unobserved(&self) -> bool {
        Arc::strong_count(&self.inner) == 1
    }

    /// The endpoint's id of the call.
    pub fn id(&self) -> CallId {
        self.inner.id
    }

    /// All metadata: SIP Call-ID, session and room ids, parties, X-headers, codec.
    pub fn info(&self) -> &CallInfo {
        &self.inner.info
    }

    /// The session id (`X-Session-ID` or generated).
    pub fn session_id(&self) -> &str {
        &self.inner.info.session_id
    }

    /// The room id from `X-Room-ID`, if any.
    pub fn room_id(&self) -> Option<&str> {
        self.inner.info.room_id.as_deref()
    }

    /// Every `X-*` header of the INVITE, in order.
    pub fn x_headers(&self) -> &[(String, String)] {
        &self.inner.info.x_headers
    }

    /// The SIP `Call-ID`.
    pub fn sip_call_id(&self) -> &str {
        &self.inner.info.sip_call_id
    }

    /// The negotiated codec.
    pub fn codec(&self) -> Option<Codec> {
        self.inner.info.codec
    }

    /// The PCM sample rate of the call's audio (16000 for G.722, 8000 for G.711).
    pub fn sample_rate(&self) -> u32 {
        self.inner.info.sample_rate
    }

    /// What the call supports besides audio.
    pub fn capabilities(&self) -> Capabilities {
        Capabilities {
            dtmf_signaling: self.inner.info.dtmf_payload_type.is_some(),
            interruption: true,
        }
    }

    /// The next event of the call; `None` once it has ended and every event was read.
    ///
    /// Up to 100 events wait here; when nobody reads, newer frames are dropped.
    pub async fn recv(&self) -> Option<CallEvent> {
        self.inner.events.lock().await.recv().await
    }

    /// The next inbound audio frame, skipping other events; `None` once the call ended.
    pub async fn recv_audio(&self) -> Option<AudioFrame> {
        let mut events = self.inner.events.lock().await;
        while let Some(event) = events.recv().await {
            if let CallEvent::Audio(frame) = event {
                return Some(frame);
            }
        }
        None
    }

    /// Queues 16-bit mono PCM at the call's sample rate; the core paces it out.
    pub fn send_audio(&self, pcm: impl Into<Vec<i16>>) -> Result<(), Error> {
        self.inner
            .commands
            .send(Command::SendAudio(self.inner.id, pcm.into()))
    }

    /// Drops all queued outbound audio (barge-in); returns how much was cut.
    pub async fn interrupt(&self) -> Result<Duration, Error> {
        let id = self.inner.id;
        Ok(self
            .inner
            .commands
            .ask(|r| Command::Interrupt(id, r))
            .await??)
    }

    /// Sends DTMF digits (`0-9*#A-D`) as RFC 4733 events of 100 ms each.
    pub async fn send_dtmf(&self, digits: &str) -> Result<(), Error> {
        let id = self.inner.id;
        let digits = digits.to_owned();
        Ok(self
            .inner
            .commands
            .ask(|r| Command::SendDtmf(id, digits, DTMF_DIGIT_DURATION, r))
            .await??)
    }

    /// Hangs up (BYE); the end is reported through [`Call::ended`] and the callbacks.
    pub async fn hangup(&self) -> Result<(), Error> {
        let id = self.inner.id;
        Ok(self
            .inner
            .commands
            .ask(|r| Command::Hangup(id, r))
            .await??)
    }

    /// Live media statistics; `None` once the call has ended.
    pub async fn stats(&self) -> Option<CallStats> {
        let id = self.inner.id;
        self.inner
            .commands
            .ask(|r| Command::Stats(id, r))
            .await
            .ok()
            .flatten()
    }

    /// Waits until the call has ended and returns how; `None` if the driver stopped first.
    pub async fn ended(&self) -> Option<CallEnd> {
        let mut end = self.inner.end.clone();
        let result = end.wait_for(Option::is_some).await;
        result.ok().and_then(|v| v.clone())
    }

    /// The end of the call, if it has ended.
    pub fn end(&self) -> Option<CallEnd> {
        self.inner.end.borrow().clone()
    }
}
