//! sipvoice-tests: cross-crate scenarios and interop tests with real SIP peers.
//!
//! The library is the harness the tests in `tests/` share:
//! - [`WorkDir`]: a scratch directory per test (kept when the test fails);
//! - [`PortBlock`]: loopback ports of a test's own, checked free;
//! - [`Proc`]: a peer process bounded by `timeout`, stopped by PID when dropped;
//! - [`Sipp`] / [`SippStats`]: SIPp command lines and their `-trace_stat` verdict;
//! - [`Server`] / [`sipvoice_bin`]: `sipvoice serve` under test, its [`EventLog`] and
//!   recordings ([`WavInfo`]);
//! - [`Baresip`], [`start_kamailio`], [`Capture`]: the other peers on the test's ports;
//! - [`require_programs`]: a test whose peer is missing is skipped with a printed
//!   reason, or fails when `SIPVOICE_REQUIRE_PEERS` is set (as in CI).
//!
//! Everything binds 127.0.0.1 only.

mod baresip;
mod events;
mod kamailio;
mod peers;
mod ports;
mod probe;
mod process;
mod reference;
mod sipp;
mod sipvoice;
mod tshark;
mod wav;
mod workdir;

pub use baresip::{Baresip, BaresipPorts, baresip_config, netstring, parse_netstrings};
pub use events::{
    EventLog, count, dtmf_digits, ended, field, of_kind, parse_event_lines, stat, the_one,
};
pub use kamailio::{dispatcher_list, kamailio_config, start_kamailio};
pub use peers::{
    assert_pcap_play, can_send_raw, find_program, own_scenario, peers_file, peers_required,
    require_programs, shared_dir,
};
pub use ports::{PortBlock, port_is_free};
pub use probe::{options, status_code};
pub use process::Proc;
pub use reference::{
    best_match, find_samples, g711_prompt_reference, g722_prompt_reference, prompt_similarity,
};
pub use sipp::{Sipp, SippProc, SippRun, SippStats};
pub use sipvoice::{Server, executable_from_messages, sipvoice_bin, spawn_call};
pub use tshark::{Capture, RtpStream, parse_rtp_streams, tshark_read, udp_ports_filter};
pub use wav::WavInfo;
pub use workdir::WorkDir;
