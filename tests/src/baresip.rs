//! baresip as a headless peer: the kit's caller/callee configuration moved to a test's own
//! ports, a WAV as the audio source, and its ctrl_tcp socket (netstring JSON) to dial,
//! send DTMF and hang up.

use crate::peers::peers_file;
use crate::process::Proc;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Where one baresip instance listens.
#[derive(Clone, Copy, Debug)]
pub struct BaresipPorts {
    /// SIP (UDP and TCP; baresip also opens the port above it).
    pub sip: u16,
    /// First RTP port (20 are used).
    pub rtp: u16,
    /// ctrl_tcp.
    pub ctrl: u16,
}

/// The kit's `role` (`caller` or `callee`) configuration with `ports` substituted.
pub fn baresip_config(role: &str, ports: BaresipPorts) -> (String, String) {
    let config = std::fs::read_to_string(peers_file(&format!("baresip/{role}/config")))
        .expect("baresip config");
    let accounts = std::fs::read_to_string(peers_file(&format!("baresip/{role}/accounts")))
        .expect("baresip accounts");
    let (kit_sip, kit_rtp, kit_ctrl) = if role == "caller" {
        ("15094", "31000-31099", "4445")
    } else {
        ("15090", "30000-30099", "4444")
    };
    let config = config
        .replace(
            &format!("127.0.0.1:{kit_sip}"),
            &format!("127.0.0.1:{}", ports.sip),
        )
        .replace(kit_rtp, &format!("{}-{}", ports.rtp, ports.rtp + 19))
        .replace(
            &format!("127.0.0.1:{kit_ctrl}"),
            &format!("127.0.0.1:{}", ports.ctrl),
        );
    let accounts = accounts.replace(
        &format!("127.0.0.1:{kit_sip}"),
        &format!("127.0.0.1:{}", ports.sip),
    );
    (config, accounts)
}

/// A running baresip; dropping it stops it.
#[derive(Debug)]
pub struct Baresip {
    /// The process guard.
    pub proc: Proc,
    /// Its configuration directory (recordings land here).
    pub dir: PathBuf,
    ctrl: SocketAddr,
}

impl Baresip {
    /// Starts baresip with the kit's `role` configuration on `ports`, playing `wav`.
    pub fn start(
        baresip: &Path,
        workdir: &Path,
        role: &str,
        ports: BaresipPorts,
        wav: &Path,
    ) -> Baresip {
        let dir = workdir.join(format!("baresip-{role}"));
        std::fs::create_dir_all(&dir).expect("baresip dir");
        let (config, accounts) = baresip_config(role, ports);
        std::fs::write(dir.join("config"), config).expect("write config");
        std::fs::write(dir.join("accounts"), accounts).expect("write accounts");
        std::fs::write(dir.join("contacts"), "").expect("write contacts");
        std::fs::copy(wav, dir.join("play.wav")).expect("copy wav");
        let proc = Proc::spawn(
            &format!("baresip-{role}"),
            &dir,
            Duration::from_secs(90),
            baresip,
            ["-4", "-n", "127.0.0.1", "-f", ".", "-t", "80"],
        );
        let ctrl = SocketAddr::from(([127, 0, 0, 1], ports.ctrl));
        let b = Baresip { proc, dir, ctrl };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(ctrl).is_err() {
            assert!(
                Instant::now() < deadline,
                "baresip ctrl_tcp on {ctrl} not up\n{}",
                b.proc.tail(20)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        b
    }

    /// Sends one ctrl_tcp command and returns the JSON messages received within `wait`.
    pub fn command(&self, command: &str, params: &str, wait: Duration) -> Vec<Value> {
        let body = serde_json::json!({"command": command, "params": params, "token": "t"});
        let mut s = TcpStream::connect(self.ctrl).expect("ctrl_tcp connect");
        s.write_all(&netstring(body.to_string().as_bytes()))
            .expect("ctrl_tcp write");
        s.set_read_timeout(Some(Duration::from_millis(100))).ok();
        let mut buf = Vec::new();
        let deadline = Instant::now() + wait;
        let mut chunk = [0u8; 8192];
        while Instant::now() < deadline {
            match s.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                Err(_) => {}
            }
        }
        parse_netstrings(&buf)
            .into_iter()
            .filter_map(|m| serde_json::from_slice(m).ok())
            .collect()
    }

    /// The WAV files baresip's sndfile module wrote (`dump-*-dec.wav` is what it received).
    pub fn dumps(&self, suffix: &str) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        p.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.starts_with("dump-") && n.ends_with(suffix))
                    })
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }
}

/// `len:bytes,`
pub fn netstring(b: &[u8]) -> Vec<u8> {
    let mut out = format!("{}:", b.len()).into_bytes();
    out.extend_from_slice(b);
    out.push(b',');
    out
}

/// The payloads of a run of netstrings (an incomplete tail is ignored).
pub fn parse_netstrings(mut buf: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while let Some(colon) = buf.iter().position(|&c| c == b':') {
        let Some(len) = std::str::from_utf8(&buf[..colon])
            .ok()
            .and_then(|s| s.parse::<usize>().ok())
        else {
            break;
        };
        let start = colon + 1;
        let Some(payload) = buf.get(start..start + len) else {
            break;
        };
        if buf.get(start + len) != Some(&b',') {
            break;
        }
        out.push(payload);
        buf = &buf[start + len + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netstrings_round_trip_and_stop_at_a_partial_one() {
        let mut wire = netstring(b"{\"a\":1}");
        wire.extend(netstring(b"xy"));
        wire.extend_from_slice(b"10:abc");
        assert_eq!(parse_netstrings(&wire), vec![&b"{\"a\":1}"[..], b"xy"]);
        assert!(parse_netstrings(b"").is_empty());
        assert!(parse_netstrings(b"x:1,").is_empty());
    }

    #[test]
    fn the_kit_configuration_moves_to_our_ports() {
        let ports = BaresipPorts {
            sip: 21000,
            rtp: 21100,
            ctrl: 21002,
        };
        let (config, accounts) = baresip_config("caller", ports);
        assert!(config.contains("sip_listen\t\t127.0.0.1:21000"), "{config}");
        assert!(config.contains("rtp_ports\t\t21100-21119"), "{config}");
        assert!(
            config.contains("ctrl_tcp_listen\t\t127.0.0.1:21002"),
            "{config}"
        );
        assert!(
            accounts.contains("<sip:caller@127.0.0.1:21000;"),
            "{accounts}"
        );
        assert!(!config.contains("15094") && !config.contains("4445"));
        let (config, accounts) = baresip_config("callee", ports);
        assert!(config.contains("127.0.0.1:21000") && !config.contains("4444"));
        assert!(accounts.contains("answermode=auto"));
    }
}
