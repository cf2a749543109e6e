//! `DecisionSlot`: the compact core's decision queue — one [`Egress`]
//! record, first-word-fall-through, in place of the full core's 256-deep
//! block-RAM FIFO and its four-entry head queue (500 flip-flops and 1,000
//! LUTs an iCE40 HX8K cannot spare). The walk decides a frame only while
//! the slot is free (`room`), so a record never waits for a place.
//!
//! Ports: `clock`; `write` with `data_in` (only while `room`, or in the
//! cycle of a `pop`) → `head`, `valid` from the next cycle, until `pop`;
//! `room` = no record held. All outputs are registers.

use rust_hdl::prelude::*;

use crate::stream::Egress;

#[derive(LogicBlock, Default)]
pub struct DecisionSlot {
    pub clock: Signal<In, Clock>,
    pub write: Signal<In, Bit>,
    pub data_in: Signal<In, Egress>,
    pub pop: Signal<In, Bit>,
    pub head: Signal<Out, Egress>,
    pub valid: Signal<Out, Bit>,
    pub room: Signal<Out, Bit>,
    record: DFF<Egress>,
    held: DFF<Bit>,
}

impl Logic for DecisionSlot {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, record, held);
        self.record.d.next = self.record.q.val();
        self.held.d.next = self.held.q.val() & !self.pop.val();
        if self.write.val() {
            self.record.d.next = self.data_in.val();
            self.held.d.next = true;
        }
        self.head.next = self.record.q.val();
        self.valid.next = self.held.q.val();
        self.room.next = !self.held.q.val();
    }
}
