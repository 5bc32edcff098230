//! SIP messages (RFC 3261): zero-copy parsing over `bytes::Bytes`, typed header access and canonical printing.
