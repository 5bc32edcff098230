//! HTTP digest authentication for SIP (RFC 7616, RFC 2617 compatible).
