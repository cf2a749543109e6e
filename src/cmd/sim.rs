//! `flowdist sim`: a capture through the hardware core (rust-hdl simulation
//! or the Verilated Verilog), every frame checked against the model.
//!
//! Prints frames, cycles, cycles/s, mismatches and latency min/max; on a
//! mismatch the first differing frame with both decisions, and with
//! `--vcd` a VCD of the cycles around it (the run repeated, traced). Exit
//! code 1 on any mismatch, 2 on bad input or an engine that cannot run.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use sim::checker::{Kind, Mismatch};
use sim::driver::{Mode, Options, TraceWindow};
use sim::stimulus::Stimulus;
use sim::{CoreKind, EngineKind, Tracing};

use super::{CaptureArgs, CliError, CliResult, Out};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineArg {
    RustHdl,
    Verilator,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CoreArg {
    /// hdl::FlowdistCore (one frame decided per cycle).
    Full,
    /// hdl::FlowdistCompact (one frame at a time; for the iCE40 HX8K).
    Compact,
}

/// Drive a capture through the core and check it against the model.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub capture: CaptureArgs,
    /// Simulation engine.
    #[arg(long, value_enum, default_value_t = EngineArg::RustHdl)]
    pub engine: EngineArg,
    /// Which core.
    #[arg(long, value_enum, default_value_t = CoreArg::Full)]
    pub core: CoreArg,
    /// Random idle cycles between input beats.
    #[arg(long)]
    pub gaps: bool,
    /// Random output backpressure (m_axis_tready low in runs).
    #[arg(long)]
    pub backpressure: bool,
    /// Seed of the gaps and backpressure.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// On a mismatch, write a VCD of the cycles around the first one here.
    #[arg(long)]
    pub vcd: Option<PathBuf>,
}

/// Cycles traced before and after a mismatch.
const VCD_MARGIN: u64 = 64;
/// Cycles traced after a lost frame went in.
const LOST_TRACE: u64 = 20_000;
/// A run is long enough for progress reports after this.
const QUIET_FOR: Duration = Duration::from_secs(2);

fn engine_err(e: sim::engine::EngineError) -> CliError {
    CliError::input(e.0)
}

pub fn run(a: &Args) -> CliResult {
    let config = a.capture.config.load()?;
    let stim = Stimulus::from_capture(&a.capture.pcap, a.capture.ingress_port)?;
    if stim.frames.is_empty() {
        return Err(CliError::input(format!("{}: no frames to drive", a.capture.pcap.display())));
    }
    let kind = match a.engine {
        EngineArg::RustHdl => EngineKind::RustHdl,
        EngineArg::Verilator => EngineKind::Verilator,
    };
    let core = match a.core {
        CoreArg::Full => CoreKind::Full,
        CoreArg::Compact => CoreKind::Compact,
    };
    let mode = Mode { gaps: a.gaps, backpressure: a.backpressure, seed: a.seed };
    let mut log = |m: &str| eprintln!("flowdist: {m}");
    let mut engine = sim::engine(kind, core, &config, Tracing::Off, &mut log).map_err(engine_err)?;

    let started = Instant::now();
    let total = stim.frames.len();
    let tty = std::io::stderr().is_terminal();
    let mut last_report = Instant::now();
    let mut progress = |frames_in: usize, frames_out: usize, cycles: u64| {
        if started.elapsed() < QUIET_FOR || (!tty && last_report.elapsed() < Duration::from_secs(10)) {
            return;
        }
        last_report = Instant::now();
        let width = 30;
        let done = frames_out * width / total.max(1);
        let bar = format!("[{}{}]", "#".repeat(done.min(width)), " ".repeat(width - done.min(width)));
        let line = format!("{bar} {frames_out}/{total} frames out, {frames_in} in, {cycles} cycles");
        if tty {
            eprint!("\r{line}");
        } else {
            eprintln!("{line}");
        }
    };
    let options = Options { progress: Some(&mut progress), trace: None };
    let outcome = sim::simulate(engine.as_mut(), &config, &stim, &mode, options).map_err(engine_err)?;
    if tty && started.elapsed() >= QUIET_FOR {
        eprintln!();
    }
    let (record, report) = (&outcome.record, &outcome.report);

    let mut out = Out::new();
    let secs = record.elapsed.as_secs_f64().max(1e-9);
    let which = match core {
        CoreKind::Full => kind.name().to_string(),
        CoreKind::Compact => format!("{}, {}", kind.name(), core.name()),
    };
    out.line(&format!("flowdist sim: {} on {which} ({})", a.capture.pcap.display(), mode.describe()))?;
    out.line(&format!("frames: {} in, {} out", report.frames_in, report.frames_out))?;
    out.line(&format!(
        "cycles: {} in {:.2} s ({:.0} cycles/s), input stalled {} cycles",
        report.cycles,
        secs,
        report.cycles as f64 / secs,
        record.input_stalls
    ))?;
    if let Some(profile) = engine.profile() {
        out.line(&profile)?;
    }
    out.line(&format!("mismatches: {}", report.mismatches()))?;
    match (report.latency_min, report.latency_max) {
        (Some(lo), Some(hi)) => out.line(&format!(
            "latency: min {lo}, max {hi} cycles (last beat in or output free -> first beat out; bound {})",
            report.latency_bound
        ))?,
        _ => out.line("latency: no frame matched")?,
    }
    if report.mismatches() == 0 {
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut kinds: Vec<_> = report.counts.iter().collect();
    kinds.sort();
    for (k, n) in kinds {
        out.line(&format!("  {k}: {n}"))?;
    }
    let first = &report.first[0];
    out.line(&format!("first mismatch: {first}"))?;
    out.flush()?;
    if let Some(path) = &a.vcd {
        let window = trace_window(first, record.cycles, path.clone());
        let (from, to) = (window.from, window.to);
        let mut engine = sim::engine(kind, core, &config, Tracing::On, &mut log).map_err(engine_err)?;
        let options = Options { progress: None, trace: Some(window) };
        sim::driver::run(engine.as_mut(), &stim, &mode, options).map_err(engine_err)?;
        out.line(&format!("vcd: cycles {from}..{to} in {}", path.display()))?;
        out.flush()?;
    }
    Ok(ExitCode::from(1))
}

/// Cycles around a mismatch: from its frame's first beat in (or the cycle
/// it shows) to the cycle it shows, with a margin.
fn trace_window(m: &Mismatch, cycles: u64, path: PathBuf) -> TraceWindow {
    let shows = m.cycle.unwrap_or(cycles);
    let start = m.first_in.unwrap_or(shows).min(shows);
    let end = if m.kind == Kind::Lost { (start + LOST_TRACE).min(cycles) } else { shows };
    TraceWindow { from: start.saturating_sub(VCD_MARGIN), to: (end + VCD_MARGIN).min(cycles), path }
}
