//! The stream interface between the core's blocks.
//!
//! Frames travel AXI-stream style: 64-bit `tdata` with frame byte k of a beat
//! in `tdata[8k+7:8k]`, `tkeep` contiguous from lane 0 (only the last beat
//! may be partial), `tvalid`/`tready`/`tlast`, `tuser` = the MAC's error flag
//! on the last beat. A beat moves when valid and ready are both high.
//!
//! Beside the frames, two records (`LogicStruct`s, one signal each):
//! - [`FrameInfo`]: what the decision pipeline must carry next to the
//!   header window — known at the frame's last beat;
//! - [`Egress`]: the decision attached to a frame on its way out.
//!
//! [`Delay`] keeps a record aligned with a fixed-latency pipeline (N
//! registers, latency N, one record per cycle).

use rust_hdl::prelude::*;

use crate::block_ram::BlockRam;
use crate::output_queue::OutputQueue;

/// Bytes per beat.
pub const BEAT_BYTES: usize = 8;

/// Per-frame facts known at the last beat, carried beside the decision
/// pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Default, LogicStruct)]
pub struct FrameInfo {
    /// The ingress port the frame arrived on.
    pub ingress: Bits<8>,
    /// The MAC flagged the frame (tuser on the last beat), or the frame was
    /// longer than the packet buffer and was cut: the frame is `malformed`.
    pub error: Bit,
    /// Beats stored in the packet buffer for this frame (1 ..= capacity).
    pub beats: Bits<16>,
}

/// The decision of one frame as it leaves (m_axis sideband) plus what the
/// packet-buffer reader needs to send it.
#[derive(Clone, Copy, Debug, PartialEq, Default, LogicStruct)]
pub struct Egress {
    /// Egress port (`m_axis_tdest`).
    pub port: Bits<8>,
    /// Verdict code (`verdict_code`).
    pub verdict: Bits<3>,
    pub inner: Bit,
    /// Group (fixed, l4, l3; 0 otherwise).
    pub group: Bits<8>,
    /// Toeplitz hash (l4, l3; 0 otherwise); the table index is its low 12 bits.
    pub hash: Bits<32>,
    /// TMM id (fixed, l4, l3; 0 otherwise).
    pub tmm: Bits<8>,
    /// Write `mac` as destination MAC into the first beat.
    pub rewrite: Bit,
    /// The TMM's MAC, frame byte 0 in bits [47:40].
    pub mac: Bits<48>,
    /// Beats of the frame in the packet buffer.
    pub beats: Bits<16>,
}

/// A delay line: `data_out` is `data_in` N cycles earlier (N >= 1).
#[derive(LogicBlock)]
pub struct Delay<D: Synth, const N: usize> {
    pub clock: Signal<In, Clock>,
    pub data_in: Signal<In, D>,
    pub data_out: Signal<Out, D>,
    line: [DFF<D>; N],
}

impl<D: Synth, const N: usize> Default for Delay<D, N> {
    fn default() -> Self {
        assert!(N >= 1, "a delay line needs at least one register");
        Self {
            clock: Default::default(),
            data_in: Default::default(),
            data_out: Default::default(),
            line: std::array::from_fn(|_| Default::default()),
        }
    }
}

impl<D: Synth, const N: usize> Logic for Delay<D, N> {
    #[hdl_gen]
    fn update(&mut self) {
        for i in 0..N {
            self.line[i].clock.next = self.clock.val();
        }
        self.line[0].d.next = self.data_in.val();
        for i in 1..N {
            self.line[i].d.next = self.line[i - 1].q.val();
        }
        // The last register drives the output (each later assignment wins;
        // the generator cannot index with N - 1 outside a loop).
        for i in 0..N {
            self.data_out.next = self.line[i].q.val();
        }
    }
}

/// A frame cut into beats: (tdata, tkeep, tlast), as a source drives them.
pub fn frame_beats(frame: &[u8]) -> Vec<(u64, u8, bool)> {
    let n = frame.len().max(1).div_ceil(BEAT_BYTES);
    (0..n)
        .map(|b| {
            let chunk = &frame[(b * BEAT_BYTES).min(frame.len())..((b + 1) * BEAT_BYTES).min(frame.len())];
            let mut data = 0u64;
            for (k, &byte) in chunk.iter().enumerate() {
                data |= (byte as u64) << (8 * k);
            }
            let keep = ((1u16 << chunk.len()) - 1) as u8;
            (data, keep, b + 1 == n)
        })
        .collect()
}

/// A record written into the [`DecisionFifo`] in cycle w is at its output
/// (`empty` low) in cycle w + 1 + this.
pub const DECISION_FIFO_LATENCY: usize = 3;

/// First-word-fall-through FIFO of [`Egress`] records in block RAM, 2^N
/// entries. `empty` and `data_out` come straight from registers (the head
/// of an [`OutputQueue`]), so a reader whose `read` depends on `empty`
/// forms no combinational loop, even for tools that see whole always
/// blocks. The RAM ([`BlockRam`], read latency 2) is read ahead into the
/// queue, so the FIFO still gives one record per cycle. A record written in
/// cycle w can be read from cycle w + 4 (`DECISION_FIFO_LATENCY`). The
/// writer must not write when full (the core bounds the frames in flight
/// instead of watching a full flag); 2^N records are held in the RAM plus up
/// to 4 in the queue.
#[derive(LogicBlock)]
pub struct DecisionFifo<const N: usize> {
    pub clock: Signal<In, Clock>,
    pub write: Signal<In, Bit>,
    pub data_in: Signal<In, Egress>,
    pub read: Signal<In, Bit>,
    pub data_out: Signal<Out, Egress>,
    pub empty: Signal<Out, Bit>,
    ram: BlockRam<Egress, N>,
    queue: OutputQueue<Egress>,
    wr_ptr: DFF<Bits<16>>,
    /// The next RAM entry to read.
    rd_ptr: DFF<Bits<16>>,
    issue: Signal<Local, Bit>,
}

impl<const N: usize> Default for DecisionFifo<N> {
    fn default() -> Self {
        assert!((1..=12).contains(&N));
        Self {
            clock: Default::default(),
            write: Default::default(),
            data_in: Default::default(),
            read: Default::default(),
            data_out: Default::default(),
            empty: Default::default(),
            ram: Default::default(),
            queue: Default::default(),
            wr_ptr: Default::default(),
            rd_ptr: Default::default(),
            issue: Default::default(),
        }
    }
}

impl<const N: usize> Logic for DecisionFifo<N> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, wr_ptr, rd_ptr);
        self.ram.clock.next = self.clock.val();
        self.queue.clock.next = self.clock.val();
        self.ram.write_address.next = bit_cast::<N, 16>(self.wr_ptr.q.val());
        self.ram.write_data.next = self.data_in.val();
        self.ram.write_enable.next = self.write.val();
        if self.write.val() {
            self.wr_ptr.d.next = self.wr_ptr.q.val() + 1;
        }
        // Read the RAM ahead while the queue, counting the reads in flight,
        // has room. An entry written in cycle w is read from w + 1 on (never
        // at the edge that writes it).
        self.issue.next = (self.wr_ptr.q.val() != self.rd_ptr.q.val()) & self.queue.room.val();
        self.ram.read_address.next = bit_cast::<N, 16>(self.rd_ptr.q.val());
        if self.issue.val() {
            self.rd_ptr.d.next = self.rd_ptr.q.val() + 1;
        }
        self.queue.issue.next = self.issue.val();
        self.queue.push_data.next = self.ram.read_data.val();
        self.queue.pop.next = self.read.val();
        self.empty.next = !self.queue.valid.val();
        self.data_out.next = self.queue.head.val();
    }
}
