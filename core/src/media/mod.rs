//! RTP media: packets, jitter buffer, loss concealment, DTMF (RFC 4733), pacing and RTCP.
