//! `flowdist classify`: one decision per frame of a capture.

use std::process::ExitCode;

use model::{Decision, Distributor};

use super::summary::Summary;
use super::{CaptureArgs, CliError, CliResult, Format, Out};

/// Classify every frame of a capture (SPEC's CSV, or a summary).
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub input: CaptureArgs,
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
}

pub fn run(a: &Args) -> CliResult {
    let config = a.input.config.load()?;
    let dist = Distributor::new(&config);
    let reader = model::capture::open(&a.input.pcap)?;
    let mut out = Out::new();
    let mut summary = Summary::default();
    if a.format == Format::Csv {
        out.line(Decision::CSV_HEADER)?;
    }
    let mut n = 0u64;
    for frame in reader {
        // A bad record ends the run: rows already printed stay printed.
        let frame = match frame {
            Ok(f) => f,
            Err(e) => {
                out.flush()?;
                return Err(CliError::from(e));
            }
        };
        n += 1;
        let d = dist.classify(&frame.data, a.input.ingress_port);
        match a.format {
            Format::Csv => out.line(&d.csv_row(n))?,
            Format::Summary => summary.add(&d),
        }
    }
    if a.format == Format::Summary {
        for l in summary.lines(&config) {
            out.line(&l)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
