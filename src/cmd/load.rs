//! `flowdist load`: push a config and its allocation tables to a running
//! board through the UART register bridge (hdl/src/uart_bridge.rs), or
//! print the control-port writes (`--dry-run`).
//!
//! The writes are `hdl::uart_bridge::config_writes`: every register the
//! config sets, complete tables into the shadow bank, then one commit. With
//! `--serial` the device is set to raw mode at `--baud` with `stty` when it
//! is a terminal, the writes are sent, and the register-map ID (address 0)
//! is read back: it arrives only after every write before it was taken.

use std::fs::OpenOptions;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitCode};

use hdl::control_port::CONTROL_ID;
use hdl::uart_bridge::{config_writes, read_frame, write_frame};

use super::{CliError, CliResult, ConfigArg};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Serial device of the board's UART bridge (or any file: the bytes are
    /// written to it).
    #[arg(long, required_unless_present = "dry_run")]
    pub serial: Option<PathBuf>,
    /// Print the writes ("ADDR DATA" in hex, one per line) instead.
    #[arg(long, conflicts_with = "serial")]
    pub dry_run: bool,
    /// Baud rate set on a terminal device.
    #[arg(long, default_value_t = 115_200)]
    pub baud: u32,
    /// Do not read the ID register back (for a device that does not answer).
    #[arg(long)]
    pub no_verify: bool,
}

pub fn run(args: &Args) -> CliResult {
    let config = args.config.load()?;
    let writes = config_writes(&config).map_err(|e| CliError::input(format!("config: {e}")))?;
    let Some(dev) = &args.serial else {
        let mut out = String::with_capacity(writes.len() * 16);
        for (a, d) in &writes {
            out.push_str(&format!("{a:04x} {d:08x}\n"));
        }
        std::io::stdout().write_all(out.as_bytes()).map_err(|e| CliError::input(format!("stdout: {e}")))?;
        return Ok(ExitCode::SUCCESS);
    };
    let err = |what: &str, e: std::io::Error| CliError::input(format!("{}: {what}: {e}", dev.display()));
    let mut port = OpenOptions::new().read(true).write(true).open(dev).map_err(|e| err("open", e))?;
    if port.is_terminal() {
        // Raw 8N1; reads return after 2 s without a byte (time is in 0.1 s).
        let status = Command::new("stty")
            .arg("-F")
            .arg(dev)
            .args([&args.baud.to_string(), "raw", "-echo", "-ixon", "-crtscts", "cs8", "-parenb", "-cstopb", "min", "0", "time", "20"])
            .status()
            .map_err(|e| CliError::input(format!("stty (package coreutils): {e}")))?;
        if !status.success() {
            return Err(CliError::input(format!("{}: stty could not set {} baud raw mode", dev.display(), args.baud)));
        }
    }
    let mut bytes = Vec::with_capacity(writes.len() * 7 + 3);
    for &(a, d) in &writes {
        bytes.extend(write_frame(a, d));
    }
    if !args.no_verify {
        bytes.extend(read_frame(0));
    }
    port.write_all(&bytes).map_err(|e| err("write", e))?;
    port.flush().map_err(|e| err("write", e))?;
    if !args.no_verify {
        let mut id = [0u8; 4];
        let mut got = 0;
        while got < 4 {
            let n = port.read(&mut id[got..]).map_err(|e| err("read", e))?;
            if n == 0 {
                return Err(CliError::input(format!(
                    "{}: no answer to the ID read after {} writes (board, baud rate, bitstream?)",
                    dev.display(),
                    writes.len()
                )));
            }
            got += n;
        }
        let id = u32::from_be_bytes(id);
        if u64::from(id) != CONTROL_ID {
            return Err(CliError::input(format!(
                "{}: ID register reads {id:#010x}, expected {CONTROL_ID:#010x}",
                dev.display()
            )));
        }
    }
    eprintln!("flowdist: {} control-port writes sent to {}", writes.len(), dev.display());
    Ok(ExitCode::SUCCESS)
}
