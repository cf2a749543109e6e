//! Engine 1: the rust-hdl simulation of a core (`hdl::FlowdistCore` or
//! `hdl::FlowdistCompact`), in a direct loop (no testbench threads: two
//! settles per clock cycle).
//!
//! VCD: rust-hdl's own writer, every signal of the design.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::time::{Duration, Instant};

use hdl::flowdist_compact::FlowdistCompactDefault;
use hdl::flowdist_core::{FlowdistCoreDefault, CORE_LATENCY_FIXED};
use rust_hdl::core::vcd_probe::VCDProbe;
use rust_hdl::prelude::*;

use crate::engine::{CoreIn, CoreOut, Engine, EngineError};

/// Update passes allowed for the logic to settle.
const SETTLE_ITERS: usize = 1000;
/// VCD time units per clock cycle.
const VCD_PERIOD: u64 = 10;

/// The latency bound the core documents (flowdist_core.rs), in the
/// checker's terms: from the last beat in (or the output being free) to
/// the first beat offered. The core's figure counts from the first beat in
/// of a frame of n beats: n + `CORE_LATENCY_FIXED`; its last beat goes in
/// n − 1 cycles after the first.
pub const LATENCY_BOUND: u64 = CORE_LATENCY_FIXED as u64 + 1;

/// A core the engine can drive: both have the same ports.
pub trait SimCore: Block + Sized {
    const KIND: crate::CoreKind;
    fn with_tables(config: &model::Config, tables: &[model::AllocTable]) -> Result<Self, String>;
    /// Set every input but the clock.
    fn drive(&mut self, i: &CoreIn);
    fn sample(&self) -> CoreOut;
    fn clock(&mut self, high: bool);
}

macro_rules! sim_core {
    ($core:ty, $kind:expr) => {
        impl SimCore for $core {
            const KIND: crate::CoreKind = $kind;

            fn with_tables(config: &model::Config, tables: &[model::AllocTable]) -> Result<Self, String> {
                <$core>::with_tables(config, tables)
            }

            fn drive(&mut self, i: &CoreIn) {
                self.s_axis_tdata.next = i.s_axis_tdata.into();
                self.s_axis_tkeep.next = u64::from(i.s_axis_tkeep).into();
                self.s_axis_tvalid.next = i.s_axis_tvalid != 0;
                self.s_axis_tlast.next = i.s_axis_tlast != 0;
                self.s_axis_tuser.next = i.s_axis_tuser != 0;
                self.s_axis_ingress_port.next = u64::from(i.s_axis_ingress_port).into();
                self.m_axis_tready.next = i.m_axis_tready != 0;
                self.ctrl_addr.next = u64::from(i.ctrl_addr).into();
                self.ctrl_wdata.next = u64::from(i.ctrl_wdata).into();
                self.ctrl_write.next = i.ctrl_write != 0;
                self.ctrl_read.next = i.ctrl_read != 0;
            }

            fn sample(&self) -> CoreOut {
                CoreOut {
                    m_axis_tdata: self.m_axis_tdata.val().to_u64(),
                    m_axis_hash: self.m_axis_hash.val().to_u32(),
                    ctrl_rdata: self.ctrl_rdata.val().to_u32(),
                    m_axis_index: self.m_axis_index.val().to_u16(),
                    s_axis_tready: u8::from(self.s_axis_tready.val()),
                    m_axis_tkeep: self.m_axis_tkeep.val().to_u8(),
                    m_axis_tvalid: u8::from(self.m_axis_tvalid.val()),
                    m_axis_tlast: u8::from(self.m_axis_tlast.val()),
                    m_axis_tdest: self.m_axis_tdest.val().to_u8(),
                    m_axis_verdict: self.m_axis_verdict.val().to_u8(),
                    m_axis_inner: u8::from(self.m_axis_inner.val()),
                    m_axis_group: self.m_axis_group.val().to_u8(),
                    m_axis_tmm: self.m_axis_tmm.val().to_u8(),
                    ctrl_rvalid: u8::from(self.ctrl_rvalid.val()),
                }
            }

            fn clock(&mut self, high: bool) {
                self.clock.next = Clock { clk: high };
            }
        }
    };
}

sim_core!(FlowdistCoreDefault, crate::CoreKind::Full);
sim_core!(FlowdistCompactDefault, crate::CoreKind::Compact);

pub struct RustHdlEngine<C: SimCore> {
    core: Box<C>,
    cycle: u64,
    vcd: Option<VCDProbe<BufWriter<File>>>,
    /// Update passes over the whole design, and the time they took: a
    /// settle repeats them until no signal changes, so their count per
    /// cycle, not the logic alone, sets the speed.
    passes: u64,
    settling: Duration,
}

impl<C: SimCore> RustHdlEngine<C> {
    pub fn new(config: &model::Config) -> Result<Self, EngineError> {
        let tables = config.tables();
        Self::with_tables(config, &tables)
    }

    /// The core with given power-up tables.
    pub fn with_tables(config: &model::Config, tables: &[model::AllocTable]) -> Result<Self, EngineError> {
        let mut core = Box::new(C::with_tables(config, tables).map_err(EngineError)?);
        core.connect_all();
        check_all(core.as_mut()).map_err(|e| EngineError(format!("rust-hdl check of the core: {e:?}")))?;
        core.clock(false);
        let mut engine = RustHdlEngine { core, cycle: 0, vcd: None, passes: 0, settling: Duration::ZERO };
        engine.settle()?;
        Ok(engine)
    }

    /// `rust_hdl::simulate`, counting the passes.
    fn settle(&mut self) -> Result<(), EngineError> {
        let started = Instant::now();
        for _ in 0..SETTLE_ITERS {
            self.core.update_all();
            self.passes += 1;
            if !self.core.has_changed() {
                self.settling += started.elapsed();
                return Ok(());
            }
        }
        Err(EngineError(format!("the core did not settle in cycle {} (combinational loop)", self.cycle)))
    }

    fn dump(&mut self, t: u64) -> Result<(), EngineError> {
        if let Some(vcd) = self.vcd.take() {
            let mut vcd = vcd;
            vcd.timestamp(t).map_err(|e| EngineError(format!("writing the VCD: {e}")))?;
            self.vcd = Some(write_vcd_change(vcd, self.core.as_ref()));
        }
        Ok(())
    }
}

impl<C: SimCore> Engine for RustHdlEngine<C> {
    fn name(&self) -> &'static str {
        "rust-hdl"
    }

    fn cycle(&mut self, i: &CoreIn) -> Result<CoreOut, EngineError> {
        self.core.drive(i);
        self.core.clock(false);
        self.settle()?;
        let t = self.cycle * VCD_PERIOD;
        self.dump(t)?;
        let out = self.core.sample();
        self.core.clock(true);
        self.settle()?;
        self.dump(t + VCD_PERIOD / 2)?;
        self.cycle += 1;
        Ok(out)
    }

    fn start_trace(&mut self, path: &Path) -> Result<(), EngineError> {
        let file = File::create(path).map_err(|e| EngineError(format!("{}: {e}", path.display())))?;
        let vcd = write_vcd_header(BufWriter::new(file), self.core.as_ref());
        self.vcd = Some(write_vcd_dump(vcd, self.core.as_ref()));
        Ok(())
    }

    fn stop_trace(&mut self) -> Result<(), EngineError> {
        if let Some(vcd) = self.vcd.take() {
            drop(vcd);
        }
        Ok(())
    }

    fn core(&self) -> crate::CoreKind {
        C::KIND
    }

    fn profile(&self) -> Option<String> {
        let cycles = self.cycle.max(1) as f64;
        let passes = self.passes.max(1) as f64;
        Some(format!(
            "rust-hdl: {:.1} update passes over the whole design per cycle, {:.1} us each",
            passes / cycles,
            self.settling.as_secs_f64() * 1e6 / passes
        ))
    }
}
