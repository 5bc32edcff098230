//! Locating the real peers (SIPp, baresip, Kamailio, tshark) and the shared peers kit.
//!
//! A test whose peer is not installed prints why and returns early, unless
//! `SIPVOICE_REQUIRE_PEERS` is set (CI sets it after installing them): then a missing
//! peer is a failure, so the interop suite is never skipped silently.

use std::path::{Path, PathBuf};

/// The `shared/` directory beside the repository: the peers kit and conformance data.
pub fn shared_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SIPVOICE_SHARED") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

/// A file of the peers kit, e.g. `peers_file("sipp/scenarios/uac_g722_call.xml")`.
pub fn peers_file(rel: &str) -> PathBuf {
    let p = shared_dir().join("peers").join(rel);
    assert!(p.exists(), "missing peers kit file {}", p.display());
    p
}

/// A SIPp scenario of this crate (`tests/scenarios/NAME`).
pub fn own_scenario(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    assert!(p.is_file(), "missing scenario {}", p.display());
    p
}

/// The executable `name` from `PATH`, `/usr/sbin` or `/sbin` (Kamailio lives in sbin).
pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Whether missing peers must fail the test rather than skip it.
pub fn peers_required() -> bool {
    std::env::var_os("SIPVOICE_REQUIRE_PEERS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The paths of the programs `names`, or `None` after printing why the test is skipped.
///
/// Panics instead of skipping when [`peers_required`].
pub fn require_programs<const N: usize>(test: &str, names: [&str; N]) -> Option<[PathBuf; N]> {
    let found = names.map(find_program);
    let missing: Vec<&str> = names
        .iter()
        .zip(&found)
        .filter(|(_, p)| p.is_none())
        .map(|(n, _)| *n)
        .collect();
    if missing.is_empty() {
        return Some(found.map(|p| p.unwrap_or_default()));
    }
    let why = format!(
        "{test}: SKIPPED, not installed: {} (apt-get install sip-tester baresip kamailio tshark)",
        missing.join(", ")
    );
    assert!(!peers_required(), "{why}; SIPVOICE_REQUIRE_PEERS is set");
    eprintln!("{why}");
    None
}

/// Whether `sipp` may open raw sockets (its `play_pcap_audio` needs them): this process
/// has `CAP_NET_RAW` (e.g. root), or the binary carries it as a file capability.
pub fn can_send_raw(sipp: &Path) -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let eff = status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
        .unwrap_or(0);
    const CAP_NET_RAW: u32 = 13;
    if eff & (1 << CAP_NET_RAW) != 0 {
        return true;
    }
    find_program("getcap")
        .and_then(|g| std::process::Command::new(g).arg(sipp).output().ok())
        .is_some_and(|o| String::from_utf8_lossy(&o.stdout).contains("cap_net_raw"))
}

/// Panics with the remedy unless `sipp` can play pcaps (see [`can_send_raw`]).
pub fn assert_pcap_play(sipp: &Path) {
    assert!(
        can_send_raw(sipp),
        "SIPp play_pcap_audio needs a raw socket: run the tests as root or \
         `setcap cap_net_raw+ep {}` (.ci/run does)",
        sipp.display()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_program_on_path_and_not_a_missing_one() {
        let sh = find_program("sh").expect("sh is installed");
        assert!(sh.ends_with("sh"));
        assert_eq!(find_program("no-such-program-sipvoice"), None);
    }

    #[test]
    fn missing_program_skips_or_fails_by_policy() {
        let r = std::panic::catch_unwind(|| require_programs("t", ["sh", "no-such-peer"]));
        match r {
            Ok(found) => {
                assert!(!peers_required());
                assert!(found.is_none());
            }
            Err(_) => assert!(peers_required()),
        }
        let [sh] = require_programs("t", ["sh"]).expect("sh present");
        assert!(sh.is_absolute());
    }

    #[test]
    fn the_peers_kit_is_beside_the_repository() {
        assert!(shared_dir().join("peers/README.md").exists());
        assert!(peers_file("sipp/scenarios/uac_g722_call.xml").is_file());
    }
}
