//! `OutputQueue<D>`: the four-entry queue at the end of a block-RAM read
//! pipeline (the decision queue's, the packet buffer's). It counts the reads
//! in flight and says when another may issue, so that reads run ahead and
//! the output still moves one entry per cycle.
//!
//! Ports: `clock`; `issue` (the reader issues a read this cycle, only
//! when `room`) with `push_data` (the read's data, taken two cycles
//! after its issue: a [`BlockRam`](crate::block_ram::BlockRam)'s latency);
//! `pop` (the head leaves this cycle; ignored when empty) → `head` (entry 0),
//! `valid` (`head` holds an entry), `count` (entries, 0 ..= 4) and `room` (a
//! read may issue this cycle), all from registers.
//!
//! `room` is "entries + reads in flight < 4", set in the cycle before from
//! that cycle's counts, issue and pop. So the reader's issue starts at a
//! flip-flop.
//!
//! The head is a register of its own; the other entries wait in a ring of
//! three slots, written in place (a slot's enable: the push and the write
//! pointer, both registers) and read through the read pointer. So the pop
//! (often a late signal: an output's ready) reaches only the head's enable
//! and the pointers and counts, not every entry: with entries that shift
//! down, it drove four times the head's width (the 25F's critical path).
//! Four entries sustain one entry per cycle with reads in flight.
//!
//! Latency: a read issued in cycle t is `head` in cycle t + 3 at the
//! earliest.

use rust_hdl::prelude::*;

/// Entries of the queue: the head and `SLOTS` behind it.
pub const OUTPUT_QUEUE_ENTRIES: usize = 4;
const SLOTS: usize = 3;
const _: () = assert!(SLOTS + 1 == OUTPUT_QUEUE_ENTRIES);
/// Cycles from `issue` to `head` (two in the RAM, one into the queue).
pub const OUTPUT_QUEUE_LATENCY: usize = 3;

#[derive(LogicBlock)]
pub struct OutputQueue<D: Synth> {
    pub clock: Signal<In, Clock>,
    pub issue: Signal<In, Bit>,
    pub push_data: Signal<In, D>,
    pub pop: Signal<In, Bit>,
    pub head: Signal<Out, D>,
    pub valid: Signal<Out, Bit>,
    pub count: Signal<Out, Bits<3>>,
    pub room: Signal<Out, Bit>,
    head_reg: DFF<D>,
    head_valid: DFF<Bit>,
    slot: [DFF<D>; SLOTS],
    /// The ring's pointers, one-hot, and its entries (0 ..= 3).
    rd: DFFWithInit<Bits<SLOTS>>,
    wr: DFFWithInit<Bits<SLOTS>>,
    in_ring: DFF<Bits<2>>,
    /// `in_ring` != 0, kept as a register beside it: the head's enable and
    /// its data select then start at flip-flops (the decode of `in_ring`
    /// in front of the head's 128-270 enables was the 85F's path at 7fda313).
    ring_busy: DFF<Bit>,
    in_ring_next: Signal<Local, Bits<2>>,
    /// Entries in all (head and ring).
    held: DFF<Bits<3>>,
    /// Reads issued one and two cycles ago (the latter's data arrives now).
    reading1: DFF<Bit>,
    reading2: DFF<Bit>,
    room_reg: DFFWithInit<Bit>,
    push: Signal<Local, Bit>,
    leaves: Signal<Local, Bit>,
    /// The head is empty or leaves this cycle.
    head_free: Signal<Local, Bit>,
    /// The ring's oldest entry.
    ring_out: Signal<Local, D>,
    /// The push goes into the ring (not straight to a free head).
    to_ring: Signal<Local, Bit>,
    from_ring: Signal<Local, Bit>,
    /// Entries + reads in flight next cycle, before this cycle's pop.
    occupied_next: Signal<Local, Bits<4>>,
}

impl<D: Synth> Default for OutputQueue<D> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            issue: Default::default(),
            push_data: Default::default(),
            pop: Default::default(),
            head: Default::default(),
            valid: Default::default(),
            count: Default::default(),
            room: Default::default(),
            head_reg: Default::default(),
            head_valid: Default::default(),
            slot: Default::default(),
            rd: DFFWithInit::new(1.into()),
            wr: DFFWithInit::new(1.into()),
            in_ring: Default::default(),
            ring_busy: Default::default(),
            in_ring_next: Default::default(),
            held: Default::default(),
            reading1: Default::default(),
            reading2: Default::default(),
            room_reg: DFFWithInit::new(true),
            push: Default::default(),
            leaves: Default::default(),
            head_free: Default::default(),
            ring_out: Default::default(),
            to_ring: Default::default(),
            from_ring: Default::default(),
            occupied_next: Default::default(),
        }
    }
}

impl<D: Synth> Logic for OutputQueue<D> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, head_reg, head_valid, rd, wr, in_ring, ring_busy, held, reading1, reading2, room_reg);
        for i in 0..SLOTS {
            self.slot[i].clock.next = self.clock.val();
        }
        self.reading1.d.next = self.issue.val();
        self.reading2.d.next = self.reading1.q.val();
        self.push.next = self.reading2.q.val();
        self.leaves.next = self.pop.val() & self.head_valid.q.val();
        self.head_free.next = self.pop.val() | !self.head_valid.q.val();
        // A push is written into the slot at `wr` whatever happens: that slot
        // is free, or (ring full) it is the one that moves to the head now.
        for i in 0..SLOTS {
            self.slot[i].d.next = self.slot[i].q.val();
            if self.push.val() & self.wr.q.val().get_bit(i) {
                self.slot[i].d.next = self.push_data.val();
            }
        }
        self.ring_out.next = self.slot[0].q.val();
        for i in 1..SLOTS {
            if self.rd.q.val().get_bit(i) {
                self.ring_out.next = self.slot[i].q.val();
            }
        }
        // The head takes the ring's oldest entry, or the push when the ring
        // is empty; the pop only enables it. A free head loads even when
        // there is nothing to take (it is then not valid): its enable is
        // `head_free` alone, one LUT from the reader's registers in front of
        // every bit of the head (with "and something to take" it was three
        // LUTs: the 25F's critical path at bb5e7e5, the decision queue's).
        // The ring's moves from `in_ring` itself, not `ring_busy`: its next
        // count is then one LUT5 of `pop` and four registers.
        self.from_ring.next = self.head_free.val() & (self.in_ring.q.val() != 0);
        self.to_ring.next = self.push.val() & !(self.head_free.val() & (self.in_ring.q.val() == 0));
        if self.head_free.val() {
            self.head_valid.d.next = self.ring_busy.q.val() | self.push.val();
            self.head_reg.d.next = self.push_data.val();
            if self.ring_busy.q.val() {
                self.head_reg.d.next = self.ring_out.val();
            }
        }
        if self.from_ring.val() {
            self.rd.d.next = (self.rd.q.val() << 1) | (self.rd.q.val() >> 2);
        }
        if self.to_ring.val() {
            self.wr.d.next = (self.wr.q.val() << 1) | (self.wr.q.val() >> 2);
        }
        self.in_ring_next.next = self.in_ring.q.val();
        if self.to_ring.val() & !self.from_ring.val() {
            self.in_ring_next.next = self.in_ring.q.val() + 1;
        }
        if !self.to_ring.val() & self.from_ring.val() {
            self.in_ring_next.next = self.in_ring.q.val() - 1;
        }
        self.in_ring.d.next = self.in_ring_next.val();
        // `in_ring_next != 0`, case by case, so that it is one LUT behind
        // `head_free`: two or more stay busy; one stays unless the head takes
        // it and nothing comes; none gets a push the head cannot take. (From
        // the count it was three LUTs: the 85F's critical path at 7b74ad0.)
        self.ring_busy.d.next = self.in_ring.q.val().get_bit(1)
            | (self.in_ring.q.val().get_bit(0) & (self.push.val() | !self.head_free.val()))
            | (!self.in_ring.q.val().get_bit(0) & self.push.val() & !self.head_free.val());
        if self.push.val() & !self.leaves.val() {
            self.held.d.next = self.held.q.val() + 1;
        }
        if !self.push.val() & self.leaves.val() {
            self.held.d.next = self.held.q.val() - 1;
        }
        // Next cycle: entries + the push + reads in flight, less the pop.
        self.occupied_next.next = bit_cast::<4, 3>(self.held.q.val())
            + bit_cast::<4, 1>(self.reading2.q.val().into())
            + bit_cast::<4, 1>(self.reading1.q.val().into())
            + bit_cast::<4, 1>(self.issue.val().into());
        self.room_reg.d.next = (self.occupied_next.val() < 4) | ((self.occupied_next.val() == 4) & self.leaves.val());
        self.count.next = self.held.q.val();
        self.head.next = self.head_reg.q.val();
        self.valid.next = self.head_valid.q.val();
        self.room.next = self.room_reg.q.val();
    }
}
