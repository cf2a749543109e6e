//! `OutputQueue<D>`: the four-entry queue at the end of a block-RAM read
//! pipeline (the decision queue's, the packet buffer's). It counts the reads
//! in flight and says when another may issue, so that reads run ahead and
//! the output still moves one entry per cycle.
//!
//! Ports: `clock`; `issue` (the reader issues a read this cycle, only
//! when `room`) with `push_data` (the read's data, taken two cycles
//! after its issue: a [`BlockRam`](crate::block_ram::BlockRam)'s latency);
//! `pop` (the head leaves this cycle; ignored when empty) → `head` (entry 0),
//! `count` (entries, 0 ..= 4) and `room` (a read may issue this cycle), all
//! from registers.
//!
//! `room` is "entries + reads in flight < 4", set in the cycle before from
//! that cycle's counts, issue and pop. So the reader's issue starts at a
//! flip-flop, and the pop (often a late signal: an output's ready) reaches
//! only the entry multiplexers, as their last select, and the counters.
//! Four entries sustain one entry per cycle with reads in flight.
//!
//! Latency: a read issued in cycle t is `head` in cycle t + 3 at the
//! earliest.

use rust_hdl::prelude::*;

/// Entries of the queue.
pub const OUTPUT_QUEUE_ENTRIES: usize = 4;
/// Entries that can take a shifted-down neighbour.
const SHIFTED: usize = 3;
const _: () = assert!(SHIFTED + 1 == OUTPUT_QUEUE_ENTRIES);
/// Cycles from `issue` to `head` (two in the RAM, one into the queue).
pub const OUTPUT_QUEUE_LATENCY: usize = 3;

#[derive(LogicBlock)]
pub struct OutputQueue<D: Synth> {
    pub clock: Signal<In, Clock>,
    pub issue: Signal<In, Bit>,
    pub push_data: Signal<In, D>,
    pub pop: Signal<In, Bit>,
    pub head: Signal<Out, D>,
    pub count: Signal<Out, Bits<3>>,
    pub room: Signal<Out, Bit>,
    entry: [DFF<D>; OUTPUT_QUEUE_ENTRIES],
    held: DFF<Bits<3>>,
    /// Reads issued one and two cycles ago (the latter's data arrives now).
    reading1: DFF<Bit>,
    reading2: DFF<Bit>,
    room_reg: DFFWithInit<Bit>,
    push: Signal<Local, Bit>,
    leaves: Signal<Local, Bit>,
    /// Entry k is where a push goes when nothing leaves (k entries held),
    /// decoded from the count register.
    next_free: Signal<Local, Bits<5>>,
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
            count: Default::default(),
            room: Default::default(),
            entry: Default::default(),
            held: Default::default(),
            reading1: Default::default(),
            reading2: Default::default(),
            room_reg: DFFWithInit::new(true),
            push: Default::default(),
            leaves: Default::default(),
            next_free: Default::default(),
            occupied_next: Default::default(),
        }
    }
}

impl<D: Synth> Logic for OutputQueue<D> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, held, reading1, reading2, room_reg);
        for i in 0..OUTPUT_QUEUE_ENTRIES {
            self.entry[i].clock.next = self.clock.val();
        }
        self.reading1.d.next = self.issue.val();
        self.reading2.d.next = self.reading1.q.val();
        self.push.next = self.reading2.q.val();
        self.next_free.next = 0.into();
        for i in 0..5 {
            self.next_free.next = self.next_free.val().replace_bit(i, self.held.q.val().index() == i);
        }
        self.leaves.next = self.pop.val() & (self.held.q.val() != 0);
        // Both candidates of each entry from registers and the push; the
        // departure picks one last.
        for i in 0..OUTPUT_QUEUE_ENTRIES {
            self.entry[i].d.next = self.entry[i].q.val();
            if self.push.val() & self.next_free.val().get_bit(i) {
                self.entry[i].d.next = self.push_data.val();
            }
        }
        if self.leaves.val() {
            for i in 0..SHIFTED {
                self.entry[i].d.next = self.entry[i + 1].q.val();
                if self.push.val() & self.next_free.val().get_bit(i + 1) {
                    self.entry[i].d.next = self.push_data.val();
                }
            }
            if self.push.val() & self.next_free.val().get_bit(4) {
                self.entry[3].d.next = self.push_data.val();
            }
        }
        if self.push.val() & !self.leaves.val() & (self.held.q.val() != 4) {
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
        self.head.next = self.entry[0].q.val();
        self.room.next = self.room_reg.q.val();
    }
}
