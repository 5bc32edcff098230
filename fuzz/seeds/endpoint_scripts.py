#!/usr/bin/env python3
"""Writes endpoint fuzz seeds (scripts in the format of fuzz_targets/endpoint.rs) to DIR."""
import os
import struct
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

SDP = (b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
       b"m=audio 16000 RTP/AVP 9 0 8 101\r\na=rtpmap:9 G722/8000\r\n"
       b"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n")


def request(method, cseq, branch, body=b"", to_tag=b"", extra=b""):
    head = (method + b" sip:service@127.0.0.1:5060 SIP/2.0\r\n"
            b"Via: SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK-" + branch + b";rport\r\n"
            b"From: <sip:sipp@127.0.0.1:5071>;tag=caller1\r\n"
            b"To: <sip:service@127.0.0.1:5060>" + (b";tag=" + to_tag if to_tag else b"") + b"\r\n"
            b"Call-ID: fuzz-1@127.0.0.1\r\n"
            b"CSeq: " + cseq + b" " + method + b"\r\n"
            b"Contact: <sip:sipp@127.0.0.1:5071>\r\nMax-Forwards: 70\r\n" + extra)
    if body:
        head += b"Content-Type: application/sdp\r\n"
    return head + b"Content-Length: %d\r\n\r\n" % len(body) + body


def sip(peer, data):
    return bytes([peer]) + struct.pack("<H", len(data)) + data


def media(which, data):
    return bytes([4, which]) + struct.pack("<H", len(data)) + data


def step(ms):
    return bytes([5]) + struct.pack("<H", ms)


def rtp(pt, seq, ts, payload, marker=False):
    return struct.pack(">BBHII", 0x80, pt | (0x80 if marker else 0), seq, ts, 0x22220009) + payload


def event(seq, ts, digit, end, dur):
    return rtp(101, seq, ts, bytes([digit, 0x80 if end else 0x00]) + struct.pack(">H", dur))


invite = request(b"INVITE", b"1", b"1", SDP, extra=b"X-Room-ID: room-1\r\n")


def call_script(to_tag):
    script = sip(0, invite) + step(100)
    script += sip(0, request(b"ACK", b"1", b"2", to_tag=to_tag)) + step(20)
    for i in range(10):
        script += media(0, rtp(9, 100 + i, 160 * i, bytes(160), marker=i == 0)) + step(20)
    script += media(0, event(111, 1600, 1, False, 160)) + media(0, event(112, 1600, 1, True, 320))
    script += step(500) + sip(0, request(b"BYE", b"2", b"3", to_tag=to_tag)) + step(1000)
    return script


# The endpoint's RNG is seeded (7), so its To tag for the first call is known: with it
# the ACK, media and BYE reach the established call.
open(os.path.join(out, "call"), "wb").write(call_script(b"9bagH2J4BO"))
open(os.path.join(out, "call_untagged"), "wb").write(call_script(b""))

cancel = sip(0, invite) + step(10) + sip(0, request(b"CANCEL", b"1", b"1")) + step(40000)
open(os.path.join(out, "cancel"), "wb").write(cancel)

commands = sip(1, invite) + bytes([6, 0, 9, 0, 10, 0, 12, 0, 8, 0, 11, 0x10]) + step(60000)
open(os.path.join(out, "commands"), "wb").write(commands)

options = sip(2, b"OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP [::1]:5073;branch=z9hG4bK-o\r\n"
              b"From: <sip:a@[::1]>;tag=o\r\nTo: <sip:b@127.0.0.1>\r\nCall-ID: o\r\n"
              b"CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
open(os.path.join(out, "options"), "wb").write(options)
