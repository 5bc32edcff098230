//! Media session control: watchdogs, RTCP reports and round-trip time, hold and resume,
//! renegotiated addresses, and the BYE at the end.

mod session_common;

use std::time::Instant;

use bytes::Bytes;

use session_common::*;
use sipvoice_core::Rng;
use sipvoice_core::media::{RTCP_BYE, RTCP_RR, RTCP_SDES, RTCP_SR, RtcpPacket, parse_compound};
use sipvoice_core::sdp::{AudioCodec, Direction};
use sipvoice_core::session::{MediaEvent, MediaOutput, MediaSession, SessionConfig};

fn watchdog_config(inactivity: u64, establishment: u64) -> SessionConfig {
    SessionConfig {
        inactivity_timeout: ms(inactivity),
        establishment_timeout: ms(establishment),
        ..SessionConfig::default()
    }
}

fn inactive(e: &MediaEvent) -> Option<bool> {
    match e {
        MediaEvent::Inactive { never_received } => Some(*never_received),
        _ => None,
    }
}

#[test]
fn establishment_timeout_fires_once_when_no_rtp_ever_arrives() {
    let mut link = Link::new(AudioCodec::Pcmu, &watchdog_config(1000, 2000), delay(ms(5)));
    link.run_for(ms(10_000));
    for peer in [&link.a, &link.b] {
        let fired: Vec<_> = peer
            .events
            .iter()
            .filter_map(|(at, e)| inactive(e).map(|n| (*at, n)))
            .collect();
        assert_eq!(fired, vec![(link.t0 + ms(2000), true)]);
    }
}

#[test]
fn inactivity_timeout_counts_from_the_last_packet() {
    let mut link = Link::new(AudioCodec::Pcmu, &watchdog_config(1000, 5000), delay(ms(5)));
    link.b.session.send_audio(link.now, &sine(300.0, 8000, 1.0));
    link.run_for(ms(10_000));
    let last_arrival = link.t0 + ms(980 + 5);
    let fired: Vec<_> = link
        .a
        .events
        .iter()
        .filter_map(|(at, e)| inactive(e).map(|n| (*at, n)))
        .collect();
    assert_eq!(fired, vec![(last_arrival + ms(1000), false)]);
    // B never received anything: its establishment timeout fired instead.
    assert_eq!(
        link.b
            .events
            .iter()
            .filter_map(|(_, e)| inactive(e))
            .collect::<Vec<_>>(),
        vec![true]
    );
}

#[test]
fn zero_timeouts_disable_the_watchdogs() {
    let mut link = Link::new(AudioCodec::Pcmu, &watchdog_config(0, 0), delay(ms(5)));
    link.b.session.send_audio(link.now, &sine(300.0, 8000, 0.5));
    link.run_for(ms(120_000));
    for peer in [&link.a, &link.b] {
        assert_eq!(peer.count(|e| inactive(e).is_some()), 0);
    }
}

/// Packet types of each packet of an RTCP compound.
fn rtcp_types(data: &[u8]) -> Vec<u8> {
    parse_compound(data)
        .expect("valid compound RTCP")
        .map(|p| match p {
            RtcpPacket::SenderReport(_) => RTCP_SR,
            RtcpPacket::ReceiverReport(_) => RTCP_RR,
            RtcpPacket::Sdes(_) => RTCP_SDES,
            RtcpPacket::Bye(_) => RTCP_BYE,
            _ => 0,
        })
        .collect()
}

#[test]
fn rtcp_reports_at_rfc3550_intervals_and_rtt_is_measured() {
    let mut link = Link::new(AudioCodec::Pcmu, &SessionConfig::default(), delay(ms(7)));
    // Only B talks: B sends sender reports, A receiver reports.
    link.b
        .session
        .send_audio(link.now, &sine(300.0, 8000, 40.0));
    link.run_for(ms(40_000));
    // RFC 3550 6.3: [0.5, 1.5] x 5 s / (e - 3/2), the first with the minimum halved.
    let (low, high) = (2.5 / 1.2183, 7.5 / 1.2183);
    for (peer, kind, local, remote) in [
        (&link.a, RTCP_RR, "10.0.0.1:10001", "10.0.0.2:20001"),
        (&link.b, RTCP_SR, "10.0.0.2:20001", "10.0.0.1:10001"),
    ] {
        let reports = peer.rtcp();
        assert!(reports.len() >= 6, "{} reports in 40 s", reports.len());
        let first = (reports[0].at - link.t0).as_secs_f64();
        assert!(
            (low / 2.0..=high / 2.0).contains(&first),
            "first after {first} s"
        );
        for pair in reports.windows(2) {
            let gap = (pair[1].at - pair[0].at).as_secs_f64();
            assert!((low..=high).contains(&gap), "interval {gap} s");
        }
        for r in &reports {
            assert_eq!((r.from, r.to), (addr(local), addr(remote)));
            assert_eq!(rtcp_types(&r.data), vec![kind, RTCP_SDES]);
        }
    }
    // Two 7 ms hops: B's RTT from A's report blocks; A never sent, so it has none.
    let rtt = link.b.session.stats(link.now).rtt_ms.expect("an RTT");
    assert!((rtt - 14.0).abs() < 0.1, "rtt {rtt} ms");
    assert_eq!(link.a.session.stats(link.now).rtt_ms, None);
}

#[test]
fn rtt_both_ways_when_both_talk() {
    let mut link = Link::new(AudioCodec::G722, &SessionConfig::default(), delay(ms(25)));
    link.a
        .session
        .send_audio(link.now, &sine(300.0, 16000, 20.0));
    link.b
        .session
        .send_audio(link.now, &sine(300.0, 16000, 20.0));
    link.run_for(ms(20_000));
    for peer in [&link.a, &link.b] {
        let rtt = peer.session.stats(link.now).rtt_ms.expect("an RTT");
        assert!((rtt - 50.0).abs() < 0.1, "rtt {rtt} ms");
        assert!(
            peer.rtcp()
                .iter()
                .all(|r| rtcp_types(&r.data)[0] == RTCP_SR)
        );
    }
}

#[test]
fn finish_sends_a_bye_once_and_stops_everything() {
    let mut link = Link::new(AudioCodec::Pcmu, &SessionConfig::default(), delay(ms(5)));
    link.a.session.send_audio(link.now, &sine(300.0, 8000, 5.0));
    link.run_for(ms(990));
    let stats = link.a.session.finish(link.now);
    assert_eq!(stats.packets_sent, 50);
    link.drain();
    let last = link.a.sent.last().expect("the BYE");
    assert_eq!(rtcp_types(&last.data), vec![RTCP_SR, RTCP_SDES, RTCP_BYE]);
    assert_eq!(last.to, addr("10.0.0.2:20001"));
    assert!(link.a.session.is_finished());
    assert_eq!(link.a.session.next_deadline(), None);
    let sent = link.a.sent.len();
    assert_eq!(link.a.session.finish(link.now), stats);
    link.run_for(ms(2000));
    assert_eq!(link.a.sent.len(), sent, "nothing after the end");
}

#[test]
fn hold_stops_sending_and_resume_continues_the_stream() {
    let mut link = Link::new(AudioCodec::Pcmu, &SessionConfig::default(), delay(ms(5)));
    link.a.session.send_audio(link.now, &sine(300.0, 8000, 3.0));
    link.run_for(ms(990)); // 50 frames: 0 ..= 980 ms
    let mut held = media(AudioCodec::Pcmu, b_addr());
    held.on_hold = true;
    held.direction = Direction::RecvOnly;
    link.a.session.update(&held, link.now);
    link.run_for(ms(1000));
    assert_eq!(link.a.rtp().len(), 50, "nothing sent on hold");
    link.a
        .session
        .update(&media(AudioCodec::Pcmu, b_addr()), link.now);
    let resumed = link.now;
    link.run_for(ms(1500));
    let rtp = link.a.rtp();
    // Playback kept its schedule: 3 s of audio, 1 s of it during the hold.
    assert_eq!(rtp.len(), 100);
    let (last, first) = (rtp[49], rtp[50]);
    assert!(
        first.at >= resumed && first.at - resumed < ms(20),
        "the next slot"
    );
    assert!(first.marker(), "a new talkspurt after the hold");
    assert_eq!(first.seq(), last.seq().wrapping_add(1));
    let ticks = ((first.at - last.at).as_millis() * 8) as u32;
    assert_eq!(first.ts().wrapping_sub(last.ts()), ticks);
    assert_eq!(link.a.count(|e| *e == MediaEvent::PlaybackFinished), 1);
    assert_eq!(link.b.session.stats(link.now).packets_lost, 0);
}

#[test]
fn renegotiation_moves_the_stream_to_the_new_address() {
    let t0 = epoch();
    let mut rng = Rng::from_seed(9);
    let config = SessionConfig::default();
    let m = media(AudioCodec::Pcma, b_addr());
    let mut s = MediaSession::new(&m, a_addr(), &config, &mut rng, t0);
    s.send_audio(t0, &[0i16; 1600]);
    let moved = addr("10.0.0.3:30000");
    let mut seen = Vec::new();
    let mut run = |s: &mut MediaSession, from: Instant, until: Instant| {
        let mut now = from;
        loop {
            while let Some(o) = s.poll_output() {
                if let MediaOutput::Transmit { to, data, .. } = o
                    && data[1] & 0x7f == 8
                {
                    seen.push((now, to));
                }
            }
            match s.next_deadline() {
                Some(d) if d <= until => {
                    now = d;
                    s.handle_timeout(d);
                }
                _ => break,
            }
        }
    };
    run(&mut s, t0, t0 + ms(50));
    s.update(&media(AudioCodec::Pcma, moved), t0 + ms(50));
    run(&mut s, t0 + ms(50), t0 + ms(500));
    assert_eq!(seen.len(), 10);
    assert!(
        seen.iter()
            .all(|(at, to)| (*at < t0 + ms(50)) == (*to == b_addr()))
    );
    assert_eq!(s.remote_rtp(), moved);
    // Packets from the old address are no longer accepted.
    let now = t0 + ms(500);
    let before = s.stats(now).packets_rejected;
    let mut pkt = vec![0x80, 8, 0, 1, 0, 0, 0, 160, 0, 0, 0, 7];
    pkt.extend_from_slice(&[0xd5; 160]);
    s.handle_rtp(now, b_addr(), Bytes::copy_from_slice(&pkt));
    assert_eq!(s.stats(now).packets_rejected, before + 1);
    s.handle_rtp(now, moved, Bytes::from(pkt));
    assert_eq!(s.stats(now).packets_received, 1);
}

#[test]
fn muxed_rtcp_shares_the_rtp_ports() {
    let mut ma = media(AudioCodec::Pcmu, b_addr());
    let mut mb = media(AudioCodec::Pcmu, a_addr());
    for (m, remote) in [(&mut ma, b_addr()), (&mut mb, a_addr())] {
        m.rtcp_mux = true;
        m.remote_rtcp = remote;
    }
    let mut link = Link::with_media(&ma, &mb, &SessionConfig::default(), delay(ms(4)));
    link.a
        .session
        .send_audio(link.now, &sine(300.0, 8000, 15.0));
    link.b
        .session
        .send_audio(link.now, &sine(300.0, 8000, 15.0));
    link.run_for(ms(15_000));
    assert_eq!(link.a.session.local_rtcp(), a_addr());
    let reports = link.a.rtcp();
    assert!(reports.len() >= 2);
    assert!(
        reports
            .iter()
            .all(|r| r.from == a_addr() && r.to == b_addr())
    );
    let stats = link.b.session.stats(link.now);
    let rtt = stats.rtt_ms.expect("RTT over muxed RTCP");
    assert!((rtt - 8.0).abs() < 0.1, "rtt {rtt}");
    assert_eq!(
        stats.packets_rejected, 0,
        "muxed RTCP is not mistaken for RTP"
    );
    assert_eq!(stats.packets_lost, 0);
}
