//! Which side of a captured call the replay stands in for, and what that side used.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

use sipvoice_core::sip::{Message, Method};

use crate::capture::read::Capture;
use crate::capture::sip_view::{audio_address, parse_sip, sdp_of};

/// Which end of the chosen call our endpoint plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// We receive the INVITE (user agent server).
    Callee,
    /// We send the INVITE: the endpoint dials at the captured INVITE's time.
    Caller,
}

/// The side of the capture a fresh endpoint replaces, and its peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayTarget {
    /// The captured SIP address we stand in for (the callee, or `--as`).
    pub us: SocketAddr,
    /// Whether we answer or place the chosen call.
    pub role: Role,
    /// Captured time of the chosen INVITE.
    pub invite_at: Option<Duration>,
    /// The other end of the chosen call, if there is one.
    pub far: Option<SocketAddr>,
    /// The Call-ID of the chosen INVITE, if there is one.
    pub call_id: Option<String>,
    /// How long after the chosen INVITE the captured side answered with a 2xx.
    pub answered_after: Option<Duration>,
    /// Media addresses our side announced in the capture (RTP; RTCP is the port above).
    pub media: BTreeSet<SocketAddr>,
}

impl ReplayTarget {
    /// Whether a captured datagram to `dst` is media for our side (RTP or RTCP).
    pub fn is_our_media(&self, dst: SocketAddr) -> Option<bool> {
        if self.media.contains(&dst) {
            return Some(false);
        }
        let rtp = SocketAddr::new(dst.ip(), dst.port().checked_sub(1)?);
        self.media.contains(&rtp).then_some(true)
    }
}

/// A captured initial INVITE: where it went and whether it was answered with a 2xx.
struct Invite {
    at: Duration,
    src: SocketAddr,
    dst: SocketAddr,
    call_id: String,
    /// Time from the INVITE to the first 2xx, if it was answered.
    answered: Option<Duration>,
}

/// Chooses the side to replace: `as_addr` when given (the callee of an INVITE sent to it,
/// else the caller of an INVITE it sent), else the receiver of the first initial INVITE
/// answered with a 2xx, else of the first initial INVITE. `None` when the capture has no
/// INVITE and no address was given.
pub fn choose_target(capture: &Capture, as_addr: Option<SocketAddr>) -> Option<ReplayTarget> {
    let sip: Vec<(Duration, SocketAddr, SocketAddr, Message)> = capture
        .datagrams
        .iter()
        .filter_map(|d| parse_sip(&d.payload).map(|m| (d.at, d.src, d.dst, m)))
        .collect();
    let mut invites: Vec<Invite> = Vec::new();
    for (at, src, dst, m) in &sip {
        match m {
            Message::Request(req) if req.method() == &Method::Invite => {
                let initial = req.to().is_ok_and(|to| to.tag().is_none());
                let Ok(call_id) = req.call_id() else { continue };
                if initial
                    && !invites
                        .iter()
                        .any(|i| i.call_id == call_id.as_str() && i.dst == *dst)
                {
                    invites.push(Invite {
                        at: *at,
                        src: *src,
                        dst: *dst,
                        call_id: call_id.as_str().to_owned(),
                        answered: None,
                    });
                }
            }
            Message::Response(resp) if resp.status().is_success() => {
                let is_invite = resp.cseq().is_ok_and(|c| c.method == Method::Invite);
                let call_id = resp.call_id().map(|c| c.as_str().to_owned());
                if let (true, Ok(call_id)) = (is_invite, call_id) {
                    for i in invites.iter_mut() {
                        if i.call_id == call_id && i.dst == *src && i.answered.is_none() {
                            i.answered = Some(at.saturating_sub(i.at));
                        }
                    }
                }
            }
            Message::Request(_) => {}
            Message::Response(_) => {}
        }
    }
    let (chosen, role) = match as_addr {
        Some(us) => match invites.iter().find(|i| i.dst == us) {
            Some(i) => (Some(i), Role::Callee),
            None => match invites.iter().find(|i| i.src == us) {
                Some(i) => (Some(i), Role::Caller),
                None => (None, Role::Callee),
            },
        },
        None => (
            invites
                .iter()
                .find(|i| i.answered.is_some())
                .or_else(|| invites.first()),
            Role::Callee,
        ),
    };
    let us = as_addr.or(chosen.map(|i| i.dst))?;
    let far = chosen.map(|i| if role == Role::Caller { i.dst } else { i.src });
    let media = sip
        .iter()
        .filter(|(_, src, _, _)| *src == us)
        .filter_map(|(_, _, _, m)| sdp_of(m).as_ref().and_then(audio_address))
        .collect();
    Some(ReplayTarget {
        us,
        role,
        invite_at: chosen.map(|i| i.at),
        far,
        call_id: chosen.map(|i| i.call_id.clone()),
        answered_after: chosen.and_then(|i| i.answered),
        media,
    })
}
