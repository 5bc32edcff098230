//! tshark: capturing a test's loopback ports and decoding the capture afterwards.
//!
//! Capturing on `lo` needs root or `CAP_NET_RAW`/`CAP_NET_ADMIN` for dumpcap; when it is
//! refused, [`Capture::start`] says so and the test decodes what it can without it.

use crate::process::Proc;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A running capture on `lo`; [`Capture::finish`] stops it and returns the file.
#[derive(Debug)]
pub struct Capture {
    proc: Proc,
    file: PathBuf,
}

/// A BPF filter for UDP on the given ports.
pub fn udp_ports_filter(ports: &[u16]) -> String {
    let list: Vec<String> = ports.iter().map(|p| format!("port {p}")).collect();
    format!("udp and ({})", list.join(" or "))
}

impl Capture {
    /// Starts `tshark -i lo -f FILTER -w <dir>/<name>.pcapng`; `Err` with tshark's words
    /// when it cannot capture (no privileges).
    pub fn start(tshark: &Path, dir: &Path, name: &str, filter: &str) -> Result<Capture, String> {
        let file = dir.join(format!("{name}.pcapng"));
        let f = file.display().to_string();
        let mut proc = Proc::spawn(
            name,
            dir,
            Duration::from_secs(120),
            tshark,
            ["-i", "lo", "-f", filter, "-w", &f],
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let err = proc.stderr();
            if err.contains("Capturing on") {
                return Ok(Capture { proc, file });
            }
            if !proc.is_running() || Instant::now() >= deadline {
                proc.stop("TERM", Duration::from_secs(2));
                return Err(format!("tshark cannot capture on lo: {}", err.trim()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the capture (after a moment for the last packets) and returns the file.
    pub fn finish(mut self) -> PathBuf {
        std::thread::sleep(Duration::from_millis(500));
        self.proc.stop("INT", Duration::from_secs(5));
        self.file.clone()
    }
}

/// Runs `tshark -r FILE ARGS...` and returns its stdout.
pub fn tshark_read(tshark: &Path, file: &Path, args: &[&str]) -> String {
    let out = Command::new("timeout")
        .arg("60")
        .arg(tshark)
        .arg("-r")
        .arg(file)
        .args(args)
        .output()
        .expect("run tshark");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One row of `tshark -q -z rtp,streams`.
#[derive(Clone, Debug, PartialEq)]
pub struct RtpStream {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Payload description (`g722`, `telephone-event`, ...).
    pub payload: String,
    /// Packets.
    pub packets: u64,
}

/// Parses the stream table of `tshark -q -z rtp,streams`.
pub fn parse_rtp_streams(text: &str) -> Vec<RtpStream> {
    let mut out = Vec::new();
    for line in text.lines() {
        // Start, End, Src IP, Src port, Dst IP, Dst port, SSRC, Payload..., Pkts, Lost, ...
        let all: Vec<&str> = line.split_whitespace().collect();
        let Some(ip_at) = all
            .iter()
            .position(|c| c.parse::<std::net::IpAddr>().is_ok())
        else {
            continue;
        };
        let cols = &all[ip_at..];
        if cols.len() < 8 {
            continue;
        }
        let (Ok(src_port), Ok(dst_port)) = (cols[1].parse(), cols[3].parse()) else {
            continue;
        };
        let Some(pkts_at) = cols
            .iter()
            .skip(5)
            .position(|c| c.parse::<u64>().is_ok())
            .map(|i| i + 5)
        else {
            continue;
        };
        out.push(RtpStream {
            src_port,
            dst_port,
            payload: cols[5..pkts_at].join(" "),
            packets: cols[pkts_at].parse().unwrap_or(0),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_table_is_parsed() {
        let text = "========================= RTP Streams ========================\n\
   Start time      End time     Src IP addr  Port    Dest IP addr  Port       SSRC          Payload  Pkts         Lost   Min Delta(ms)  Mean Delta(ms)   Max Delta(ms)  Min Jitter(ms) Mean Jitter(ms)  Max Jitter(ms) Problems?\n\
     8.009004      8.150952       127.0.0.1 46000       127.0.0.1 46100 0x0E05384E  telephone-event    10    -2 (-25.0%)           0.021          15.772          25.808          -1.000           0.000           0.000 X\n\
     0.005590      7.063058       127.0.0.1 46100       127.0.0.1 46000 0xDEE0EE8F            g711A   236     0 (0.0%)          18.740          30.032          41.239           0.004           0.984           3.608 \n\
==============================================================\n";
        let streams = parse_rtp_streams(text);
        assert_eq!(streams.len(), 2, "{streams:?}");
        assert_eq!(streams[0].src_port, 46000);
        assert_eq!(streams[0].dst_port, 46100);
        assert_eq!(streams[0].payload, "telephone-event");
        assert_eq!(streams[0].packets, 10);
        assert_eq!(streams[1].payload, "g711A");
        assert_eq!(streams[1].packets, 236);
    }

    #[test]
    fn the_filter_lists_the_ports() {
        assert_eq!(
            udp_ports_filter(&[5060, 16000]),
            "udp and (port 5060 or port 16000)"
        );
    }
}
