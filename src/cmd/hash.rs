//! `flowdist hash`: the Toeplitz hash of any input.

use std::process::ExitCode;

use model::config::parse_hex;
use model::{toeplitz_serial, DEFAULT_RSS_KEY};

use super::{CliError, CliResult, Out};

/// Print the Toeplitz hash of HEX input as 8 hex digits.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Input bytes in hex (any length; the flow key is 18 bytes).
    #[arg(long)]
    pub input: String,
    /// Key in hex, at least 4 bytes longer than the input; default: the Microsoft RSS key.
    #[arg(long)]
    pub key: Option<String>,
}

pub fn run(a: &Args) -> CliResult {
    let input = parse_hex(&a.input).map_err(|e| CliError::input(format!("--input: {e}")))?;
    let key = match &a.key {
        Some(k) => parse_hex(k).map_err(|e| CliError::input(format!("--key: {e}")))?,
        None => DEFAULT_RSS_KEY.to_vec(),
    };
    let h = toeplitz_serial(&key, &input).map_err(|e| CliError::input(e.to_string()))?;
    let mut out = Out::new();
    out.line(&format!("{h:08x}"))?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
