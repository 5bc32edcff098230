//! Reading `sipvoice --events` logs: one JSON object per line, `"event"` naming its kind.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Parses complete lines of an event log. A final line without its newline is still being
/// written and is left out; any complete line that is not a JSON object with a string
/// `"event"` field is an error naming the line.
pub fn parse_event_lines(text: &str) -> Result<Vec<Value>, String> {
    let complete = match text.rfind('\n') {
        Some(i) => &text[..=i],
        None => "",
    };
    let mut out = Vec::new();
    for (n, line) in complete.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value =
            serde_json::from_str(line).map_err(|e| format!("event line {}: {e}: {line}", n + 1))?;
        if !v.get("event").is_some_and(Value::is_string) {
            return Err(format!("event line {} has no \"event\": {line}", n + 1));
        }
        out.push(v);
    }
    Ok(out)
}

/// The event log file of one server.
#[derive(Clone, Debug)]
pub struct EventLog {
    path: PathBuf,
}

impl EventLog {
    /// A log at `path` (it may not exist yet).
    pub fn new(path: impl AsRef<Path>) -> EventLog {
        EventLog {
            path: path.as_ref().to_path_buf(),
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// All complete events so far; panics on a malformed line.
    pub fn read(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(&self.path).unwrap_or_default();
        parse_event_lines(&text).unwrap_or_else(|e| panic!("{}: {e}", self.path.display()))
    }

    /// Polls until `done(events)` holds or `limit` passes; returns the events either way.
    pub fn wait_for(&self, limit: Duration, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + limit;
        loop {
            let events = self.read();
            if done(&events) || Instant::now() >= deadline {
                return events;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The events of one kind (`"call_started"`, `"dtmf"`, ...).
pub fn of_kind<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events
        .iter()
        .filter(|e| e.get("event").and_then(Value::as_str) == Some(kind))
        .collect()
}

/// How many events of `kind` there are.
pub fn count(events: &[Value], kind: &str) -> usize {
    of_kind(events, kind).len()
}

/// A string field of an event (`""` when absent or not a string).
pub fn field<'a>(event: &'a Value, name: &str) -> &'a str {
    event.get(name).and_then(Value::as_str).unwrap_or("")
}

/// The only event of `kind`; panics (listing all events) when there is not exactly one.
pub fn the_one<'a>(events: &'a [Value], kind: &str) -> &'a Value {
    let found = of_kind(events, kind);
    assert_eq!(found.len(), 1, "expected one {kind} event in {events:#?}");
    found[0]
}

/// The `call_ended` event of `session_id`; panics when there is none.
pub fn ended<'a>(events: &'a [Value], session_id: &str) -> &'a Value {
    of_kind(events, "call_ended")
        .into_iter()
        .find(|e| field(e, "session_id") == session_id)
        .unwrap_or_else(|| panic!("no call_ended for {session_id} in {events:#?}"))
}

/// A numeric field of the `stats` object of a `call_ended` event (0 when absent).
pub fn stat(event: &Value, name: &str) -> u64 {
    event["stats"][name].as_u64().unwrap_or(0)
}

/// The DTMF digits reported for `session_id`, in order.
pub fn dtmf_digits(events: &[Value], session_id: &str) -> String {
    of_kind(events, "dtmf")
        .into_iter()
        .filter(|e| field(e, "session_id") == session_id)
        .map(|e| field(e, "digit"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = concat!(
        r#"{"event":"call_started","session_id":"s1","room_id":null,"call_id":"c1","codec":"G722","sample_rate":16000,"x_headers":{"X-Room-ID":"r"}}"#,
        "\n",
        r#"{"event":"dtmf","session_id":"s1","digit":"1","duration_ms":100}"#,
        "\n",
        r#"{"event":"dtmf","session_id":"s2","digit":"9","duration_ms":100}"#,
        "\n",
        r##"{"event":"dtmf","session_id":"s1","digit":"#","duration_ms":100}"##,
        "\n",
        r#"{"event":"call_ended","session_id":"s1","reason":"bye","stats":{"packets_received":400}}"#,
        "\n",
        r#"{"event":"call_st"#,
    );

    #[test]
    fn complete_lines_are_parsed_and_a_partial_one_is_left() {
        let events = parse_event_lines(LOG).unwrap();
        assert_eq!(events.len(), 5);
        assert_eq!(count(&events, "dtmf"), 3);
        assert_eq!(dtmf_digits(&events, "s1"), "1#");
        let started = of_kind(&events, "call_started");
        assert_eq!(field(started[0], "codec"), "G722");
        assert_eq!(started[0]["x_headers"]["X-Room-ID"], "r");
        assert_eq!(
            of_kind(&events, "call_ended")[0]["stats"]["packets_received"],
            400
        );
    }

    #[test]
    fn malformed_lines_are_errors() {
        assert!(
            parse_event_lines("not json\n")
                .unwrap_err()
                .contains("line 1")
        );
        assert!(
            parse_event_lines("{\"x\":1}\n")
                .unwrap_err()
                .contains("no \"event\"")
        );
        assert_eq!(parse_event_lines("").unwrap(), Vec::<Value>::new());
    }

    #[test]
    fn wait_for_sees_lines_appended_later() {
        let dir = crate::WorkDir::new("events-wait");
        let log = EventLog::new(dir.join("events.jsonl"));
        assert!(log.read().is_empty());
        let path = log.path().to_path_buf();
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            std::fs::write(&path, &LOG[..LOG.rfind('\n').unwrap() + 1]).unwrap();
        });
        let events = log.wait_for(Duration::from_secs(5), |e| count(e, "call_ended") == 1);
        writer.join().unwrap();
        assert_eq!(count(&events, "call_ended"), 1);
    }
}
