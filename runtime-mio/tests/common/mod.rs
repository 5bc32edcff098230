//! A raw UDP SIP/RTP peer for driving the driver from tests, on 127.0.0.1 only.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// A SIP user agent written out by hand: one SIP socket and one RTP socket.
pub(crate) struct RawPeer {
    pub(crate) sip: UdpSocket,
    pub(crate) rtp: UdpSocket,
    pub(crate) server: SocketAddr,
    pub(crate) call_id: String,
    pub(crate) from_tag: String,
    branch: u32,
}

/// One SIP message received, split into its parts.
#[derive(Clone, Debug)]
pub(crate) struct Message {
    pub(crate) start_line: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Message {
    /// Parses a datagram; `None` when it does not look like SIP.
    pub(crate) fn parse(data: &[u8]) -> Option<Message> {
        let text = std::str::from_utf8(data).ok()?;
        let (head, body) = text.split_once("\r\n\r\n")?;
        let mut lines = head.split("\r\n");
        let start_line = lines.next()?.to_owned();
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
            .collect();
        Some(Message {
            start_line,
            headers,
            body: body.to_owned(),
        })
    }

    /// The status code of a response.
    pub(crate) fn status(&self) -> Option<u16> {
        let rest = self.start_line.strip_prefix("SIP/2.0 ")?;
        rest.get(..3)?.parse().ok()
    }

    /// The first value of a header, by full or compact name, case-insensitively.
    pub(crate) fn header(&self, name: &str, compact: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name) || n.eq_ignore_ascii_case(compact))
            .map(|(_, v)| v.as_str())
    }

    /// The method named in the CSeq header.
    pub(crate) fn cseq_method(&self) -> Option<&str> {
        self.header("CSeq", "CSeq")?.split_whitespace().nth(1)
    }

    /// The `tag` parameter of the To header.
    pub(crate) fn to_tag(&self) -> Option<String> {
        let to = self.header("To", "t")?;
        let params = to.rsplit_once('>').map_or(to, |(_, after)| after);
        params
            .split(';')
            .filter_map(|p| p.trim().split_once('='))
            .find(|(k, _)| k.eq_ignore_ascii_case("tag"))
            .map(|(_, v)| v.to_owned())
    }

    /// The URI in the Contact header.
    pub(crate) fn contact_uri(&self) -> Option<String> {
        let contact = self.header("Contact", "m")?;
        match (contact.find('<'), contact.find('>')) {
            (Some(open), Some(close)) if open < close => Some(contact[open + 1..close].to_owned()),
            _ => contact.split(';').next().map(str::to_owned),
        }
    }

    /// The RTP address of the SDP body (`c=` address, `m=audio` port).
    pub(crate) fn sdp_rtp_addr(&self) -> Option<SocketAddr> {
        let ip = self
            .body
            .lines()
            .find_map(|l| l.trim().strip_prefix("c=IN IP4 "))?;
        let port = self
            .body
            .lines()
            .find_map(|l| l.trim().strip_prefix("m=audio "))?
            .split_whitespace()
            .next()?;
        format!("{}:{}", ip.trim(), port).parse().ok()
    }
}

impl RawPeer {
    /// Binds both sockets on free loopback ports.
    pub(crate) fn new(server: SocketAddr, call_id: &str) -> RawPeer {
        let sip = UdpSocket::bind("127.0.0.1:0").expect("peer SIP socket");
        let rtp = UdpSocket::bind("127.0.0.1:0").expect("peer RTP socket");
        RawPeer {
            sip,
            rtp,
            server,
            call_id: call_id.to_owned(),
            from_tag: "peer-tag-1".to_owned(),
            branch: 0,
        }
    }

    fn local(&self) -> SocketAddr {
        self.sip.local_addr().expect("peer address")
    }

    fn next_branch(&mut self) -> String {
        self.branch += 1;
        format!("z9hG4bKpeer{}x{}", self.branch, self.local().port())
    }

    fn send(&self, text: &str) {
        self.sip
            .send_to(text.as_bytes(), self.server)
            .expect("send SIP");
    }

    /// Sends an INVITE offering PCMU and telephone-event on the peer's RTP port.
    pub(crate) fn invite(&mut self) {
        let local = self.local();
        let rtp_port = self.rtp.local_addr().expect("rtp address").port();
        let sdp = format!(
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
             m=audio {rtp_port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n\
             a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n"
        );
        let branch = self.next_branch();
        let text = format!(
            "INVITE sip:echo@{server} SIP/2.0\r\n\
             Via: SIP/2.0/UDP {local};branch={branch};rport\r\n\
             Max-Forwards: 70\r\n\
             From: \"Peer\" <sip:peer@{local}>;tag={tag}\r\n\
             To: <sip:echo@{server}>\r\n\
             Call-ID: {call_id}\r\n\
             CSeq: 1 INVITE\r\n\
             Contact: <sip:peer@{local}>\r\n\
             Content-Type: application/sdp\r\n\
             Content-Length: {len}\r\n\r\n{sdp}",
            server = self.server,
            tag = self.from_tag,
            call_id = self.call_id,
            len = sdp.len(),
        );
        self.send(&text);
    }

    /// Sends an in-dialog request without a body (ACK or BYE).
    pub(crate) fn in_dialog(&mut self, method: &str, cseq: u32, target: &str, to_tag: &str) {
        let local = self.local();
        let branch = self.next_branch();
        let text = format!(
            "{method} {target} SIP/2.0\r\n\
             Via: SIP/2.0/UDP {local};branch={branch};rport\r\n\
             Max-Forwards: 70\r\n\
             From: \"Peer\" <sip:peer@{local}>;tag={tag}\r\n\
             To: <sip:echo@{server}>;tag={to_tag}\r\n\
             Call-ID: {call_id}\r\n\
             CSeq: {cseq} {method}\r\n\
             Content-Length: 0\r\n\r\n",
            server = self.server,
            tag = self.from_tag,
            call_id = self.call_id,
        );
        self.send(&text);
    }

    /// Answers a request with `200 OK`, echoing its Via, From, To, Call-ID and CSeq.
    pub(crate) fn answer_ok(&self, request: &Message) {
        let mut text = String::from("SIP/2.0 200 OK\r\n");
        for (name, value) in &request.headers {
            let echoed = ["Via", "v", "From", "f", "To", "t", "Call-ID", "i", "CSeq"]
                .iter()
                .any(|wanted| name.eq_ignore_ascii_case(wanted));
            if echoed {
                text.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        text.push_str("Content-Length: 0\r\n\r\n");
        self.send(&text);
    }

    /// Waits (at most until `deadline`) for a SIP message that `wanted` accepts; the
    /// others are collected into `seen`.
    pub(crate) fn wait_for(
        &self,
        deadline: Instant,
        seen: &mut Vec<Message>,
        wanted: impl Fn(&Message) -> bool,
    ) -> Option<Message> {
        let mut buf = [0u8; 8192];
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let wait = left
                .max(Duration::from_millis(1))
                .min(Duration::from_millis(200));
            self.sip.set_read_timeout(Some(wait)).expect("read timeout");
            if let Ok((len, _)) = self.sip.recv_from(&mut buf) {
                if let Some(message) = Message::parse(&buf[..len]) {
                    if wanted(&message) {
                        return Some(message);
                    }
                    seen.push(message);
                }
            }
        }
        None
    }
}

/// An RTP packet: version 2, no extensions, the given payload type, seq, timestamp, SSRC.
pub(crate) fn rtp_packet(
    payload_type: u8,
    seq: u16,
    timestamp: u32,
    ssrc: u32,
    payload: &[u8],
) -> Vec<u8> {
    let mut packet = Vec::with_capacity(12 + payload.len());
    packet.push(0x80);
    packet.push(payload_type & 0x7f);
    packet.extend_from_slice(&seq.to_be_bytes());
    packet.extend_from_slice(&timestamp.to_be_bytes());
    packet.extend_from_slice(&ssrc.to_be_bytes());
    packet.extend_from_slice(payload);
    packet
}
