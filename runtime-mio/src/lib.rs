//! sipvoice-mio: a blocking driver for the sipvoice core on `mio::Poll`.
//!
//! A [`Driver`] owns one [`Endpoint`](sipvoice_core::endpoint::Endpoint), its SIP socket,
//! the RTP/RTCP sockets the endpoint asks for, and a `mio::Poll`. Its loop is the one the
//! core prescribes: drain the endpoint's outputs (send datagrams, deliver events to your
//! [`Handler`], bind or close media sockets), wait for a socket or the next deadline, feed
//! in what happened, repeat. There is no protocol policy here.
//!
//! # An echo server
//!
//! Every frame of audio a caller sends is queued straight back to them:
//!
//! ```
//! use sipvoice_core::Config;
//! use sipvoice_core::endpoint::Event;
//! use sipvoice_mio::{Control, Driver, Handler};
//!
//! struct Echo;
//!
//! impl Handler for Echo {
//!     fn on_event(&mut self, ctl: &mut Control<'_>, event: Event) {
//!         match event {
//!             Event::Audio { call, frame } => {
//!                 let _ = ctl.send_audio(call, &frame.pcm);
//!             }
//!             Event::CallEnded { info, reason, .. } => {
//!                 println!("{} ended: {}", info.session_id, reason.as_str());
//!             }
//!             _ => {}
//!         }
//!     }
//! }
//!
//! # fn main() -> std::io::Result<()> {
//! let mut config = Config::default();
//! config.local_sip_addr = "127.0.0.1:0".parse().unwrap(); // port 0: any free port
//! config.local_rtp_ip = "127.0.0.1".parse().unwrap();
//! config.rtp_port_start = 23600;
//! config.rtp_port_end = 23640;
//! let mut driver = Driver::bind(config)?;
//! println!("SIP on {}", driver.local_sip_addr());
//!
//! // Any thread may stop the loop: calls are hung up, then `run` returns.
//! let stop = driver.stop_handle();
//! # stop.stop(); // (stop at once so that this example ends)
//! std::thread::spawn(move || {
//!     // ... on Ctrl-C, a signal, an admin request:
//!     stop.stop();
//! });
//! driver.run(&mut Echo)?;
//! # Ok(())
//! # }
//! ```
//!
//! A closure `FnMut(&mut Control<'_>, Event)` is a [`Handler`] too. [`Handler::on_tick`]
//! runs once per loop iteration, for work that is not a reaction to an event.
//!
//! # One event at a time
//!
//! Without a handler type, [`Driver::next_event`] runs the loop until the next event (or
//! a timeout) and returns it; command the endpoint in between with [`Driver::control`].
//!
//! # Inside your own poll loop
//!
//! [`Driver::register`] moves the driver's sockets into your `mio::Poll` under tokens
//! above a base you choose; then poll with [`Driver::next_timeout`] (or shorter) and hand
//! each batch of events to [`Driver::process`], which ignores tokens that are not its own:
//!
//! ```
//! use mio::{Events, Poll, Token};
//! use sipvoice_core::Config;
//! use sipvoice_core::endpoint::Event;
//! use sipvoice_mio::{Control, Driver};
//!
//! # fn main() -> std::io::Result<()> {
//! let mut config = Config::default();
//! config.local_sip_addr = "127.0.0.1:0".parse().unwrap();
//! config.local_rtp_ip = "127.0.0.1".parse().unwrap();
//! config.rtp_port_start = 23680;
//! config.rtp_port_end = 23720;
//! let mut driver = Driver::bind(config)?;
//!
//! let mut poll = Poll::new()?;
//! // Tokens below 1000 stay yours.
//! driver.register(poll.registry(), Token(1000))?;
//! let mut events = Events::with_capacity(128);
//! let mut handler = |_ctl: &mut Control<'_>, event: Event| println!("{event:?}");
//! # driver.stop_handle().stop();
//! while driver.process(&events, &mut handler) {
//!     poll.poll(&mut events, driver.next_timeout())?;
//!     for event in events.iter().filter(|event| !driver.owns(event.token())) {
//!         // ... your own sources
//! #       let _ = event;
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Sockets
//!
//! Sockets are UDP, non-blocking, bound without address reuse (a port in use is an
//! error). Every ready socket is read until it would block, into one reused buffer.
//! Errors that report earlier traffic (ICMP port unreachable as `ECONNREFUSED`, and the
//! like) are ignored: they never hurt a call.

mod control;
mod driver;
mod seed;
mod sockets;
mod stop;

pub use control::{Control, Handler};
pub use driver::{Driver, STOP_GRACE, STOP_LINGER};
pub use stop::StopHandle;

pub use mio;
pub use sipvoice_core;
