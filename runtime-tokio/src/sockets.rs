//! The driver's UDP sockets and a ready set that tells which of them became readable.
//!
//! Each socket registers its own waker; a wake-up puts the socket's address on a shared
//! list, so the driver only touches sockets that have data, however many calls are live.

use std::collections::{HashMap, VecDeque};
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::UdpSocket;

/// Receive buffer size asked of the OS for every socket (best effort).
const OS_BUFFER: usize = 1 << 20;

#[derive(Default)]
struct ReadyList {
    ready: VecDeque<SocketAddr>,
    driver: Option<Waker>,
}

/// The waker of one socket: marks it ready and wakes the driver.
struct SocketWaker {
    addr: SocketAddr,
    list: Arc<Mutex<ReadyList>>,
}

impl Wake for SocketWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let driver = match self.list.lock() {
            Ok(mut list) => {
                list.ready.push_back(self.addr);
                list.driver.take()
            }
            Err(_) => None,
        };
        if let Some(waker) = driver {
            waker.wake();
        }
    }
}

struct Entry {
    socket: UdpSocket,
    waker: Waker,
}

/// Every socket of one endpoint, keyed by the local address the core knows it by.
pub(crate) struct Sockets {
    entries: HashMap<SocketAddr, Entry>,
    list: Arc<Mutex<ReadyList>>,
}

/// What one receive attempt gave.
pub(crate) enum Recv {
    /// A datagram of this length from this peer.
    Datagram(usize, SocketAddr),
    /// Nothing more for now (the socket's waker is armed again).
    Empty,
}

impl Sockets {
    pub(crate) fn new() -> Self {
        Self {
            entries: HashMap::new(),
            list: Arc::new(Mutex::new(ReadyList::default())),
        }
    }

    /// Binds a UDP socket on `addr` and registers it under that address (with the port the
    /// OS chose when `addr` asks for port 0); returns the key.
    pub(crate) fn bind(&mut self, addr: SocketAddr) -> io::Result<SocketAddr> {
        let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
        let _ = socket.set_recv_buffer_size(OS_BUFFER);
        let _ = socket.set_send_buffer_size(OS_BUFFER);
        socket.set_nonblocking(true)?;
        socket.bind(&addr.into())?;
        let socket = UdpSocket::from_std(socket.into())?;
        let key = match addr.port() {
            0 => SocketAddr::new(addr.ip(), socket.local_addr()?.port()),
            _ => addr,
        };
        self.insert(key, socket);
        Ok(key)
    }

    /// Registers a bound socket; it is checked for data on the next wait.
    fn insert(&mut self, key: SocketAddr, socket: UdpSocket) {
        let waker = Waker::from(Arc::new(SocketWaker {
            addr: key,
            list: Arc::clone(&self.list),
        }));
        self.entries.insert(key, Entry { socket, waker });
        self.mark_ready(key);
    }

    /// Closes the socket registered under `key`.
    pub(crate) fn close(&mut self, key: SocketAddr) {
        self.entries.remove(&key);
    }

    /// How many sockets are open.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    fn mark_ready(&self, key: SocketAddr) {
        if let Ok(mut list) = self.list.lock() {
            list.ready.push_back(key);
        }
    }

    /// Waits until some socket may have data and returns its key.
    pub(crate) async fn ready(&self) -> SocketAddr {
        poll_fn(|cx| match self.list.lock() {
            Ok(mut list) => match list.ready.pop_front() {
                Some(key) => Poll::Ready(key),
                None => {
                    list.driver = Some(cx.waker().clone());
                    Poll::Pending
                }
            },
            Err(_) => Poll::Pending,
        })
        .await
    }

    /// Puts a socket back on the ready list (it still had data after a receive budget).
    pub(crate) fn requeue(&self, key: SocketAddr) {
        self.mark_ready(key);
    }

    /// Receives one datagram from the socket under `key` without waiting.
    ///
    /// Errors that only report an earlier send (ICMP port unreachable, ...) are skipped.
    pub(crate) fn try_recv(&self, key: SocketAddr, buf: &mut [u8]) -> Recv {
        let Some(entry) = self.entries.get(&key) else {
            return Recv::Empty;
        };
        // A few error reports may sit in front of real data: skip them, bounded.
        for _ in 0..8 {
            match entry.socket.try_recv_from(buf) {
                Ok((len, from)) => return Recv::Datagram(len, from),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    let mut cx = Context::from_waker(&entry.waker);
                    match entry.socket.poll_recv_ready(&mut cx) {
                        Poll::Ready(_) => self.mark_ready(key),
                        Poll::Pending => {}
                    }
                    return Recv::Empty;
                }
                Err(e) => tracing::trace!(%key, error = %e, "receive error ignored"),
            }
        }
        self.mark_ready(key);
        Recv::Empty
    }

    /// Sends a datagram from the socket under `from` at once; a full buffer or an error
    /// (such as a port-unreachable report of an earlier datagram) drops it.
    pub(crate) fn send(&self, from: SocketAddr, to: SocketAddr, data: &[u8]) -> bool {
        match self.entries.get(&from) {
            // A direct non-blocking send: tokio's readiness tracking would refuse the
            // first send on a fresh socket until the reactor has seen it writable.
            Some(entry) => match socket2::SockRef::from(&entry.socket).send_to(data, &to.into()) {
                Ok(_) => true,
                Err(e) => {
                    tracing::trace!(%from, %to, error = %e, "send failed");
                    false
                }
            },
            None => {
                tracing::debug!(%from, "no socket to send from");
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn loopback() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 0))
    }

    #[tokio::test]
    async fn port_unreachable_never_hides_the_next_datagram() {
        let mut sockets = Sockets::new();
        let a = sockets.bind(loopback()).expect("bind");
        assert_ne!(a.port(), 0);
        // A port nobody listens on: the kernel answers with ICMP port unreachable.
        let closed = std::net::UdpSocket::bind(loopback()).expect("bind");
        let closed_addr = closed.local_addr().expect("addr");
        drop(closed);
        for _ in 0..3 {
            sockets.send(a, closed_addr, b"nobody home");
        }
        let peer = std::net::UdpSocket::bind(loopback()).expect("bind");
        peer.send_to(b"hello", a).expect("send");
        let mut buf = [0u8; 64];
        let mut got = None;
        for _ in 0..100 {
            let key = tokio::time::timeout(Duration::from_secs(1), sockets.ready())
                .await
                .expect("a socket became ready");
            assert_eq!(key, a);
            if let Recv::Datagram(len, from) = sockets.try_recv(key, &mut buf) {
                got = Some((buf[..len].to_vec(), from));
                break;
            }
        }
        let (data, from) = got.expect("the datagram arrived");
        assert_eq!(data, b"hello");
        assert_eq!(from, peer.local_addr().expect("addr"));
    }

    #[tokio::test]
    async fn closed_sockets_are_forgotten() {
        let mut sockets = Sockets::new();
        let a = sockets.bind(loopback()).expect("bind");
        let b = sockets.bind(loopback()).expect("bind");
        assert_eq!(sockets.len(), 2);
        sockets.close(a);
        assert_eq!(sockets.len(), 1);
        assert!(!sockets.send(a, b, b"x"));
        assert!(sockets.send(b, b, b"to myself"));
        let mut buf = [0u8; 16];
        assert!(matches!(sockets.try_recv(a, &mut buf), Recv::Empty));
    }
}
