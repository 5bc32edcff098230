//! The replay's mapping of a captured far end onto a node that answers with its own tag,
//! Contact and media port: checked with a small scripted user agent in the endpoint's
//! place, so that what reaches the node can be inspected message by message.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sipvoice_core::endpoint::{Counts, Output, SocketRequest, Transmit};
use sipvoice_core::sip::{self, HeaderName, Message, Method, Request, Response, StatusCode};
use sipvoice_core::{Config, ConfigError};
use sipvoice_sim::capture::{
    Capture, Direction, Divergence, ReplayNode, ReplayOptions, replay_with,
};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/capture");

/// A user agent server reduced to a script: 100 and 200 to INVITE (tag `uas-tag`, its own
/// Contact, media 10 ports above the configured start), 200 to BYE, and optionally its own
/// BYE some time after the ACK.
struct ScriptedUas {
    sip: SocketAddr,
    media: SocketAddr,
    contact: String,
    hangup_after: Option<Duration>,
    bye_at: Option<Instant>,
    dialog: Option<Request>,
    now: Instant,
    out: VecDeque<Output>,
    /// Every SIP message received, parsed.
    received: Vec<Message>,
    rtp: u64,
    rtcp: u64,
    stray: u64,
    bound: Vec<SocketAddr>,
}

impl ScriptedUas {
    fn new(config: Config, now: Instant, hangup_after: Option<Duration>) -> Self {
        let media = SocketAddr::new(config.local_rtp_ip, config.rtp_port_start + 10);
        Self {
            sip: config.local_sip_addr,
            media,
            contact: format!("sip:uas@{};ob", config.local_sip_addr),
            hangup_after,
            bye_at: None,
            dialog: None,
            now,
            out: VecDeque::new(),
            received: Vec::new(),
            rtp: 0,
            rtcp: 0,
            stray: 0,
            bound: Vec::new(),
        }
    }

    fn send(&mut self, to: SocketAddr, data: Bytes) {
        self.out.push_back(Output::Transmit(Transmit {
            from: self.sip,
            to,
            data,
        }));
    }

    fn on_request(&mut self, remote: SocketAddr, req: Request) {
        match req.method() {
            Method::Invite => {
                self.out
                    .push_back(Output::Socket(SocketRequest::Bind(self.media)));
                let trying = Response::from_request_default(&req, StatusCode::TRYING);
                self.send(remote, trying.to_bytes());
                let mut ok = Response::from_request_default(&req, StatusCode::OK);
                ok.set_to_tag("uas-tag").unwrap();
                ok.headers_mut()
                    .push(HeaderName::CONTACT, format!("<{}>", self.contact))
                    .unwrap();
                let sdp = format!(
                    "v=0\r\no=- 1 1 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\n\
                     m=audio {port} RTP/AVP 9 101\r\na=rtpmap:101 telephone-event/8000\r\n",
                    ip = self.media.ip(),
                    port = self.media.port()
                );
                ok.set_body("application/sdp", sdp).unwrap();
                self.send(remote, ok.to_bytes());
                self.dialog = Some(req);
            }
            Method::Ack => {
                if let Some(after) = self.hangup_after {
                    self.bye_at = Some(self.now + after);
                }
            }
            Method::Bye => {
                let ok = Response::from_request_default(&req, StatusCode::OK);
                self.send(remote, ok.to_bytes());
            }
            _ => {}
        }
    }

    fn hang_up(&mut self) {
        let Some(invite) = self.dialog.take() else {
            return;
        };
        let from = invite.from().unwrap();
        let to = invite.to().unwrap();
        let text = format!(
            "BYE {target} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bKuasbye\r\n\
             From: {to};tag=uas-tag\r\nTo: {from}\r\nCall-ID: {call_id}\r\nCSeq: 1 BYE\r\n\
             Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
            target = invite
                .contact()
                .unwrap()
                .unwrap()
                .address()
                .unwrap()
                .uri()
                .as_str(),
            me = self.sip,
            to = to.as_str(),
            from = from.as_str(),
            call_id = invite.call_id().unwrap().as_str(),
        );
        let far = invite.via().unwrap();
        let far = SocketAddr::new(far.host_ip().unwrap(), far.port().unwrap_or(5060));
        self.send(far, Bytes::from(text));
    }

    fn requests(&self, method: Method) -> Vec<&Request> {
        self.received
            .iter()
            .filter_map(|m| match m {
                Message::Request(r) if r.method() == &method => Some(r),
                _ => None,
            })
            .collect()
    }
}

impl ReplayNode for ScriptedUas {
    fn handle_datagram(
        &mut self,
        now: Instant,
        local: SocketAddr,
        remote: SocketAddr,
        data: Bytes,
    ) {
        self.now = now;
        if local == self.sip {
            let message = sip::parse(data).expect("the replay feeds parseable SIP");
            self.received.push(message.clone());
            if let Message::Request(req) = message {
                self.on_request(remote, req);
            }
        } else if local == self.media {
            self.rtp += 1;
        } else if local.port() == self.media.port() + 1 {
            self.rtcp += 1;
        } else {
            self.stray += 1;
        }
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.now = now;
        if self.bye_at.is_some_and(|t| t <= now) {
            self.bye_at = None;
            self.hang_up();
        }
    }

    fn handle_bind_result(&mut self, _now: Instant, addr: SocketAddr, ok: bool) {
        assert!(ok);
        self.bound.push(addr);
    }

    fn poll_output(&mut self) -> Output {
        self.out.pop_front().unwrap_or(Output::Timeout(
            self.bye_at.unwrap_or(self.now + Duration::from_secs(3600)),
        ))
    }

    fn counts(&self) -> Counts {
        Counts::default()
    }
}

fn uas(
    hangup_after: Option<Duration>,
) -> impl FnOnce(Config, Instant) -> Result<ScriptedUas, ConfigError> {
    move |config, now| {
        config.validate()?;
        Ok(ScriptedUas::new(config, now, hangup_after))
    }
}

fn to_tag(r: &Request) -> Option<String> {
    r.to().ok().and_then(|t| t.tag().map(str::to_owned))
}

#[test]
fn captured_ack_bye_and_rtp_reach_the_nodes_dialog_and_media_port() {
    let capture = Capture::open(format!("{DATA}/sipp_g722_call_dtmf_sll2.pcapng")).unwrap();
    let options = ReplayOptions {
        linger: Duration::from_secs(5),
        ..ReplayOptions::default()
    };
    let (report, node) = replay_with(&capture, &options, uas(None)).unwrap();

    assert_eq!(node.bound, vec!["127.0.0.1:26010".parse().unwrap()]);
    let acks = node.requests(Method::Ack);
    assert_eq!(acks.len(), 1);
    assert_eq!(
        to_tag(acks[0]).as_deref(),
        Some("uas-tag"),
        "captured tag rewritten"
    );
    assert_eq!(
        acks[0].uri().as_str(),
        "sip:uas@127.0.0.1:5070;ob",
        "our Contact"
    );
    let byes = node.requests(Method::Bye);
    assert_eq!(byes.len(), 1);
    assert_eq!(to_tag(byes[0]).as_deref(), Some("uas-tag"));
    assert_eq!(byes[0].uri().as_str(), "sip:uas@127.0.0.1:5070;ob");
    // The caller's 400 G.722 packets and 28 events, redirected from 26000 to our port.
    assert_eq!((node.rtp, node.rtcp, node.stray), (428, 0, 0));
    assert!(report.skipped.is_empty(), "{:#?}", report.skipped);
    // The captured callee also sent 180 Ringing; our scripted one did not.
    assert_eq!(
        report.divergences,
        vec![Divergence::MissingInReplay {
            at: Duration::from_nanos(1_385_489),
            summary: "180 Ringing (INVITE cseq=1)".to_owned(),
            count: 1,
        }]
    );
    let ours: Vec<_> = report
        .ladder
        .iter()
        .filter(|l| l.direction == Direction::UsToFar)
        .map(|l| l.summary.as_str())
        .collect();
    assert_eq!(
        ours,
        [
            "100 Trying (INVITE cseq=1)",
            "200 OK (INVITE cseq=1) +sdp",
            "200 OK (BYE cseq=2)"
        ]
    );
}

#[test]
fn a_captured_answer_to_our_bye_is_held_until_we_send_it() {
    // In the capture the callee hangs up at 8.504 s and the caller answers 200 at once.
    // Our node hangs up a little later: the captured 200 waits for our BYE, then follows it
    // with our Via, From tag and CSeq.
    let capture = Capture::open(format!("{SHARED}/testdata/captures/sip-rtp-g722.pcap")).unwrap();
    let options = ReplayOptions {
        linger: Duration::from_secs(20),
        ..ReplayOptions::default()
    };
    let (report, node) =
        replay_with(&capture, &options, uas(Some(Duration::from_millis(9000)))).unwrap();
    let responses: Vec<&Response> = node
        .received
        .iter()
        .filter_map(|m| match m {
            Message::Response(r) => Some(r),
            _ => None,
        })
        .collect();
    assert_eq!(responses.len(), 1, "{:#?}", node.received);
    let ok = responses[0];
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.via().unwrap().branch(), Some("z9hG4bKuasbye"));
    assert_eq!(ok.from().unwrap().tag(), Some("uas-tag"));
    assert_eq!(ok.cseq().unwrap().seq, 1);
    let held = report
        .ladder
        .iter()
        .find(|l| l.summary.starts_with("200 OK (BYE"))
        .expect("the held answer is in the ladder");
    assert!(
        held.summary.ends_with("(captured at +8.504s)"),
        "{}",
        held.summary
    );
    assert_eq!(
        held.at,
        Duration::from_micros(4_749) + Duration::from_millis(9000)
    );
    // The far end sent no RTP (recvonly); nothing reached the media port.
    assert_eq!(node.rtp, 0);
    assert!(report.skipped.is_empty(), "{:#?}", report.skipped);
}
