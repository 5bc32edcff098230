//! The RTP port pool: even ports from the configured range, RTCP on the port above.
//!
//! Keep the range out of the operating system's ephemeral range, or an outgoing
//! connection of any process may take a port the pool hands out (the bind then fails and
//! the core tries another port, but the range shrinks for nothing). On Linux the
//! ephemeral range is `/proc/sys/net/ipv4/ip_local_port_range` (32768–60999 by default),
//! so the default 10000–20000 is clear of it; to move either, set
//! `net.ipv4.ip_local_port_range` or reserve the RTP range with
//! `net.ipv4.ip_local_reserved_ports`.

use crate::rng::Rng;

/// A pool of even RTP ports; each allocated port `p` also reserves `p + 1` for RTCP.
#[derive(Debug, Clone)]
pub struct PortPool {
    first: u16,
    in_use: Vec<bool>,
    used: usize,
}

impl PortPool {
    /// A pool over the even ports `p` with `start <= p` and `p + 1 <= end`.
    pub fn new(start: u16, end: u16) -> Self {
        let first = start.saturating_add(start % 2);
        let pairs = if end > first {
            usize::from(end - first).div_ceil(2)
        } else {
            0
        };
        Self {
            first,
            in_use: vec![false; pairs],
            used: 0,
        }
    }

    /// Number of port pairs in the pool.
    pub fn capacity(&self) -> usize {
        self.in_use.len()
    }

    /// Number of port pairs currently allocated.
    pub fn in_use(&self) -> usize {
        self.used
    }

    /// Takes a free even port, chosen at random so ports are not predictable; `None`
    /// when the pool is exhausted.
    pub fn allocate(&mut self, rng: &mut Rng) -> Option<u16> {
        let pairs = self.in_use.len();
        if self.used >= pairs {
            return None;
        }
        let start = rng.below(pairs as u32) as usize;
        let index = (0..pairs)
            .map(|offset| (start + offset) % pairs)
            .find(|index| !self.in_use[*index])?;
        self.in_use[index] = true;
        self.used += 1;
        Some(self.first + 2 * index as u16)
    }

    /// Returns `port` to the pool; returns false (and changes nothing) when it was not
    /// allocated, so a double release is visible to the caller.
    pub fn release(&mut self, port: u16) -> bool {
        let Some(index) = self.index_of(port) else {
            return false;
        };
        if !self.in_use[index] {
            return false;
        }
        self.in_use[index] = false;
        self.used -= 1;
        true
    }

    /// Whether `port` is allocated.
    pub fn is_allocated(&self, port: u16) -> bool {
        self.index_of(port).is_some_and(|index| self.in_use[index])
    }

    fn index_of(&self, port: u16) -> Option<usize> {
        if port < self.first || (port - self.first) % 2 != 0 {
            return None;
        }
        let index = usize::from((port - self.first) / 2);
        (index < self.in_use.len()).then_some(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_out_even_ports_with_room_for_rtcp() {
        let mut pool = PortPool::new(10001, 10010);
        let mut rng = Rng::from_seed(1);
        let mut ports = Vec::new();
        while let Some(port) = pool.allocate(&mut rng) {
            ports.push(port);
        }
        ports.sort_unstable();
        assert_eq!(ports, vec![10002, 10004, 10006, 10008]);
        assert_eq!(pool.in_use(), pool.capacity());
    }

    #[test]
    fn exhausted_pool_says_so() {
        let mut pool = PortPool::new(10000, 10001);
        let mut rng = Rng::from_seed(2);
        assert_eq!(pool.allocate(&mut rng), Some(10000));
        assert_eq!(pool.allocate(&mut rng), None);
    }

    #[test]
    fn release_is_exactly_once() {
        let mut pool = PortPool::new(10000, 10003);
        let mut rng = Rng::from_seed(3);
        let port = pool.allocate(&mut rng).unwrap_or(0);
        assert!(pool.is_allocated(port));
        assert!(pool.release(port));
        assert!(!pool.release(port));
        assert!(!pool.release(port + 1));
        assert!(!pool.release(9));
        assert_eq!(pool.in_use(), 0);
    }

    #[test]
    fn released_ports_are_reused() {
        let mut pool = PortPool::new(10000, 10001);
        let mut rng = Rng::from_seed(4);
        let port = pool.allocate(&mut rng);
        assert!(port.is_some());
        assert!(pool.release(10000));
        assert_eq!(pool.allocate(&mut rng), Some(10000));
    }

    #[test]
    fn choice_depends_on_the_seed_only() {
        let take = |seed| {
            let mut pool = PortPool::new(10000, 20000);
            let mut rng = Rng::from_seed(seed);
            (0..5)
                .filter_map(|_| pool.allocate(&mut rng))
                .collect::<Vec<_>>()
        };
        assert_eq!(take(9), take(9));
        assert_ne!(take(9), take(10));
    }
}
