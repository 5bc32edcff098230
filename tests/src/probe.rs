//! A minimal SIP client for readiness checks: send OPTIONS over UDP, read the status.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// Sends an OPTIONS request to `target` from an ephemeral 127.0.0.1 port and returns the
/// status code of the first response that arrives within `limit` (resending every 200 ms).
pub fn options(target: SocketAddr, limit: Duration) -> Option<u16> {
    let sock = UdpSocket::bind("127.0.0.1:0").ok()?;
    let local = sock.local_addr().ok()?;
    let branch = format!("z9hG4bK-probe-{}-{}", std::process::id(), local.port());
    let msg = format!(
        "OPTIONS sip:{target} SIP/2.0\r\n\
         Via: SIP/2.0/UDP {local};branch={branch};rport\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:probe@{local}>;tag=probe{}\r\n\
         To: <sip:{target}>\r\n\
         Call-ID: probe-{branch}\r\n\
         CSeq: 1 OPTIONS\r\n\
         Accept: application/sdp\r\n\
         Content-Length: 0\r\n\r\n",
        local.port()
    );
    sock.set_read_timeout(Some(Duration::from_millis(200)))
        .ok()?;
    let deadline = Instant::now() + limit;
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        if sock.send_to(msg.as_bytes(), target).is_err() {
            std::thread::sleep(Duration::from_millis(200));
            continue;
        }
        if let Ok((n, _)) = sock.recv_from(&mut buf) {
            if let Some(code) = status_code(&buf[..n]) {
                return Some(code);
            }
        }
    }
    None
}

/// The status code of a SIP response (`SIP/2.0 200 OK` → 200).
pub fn status_code(datagram: &[u8]) -> Option<u16> {
    let rest = datagram.strip_prefix(b"SIP/2.0 ")?;
    let code = rest.get(..3)?;
    std::str::from_utf8(code).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_are_read_from_responses_only() {
        assert_eq!(status_code(b"SIP/2.0 200 OK\r\n"), Some(200));
        assert_eq!(status_code(b"SIP/2.0 503 Busy\r\n"), Some(503));
        assert_eq!(status_code(b"OPTIONS sip:x SIP/2.0\r\n"), None);
        assert_eq!(status_code(b"SIP/2.0 2"), None);
    }

    #[test]
    fn options_gets_the_answer_of_a_responder() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = server.local_addr().unwrap();
        let t = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            let (n, from) = server.recv_from(&mut buf).unwrap();
            assert!(buf[..n].starts_with(b"OPTIONS sip:"));
            server.send_to(b"SIP/2.0 200 OK\r\n\r\n", from).unwrap();
        });
        assert_eq!(options(addr, Duration::from_secs(5)), Some(200));
        t.join().unwrap();
    }

    #[test]
    fn options_to_nobody_times_out() {
        let unused = UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = unused.local_addr().unwrap();
        drop(unused);
        assert_eq!(options(addr, Duration::from_millis(500)), None);
    }
}
