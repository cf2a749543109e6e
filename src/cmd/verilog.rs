//! `flowdist verilog`: the distributor core as Verilog, generated from the
//! rust-hdl design with the config's values as power-up state.

use std::path::PathBuf;
use std::process::ExitCode;

use hdl::flowdist_compact::{flowdist_compact_verilog, COMPACT_BUFFER_ADDR_BITS};
use hdl::flowdist_core::{flowdist_core_verilog, BUFFER_ADDR_BITS_RANGE, DEFAULT_BUFFER_ADDR_BITS};

use super::{CliError, CliResult, ConfigArg};

/// Write DIR/flowdist_core.v (top module `flowdist_core`).
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Output folder (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Packet-buffer size in KiB: a power of two from 1 to 32. A frame
    /// longer than the buffer is cut and sent as malformed. Default: 16, or
    /// 2 with --compact.
    #[arg(long)]
    pub buffer_kib: Option<usize>,
    /// The compact core (hdl/src/flowdist_compact.rs: same ports and
    /// decisions, one frame decided at a time; fits an iCE40 HX8K with a
    /// one-group config).
    #[arg(long)]
    pub compact: bool,
}

pub fn run(args: &Args) -> CliResult {
    let config = args.config.load()?;
    type Generate = fn(&model::Config, usize) -> Result<String, String>;
    let (core, default_bits, generate): (&str, usize, Generate) = if args.compact {
        ("compact core", COMPACT_BUFFER_ADDR_BITS, flowdist_compact_verilog)
    } else {
        ("core", DEFAULT_BUFFER_ADDR_BITS, flowdist_core_verilog)
    };
    let kib = args.buffer_kib.unwrap_or(8 << default_bits >> 10);
    let beats = kib * 1024 / 8;
    let bits = beats.trailing_zeros() as usize;
    if !kib.is_power_of_two() || !BUFFER_ADDR_BITS_RANGE.contains(&bits) {
        return Err(CliError::input(format!("--buffer-kib {kib}: a power of two from 1 to 32")));
    }
    let text = generate(&config, bits).map_err(|e| CliError::input(format!("cannot generate: {e}")))?;
    let path = args.out.join("flowdist_core.v");
    std::fs::create_dir_all(&args.out).map_err(|e| CliError::input(format!("{}: {e}", args.out.display())))?;
    // Written beside, then renamed: a failed run leaves no half file.
    let tmp = args.out.join(".flowdist_core.v.tmp");
    std::fs::write(&tmp, text).map_err(|e| CliError::input(format!("{}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, &path).map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
    eprintln!("flowdist: wrote {} ({core}, {kib} KiB packet buffer)", path.display());
    Ok(ExitCode::SUCCESS)
}
