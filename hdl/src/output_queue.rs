//! `OutputQueue<D>`: the three-entry queue at the end of a block-RAM read
//! pipeline (the decision queue's, the packet buffer's), so that reads can
//! be issued ahead and the output still moves one entry per cycle.
//!
//! Ports: `clock`; `push` with `push_data` (an entry arriving, e.g. a RAM's
//! read data); `pop` (the head leaves this cycle; ignored when empty) →
//! `head` (entry 0, from a register) and `count` (entries, 0 ..= 3, from a
//! register). A pop and a push in the same cycle are both taken; a push when
//! full (count 3, no pop) is lost: the reader must issue a RAM read only
//! when `count` + reads in flight < 3, or one leaves this cycle.
//!
//! Latency: an entry pushed in cycle t is `head` in cycle t + 1 at the
//! earliest.

use rust_hdl::prelude::*;

/// Entries of the queue: a block-RAM read takes two clocks, so three reads
/// can be in flight or waiting when the output stops.
pub const OUTPUT_QUEUE_ENTRIES: usize = 3;

#[derive(LogicBlock, Default)]
pub struct OutputQueue<D: Synth> {
    pub clock: Signal<In, Clock>,
    pub push: Signal<In, Bit>,
    pub push_data: Signal<In, D>,
    pub pop: Signal<In, Bit>,
    pub head: Signal<Out, D>,
    pub count: Signal<Out, Bits<2>>,
    entry: [DFF<D>; OUTPUT_QUEUE_ENTRIES],
    held: DFF<Bits<2>>,
    leaves: Signal<Local, Bit>,
    /// The entry the pushed one goes to.
    at: Signal<Local, Bits<2>>,
}

impl<D: Synth> Logic for OutputQueue<D> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, held);
        for i in 0..OUTPUT_QUEUE_ENTRIES {
            self.entry[i].clock.next = self.clock.val();
            self.entry[i].d.next = self.entry[i].q.val();
        }
        // A departure shifts every entry down one place; the pushed entry
        // goes behind the last one that stays.
        self.leaves.next = self.pop.val() & (self.held.q.val() != 0);
        self.at.next = self.held.q.val();
        if self.leaves.val() {
            self.at.next = self.held.q.val() - 1;
            for i in 1..OUTPUT_QUEUE_ENTRIES {
                self.entry[i - 1].d.next = self.entry[i].q.val();
            }
        }
        if self.push.val() {
            for i in 0..OUTPUT_QUEUE_ENTRIES {
                if self.at.val().index() == i {
                    self.entry[i].d.next = self.push_data.val();
                }
            }
        }
        if self.push.val() & !self.leaves.val() & (self.held.q.val() != 3) {
            self.held.d.next = self.held.q.val() + 1;
        }
        if !self.push.val() & self.leaves.val() {
            self.held.d.next = self.held.q.val() - 1;
        }
        self.count.next = self.held.q.val();
        self.head.next = self.entry[0].q.val();
    }
}
