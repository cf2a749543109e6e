//! `FlowdistCore`: the whole distributor — frames in, frames out to their
//! egress port with the decision as sideband, a control port.
//!
//! ```text
//! s_axis ─┬─> PacketBuffer (block RAM ring) ───────────────────────────┬─> m_axis
//!         └─> WindowCapture ─> Decide ─> Toeplitz ─> AllocTable ─>      │
//!                 (window, length,                    EgressSelect ─> decision FIFO
//!                  ingress, error)  ── FrameInfo delay line ──┘   (+ Counters)
//! ```
//! Store and forward: the decision is taken when the last beat is in (the
//! MAC's error flag comes with it). The decision path takes one frame per
//! cycle; decisions wait in a 256-entry FIFO (block RAM) in frame order; the
//! buffer's reader sends each frame when its decision is at the head,
//! rewriting the destination MAC in the first beat for TMMs with a MAC.
//! Frames leave in the order they arrived (all ports share one output).
//!
//! Ports (Verilog names, see `flowdist verilog`):
//! - `clock`;
//! - `s_axis_tdata[63:0]`, `s_axis_tkeep[7:0]`, `s_axis_tvalid`,
//!   `s_axis_tlast`, `s_axis_tuser` (MAC error, on the last beat),
//!   `s_axis_ingress_port[7:0]` (sampled at the last beat) → `s_axis_tready`;
//! - `m_axis_tdata`, `m_axis_tkeep`, `m_axis_tvalid`, `m_axis_tlast` ←
//!   `m_axis_tready`; sideband stable from first beat to last:
//!   `m_axis_tdest[7:0]` (egress port), `m_axis_verdict[2:0]`
//!   (`verdict_code`), `m_axis_inner`, `m_axis_group[7:0]`,
//!   `m_axis_index[11:0]`, `m_axis_tmm[7:0]`, `m_axis_hash[31:0]` (group
//!   and TMM for fixed/l4/l3, hash and index for l4/l3, 0 otherwise);
//! - `ctrl_addr[15:0]`, `ctrl_wdata[31:0]`, `ctrl_write`, `ctrl_read` →
//!   `ctrl_rdata[31:0]`, `ctrl_rvalid` (register map: control_port.rs).
//!
//! Input: `s_axis_tready` is high while the packet buffer has room for a beat
//! and fewer than 256 frames wait for a decision; it depends on registers
//! only. Back-to-back frames of 64 bytes and more never stall the input
//! while the output is ready (only runts under 64 bytes, more than 256 in a
//! row, can reach the frame limit). A frame longer than the buffer is cut
//! and sent as `malformed` (packet_buffer.rs).
//!
//! Latency, first beat in to first beat out, output ready, core idle, frame
//! of n beats at one beat per cycle: n + `CORE_LATENCY_FIXED` cycles
//! (`DECISION_LATENCY` + `DECISION_FIFO_LATENCY` + `PACKET_BUFFER_LATENCY`;
//! measured by the tests).
//! The decision path after the last beat: `WINDOW_CAPTURE_LATENCY`, `Decide`
//! `DECIDE_LATENCY`, `Toeplitz` `TOEPLITZ_LATENCY`, `AllocTable`
//! `ALLOC_TABLE_LATENCY`, `EgressSelect` `EGRESS_SELECT_LATENCY`; then the
//! decision FIFO `DECISION_FIFO_LATENCY` and the packet buffer's read
//! `PACKET_BUFFER_LATENCY` (every block RAM is a `BlockRam`, whose output
//! register is the block RAM's own on ECP5). Under backpressure or when
//! earlier frames are still leaving, a frame waits for them in addition.
//!
//! Table and key commits: a commit written in cycle t applies to every frame
//! whose last beat is accepted in cycle t or later; earlier frames use the
//! old key and tables (the commit pulse is delayed to meet each frame at the
//! Toeplitz and table stages).

use rust_hdl::prelude::*;

use crate::alloc_table::{AllocTable, ALLOC_TABLE_LATENCY};
use crate::control_port::{ControlPort, CONTROL_READ_LATENCY};
use crate::counters::Counters;
use crate::decide::{Decide, DECIDE_LATENCY, RULES};
use crate::eth_parse::GRANULES;
use crate::egress_select::{EgressSelect, EGRESS_SELECT_LATENCY};
use crate::packet_buffer::{PacketBuffer, PACKET_BUFFER_LATENCY};
use crate::stream::{DecisionFifo, Delay, FrameInfo, DECISION_FIFO_LATENCY};
use crate::toeplitz::{Toeplitz, TOEPLITZ_LATENCY};
use crate::window_capture::{WindowCapture, WINDOW_CAPTURE_LATENCY};

/// Default packet-buffer size: 2^11 beats = 16 KiB.
pub const DEFAULT_BUFFER_ADDR_BITS: usize = 11;
/// Decision FIFO depth (frames waiting for the output).
pub const DECISION_DEPTH: usize = 256;
const DECISION_ADDR_BITS: usize = 8;

/// Cycles from a frame's last beat in to its decision entering the FIFO.
pub const DECISION_LATENCY: usize = WINDOW_CAPTURE_LATENCY + DECIDE_LATENCY + TOEPLITZ_LATENCY + ALLOC_TABLE_LATENCY + EGRESS_SELECT_LATENCY;
/// First beat out = first beat in + frame beats + this, on an idle core.
pub const CORE_LATENCY_FIXED: usize = DECISION_LATENCY + DECISION_FIFO_LATENCY + PACKET_BUFFER_LATENCY;

const INFO_DELAY: usize = DECIDE_LATENCY + TOEPLITZ_LATENCY + ALLOC_TABLE_LATENCY;
const DECIDE_TO_TABLE_OUT: usize = TOEPLITZ_LATENCY + ALLOC_TABLE_LATENCY;

/// The core with the default 16 KiB packet buffer.
pub type FlowdistCoreDefault = FlowdistCore<DEFAULT_BUFFER_ADDR_BITS>;

#[derive(LogicBlock)]
pub struct FlowdistCore<const A: usize> {
    pub clock: Signal<In, Clock>,
    pub s_axis_tdata: Signal<In, Bits<64>>,
    pub s_axis_tkeep: Signal<In, Bits<8>>,
    pub s_axis_tvalid: Signal<In, Bit>,
    pub s_axis_tlast: Signal<In, Bit>,
    pub s_axis_tuser: Signal<In, Bit>,
    pub s_axis_ingress_port: Signal<In, Bits<8>>,
    pub s_axis_tready: Signal<Out, Bit>,
    pub m_axis_tdata: Signal<Out, Bits<64>>,
    pub m_axis_tkeep: Signal<Out, Bits<8>>,
    pub m_axis_tvalid: Signal<Out, Bit>,
    pub m_axis_tlast: Signal<Out, Bit>,
    pub m_axis_tready: Signal<In, Bit>,
    pub m_axis_tdest: Signal<Out, Bits<8>>,
    pub m_axis_verdict: Signal<Out, Bits<3>>,
    pub m_axis_inner: Signal<Out, Bit>,
    pub m_axis_group: Signal<Out, Bits<8>>,
    pub m_axis_index: Signal<Out, Bits<12>>,
    pub m_axis_tmm: Signal<Out, Bits<8>>,
    pub m_axis_hash: Signal<Out, Bits<32>>,
    pub ctrl_addr: Signal<In, Bits<16>>,
    pub ctrl_wdata: Signal<In, Bits<32>>,
    pub ctrl_write: Signal<In, Bit>,
    pub ctrl_read: Signal<In, Bit>,
    pub ctrl_rdata: Signal<Out, Bits<32>>,
    pub ctrl_rvalid: Signal<Out, Bit>,
    control: ControlPort,
    capture: WindowCapture,
    buffer: PacketBuffer<A>,
    decide: Decide,
    toeplitz: Toeplitz,
    alloc: AllocTable,
    egress: EgressSelect,
    counters: Counters,
    decisions: DecisionFifo<DECISION_ADDR_BITS>,
    info_delay: Delay<FrameInfo, INFO_DELAY>,
    verdict_delay: Delay<Bits<3>, DECIDE_TO_TABLE_OUT>,
    inner_delay: Delay<Bit, DECIDE_TO_TABLE_OUT>,
    group_to_table: Delay<Bits<8>, TOEPLITZ_LATENCY>,
    group_to_egress: Delay<Bits<8>, ALLOC_TABLE_LATENCY>,
    hash_delay: Delay<Bits<32>, ALLOC_TABLE_LATENCY>,
    commit_to_toeplitz: Delay<Bit, { WINDOW_CAPTURE_LATENCY - 1 + DECIDE_LATENCY }>,
    commit_to_table: Delay<Bit, { WINDOW_CAPTURE_LATENCY - 1 + DECIDE_LATENCY + TOEPLITZ_LATENCY }>,
    /// The buffer's facts of a frame (out the cycle after its last beat)
    /// wait for the window capture's.
    cut_to_capture: Delay<Bit, { WINDOW_CAPTURE_LATENCY - 1 }>,
    beats_to_capture: Delay<Bits<16>, { WINDOW_CAPTURE_LATENCY - 1 }>,
    info: Signal<Local, FrameInfo>,
    out_meta: Signal<Local, crate::stream::Egress>,
}

impl<const A: usize> FlowdistCore<A> {
    /// The core as `config` sets it at power-up (tables built from its
    /// weights). Errors: a config the hardware cannot hold.
    pub fn new(config: &model::Config) -> Result<Self, String> {
        Self::with_tables(config, &config.tables())
    }

    /// The core with given initial tables (one per group).
    pub fn with_tables(config: &model::Config, tables: &[model::AllocTable]) -> Result<Self, String> {
        check_fits(config, tables)?;
        let toeplitz = Toeplitz::new(&config.rss_key).map_err(|e| format!("rss_key: {e}"))?;
        Ok(Self {
            clock: Default::default(),
            s_axis_tdata: Default::default(),
            s_axis_tkeep: Default::default(),
            s_axis_tvalid: Default::default(),
            s_axis_tlast: Default::default(),
            s_axis_tuser: Default::default(),
            s_axis_ingress_port: Default::default(),
            s_axis_tready: Default::default(),
            m_axis_tdata: Default::default(),
            m_axis_tkeep: Default::default(),
            m_axis_tvalid: Default::default(),
            m_axis_tlast: Default::default(),
            m_axis_tready: Default::default(),
            m_axis_tdest: Default::default(),
            m_axis_verdict: Default::default(),
            m_axis_inner: Default::default(),
            m_axis_group: Default::default(),
            m_axis_index: Default::default(),
            m_axis_tmm: Default::default(),
            m_axis_hash: Default::default(),
            ctrl_addr: Default::default(),
            ctrl_wdata: Default::default(),
            ctrl_write: Default::default(),
            ctrl_read: Default::default(),
            ctrl_rdata: Default::default(),
            ctrl_rvalid: Default::default(),
            control: ControlPort::new(config),
            capture: Default::default(),
            buffer: PacketBuffer::new(DECISION_DEPTH),
            decide: Default::default(),
            toeplitz,
            alloc: AllocTable::new(tables).map_err(|e| e.to_string())?,
            egress: EgressSelect::new(config),
            counters: Default::default(),
            decisions: Default::default(),
            info_delay: Default::default(),
            verdict_delay: Default::default(),
            inner_delay: Default::default(),
            group_to_table: Default::default(),
            group_to_egress: Default::default(),
            hash_delay: Default::default(),
            commit_to_toeplitz: Default::default(),
            commit_to_table: Default::default(),
            cut_to_capture: Default::default(),
            beats_to_capture: Default::default(),
            info: Default::default(),
            out_meta: Default::default(),
        })
    }
}

impl<const A: usize> Logic for FlowdistCore<A> {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(
            self, clock, control, capture, buffer, decide, toeplitz, alloc, egress, counters, decisions, info_delay,
            verdict_delay, inner_delay, group_to_table, group_to_egress, hash_delay, commit_to_toeplitz,
            commit_to_table, cut_to_capture, beats_to_capture
        );
        // Control port.
        self.control.ctrl_addr.next = self.ctrl_addr.val();
        self.control.ctrl_wdata.next = self.ctrl_wdata.val();
        self.control.ctrl_write.next = self.ctrl_write.val();
        self.control.ctrl_read.next = self.ctrl_read.val();
        self.ctrl_rdata.next = self.control.ctrl_rdata.val();
        self.ctrl_rvalid.next = self.control.ctrl_rvalid.val();
        self.control.counter_data.next = self.counters.read_data.val();
        self.counters.read_addr.next = self.control.counter_addr.val().get_bits::<4>(0);

        // Input: every accepted beat goes to the buffer and the window.
        self.buffer.in_data.next = self.s_axis_tdata.val();
        self.buffer.in_keep.next = self.s_axis_tkeep.val();
        self.buffer.in_valid.next = self.s_axis_tvalid.val();
        self.buffer.in_last.next = self.s_axis_tlast.val();
        self.s_axis_tready.next = self.buffer.in_ready.val();
        self.capture.beat.next = self.s_axis_tvalid.val() & self.buffer.in_ready.val();
        self.capture.data.next = self.s_axis_tdata.val();
        self.capture.keep.next = self.s_axis_tkeep.val();
        self.capture.last.next = self.s_axis_tlast.val();
        self.capture.error.next = self.s_axis_tuser.val();
        self.capture.ingress.next = self.s_axis_ingress_port.val();

        // Decision path.
        self.decide.strobe_in.next = self.capture.strobe_out.val();
        self.decide.head.next = self.capture.head.val();
        for j in 0..GRANULES {
            self.decide.window[j].next = self.capture.window[j].val();
        }
        self.decide.frame_len.next = self.capture.frame_len.val();
        self.decide.group_mac.next = self.control.group_mac.val();
        self.decide.group_mac_enable.next = self.control.group_mac_enable.val();
        for i in 0..RULES {
            self.decide.rule_port[i].next = self.control.rule_port[i].val();
            self.decide.rule_group[i].next = self.control.rule_group[i].val();
            self.decide.rule_valid[i].next = self.control.rule_valid[i].val();
        }
        self.info.next.ingress = self.capture.ingress_out.val();
        self.cut_to_capture.data_in.next = self.buffer.frame_cut.val();
        self.beats_to_capture.data_in.next = self.buffer.frame_beats.val();
        self.info.next.error = self.capture.mac_error.val() | self.cut_to_capture.data_out.val();
        self.info.next.beats = self.beats_to_capture.data_out.val();
        self.info_delay.data_in.next = self.info.val();

        self.toeplitz.strobe_in.next = self.decide.strobe_out.val();
        self.toeplitz.key.next = self.decide.key.val();
        self.toeplitz.key_write.next = self.control.key_write.val();
        self.toeplitz.key_word.next = self.control.key_word.val();
        self.toeplitz.key_data.next = self.control.key_data.val();
        self.commit_to_toeplitz.data_in.next = self.control.commit.val();
        self.toeplitz.commit.next = self.commit_to_toeplitz.data_out.val();
        self.verdict_delay.data_in.next = self.decide.verdict.val();
        self.inner_delay.data_in.next = self.decide.inner.val();
        self.group_to_table.data_in.next = self.decide.group.val();

        self.alloc.strobe_in.next = self.toeplitz.strobe_out.val();
        self.alloc.group.next = self.group_to_table.data_out.val();
        self.alloc.index.next = self.toeplitz.hash.val().get_bits::<12>(0);
        self.alloc.write.next = self.control.table_write.val();
        self.alloc.write_group.next = self.control.table_group.val();
        self.alloc.write_index.next = self.control.table_index.val();
        self.alloc.write_tmm.next = self.control.table_tmm.val();
        self.commit_to_table.data_in.next = self.control.commit.val();
        self.alloc.commit.next = self.commit_to_table.data_out.val();
        self.group_to_egress.data_in.next = self.group_to_table.data_out.val();
        self.hash_delay.data_in.next = self.toeplitz.hash.val();

        self.egress.strobe_in.next = self.alloc.strobe_out.val();
        self.egress.verdict.next = self.verdict_delay.data_out.val();
        self.egress.inner.next = self.inner_delay.data_out.val();
        self.egress.group.next = self.group_to_egress.data_out.val();
        self.egress.hash.next = self.hash_delay.data_out.val();
        self.egress.tmm.next = self.alloc.tmm.val();
        self.egress.info.next = self.info_delay.data_out.val();
        self.egress.bridge_port.next = self.control.bridge_port.val();
        self.egress.control_port.next = self.control.control_port.val();
        self.egress.fragment_port.next = self.control.fragment_port.val();
        self.egress.malformed_port.next = self.control.malformed_port.val();
        self.egress.map_addr.next = self.control.map_addr.val();
        self.egress.map_data.next = self.control.map_data.val();
        self.egress.tmm_port_write.next = self.control.tmm_port_write.val();
        self.egress.tmm_mac_write.next = self.control.tmm_mac_write.val();
        self.egress.fixed_tmm_write.next = self.control.fixed_tmm_write.val();
        self.egress.bypass_write.next = self.control.bypass_write.val();

        // Decisions queue in frame order; counters count decisions.
        self.decisions.write.next = self.egress.strobe_out.val();
        self.decisions.data_in.next = self.egress.egress.val();
        self.counters.strobe.next = self.egress.strobe_out.val();
        self.counters.verdict.next = self.egress.egress.val().verdict;
        self.counters.port.next = self.egress.egress.val().port;
        self.buffer.decision.next = self.decisions.data_out.val();
        self.buffer.decision_valid.next = !self.decisions.empty.val();
        self.decisions.read.next = self.buffer.decision_pop.val();

        // Output.
        self.buffer.out_ready.next = self.m_axis_tready.val();
        self.m_axis_tdata.next = self.buffer.out_data.val();
        self.m_axis_tkeep.next = self.buffer.out_keep.val();
        self.m_axis_tvalid.next = self.buffer.out_valid.val();
        self.m_axis_tlast.next = self.buffer.out_last.val();
        self.out_meta.next = self.buffer.out_meta.val();
        self.m_axis_tdest.next = self.out_meta.val().port;
        self.m_axis_verdict.next = self.out_meta.val().verdict;
        self.m_axis_inner.next = self.out_meta.val().inner;
        self.m_axis_group.next = self.out_meta.val().group;
        self.m_axis_tmm.next = self.out_meta.val().tmm;
        self.m_axis_hash.next = self.out_meta.val().hash;
        self.m_axis_index.next = self.m_axis_hash.val().get_bits::<12>(0);
    }
}

/// What either core needs of a config and its power-up tables: no more
/// rules than the hardware holds, one table per group.
pub fn check_fits(config: &model::Config, tables: &[model::AllocTable]) -> Result<(), String> {
    if config.rules.len() > RULES {
        return Err(format!("the config has {} rules; the hardware holds {RULES}", config.rules.len()));
    }
    if tables.len() != config.groups.len() || tables.is_empty() {
        return Err(format!("{} tables for {} groups", tables.len(), config.groups.len()));
    }
    Ok(())
}

/// One frame as the source offers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InFrame {
    pub data: Vec<u8>,
    pub ingress: u8,
    /// tuser on the last beat.
    pub mac_error: bool,
}

/// One frame as it left the core, with its sideband and timing (cycle
/// numbers count `CoreSim::step` calls from 0).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutFrame {
    /// The bytes sent (tkeep applied).
    pub data: Vec<u8>,
    pub port: u8,
    pub verdict: model::Verdict,
    pub inner: bool,
    pub group: u8,
    pub index: u16,
    pub tmm: u8,
    pub hash: u32,
    /// Input position of the frame (frames leave in arrival order).
    pub seq: usize,
    /// Cycles in which the frame's first and last beats were accepted.
    pub first_in: u64,
    pub last_in: u64,
    /// Cycles in which its first and last beats left.
    pub first_out: u64,
    pub last_out: u64,
}

impl OutFrame {
    /// Cycles from the first beat in to the first beat out.
    pub fn latency(&self) -> u64 {
        self.first_out - self.first_in
    }

    /// The decision as `model::Distributor::classify_rx` reports it, but for
    /// the key (not on the wires: `None`).
    pub fn decision(&self) -> model::Decision {
        let to_tmm = self.verdict.to_tmm();
        let hashed = self.verdict.hashed();
        model::Decision {
            verdict: self.verdict,
            inner: self.inner,
            group: to_tmm.then_some(self.group),
            key: None,
            hash: hashed.then_some(self.hash),
            index: hashed.then_some(self.index),
            tmm: to_tmm.then_some(self.tmm),
            port: self.port,
        }
    }
}

/// Source gaps and sink backpressure for [`CoreSim::run`], reproducible
/// from `seed`.
#[derive(Clone, Copy, Debug)]
pub struct Traffic {
    /// Percent of cycles in which the source, having no beat on offer yet,
    /// holds back (0 = back to back).
    pub gap_percent: u32,
    /// Percent of cycles in which the sink is ready (100 = no backpressure).
    pub ready_percent: u32,
    pub seed: u64,
}

impl Traffic {
    pub const BACK_TO_BACK: Traffic = Traffic { gap_percent: 0, ready_percent: 100, seed: 1 };

    fn roll(state: &mut u64, percent: u32) -> bool {
        // SplitMix64, as model::frame_build::Rng.
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z % 100) < percent as u64
    }
}

struct Source {
    frame: InFrame,
    beats: Vec<(u64, u8, bool)>,
    next: usize,
    seq: usize,
    first_in: u64,
}

struct Sink {
    data: Vec<u8>,
    first_out: u64,
}

/// Drives a [`FlowdistCore`] in rust-hdl simulation, one clock per
/// [`step`](CoreSim::step), without testbench threads (a direct loop: the
/// fast way to simulate rust-hdl).
///
/// Frames queued with [`send`](CoreSim::send) are offered beat by beat in
/// order; control writes queued with [`write`](CoreSim::write) are issued
/// one per cycle; frames that leave are collected (take them with
/// [`take_output`](CoreSim::take_output)). [`run`](CoreSim::run) does all of
/// it for a list of frames.
pub struct CoreSim<const A: usize> {
    core: Box<FlowdistCore<A>>,
    cycle: u64,
    queued: std::collections::VecDeque<InFrame>,
    source: Option<Source>,
    in_flight: std::collections::VecDeque<(usize, u64, u64)>,
    sent: usize,
    sink: Option<Sink>,
    out: Vec<OutFrame>,
    writes: std::collections::VecDeque<(u16, u32)>,
    commits: Vec<u64>,
    stalls: u64,
}

/// The driver for the default core.
pub type CoreSimDefault = CoreSim<DEFAULT_BUFFER_ADDR_BITS>;

impl<const A: usize> CoreSim<A> {
    /// A core as `config` sets it (see [`FlowdistCore::new`]).
    pub fn new(config: &model::Config) -> Result<Self, String> {
        Self::from_core(FlowdistCore::new(config)?)
    }

    pub fn from_core(core: FlowdistCore<A>) -> Result<Self, String> {
        let mut core = Box::new(core);
        core.connect_all();
        check_all(core.as_mut()).map_err(|e| format!("core check: {e:?}"))?;
        let mut sim = CoreSim {
            core,
            cycle: 0,
            queued: Default::default(),
            source: None,
            in_flight: Default::default(),
            sent: 0,
            sink: None,
            out: Vec::new(),
            writes: Default::default(),
            commits: Vec::new(),
            stalls: 0,
        };
        sim.core.clock.next = Clock { clk: false };
        sim.settle();
        Ok(sim)
    }

    fn settle(&mut self) {
        assert!(simulate(self.core.as_mut(), 1000), "the core did not settle (combinational loop)");
    }

    /// Queue a frame for the source.
    pub fn send(&mut self, frame: InFrame) {
        self.queued.push_back(frame);
    }

    /// Queue a control write (issued in order, one per cycle).
    pub fn write(&mut self, addr: u16, data: u32) {
        self.writes.push_back((addr, data));
    }

    /// Cycles simulated so far.
    pub fn cycle(&self) -> u64 {
        self.cycle
    }

    /// Cycles in which the commit register (0x0001) was written.
    pub fn commits(&self) -> &[u64] {
        &self.commits
    }

    /// Cycles in which the source offered a beat and the core was not ready.
    pub fn stall_cycles(&self) -> u64 {
        self.stalls
    }

    /// Frames sent in and not yet out, plus frames still queued.
    pub fn busy(&self) -> bool {
        !self.queued.is_empty() || self.source.is_some() || !self.in_flight.is_empty() || !self.writes.is_empty()
    }

    /// The frames that left since the last call, in order.
    pub fn take_output(&mut self) -> Vec<OutFrame> {
        std::mem::take(&mut self.out)
    }

    /// The core itself (for probing signals).
    pub fn core(&self) -> &FlowdistCore<A> {
        &self.core
    }

    /// One clock cycle: the source offers a beat if it has one on offer or
    /// `offer` is true; the sink is ready if `ready`.
    pub fn step(&mut self, offer: bool, ready: bool) {
        self.step_with(offer, ready, None)
    }

    fn step_with(&mut self, offer: bool, ready: bool, read: Option<u16>) {
        if self.source.is_none() && offer {
            if let Some(frame) = self.queued.pop_front() {
                let beats = crate::stream::frame_beats(&frame.data);
                self.source = Some(Source { frame, beats, next: 0, seq: self.sent, first_in: 0 });
                self.sent += 1;
            }
        }
        let c = &mut self.core;
        match &self.source {
            Some(s) => {
                let (data, keep, last) = s.beats[s.next];
                c.s_axis_tvalid.next = true;
                c.s_axis_tdata.next = data.into();
                c.s_axis_tkeep.next = (keep as u64).into();
                c.s_axis_tlast.next = last;
                c.s_axis_tuser.next = last && s.frame.mac_error;
                c.s_axis_ingress_port.next = (s.frame.ingress as u64).into();
            }
            None => {
                c.s_axis_tvalid.next = false;
                c.s_axis_tlast.next = false;
                c.s_axis_tuser.next = false;
            }
        }
        c.m_axis_tready.next = ready;
        c.ctrl_read.next = read.is_some();
        match self.writes.pop_front() {
            Some((addr, data)) => {
                c.ctrl_write.next = true;
                c.ctrl_addr.next = (addr as u64).into();
                c.ctrl_wdata.next = (data as u64).into();
                if addr as u64 == crate::control_port::ADDR_COMMIT {
                    self.commits.push(self.cycle);
                }
            }
            None => {
                c.ctrl_write.next = false;
                if let Some(addr) = read {
                    c.ctrl_addr.next = (addr as u64).into();
                }
            }
        }
        self.settle();
        self.sample();
        self.core.clock.next = Clock { clk: true };
        self.settle();
        self.core.clock.next = Clock { clk: false };
        self.settle();
        self.cycle += 1;
    }

    /// Handshakes of the current cycle (before the clock edge).
    fn sample(&mut self) {
        let cycle = self.cycle;
        let c = &self.core;
        if c.s_axis_tvalid.val() {
            if c.s_axis_tready.val() {
                let s = self.source.as_mut().expect("valid only with a source");
                if s.next == 0 {
                    s.first_in = cycle;
                }
                s.next += 1;
                if s.next == s.beats.len() {
                    self.in_flight.push_back((s.seq, s.first_in, cycle));
                    self.source = None;
                }
            } else {
                self.stalls += 1;
            }
        }
        if c.m_axis_tvalid.val() && c.m_axis_tready.val() {
            let sink = self.sink.get_or_insert(Sink { data: Vec::new(), first_out: cycle });
            let data = c.m_axis_tdata.val().to_u64();
            let keep = c.m_axis_tkeep.val().to_u8();
            for k in 0..8 {
                if keep & (1 << k) != 0 {
                    sink.data.push((data >> (8 * k)) as u8);
                }
            }
            if c.m_axis_tlast.val() {
                let sink = self.sink.take().expect("a frame is open");
                let (seq, first_in, last_in) = self.in_flight.pop_front().expect("a frame left that never came in");
                self.out.push(OutFrame {
                    data: sink.data,
                    port: c.m_axis_tdest.val().to_u8(),
                    verdict: crate::verdict_code::verdict_from_code(c.m_axis_verdict.val().to_u64()),
                    inner: c.m_axis_inner.val(),
                    group: c.m_axis_group.val().to_u8(),
                    index: c.m_axis_index.val().to_u16(),
                    tmm: c.m_axis_tmm.val().to_u8(),
                    hash: c.m_axis_hash.val().to_u32(),
                    seq,
                    first_in,
                    last_in,
                    first_out: sink.first_out,
                    last_out: cycle,
                });
            }
        }
    }

    /// Read a control register: one cycle with `ctrl_read`, then the
    /// answer `CONTROL_READ_LATENCY` cycles after it (traffic goes on: a
    /// beat on offer stays on offer, the sink is ready).
    pub fn read(&mut self, addr: u16) -> u32 {
        while !self.writes.is_empty() {
            self.step(false, true);
        }
        self.step_with(false, true, Some(addr));
        for _ in 1..CONTROL_READ_LATENCY {
            assert!(!self.core.ctrl_rvalid.val(), "ctrl_rvalid early");
            self.step(false, true);
        }
        assert!(self.core.ctrl_rvalid.val(), "ctrl_rvalid {CONTROL_READ_LATENCY} cycles after ctrl_read");
        self.core.ctrl_rdata.val().to_u32()
    }

    /// Send `frames` with `traffic`'s gaps and backpressure and run until
    /// every frame has left; the frames that left, in order. Errors: frames
    /// still missing after `max_cycles`.
    pub fn run(&mut self, frames: &[InFrame], traffic: &Traffic, max_cycles: u64) -> Result<Vec<OutFrame>, String> {
        for f in frames {
            self.send(f.clone());
        }
        let mut state = traffic.seed;
        let start = self.cycle;
        while self.busy() {
            if self.cycle - start > max_cycles {
                return Err(format!(
                    "{} of {} frames out after {max_cycles} cycles",
                    self.out.len(),
                    frames.len()
                ));
            }
            let offer = !Traffic::roll(&mut state, traffic.gap_percent);
            let ready = Traffic::roll(&mut state, traffic.ready_percent);
            self.step(offer, ready);
        }
        Ok(self.take_output())
    }
}

/// Packet-buffer sizes `verilog` can generate: 2^A beats, A in this range
/// (1 KiB to 32 KiB: a `BlockRam` is at most 4096 deep).
pub const BUFFER_ADDR_BITS_RANGE: std::ops::RangeInclusive<usize> = 7..=12;

/// The core's Verilog for `config` with a buffer of 2^`buffer_addr_bits`
/// beats: top module `flowdist_core`, the port names of this file's header,
/// no `$` in any name (rust-hdl's hierarchical names `a$b` become `a__b`,
/// sub-modules are prefixed `flowdist_core__`).
pub fn flowdist_core_verilog(config: &model::Config, buffer_addr_bits: usize) -> Result<String, String> {
    fn generate<const A: usize>(config: &model::Config) -> Result<String, String> {
        top_verilog(FlowdistCore::<A>::new(config)?)
    }
    for_buffer_bits!(buffer_addr_bits, generate, config)
}

/// `generate::<A>(args)` for A = `bits` in [`BUFFER_ADDR_BITS_RANGE`], or
/// the error that names the range.
#[macro_export]
macro_rules! for_buffer_bits {
    ($bits:expr, $generate:ident, $($arg:expr),*) => {
        match $bits {
            7 => $generate::<7>($($arg),*),
            8 => $generate::<8>($($arg),*),
            9 => $generate::<9>($($arg),*),
            10 => $generate::<10>($($arg),*),
            11 => $generate::<11>($($arg),*),
            12 => $generate::<12>($($arg),*),
            a => Err(format!(
                "a packet buffer of 2^{a} beats is not offered: {}..={}",
                $crate::flowdist_core::BUFFER_ADDR_BITS_RANGE.start(),
                $crate::flowdist_core::BUFFER_ADDR_BITS_RANGE.end()
            )),
        }
    };
}
pub use for_buffer_bits;

/// A core's Verilog as `flowdist verilog` writes it: checked, top module
/// `flowdist_core`, names flattened ([`flatten_names`]).
pub fn top_verilog<B: Block>(mut core: B) -> Result<String, String> {
    core.connect_all();
    check_all(&mut core).map_err(|e| format!("core check: {e:?}"))?;
    Ok(flatten_names(&generate_verilog(&core), "flowdist_core"))
}

/// rust-hdl's Verilog with hierarchical names flattened: every `$` between
/// two identifier characters becomes `__` (system tasks such as `$signed`
/// keep theirs), the top module `top` is renamed `top_name` and its
/// sub-modules `top__…` are renamed `top_name__…`.
pub fn flatten_names(verilog: &str, top_name: &str) -> String {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let chars: Vec<char> = verilog.chars().collect();
    let mut flat = String::with_capacity(verilog.len() + verilog.len() / 16);
    for (i, &c) in chars.iter().enumerate() {
        let joins = c == '$' && i > 0 && ident(chars[i - 1]) && chars.get(i + 1).is_some_and(|&n| ident(n));
        if joins {
            flat.push_str("__");
        } else {
            flat.push(c);
        }
    }
    // Whole-identifier renames of `top` and `top__…`.
    let chars: Vec<char> = flat.chars().collect();
    let mut out = String::with_capacity(flat.len() + 4096);
    let mut i = 0;
    while i < chars.len() {
        let starts_ident = i == 0 || !ident(chars[i - 1]);
        if starts_ident && chars[i..].starts_with(&['t', 'o', 'p']) {
            let after = chars.get(i + 3).copied();
            if !after.is_some_and(ident) || chars[i + 3..].starts_with(&['_', '_']) {
                out.push_str(top_name);
                i += 3;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}
