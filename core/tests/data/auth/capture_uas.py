# Minimal UDP UAS for capture.sh: 401 with the two challenges of the seed-0x5157 DigestServer,
# then prints the Authorization of the re-sent INVITE and answers 403. Loopback only.
import socket, sys
N = "cddede17fb0fd6440014bca0f7ddf13859f8e025f50a2a82"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 5070)); s.settimeout(15)
def hdrs(msg):
    out = {}
    for line in msg.split("\r\n")[1:]:
        if not line: break
        k, _, v = line.partition(":"); out.setdefault(k.strip().lower(), []).append(v.strip())
    return out
def reply(msg, addr, status, extra=""):
    h = hdrs(msg)
    to = h["to"][0] + ("" if "tag=" in h["to"][0] else ";tag=uas1")
    r = (f"SIP/2.0 {status}\r\nVia: {h['via'][0]}\r\nFrom: {h['from'][0]}\r\nTo: {to}\r\n"
         f"Call-ID: {h['call-id'][0]}\r\nCSeq: {h['cseq'][0]}\r\n{extra}Content-Length: 0\r\n\r\n")
    s.sendto(r.encode(), addr)
while True:
    data, addr = s.recvfrom(65535); msg = data.decode()
    h = hdrs(msg); method = msg.split(" ", 1)[0]
    if method == "INVITE" and "authorization" not in h:
        reply(msg, addr, "401 Unauthorized",
              f'WWW-Authenticate: Digest realm="voice.test", nonce="{N}", algorithm=MD5, qop="auth"\r\n'
              f'WWW-Authenticate: Digest realm="voice.test", nonce="{N}", algorithm=SHA-256, qop="auth"\r\n')
    elif method == "INVITE":
        print("RURI", msg.split("\r\n")[0]); print("AUTH", h["authorization"][0]); sys.stdout.flush()
        reply(msg, addr, "403 Forbidden"); 
    elif method == "ACK":
        if "authorization" in h: print("ACKAUTH", h["authorization"][0])
        if h["cseq"][0].startswith("2"): break
