//! Loopback port blocks for one test: contiguous, checked free, never handed out twice.
//!
//! Blocks come from 12000–31999 (below Linux's default ephemeral range, so a peer's
//! outgoing sockets cannot take them), starting at an offset derived from the process id
//! so that test binaries running side by side start far apart.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, UdpSocket};
use std::sync::Mutex;

const FIRST: u32 = 12000;
const END: u32 = 32000;

static CURSOR: Mutex<Option<u32>> = Mutex::new(None);

/// `len` consecutive ports on 127.0.0.1, free (UDP and TCP) when allocated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortBlock {
    /// First port of the block.
    pub start: u16,
    /// Number of ports.
    pub len: u16,
}

impl PortBlock {
    /// Allocates a free block of `len` ports (`1..=1000`).
    pub fn allocate(len: u16) -> PortBlock {
        assert!((1..=1000).contains(&len), "block length {len}");
        let span = END - FIRST;
        let mut cursor = CURSOR.lock().unwrap_or_else(|p| p.into_inner());
        let mut next = cursor.unwrap_or_else(|| FIRST + (std::process::id() * 7919) % span);
        for _ in 0..(span / u32::from(len) + 1) {
            if next + u32::from(len) > END {
                next = FIRST;
            }
            let start = next as u16;
            next += u32::from(len);
            if (start..start + len).all(port_is_free) {
                *cursor = Some(next);
                return PortBlock { start, len };
            }
        }
        panic!("no free block of {len} loopback ports");
    }

    /// The `i`-th port of the block.
    pub fn port(&self, i: u16) -> u16 {
        assert!(i < self.len, "port {i} of a block of {}", self.len);
        self.start + i
    }

    /// `127.0.0.1:` the `i`-th port.
    pub fn addr(&self, i: u16) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port(i)))
    }

    /// Splits off `n` ports from the end as a `START-END` range string (for `--rtp-ports`).
    pub fn range(&self, first: u16, n: u16) -> String {
        format!("{}-{}", self.port(first), self.port(first + n - 1))
    }
}

/// Whether `port` can be bound on 127.0.0.1 right now, for UDP and TCP.
pub fn port_is_free(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    UdpSocket::bind(addr).is_ok() && TcpListener::bind(addr).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_do_not_overlap_and_are_free() {
        let a = PortBlock::allocate(20);
        let b = PortBlock::allocate(20);
        let (a0, a1) = (u32::from(a.start), u32::from(a.start) + 20);
        let (b0, b1) = (u32::from(b.start), u32::from(b.start) + 20);
        assert!(a1 <= b0 || b1 <= a0, "{a:?} overlaps {b:?}");
        assert!((a.start..a.start + 20).all(port_is_free));
        assert!(u32::from(a.start) >= FIRST && a1 <= END);
        assert_eq!(a.range(2, 10), format!("{}-{}", a.start + 2, a.start + 11));
    }

    #[test]
    fn a_bound_port_is_not_free() {
        let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = sock.local_addr().unwrap().port();
        assert!(!port_is_free(port));
    }
}
