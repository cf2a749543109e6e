//! `OutputQueue<D>`: the four-entry queue at the end of a block-RAM read
//! pipeline (the decision queue's, the packet buffer's), so that reads can
//! be issued ahead and the output still moves one entry per cycle.
//!
//! Ports: `clock`; `push` with `push_data` (an entry arriving, e.g. a RAM's
//! read data); `pop` (the head leaves this cycle; ignored when empty) →
//! `head` (entry 0, from a register) and `count` (entries, 0 ..= 4, from a
//! register). A pop and a push in the same cycle are both taken; a push when
//! full (count 4, no pop) is lost.
//!
//! Reader protocol: issue a read (2 clocks in flight) only when `count` +
//! reads in flight < 4, counted from registers alone — four entries let the
//! reader ignore this cycle's pop and still sustain one entry per cycle, so
//! the pop (often a late signal: an output's ready) reaches only this
//! queue's entry multiplexers, as their last select.
//!
//! Latency: an entry pushed in cycle t is `head` in cycle t + 1 at the
//! earliest.

use rust_hdl::prelude::*;

/// Entries of the queue.
pub const OUTPUT_QUEUE_ENTRIES: usize = 4;
/// Entries that can take a shifted-down neighbour.
const SHIFTED: usize = 3;
const _: () = assert!(SHIFTED + 1 == OUTPUT_QUEUE_ENTRIES);

#[derive(LogicBlock, Default)]
pub struct OutputQueue<D: Synth> {
    pub clock: Signal<In, Clock>,
    pub push: Signal<In, Bit>,
    pub push_data: Signal<In, D>,
    pub pop: Signal<In, Bit>,
    pub head: Signal<Out, D>,
    pub count: Signal<Out, Bits<3>>,
    entry: [DFF<D>; OUTPUT_QUEUE_ENTRIES],
    held: DFF<Bits<3>>,
    leaves: Signal<Local, Bit>,
    /// Entry k is where a push goes when nothing leaves (k entries held),
    /// decoded from the count register.
    next_free: Signal<Local, Bits<5>>,
}

impl<D: Synth> Logic for OutputQueue<D> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, held);
        for i in 0..OUTPUT_QUEUE_ENTRIES {
            self.entry[i].clock.next = self.clock.val();
        }
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
        self.count.next = self.held.q.val();
        self.head.next = self.entry[0].q.val();
    }
}
