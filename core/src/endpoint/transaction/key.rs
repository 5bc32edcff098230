//! Transaction matching keys: RFC 3261 §17.2.3 for requests (with the RFC 2543 fallback
//! when the top Via has no magic-cookie branch) and §17.1.3 for responses.

use crate::sip::{HeaderName, Method, Request, Response, SipStr};

/// The method part of a key: ACK matches the INVITE it acknowledges, CANCEL is its own.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum KeyMethod {
    /// INVITE, and the ACK of a non-2xx final.
    Invite,
    /// CANCEL.
    Cancel,
    /// Any other method.
    Other(Method),
}

impl KeyMethod {
    pub(crate) fn of(method: &Method) -> KeyMethod {
        match method {
            Method::Invite | Method::Ack => KeyMethod::Invite,
            Method::Cancel => KeyMethod::Cancel,
            other => KeyMethod::Other(other.clone()),
        }
    }
}

/// What identifies a server transaction.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ServerKey {
    /// The branch (RFC 3261, shared with the message), or the RFC 2543 composite of
    /// Call-ID, CSeq number, From tag and top Via.
    branch: SipStr,
    /// The sent-by host of the top Via (lower case) and its port.
    host: SipStr,
    port: Option<u16>,
    method: KeyMethod,
}

impl ServerKey {
    /// The key of a received request; `None` when it has no readable top Via.
    pub(crate) fn of(req: &Request) -> Option<ServerKey> {
        let via = req.view_via().ok()?;
        let method = KeyMethod::of(req.method());
        let host = via.host_shared();
        let host = if host.as_bytes().iter().any(u8::is_ascii_uppercase) {
            SipStr::from(host.to_ascii_lowercase())
        } else {
            host
        };
        let port = via.port();
        if via.is_rfc3261_branch() {
            let branch = via.branch_shared()?;
            return Some(ServerKey {
                branch,
                host,
                port,
                method,
            });
        }
        // RFC 2543 (§17.2.3): Call-ID, CSeq number, From tag and the top Via; the To tag
        // is left out so that the ACK (which carries ours) matches its INVITE.
        let call_id = req.call_id().ok()?;
        let seq = req.view_cseq().ok()?.seq;
        let from = req.view_from().ok()?;
        let branch = format!(
            "2543|{}|{}|{}|{}",
            call_id.as_str(),
            seq,
            from.tag().unwrap_or(""),
            via.as_str()
        );
        Some(ServerKey {
            branch: SipStr::from(branch),
            host,
            port,
            method,
        })
    }

    /// The same key for another method (CANCEL → the INVITE it cancels).
    pub(crate) fn with_method(&self, method: KeyMethod) -> ServerKey {
        ServerKey {
            method,
            ..self.clone()
        }
    }
}

/// What identifies a client transaction: our branch and the CSeq method.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ClientKey {
    branch: SipStr,
    method: KeyMethod,
}

impl ClientKey {
    /// The branch.
    pub(crate) fn branch(&self) -> &str {
        &self.branch
    }

    /// Whether the key is an INVITE transaction's.
    pub(crate) fn is_invite(&self) -> bool {
        self.method == KeyMethod::Invite
    }

    /// The key of a request we send.
    pub(crate) fn new(branch: SipStr, method: &Method) -> ClientKey {
        ClientKey {
            branch,
            method: KeyMethod::of(method),
        }
    }

    /// The key of a request we built: its top Via is ours (`...;branch=z9hG4bK...`), so
    /// the branch is found by a plain search rather than a full Via parse.
    pub(crate) fn of_request(req: &Request) -> Option<ClientKey> {
        Self::of_via(req.headers().get(&HeaderName::VIA)?, req.method())
    }

    /// The key of a request we write with our Via value `via`.
    pub(crate) fn of_via(via: &SipStr, method: &Method) -> Option<ClientKey> {
        let b = via.as_bytes();
        let start = b.windows(8).position(|w| w == b";branch=")? + 8;
        let len = b
            .get(start..)?
            .iter()
            .position(|&c| matches!(c, b';' | b',' | b' '))
            .unwrap_or(b.len() - start);
        (len > 0).then(|| ClientKey::new(via.slice_ascii(start, start + len), method))
    }

    /// The key a response matches (§17.1.3); `None` when Via or CSeq are unreadable.
    pub(crate) fn of_response(resp: &Response) -> Option<ClientKey> {
        let via = resp.view_via().ok()?;
        let cseq = resp.view_cseq().ok()?;
        Some(ClientKey::new(via.branch_shared()?, &cseq.method))
    }
}
