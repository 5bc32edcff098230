//! Packet captures: reading pcap/pcapng, decoding link and network layers, and replaying
//! a real call's far end into a fresh core endpoint.
