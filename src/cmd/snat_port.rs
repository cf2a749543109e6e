//! `flowdist snat-port`: source ports on an address that bring the
//! server's replies back to a given TMM (the patent's FIGURE 9).

use std::net::IpAddr;
use std::process::ExitCode;

use model::flow_key::addr16;
use model::snat::{PortRange, SnatPorts};
use model::Config;

use super::{ConfigArg, CliError, CliResult, Out};

/// Print the lowest source ports X on ADDR with X > PORT whose replies the
/// distributor sends to TMM T (`port,group,index`).
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub config: ConfigArg,
    /// The translated source address (IPv4 or IPv6).
    #[arg(long)]
    pub ip: String,
    /// The TMM the replies must reach.
    #[arg(long)]
    pub tmm: String,
    /// The server port: every port printed is above it, and the rules see
    /// it with the chosen port to pick the reply's group.
    #[arg(long, default_value = "1023")]
    pub above: String,
    /// How many ports to print.
    #[arg(long, default_value = "1")]
    pub count: String,
    /// Ports that may be chosen, LO-HI.
    #[arg(long, default_value = "1024-65535")]
    pub range: String,
}

pub fn parse_ip(s: &str) -> Result<IpAddr, CliError> {
    s.trim().parse().map_err(|_| CliError::input(format!("--ip {s:?} is not an IPv4 or IPv6 address")))
}

pub fn parse_tmm(s: &str, config: &Config) -> Result<u8, CliError> {
    let tmm: u8 = s.trim().parse().map_err(|_| CliError::input(format!("--tmm {s:?} is not a TMM id 0-255")))?;
    config.tmm(tmm).ok_or_else(|| CliError::input(format!("--tmm {tmm}: no [[tmm]] with this id in the config")))?;
    Ok(tmm)
}

pub fn parse_range(s: &str) -> Result<PortRange, CliError> {
    s.parse().map_err(|e: String| CliError::input(format!("--range: {e}")))
}

pub fn run(a: &Args) -> CliResult {
    let config = a.config.load()?;
    let addr = addr16(parse_ip(&a.ip)?);
    let tmm = parse_tmm(&a.tmm, &config)?;
    let above: u16 = a.above.trim().parse().map_err(|_| CliError::input(format!("--above {:?} is not a port 0-65535", a.above)))?;
    let count: usize = a
        .count
        .trim()
        .parse()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| CliError::input(format!("--count {:?} is not a positive number", a.count)))?;
    let range = parse_range(&a.range)?;
    let snat = SnatPorts::new(&config);
    let base = snat.base(&addr);
    let ports = snat.first_ports(&addr, tmm, above, range, count);
    let mut out = Out::new();
    out.line("port,group,index")?;
    for &x in &ports {
        let index = base ^ snat.port_table().term(x);
        out.line(&format!("{x},{},{index}", snat.reply_group(above, x)))?;
    }
    out.flush()?;
    if ports.len() < count {
        eprintln!(
            "flowdist: only {} of {count} ports in {range} above {above} on {} reach TMM {tmm}",
            ports.len(),
            a.ip.trim()
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
