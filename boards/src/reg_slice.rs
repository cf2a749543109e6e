//! `RegSlice<W>`: a register slice (two-entry skid buffer) for a stream of
//! `W`-bit beats, so that neither side's handshake goes through the other's
//! logic: every output is a flip-flop.
//!
//! Ports (one clock)
//! - in `s_valid`, `s_data: Bits<W>` → out `s_ready` (registered: the skid
//!   entry is free);
//! - out `m_valid`, `m_data: Bits<W>` (registered) ← in `m_ready`.
//!
//! A beat per cycle flows when `m_ready` stays high; a beat accepted while
//! the output is held waits in the skid entry, and `s_ready` falls the
//! cycle after. Latency: 1 cycle.

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct RegSlice<const W: usize> {
    pub clock: Signal<In, Clock>,
    pub s_valid: Signal<In, Bit>,
    pub s_data: Signal<In, Bits<W>>,
    pub s_ready: Signal<Out, Bit>,
    pub m_valid: Signal<Out, Bit>,
    pub m_data: Signal<Out, Bits<W>>,
    pub m_ready: Signal<In, Bit>,
    out_valid: DFF<Bit>,
    out_data: DFF<Bits<W>>,
    skid_valid: DFF<Bit>,
    skid_data: DFF<Bits<W>>,
    accept: Signal<Local, Bit>,
}

impl<const W: usize> Logic for RegSlice<W> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, out_valid, out_data, skid_valid, skid_data);
        self.accept.next = self.s_valid.val() & !self.skid_valid.q.val();
        if !self.out_valid.q.val() | self.m_ready.val() {
            // The output register is free this cycle: the skid entry (the
            // older beat) first, else the incoming one.
            if self.skid_valid.q.val() {
                self.out_data.d.next = self.skid_data.q.val();
                self.skid_valid.d.next = false;
            } else {
                self.out_valid.d.next = self.accept.val();
                self.out_data.d.next = self.s_data.val();
            }
        } else if self.accept.val() {
            self.skid_valid.d.next = true;
            self.skid_data.d.next = self.s_data.val();
        }
        self.s_ready.next = !self.skid_valid.q.val();
        self.m_valid.next = self.out_valid.q.val();
        self.m_data.next = self.out_data.q.val();
    }
}
