//! Option parsing of the `sipvoice` command.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use clap::Parser;
use sipvoice_tokio::cli::{
    Cli, Command, RuntimeKind, parse_auth, parse_codecs, parse_port_range, parse_target,
};
use sipvoice_tokio::{PT_G722, PT_PCMA, PT_PCMU};

fn serve(args: &[&str]) -> sipvoice_tokio::cli::ServeArgs {
    let mut argv = vec!["sipvoice", "serve"];
    argv.extend_from_slice(args);
    match Cli::try_parse_from(argv)
        .expect("valid command line")
        .command
    {
        Command::Serve(s) => s,
        Command::Call(_) => panic!("parsed as call"),
    }
}

#[test]
fn serve_defaults_are_loopback_echo() {
    let args = serve(&[]);
    let config = args.config();
    assert_eq!(
        config.local_sip_addr,
        "127.0.0.1:5060".parse::<SocketAddr>().unwrap()
    );
    assert_eq!(config.local_rtp_ip, "127.0.0.1".parse::<IpAddr>().unwrap());
    assert_eq!((config.rtp_port_start, config.rtp_port_end), (10000, 20000));
    assert_eq!(config.supported_codecs, vec![PT_G722, PT_PCMU, PT_PCMA]);
    assert_eq!(config.dtmf_payload_type, 101);
    assert!(config.auth_users.is_empty());
    assert_eq!(config.rtp_inactivity_timeout, Duration::from_secs(30));
    assert!(args.play.is_none() && args.record.is_none() && args.events.is_none());
    assert_eq!(args.runtime, RuntimeKind::Tokio);
    assert_eq!(config.validate(), Ok(()));
}

#[test]
fn serve_every_option_reaches_the_config() {
    let args = serve(&[
        "--sip",
        "127.0.0.2:5070",
        "--rtp-ip",
        "127.0.0.3",
        "--advertised-ip",
        "127.0.0.4",
        "--rtp-ports",
        "30000-30100",
        "--codecs",
        "pcma,g722",
        "--dtmf-pt",
        "96",
        "--auth",
        "alice:se:cret",
        "--auth",
        "bob:pw",
        "--realm",
        "example",
        "--max-sessions",
        "7",
        "--answer-delay-ms",
        "250",
        "--inactivity-timeout",
        "1.5",
        "--jitter-capacity",
        "16",
        "--jitter-prefetch",
        "2",
        "--runtime",
        "mio",
        "--events",
        "-",
    ]);
    let c = args.config();
    assert_eq!(c.local_sip_addr.to_string(), "127.0.0.2:5070");
    assert_eq!(c.local_rtp_ip.to_string(), "127.0.0.3");
    assert_eq!(
        c.advertised_ip.map(|ip| ip.to_string()).as_deref(),
        Some("127.0.0.4")
    );
    assert_eq!((c.rtp_port_start, c.rtp_port_end), (30000, 30100));
    assert_eq!(c.supported_codecs, vec![PT_PCMA, PT_G722]);
    assert_eq!(c.dtmf_payload_type, 96);
    assert_eq!(c.auth_users.len(), 2);
    assert_eq!(
        c.auth_users.get("alice").map(|p| p.expose()),
        Some("se:cret")
    );
    assert_eq!(c.auth_realm, "example");
    assert_eq!(c.max_sessions, 7);
    assert_eq!(c.answer_delay, Duration::from_millis(250));
    assert_eq!(c.rtp_inactivity_timeout, Duration::from_millis(1500));
    assert_eq!((c.jitter_capacity, c.jitter_prefetch), (16, 2));
    assert_eq!(args.runtime, RuntimeKind::Mio);
    assert_eq!(args.events.as_deref(), Some("-"));
}

#[test]
fn bad_values_are_refused_by_the_parser() {
    for bad in [
        &["--rtp-ports", "20000-10000"][..],
        &["--rtp-ports", "abc"],
        &["--codecs", "opus"],
        &["--codecs", "pcmu,pcmu"],
        &["--auth", "nopassword"],
        &["--sip", "localhost"],
        &["--inactivity-timeout", "-1"],
        &["--runtime", "glommio"],
    ] {
        let mut argv = vec!["sipvoice", "serve"];
        argv.extend_from_slice(bad);
        assert!(Cli::try_parse_from(argv).is_err(), "accepted {bad:?}");
    }
}

#[test]
fn verbosity_flags_count() {
    let cli = Cli::try_parse_from(["sipvoice", "-vv", "serve", "-q"]).unwrap();
    assert_eq!((cli.verbose, cli.quiet), (2, 1));
}

#[test]
fn call_options() {
    let cli = Cli::try_parse_from([
        "sipvoice",
        "call",
        "sip:bot@127.0.0.1:5080;transport=udp",
        "--from",
        "sip:me@127.0.0.1",
        "--dtmf",
        "12#",
        "--hangup-after",
        "2.5",
        "--auth",
        "alice:secret",
        "--record",
        "/tmp/x.wav",
    ])
    .unwrap();
    let Command::Call(c) = cli.command else {
        panic!("parsed as serve")
    };
    assert_eq!(
        c.target.addr,
        "127.0.0.1:5080".parse::<SocketAddr>().unwrap()
    );
    assert_eq!(c.target.uri, "sip:bot@127.0.0.1:5080;transport=udp");
    assert_eq!(c.from.as_deref(), Some("sip:me@127.0.0.1"));
    assert_eq!(c.dtmf.as_deref(), Some("12#"));
    assert_eq!(c.hangup_after, Some(2.5));
    assert_eq!(c.auth, Some(("alice".into(), "secret".into())));
    assert_eq!(c.sip.port(), 0);
}

#[test]
fn helpers() {
    assert_eq!(parse_port_range("10000-10010"), Ok((10000, 10010)));
    assert!(parse_port_range("0-10").is_err());
    assert_eq!(
        parse_codecs(" PCMU , g722 ").unwrap().0,
        vec![PT_PCMU, PT_G722]
    );
    assert!(parse_codecs("").is_err());
    assert_eq!(parse_auth("u:"), Ok(("u".into(), String::new())));
    assert!(parse_auth(":p").is_err());
    let t = parse_target("sip:127.0.0.1").unwrap();
    assert_eq!(t.addr.port(), 5060);
    let t = parse_target("sip:alice@[::1]:5090").unwrap();
    assert_eq!(t.addr, "[::1]:5090".parse::<SocketAddr>().unwrap());
    assert!(parse_target("http://127.0.0.1").is_err());
    assert!(parse_target("sip:bob@127.0.0.1:x").is_err());
    assert!(parse_target("sip:bob@127.0.0.1:0").is_err());
}
