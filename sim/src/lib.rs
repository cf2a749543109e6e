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

/// Which core is simulated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CoreKind {
    /// `hdl::FlowdistCore`, default 16 KiB buffer.
    Full,
    /// `hdl::FlowdistCompact`, default 2 KiB buffer.
    Compact,
}

impl CoreKind {
    pub fn name(self) -> &'static str {
        match self {
            CoreKind::Full => "core",
            CoreKind::Compact => "compact core",
        }
    }

    /// The checker's latency bound for this core.
    pub fn latency_bound(self) -> u64 {
        match self {
            CoreKind::Full => LATENCY_BOUND,
            CoreKind::Compact => hdl::flowdist_compact::COMPACT_LATENCY_BOUND as u64,
        }
    }

    /// Bytes of a frame the default packet buffer holds: a longer frame
    /// leaves cut to this, as `malformed` (packet_buffer.rs).
    pub fn buffer_bytes(self) -> usize {
        use hdl::packet_buffer::PacketBuffer;
        let beats = match self {
            CoreKind::Full => PacketBuffer::<{ hdl::flowdist_core::DEFAULT_BUFFER_ADDR_BITS }>::CAPACITY_BEATS,
            CoreKind::Compact => PacketBuffer::<{ hdl::flowdist_compact::COMPACT_BUFFER_ADDR_BITS }>::CAPACITY_BEATS,
        };
        beats * hdl::stream::BEAT_BYTES
    }

    /// Frames longer than this are expected cut (see `buffer_bytes`). The
    /// compact core's 2 KiB buffer is a limit of its profile that Ethernet
    /// jumbo frames reach, so its runs expect the cut; the full core's
    /// 16 KiB holds any Ethernet frame (9,216 bytes at most), and a longer
    /// frame, cut, is reported as a difference from the model.
    pub fn expected_cut(self) -> usize {
        match self {
            CoreKind::Full => usize::MAX,
            CoreKind::Compact => self.buffer_bytes(),
        }
    }
}

/// The core's Verilog for `config` (module `flowdist_core`, default
/// buffer), as `flowdist verilog [--compact]` writes it.
pub fn core_verilog(config: &Config, core: CoreKind) -> Result<String, EngineError> {
    match core {
        CoreKind::Full => {
            hdl::flowdist_core::flowdist_core_verilog(config, hdl::flowdist_core::DEFAULT_BUFFER_ADDR_BITS)
        }
        CoreKind::Compact => {
            hdl::flowdist_compact::flowdist_compact_verilog(config, hdl::flowdist_compact::COMPACT_BUFFER_ADDR_BITS)
        }
    }
    .map_err(EngineError)
}

/// A fresh core at power-up with `config`. `log` hears about slow steps
/// (a Verilator build). `tracing` matters to Verilator only (rust-hdl can
/// always write a VCD): a traced model is built apart and runs slower.
pub fn engine(
    kind: EngineKind,
    core: CoreKind,
    config: &Config,
    tracing: Tracing,
    log: &mut dyn FnMut(&str),
) -> Result<Box<dyn Engine>, EngineError> {
    use rust_hdl_engine::RustHdlEngine;
    Ok(match (kind, core) {
        (EngineKind::RustHdl, CoreKind::Full) => Box::new(RustHdlEngine::<hdl::flowdist_core::FlowdistCoreDefault>::new(config)?),
        (EngineKind::RustHdl, CoreKind::Compact) => {
            Box::new(RustHdlEngine::<hdl::flowdist_compact::FlowdistCompactDefault>::new(config)?)
        }
        (EngineKind::Verilator, _) => {
            // Fail on a missing tool before the slow Verilog generation.
            verilator::verilator_version()?;
            let library = verilator_library(config, core, tracing, log)?;
            Box::new(verilator::VerilatorEngine::open(&library, core)?)
        }
    })
}

/// The Verilator library for `config`: generating the Verilog takes
/// seconds, so the library is remembered per config for the process.
fn verilator_library(
    config: &Config,
    core: CoreKind,
    tracing: Tracing,
    log: &mut dyn FnMut(&str),
) -> Result<std::path::PathBuf, EngineError> {
    static LIBRARIES: OnceLock<Mutex<HashMap<String, std::path::PathBuf>>> = OnceLock::new();
    let key = format!("{core:?} {tracing:?} {config:?}");
    let libraries = LIBRARIES.get_or_init(Default::default);
    if let Some(path) = libraries.lock().expect("no build panicked").get(&key) {
        return Ok(path.clone());
    }
    let path = verilator::build(&core_verilog(config, core)?, tracing, log)?;
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
pub fn check(config: &Config, core: CoreKind, stim: &Stimulus, record: &Record) -> Report {
    let before = Distributor::new(config);
    let after = stim.table_change.as_ref().map(|c| Distributor::with_tables(config, c.tables.clone()));
    let expected = checker::expectations(stim, &before, after.as_ref(), record, core.expected_cut());
    checker::check(stim, &expected, record, core.latency_bound())
}

/// Drive `stim` through `engine` (a fresh core configured with `config`)
/// and check every frame.
pub fn simulate(engine: &mut dyn Engine, config: &Config, stim: &Stimulus, mode: &Mode, options: Options) -> Result<Outcome, EngineError> {
    let record = driver::run(engine, stim, mode, options)?;
    let report = check(config, engine.core(), stim, &record);
    Ok(Outcome { record, report })
}
