//! `flowdist split`: one capture per egress port, frames as they leave.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use model::capture::CaptureWriter;
use model::Distributor;

use super::{CaptureArgs, CliError, CliResult, Out};

/// Write `DIR/port-N.pcap` for every egress port used (MAC rewrites applied).
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub input: CaptureArgs,
    /// Directory for the per-port captures (created if missing).
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(a: &Args) -> CliResult {
    let config = a.input.config.load()?;
    let dist = Distributor::new(&config);
    let reader = model::capture::open(&a.input.pcap)?;
    std::fs::create_dir_all(&a.out).map_err(|e| CliError::input(format!("{}: {e}", a.out.display())))?;
    // Writers keep a temporary name until every frame is in: a failed run
    // leaves no capture that looks complete.
    let mut writers: BTreeMap<u8, (CaptureWriter, u64)> = BTreeMap::new();
    for frame in reader {
        let frame = frame?;
        let d = dist.classify(&frame.data, a.input.ingress_port);
        let data = dist.egress().egress_frame(&frame.data, &d);
        let (w, n) = match writers.entry(d.port) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => {
                let path = a.out.join(format!("port-{}.pcap", d.port));
                let w = CaptureWriter::create(&path).map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
                e.insert((w, 0))
            }
        };
        w.write(frame.timestamp_ns, frame.orig_len, &data)
            .map_err(|e| CliError::input(format!("{}: {e}", a.out.display())))?;
        *n += 1;
    }
    let mut out = Out::new();
    for (port, (w, n)) in writers {
        let path = w.finish().map_err(|e| CliError::input(format!("{}: {e}", a.out.display())))?;
        out.line(&format!("port {port}: {n} frames -> {}", path.display()))?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
