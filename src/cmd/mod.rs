//! Subcommands and what they share: config loading, errors, output.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use model::Config;

pub mod classify;
pub mod demo;
pub mod hash;
pub mod load;
pub mod snat_port;
pub mod snat_table;
pub mod split;
mod summary;
pub mod sim;
pub mod system;
pub mod table;
pub mod verilog;
pub mod which;

/// A failure to report: one line, and the process exit code.
#[derive(Debug)]
pub struct CliError {
    pub msg: String,
    pub code: u8,
}

impl CliError {
    /// Bad input (file, config, arguments): exit code 2.
    pub fn input(msg: impl Into<String>) -> Self {
        CliError { msg: msg.into(), code: 2 }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl From<model::config::ConfigError> for CliError {
    fn from(e: model::config::ConfigError) -> Self {
        CliError::input(e.0)
    }
}

impl From<model::capture::CaptureError> for CliError {
    fn from(e: model::capture::CaptureError) -> Self {
        CliError::input(e.to_string())
    }
}

pub type CliResult = Result<std::process::ExitCode, CliError>;

/// `--config`, taken by every command that needs a configuration.
#[derive(clap::Args, Debug, Default, Clone)]
pub struct ConfigArg {
    /// Config file (TOML); the built-in default when absent.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

impl ConfigArg {
    pub fn load(&self) -> Result<Config, CliError> {
        load_config(self.config.as_deref())
    }
}

/// The input of the commands that read a capture.
#[derive(clap::Args, Debug)]
pub struct CaptureArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Capture to read (pcap or pcapng, Ethernet).
    #[arg(long)]
    pub pcap: PathBuf,
    /// Ingress port the capture arrived on.
    #[arg(long, default_value_t = 0)]
    pub ingress_port: u8,
}

/// The config at `path`, or the built-in one; unknown keys are warned about.
pub fn load_config(path: Option<&Path>) -> Result<Config, CliError> {
    let config = match path {
        Some(p) => Config::load(p)?,
        None => Config::builtin(),
    };
    for k in &config.unknown_keys {
        eprintln!("flowdist: warning: config key {k:?} is not used by this version");
    }
    Ok(config)
}

/// Output on stdout; a closed pipe (`| head`) ends quietly.
pub struct Out {
    inner: io::BufWriter<io::StdoutLock<'static>>,
}

impl Out {
    pub fn new() -> Self {
        Out { inner: io::BufWriter::new(io::stdout().lock()) }
    }

    pub fn line(&mut self, s: &str) -> Result<(), CliError> {
        writeln!(self.inner, "{s}").map_err(write_err)
    }

    pub fn flush(&mut self) -> Result<(), CliError> {
        self.inner.flush().map_err(write_err)
    }
}

fn write_err(e: io::Error) -> CliError {
    if e.kind() == io::ErrorKind::BrokenPipe {
        CliError { msg: String::new(), code: 0 }
    } else {
        CliError::input(format!("writing output: {e}"))
    }
}

/// `--format` of the commands that print tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    #[default]
    Csv,
    Summary,
}
