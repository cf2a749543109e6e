//! flowdist co-verification: frames driven beat by beat into the hardware
//! core, every frame that leaves checked against the golden model.
//!
//! - [`stimulus`]: frames from captures or generators, a live table change;
//! - [`driver`]: the cycle loop (back-to-back, idle gaps, backpressure);
//! - [`checker`]: output against `model::Distributor`, latency bound;
//! - two [`engine::Engine`]s on the same driver and checker:
//!   [`rust_hdl_engine`] (the rust-hdl simulation) and [`verilator`] (the
//!   emitted Verilog, Verilated);
//! - [`control`]: control-port write sequences.
//!
//! [`simulate`] runs one stimulus through one engine and checks it.

pub mod checker;
pub mod control;
pub mod driver;
pub mod engine;
pub mod rust_hdl_engine;
pub mod stimulus;
pub mod verilator;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use model::{Config, Distributor};

use checker::Report;
use driver::{Mode, Options, Record};
use engine::{Engine, EngineError};
use stimulus::Stimulus;

pub use rust_hdl_engine::LATENCY_BOUND;
pub use verilator::Tracing;

/// Which simulation runs the core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineKind {
    RustHdl,
    Verilator,
}

impl EngineKind {
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::RustHdl => "rust-hdl",
            EngineKind::Verilator => "verilator",
        }
    }
}

/// The core's Verilog for `config` (module `flowdist_core`, default buffer),
/// as `flowdist verilog` writes it.
pub fn core_verilog(config: &Config) -> Result<String, EngineError> {
    hdl::flowdist_core::flowdist_core_verilog(config, hdl::flowdist_core::DEFAULT_BUFFER_ADDR_BITS).map_err(EngineError)
}

/// A fresh core at power-up with `config`. `log` hears about slow steps
/// (a Verilator build). `tracing` matters to Verilator only (rust-hdl can
/// always write a VCD): a traced model is built apart and runs slower.
pub fn engine(
    kind: EngineKind,
    config: &Config,
    tracing: Tracing,
    log: &mut dyn FnMut(&str),
) -> Result<Box<dyn Engine>, EngineError> {
    Ok(match kind {
        EngineKind::RustHdl => Box::new(rust_hdl_engine::RustHdlEngine::new(config)?),
        EngineKind::Verilator => {
            // Fail on a missing tool before the slow Verilog generation.
            verilator::verilator_version()?;
            Box::new(verilator::VerilatorEngine::open(&verilator_library(config, tracing, log)?)?)
        }
    })
}

/// The Verilator library for `config`: generating the Verilog takes
/// seconds, so the library is remembered per config for the process.
fn verilator_library(config: &Config, tracing: Tracing, log: &mut dyn FnMut(&str)) -> Result<std::path::PathBuf, EngineError> {
    static LIBRARIES: OnceLock<Mutex<HashMap<String, std::path::PathBuf>>> = OnceLock::new();
    let key = format!("{tracing:?} {config:?}");
    let libraries = LIBRARIES.get_or_init(Default::default);
    if let Some(path) = libraries.lock().expect("no build panicked").get(&key) {
        return Ok(path.clone());
    }
    let path = verilator::build(&core_verilog(config)?, tracing, log)?;
    libraries.lock().expect("no build panicked").insert(key, path.clone());
    Ok(path)
}

/// A checked run.
pub struct Outcome {
    pub record: Record,
    pub report: Report,
}

/// The model's decisions for a run of `stim` on a core configured with
/// `config` (new tables after the run's commit), checked against what left.
pub fn check(config: &Config, stim: &Stimulus, record: &Record) -> Report {
    let before = Distributor::new(config);
    let after = stim.table_change.as_ref().map(|c| Distributor::with_tables(config, c.tables.clone()));
    let expected = checker::expectations(stim, &before, after.as_ref(), record);
    checker::check(stim, &expected, record, LATENCY_BOUND)
}

/// Drive `stim` through `engine` (a fresh core configured with `config`)
/// and check every frame.
pub fn simulate(engine: &mut dyn Engine, config: &Config, stim: &Stimulus, mode: &Mode, options: Options) -> Result<Outcome, EngineError> {
    let record = driver::run(engine, stim, mode, options)?;
    let report = check(config, stim, &record);
    Ok(Outcome { record, report })
}
