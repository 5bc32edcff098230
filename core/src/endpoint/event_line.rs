//! Events as JSON lines (`{"event":"call_started",...}`), the format of `--events` logs.
//!
//! The core has no JSON dependency; these few objects are written by hand with proper
//! string escaping. [`EventLines`] remembers each call's session id so that events that
//! carry only a [`CallId`] can name their session.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::event::{CallInfo, DtmfSource, EndReason, Event};
use super::ids::CallId;
use crate::session::CallStats;

/// Turns endpoint events into one-line JSON objects.
#[derive(Debug, Default)]
pub struct EventLines {
    sessions: HashMap<CallId, String>,
}

impl EventLines {
    /// A formatter that knows no calls yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The JSON line for `event` (without a newline), or `None` for events that are not
    /// logged (audio frames).
    pub fn line(&mut self, event: &Event) -> Option<String> {
        let mut out = String::with_capacity(160);
        match event {
            Event::Audio { .. } => return None,
            Event::IncomingCall { call, info } => {
                self.sessions.insert(*call, info.session_id.clone());
                out.push_str("{\"event\":\"incoming_call\"");
                call_fields(&mut out, info);
            }
            Event::CallStarted { call, info } => {
                self.sessions.insert(*call, info.session_id.clone());
                out.push_str("{\"event\":\"call_started\"");
                call_fields(&mut out, info);
                let codec = info.codec.map_or("", |c| c.encoding_name());
                field_str(&mut out, "codec", codec);
                let _ = write!(out, ",\"sample_rate\":{}", info.sample_rate);
            }
            Event::Ringing { call, info } => {
                self.sessions.insert(*call, info.session_id.clone());
                out.push_str("{\"event\":\"ringing\"");
                self.session_field(&mut out, *call);
            }
            Event::Dtmf {
                call,
                digit,
                duration_ms,
                source,
            } => {
                out.push_str("{\"event\":\"dtmf\"");
                self.session_field(&mut out, *call);
                let mut d = [0u8; 4];
                field_str(&mut out, "digit", digit.encode_utf8(&mut d));
                let _ = write!(out, ",\"duration_ms\":{duration_ms}");
                let source = match source {
                    DtmfSource::Rtp => "rtp",
                    DtmfSource::Info => "info",
                };
                field_str(&mut out, "source", source);
            }
            Event::PlaybackFinished { call } => {
                out.push_str("{\"event\":\"playback_finished\"");
                self.session_field(&mut out, *call);
            }
            Event::PlaybackInterrupted { call, cut } => {
                out.push_str("{\"event\":\"playback_interrupted\"");
                self.session_field(&mut out, *call);
                let _ = write!(out, ",\"cut_ms\":{}", cut.as_millis());
            }
            Event::Hold { call, on_hold } => {
                out.push_str("{\"event\":\"hold\"");
                self.session_field(&mut out, *call);
                let _ = write!(out, ",\"on_hold\":{on_hold}");
            }
            Event::CallEnded {
                call,
                reason,
                stats,
                info,
            } => {
                self.sessions.remove(call);
                out.push_str("{\"event\":\"call_ended\"");
                field_str(&mut out, "session_id", &info.session_id);
                field_str(&mut out, "call_id", &info.sip_call_id);
                field_str(&mut out, "reason", reason.as_str());
                match reason {
                    EndReason::Bye { reason: Some(r) } => field_str(&mut out, "bye_reason", r),
                    EndReason::Rejected { status } => {
                        let _ = write!(out, ",\"status\":{status}");
                    }
                    _ => {}
                }
                stats_field(&mut out, stats);
            }
            Event::CallRejected {
                sip_call_id,
                status,
                reason,
            } => {
                out.push_str("{\"event\":\"call_rejected\"");
                field_str(&mut out, "call_id", sip_call_id);
                let _ = write!(out, ",\"status\":{status}");
                field_str(&mut out, "reason", reason);
            }
        }
        out.push('}');
        Some(out)
    }

    fn session_field(&self, out: &mut String, call: CallId) {
        let session = self.sessions.get(&call).map_or("", String::as_str);
        field_str(out, "session_id", session);
    }
}

fn call_fields(out: &mut String, info: &CallInfo) {
    field_str(out, "session_id", &info.session_id);
    match &info.room_id {
        Some(room) => field_str(out, "room_id", room),
        None => out.push_str(",\"room_id\":null"),
    }
    field_str(out, "call_id", &info.sip_call_id);
    field_str(out, "caller", &info.caller);
    field_str(out, "callee", &info.callee);
    let direction = match info.direction {
        super::event::CallDirection::Inbound => "inbound",
        super::event::CallDirection::Outbound => "outbound",
    };
    field_str(out, "direction", direction);
    out.push_str(",\"x_headers\":{");
    for (i, (name, value)) in info.x_headers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_str(out, name);
        out.push(':');
        push_json_str(out, value);
    }
    out.push('}');
}

fn stats_field(out: &mut String, s: &CallStats) {
    let _ = write!(
        out,
        ",\"stats\":{{\"packets_sent\":{},\"bytes_sent\":{},\"packets_received\":{},\
         \"bytes_received\":{},\"packets_lost\":{},\"packets_late\":{},\
         \"packets_duplicated\":{},\"packets_rejected\":{},\"frames_concealed\":{},\
         \"jitter_ms\":{:.2},\"rtt_ms\":",
        s.packets_sent,
        s.bytes_sent,
        s.packets_received,
        s.bytes_received,
        s.packets_lost,
        s.packets_late,
        s.packets_duplicated,
        s.packets_rejected,
        s.frames_concealed,
        finite(s.jitter_ms),
    );
    match s.rtt_ms {
        Some(rtt) => {
            let _ = write!(out, "{:.2}", finite(rtt));
        }
        None => out.push_str("null"),
    }
    let _ = write!(
        out,
        ",\"dtmf_received\":{},\"dtmf_sent\":{}}}",
        s.dtmf_received, s.dtmf_sent
    );
}

fn finite(v: f64) -> f64 {
    if v.is_finite() { v } else { 0.0 }
}

fn field_str(out: &mut String, name: &str, value: &str) {
    out.push(',');
    push_json_str(out, name);
    out.push(':');
    push_json_str(out, value);
}

/// Appends `s` as a JSON string literal (RFC 8259 escaping).
fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Codec;
    use crate::endpoint::CallDirection;

    fn info() -> CallInfo {
        CallInfo {
            sip_call_id: "abc@host".into(),
            session_id: "s-1".into(),
            room_id: Some("room \"7\"".into()),
            caller: "sip:alice@127.0.0.1".into(),
            caller_display_name: None,
            callee: "sip:bot@127.0.0.1".into(),
            x_headers: vec![
                ("X-Room-ID".into(), "room \"7\"".into()),
                ("X-Tag".into(), "a\\b\n".into()),
            ],
            direction: CallDirection::Inbound,
            remote_sip: "127.0.0.1:5080".parse().unwrap(),
            codec: Codec::from_payload_type(9),
            sample_rate: 16000,
            dtmf_payload_type: Some(101),
        }
    }

    #[test]
    fn call_started_escapes_and_orders_x_headers() {
        let mut lines = EventLines::new();
        let line = lines
            .line(&Event::CallStarted {
                call: CallId(1),
                info: std::sync::Arc::new(info()),
            })
            .unwrap();
        assert_eq!(
            line,
            "{\"event\":\"call_started\",\"session_id\":\"s-1\",\"room_id\":\"room \\\"7\\\"\",\
             \"call_id\":\"abc@host\",\"caller\":\"sip:alice@127.0.0.1\",\"callee\":\"sip:bot@127.0.0.1\",\
             \"direction\":\"inbound\",\"x_headers\":{\"X-Room-ID\":\"room \\\"7\\\"\",\"X-Tag\":\"a\\\\b\\n\"},\
             \"codec\":\"G722\",\"sample_rate\":16000}"
        );
    }

    #[test]
    fn dtmf_names_the_session_learned_at_start_and_forgets_it_at_the_end() {
        let mut lines = EventLines::new();
        lines.line(&Event::CallStarted {
            call: CallId(1),
            info: std::sync::Arc::new(info()),
        });
        let dtmf = Event::Dtmf {
            call: CallId(1),
            digit: '#',
            duration_ms: 120,
            source: DtmfSource::Rtp,
        };
        assert_eq!(
            lines.line(&dtmf).unwrap(),
            "{\"event\":\"dtmf\",\"session_id\":\"s-1\",\"digit\":\"#\",\"duration_ms\":120,\"source\":\"rtp\"}"
        );
        let ended = Event::CallEnded {
            call: CallId(1),
            reason: EndReason::Bye {
                reason: Some("Q.850;cause=16".into()),
            },
            stats: CallStats {
                packets_received: 250,
                rtt_ms: None,
                ..CallStats::default()
            },
            info: std::sync::Arc::new(info()),
        };
        let line = lines.line(&ended).unwrap();
        assert!(line.starts_with("{\"event\":\"call_ended\",\"session_id\":\"s-1\",\"call_id\":\"abc@host\",\"reason\":\"bye\",\"bye_reason\":\"Q.850;cause=16\",\"stats\":{"));
        assert!(line.contains("\"packets_received\":250"));
        assert!(line.contains("\"rtt_ms\":null"));
        assert!(lines.line(&dtmf).unwrap().contains("\"session_id\":\"\""));
    }

    #[test]
    fn rejected_and_audio() {
        let mut lines = EventLines::new();
        let r = Event::CallRejected {
            sip_call_id: "x".into(),
            status: 503,
            reason: "Service Unavailable".into(),
        };
        assert_eq!(
            lines.line(&r).unwrap(),
            "{\"event\":\"call_rejected\",\"call_id\":\"x\",\"status\":503,\"reason\":\"Service Unavailable\"}"
        );
        let a = Event::Audio {
            call: CallId(1),
            frame: crate::endpoint::AudioFrame {
                pcm: vec![0; 4],
                sample_rate: 8000,
                rtp_timestamp: 0,
                concealed: false,
            },
        };
        assert!(lines.line(&a).is_none());
    }

    #[test]
    fn ringing_of_an_outbound_call_names_its_session() {
        let mut lines = EventLines::new();
        let mut outbound = info();
        outbound.direction = CallDirection::Outbound;
        let ringing = Event::Ringing {
            call: CallId(7),
            info: std::sync::Arc::new(outbound),
        };
        assert_eq!(
            lines.line(&ringing).unwrap(),
            "{\"event\":\"ringing\",\"session_id\":\"s-1\"}"
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        let mut s = String::new();
        push_json_str(&mut s, "a\u{1}b\u{7f}");
        assert_eq!(s, "\"a\\u0001b\\u007f\"");
    }
}
