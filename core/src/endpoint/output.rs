//! What the endpoint asks its driver to do: send, report, bind or close, wait.

use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;

use super::event::Event;

/// One datagram to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmit {
    /// The local socket to send from: the SIP socket or one of the RTP/RTCP sockets the
    /// endpoint asked the driver to bind.
    pub from: SocketAddr,
    /// The destination.
    pub to: SocketAddr,
    /// The datagram.
    pub data: Bytes,
}

/// A request for the driver to open or close a UDP socket for media.
///
/// Every [`SocketRequest::Bind`] must be answered with
/// [`Endpoint::handle_bind_result`](crate::endpoint::Endpoint::handle_bind_result);
/// [`SocketRequest::Close`] needs no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SocketRequest {
    /// Bind a UDP socket on this local address (an RTP port, or the RTCP port above it).
    Bind(SocketAddr),
    /// Close the socket bound on this local address; datagrams for it are no longer wanted.
    Close(SocketAddr),
}

/// One output of [`Endpoint::poll_output`](crate::endpoint::Endpoint::poll_output).
#[derive(Debug)]
pub enum Output {
    /// Send a datagram.
    Transmit(Transmit),
    /// Tell the application something happened.
    Event(Event),
    /// Bind or close a media socket.
    Socket(SocketRequest),
    /// Nothing more to do now: call [`Endpoint::handle_timeout`](crate::endpoint::Endpoint::handle_timeout)
    /// at this instant unless another input arrives first.
    Timeout(Instant),
}
