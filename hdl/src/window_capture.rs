//! Window capture: the header window of each frame, from its beats.
//!
//! Ports
//! - in: `clock`; `beat` (a beat is accepted this cycle), `data`, `keep`,
//!   `last`, `error` (tuser), `ingress` — the s_axis beat as accepted.
//!   `keep` is contiguous from lane 0 and full on every beat but the last
//!   (AXI-stream as the core takes it): the length is counted in beats.
//! - out, registered, high for one cycle `WINDOW_CAPTURE_LATENCY` (2)
//!   cycles after the last beat: `strobe_out`; the first 128 bytes as
//!   `eth_parse` cuts them: `head` (bytes 0 and 1, byte 0 in [15:8]) and
//!   `window` (32 granules, granule j = bytes 4j+2..4j+5 big-endian; see
//!   `eth_parse`); bytes past the frame are zero; `frame_len` (bytes,
//!   saturating at 65535); `mac_error` (tuser of the last beat);
//!   `ingress_out` (ingress port at the last beat).
//!
//! Throughput one frame per cycle (a 1-beat frame every cycle gives a
//! strobe every cycle). The window holds the frame only during its
//! `strobe_out` cycle: the next frame's first beat overwrites it.
//!
//! Beat k (bytes 8k..8k+7) fills granule 2k with lanes 2..5, the upper half
//! of granule 2k+1 with lanes 6 and 7 and the lower half of granule 2k−1
//! with lanes 0 and 1 (beat 0: `head`); the first beat clears the rest.
//! Lanes move as bytes in 32-bit words (rust-hdl simulates `Bits` wider
//! than 32 as bool arrays; a simulator runs word operations, not bit
//! inserts); the hardware is the same wires.
//!
//! Two stages, so that the accepted beat (`s_axis_tvalid` & the buffer's
//! `in_ready` in the core) drives only a few dozen flip-flops and no path
//! fans out to the 1,024 window flip-flops through logic:
//! 1. the beat's lanes (outside `keep` cleared), byte count, last, error and
//!    ingress are registered; the beat's slot in the frame (one-hot) gives
//!    each window part its write enable, registered: `we[k]` (beat k writes)
//!    and `clr[k]` (the first beat clears beat k's parts);
//! 2. each window part loads its lanes (`we`) or zero (`clr`): registers
//!    straight to the part's clock enable and synchronous reset, no logic
//!    between (a LUT there, `en & !we` on the reset, with the 48 parts of a
//!    beat spread over the window's area, was the 25F's critical path).
//!    The beat count and the length work on the registered beat.

use rust_hdl::prelude::*;

use crate::eth_parse::GRANULES;

/// Cycles from the last beat in to `strobe_out`.
pub const WINDOW_CAPTURE_LATENCY: usize = 2;

/// Beats that fill the 128-byte window.
pub const WINDOW_BEATS: usize = model::verdict::WINDOW / crate::stream::BEAT_BYTES;
// #[hdl_gen] needs a literal for the slot past the window.
const _: () = assert!(WINDOW_BEATS == 16 && GRANULES == 2 * WINDOW_BEATS);

#[derive(LogicBlock)]
pub struct WindowCapture {
    pub clock: Signal<In, Clock>,
    pub beat: Signal<In, Bit>,
    pub data: Signal<In, Bits<64>>,
    pub keep: Signal<In, Bits<8>>,
    pub last: Signal<In, Bit>,
    pub error: Signal<In, Bit>,
    pub ingress: Signal<In, Bits<8>>,
    pub strobe_out: Signal<Out, Bit>,
    pub head: Signal<Out, Bits<16>>,
    pub window: [Signal<Out, Bits<32>>; GRANULES],
    pub frame_len: Signal<Out, Bits<16>>,
    pub mac_error: Signal<Out, Bit>,
    pub ingress_out: Signal<Out, Bits<8>>,
    /// The next beat's place in the frame, one-hot: bit k for beat k < 16,
    /// bit 16 past the window.
    slot: DFFWithInit<Bits<17>>,
    next_slot: Signal<Local, Bits<17>>,
    // Stage 1: the beat, registered.
    /// Bit k: the registered beat is beat k of its frame (its parts load).
    we: DFF<Bits<16>>,
    /// Bit k: the registered beat is its frame's first and k > 0, so beat
    /// k's parts clear. One register per beat: they differ in function
    /// (`!slot[k]`), so synthesis keeps them apart and each drives only
    /// its own beat's parts.
    clr: DFF<Bits<16>>,
    we_next: Signal<Local, Bits<16>>,
    clr_next: Signal<Local, Bits<16>>,
    /// The beat's lanes outside `keep` cleared, as granule parts: lanes
    /// 2..5 (`even`), lanes 6 and 7 (`odd_upper`), lanes 0 and 1
    /// (`odd_lower`, also in the lower half of `odd_lower32`).
    even: DFF<Bits<32>>,
    odd_upper: DFF<Bits<32>>,
    odd_lower: DFF<Bits<16>>,
    odd_lower32: Signal<Local, Bits<32>>,
    even_lanes: Signal<Local, Bits<32>>,
    upper_lanes: Signal<Local, Bits<32>>,
    lower_lanes: Signal<Local, Bits<16>>,
    /// Lane L of the beat, zero outside `keep`, in the low byte.
    lane: [Signal<Local, Bits<32>>; 8],
    beat_d: DFF<Bit>,
    /// The registered beat is its frame's last.
    end_d: DFF<Bit>,
    bytes_d: DFF<Bits<4>>,
    error_d: DFF<Bit>,
    ingress_d: DFF<Bits<8>>,
    beat_bytes: Signal<Local, Bits<4>>,
    /// j + 1: the beat's bytes when lane j is the highest kept.
    lanes_kept: [Constant<Bits<4>>; 8],
    // Stage 2: the window and the frame's facts.
    head_reg: DFF<Bits<16>>,
    /// Granule 2k: lanes 2..5 of beat k.
    even_part: [DFF<Bits<32>>; WINDOW_BEATS],
    /// Granule 2k+1's upper half (lanes 6 and 7 of beat k) and lower half
    /// (lanes 0 and 1 of beat k+1; granule 31's would be bytes 128 and 129,
    /// past the window: zero), each in place in 32 bits (the other half's
    /// flip-flops are constant zero and removed by synthesis).
    upper_part: [DFF<Bits<32>>; WINDOW_BEATS],
    lower_part: [DFF<Bits<32>>; WINDOW_BEATS - 1],
    /// Beats of the current frame before the registered one, and that count
    /// plus one, kept ready so that no adder sits between the last beat and
    /// `flen`. Bit 13 is sticky: set from 2^13 beats on (a frame of 65536
    /// bytes or more: the length saturates), the bits below then wrap
    /// unused; so the count is a bare carry chain, no saturation test
    /// before it. Every beat but the last is full (AXI-stream, `tkeep`
    /// contiguous).
    beats: DFF<Bits<14>>,
    beats_next: DFFWithInit<Bits<14>>,
    beats_inc: Signal<Local, Bits<14>>,
    /// The finished frame's length, output with the strobe.
    flen: DFF<Bits<16>>,
    strobe: DFF<Bit>,
    err: DFF<Bit>,
    port: DFF<Bits<8>>,
}

impl Default for WindowCapture {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            beat: Default::default(),
            data: Default::default(),
            keep: Default::default(),
            last: Default::default(),
            error: Default::default(),
            ingress: Default::default(),
            strobe_out: Default::default(),
            head: Default::default(),
            window: Default::default(),
            frame_len: Default::default(),
            mac_error: Default::default(),
            ingress_out: Default::default(),
            slot: DFFWithInit::new(1.into()),
            next_slot: Default::default(),
            we: Default::default(),
            clr: Default::default(),
            we_next: Default::default(),
            clr_next: Default::default(),
            even: Default::default(),
            odd_upper: Default::default(),
            odd_lower: Default::default(),
            odd_lower32: Default::default(),
            even_lanes: Default::default(),
            upper_lanes: Default::default(),
            lower_lanes: Default::default(),
            lane: Default::default(),
            beat_d: Default::default(),
            end_d: Default::default(),
            bytes_d: Default::default(),
            error_d: Default::default(),
            ingress_d: Default::default(),
            beat_bytes: Default::default(),
            lanes_kept: std::array::from_fn(|j| Constant::new(((j + 1) as u64).into())),
            head_reg: Default::default(),
            even_part: Default::default(),
            upper_part: Default::default(),
            lower_part: Default::default(),
            beats: Default::default(),
            beats_next: DFFWithInit::new(1.into()),
            beats_inc: Default::default(),
            flen: Default::default(),
            strobe: Default::default(),
            err: Default::default(),
            port: Default::default(),
        }
    }
}

impl Logic for WindowCapture {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, slot, we, clr, even, odd_upper, odd_lower, beat_d, end_d, bytes_d, error_d, ingress_d, head_reg,
            beats, beats_next, flen, strobe, err, port
        );
        // Stage 1. The lanes: lanes 2..5 make a granule, big-endian; 6 and 7
        // the upper half of the next, 0 and 1 the lower half of the one before.
        for l in 0..8 {
            self.lane[l].next = 0.into();
            if self.keep.val().get_bit(l) {
                self.lane[l].next = self.data.val().get_bits::<8>(8 * l).index().to_bits::<32>();
            }
        }
        self.even_lanes.next =
            (self.lane[2].val() << 24) | (self.lane[3].val() << 16) | (self.lane[4].val() << 8) | self.lane[5].val();
        self.upper_lanes.next = (self.lane[6].val() << 24) | (self.lane[7].val() << 16);
        self.lower_lanes.next = bit_cast::<16, 32>((self.lane[0].val() << 8) | self.lane[1].val());
        self.even.d.next = self.even_lanes.val();
        self.odd_upper.d.next = self.upper_lanes.val();
        self.odd_lower.d.next = self.lower_lanes.val();
        // tkeep is contiguous from lane 0: the highest lane kept gives the
        // count (a priority mux; a chain of eight `+ 1` became eight adders
        // in a row on ECP5).
        self.beat_bytes.next = 0.into();
        for j in 0..8 {
            if self.keep.val().get_bit(j) {
                self.beat_bytes.next = self.lanes_kept[j].val();
            }
        }
        self.bytes_d.d.next = self.beat_bytes.val();
        self.beat_d.d.next = self.beat.val();
        self.end_d.d.next = self.beat.val() & self.last.val();
        self.error_d.d.next = self.error.val();
        self.ingress_d.d.next = self.ingress.val();
        // The parts' enables and clears, an AND of the beat with the slot.
        self.we_next.next = 0.into();
        self.clr_next.next = 0.into();
        if self.beat.val() {
            self.we_next.next = self.slot.q.val().get_bits::<16>(0);
            if self.slot.q.val().get_bit(0) {
                self.clr_next.next = !self.slot.q.val().get_bits::<16>(0);
            }
        }
        self.we.d.next = self.we_next.val();
        self.clr.d.next = self.clr_next.val();
        // The next beat's slot: bit 16 stays; the beat after a last is beat 0.
        self.next_slot.next = self.slot.q.val() << 1;
        if self.slot.q.val().get_bit(16) {
            self.next_slot.next = self.slot.q.val();
        }
        if self.beat.val() {
            self.slot.d.next = self.next_slot.val();
            if self.last.val() {
                self.slot.d.next = 1.into();
            }
        }

        // Stage 2: each part loads its lanes or clears (never both).
        if self.we.q.val().get_bit(0) {
            self.head_reg.d.next = self.odd_lower.q.val();
        }
        for k in 0..WINDOW_BEATS {
            self.even_part[k].clock.next = self.clock.val();
            self.upper_part[k].clock.next = self.clock.val();
            self.even_part[k].d.next = self.even_part[k].q.val();
            self.upper_part[k].d.next = self.upper_part[k].q.val();
            if self.we.q.val().get_bit(k) {
                self.even_part[k].d.next = self.even.q.val();
                self.upper_part[k].d.next = self.odd_upper.q.val();
            }
            if self.clr.q.val().get_bit(k) {
                self.even_part[k].d.next = 0.into();
                self.upper_part[k].d.next = 0.into();
            }
        }
        self.odd_lower32.next = bit_cast::<32, 16>(self.odd_lower.q.val());
        for k in 1..WINDOW_BEATS {
            self.lower_part[k - 1].clock.next = self.clock.val();
            self.lower_part[k - 1].d.next = self.lower_part[k - 1].q.val();
            if self.we.q.val().get_bit(k) {
                self.lower_part[k - 1].d.next = self.odd_lower32.val();
            }
            if self.clr.q.val().get_bit(k) {
                self.lower_part[k - 1].d.next = 0.into();
            }
        }
        self.strobe.d.next = self.end_d.q.val();
        self.beats_inc.next = self.beats_next.q.val() + 1;
        self.beats_inc.next = self
            .beats_inc
            .val()
            .replace_bit(13, self.beats_inc.val().get_bit(13) | self.beats_next.q.val().get_bit(13));
        if self.beat_d.q.val() {
            self.beats.d.next = self.beats_next.q.val();
            self.beats_next.d.next = self.beats_inc.val();
        }
        if self.end_d.q.val() {
            self.err.d.next = self.error_d.q.val();
            self.port.d.next = self.ingress_d.q.val();
            // 8·beats + the last beat's bytes, as wires: {beats, bytes} or,
            // for a full last beat (8 bytes: bit 3), {beats + 1, 000}.
            if self.bytes_d.q.val().get_bit(3) {
                self.flen.d.next = bit_cast::<16, 14>(self.beats_next.q.val()) << 3;
                if self.beats_next.q.val().get_bit(13) {
                    self.flen.d.next = 0xFFFF.into();
                }
            } else {
                self.flen.d.next =
                    (bit_cast::<16, 14>(self.beats.q.val()) << 3) | bit_cast::<16, 4>(self.bytes_d.q.val());
            }
            if self.beats.q.val().get_bit(13) {
                self.flen.d.next = 0xFFFF.into();
            }
            self.beats.d.next = 0.into();
            self.beats_next.d.next = 1.into();
        }

        self.strobe_out.next = self.strobe.q.val();
        self.head.next = self.head_reg.q.val();
        for k in 0..WINDOW_BEATS {
            self.window[2 * k].next = self.even_part[k].q.val();
            self.window[2 * k + 1].next = self.upper_part[k].q.val();
        }
        for k in 1..WINDOW_BEATS {
            self.window[2 * k - 1].next = self.upper_part[k - 1].q.val() | self.lower_part[k - 1].q.val();
        }
        self.mac_error.next = self.err.q.val();
        self.ingress_out.next = self.port.q.val();
        self.frame_len.next = self.flen.q.val();
    }
}
