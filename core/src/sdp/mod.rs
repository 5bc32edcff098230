//! SDP (RFC 4566) parsing and printing, and RFC 3264 offer/answer for audio.
