//! A new session has nothing due: running its timers at the instant it was created sends
//! nothing, reports nothing and leaves its next deadline where it was, whatever the
//! configuration and direction (the session is built without running them).

mod session_common;

use std::time::Duration;

use session_common::*;
use sipvoice_core::Rng;
use sipvoice_core::sdp::{AudioCodec, Direction};
use sipvoice_core::session::{MediaSession, SessionConfig};

#[test]
fn nothing_is_due_when_a_session_starts() {
    let timeouts = [
        Duration::ZERO,
        Duration::from_nanos(1),
        Duration::from_secs(30),
    ];
    let directions = [
        Direction::SendRecv,
        Direction::SendOnly,
        Direction::RecvOnly,
        Direction::Inactive,
    ];
    let mut checked = 0;
    for codec in [AudioCodec::Pcmu, AudioCodec::G722] {
        for timeout in timeouts {
            for direction in directions {
                for seed in 0..4 {
                    let t0 = epoch();
                    let mut m = media(codec, b_addr());
                    m.direction = direction;
                    let config = SessionConfig {
                        inactivity_timeout: timeout,
                        establishment_timeout: timeout,
                        ..SessionConfig::default()
                    };
                    let mut rng = Rng::from_seed(seed);
                    let mut s = MediaSession::new(&m, a_addr(), &config, &mut rng, t0);
                    let deadline = s.next_deadline();
                    assert!(
                        deadline.is_some_and(|d| d > t0),
                        "the first report lies ahead"
                    );
                    assert!(s.poll_output().is_none());
                    s.handle_timeout(t0);
                    assert!(
                        s.poll_output().is_none(),
                        "{codec:?} {timeout:?} {direction:?}"
                    );
                    assert_eq!(s.next_deadline(), deadline);
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 2 * 3 * 4 * 4);
}
