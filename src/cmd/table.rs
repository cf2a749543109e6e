//! `flowdist table`: the allocation tables, built or changed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use model::alloc_table::target_counts;
use model::{AllocTable, TABLE_ENTRIES};

use super::{ConfigArg, CliError, CliResult, Format, Out};

/// Print every group's allocation table (`group,index,tmm`).
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Existing tables (this command's CSV): change them to the config's
    /// weights moving the fewest entries, and report how many moved.
    #[arg(long)]
    pub from: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
}

/// Read `group,index,tmm` rows: every group complete, indices 0–4095 once.
pub fn read_tables(path: &Path) -> Result<Vec<AllocTable>, CliError> {
    let fail = |line: usize, why: String| CliError::input(format!("{}:{line}: {why}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
    let mut groups: Vec<Vec<Option<u8>>> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (i == 0 && line.starts_with("group")) {
            continue;
        }
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        if f.len() != 3 {
            return Err(fail(i + 1, format!("expected group,index,tmm, got {line:?}")));
        }
        let num = |s: &str, max: usize, what: &str| -> Result<usize, CliError> {
            s.parse::<usize>().ok().filter(|&v| v <= max).ok_or_else(|| fail(i + 1, format!("{what} {s:?} is not a number 0-{max}")))
        };
        let (g, idx, tmm) = (num(f[0], 255, "group")?, num(f[1], TABLE_ENTRIES - 1, "index")?, num(f[2], 255, "tmm")?);
        if groups.len() <= g {
            groups.resize(g + 1, vec![None; TABLE_ENTRIES]);
        }
        if groups[g][idx].replace(tmm as u8).is_some() {
            return Err(fail(i + 1, format!("group {g} index {idx} given twice")));
        }
    }
    groups
        .into_iter()
        .enumerate()
        .map(|(g, entries)| {
            let missing = entries.iter().filter(|e| e.is_none()).count();
            if missing > 0 {
                return Err(CliError::input(format!("{}: group {g} lacks {missing} of {TABLE_ENTRIES} entries", path.display())));
            }
            let entries: Vec<u8> = entries.into_iter().flatten().collect();
            AllocTable::from_entries(&entries).map_err(|e| CliError::input(e.to_string()))
        })
        .collect()
}

pub fn run(a: &Args) -> CliResult {
    let config = a.config.load()?;
    let mut tables = config.tables();
    if let Some(from) = &a.from {
        let old = read_tables(from)?;
        for (g, group) in config.groups.iter().enumerate() {
            let Some(old_table) = old.get(g) else {
                eprintln!("group {g}: not in {}, built from its weights", from.display());
                continue;
            };
            let (new, moved) = old_table.change(&group.weights).map_err(|e| CliError::input(format!("group {g}: {e}")))?;
            let rebuilt = old_table.entries().iter().zip(tables[g].entries().iter()).filter(|(a, b)| a != b).count();
            eprintln!("group {g}: {moved} of {TABLE_ENTRIES} entries moved (a table rebuilt from scratch would move {rebuilt})");
            tables[g] = new;
        }
    }
    let mut out = Out::new();
    match a.format {
        Format::Csv => {
            out.line("group,index,tmm")?;
            for (g, t) in tables.iter().enumerate() {
                for (i, tmm) in t.entries().iter().enumerate() {
                    out.line(&format!("{g},{i},{tmm}"))?;
                }
            }
        }
        Format::Summary => {
            for (g, (t, group)) in tables.iter().zip(&config.groups).enumerate() {
                let counts = t.counts();
                let sum: f64 = group.weights.iter().map(|w| w.1).sum();
                let target = target_counts(&group.weights).map_err(|e| CliError::input(e.to_string()))?;
                out.line(&format!("group {g} (fixed TMM {}):", group.fixed_tmm))?;
                out.line("  tmm  weight    exact share   entries  (target)")?;
                for &(tmm, w) in &group.weights {
                    let exact = TABLE_ENTRIES as f64 * w / sum;
                    out.line(&format!(
                        "  {tmm:<4} {w:<9.4} {exact:>11.3} {:>9}  ({})",
                        counts[tmm as usize], target[tmm as usize]
                    ))?;
                }
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
