//! Every RFC 4475 torture message fed to an endpoint: the answer (or the silent drop)
//! is what `expected.tsv` asks of a UAS, and nothing is left behind.

mod endpoint_support;

use std::path::PathBuf;

use bytes::Bytes;
use endpoint_support::{Net, addr, config, status_of};

fn dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/testdata/rfc4475"
    ))
}

/// Our final answer to each message; `None`: nothing is sent (responses are dropped).
/// Where the table leaves a choice, the comment says which one we make.
fn expected(file: &str) -> Option<u16> {
    match file {
        // Valid requests, processed.
        "wsinv.dat" => Some(481), // an INVITE with a To tag of no dialog we know
        "intmeth.dat" | "esc02.dat" | "mismatch02.dat" => Some(501),
        // The offer's `a=rtpmap:31 LPC` has no clock rate: processed, refused as SDP.
        "esc01.dat" | "longreq.dat" => Some(488),
        "baddate.dat" => Some(488), // the Date does not matter to us: processed like esc01
        "lwsdisp.dat" | "semiuri.dat" | "transports.dat" | "zeromf.dat" => Some(200),
        "badbranch.dat" => Some(200), // RFC 2543 matching fallback, then processed
        "inv2543.dat" => Some(200),
        // Methods a voice endpoint does not serve (REGISTER, MESSAGE).
        "escnull.dat" | "dblreq.dat" | "mpart01.dat" | "unksm2.dat" | "regaut01.dat"
        | "cparam01.dat" | "cparam02.dat" | "regescrt.dat" => Some(405),
        "badvers.dat" => Some(505),
        "unkscm.dat" | "novelsc.dat" => Some(416),
        "bext01.dat" => Some(420),
        "invut.dat" => Some(415),
        "sdp01.dat" => Some(406),
        "badinv01.dat" | "clerr.dat" | "ncl.dat" | "scalar02.dat" | "quotbal.dat"
        | "ltgtruri.dat" | "lwsruri.dat" | "lwsstart.dat" | "trws.dat" | "escruri.dat"
        | "regbadct.dat" | "badaspec.dat" | "baddn.dat" | "mismatch01.dat" | "insuf.dat"
        | "multi01.dat" | "mcl01.dat" => Some(400),
        // Responses: matched to no transaction, or malformed; dropped either way.
        _ => None,
    }
}

#[test]
fn every_torture_message_gets_the_answer_the_table_asks_for() {
    let tsv = std::fs::read_to_string(dir().join("expected.tsv")).expect("expected.tsv");
    let mut rows = 0;
    for line in tsv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, class) = (cols[0], cols[2]);
        let data = std::fs::read(dir().join(file)).expect("message");
        let mut c = config("192.0.2.200:5060", 7);
        c.advertised_ip = Some("192.0.2.200".parse().expect("ip"));
        c.local_rtp_ip = "192.0.2.200".parse().expect("ip");
        let mut net = Net::new(vec![("uas", c)]);
        let now = net.now;
        let local = addr("192.0.2.200:5060");
        net.nodes[0]
            .ep
            .handle_datagram(now, local, addr("192.0.2.1:5060"), Bytes::from(data));
        net.settle();
        let finals: Vec<u16> = net
            .outside
            .iter()
            .filter_map(|t| status_of(&t.data))
            .filter(|s| *s >= 200)
            .collect();
        let want = expected(file);
        assert_eq!(finals.first().copied(), want, "{file} ({class})");
        assert!(
            finals.len() <= 1,
            "{file}: one final answer, got {finals:?}"
        );
        match class {
            "invalid-response-discard" => assert_eq!(want, None, "{file}"),
            "invalid-request-400" => assert!(want.is_some_and(|s| s >= 400), "{file}"),
            _ => {}
        }
        net.finish();
        rows += 1;
    }
    assert_eq!(rows, 49);
}
