//! Kamailio's dispatcher (the kit's `kamailio-lb.cfg`) in front of backends of a test's
//! choosing, on the test's own ports.

use crate::peers::peers_file;
use crate::process::Proc;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

/// The kit's configuration listening on `port`, its control socket at `ctl` (a unix
/// socket path: at most 104 bytes).
pub fn kamailio_config(port: u16, ctl: &Path) -> String {
    let cfg = std::fs::read_to_string(peers_file("kamailio/kamailio-lb.cfg")).expect("cfg");
    cfg.replace("127.0.0.1:5065", &format!("127.0.0.1:{port}"))
        .replace(
            "unix:/tmp/kamailio-lb_ctl",
            &format!("unix:{}", ctl.display()),
        )
}

/// The dispatcher list: set 1, one line per backend.
pub fn dispatcher_list(backends: &[SocketAddr]) -> String {
    backends.iter().map(|b| format!("1 sip:{b}\n")).collect()
}

/// Starts Kamailio on 127.0.0.1:`port` dispatching to `backends` with the `-A` switches
/// `defines` (e.g. `["WITH_RR"]`, `["STATELESS", "DSALG=0"]`).
pub fn start_kamailio(
    kamailio: &Path,
    dir: &Path,
    port: u16,
    backends: &[SocketAddr],
    defines: &[&str],
) -> Proc {
    let cfg = dir.join("kamailio.cfg");
    let list = dir.join("dispatcher.list");
    // A short path beside the work directory: unix socket paths are limited to 104 bytes.
    let ctl = std::env::temp_dir().join(format!("sipvoice-kamailio-{port}.ctl"));
    let _ = std::fs::remove_file(&ctl);
    std::fs::write(&cfg, kamailio_config(port, &ctl)).expect("write cfg");
    std::fs::write(&list, dispatcher_list(backends)).expect("write list");
    let mut args: Vec<String> = vec![
        "-f".into(),
        cfg.display().to_string(),
        "-DD".into(),
        "-E".into(),
        "-Y".into(),
        dir.display().to_string(),
        "-A".into(),
        format!("DSLIST=\"{}\"", list.display()),
    ];
    for d in defines {
        args.push("-A".into());
        args.push((*d).to_owned());
    }
    Proc::spawn("kamailio", dir, Duration::from_secs(120), kamailio, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_and_list_name_our_ports() {
        let dir = crate::WorkDir::new("kam-cfg");
        let cfg = kamailio_config(21065, &dir.join("ctl"));
        assert!(cfg.contains("listen=udp:127.0.0.1:21065"));
        assert!(cfg.contains("sip:lb@127.0.0.1:21065"));
        assert!(!cfg.contains(":5065"));
        assert!(!cfg.contains("/tmp/kamailio-lb_ctl"));
        let list = dispatcher_list(&[
            "127.0.0.1:21072".parse().unwrap(),
            "127.0.0.1:21073".parse().unwrap(),
        ]);
        assert_eq!(list, "1 sip:127.0.0.1:21072\n1 sip:127.0.0.1:21073\n");
    }
}
