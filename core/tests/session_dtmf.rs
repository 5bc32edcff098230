//! DTMF between two media sessions: every key press reported exactly once, both ways.

mod session_common;

use session_common::*;
use sipvoice_core::media::DtmfTxError;
use sipvoice_core::sdp::AudioCodec;
use sipvoice_core::session::{MediaEvent, MediaSession, SessionConfig};

#[test]
fn digits_both_ways_each_press_once_repeats_kept_apart() {
    let mut link = Link::new(AudioCodec::Pcmu, &SessionConfig::default(), delay(ms(10)));
    let now = link.now;
    link.a
        .session
        .send_dtmf(now, "1123#*00D", ms(160))
        .expect("valid digits");
    link.b
        .session
        .send_dtmf(now, "99A", ms(100))
        .expect("valid");
    link.run_for(ms(4000));
    assert_eq!(link.b.digits(), "1123#*00D");
    assert_eq!(link.a.digits(), "99A");
    assert!(link.a.events.iter().all(|e| matches!(
        e.1,
        MediaEvent::Dtmf {
            duration_ms: 100,
            ..
        }
    )));
    for e in &link.b.events {
        if let (_, MediaEvent::Dtmf { duration_ms, .. }) = e {
            assert_eq!(*duration_ms, 160);
        }
    }
    let (sa, sb) = (
        link.a.session.stats(link.now),
        link.b.session.stats(link.now),
    );
    assert_eq!((sa.dtmf_sent, sb.dtmf_received), (9, 9));
    assert_eq!((sb.dtmf_sent, sa.dtmf_received), (3, 3));
    // Events use the negotiated payload type, one timestamp per press, the M bit first.
    let events: Vec<_> = link.a.rtp().into_iter().filter(|p| p.pt() == 101).collect();
    assert!(events[0].marker());
    let starts = events.iter().filter(|p| p.marker()).count();
    assert_eq!(starts, 9);
    for pair in events.windows(2) {
        assert_eq!(pair[1].seq(), pair[0].seq().wrapping_add(1));
        assert!(pair[1].at - pair[0].at >= ms(20), "no bursts");
        if !pair[1].marker() {
            assert_eq!(pair[1].at - pair[0].at, ms(20), "one packet per ptime");
            assert_eq!(pair[1].ts(), pair[0].ts(), "one timestamp per press");
        }
    }
}

#[test]
fn a_press_whose_end_packets_are_all_lost_is_still_reported() {
    let network: Network = Box::new(|dir, sent| {
        let end_of_five = dir == Dir::AtoB
            && sent.is_rtp()
            && sent.pt() == 101
            && sent.data[12] == 5
            && sent.data[13] & 0x80 != 0;
        if end_of_five { vec![] } else { vec![ms(10)] }
    });
    let mut link = Link::new(AudioCodec::Pcmu, &SessionConfig::default(), network);
    // The 5 alone at the end: nothing follows to reveal its end but the timeout.
    link.a
        .session
        .send_dtmf(link.now, "45", ms(120))
        .expect("valid");
    link.run_for(ms(3000));
    assert_eq!(link.b.digits(), "45");
    assert_eq!(link.b.session.stats(link.now).dtmf_received, 2);
}

#[test]
fn audio_is_held_while_keys_are_sent_on_one_sequence() {
    let mut link = Link::new(AudioCodec::Pcmu, &SessionConfig::default(), delay(ms(10)));
    link.a.session.send_audio(link.now, &sine(400.0, 8000, 1.0));
    link.run_for(ms(200));
    link.a
        .session
        .send_dtmf(link.now, "7", ms(100))
        .expect("valid");
    link.run_for(ms(2000));
    let rtp = link.a.rtp();
    let audio = rtp.iter().filter(|p| p.pt() == 0).count();
    assert_eq!(audio, 50, "no audio dropped");
    assert!(rtp.iter().any(|p| p.pt() == 101));
    for pair in rtp.windows(2) {
        assert_eq!(pair[1].seq(), pair[0].seq().wrapping_add(1));
        assert!(pair[1].at - pair[0].at >= ms(20));
    }
    assert_eq!(link.b.digits(), "7");
    let b = link.b.session.stats(link.now);
    assert_eq!((b.packets_lost, b.frames_concealed), (0, 0));
    assert_eq!(link.b.audio().len(), 50);
}

#[test]
fn bad_digits_and_missing_telephone_event_are_refused() {
    let mut link = Link::new(AudioCodec::Pcmu, &SessionConfig::default(), delay(ms(10)));
    assert_eq!(
        link.a.session.send_dtmf(link.now, "12x4", ms(100)),
        Err(DtmfTxError::InvalidDigit {
            digit: 'x',
            position: 2
        })
    );
    link.run_for(ms(1000));
    assert!(
        link.a.rtp().is_empty(),
        "nothing of a refused string is sent"
    );

    let mut m = media(AudioCodec::Pcmu, b_addr());
    m.telephone_event = None;
    let mut rng = sipvoice_core::Rng::from_seed(1);
    let mut s = MediaSession::new(&m, a_addr(), &SessionConfig::default(), &mut rng, link.now);
    assert!(matches!(
        s.send_dtmf(link.now, "1", ms(100)),
        Err(DtmfTxError::InvalidConfig(_))
    ));
}
