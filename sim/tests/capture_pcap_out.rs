//! Writing datagrams as a pcap: a capture written back out reads the same, and tshark
//! decodes the SIP in it.

use std::time::Duration;

use sipvoice_sim::capture::{Capture, udp_frame, write_udp_pcap};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/capture");

fn round_trip(path: &str, name: &str) -> (Capture, Capture, std::path::PathBuf) {
    let original = Capture::open(path).unwrap();
    let out = std::env::temp_dir().join(format!(
        "sipvoice-pcap-out-{name}-{}.pcap",
        std::process::id()
    ));
    let start = original.start.unwrap();
    let n = write_udp_pcap(
        &out,
        original
            .datagrams
            .iter()
            .map(|d| (start + d.at, d.src, d.dst, &d.payload[..])),
    )
    .unwrap();
    assert_eq!(n, original.datagrams.len());
    let again = Capture::open(&out).unwrap();
    (original, again, out)
}

#[test]
fn captures_written_back_out_read_the_same() {
    for (path, name) in [
        (
            format!("{SHARED}/testdata/captures/sip-rtp-g722.pcap"),
            "g722",
        ),
        (format!("{DATA}/sipp_g722_call_dtmf_sll2.pcapng"), "sll2"),
    ] {
        let (original, again, out) = round_trip(&path, name);
        assert_eq!(again.datagrams, original.datagrams, "{path}");
        assert_eq!(again.start, original.start);
        assert_eq!(again.counts.malformed, 0);
        std::fs::remove_file(out).unwrap();
    }
}

#[test]
fn tshark_decodes_the_written_sip() {
    let (original, _, out) =
        round_trip(&format!("{DATA}/sipp_g722_call_dtmf_sll2.pcapng"), "tshark");
    let Ok(o) = std::process::Command::new("tshark")
        .args([
            "-r",
            out.to_str().unwrap(),
            "-Y",
            "sip",
            "-T",
            "fields",
            "-e",
            "sip.CSeq",
        ])
        .output()
    else {
        println!("skipped: tshark is not installed");
        std::fs::remove_file(out).unwrap();
        return;
    };
    assert!(o.status.success());
    let cseqs: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        cseqs,
        [
            "1 INVITE", "1 INVITE", "1 INVITE", "1 INVITE", "1 ACK", "2 BYE", "2 BYE"
        ],
        "{original:?}"
    );
    std::fs::remove_file(out).unwrap();
}

#[test]
fn ipv6_frames_and_mixed_families() {
    let v6 = udp_frame(
        "[::1]:5060".parse().unwrap(),
        "[::1]:5070".parse().unwrap(),
        b"x",
    )
    .unwrap();
    assert_eq!(&v6[12..14], &[0x86, 0xdd]);
    assert!(
        udp_frame(
            "[::1]:5060".parse().unwrap(),
            "127.0.0.1:5070".parse().unwrap(),
            b"x"
        )
        .is_none()
    );
    let out =
        std::env::temp_dir().join(format!("sipvoice-pcap-out-v6-{}.pcap", std::process::id()));
    let n = write_udp_pcap(
        &out,
        [(
            Duration::from_secs(5),
            "[2001:db8::1]:5060".parse().unwrap(),
            "[2001:db8::2]:5080".parse().unwrap(),
            &b"OPTIONS"[..],
        )],
    )
    .unwrap();
    assert_eq!(n, 1);
    let c = Capture::open(&out).unwrap();
    assert_eq!(c.datagrams[0].src.to_string(), "[2001:db8::1]:5060");
    assert_eq!(&c.datagrams[0].payload[..], b"OPTIONS");
    std::fs::remove_file(out).unwrap();
}
