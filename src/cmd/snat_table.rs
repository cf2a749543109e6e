//! `flowdist snat-table`: how the source ports of one address divide
//! among the TMMs, per group (the port table of the patent's FIGURE 9).

use std::process::ExitCode;

use model::flow_key::addr16;
use model::snat::{SnatPorts, PORTS};
use model::TABLE_ENTRIES;

use super::snat_port::{parse_ip, parse_range};
use super::{ConfigArg, CliResult, Format, Out};

/// Print, for each group and TMM, its table entries and how many source
/// ports on ADDR a reply to which reaches it (`group,tmm,entries,ports,in_range`).
/// A reply's group is the table's own here: rules on the chosen port are
/// not applied.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub config: ConfigArg,
    /// The translated source address (IPv4 or IPv6).
    #[arg(long)]
    pub ip: String,
    /// The ephemeral range counted in the `in_range` column, LO-HI.
    #[arg(long, default_value = "1024-65535")]
    pub range: String,
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
}

pub fn run(a: &Args) -> CliResult {
    let config = a.config.load()?;
    let addr = addr16(parse_ip(&a.ip)?);
    let range = parse_range(&a.range)?;
    let snat = SnatPorts::new(&config);
    let base = snat.base(&addr);
    let all = snat.ports_per_tmm(&addr);
    let mut out = Out::new();
    if a.format == Format::Csv {
        out.line("group,tmm,entries,ports,in_range")?;
    }
    for (g, (table, per)) in snat.tables().iter().zip(&all).enumerate() {
        let counts = table.counts();
        let mut in_range = [0u32; 256];
        for x in range.lo..=range.hi {
            in_range[table.get((base ^ snat.port_table().term(x)) as usize) as usize] += 1;
        }
        if a.format == Format::Summary {
            out.line(&format!("group {g}: {PORTS} ports on {} over {TABLE_ENTRIES} entries", a.ip.trim()))?;
            out.line(&format!("  tmm  entries   ports  in {range}"))?;
        }
        for tmm in (0..=255u8).filter(|&t| counts[t as usize] > 0) {
            let (e, p, r) = (counts[tmm as usize], per[tmm as usize], in_range[tmm as usize]);
            match a.format {
                Format::Csv => out.line(&format!("{g},{tmm},{e},{p},{r}"))?,
                Format::Summary => out.line(&format!("  {tmm:<4} {e:>7} {p:>7}  {r:>7}"))?,
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
