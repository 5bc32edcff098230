//! `sipvoice-sim replay`: the SIP ladder and event lines of a capture replayed into a
//! fresh endpoint, or its RTP streams analysed on their own (`--rtp-only`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sipvoice_core::endpoint::{EventLines, Transmit};
use sipvoice_sim::capture::{
    Capture, Direction, ReplayOptions, ReplayReport, analyse_rtp, ladder_line, parse_sip, replay,
    summary, write_stream_wavs, write_wav,
};
use sipvoice_sim::write_pcap;

#[derive(clap::Args, Debug)]
pub(crate) struct ReplayArgs {
    /// The capture file (pcap or pcapng).
    capture: PathBuf,
    /// The captured address to stand in for (default: the callee of the answered INVITE).
    #[arg(long = "as", value_name = "HOST:PORT")]
    as_addr: Option<SocketAddr>,
    /// Only analyse the RTP streams: jitter buffer, decoder, DTMF and statistics per stream.
    #[arg(long)]
    rtp_only: bool,
    /// Also write the event lines to this file.
    #[arg(long, value_name = "PATH")]
    events: Option<PathBuf>,
    /// Write each decoded stream (or each call's inbound audio) as WAV into this directory.
    #[arg(long, value_name = "DIR")]
    wav_dir: Option<PathBuf>,
    /// Write what the endpoint sent as a pcap (Ethernet/IP/UDP).
    #[arg(long, value_name = "FILE")]
    pcap_out: Option<PathBuf>,
    /// Seed of the endpoint's RNG.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Answer at once instead of as late as the captured side answered.
    #[arg(long)]
    answer_now: bool,
    /// Feed the far end's media as coming from the address its SDP announced.
    #[arg(long)]
    media_from_sdp: bool,
    /// Seconds to keep firing timers after the capture's last datagram.
    #[arg(long, default_value_t = 70)]
    linger_secs: u64,
}

pub(crate) fn run_replay(args: &ReplayArgs) -> Result<(), String> {
    if args.rtp_only && args.pcap_out.is_some() {
        return Err(
            "--pcap-out writes what the endpoint sent: it needs a full replay, not --rtp-only"
                .into(),
        );
    }
    let capture = Capture::open(&args.capture).map_err(|e| e.to_string())?;
    let out = std::io::stdout();
    let mut out = BufWriter::new(out.lock());
    print_capture_header(&mut out, &args.capture, &capture).map_err(io)?;
    if args.rtp_only {
        rtp_only(&mut out, args, &capture)?;
    } else {
        full_replay(&mut out, args, &capture)?;
    }
    out.flush().map_err(io)
}

fn io(e: std::io::Error) -> String {
    e.to_string()
}

fn print_capture_header(out: &mut impl Write, path: &Path, c: &Capture) -> std::io::Result<()> {
    let n = &c.counts;
    writeln!(
        out,
        "# capture {}: {:?} {:?}, {} frames, {} UDP datagrams, {} not UDP, {} fragments, {} malformed, {} on unsupported links{}",
        path.display(),
        c.format,
        c.link_types,
        n.frames,
        n.udp,
        n.not_udp,
        n.fragments,
        n.malformed,
        n.unsupported_link,
        if n.truncated { ", truncated" } else { "" }
    )
}

fn rtp_only(out: &mut impl Write, args: &ReplayArgs, capture: &Capture) -> Result<(), String> {
    for d in &capture.datagrams {
        if let Some(m) = parse_sip(&d.payload) {
            let line = ladder_line(d.at, &d.src.to_string(), &d.dst.to_string(), &summary(&m));
            writeln!(out, "{line}").map_err(io)?;
        }
    }
    let analysis = analyse_rtp(capture);
    let mut events = match &args.events {
        Some(path) => Some(BufWriter::new(
            File::create(path).map_err(|e| format!("{}: {e}", path.display()))?,
        )),
        None => None,
    };
    writeln!(
        out,
        "# {} RTP streams, {} RTCP packets, {} malformed RTP",
        analysis.streams.len(),
        analysis.rtcp_packets,
        analysis.malformed_rtp
    )
    .map_err(io)?;
    for s in &analysis.streams {
        writeln!(out, "# stream {}", s.summary()).map_err(io)?;
        for d in &s.digits {
            let line = serde_json::json!({
                "event": "dtmf",
                "stream": s.file_stem(),
                "digit": d.digit.to_string(),
                "duration_ms": d.duration_ms,
                "source": "rtp",
                "at_ms": d.at.as_millis() as u64,
            })
            .to_string();
            writeln!(out, "{line}").map_err(io)?;
            if let Some(f) = events.as_mut() {
                writeln!(f, "{line}").map_err(io)?;
            }
        }
    }
    if let Some(f) = events.as_mut() {
        f.flush().map_err(io)?;
    }
    if let Some(dir) = &args.wav_dir {
        for path in write_stream_wavs(&analysis, dir).map_err(|e| e.to_string())? {
            writeln!(out, "# wrote {}", path.display()).map_err(io)?;
        }
    }
    Ok(())
}

fn full_replay(out: &mut impl Write, args: &ReplayArgs, capture: &Capture) -> Result<(), String> {
    let options = ReplayOptions {
        as_addr: args.as_addr,
        linger: Duration::from_secs(args.linger_secs),
        seed: args.seed,
        answer_like_capture: !args.answer_now,
        media_from_sdp: args.media_from_sdp,
    };
    let report = replay(capture, &options).map_err(|e| e.to_string())?;
    let t = &report.target;
    writeln!(
        out,
        "# replacing {} (far end {}, call {}), media {:?}",
        t.us,
        t.far.map_or("-".to_owned(), |a| a.to_string()),
        t.call_id.as_deref().unwrap_or("-"),
        t.media
    )
    .map_err(io)?;
    let mut events_file = match &args.events {
        Some(path) => Some(BufWriter::new(
            File::create(path).map_err(|e| format!("{}: {e}", path.display()))?,
        )),
        None => None,
    };
    print_ladder_and_events(out, &report, events_file.as_mut())?;
    if let Some(f) = events_file.as_mut() {
        f.flush().map_err(io)?;
    }
    for s in &report.skipped {
        writeln!(
            out,
            "# skipped {} (+{:.3}s..+{:.3}s): {}",
            s.count,
            s.first_at.as_secs_f64(),
            s.last_at.as_secs_f64(),
            s.what
        )
        .map_err(io)?;
    }
    for d in &report.divergences {
        writeln!(out, "# diverges: {d}").map_err(io)?;
    }
    let c = report.counts;
    writeln!(
        out,
        "# end +{:.3}s: fed {} datagrams, sent {}; live calls={} transactions={} dialogs={} ports={}",
        report.ended_at.as_secs_f64(),
        report.fed,
        report.sent.len(),
        c.calls,
        c.transactions,
        c.dialogs,
        c.ports
    )
    .map_err(io)?;
    if let Some(dir) = &args.wav_dir {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for (call, (rate, pcm)) in &report.audio {
            let path = dir.join(format!("call-{}.wav", call.as_u64()));
            write_wav(&path, *rate, pcm).map_err(|e| e.to_string())?;
            writeln!(out, "# wrote {}", path.display()).map_err(io)?;
        }
    }
    if let Some(path) = &args.pcap_out {
        // The simulator's writer: times are the replay's offsets on its fixed base.
        let packets: Vec<(Duration, Transmit)> = report
            .sent
            .iter()
            .map(|s| {
                let t = Transmit {
                    from: s.from,
                    to: s.to,
                    data: s.data.clone(),
                };
                (s.at, t)
            })
            .collect();
        let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
        write_pcap(BufWriter::new(file), &packets)
            .and_then(|mut w| {
                w.flush()
                    .map_err(|e| pcap_file::PcapError::IoError(e).into())
            })
            .map_err(|e| format!("{}: {e}", path.display()))?;
        writeln!(
            out,
            "# wrote {} ({} datagrams)",
            path.display(),
            packets.len()
        )
        .map_err(io)?;
    }
    Ok(())
}

/// The ladder and the event lines, merged in time order (a message before the events it caused).
fn print_ladder_and_events(
    out: &mut impl Write,
    report: &ReplayReport,
    mut file: Option<&mut BufWriter<File>>,
) -> Result<(), String> {
    let mut lines = EventLines::new();
    let mut events = report.events.iter().peekable();
    for entry in &report.ladder {
        while let Some((at, e)) = events.next_if(|(at, _)| *at < entry.at) {
            emit_event(out, &mut lines, *at, e, file.as_deref_mut())?;
        }
        let (from, to) = match entry.direction {
            Direction::FarToUs => (format!("far {}", entry.peer), "us".to_owned()),
            Direction::UsToFar => ("us".to_owned(), format!("far {}", entry.peer)),
        };
        writeln!(out, "{}", ladder_line(entry.at, &from, &to, &entry.summary)).map_err(io)?;
    }
    for (at, e) in events {
        emit_event(out, &mut lines, *at, e, file.as_deref_mut())?;
    }
    Ok(())
}

fn emit_event(
    out: &mut impl Write,
    lines: &mut EventLines,
    _at: Duration,
    event: &sipvoice_core::endpoint::Event,
    file: Option<&mut BufWriter<File>>,
) -> Result<(), String> {
    if let Some(line) = lines.line(event) {
        writeln!(out, "{line}").map_err(io)?;
        if let Some(f) = file {
            writeln!(f, "{line}").map_err(io)?;
        }
    }
    Ok(())
}
