//! The driver's UDP sockets: the SIP socket and the media sockets the endpoint asks for.
//!
//! Each socket sits in a slot; slot `i` is registered under token `base + 1 + i` (token
//! `base` is the driver's waker). Sockets are keyed by the address the endpoint knows them
//! by, which is the address it names in `Transmit::from` and expects in `handle_datagram`.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;

use mio::net::UdpSocket;
use mio::{Interest, Registry, Token};
use sipvoice_core::endpoint::Transmit;
use socket2::{Domain, Protocol, Socket, Type};

/// Receive buffer asked for on the SIP socket (best effort), to ride out bursts.
const SIP_RECV_BUFFER: usize = 1 << 20;

/// Binds a non-blocking UDP socket on `addr` (no address reuse: a taken port is an error).
pub(crate) fn bind_udp(addr: SocketAddr, recv_buffer: Option<usize>) -> io::Result<UdpSocket> {
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    socket.set_nonblocking(true)?;
    if let Some(size) = recv_buffer {
        if let Err(error) = socket.set_recv_buffer_size(size) {
            tracing::debug!(%error, size, "could not enlarge the receive buffer");
        }
    }
    socket.bind(&addr.into())?;
    Ok(UdpSocket::from_std(socket.into()))
}

/// Binds the SIP socket, with an error message that names the address.
pub(crate) fn bind_sip(addr: SocketAddr) -> io::Result<UdpSocket> {
    bind_udp(addr, Some(SIP_RECV_BUFFER)).map_err(|error| {
        io::Error::new(
            error.kind(),
            format!("cannot bind SIP socket {addr}: {error}"),
        )
    })
}

/// One bound socket and the address the endpoint knows it by.
#[derive(Debug)]
struct Slot {
    addr: SocketAddr,
    socket: UdpSocket,
}

/// Every socket of a driver, by token and by address.
#[derive(Debug)]
pub(crate) struct Sockets {
    base: usize,
    slots: Vec<Option<Slot>>,
    free: Vec<usize>,
    by_addr: HashMap<SocketAddr, usize>,
}

impl Sockets {
    /// An empty table whose tokens start above `base` (the waker's token).
    pub(crate) fn new(base: Token) -> Self {
        Self {
            base: base.0,
            slots: Vec::new(),
            free: Vec::new(),
            by_addr: HashMap::new(),
        }
    }

    /// The token of the waker (the base itself).
    pub(crate) fn waker_token(&self) -> Token {
        Token(self.base)
    }

    /// Whether `token` belongs to this table (the waker's token included).
    pub(crate) fn owns(&self, token: Token) -> bool {
        token.0 >= self.base && token.0 - self.base <= self.slots.len()
    }

    /// Number of open sockets.
    pub(crate) fn len(&self) -> usize {
        self.by_addr.len()
    }

    /// Whether a socket is open on `addr`.
    pub(crate) fn contains(&self, addr: SocketAddr) -> bool {
        self.by_addr.contains_key(&addr)
    }

    /// Registers `socket` for reading under a fresh token and files it under `addr`.
    pub(crate) fn insert(
        &mut self,
        registry: &Registry,
        addr: SocketAddr,
        mut socket: UdpSocket,
    ) -> io::Result<()> {
        let index = self.free.pop().unwrap_or(self.slots.len());
        let registered = token_for(self.base, index)
            .and_then(|token| registry.register(&mut socket, token, Interest::READABLE));
        if let Err(error) = registered {
            if index < self.slots.len() {
                self.free.push(index);
            }
            return Err(error);
        }
        if index == self.slots.len() {
            self.slots.push(None);
        }
        if let Some(slot) = self.slots.get_mut(index) {
            *slot = Some(Slot { addr, socket });
        }
        self.by_addr.insert(addr, index);
        Ok(())
    }

    /// Deregisters and closes the socket on `addr`; false when there was none.
    pub(crate) fn remove(&mut self, registry: &Registry, addr: SocketAddr) -> bool {
        let Some(index) = self.by_addr.remove(&addr) else {
            return false;
        };
        if let Some(mut slot) = self.slots.get_mut(index).and_then(Option::take) {
            if let Err(error) = registry.deregister(&mut slot.socket) {
                tracing::debug!(%error, %addr, "deregistering a socket failed");
            }
        }
        self.free.push(index);
        true
    }

    /// The socket filed under `addr`.
    pub(crate) fn by_addr(&self, addr: SocketAddr) -> Option<&UdpSocket> {
        let index = *self.by_addr.get(&addr)?;
        self.slots.get(index)?.as_ref().map(|slot| &slot.socket)
    }

    /// The address and socket registered under `token`.
    pub(crate) fn by_token(&self, token: Token) -> Option<(SocketAddr, &UdpSocket)> {
        let index = token.0.checked_sub(self.base)?.checked_sub(1)?;
        let slot = self.slots.get(index)?.as_ref()?;
        Some((slot.addr, &slot.socket))
    }

    /// Sends one datagram; failures are logged and the datagram dropped (UDP may lose it).
    pub(crate) fn send(&self, transmit: &Transmit) {
        let Some(socket) = self.by_addr(transmit.from) else {
            tracing::debug!(from = %transmit.from, "no socket to send from; dropped");
            return;
        };
        match socket.send_to(&transmit.data, transmit.to) {
            Ok(_) => {}
            Err(error) if is_transient(&error) || error.kind() == io::ErrorKind::WouldBlock => {
                tracing::trace!(%error, to = %transmit.to, "datagram not sent");
            }
            Err(error) => tracing::debug!(%error, to = %transmit.to, "send failed"),
        }
    }

    /// Moves every socket from `from` to `to`, with tokens starting above `base` from now on.
    pub(crate) fn rebase(&mut self, from: &Registry, to: &Registry, base: Token) -> io::Result<()> {
        self.base = base.0;
        for (index, slot) in self.slots.iter_mut().enumerate() {
            if let Some(slot) = slot {
                from.deregister(&mut slot.socket)?;
                to.register(
                    &mut slot.socket,
                    token_for(base.0, index)?,
                    Interest::READABLE,
                )?;
            }
        }
        Ok(())
    }
}

/// Errors a UDP socket reports for earlier traffic (ICMP unreachable and the like): they
/// say nothing about this datagram and must never hurt a call.
pub(crate) fn is_transient(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::Interrupted
    )
}

/// The token of slot `index` above `base`, unless it would overflow.
fn token_for(base: usize, index: usize) -> io::Result<Token> {
    base.checked_add(1)
        .and_then(|first| first.checked_add(index))
        .map(Token)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "token range exhausted"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use mio::{Events, Poll};
    use std::time::{Duration, Instant};

    fn loopback(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    /// A socket on a free loopback port, with its address.
    fn ephemeral() -> (SocketAddr, UdpSocket) {
        let socket = bind_udp(loopback(0), None).expect("bind");
        (socket.local_addr().expect("address"), socket)
    }

    /// Polls until `token` is readable (bounded in time).
    fn wait_readable(poll: &mut Poll, token: Token) -> bool {
        let mut events = Events::with_capacity(8);
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until {
            if poll
                .poll(&mut events, Some(Duration::from_millis(100)))
                .is_err()
            {
                return false;
            }
            if events.iter().any(|event| event.token() == token) {
                return true;
            }
        }
        false
    }

    #[test]
    fn sockets_are_found_by_address_and_token_and_slots_are_reused() {
        let poll = Poll::new().expect("poll");
        let mut sockets = Sockets::new(Token(10));
        let (a, socket_a) = ephemeral();
        let (b, socket_b) = ephemeral();
        sockets
            .insert(poll.registry(), a, socket_a)
            .expect("insert a");
        sockets
            .insert(poll.registry(), b, socket_b)
            .expect("insert b");
        assert_eq!(sockets.len(), 2);
        assert_eq!(sockets.by_token(Token(11)).map(|(addr, _)| addr), Some(a));
        assert_eq!(sockets.by_token(Token(12)).map(|(addr, _)| addr), Some(b));
        assert!(sockets.by_token(Token(10)).is_none());
        assert!(sockets.owns(Token(10)) && sockets.owns(Token(12)));
        assert!(!sockets.owns(Token(9)) && !sockets.owns(Token(13)));

        assert!(sockets.remove(poll.registry(), a));
        assert!(!sockets.remove(poll.registry(), a));
        assert!(sockets.by_addr(a).is_none());
        // The port is free again and the slot is reused.
        let c = a;
        sockets
            .insert(poll.registry(), c, bind_udp(c, None).expect("rebind a"))
            .expect("insert c");
        assert_eq!(sockets.by_token(Token(11)).map(|(addr, _)| addr), Some(c));
    }

    #[test]
    fn a_taken_port_is_refused() {
        let (addr, _first) = ephemeral();
        let error = bind_udp(addr, None).expect_err("taken");
        assert_eq!(error.kind(), io::ErrorKind::AddrInUse);
        let error = bind_sip(addr).expect_err("taken");
        assert!(error.to_string().contains(&addr.to_string()));
    }

    #[test]
    fn transmits_leave_from_the_named_socket_and_icmp_errors_are_transient() {
        let mut poll = Poll::new().expect("poll");
        let mut sockets = Sockets::new(Token(0));
        let (a, socket_a) = ephemeral();
        let (b, socket_b) = ephemeral();
        for (addr, socket) in [(a, socket_a), (b, socket_b)] {
            sockets
                .insert(poll.registry(), addr, socket)
                .expect("insert");
        }
        sockets.send(&Transmit {
            from: a,
            to: b,
            data: Bytes::from_static(b"hello"),
        });
        assert!(wait_readable(&mut poll, Token(2)));
        let mut buf = [0u8; 16];
        let (_, socket) = sockets.by_token(Token(2)).expect("b");
        let (len, from) = socket.recv_from(&mut buf).expect("datagram");
        assert_eq!((&buf[..len], from), (&b"hello"[..], a));

        // A datagram to a closed port: whatever the next receive reports (nothing on an
        // unconnected Linux socket, ECONNREFUSED or ECONNRESET elsewhere) is not fatal.
        let closed = ephemeral().0; // dropped at once: nobody listens there
        sockets.send(&Transmit {
            from: a,
            to: closed,
            data: Bytes::from_static(b"nobody"),
        });
        let (_, socket) = sockets.by_token(Token(1)).expect("a");
        let until = Instant::now() + Duration::from_millis(100);
        let error = loop {
            match socket.recv_from(&mut buf) {
                Err(error)
                    if error.kind() == io::ErrorKind::WouldBlock && Instant::now() < until =>
                {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(error) => break error,
                Ok(_) => panic!("unexpected datagram"),
            }
        };
        assert!(
            error.kind() == io::ErrorKind::WouldBlock || is_transient(&error),
            "{error:?}"
        );
        for kind in [
            io::ErrorKind::ConnectionRefused,
            io::ErrorKind::ConnectionReset,
        ] {
            assert!(is_transient(&io::Error::from(kind)));
        }
        assert!(!is_transient(&io::Error::from(
            io::ErrorKind::PermissionDenied
        )));
        // Unknown source sockets are a silent drop, not a panic.
        sockets.send(&Transmit {
            from: loopback(9),
            to: b,
            data: Bytes::from_static(b"x"),
        });
    }

    #[test]
    fn rebasing_moves_sockets_to_another_registry() {
        let first = Poll::new().expect("poll");
        let mut second = Poll::new().expect("poll");
        let mut sockets = Sockets::new(Token(0));
        let (a, socket_a) = ephemeral();
        sockets
            .insert(first.registry(), a, socket_a)
            .expect("insert");
        sockets
            .rebase(first.registry(), second.registry(), Token(500))
            .expect("rebase");
        assert!(sockets.by_token(Token(501)).is_some());
        assert_eq!(sockets.waker_token(), Token(500));
        let sender = std::net::UdpSocket::bind(loopback(0)).expect("sender");
        sender.send_to(b"ping", a).expect("send");
        assert!(wait_readable(&mut second, Token(501)));
        let (c, socket_c) = ephemeral();
        let too_high = Sockets::new(Token(usize::MAX)).insert(second.registry(), c, socket_c);
        assert!(too_high.is_err());
    }
}
