//! `EthMacRx`: 1 Gb/s Ethernet receive MAC, GMII side to the core's 64-bit
//! stream (hdl-interfaces.md).
//!
//! Ports (all in the GMII receive clock domain, 125 MHz)
//! - in  `clock`, `gmii_rxd: Bits<8>`, `gmii_rx_dv`, `gmii_rx_er` (sampled
//!   into registers first).
//! - out `m_tdata: Bits<64>`, `m_tkeep: Bits<8>`, `m_tvalid`, `m_tlast`,
//!   `m_tuser` (error, on the last beat) ← in `m_tready`. All from registers.
//!
//! What it does: skips the preamble (any number of 0x55) up to the SFD
//! (0xD5); a frame that starts with another byte is ignored until `rx_dv`
//! falls. The bytes after the SFD go through the FCS check; the last four
//! (the FCS) are held back in a 4-byte delay and never leave, so the stream
//! carries the frame without FCS, packed 8 bytes per beat (frame byte k of a
//! beat in lane k, `tkeep` contiguous, only the last beat partial). The
//! last beat has `tuser` = 1 when the FCS is wrong, `rx_er` was seen while
//! `rx_dv` was high, the frame was shorter than 64 bytes with FCS (a runt
//! or collision fragment), or a beat was lost (below). A frame of at most
//! four bytes after the SFD carries no data and produces no beat.
//!
//! Width conversion: GMII gives one byte per 125 MHz cycle, the stream one
//! beat per cycle at most, so a beat is ready every 8th cycle and the
//! stream runs at 1/8 of its capacity (`m_tvalid` high one cycle in eight
//! when `m_tready` is high). GMII cannot stall: beats wait in a two-entry
//! output queue. Taking a beat at least once in every 8 cycles never loses
//! one. A beat that finds the queue full overwrites the newest entry, and
//! the frame leaves with `tuser` = 1: frames are never silently damaged (if
//! the overwritten beat was a frame's last, that frame merges with the
//! next, which is flagged).
//!
//! Timing (125 MHz on a crowded ECP5): every decision reads registers only,
//! a few LUTs deep. The preamble and SFD compares are made on the GMII
//! byte and registered with it (`pre`, `sfd`); the frame registers are
//! cleared in every cycle outside a frame (not on the SFD alone); the byte
//! goes into the beat at a 3-bit lane number (`lane`), not a general
//! shift, a cycle after it leaves the FCS delay, so the beat's enables
//! and clear are flip-flops (`emit_r`, `clear_r`); the FCS comparison is
//! registered (`crc_ok`) and the last beat is pushed one cycle after
//! `rx_dv` falls (state `End`); a beat to push is first registered (`p_*`)
//! so the queue's enables see flip-flops.
//!
//! Latency: frame byte k leaves in the beat ready 7 cycles after it was on
//! GMII (input register + 4-byte FCS delay + beat control register + push
//! register) at the earliest; the last beat of a frame is ready 4 cycles
//! after `rx_dv` falls.

use rust_hdl::prelude::*;

use crate::crc32::{Crc32Step, CRC32_RESIDUE};

#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum RxState {
    Idle,
    Preamble,
    Data,
    /// The cycle after `rx_dv` fell: the frame's last beat is pushed.
    End,
    Drop,
}

#[derive(LogicBlock)]
pub struct EthMacRx {
    pub clock: Signal<In, Clock>,
    pub gmii_rxd: Signal<In, Bits<8>>,
    pub gmii_rx_dv: Signal<In, Bit>,
    pub gmii_rx_er: Signal<In, Bit>,
    pub m_tdata: Signal<Out, Bits<64>>,
    pub m_tkeep: Signal<Out, Bits<8>>,
    pub m_tvalid: Signal<Out, Bit>,
    pub m_tready: Signal<In, Bit>,
    pub m_tlast: Signal<Out, Bit>,
    pub m_tuser: Signal<Out, Bit>,
    // GMII input registers, with the byte's preamble and SFD compares.
    rxd: DFF<Bits<8>>,
    dv: DFF<Bit>,
    er: DFF<Bit>,
    pre: DFF<Bit>,
    sfd: DFF<Bit>,
    state: DFF<RxState>,
    crc: DFF<Bits<32>>,
    crc_step: Crc32Step,
    crc_init: Constant<Bits<32>>,
    residue: Constant<Bits<32>>,
    /// `crc` held the residue (a good FCS) one cycle ago.
    crc_ok: DFF<Bit>,
    /// Bytes after the SFD, saturating at 64 (bit 6 set: not a runt).
    count: DFF<Bits<7>>,
    /// `rx_er` or a lost beat in this frame.
    bad: DFF<Bit>,
    /// The 4-byte FCS delay: oldest byte in [7:0]; `held` bytes valid
    /// (0..=4: bit 2 set means full).
    delay: DFF<Bits<32>>,
    held: DFF<Bits<3>>,
    /// The beat being assembled; `fill` lanes used (contiguous), the next
    /// byte goes to lane `lane` (= lanes used, modulo 8).
    beat: DFF<Bits<64>>,
    fill: DFF<Bits<8>>,
    lane: DFF<Bits<3>>,
    /// A beat pushed last cycle, on its way into the queue.
    p_valid: DFF<Bit>,
    p_data: DFF<Bits<64>>,
    p_keep: DFF<Bits<8>>,
    p_last: DFF<Bit>,
    /// The frame's error flag, meaningful with `p_last`.
    p_user: DFF<Bit>,
    // Output queue, two entries; q0 drives the stream.
    queued: DFF<Bits<2>>,
    q0_data: DFF<Bits<64>>,
    q0_keep: DFF<Bits<8>>,
    q0_last: DFF<Bit>,
    q0_user: DFF<Bit>,
    q1_data: DFF<Bits<64>>,
    q1_keep: DFF<Bits<8>>,
    q1_last: DFF<Bit>,
    q1_user: DFF<Bit>,
    /// This cycle: the oldest delayed byte leaves the delay into the beat.
    emit: Signal<Local, Bit>,
    /// `emit`, that byte and "outside a frame", a cycle later: the beat
    /// register's controls are flip-flops.
    emit_r: DFF<Bit>,
    byte_r: DFF<Bits<8>>,
    clear_r: DFF<Bit>,
    /// `byte_r` in lane 0 (not named `byte`: a SystemVerilog keyword).
    out_byte: Signal<Local, Bits<64>>,
    /// The registered `p_*` beat enters the queue with this error flag.
    enter_user: Signal<Local, Bit>,
    /// The stream takes q0 this cycle.
    pop: Signal<Local, Bit>,
    /// The beat entering finds the queue full: the newest entry is
    /// overwritten.
    overrun: Signal<Local, Bit>,
}

impl Default for EthMacRx {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            gmii_rxd: Default::default(),
            gmii_rx_dv: Default::default(),
            gmii_rx_er: Default::default(),
            m_tdata: Default::default(),
            m_tkeep: Default::default(),
            m_tvalid: Default::default(),
            m_tready: Default::default(),
            m_tlast: Default::default(),
            m_tuser: Default::default(),
            rxd: Default::default(),
            dv: Default::default(),
            er: Default::default(),
            pre: Default::default(),
            sfd: Default::default(),
            state: Default::default(),
            crc: Default::default(),
            crc_step: Default::default(),
            crc_init: Constant::new(0xFFFF_FFFFu32.to_bits()),
            residue: Constant::new(CRC32_RESIDUE.to_bits()),
            crc_ok: Default::default(),
            count: Default::default(),
            bad: Default::default(),
            delay: Default::default(),
            held: Default::default(),
            beat: Default::default(),
            fill: Default::default(),
            lane: Default::default(),
            p_valid: Default::default(),
            p_data: Default::default(),
            p_keep: Default::default(),
            p_last: Default::default(),
            p_user: Default::default(),
            queued: Default::default(),
            q0_data: Default::default(),
            q0_keep: Default::default(),
            q0_last: Default::default(),
            q0_user: Default::default(),
            q1_data: Default::default(),
            q1_keep: Default::default(),
            q1_last: Default::default(),
            q1_user: Default::default(),
            emit: Default::default(),
            emit_r: Default::default(),
            byte_r: Default::default(),
            clear_r: Default::default(),
            out_byte: Default::default(),
            enter_user: Default::default(),
            pop: Default::default(),
            overrun: Default::default(),
        }
    }
}

impl Logic for EthMacRx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, rxd, dv, er, pre, sfd, state, crc, crc_ok, count, bad, delay, held, beat, fill, lane,
            p_valid, p_data, p_keep, p_last, p_user, queued, q0_data, q0_keep, q0_last, q0_user, q1_data,
            q1_keep, q1_last, q1_user, emit_r, byte_r, clear_r
        );
        self.rxd.d.next = self.gmii_rxd.val();
        self.dv.d.next = self.gmii_rx_dv.val();
        self.er.d.next = self.gmii_rx_er.val();
        self.pre.d.next = self.gmii_rxd.val() == 0x55;
        self.sfd.d.next = self.gmii_rxd.val() == 0xD5;
        self.crc_step.crc_in.next = self.crc.q.val();
        self.crc_step.data.next = self.rxd.q.val();
        self.crc_ok.d.next = self.crc.q.val() == self.residue.val();

        // The beat assembled so far goes to the push register every cycle;
        // `p_valid` says when it is a beat to queue.
        self.p_valid.d.next = false;
        self.p_data.d.next = self.beat.q.val();
        self.p_keep.d.next = self.fill.q.val();
        self.p_last.d.next = false;
        // (A full beat entering the queue this cycle may overrun it; that
        // loss reaches `bad` only next cycle, when the last beat is already
        // in the push register.)
        self.pop.next = (self.queued.q.val() != 0) & self.m_tready.val();
        self.overrun.next = (self.queued.q.val() == 2) & !self.pop.val();
        self.p_user.d.next = self.bad.q.val()
            | (self.p_valid.q.val() & self.overrun.val())
            | !self.crc_ok.q.val()
            | !self.count.q.val().get_bit(6);
        self.emit.next = false;
        self.byte_r.d.next = self.delay.q.val().get_bits::<8>(0);
        self.out_byte.next = bit_cast::<64, 8>(self.byte_r.q.val());

        match self.state.q.val() {
            RxState::Idle => {
                if self.dv.q.val() {
                    if self.pre.q.val() {
                        self.state.d.next = RxState::Preamble;
                    } else {
                        self.state.d.next = RxState::Drop;
                    }
                }
            }
            RxState::Preamble => {
                if !self.dv.q.val() {
                    self.state.d.next = RxState::Idle;
                } else if self.sfd.q.val() {
                    self.state.d.next = RxState::Data;
                } else if !self.pre.q.val() {
                    self.state.d.next = RxState::Drop;
                }
            }
            RxState::Data => {
                if self.dv.q.val() {
                    self.crc.d.next = self.crc_step.crc_out.val();
                    if !self.count.q.val().get_bit(6) {
                        self.count.d.next = self.count.q.val() + 1;
                    }
                    if self.er.q.val() {
                        self.bad.d.next = true;
                    }
                    self.delay.d.next =
                        (self.delay.q.val() >> 8) | (bit_cast::<32, 8>(self.rxd.q.val()) << 24);
                    if self.held.q.val().get_bit(2) {
                        self.emit.next = true;
                    } else {
                        self.held.d.next = self.held.q.val() + 1;
                    }
                } else {
                    self.state.d.next = RxState::End;
                }
            }
            RxState::End => {
                // The beat being assembled is the frame's last (`crc_ok`
                // now covers every byte). A new burst may already start.
                if self.fill.q.val().get_bit(0) {
                    self.p_valid.d.next = true;
                    self.p_last.d.next = true;
                }
                if self.dv.q.val() {
                    if self.pre.q.val() {
                        self.state.d.next = RxState::Preamble;
                    } else {
                        self.state.d.next = RxState::Drop;
                    }
                } else {
                    self.state.d.next = RxState::Idle;
                }
            }
            RxState::Drop => {
                if !self.dv.q.val() {
                    self.state.d.next = RxState::Idle;
                }
            }
        }

        // Outside a frame the frame registers are held cleared, so the SFD
        // only has to change the state (the beat a cycle later, still
        // before the frame's first byte leaves the FCS delay).
        self.clear_r.d.next = (self.state.q.val() != RxState::Data) & (self.state.q.val() != RxState::End);
        if (self.state.q.val() != RxState::Data) & (self.state.q.val() != RxState::End) {
            self.crc.d.next = self.crc_init.val();
            self.count.d.next = 0.into();
            self.bad.d.next = false;
            self.held.d.next = 0.into();
        }
        if self.clear_r.q.val() {
            self.fill.d.next = 0.into();
            self.lane.d.next = 0.into();
            self.beat.d.next = 0.into();
        }

        // A frame byte (past the FCS delay) joins the beat a cycle after
        // it left the delay; a full beat is pushed first, as not last (a
        // later byte proves it is not). The last byte joins at the cycle
        // `rx_dv` is seen low, so the beat is complete in `End`.
        self.emit_r.d.next = self.emit.val();
        if self.emit_r.q.val() {
            self.lane.d.next = self.lane.q.val() + 1;
            if self.fill.q.val().get_bit(7) {
                self.p_valid.d.next = true;
                self.beat.d.next = self.out_byte.val();
                self.fill.d.next = 1.into();
            } else {
                self.beat.d.next = self.beat.q.val() | (self.out_byte.val() << (bit_cast::<6, 3>(self.lane.q.val()) << 3));
                self.fill.d.next = (self.fill.q.val() << 1) | 1;
            }
        }

        // Output queue (two entries, like a skid buffer) fed from the push
        // register.
        self.enter_user.next = self.p_last.q.val() & (self.p_user.q.val() | self.overrun.val());
        if self.p_valid.q.val() & self.overrun.val() & !self.p_last.q.val() {
            // The frame goes on (its last beat is pushed at least a cycle
            // from now): it carries the loss on that beat.
            self.bad.d.next = true;
        }
        if self.p_valid.q.val() {
            if (self.queued.q.val() == 0) | ((self.queued.q.val() == 1) & self.pop.val()) {
                self.q0_data.d.next = self.p_data.q.val();
                self.q0_keep.d.next = self.p_keep.q.val();
                self.q0_last.d.next = self.p_last.q.val();
                self.q0_user.d.next = self.enter_user.val();
            } else {
                self.q1_data.d.next = self.p_data.q.val();
                self.q1_keep.d.next = self.p_keep.q.val();
                self.q1_last.d.next = self.p_last.q.val();
                self.q1_user.d.next = self.enter_user.val();
            }
        }
        if self.pop.val() & (self.queued.q.val() == 2) {
            self.q0_data.d.next = self.q1_data.q.val();
            self.q0_keep.d.next = self.q1_keep.q.val();
            self.q0_last.d.next = self.q1_last.q.val();
            self.q0_user.d.next = self.q1_user.q.val();
        }
        if self.p_valid.q.val() & !self.pop.val() & (self.queued.q.val() != 2) {
            self.queued.d.next = self.queued.q.val() + 1;
        }
        if !self.p_valid.q.val() & self.pop.val() {
            self.queued.d.next = self.queued.q.val() - 1;
        }
        self.m_tdata.next = self.q0_data.q.val();
        self.m_tkeep.next = self.q0_keep.q.val();
        self.m_tvalid.next = self.queued.q.val() != 0;
        self.m_tlast.next = self.q0_last.q.val();
        self.m_tuser.next = self.q0_user.q.val();
    }
}
