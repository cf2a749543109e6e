//! `flowdist which`: explain the decision for one packet.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;

use model::frame_build::Flow;
use model::port_compare::{PROTO_SCTP, PROTO_TCP, PROTO_UDP};
use model::{Distributor, Verdict};

use super::{ConfigArg, CliError, CliResult, Out};

/// Explain one packet's decision: key, hash, index, group, TMM, port.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Source ADDR:PORT (IPv6 as [ADDR]:PORT; the port may be left out for
    /// protocols without ports).
    #[arg(long)]
    pub src: String,
    /// Destination ADDR:PORT.
    #[arg(long)]
    pub dst: String,
    /// tcp, udp, sctp, icmp or a protocol number.
    #[arg(long, default_value = "tcp")]
    pub proto: String,
    #[arg(long, default_value_t = 0)]
    pub ingress_port: u8,
}

fn endpoint(s: &str, what: &str) -> Result<(IpAddr, u16), CliError> {
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Ok((sa.ip(), sa.port()));
    }
    let bare = s.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>()
        .map(|ip| (ip, 0))
        .map_err(|_| CliError::input(format!("--{what} {s:?} is not ADDR:PORT, [ADDR]:PORT or ADDR")))
}

fn proto(s: &str) -> Result<u8, CliError> {
    match s.to_ascii_lowercase().as_str() {
        "tcp" => Ok(PROTO_TCP),
        "udp" => Ok(PROTO_UDP),
        "sctp" => Ok(PROTO_SCTP),
        "icmp" => Ok(1),
        "icmpv6" | "icmp6" => Ok(58),
        n => n.parse().map_err(|_| CliError::input(format!("--proto {s:?} is not tcp, udp, sctp, icmp or 0-255"))),
    }
}

pub fn run(a: &Args) -> CliResult {
    let config = a.config.load()?;
    let dist = Distributor::new(&config);
    let (src, sport) = endpoint(&a.src, "src")?;
    let (dst, dport) = endpoint(&a.dst, "dst")?;
    if src.is_ipv4() != dst.is_ipv4() {
        return Err(CliError::input("--src and --dst must be the same address family"));
    }
    let mut proto = proto(&a.proto)?;
    if proto == 1 && src.is_ipv6() {
        proto = 58;
    }
    let flow = Flow { src, dst, proto, sport, dport };
    // An echo-request-like body for ICMP, so it is not taken for an error.
    let frame = flow.frame(&[], &[], &[8, 0, 0, 0, 0, 0, 0, 0]);
    let d = dist.classify(&frame, a.ingress_port);
    let mut out = Out::new();
    out.line(&format!("packet:  {} {src} port {sport} -> {dst} port {dport} (protocol {proto})", a.proto))?;
    out.line(&format!("verdict: {}", d.verdict))?;
    if let Some(g) = d.group {
        let why = match (d.verdict, config.rules.iter().find(|r| r.port == sport || r.port == dport)) {
            (Verdict::L3, _) => "protocol without ports: group 0".to_string(),
            (_, Some(r)) => format!("rule for port {} selects group {}", r.port, r.group),
            (_, None) => "no rule matches: group 0".to_string(),
        };
        out.line(&format!("group:   {g} ({why})"))?;
    }
    if d.verdict == Verdict::Fixed {
        out.line("key:     none: source port == destination port goes to the group's fixed TMM")?;
    }
    if let (Some(k), Some(h), Some(i)) = (d.key, d.hash, d.index) {
        let side = match d.verdict {
            Verdict::L3 => "source XOR destination address, protocol".to_string(),
            _ if sport > dport => format!("source endpoint (port {sport} > {dport})"),
            _ => format!("destination endpoint (port {dport} > {sport})"),
        };
        out.line(&format!("key:     {k}  ({side})"))?;
        out.line(&format!("hash:    {h:08x}"))?;
        out.line(&format!("index:   {i}  (hash & 0xfff)"))?;
    }
    if let Some(t) = d.tmm {
        out.line(&format!("tmm:     {t}"))?;
    }
    out.line(&format!("port:    {}", d.port))?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
