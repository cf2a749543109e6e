//! `WindowRam`: the header windows of the frames waiting for `HeaderWalk`
//! (the compact core's decision path), in block RAM instead of flip-flops.
//!
//! Ports
//! - in: `clock`; `beat` (a beat is accepted this cycle; the core accepts
//!   only while `ready`), `data`, `keep`, `last`, `error` (tuser), `ingress`
//!   — the s_axis beat; `commit` (the control port's commit pulse).
//! - in, from the packet buffer the cycle after a last beat: `frame_done`,
//!   `frame_beats`, `frame_cut`.
//! - out `ready`: a beat may be accepted (a frame is under way, or a slot is
//!   free for the next one); from registers only.
//! - out, the oldest frame whose last beat is in (`head_valid`), until
//!   `pop`: `head_len` (bytes, saturating at 65535), `head_info`
//!   ([`FrameInfo`]: ingress port, MAC error or cut, beats), `head_mark`
//!   (the first frame whose last beat came in the cycle of a commit or
//!   later). `head_info` is complete from the cycle after `head_valid`
//!   rises (the buffer's facts come a cycle after the last beat).
//! - read port: `rd_half` (half-word h: bytes 2h, 2h+1 of the head frame)
//!   → `rd_data` = bytes 2h..2h+7 of that frame, byte 2h in [63:56],
//!   `WINDOW_RAM_LATENCY` (2) cycles later. Bytes past the frame or past
//!   the first 128 are unspecified: the reader checks lengths first.
//!
//! How: a frame's first 16 beats are written into four lane RAMs of 16-bit
//! half-words (`BlockRam`, one iCE40 SB_RAM40_4K each): half-word h of a
//! frame in lane h mod 4, at the frame's slot and row h / 4. A read of
//! half-words h..h+3 asks each lane for its one, so any even byte offset
//! reads 8 bytes in one go; every header the walk looks at starts at an
//! even offset (SPEC's fields are 2-byte aligned after the 14-byte
//! Ethernet header). [`SLOTS`] frames wait at most; their facts (length,
//! ingress, error, beats, mark) sit in registers.

use rust_hdl::prelude::*;

use crate::block_ram::{BlockRam, BLOCK_RAM_LATENCY};
use crate::stream::FrameInfo;

/// Frames that can wait for the walk (slots of the lane RAMs): the one
/// being walked and the next (more cost the HX8K logic it has not got).
pub const SLOTS: usize = 2;
/// Cycles from `rd_half` to `rd_data`.
pub const WINDOW_RAM_LATENCY: usize = BLOCK_RAM_LATENCY;
/// Lane RAM address: slot in [5] (2 slots used), row in [4:0].
const LANE_ADDR_BITS: usize = 8;
// #[hdl_gen] needs literals: 2 slots (1-bit pointers, counts up to 2).
const _: () = assert!(SLOTS == 2);

#[derive(LogicBlock)]
pub struct WindowRam {
    pub clock: Signal<In, Clock>,
    pub beat: Signal<In, Bit>,
    pub data: Signal<In, Bits<64>>,
    pub keep: Signal<In, Bits<8>>,
    pub last: Signal<In, Bit>,
    pub error: Signal<In, Bit>,
    pub ingress: Signal<In, Bits<8>>,
    pub commit: Signal<In, Bit>,
    pub frame_done: Signal<In, Bit>,
    pub frame_beats: Signal<In, Bits<16>>,
    pub frame_cut: Signal<In, Bit>,
    pub ready: Signal<Out, Bit>,
    pub head_valid: Signal<Out, Bit>,
    pub head_len: Signal<Out, Bits<16>>,
    pub head_info: Signal<Out, FrameInfo>,
    pub head_mark: Signal<Out, Bit>,
    pub pop: Signal<In, Bit>,
    pub rd_half: Signal<In, Bits<7>>,
    pub rd_data: Signal<Out, Bits<64>>,
    lane: [BlockRam<Bits<16>, LANE_ADDR_BITS>; 4],
    /// Slot of the frame being written, and of the head.
    wr_slot: DFF<Bits<1>>,
    rd_slot: DFF<Bits<1>>,
    /// The slot whose last beat came in last cycle (for the buffer's facts).
    done_slot: DFF<Bits<1>>,
    /// Slots taken (first beat in, not popped) and frames complete.
    used: DFF<Bits<2>>,
    complete: DFF<Bits<2>>,
    in_frame: DFF<Bit>,
    /// Beat number in the frame, stopping at 16 (past the window).
    beat_no: DFF<Bits<5>>,
    len: DFF<Bits<16>>,
    commit_seen: DFF<Bit>,
    slot_len: [DFF<Bits<16>>; SLOTS],
    slot_ingress: [DFF<Bits<8>>; SLOTS],
    slot_error: [DFF<Bit>; SLOTS],
    slot_mark: [DFF<Bit>; SLOTS],
    slot_beats: [DFF<Bits<16>>; SLOTS],
    slot_cut: [DFF<Bit>; SLOTS],
    /// The read's half-word offset mod 4, as the lanes' data come out.
    rot: [DFF<Bits<2>>; 2],
    delta: [Signal<Local, Bits<2>>; 4],
    beat_bytes: Signal<Local, Bits<16>>,
    len_next: Signal<Local, Bits<17>>,
    first: Signal<Local, Bit>,
    ends: Signal<Local, Bit>,
    popping: Signal<Local, Bit>,
}

impl Default for WindowRam {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            beat: Default::default(),
            data: Default::default(),
            keep: Default::default(),
            last: Default::default(),
            error: Default::default(),
            ingress: Default::default(),
            commit: Default::default(),
            frame_done: Default::default(),
            frame_beats: Default::default(),
            frame_cut: Default::default(),
            ready: Default::default(),
            head_valid: Default::default(),
            head_len: Default::default(),
            head_info: Default::default(),
            head_mark: Default::default(),
            pop: Default::default(),
            rd_half: Default::default(),
            rd_data: Default::default(),
            lane: std::array::from_fn(|_| Default::default()),
            wr_slot: Default::default(),
            rd_slot: Default::default(),
            done_slot: Default::default(),
            used: Default::default(),
            complete: Default::default(),
            in_frame: Default::default(),
            beat_no: Default::default(),
            len: Default::default(),
            commit_seen: Default::default(),
            slot_len: Default::default(),
            slot_ingress: Default::default(),
            slot_error: Default::default(),
            slot_mark: Default::default(),
            slot_beats: Default::default(),
            slot_cut: Default::default(),
            rot: Default::default(),
            delta: Default::default(),
            beat_bytes: Default::default(),
            len_next: Default::default(),
            first: Default::default(),
            ends: Default::default(),
            popping: Default::default(),
        }
    }
}

impl Logic for WindowRam {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, wr_slot, rd_slot, done_slot, used, complete, in_frame, beat_no, len, commit_seen
        );
        for s in 0..SLOTS {
            self.slot_len[s].clock.next = self.clock.val();
            self.slot_ingress[s].clock.next = self.clock.val();
            self.slot_error[s].clock.next = self.clock.val();
            self.slot_mark[s].clock.next = self.clock.val();
            self.slot_beats[s].clock.next = self.clock.val();
            self.slot_cut[s].clock.next = self.clock.val();
            self.slot_len[s].d.next = self.slot_len[s].q.val();
            self.slot_ingress[s].d.next = self.slot_ingress[s].q.val();
            self.slot_error[s].d.next = self.slot_error[s].q.val();
            self.slot_mark[s].d.next = self.slot_mark[s].q.val();
            self.slot_beats[s].d.next = self.slot_beats[s].q.val();
            self.slot_cut[s].d.next = self.slot_cut[s].q.val();
        }
        for i in 0..2 {
            self.rot[i].clock.next = self.clock.val();
        }
        self.ready.next = self.in_frame.q.val() | (self.used.q.val() != 2);

        // Write side. Lane i takes half-word 4k + i of beat k: bytes 8k + 2i
        // (tdata[16i+7:16i], the high byte) and 8k + 2i + 1.
        self.first.next = self.beat.val() & !self.in_frame.q.val();
        self.ends.next = self.beat.val() & self.last.val();
        for i in 0..4 {
            self.lane[i].clock.next = self.clock.val();
            self.lane[i].write_enable.next = self.beat.val() & !self.beat_no.q.val().get_bit(4);
            self.lane[i].write_address.next =
                (bit_cast::<8, 1>(self.wr_slot.q.val()) << 5) | bit_cast::<8, 5>(self.beat_no.q.val());
            // `index().to_bits()` widens (`bit_cast` cannot take a loop
            // index in hdl_gen).
            self.lane[i].write_data.next = (self.data.val().get_bits::<8>(16 * i).index().to_bits::<16>() << 8)
                | self.data.val().get_bits::<8>(16 * i + 8).index().to_bits::<16>();
        }
        if self.first.val() {
            self.lane[0].write_address.next = bit_cast::<8, 1>(self.wr_slot.q.val()) << 5;
            self.lane[1].write_address.next = bit_cast::<8, 1>(self.wr_slot.q.val()) << 5;
            self.lane[2].write_address.next = bit_cast::<8, 1>(self.wr_slot.q.val()) << 5;
            self.lane[3].write_address.next = bit_cast::<8, 1>(self.wr_slot.q.val()) << 5;
            for i in 0..4 {
                self.lane[i].write_enable.next = true;
            }
        }
        // Bytes in the beat (keep is contiguous from lane 0).
        self.beat_bytes.next = 0.into();
        for b in 0..8 {
            if self.keep.val().get_bit(b) {
                self.beat_bytes.next = (b + 1).to_bits::<16>();
            }
        }
        self.len_next.next = bit_cast::<17, 16>(self.len.q.val()) + bit_cast::<17, 16>(self.beat_bytes.val());
        if self.first.val() {
            self.len_next.next = bit_cast::<17, 16>(self.beat_bytes.val());
        }
        self.len.d.next = self.len.q.val();
        self.beat_no.d.next = self.beat_no.q.val();
        self.in_frame.d.next = self.in_frame.q.val();
        if self.beat.val() {
            self.len.d.next = self.len_next.val().get_bits::<16>(0);
            if self.len_next.val().get_bit(16) {
                self.len.d.next = 0xFFFF.into();
            }
            if !self.beat_no.q.val().get_bit(4) {
                self.beat_no.d.next = self.beat_no.q.val() + 1;
            }
            if self.first.val() {
                self.beat_no.d.next = 1.into();
            }
            self.in_frame.d.next = !self.last.val();
        }
        self.commit_seen.d.next = self.commit_seen.q.val() | self.commit.val();
        self.wr_slot.d.next = self.wr_slot.q.val();
        self.done_slot.d.next = self.done_slot.q.val();
        if self.ends.val() {
            for s in 0..SLOTS {
                if self.wr_slot.q.val().index() == s {
                    self.slot_len[s].d.next = self.len_next.val().get_bits::<16>(0);
                    if self.len_next.val().get_bit(16) {
                        self.slot_len[s].d.next = 0xFFFF.into();
                    }
                    self.slot_ingress[s].d.next = self.ingress.val();
                    self.slot_error[s].d.next = self.error.val();
                    self.slot_mark[s].d.next = self.commit_seen.q.val() | self.commit.val();
                }
            }
            self.commit_seen.d.next = false;
            self.wr_slot.d.next = self.wr_slot.q.val() + 1;
            self.done_slot.d.next = self.wr_slot.q.val();
        }
        if self.frame_done.val() {
            for s in 0..SLOTS {
                if self.done_slot.q.val().index() == s {
                    self.slot_beats[s].d.next = self.frame_beats.val();
                    self.slot_cut[s].d.next = self.frame_cut.val();
                }
            }
        }

        // Slots and the head.
        self.popping.next = self.pop.val() & (self.complete.q.val() != 0);
        self.used.d.next = self.used.q.val();
        self.complete.d.next = self.complete.q.val();
        self.rd_slot.d.next = self.rd_slot.q.val();
        if self.first.val() & !self.popping.val() {
            self.used.d.next = self.used.q.val() + 1;
        }
        if !self.first.val() & self.popping.val() {
            self.used.d.next = self.used.q.val() - 1;
        }
        if self.ends.val() & !self.popping.val() {
            self.complete.d.next = self.complete.q.val() + 1;
        }
        if !self.ends.val() & self.popping.val() {
            self.complete.d.next = self.complete.q.val() - 1;
        }
        if self.popping.val() {
            self.rd_slot.d.next = self.rd_slot.q.val() + 1;
        }
        self.head_valid.next = self.complete.q.val() != 0;
        self.head_len.next = self.slot_len[0].q.val();
        self.head_info.next.ingress = self.slot_ingress[0].q.val();
        self.head_info.next.error = self.slot_error[0].q.val() | self.slot_cut[0].q.val();
        self.head_info.next.beats = self.slot_beats[0].q.val();
        self.head_mark.next = self.slot_mark[0].q.val();
        for s in 1..SLOTS {
            if self.rd_slot.q.val().index() == s {
                self.head_len.next = self.slot_len[s].q.val();
                self.head_info.next.ingress = self.slot_ingress[s].q.val();
                self.head_info.next.error = self.slot_error[s].q.val() | self.slot_cut[s].q.val();
                self.head_info.next.beats = self.slot_beats[s].q.val();
                self.head_mark.next = self.slot_mark[s].q.val();
            }
        }

        // Read side: lane l holds the first half-word at or after h that is
        // l mod 4: row (h + ((l - h) mod 4)) / 4 of the head's slot.
        // (l - h) mod 4 is a 2-bit signal of its own: Verilog widens an
        // expression to its context, so an inline difference would not wrap.
        for l in 0..4 {
            self.delta[l].next = l.to_bits::<2>() - self.rd_half.val().get_bits::<2>(0);
            self.lane[l].read_address.next = (bit_cast::<8, 1>(self.rd_slot.q.val()) << 5)
                | ((bit_cast::<8, 7>(self.rd_half.val()) + self.delta[l].val().index().to_bits::<8>()) >> 2);
        }
        self.rot[0].d.next = self.rd_half.val().get_bits::<2>(0);
        self.rot[1].d.next = self.rot[0].q.val();
        // Half-word k of the read (bytes 2h + 2k, 2h + 2k + 1) is in lane
        // (h + k) mod 4.
        self.rd_data.next = (bit_cast::<64, 16>(self.lane[0].read_data.val()) << 48)
            | (bit_cast::<64, 16>(self.lane[1].read_data.val()) << 32)
            | (bit_cast::<64, 16>(self.lane[2].read_data.val()) << 16)
            | bit_cast::<64, 16>(self.lane[3].read_data.val());
        if self.rot[1].q.val() == 1 {
            self.rd_data.next = (bit_cast::<64, 16>(self.lane[1].read_data.val()) << 48)
                | (bit_cast::<64, 16>(self.lane[2].read_data.val()) << 32)
                | (bit_cast::<64, 16>(self.lane[3].read_data.val()) << 16)
                | bit_cast::<64, 16>(self.lane[0].read_data.val());
        }
        if self.rot[1].q.val() == 2 {
            self.rd_data.next = (bit_cast::<64, 16>(self.lane[2].read_data.val()) << 48)
                | (bit_cast::<64, 16>(self.lane[3].read_data.val()) << 32)
                | (bit_cast::<64, 16>(self.lane[0].read_data.val()) << 16)
                | bit_cast::<64, 16>(self.lane[1].read_data.val());
        }
        if self.rot[1].q.val() == 3 {
            self.rd_data.next = (bit_cast::<64, 16>(self.lane[3].read_data.val()) << 48)
                | (bit_cast::<64, 16>(self.lane[0].read_data.val()) << 32)
                | (bit_cast::<64, 16>(self.lane[1].read_data.val()) << 16)
                | bit_cast::<64, 16>(self.lane[2].read_data.val());
        }
    }
}
