//! Packet buffer: frames wait in block RAM for their decision.
//!
//! Store and forward. Every accepted beat is written into a ring of
//! 2^A beats (a [`BlockRam`] of tdata and tkeep); the output reads a frame
//! back when its decision (an [`Egress`] record) is at the head of the
//! decision queue, writes the TMM's MAC into the first beat when the record
//! says so (into the lanes that beat has: a frame under 6 bytes gets the
//! MAC's first bytes), and sends the beats with the record as sideband.
//!
//! Ports
//! - input stream: `in_data`, `in_keep`, `in_valid`, `in_last` → `in_ready`.
//!   `in_ready` is high while the ring has room for a beat and fewer than
//!   `max_frames` frames wait for their decision (the decision queue's depth,
//!   so it can never overflow); it is a register, set from the next cycle's
//!   counts, so its large fan-out (the ring, the window capture) starts at
//!   a flip-flop. A beat written counts at once; a slot freed or a decision
//!   popped shows two cycles later, so that the read side's late signals
//!   stay on the read side.
//! - per frame, registered, high the cycle after its last beat: `frame_done`,
//!   `frame_beats` (beats stored: the count before the last beat, plus one,
//!   after the register), `frame_cut` (the frame was cut, below). The last
//!   beat only enables these registers (a constant loaded on a cut frame
//!   became a reset behind the accept, the board's clk125 path with seed 2).
//! - decisions, in frame order, first-word-fall-through: `decision`,
//!   `decision_valid` → `decision_pop`.
//! - output stream: `out_data`, `out_keep`, `out_valid`, `out_last`,
//!   `out_meta` (the frame's record, stable from first beat to last) ←
//!   `out_ready`. `out_valid` and the data come from registers.
//!
//! Throughput one beat per cycle in and out, with no idle cycle between
//! frames on the output (back-to-back frames of any size keep up with the
//! input). Latency: a decision at the head of the queue in cycle t gives the
//! frame's first beat on the output in cycle t + `PACKET_BUFFER_LATENCY`.
//!
//! Timing: the logic works on registers — the decision queue's head is an
//! [`OutputQueue`] entry, the ring is a [`BlockRam`], whose output register
//! is the block RAM's own (on ECP5 a block RAM's clock-to-out leaves no room
//! for logic behind it at 125 MHz and above), and whether a read may issue
//! is the output queue's `room`, a register, so `out_ready` reaches only
//! that queue.
//! Read pipeline: issue (RAM address; the decision queue's head taken with
//! a frame's first beat) → r (RAM reading) → r2 (RAM output register) →
//! MAC rewrite → output queue of four entries.
//!
//! Frames longer than the ring: the ring holds at most 2^A beats of a frame.
//! Beats past that are accepted and dropped (the input never deadlocks); the
//! frame leaves with its first 2^A beats, its last beat full, and
//! `frame_cut` set — the core treats it like a MAC error (verdict
//! `malformed`, sent to `malformed_port`). With the default A = 11 (16 KiB)
//! only frames over 16384 bytes are cut; a 9200-byte jumbo frame fits with
//! 7184 bytes (112 minimum frames) to spare.

use rust_hdl::prelude::*;

use crate::block_ram::BlockRam;
use crate::output_queue::OutputQueue;
use crate::stream::Egress;

/// Cycles from a decision at the head of the decision queue to the frame's
/// first beat on the output (idle buffer, output ready).
pub const PACKET_BUFFER_LATENCY: usize = 3;

/// A beat read back, on its way out: tdata and tkeep, tlast, the frame's
/// record.
#[derive(Clone, Copy, Debug, PartialEq, Default, LogicStruct)]
pub struct OutBeat {
    pub word: Bits<72>,
    pub last: Bit,
    pub meta: Egress,
}

#[derive(LogicBlock)]
pub struct PacketBuffer<const A: usize> {
    pub clock: Signal<In, Clock>,
    pub in_data: Signal<In, Bits<64>>,
    pub in_keep: Signal<In, Bits<8>>,
    pub in_valid: Signal<In, Bit>,
    pub in_last: Signal<In, Bit>,
    pub in_ready: Signal<Out, Bit>,
    pub frame_done: Signal<Out, Bit>,
    pub frame_beats: Signal<Out, Bits<16>>,
    pub frame_cut: Signal<Out, Bit>,
    pub decision: Signal<In, Egress>,
    pub decision_valid: Signal<In, Bit>,
    pub decision_pop: Signal<Out, Bit>,
    pub out_data: Signal<Out, Bits<64>>,
    pub out_keep: Signal<Out, Bits<8>>,
    pub out_valid: Signal<Out, Bit>,
    pub out_last: Signal<Out, Bit>,
    pub out_meta: Signal<Out, Egress>,
    pub out_ready: Signal<In, Bit>,
    ram: BlockRam<Bits<72>, A>,
    // Write side.
    wr_ptr: DFF<Bits<16>>,
    /// Beats of the incoming frame so far (stops at the capacity).
    in_beats: DFF<Bits<16>>,
    /// Frames whose last beat is in and whose decision is not popped yet,
    /// counting a pop one cycle late (`popped`): an overestimate by one at
    /// most, so `in_ready` stays safe, and the pop (late: the output
    /// queue's room) does not reach the input side's logic.
    pending: DFF<Bits<16>>,
    popped: DFF<Bit>,
    /// `in_ready` (high from power-up: the ring is empty) and "the incoming
    /// frame fills the ring" (`in_beats` == capacity), registered.
    ready: DFFWithInit<Bit>,
    cut: DFF<Bit>,
    done: DFF<Bit>,
    /// `in_beats` as the last beat came in (one less than stored).
    done_beats: DFF<Bits<16>>,
    done_cut: DFF<Bit>,
    // Read side: issue (RAM address) → r (RAM reading) → r2 (RAM output
    // register) → output queue.
    rd_ptr: DFF<Bits<16>>,
    /// Beats of the open frame still to issue, and "that is not 0".
    left: DFF<Bits<16>>,
    open: DFF<Bit>,
    /// The open frame's record (from the cycle after its first beat's issue;
    /// between frames it follows the decision queue's head).
    cur: DFF<Egress>,
    r_first: DFF<Bit>,
    r_last: DFF<Bit>,
    r2_first: DFF<Bit>,
    r2_last: DFF<Bit>,
    r2_meta: DFF<Egress>,
    /// Beats read, waiting for the output; its head is the output.
    queue: OutputQueue<OutBeat>,
    capacity: Constant<Bits<16>>,
    capacity_less_one: Constant<Bits<16>>,
    max_frames: Constant<Bits<16>>,
    max_frames_less_one: Constant<Bits<16>>,
    /// Clears the destination MAC (lanes 0-5) of a stored word.
    keep_past_mac: Constant<Bits<72>>,
    accept: Signal<Local, Bit>,
    cutting: Signal<Local, Bit>,
    /// Beats in the ring (written, not yet issued), kept as a register with
    /// its successor and predecessor ready: a pointer difference before the
    /// comparisons was the 25F's critical path. An issue counts one cycle
    /// late (`issued`), like a pop in `pending`.
    used: DFF<Bits<16>>,
    issued: DFF<Bit>,
    used_up: Signal<Local, Bits<16>>,
    used_down: Signal<Local, Bits<16>>,
    /// This cycle's changes to the counts: a beat written, a last beat
    /// accepted, a decision taken.
    write: Signal<Local, Bit>,
    ends: Signal<Local, Bit>,
    /// Next cycle's "ring full", "max_frames waiting" and "frame cut", if
    /// no beat is accepted this cycle (`_idle`) and if one is (`_taking`).
    full_idle: Signal<Local, Bit>,
    full_taking: Signal<Local, Bit>,
    frames_idle: Signal<Local, Bit>,
    frames_taking: Signal<Local, Bit>,
    cut_idle: Signal<Local, Bit>,
    cut_taking: Signal<Local, Bit>,
    head_take: Signal<Local, Bit>,
    issue: Signal<Local, Bit>,
    issue_first: Signal<Local, Bit>,
    issue_last: Signal<Local, Bit>,
    word: Signal<Local, Bits<72>>,
    mac: Signal<Local, Bits<48>>,
    out_word: Signal<Local, Bits<72>>,
}

impl<const A: usize> PacketBuffer<A> {
    /// A ring of 2^A beats; `max_frames` is the depth of the decision queue
    /// that feeds `decision`.
    pub fn new(max_frames: usize) -> Self {
        assert!((4..=12).contains(&A), "the ring holds 2^4 to 2^12 beats");
        assert!((1..65536).contains(&max_frames), "max_frames must fit 16 bits");
        Self {
            clock: Default::default(),
            in_data: Default::default(),
            in_keep: Default::default(),
            in_valid: Default::default(),
            in_last: Default::default(),
            in_ready: Default::default(),
            frame_done: Default::default(),
            frame_beats: Default::default(),
            frame_cut: Default::default(),
            decision: Default::default(),
            decision_valid: Default::default(),
            decision_pop: Default::default(),
            out_data: Default::default(),
            out_keep: Default::default(),
            out_valid: Default::default(),
            out_last: Default::default(),
            out_meta: Default::default(),
            out_ready: Default::default(),
            ram: Default::default(),
            wr_ptr: Default::default(),
            in_beats: Default::default(),
            pending: Default::default(),
            popped: Default::default(),
            ready: DFFWithInit::new(true),
            cut: Default::default(),
            done: Default::default(),
            done_beats: Default::default(),
            done_cut: Default::default(),
            rd_ptr: Default::default(),
            left: Default::default(),
            open: Default::default(),
            cur: Default::default(),
            r_first: Default::default(),
            r_last: Default::default(),
            r2_first: Default::default(),
            r2_last: Default::default(),
            r2_meta: Default::default(),
            queue: Default::default(),
            capacity: Constant::new(((1u64 << A) as u64).into()),
            capacity_less_one: Constant::new((((1u64 << A) - 1) as u64).into()),
            max_frames: Constant::new((max_frames as u64).into()),
            max_frames_less_one: Constant::new((max_frames as u64 - 1).into()),
            keep_past_mac: Constant::new(bit_cast::<72, 64>(0xFFFF_0000_0000_0000u64.into()) | (bit_cast::<72, 8>(0xFFu64.into()) << 64)),
            accept: Default::default(),
            cutting: Default::default(),
            used: Default::default(),
            issued: Default::default(),
            used_up: Default::default(),
            used_down: Default::default(),
            write: Default::default(),
            ends: Default::default(),
            full_idle: Default::default(),
            full_taking: Default::default(),
            frames_idle: Default::default(),
            frames_taking: Default::default(),
            cut_idle: Default::default(),
            cut_taking: Default::default(),
            head_take: Default::default(),
            issue: Default::default(),
            issue_first: Default::default(),
            issue_last: Default::default(),
            word: Default::default(),
            mac: Default::default(),
            out_word: Default::default(),
        }
    }

    /// Beats the ring holds.
    pub const CAPACITY_BEATS: usize = 1 << A;
}

impl<const A: usize> Logic for PacketBuffer<A> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, wr_ptr, used, issued, in_beats, pending, popped, ready, cut, done, done_beats, done_cut, rd_ptr, left, open, cur, r_first,
            r_last, r2_first, r2_last, r2_meta
        );
        self.queue.clock.next = self.clock.val();
        self.ram.clock.next = self.clock.val();
        // Write side.
        self.cutting.next = self.cut.q.val();
        self.in_ready.next = self.ready.q.val();
        self.accept.next = self.in_valid.val() & self.in_ready.val();
        self.write.next = self.accept.val() & !self.cutting.val();
        self.ends.next = self.accept.val() & self.in_last.val();
        self.ram.write_address.next = bit_cast::<A, 16>(self.wr_ptr.q.val());
        self.ram.write_data.next = bit_cast::<72, 64>(self.in_data.val()) | (bit_cast::<72, 8>(self.in_keep.val()) << 64);
        self.ram.write_enable.next = self.write.val();
        if self.write.val() {
            self.wr_ptr.d.next = self.wr_ptr.q.val() + 1;
            self.in_beats.d.next = self.in_beats.q.val() + 1;
        }
        self.done.d.next = false;
        if self.ends.val() {
            self.done.d.next = true;
            self.done_cut.d.next = self.cutting.val();
            self.done_beats.d.next = self.in_beats.q.val();
            self.in_beats.d.next = 0.into();
        }
        self.frame_done.next = self.done.q.val();
        self.frame_beats.next = self.done_beats.q.val() + 1;
        if self.done_cut.q.val() {
            self.frame_beats.next = self.capacity.val();
        }
        self.frame_cut.next = self.done_cut.q.val();

        // Read side: issue a RAM read when the output queue will have room
        // for its data (its `room`, a register); a new frame starts with the
        // decision queue's head, popped as its first beat is issued.
        self.issue.next = false;
        self.head_take.next = false;
        self.issue_first.next = false;
        self.issue_last.next = self.left.q.val() == 1;
        // Between frames `cur` and `left` follow the queue's head, enabled
        // by `open` alone: the take then drives only the counts and the
        // decision queue, not 141 more flip-flops.
        if !self.open.q.val() {
            self.cur.d.next = self.decision.val();
            self.left.d.next = self.decision.val().beats - 1;
        }
        if self.queue.room.val() {
            if self.open.q.val() {
                self.issue.next = true;
                self.left.d.next = self.left.q.val() - 1;
                self.open.d.next = self.left.q.val() != 1;
            } else if self.decision_valid.val() {
                self.issue.next = true;
                self.head_take.next = true;
                self.issue_first.next = true;
                self.issue_last.next = self.decision.val().beats == 1;
                self.open.d.next = self.decision.val().beats != 1;
            }
        }
        self.decision_pop.next = self.head_take.val();
        self.ram.read_address.next = bit_cast::<A, 16>(self.rd_ptr.q.val());
        if self.issue.val() {
            self.rd_ptr.d.next = self.rd_ptr.q.val() + 1;
        }
        self.r_first.d.next = self.issue_first.val();
        self.r_last.d.next = self.issue_last.val();
        self.r2_first.d.next = self.r_first.q.val();
        self.r2_last.d.next = self.r_last.q.val();
        // A beat in r belongs to the frame in `cur` (a first beat's record
        // is in `cur` from the cycle after its issue).
        self.r2_meta.d.next = self.cur.q.val();
        // Frames waiting for their decision.
        self.popped.d.next = self.decision_pop.val();
        if self.ends.val() & !self.popped.q.val() {
            self.pending.d.next = self.pending.q.val() + 1;
        }
        if !self.ends.val() & self.popped.q.val() {
            self.pending.d.next = self.pending.q.val() - 1;
        }
        self.used_up.next = self.used.q.val() + 1;
        self.used_down.next = self.used.q.val() - 1;
        self.issued.d.next = self.issue.val();
        if self.write.val() & !self.issued.q.val() {
            self.used.d.next = self.used_up.val();
        }
        if !self.write.val() & self.issued.q.val() {
            self.used.d.next = self.used_down.val();
        }
        // Next cycle's in_ready (and cut), from comparisons of this cycle's
        // registers and the one-step changes (counts move by one at most),
        // worked out both ways, a beat accepted this cycle or not: the
        // accept (`in_valid`, late: it comes from another block) only picks
        // one. It was the Colorlight board's clk125 path, 8.5 ns.
        self.full_idle.next = self.used.q.val() == self.capacity.val();
        self.full_taking.next = self.full_idle.val() | ((self.used.q.val() == self.capacity_less_one.val()) & !self.cutting.val());
        self.frames_idle.next = (self.pending.q.val() == self.max_frames.val()) & !self.popped.q.val();
        self.frames_taking.next = ((self.pending.q.val() == self.max_frames.val())
            & !(self.popped.q.val() & !self.in_last.val()))
            | ((self.pending.q.val() == self.max_frames_less_one.val()) & self.in_last.val() & !self.popped.q.val());
        self.cut_idle.next = self.in_beats.q.val() == self.capacity.val();
        self.cut_taking.next = !self.in_last.val()
            & (self.cut_idle.val() | ((self.in_beats.q.val() == self.capacity_less_one.val()) & !self.cutting.val()));
        self.ready.d.next = !self.frames_idle.val() & (self.cut_idle.val() | !self.full_idle.val());
        self.cut.d.next = self.cut_idle.val();
        if self.accept.val() {
            self.ready.d.next = !self.frames_taking.val() & (self.cut_taking.val() | !self.full_taking.val());
            self.cut.d.next = self.cut_taking.val();
        }

        // The word read: destination-MAC rewrite on the first beat (MAC byte
        // k in lane k).
        self.word.next = self.ram.read_data.val();
        self.mac.next = self.r2_meta.q.val().mac;
        if self.r2_first.q.val() & self.r2_meta.q.val().rewrite {
            self.word.next = (self.ram.read_data.val() & self.keep_past_mac.val())
                | bit_cast::<72, 8>(self.mac.val().get_bits::<8>(40))
                | (bit_cast::<72, 8>(self.mac.val().get_bits::<8>(32)) << 8)
                | (bit_cast::<72, 8>(self.mac.val().get_bits::<8>(24)) << 16)
                | (bit_cast::<72, 8>(self.mac.val().get_bits::<8>(16)) << 24)
                | (bit_cast::<72, 8>(self.mac.val().get_bits::<8>(8)) << 32)
                | (bit_cast::<72, 8>(self.mac.val().get_bits::<8>(0)) << 40);
        }
        self.queue.issue.next = self.issue.val();
        self.queue.push_data.next.word = self.word.val();
        self.queue.push_data.next.last = self.r2_last.q.val();
        self.queue.push_data.next.meta = self.r2_meta.q.val();
        // (The queue ignores a pop when it is empty.)
        self.queue.pop.next = self.out_ready.val();
        self.out_valid.next = self.queue.valid.val();
        self.out_word.next = self.queue.head.val().word;
        self.out_data.next = self.out_word.val().get_bits::<64>(0);
        self.out_keep.next = self.out_word.val().get_bits::<8>(64);
        self.out_last.next = self.queue.head.val().last;
        self.out_meta.next = self.queue.head.val().meta;
    }
}
