//! The queue of what a session has to say: datagrams to send and events to report, first in
//! first out. The endpoint drains it after every input, so it rarely holds more than one
//! output: that one is kept inline, and only a burst takes heap memory (a call that never
//! sends audio ends with its RTCP BYE without allocating a queue).

use std::collections::VecDeque;

use super::types::MediaOutput;

/// Pending outputs of one session.
#[derive(Debug, Default)]
pub(super) struct Outputs {
    /// An output queued while `rest` was empty: older than all of `rest`.
    first: Option<MediaOutput>,
    /// The other outputs, oldest first.
    rest: VecDeque<MediaOutput>,
}

impl Outputs {
    /// Queues `output` behind the others.
    pub(super) fn push_back(&mut self, output: MediaOutput) {
        if self.first.is_none() && self.rest.is_empty() {
            self.first = Some(output);
        } else {
            self.rest.push_back(output);
        }
    }

    /// The oldest output, if any.
    pub(super) fn pop_front(&mut self) -> Option<MediaOutput> {
        self.first.take().or_else(|| self.rest.pop_front())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::MediaEvent;

    fn dtmf(n: u32) -> MediaOutput {
        MediaOutput::Event(MediaEvent::Dtmf {
            digit: '1',
            duration_ms: n,
        })
    }

    #[test]
    fn first_in_first_out_across_bursts() {
        let mut q = Outputs::default();
        assert_eq!(q.pop_front(), None);
        q.push_back(dtmf(1));
        assert_eq!(q.pop_front(), Some(dtmf(1)));
        assert_eq!(q.pop_front(), None);
        for n in 2..6 {
            q.push_back(dtmf(n));
        }
        assert_eq!(q.pop_front(), Some(dtmf(2)));
        q.push_back(dtmf(6));
        for n in 3..7 {
            assert_eq!(q.pop_front(), Some(dtmf(n)));
        }
        assert_eq!(q.pop_front(), None);
    }
}
