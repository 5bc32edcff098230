//! sipvoice-sim: virtual time, a simulated network and capture replay for the sipvoice core (arrives with the simulator issue).

pub mod capture;
