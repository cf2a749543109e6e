//! `EthMacTx`: 1 Gb/s Ethernet transmit MAC, the core's 64-bit stream to
//! the GMII side.
//!
//! Ports (all in the GMII transmit clock domain, 125 MHz)
//! - in  `s_tdata: Bits<64>`, `s_tkeep: Bits<8>`, `s_tvalid`, `s_tlast`,
//!   `s_tuser` (on the last beat: send the frame with a bad FCS) → out
//!   `s_tready` (registered: the one-beat input buffer is empty; it may be
//!   high without `s_tvalid`, a beat moves when both are high).
//! - out `gmii_txd: Bits<8>`, `gmii_tx_en`, `gmii_tx_er`, registered.
//!
//! What it does: per frame, 7 × 0x55 and the SFD 0xD5, the frame bytes
//! (lane k of a beat is frame byte 8i+k; `tkeep` contiguous from lane 0),
//! zero padding up to 60 bytes, the FCS (4 bytes, `!crc` low byte first),
//! then 12 idle cycles (the inter-frame gap) before the next preamble.
//! `s_tuser` on the last beat sends the FCS bytes with `tx_er` high, so
//! the receiver drops the frame (an upstream error is never turned into a
//! good frame).
//!
//! Width conversion: a beat holds 8 bytes and GMII takes one per cycle.
//! Beats enter a one-beat buffer (`nb_*`), so the stream's handshake meets
//! only flip-flops here (a board top routes it across the chip). A
//! buffered beat starts the preamble; the frame logic claims it with the
//! preamble's last 0x55 and each next one a cycle before its predecessor's
//! last byte goes out (`claimed`, a register, then loads it: the wide
//! beat register's one enable is a flip-flop, not the frame logic's
//! decision); the buffer refills a cycle later: one beat in eight cycles
//! during a frame. A frame must then arrive at line rate: if the buffer is
//! empty when the next beat is claimed (underrun), the MAC sends one byte
//! with `tx_er` high (the receiver drops the frame), drops the rest of the
//! frame (up to `s_tlast`) and keeps the gap. Upstream (the board top's
//! FIFO) must hold a whole frame, or enough of it, before the first beat is
//! offered.
//!
//! Throughput: 8 + max(len, 60) + 4 + 12 cycles per frame of len bytes:
//! line rate. Latency: first preamble byte on GMII 3 cycles after the
//! cycle the first beat is accepted (buffer, state, output register).

use rust_hdl::prelude::*;

use crate::crc32::Crc32Step;

/// Minimum frame without FCS.
pub const MIN_FRAME: u64 = 60;
/// Inter-frame gap in byte times.
pub const IFG: u64 = 12;

#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum TxState {
    Idle,
    Preamble,
    Data,
    Pad,
    Fcs,
    Abort,
    Drop,
    Gap,
}

#[derive(LogicBlock)]
pub struct EthMacTx {
    pub clock: Signal<In, Clock>,
    pub s_tdata: Signal<In, Bits<64>>,
    pub s_tkeep: Signal<In, Bits<8>>,
    pub s_tvalid: Signal<In, Bit>,
    pub s_tready: Signal<Out, Bit>,
    pub s_tlast: Signal<In, Bit>,
    pub s_tuser: Signal<In, Bit>,
    pub gmii_txd: Signal<Out, Bits<8>>,
    pub gmii_tx_en: Signal<Out, Bit>,
    pub gmii_tx_er: Signal<Out, Bit>,
    state: DFF<TxState>,
    /// Byte counter within the preamble, FCS and gap.
    count: DFF<Bits<4>>,
    /// Frame bytes (data + pad) sent, saturating at 60.
    len: DFF<Bits<6>>,
    /// The beat being sent, shifted right a byte per cycle; `keep` alike.
    data: DFF<Bits<64>>,
    keep: DFF<Bits<8>>,
    last: DFF<Bit>,
    user: DFF<Bit>,
    crc: DFF<Bits<32>>,
    crc_step: Crc32Step,
    crc_init: Constant<Bits<32>>,
    txd: DFF<Bits<8>>,
    tx_en: DFF<Bit>,
    tx_er: DFF<Bit>,
    /// The input buffer: the next beat.
    nb_valid: DFF<Bit>,
    nb_data: DFF<Bits<64>>,
    nb_keep: DFF<Bits<8>>,
    nb_last: DFF<Bit>,
    nb_user: DFF<Bit>,
    /// Discard the buffered beat this cycle (the rest of an aborted frame).
    take: Signal<Local, Bit>,
    /// The buffered beat was claimed last cycle (with the preamble's last
    /// 0x55, or a full beat's second-to-last byte): load it now.
    claimed: DFF<Bit>,
}

impl Default for EthMacTx {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            s_tdata: Default::default(),
            s_tkeep: Default::default(),
            s_tvalid: Default::default(),
            s_tready: Default::default(),
            s_tlast: Default::default(),
            s_tuser: Default::default(),
            gmii_txd: Default::default(),
            gmii_tx_en: Default::default(),
            gmii_tx_er: Default::default(),
            state: Default::default(),
            count: Default::default(),
            len: Default::default(),
            data: Default::default(),
            keep: Default::default(),
            last: Default::default(),
            user: Default::default(),
            crc: Default::default(),
            crc_step: Default::default(),
            crc_init: Constant::new(0xFFFF_FFFFu32.to_bits()),
            txd: Default::default(),
            tx_en: Default::default(),
            tx_er: Default::default(),
            nb_valid: Default::default(),
            nb_data: Default::default(),
            nb_keep: Default::default(),
            nb_last: Default::default(),
            nb_user: Default::default(),
            take: Default::default(),
            claimed: Default::default(),
        }
    }
}

impl Logic for EthMacTx {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, state, count, len, data, keep, last, user, crc, txd, tx_en, tx_er, nb_valid, nb_data,
            nb_keep, nb_last, nb_user, claimed
        );
        self.claimed.d.next = false;
        self.take.next = false;
        self.tx_en.d.next = false;
        self.tx_er.d.next = false;
        self.txd.d.next = 0.into();
        self.crc_step.crc_in.next = self.crc.q.val();
        self.crc_step.data.next = self.data.q.val().get_bits::<8>(0);
        // The beat and its keep shift a byte every cycle whatever the state
        // (only the Data state reads them), so their one enable is `claimed`.
        self.data.d.next = self.data.q.val() >> 8;
        self.keep.d.next = self.keep.q.val() >> 1;

        match self.state.q.val() {
            TxState::Idle => {
                if self.nb_valid.q.val() {
                    self.state.d.next = TxState::Preamble;
                    self.count.d.next = 0.into();
                }
            }
            TxState::Preamble => {
                self.tx_en.d.next = true;
                self.txd.d.next = 0x55.into();
                self.count.d.next = self.count.q.val() + 1;
                if self.count.q.val() == 6 {
                    // The frame's first beat (buffered since the preamble
                    // began) loads with the SFD.
                    self.claimed.d.next = true;
                    self.nb_valid.d.next = false;
                }
                if self.count.q.val() == 7 {
                    self.txd.d.next = 0xD5.into();
                    self.state.d.next = TxState::Data;
                    self.crc.d.next = self.crc_init.val();
                    self.len.d.next = 0.into();
                }
            }
            TxState::Data => {
                self.tx_en.d.next = true;
                self.txd.d.next = self.data.q.val().get_bits::<8>(0);
                self.crc.d.next = self.crc_step.crc_out.val();
                if self.len.q.val() != 60 {
                    self.len.d.next = self.len.q.val() + 1;
                }
                if self.keep.q.val().get_bit(1)
                    & !self.keep.q.val().get_bit(2)
                    & !self.last.q.val()
                    & self.nb_valid.q.val()
                {
                    // A full beat's second-to-last byte: claim the next.
                    self.claimed.d.next = true;
                    self.nb_valid.d.next = false;
                }
                if !self.keep.q.val().get_bit(1) {
                    // The beat's last byte goes out.
                    if self.last.q.val() {
                        self.count.d.next = 0.into();
                        if self.len.q.val() < 59 {
                            self.state.d.next = TxState::Pad;
                        } else {
                            self.state.d.next = TxState::Fcs;
                        }
                    } else if !self.claimed.q.val() {
                        self.state.d.next = TxState::Abort;
                    }
                }
            }
            TxState::Pad => {
                self.tx_en.d.next = true;
                self.crc_step.data.next = 0.into();
                self.crc.d.next = self.crc_step.crc_out.val();
                self.len.d.next = self.len.q.val() + 1;
                if self.len.q.val() == 59 {
                    self.state.d.next = TxState::Fcs;
                }
            }
            TxState::Fcs => {
                self.tx_en.d.next = true;
                self.tx_er.d.next = self.user.q.val();
                self.txd.d.next = !self.crc.q.val().get_bits::<8>(0);
                self.crc.d.next = self.crc.q.val() >> 8;
                self.count.d.next = self.count.q.val() + 1;
                if self.count.q.val() == 3 {
                    self.count.d.next = 0.into();
                    self.state.d.next = TxState::Gap;
                }
            }
            TxState::Abort => {
                self.tx_en.d.next = true;
                self.tx_er.d.next = true;
                self.state.d.next = TxState::Drop;
            }
            TxState::Drop => {
                self.take.next = self.nb_valid.q.val();
                if self.nb_valid.q.val() & self.nb_last.q.val() {
                    self.count.d.next = 0.into();
                    self.state.d.next = TxState::Gap;
                }
            }
            TxState::Gap => {
                self.count.d.next = self.count.q.val() + 1;
                if self.count.q.val() == 11 {
                    // The next frame may start right after the 12th idle
                    // byte time.
                    self.state.d.next = TxState::Idle;
                    if self.nb_valid.q.val() {
                        self.state.d.next = TxState::Preamble;
                        self.count.d.next = 0.into();
                    }
                }
            }
        }

        if self.claimed.q.val() {
            self.data.d.next = self.nb_data.q.val();
            self.keep.d.next = self.nb_keep.q.val();
            self.last.d.next = self.nb_last.q.val();
            self.user.d.next = self.nb_user.q.val();
        }
        if self.take.val() {
            self.nb_valid.d.next = false;
        }
        // The buffer refills when empty (never in the cycle it is taken).
        if self.s_tvalid.val() & !self.nb_valid.q.val() {
            self.nb_valid.d.next = true;
            self.nb_data.d.next = self.s_tdata.val();
            self.nb_keep.d.next = self.s_tkeep.val();
            self.nb_last.d.next = self.s_tlast.val();
            self.nb_user.d.next = self.s_tuser.val();
        }
        self.s_tready.next = !self.nb_valid.q.val();
        self.gmii_txd.next = self.txd.q.val();
        self.gmii_tx_en.next = self.tx_en.q.val();
        self.gmii_tx_er.next = self.tx_er.q.val();
    }
}
