//! The pcap a run writes is decoded by tshark as SIP and RTP.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use bytes::Bytes;
use sipvoice_core::endpoint::Transmit;
use sipvoice_sim::PcapRecorder;

const TSHARK: &str = "/usr/bin/tshark";

fn tshark(file: &Path, args: &[&str]) -> Option<String> {
    if !Path::new(TSHARK).exists() {
        println!("tshark is not installed at {TSHARK}: skipping the decode check");
        return None;
    }
    let output = Command::new(TSHARK)
        .arg("-r")
        .arg(file)
        .args(args)
        .output()
        .expect("tshark runs");
    assert!(
        output.status.success(),
        "tshark failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn out_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(name)
}

fn hand_made_call() -> PcapRecorder {
    let a: SocketAddr = "127.0.0.1:5060".parse().expect("addr");
    let b: SocketAddr = "127.0.0.2:5060".parse().expect("addr");
    let a_rtp: SocketAddr = "127.0.0.1:10000".parse().expect("addr");
    let b_rtp: SocketAddr = "127.0.0.2:10002".parse().expect("addr");
    let invite = "INVITE sip:b@127.0.0.2:5060 SIP/2.0\r\n\
        Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKabc\r\nMax-Forwards: 70\r\n\
        From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:b@127.0.0.2>\r\nCall-ID: pcap-1\r\n\
        CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    let ok = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKabc\r\n\
        From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:b@127.0.0.2>;tag=2\r\nCall-ID: pcap-1\r\n\
        CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    let mut recorder = PcapRecorder::new();
    let send = |r: &mut PcapRecorder, ms, from, to, data: Bytes| {
        r.record(Duration::from_millis(ms), &Transmit { from, to, data });
    };
    send(
        &mut recorder,
        0,
        a,
        b,
        Bytes::from_static(invite.as_bytes()),
    );
    send(&mut recorder, 12, b, a, Bytes::from_static(ok.as_bytes()));
    for seq in 0..5u16 {
        let mut rtp = vec![0x80, 9];
        rtp.extend_from_slice(&seq.to_be_bytes());
        rtp.extend_from_slice(&(u32::from(seq) * 160).to_be_bytes());
        rtp.extend_from_slice(&0x1234_5678u32.to_be_bytes());
        rtp.extend_from_slice(&[0x55; 160]);
        send(
            &mut recorder,
            20 + 20 * u64::from(seq),
            a_rtp,
            b_rtp,
            Bytes::from(rtp),
        );
    }
    recorder
}

#[test]
fn tshark_decodes_sip_and_rtp_at_the_virtual_times() {
    let file = out_file("hand_made_call.pcap");
    let bytes = hand_made_call().to_bytes().expect("pcap");
    std::fs::write(&file, bytes).expect("write pcap");
    let Some(sip) = tshark(
        &file,
        &[
            "-Y",
            "sip",
            "-T",
            "fields",
            "-e",
            "frame.time_relative",
            "-e",
            "sip.Method",
            "-e",
            "sip.Status-Code",
        ],
    ) else {
        return;
    };
    let lines: Vec<&str> = sip.lines().collect();
    assert_eq!(lines.len(), 2, "{sip}");
    assert!(lines[0].contains("INVITE"), "{sip}");
    assert!(lines[1].starts_with("0.012"), "{sip}");
    assert!(lines[1].contains("200"), "{sip}");
    let rtp = tshark(
        &file,
        &[
            "-d",
            "udp.port==10002,rtp",
            "-Y",
            "rtp",
            "-T",
            "fields",
            "-e",
            "rtp.seq",
            "-e",
            "rtp.p_type",
            "-e",
            "ip.src",
        ],
    )
    .unwrap_or_default();
    let rows: Vec<&str> = rtp.lines().collect();
    assert_eq!(rows.len(), 5, "{rtp}");
    assert_eq!(rows[3], "3\t9\t127.0.0.1");
}
