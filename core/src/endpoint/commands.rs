//! The endpoint's commands bound to one instant: what a driver hands its application
//! while it handles an event, so that the application never deals with time.

use std::time::{Duration, Instant};

use super::{CallId, CallInfo, CommandError, Counts, DialRequest, Drops, Endpoint};
use crate::session::CallStats;

/// The application commands of an [`Endpoint`] at a fixed `now` (see [`Endpoint::at`]).
///
/// Whatever a command produces is drained by the driver with
/// [`Endpoint::poll_output`] as usual.
#[derive(Debug)]
pub struct Commands<'a> {
    endpoint: &'a mut Endpoint,
    now: Instant,
}

impl Endpoint {
    /// The application commands issued at `now`.
    pub fn at(&mut self, now: Instant) -> Commands<'_> {
        Commands {
            endpoint: self,
            now,
        }
    }
}

impl Commands<'_> {
    /// The instant the commands are issued at.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// Accepts an incoming call (with `AnswerPolicy::Ask`).
    pub fn accept(&mut self, call: CallId) -> Result<(), CommandError> {
        self.endpoint.accept(self.now, call)
    }

    /// Rejects an incoming call with a final status (400–699) and reason phrase.
    pub fn reject(&mut self, call: CallId, status: u16, reason: &str) -> Result<(), CommandError> {
        self.endpoint.reject(self.now, call, status, reason)
    }

    /// Hangs up a call (BYE, CANCEL or an error response, as its state requires).
    pub fn hangup(&mut self, call: CallId) -> Result<(), CommandError> {
        self.endpoint.hangup(self.now, call)
    }

    /// Queues 16-bit mono PCM at the call's sample rate; it is sent paced.
    pub fn send_audio(&mut self, call: CallId, pcm: &[i16]) -> Result<(), CommandError> {
        self.endpoint.send_audio(self.now, call, pcm)
    }

    /// Drops every queued outbound frame of a call (barge-in); returns how much was cut.
    pub fn interrupt(&mut self, call: CallId) -> Result<Duration, CommandError> {
        self.endpoint.interrupt(self.now, call)
    }

    /// Sends DTMF digits (`0-9*#A-D`) as RFC 4733 events, each lasting `duration`.
    pub fn send_dtmf(
        &mut self,
        call: CallId,
        digits: &str,
        duration: Duration,
    ) -> Result<(), CommandError> {
        self.endpoint.send_dtmf(self.now, call, digits, duration)
    }

    /// Puts a call on hold (`true`) or resumes it with a re-INVITE.
    pub fn hold(&mut self, call: CallId, on_hold: bool) -> Result<(), CommandError> {
        self.endpoint.hold(self.now, call, on_hold)
    }

    /// Places an outbound call; its progress arrives as events.
    pub fn dial(&mut self, request: DialRequest) -> Result<CallId, CommandError> {
        self.endpoint.dial(self.now, request)
    }

    /// Live media statistics of a call.
    pub fn stats(&self, call: CallId) -> Option<CallStats> {
        self.endpoint.stats(call)
    }

    /// The metadata of a live call.
    pub fn call_info(&self, call: CallId) -> Option<&CallInfo> {
        self.endpoint.call_info(call)
    }

    /// How much live state the endpoint holds.
    pub fn counts(&self) -> Counts {
        self.endpoint.counts()
    }

    /// What the endpoint dropped so far.
    pub fn drops(&self) -> Drops {
        self.endpoint.drops()
    }

    /// The endpoint itself, for reading anything else it offers.
    pub fn endpoint(&self) -> &Endpoint {
        self.endpoint
    }

    /// The endpoint itself, for commands not listed here.
    pub fn endpoint_mut(&mut self) -> &mut Endpoint {
        self.endpoint
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::test_epoch;

    #[test]
    fn commands_act_on_the_endpoint_at_their_instant() {
        let t0 = test_epoch();
        let config = Config {
            local_sip_addr: "127.0.0.1:5060".parse().unwrap(),
            local_rtp_ip: "127.0.0.1".parse().unwrap(),
            ..Config::default()
        };
        let mut endpoint = Endpoint::new(config, t0).unwrap();
        let later = t0 + Duration::from_millis(250);
        let mut commands = endpoint.at(later);
        assert_eq!(commands.now(), later);
        let remote = "127.0.0.1:5080".parse().unwrap();
        let call = commands
            .dial(DialRequest::new("sip:bot@127.0.0.1:5080", remote))
            .unwrap();
        assert_eq!(commands.counts().calls, 1);
        assert!(commands.call_info(call).is_some());
        assert_eq!(
            commands.send_dtmf(call, "1", Duration::from_millis(100)),
            Err(CommandError::InvalidState(
                "media commands before the answer"
            )),
            "no media before the answer"
        );
        commands.hangup(call).unwrap();
        assert_eq!(
            commands.hangup(call).is_err(),
            commands.call_info(call).is_none()
        );
    }
}
