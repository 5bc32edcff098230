//! SIP message parser: parse, read every typed view, validate, answer errors, reprint.
//!
//! The body is `sipvoice_core::sip::exercise`; a returned error is a broken invariant
//! (e.g. the canonical print does not round-trip) and is turned into a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(broken) = sipvoice_core::sip::exercise(data) {
        panic!("invariant broken: {broken}");
    }
});
