//! Link impairments measured over many datagrams, per seed.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sipvoice_core::endpoint::Transmit;
use sipvoice_sim::{DropCause, Fate, GilbertElliott, Link, LinkConfig, Partition, VirtualClock};

fn datagram(n: u32, len: usize) -> Transmit {
    let mut data = n.to_be_bytes().to_vec();
    data.resize(len.max(4), 0xab);
    Transmit {
        from: SocketAddr::from(([127, 0, 0, 1], 10000)),
        to: SocketAddr::from(([127, 0, 0, 2], 10002)),
        data: Bytes::from(data),
    }
}

/// Sends `count` datagrams 20 ms apart and drains everything; returns the arrival order.
fn pump(link: &mut Link, epoch: Instant, count: u32) -> Vec<(Instant, u32)> {
    let mut arrivals = Vec::new();
    let drain = |link: &mut Link, now: Instant, arrivals: &mut Vec<(Instant, u32)>| {
        while let Some(t) = link.poll_transmit(now) {
            let n = u32::from_be_bytes([t.data[0], t.data[1], t.data[2], t.data[3]]);
            arrivals.push((now, n));
        }
    };
    for n in 0..count {
        let now = epoch + Duration::from_millis(20) * n;
        while let Some(due) = link.poll_timeout().filter(|t| *t <= now) {
            drain(link, due, &mut arrivals);
        }
        link.handle_datagram(now, datagram(n, 172));
    }
    while let Some(due) = link.poll_timeout() {
        drain(link, due, &mut arrivals);
    }
    arrivals
}

#[test]
fn a_clean_link_delays_by_its_latency_and_keeps_order() {
    let epoch = VirtualClock::new().epoch();
    let mut link = Link::new(
        LinkConfig::with_latency(Duration::from_millis(30)),
        1,
        0,
        epoch,
    );
    let arrivals = pump(&mut link, epoch, 100);
    assert_eq!(arrivals.len(), 100);
    for (i, (at, n)) in arrivals.iter().enumerate() {
        assert_eq!(*n, i as u32);
        assert_eq!(
            *at,
            epoch + Duration::from_millis(20) * *n + Duration::from_millis(30)
        );
    }
    assert_eq!(link.stats().delivered, 100);
    assert_eq!(link.in_flight(), 0);
}

#[test]
fn independent_loss_matches_its_rate_and_depends_only_on_the_seed() {
    let epoch = VirtualClock::new().epoch();
    let config = LinkConfig {
        loss: 0.05,
        ..LinkConfig::default()
    };
    let mut one = Link::new(config.clone(), 9, 3, epoch);
    let mut two = Link::new(config.clone(), 9, 3, epoch);
    let mut other = Link::new(config, 10, 3, epoch);
    let first = pump(&mut one, epoch, 20_000);
    assert_eq!(first, pump(&mut two, epoch, 20_000));
    assert_ne!(first, pump(&mut other, epoch, 20_000));
    let lost = one.stats().lost;
    assert_eq!(first.len() as u64, 20_000 - lost);
    assert!((800..1200).contains(&lost), "lost {lost} of 20000 at 5 %");
}

#[test]
fn gilbert_elliott_loss_comes_in_bursts_at_the_chains_mean_rate() {
    let epoch = VirtualClock::new().epoch();
    let ge = GilbertElliott {
        p_good_to_bad: 0.01,
        p_bad_to_good: 0.25,
        loss_good: 0.0,
        loss_bad: 0.8,
    };
    let mut link = Link::new(
        LinkConfig {
            burst: Some(ge),
            ..LinkConfig::default()
        },
        4,
        0,
        epoch,
    );
    let mut fates = Vec::new();
    for n in 0..50_000u32 {
        let now = epoch + Duration::from_millis(20) * n;
        fates.push(matches!(
            link.handle_datagram(now, datagram(n, 20)),
            Fate::Dropped(DropCause::Burst)
        ));
        while link.poll_transmit(now + Duration::from_secs(1)).is_some() {}
    }
    let lost = fates.iter().filter(|l| **l).count() as f64;
    let rate = lost / fates.len() as f64;
    assert!((rate - ge.mean_loss()).abs() < 0.01, "rate {rate}");
    // Bursts: a loss is followed by another far more often than the mean rate.
    let pairs = fates.windows(2).filter(|w| w[0] && w[1]).count() as f64;
    assert!(pairs / lost > 0.4, "conditional loss {}", pairs / lost);
}

#[test]
fn jitter_spreads_arrivals_and_reorders() {
    let epoch = VirtualClock::new().epoch();
    let config = LinkConfig {
        latency: Duration::from_millis(10),
        jitter: Duration::from_millis(40),
        ..LinkConfig::default()
    };
    let mut link = Link::new(config, 5, 0, epoch);
    let arrivals = pump(&mut link, epoch, 5_000);
    assert_eq!(arrivals.len(), 5_000);
    let delays: Vec<Duration> = arrivals
        .iter()
        .map(|(at, n)| *at - (epoch + Duration::from_millis(20) * *n))
        .collect();
    assert!(
        delays
            .iter()
            .all(|d| *d >= Duration::from_millis(10) && *d <= Duration::from_millis(50))
    );
    let mean = delays.iter().sum::<Duration>() / delays.len() as u32;
    assert!(
        mean > Duration::from_millis(27) && mean < Duration::from_millis(33),
        "{mean:?}"
    );
    let inversions = arrivals.windows(2).filter(|w| w[1].1 < w[0].1).count();
    assert!(inversions > 500, "{inversions} inversions");
}

#[test]
fn reordering_duplication_and_corruption_happen_at_their_rates() {
    let epoch = VirtualClock::new().epoch();
    let config = LinkConfig {
        reorder: 0.1,
        reorder_delay: Duration::from_millis(50),
        duplicate: 0.05,
        corrupt: 0.02,
        ..LinkConfig::default()
    };
    let mut link = Link::new(config, 6, 0, epoch);
    let arrivals = pump(&mut link, epoch, 10_000);
    let stats = link.stats();
    assert_eq!(arrivals.len() as u64, 10_000 + stats.duplicated);
    assert!((850..1150).contains(&stats.reordered), "{stats:?}");
    assert!((400..600).contains(&stats.duplicated), "{stats:?}");
    assert!((130..270).contains(&stats.corrupted), "{stats:?}");
    let late = arrivals.windows(2).filter(|w| w[1].1 < w[0].1).count() as u64;
    assert!(late >= stats.reordered / 2, "{late} out-of-order arrivals");
}

#[test]
fn mtu_and_partitions_drop_everything_they_cover() {
    let epoch = VirtualClock::new().epoch();
    let config = LinkConfig {
        mtu: Some(200),
        partitions: vec![Partition {
            start: Duration::from_secs(1),
            end: Duration::from_secs(2),
        }],
        ..LinkConfig::default()
    };
    let mut link = Link::new(config, 7, 0, epoch);
    let small = datagram(1, 172);
    let big = datagram(2, 173);
    assert!(matches!(
        link.handle_datagram(epoch, small.clone()),
        Fate::Delivered { .. }
    ));
    assert_eq!(
        link.handle_datagram(epoch, big),
        Fate::Dropped(DropCause::Mtu)
    );
    let during = epoch + Duration::from_millis(1500);
    assert_eq!(
        link.handle_datagram(during, small.clone()),
        Fate::Dropped(DropCause::Partition)
    );
    let healed = epoch + Duration::from_secs(2);
    assert!(matches!(
        link.handle_datagram(healed, small),
        Fate::Delivered { .. }
    ));
    let stats = link.stats();
    assert_eq!(
        (stats.mtu_dropped, stats.partitioned, stats.dropped()),
        (1, 1, 2)
    );
}
