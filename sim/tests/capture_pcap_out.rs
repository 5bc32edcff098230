//! What the replay writes with `--pcap-out` (the simulator's pcap writer) reads back with
//! the capture reader: a real capture written out reads the same, and tshark decodes it.

use std::time::Duration;

use sipvoice_core::endpoint::Transmit;
use sipvoice_sim::capture::Capture;
use sipvoice_sim::{PCAP_BASE_SECS, write_pcap};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/capture");

fn written(original: &Capture) -> Vec<u8> {
    let packets: Vec<(Duration, Transmit)> = original
        .datagrams
        .iter()
        .map(|d| {
            let t = Transmit {
                from: d.src,
                to: d.dst,
                data: d.payload.clone(),
            };
            (d.at, t)
        })
        .collect();
    write_pcap(Vec::new(), &packets).unwrap()
}

#[test]
fn captures_written_back_out_read_the_same_to_the_microsecond() {
    for path in [
        format!("{SHARED}/testdata/captures/sip-rtp-g722.pcap"),
        format!("{SHARED}/testdata/captures/SIP_DTMF2.pcap"),
        format!("{DATA}/sipp_g722_call_dtmf_sll2.pcapng"),
    ] {
        let original = Capture::open(&path).unwrap();
        let again = Capture::from_bytes(&written(&original)).unwrap();
        assert_eq!(again.start, Some(Duration::from_secs(PCAP_BASE_SECS)));
        assert_eq!(again.counts.udp, original.counts.udp, "{path}");
        assert_eq!(again.counts.malformed, 0);
        for (a, b) in again.datagrams.iter().zip(&original.datagrams) {
            assert_eq!(
                (a.src, a.dst, &a.payload),
                (b.src, b.dst, &b.payload),
                "{path}"
            );
            assert_eq!(a.at.as_micros(), b.at.as_micros(), "{path}");
        }
    }
}

#[test]
fn tshark_decodes_the_written_sip() {
    let original = Capture::open(format!("{DATA}/sipp_g722_call_dtmf_sll2.pcapng")).unwrap();
    let out = std::env::temp_dir().join(format!("sipvoice-pcap-out-{}.pcap", std::process::id()));
    std::fs::write(&out, written(&original)).unwrap();
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
        ]
    );
    std::fs::remove_file(out).unwrap();
}
