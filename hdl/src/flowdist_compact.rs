//! `FlowdistCompact`: the distributor for small FPGAs (iCE40 HX8K) — the
//! same ports, register map and decisions as `FlowdistCore`, with a decision
//! path that takes one frame at a time instead of one per cycle.
//!
//! ```text
//! s_axis ─┬─> PacketBuffer (block RAM ring) ──────────────────────────┬─> m_axis
//!         └─> WindowRam ─> HeaderWalk ─> AllocTable ─> EgressSelect ─> │
//!             (2 windows     (parse, key,                DecisionSlot
//!              in block RAM)  byte-serial hash)          (+ Counters)
//! ```
//! `FlowdistCore` keeps each frame's 128-byte window in 1,024 flip-flops and
//! decides in a 14-stage pipeline beside a 4-stage, 144-bit-wide hash: over
//! 12,000 LUTs, where an HX8K has 7,680 logic cells. Here the windows wait
//! in four block RAMs (`WindowRam`) and `HeaderWalk` reads 8 bytes at a time
//! and hashes a byte per cycle. The allocation table, egress maps, packet
//! buffer, counters and control port are the core's own blocks; the
//! decision waits in one register (`DecisionSlot`), not a FIFO.
//!
//! Ports: exactly `FlowdistCore`'s (flowdist_core.rs), and so is the
//! register map (control_port.rs), but for when a commit applies (below).
//!
//! Throughput: the walk takes 30 to 100 cycles a frame (`HeaderWalk`), so
//! the decision path keeps up with frames of about that many beats; shorter
//! frames back-to-back fill the two window slots and then `s_axis_tready`
//! falls between frames (never inside one). At 48 MHz (the HX8K placement's
//! estimate) 52 cycles a frame, the demo traffic's mean, is 0.9 M frames/s:
//! 1 GbE of 64-byte frames would need 1.49 M.
//!
//! Latency, first beat in to first beat out, output ready, core idle: the
//! frame's beats, then its walk (at most `WALK_MAX_CYCLES`, including the
//! table and egress stages), then 1 (the decision slot) + the packet
//! buffer's `PACKET_BUFFER_LATENCY`. A frame may wait for the walks of the
//! frames ahead of it: [`COMPACT_LATENCY_BOUND`] bounds the wait from its
//! last beat in.
//!
//! Commits: applied between two walks, to every frame whose last beat came
//! in the commit cycle or later, as in `FlowdistCore`; but the frames ahead
//! may still be walking, so software waits `COMMIT_APPLY_CYCLES` after a
//! commit before writing the shadow key or tables again (header_walk.rs).

use rust_hdl::prelude::*;

use crate::alloc_table::AllocTable;
use crate::control_port::ControlPort;
use crate::counters::Counters;
use crate::decide::RULES;
use crate::egress_select::EgressSelect;
use crate::flowdist_core::{check_fits, for_buffer_bits, top_verilog};
use crate::header_walk::{HeaderWalk, WALK_MAX_CYCLES};
use crate::decision_slot::DecisionSlot;
use crate::packet_buffer::{PacketBuffer, PACKET_BUFFER_LATENCY};
use crate::stream::Egress;
use crate::window_ram::{WindowRam, SLOTS};

/// Default packet buffer of the compact core: 2^8 beats = 2 KiB.
pub const COMPACT_BUFFER_ADDR_BITS: usize = 8;
/// Frames between their last beat and their decision leaving the slot:
/// the window slots, the decision slot, and one between the two.
const MAX_FRAMES: usize = SLOTS + 2;
/// Most cycles from a frame's last beat in (the output free) to its first
/// beat out: the walks of the frames ahead in the window slots and its own,
/// then the decision slot's register and the buffer's read.
pub const COMPACT_LATENCY_BOUND: usize = SLOTS * WALK_MAX_CYCLES + 1 + PACKET_BUFFER_LATENCY + 1;

/// The compact core with its default 2 KiB packet buffer.
pub type FlowdistCompactDefault = FlowdistCompact<COMPACT_BUFFER_ADDR_BITS>;

#[derive(LogicBlock)]
pub struct FlowdistCompact<const A: usize> {
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
    windows: WindowRam,
    buffer: PacketBuffer<A>,
    walk: HeaderWalk,
    alloc: AllocTable,
    egress: EgressSelect,
    counters: Counters,
    decisions: DecisionSlot,
    out_meta: Signal<Local, Egress>,
}

impl<const A: usize> FlowdistCompact<A> {
    /// The core as `config` sets it at power-up. Errors: a config the
    /// hardware cannot hold.
    pub fn new(config: &model::Config) -> Result<Self, String> {
        Self::with_tables(config, &config.tables())
    }

    /// The core with given initial tables (one per group).
    pub fn with_tables(config: &model::Config, tables: &[model::AllocTable]) -> Result<Self, String> {
        check_fits(config, tables)?;
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
            windows: Default::default(),
            buffer: PacketBuffer::new(MAX_FRAMES),
            walk: HeaderWalk::new(&config.rss_key).map_err(|e| format!("rss_key: {e}"))?,
            alloc: AllocTable::new(tables).map_err(|e| e.to_string())?,
            egress: EgressSelect::new(config),
            counters: Default::default(),
            decisions: Default::default(),
            out_meta: Default::default(),
        })
    }
}

impl<const A: usize> Logic for FlowdistCompact<A> {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, control, windows, buffer, walk, alloc, egress, counters, decisions);
        // Control port.
        self.control.ctrl_addr.next = self.ctrl_addr.val();
        self.control.ctrl_wdata.next = self.ctrl_wdata.val();
        self.control.ctrl_write.next = self.ctrl_write.val();
        self.control.ctrl_read.next = self.ctrl_read.val();
        self.ctrl_rdata.next = self.control.ctrl_rdata.val();
        self.ctrl_rvalid.next = self.control.ctrl_rvalid.val();
        self.control.counter_data.next = self.counters.read_data.val();
        self.counters.read_addr.next = self.control.counter_addr.val().get_bits::<4>(0);

        // Input: a beat goes in when the buffer has room and the window RAM
        // a slot (both from registers).
        self.buffer.in_data.next = self.s_axis_tdata.val();
        self.buffer.in_keep.next = self.s_axis_tkeep.val();
        self.buffer.in_valid.next = self.s_axis_tvalid.val() & self.windows.ready.val();
        self.buffer.in_last.next = self.s_axis_tlast.val();
        self.s_axis_tready.next = self.buffer.in_ready.val() & self.windows.ready.val();
        self.windows.beat.next = self.s_axis_tvalid.val() & self.buffer.in_ready.val() & self.windows.ready.val();
        self.windows.data.next = self.s_axis_tdata.val();
        self.windows.keep.next = self.s_axis_tkeep.val();
        self.windows.last.next = self.s_axis_tlast.val();
        self.windows.error.next = self.s_axis_tuser.val();
        self.windows.ingress.next = self.s_axis_ingress_port.val();
        self.windows.commit.next = self.control.commit.val();
        self.windows.frame_done.next = self.buffer.frame_done.val();
        self.windows.frame_beats.next = self.buffer.frame_beats.val();
        self.windows.frame_cut.next = self.buffer.frame_cut.val();

        // Decision path.
        self.walk.head_valid.next = self.windows.head_valid.val();
        self.walk.head_len.next = self.windows.head_len.val();
        self.walk.head_mark.next = self.windows.head_mark.val();
        self.windows.rd_half.next = self.walk.rd_half.val();
        self.walk.rd_data.next = self.windows.rd_data.val();
        self.windows.pop.next = self.walk.pop.val();
        self.walk.room.next = self.decisions.room.val();
        self.walk.group_mac.next = self.control.group_mac.val();
        self.walk.group_mac_enable.next = self.control.group_mac_enable.val();
        for i in 0..RULES {
            self.walk.rule_port[i].next = self.control.rule_port[i].val();
            self.walk.rule_group[i].next = self.control.rule_group[i].val();
            self.walk.rule_valid[i].next = self.control.rule_valid[i].val();
        }
        self.walk.key_write.next = self.control.key_write.val();
        self.walk.key_word.next = self.control.key_word.val();
        self.walk.key_data.next = self.control.key_data.val();
        self.walk.commit.next = self.control.commit.val();

        self.alloc.strobe_in.next = self.walk.strobe_out.val();
        self.alloc.group.next = self.walk.group.val();
        self.alloc.index.next = self.walk.hash.val().get_bits::<12>(0);
        self.alloc.write.next = self.control.table_write.val();
        self.alloc.write_group.next = self.control.table_group.val();
        self.alloc.write_index.next = self.control.table_index.val();
        self.alloc.write_tmm.next = self.control.table_tmm.val();
        self.alloc.commit.next = self.walk.table_commit.val();

        // The walk holds its decision and the head frame until the table's
        // answer is out (its `pop`).
        self.egress.strobe_in.next = self.alloc.strobe_out.val();
        self.egress.verdict.next = self.walk.verdict.val();
        self.egress.inner.next = self.walk.inner.val();
        self.egress.group.next = self.walk.group.val();
        self.egress.hash.next = self.walk.hash.val();
        self.egress.tmm.next = self.alloc.tmm.val();
        self.egress.info.next = self.windows.head_info.val();
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
        self.buffer.decision.next = self.decisions.head.val();
        self.buffer.decision_valid.next = self.decisions.valid.val();
        self.decisions.pop.next = self.buffer.decision_pop.val();

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

/// The compact core's Verilog for `config` with a buffer of
/// 2^`buffer_addr_bits` beats: top module `flowdist_core` (a drop-in for
/// the full core), names as `flowdist_core_verilog` writes them.
pub fn flowdist_compact_verilog(config: &model::Config, buffer_addr_bits: usize) -> Result<String, String> {
    fn generate<const A: usize>(config: &model::Config) -> Result<String, String> {
        top_verilog(FlowdistCompact::<A>::new(config)?)
    }
    for_buffer_bits!(buffer_addr_bits, generate, config)
}
