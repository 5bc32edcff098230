//! The fuzz body: everything a receiver does with an untrusted datagram, in one call.
//! Property tests run it on random and mutated input; a cargo-fuzz target can call it too.

use bytes::Bytes;

use super::message::Message;
use super::parse::parse;

/// Parses `data`, reads every typed view, validates, answers errors and checks that the
/// canonical print round-trips. Returns a description of a broken invariant, if any.
///
/// It never panics: a panic inside it is a bug in the parser.
pub fn exercise(data: &[u8]) -> Result<(), String> {
    let msg = match parse(Bytes::copy_from_slice(data)) {
        Ok(m) => m,
        Err(e) => {
            if let Some(r) = e.response() {
                let wire = r.to_bytes();
                parse(wire).map_err(|e2| format!("error answer does not parse: {e2}"))?;
            }
            return Ok(());
        }
    };
    let h = msg.headers();
    let _ = h.via();
    for v in h.vias().flatten() {
        let _ = (
            v.branch(),
            v.received_ip(),
            v.rport(),
            v.ttl(),
            v.maddr(),
            v.sent_by(),
        );
        let _ = (v.transport(), v.is_rfc3261_branch(), v.branch_shared());
    }
    for na in [h.from(), h.to()].into_iter().flatten() {
        let _ = (
            na.display_name(),
            na.tag_shared(),
            na.uri().user_unescaped(),
        );
        let _ = na.uri().equivalent(na.uri());
    }
    for c in h.contacts().flatten() {
        if let Some(a) = c.address() {
            let _ = (
                a.expires(),
                a.q(),
                a.uri().params().count(),
                a.uri().headers().count(),
            );
        }
    }
    let _ = (
        h.call_id(),
        h.cseq(),
        h.max_forwards(),
        h.content_length(),
        h.expires(),
    );
    let _ = (
        h.min_se(),
        h.retry_after(),
        h.session_expires(),
        h.content_type(),
    );
    let _ = (
        h.routes().count(),
        h.record_routes().count(),
        h.reasons().count(),
    );
    let _ = (
        h.require().count(),
        h.supported().count(),
        h.allow().count(),
        h.accepts("application/sdp"),
    );
    let _ = h.x_headers().count();
    let validated = match &msg {
        Message::Request(r) => {
            let _ = r.uri().equivalent(r.uri());
            match r.validate() {
                Ok(()) => true,
                Err(e) => {
                    if let Some(resp) = e.response() {
                        parse(resp.to_bytes())
                            .map_err(|e2| format!("400 answer does not parse: {e2}"))?;
                    }
                    false
                }
            }
        }
        Message::Response(r) => r.validate().is_ok(),
    };
    let once = msg.to_bytes();
    let again = parse(once.clone()).map_err(|e| format!("canonical print does not parse: {e}"))?;
    let twice = again.to_bytes();
    if once != twice {
        return Err("print(parse(print(m))) != print(m)".to_owned());
    }
    if again.body() != msg.body() {
        return Err("body changed by printing".to_owned());
    }
    if validated {
        let ok = match &again {
            Message::Request(r) => r.validate().is_ok(),
            Message::Response(r) => r.validate().is_ok(),
        };
        if !ok {
            return Err("a valid message no longer validates after printing".to_owned());
        }
    }
    Ok(())
}
