//! Engine 1: the rust-hdl simulation of `hdl::FlowdistCore`, in a direct
//! loop (no testbench threads: two settles per clock cycle).
//!
//! VCD: rust-hdl's own writer, every signal of the design.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::time::{Duration, Instant};

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

pub struct RustHdlEngine {
    core: Box<FlowdistCoreDefault>,
    cycle: u64,
    vcd: Option<VCDProbe<BufWriter<File>>>,
    /// Update passes over the whole design, and the time they took: a
    /// settle repeats them until no signal changes, so their count per
    /// cycle, not the logic alone, sets the speed.
    passes: u64,
    settling: Duration,
}

impl RustHdlEngine {
    pub fn new(config: &model::Config) -> Result<Self, EngineError> {
        let tables = config.tables();
        Self::with_tables(config, &tables)
    }

    /// The core with given power-up tables.
    pub fn with_tables(config: &model::Config, tables: &[model::AllocTable]) -> Result<Self, EngineError> {
        let mut core = Box::new(FlowdistCoreDefault::with_tables(config, tables).map_err(EngineError)?);
        core.connect_all();
        check_all(core.as_mut()).map_err(|e| EngineError(format!("rust-hdl check of the core: {e:?}")))?;
        core.clock.next = Clock { clk: false };
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

impl Engine for RustHdlEngine {
    fn name(&self) -> &'static str {
        "rust-hdl"
    }

    fn cycle(&mut self, i: &CoreIn) -> Result<CoreOut, EngineError> {
        let c = &mut self.core;
        c.s_axis_tdata.next = i.s_axis_tdata.into();
        c.s_axis_tkeep.next = u64::from(i.s_axis_tkeep).into();
        c.s_axis_tvalid.next = i.s_axis_tvalid != 0;
        c.s_axis_tlast.next = i.s_axis_tlast != 0;
        c.s_axis_tuser.next = i.s_axis_tuser != 0;
        c.s_axis_ingress_port.next = u64::from(i.s_axis_ingress_port).into();
        c.m_axis_tready.next = i.m_axis_tready != 0;
        c.ctrl_addr.next = u64::from(i.ctrl_addr).into();
        c.ctrl_wdata.next = u64::from(i.ctrl_wdata).into();
        c.ctrl_write.next = i.ctrl_write != 0;
        c.ctrl_read.next = i.ctrl_read != 0;
        c.clock.next = Clock { clk: false };
        self.settle()?;
        let t = self.cycle * VCD_PERIOD;
        self.dump(t)?;
        let c = &self.core;
        let out = CoreOut {
            m_axis_tdata: c.m_axis_tdata.val().to_u64(),
            m_axis_hash: c.m_axis_hash.val().to_u32(),
            ctrl_rdata: c.ctrl_rdata.val().to_u32(),
            m_axis_index: c.m_axis_index.val().to_u16(),
            s_axis_tready: u8::from(c.s_axis_tready.val()),
            m_axis_tkeep: c.m_axis_tkeep.val().to_u8(),
            m_axis_tvalid: u8::from(c.m_axis_tvalid.val()),
            m_axis_tlast: u8::from(c.m_axis_tlast.val()),
            m_axis_tdest: c.m_axis_tdest.val().to_u8(),
            m_axis_verdict: c.m_axis_verdict.val().to_u8(),
            m_axis_inner: u8::from(c.m_axis_inner.val()),
            m_axis_group: c.m_axis_group.val().to_u8(),
            m_axis_tmm: c.m_axis_tmm.val().to_u8(),
            ctrl_rvalid: u8::from(c.ctrl_rvalid.val()),
        };
        self.core.clock.next = Clock { clk: true };
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
