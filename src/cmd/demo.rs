//! `flowdist` with no arguments: the built-in config over built-in traffic.

use std::path::PathBuf;
use std::process::ExitCode;

use model::frame_build::demo_traffic;
use model::Distributor;

use super::summary::Summary;
use super::{CliError, CliResult, ConfigArg, Out};

/// Classify generated demonstration traffic and print the summary.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Connections to generate (both directions each).
    #[arg(long, default_value_t = 2000)]
    pub connections: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Also write the generated traffic as a capture (for classify, split, sim).
    #[arg(long)]
    pub write_pcap: Option<PathBuf>,
}

impl Default for Args {
    fn default() -> Self {
        Args { config: ConfigArg::default(), connections: 2000, seed: 1, write_pcap: None }
    }
}

pub fn run(a: &Args) -> CliResult {
    let config = a.config.load()?;
    let dist = Distributor::new(&config);
    let frames = demo_traffic(a.seed, a.connections);
    if let Some(path) = &a.write_pcap {
        model::capture::write_all(path, frames.iter().map(|f| f.as_slice()))
            .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
    }
    let mut summary = Summary::default();
    for f in &frames {
        summary.add(&dist.classify(f, 0));
    }
    let mut out = Out::new();
    out.line(&format!(
        "flowdist: {} ({} TMMs, {} groups) over built-in traffic: {} connections, seed {}",
        a.config.config.as_ref().map_or("built-in config".to_string(), |p| p.display().to_string()),
        config.tmms.len(),
        config.groups.len(),
        a.connections,
        a.seed
    ))?;
    for l in summary.lines(&config) {
        out.line(&l)?;
    }
    out.line("(try: flowdist classify --pcap FILE --format summary; flowdist --help)")?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
