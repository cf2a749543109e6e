//! `BeatFifo`: the clock-domain crossing of a receive port, 512 stream
//! beats (74 bits: [63:0] data, [71:64] keep, [72] last, [73] user) from a
//! PHY's receive clock to the core's clock, with every flag a register.
//!
//! Ports
//! - write side (`write_clock`): in `write`, `data_in: Bits<74>`; out
//!   `room` (registered): at least [`SLACK`] places are free. The writer
//!   writes only while `room` is high; a flag a few cycles old still leaves
//!   room for the beats it lets through (the receive MAC writes at most two
//!   beats in a row, then one in eight cycles).
//! - read side (`read_clock`): out `data_out: Bits<74>`, `valid`, both
//!   registered (the head beat, first word fall-through) ← in `take` (the
//!   head is consumed this cycle; only with `valid`).
//!
//! How: Gray-coded pointers cross through two flip-flops each; each side
//! turns the other's pointer back to binary into a register. The write side
//! registers its fill level (pointer difference) and then `room` from that
//! register's top bits, so no path has more than a subtractor or a few LUTs
//! between flip-flops (the rust-hdl `AsynchronousFIFO` it replaces computed
//! its fill level and `almost_full` compare in one cycle: 110 MHz on the
//! 25F). The read side fetches a beat from the block RAM (registered read)
//! into the head register when the head is empty or taken; its `nonempty`
//! flag is registered, so after a fetch it waits a cycle for the flag to
//! see the new pointer: one beat in two cycles at most, four times what a
//! 1 Gb/s port needs (one in eight).
//!
//! Latency: a beat written in cycle t is `valid` in cycle t + 7 with both
//! clocks in lock step (Gray register, two synchronisers, binary register,
//! `nonempty`, fetch, head), a little longer across real clocks.

use rust_hdl::prelude::*;

/// Pointer bits: 9 address bits + the wrap bit.
const PTR: usize = 10;
/// Places kept free when `room` falls: `room` = fill < 512 - 32.
pub const SLACK: u32 = 32;

#[derive(LogicBlock, Default)]
pub struct BeatFifo {
    pub write_clock: Signal<In, Clock>,
    pub write: Signal<In, Bit>,
    pub data_in: Signal<In, Bits<74>>,
    pub room: Signal<Out, Bit>,
    pub read_clock: Signal<In, Clock>,
    pub data_out: Signal<Out, Bits<74>>,
    pub valid: Signal<Out, Bit>,
    pub take: Signal<In, Bit>,
    ram: RAM<Bits<74>, 9>,
    // Write side (write_clock).
    wbin: DFF<Bits<PTR>>,
    wgray: DFF<Bits<PTR>>,
    rsync1: DFF<Bits<PTR>>,
    rsync2: DFF<Bits<PTR>>,
    rbin_w: DFF<Bits<PTR>>,
    fill_w: DFF<Bits<PTR>>,
    room_w: DFF<Bit>,
    // Read side (read_clock).
    rbin: DFF<Bits<PTR>>,
    rgray: DFF<Bits<PTR>>,
    wsync1: DFF<Bits<PTR>>,
    wsync2: DFF<Bits<PTR>>,
    wbin_r: DFF<Bits<PTR>>,
    nonempty: DFF<Bit>,
    /// A fetch was issued last cycle: the RAM's output is that beat.
    pending: DFF<Bit>,
    head_valid: DFF<Bit>,
    head: DFF<Bits<74>>,
    fetch: Signal<Local, Bit>,
}

impl Logic for BeatFifo {
    #[hdl_gen]
    fn update(&mut self) {
        // Write side.
        self.wbin.clock.next = self.write_clock.val();
        self.wgray.clock.next = self.write_clock.val();
        self.rsync1.clock.next = self.write_clock.val();
        self.rsync2.clock.next = self.write_clock.val();
        self.rbin_w.clock.next = self.write_clock.val();
        self.fill_w.clock.next = self.write_clock.val();
        self.room_w.clock.next = self.write_clock.val();
        self.ram.write_clock.next = self.write_clock.val();
        self.ram.write_address.next = self.wbin.q.val().get_bits::<9>(0);
        self.ram.write_data.next = self.data_in.val();
        self.ram.write_enable.next = self.write.val();
        self.wbin.d.next = self.wbin.q.val();
        if self.write.val() {
            self.wbin.d.next = self.wbin.q.val() + 1;
        }
        // Gray code of the pointer a cycle after the write: the read side
        // never sees a beat before the RAM holds it.
        self.wgray.d.next = self.wbin.q.val() ^ (self.wbin.q.val() >> 1);
        self.rsync1.d.next = self.rgray.q.val();
        self.rsync2.d.next = self.rsync1.q.val();
        self.rbin_w.d.next = self.rsync2.q.val()
            ^ (self.rsync2.q.val() >> 1)
            ^ (self.rsync2.q.val() >> 2)
            ^ (self.rsync2.q.val() >> 3)
            ^ (self.rsync2.q.val() >> 4)
            ^ (self.rsync2.q.val() >> 5)
            ^ (self.rsync2.q.val() >> 6)
            ^ (self.rsync2.q.val() >> 7)
            ^ (self.rsync2.q.val() >> 8)
            ^ (self.rsync2.q.val() >> 9);
        self.fill_w.d.next = self.wbin.q.val() - self.rbin_w.q.val();
        // fill < 480: below 512 and not 480..511 (bits 8..5 all set).
        self.room_w.d.next = !self.fill_w.q.val().get_bit(9)
            & !(self.fill_w.q.val().get_bit(8)
                & self.fill_w.q.val().get_bit(7)
                & self.fill_w.q.val().get_bit(6)
                & self.fill_w.q.val().get_bit(5));
        self.room.next = self.room_w.q.val();

        // Read side.
        self.rbin.clock.next = self.read_clock.val();
        self.rgray.clock.next = self.read_clock.val();
        self.wsync1.clock.next = self.read_clock.val();
        self.wsync2.clock.next = self.read_clock.val();
        self.wbin_r.clock.next = self.read_clock.val();
        self.nonempty.clock.next = self.read_clock.val();
        self.pending.clock.next = self.read_clock.val();
        self.head_valid.clock.next = self.read_clock.val();
        self.head.clock.next = self.read_clock.val();
        self.ram.read_clock.next = self.read_clock.val();
        self.ram.read_address.next = self.rbin.q.val().get_bits::<9>(0);
        self.rgray.d.next = self.rbin.q.val() ^ (self.rbin.q.val() >> 1);
        self.wsync1.d.next = self.wgray.q.val();
        self.wsync2.d.next = self.wsync1.q.val();
        self.wbin_r.d.next = self.wsync2.q.val()
            ^ (self.wsync2.q.val() >> 1)
            ^ (self.wsync2.q.val() >> 2)
            ^ (self.wsync2.q.val() >> 3)
            ^ (self.wsync2.q.val() >> 4)
            ^ (self.wsync2.q.val() >> 5)
            ^ (self.wsync2.q.val() >> 6)
            ^ (self.wsync2.q.val() >> 7)
            ^ (self.wsync2.q.val() >> 8)
            ^ (self.wsync2.q.val() >> 9);
        // `nonempty` is a cycle behind `rbin`, so it is trusted only when
        // no fetch was issued last cycle.
        self.nonempty.d.next = self.wbin_r.q.val() != self.rbin.q.val();
        self.fetch.next = self.nonempty.q.val()
            & !self.pending.q.val()
            & (!self.head_valid.q.val() | self.take.val());
        self.rbin.d.next = self.rbin.q.val();
        if self.fetch.val() {
            self.rbin.d.next = self.rbin.q.val() + 1;
        }
        self.pending.d.next = self.fetch.val();
        self.head.d.next = self.head.q.val();
        self.head_valid.d.next = self.head_valid.q.val();
        if self.take.val() {
            self.head_valid.d.next = false;
        }
        // The fetched beat arrives a cycle after its fetch, when the head
        // is free (the fetch required it empty or taken).
        if self.pending.q.val() {
            self.head_valid.d.next = true;
            self.head.d.next = self.ram.read_data.val();
        }
        self.data_out.next = self.head.q.val();
        self.valid.next = self.head_valid.q.val();
    }
}
