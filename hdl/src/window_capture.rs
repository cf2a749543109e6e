//! Window capture: the header window of each frame, from its beats.
//!
//! Ports
//! - in: `clock`; `beat` (a beat is accepted this cycle), `data`, `keep`,
//!   `last`, `error` (tuser), `ingress` — the s_axis beat as accepted.
//!   `keep` is contiguous from lane 0 and full on every beat but the last
//!   (AXI-stream as the core takes it): the length is counted in beats.
//! - out, registered, high for one cycle the cycle after the last beat:
//!   `strobe_out`; the first 128 bytes as `eth_parse` cuts them: `head`
//!   (bytes 0 and 1, byte 0 in [15:8]) and `window` (32 granules, granule j
//!   = bytes 4j+2..4j+5 big-endian; see `eth_parse`); bytes past the frame
//!   are zero; `frame_len` (bytes, saturating at 65535); `mac_error` (tuser
//!   of the last beat); `ingress_out` (ingress port at the last beat).
//!
//! Latency 1 cycle from the last beat; throughput one frame per cycle (a
//! 1-beat frame every cycle gives a strobe every cycle). The window holds
//! the frame only during its `strobe_out` cycle: the next frame's first beat
//! overwrites it.
//!
//! Beat k (bytes 8k..8k+7) fills granule 2k with lanes 2..5, the upper half
//! of granule 2k+1 with lanes 6 and 7 and the lower half of granule 2k−1
//! with lanes 0 and 1 (beat 0: `head`); the first beat clears the rest. The
//! lanes are moved bit by bit: rust-hdl simulates shifts and slices with a
//! big integer each, and the hardware is the same wires.

use rust_hdl::prelude::*;

use crate::eth_parse::GRANULES;

/// Cycles from the last beat in to `strobe_out`.
pub const WINDOW_CAPTURE_LATENCY: usize = 1;

/// Beats that fill the 128-byte window.
pub const WINDOW_BEATS: usize = model::verdict::WINDOW / crate::stream::BEAT_BYTES;
// #[hdl_gen] needs a literal for the slot past the window.
const _: () = assert!(WINDOW_BEATS == 16);

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
    /// The beat's place in the frame, one-hot: bit k for beat k < 16, bit
    /// 16 past the window. One-hot so that each granule's write enable is
    /// one AND with the accepted beat (a decoded count fanned out to the
    /// 1,024 window flip-flops was the core's critical path on ECP5).
    slot: DFFWithInit<Bits<17>>,
    next_slot: Signal<Local, Bits<17>>,
    head_reg: DFF<Bits<16>>,
    granule: [DFF<Bits<32>>; GRANULES],
    /// Beats of the current frame before this one, saturating at 2^13 (a
    /// frame of 65536 bytes or more), and that count plus one, kept ready
    /// so that no adder sits between the last beat and `flen`. Every beat
    /// but the last is full (AXI-stream, `tkeep` contiguous).
    beats: DFF<Bits<14>>,
    beats_next: DFFWithInit<Bits<14>>,
    /// The finished frame's length, output with the strobe.
    flen: DFF<Bits<16>>,
    strobe: DFF<Bit>,
    err: DFF<Bit>,
    port: DFF<Bits<8>>,
    /// The beat's lanes outside `keep` cleared, as granule parts: lanes
    /// 2..5 (`even`), lanes 6 and 7 in the upper half (`odd_upper`), lanes 0
    /// and 1 (`odd_lower`).
    even: Signal<Local, Bits<32>>,
    odd_upper: Signal<Local, Bits<32>>,
    odd_lower: Signal<Local, Bits<16>>,
    beat_bytes: Signal<Local, Bits<4>>,
    /// j + 1: the beat's bytes when lane j is the highest kept.
    lanes_kept: [Constant<Bits<4>>; 8],
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
            head_reg: Default::default(),
            granule: Default::default(),
            beats: Default::default(),
            beats_next: DFFWithInit::new(1.into()),
            flen: Default::default(),
            strobe: Default::default(),
            err: Default::default(),
            port: Default::default(),
            even: Default::default(),
            odd_upper: Default::default(),
            odd_lower: Default::default(),
            beat_bytes: Default::default(),
            lanes_kept: std::array::from_fn(|j| Constant::new(((j + 1) as u64).into())),
        }
    }
}

impl Logic for WindowCapture {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, slot, head_reg, beats, beats_next, flen, strobe, err, port);
        self.even.next = 0.into();
        self.odd_upper.next = 0.into();
        self.odd_lower.next = 0.into();
        for t in 0..8 {
            // Lane L, bit t goes to granule bit 8·(5−L)+t (lanes 2..5),
            // 8·(9−L)+t (lanes 6, 7) or 8·(1−L)+t (lanes 0, 1).
            self.odd_lower.next = self
                .odd_lower
                .val()
                .replace_bit(8 + t, self.keep.val().get_bit(0) & self.data.val().get_bit(t))
                .replace_bit(t, self.keep.val().get_bit(1) & self.data.val().get_bit(8 + t));
            self.even.next = self
                .even
                .val()
                .replace_bit(24 + t, self.keep.val().get_bit(2) & self.data.val().get_bit(16 + t))
                .replace_bit(16 + t, self.keep.val().get_bit(3) & self.data.val().get_bit(24 + t))
                .replace_bit(8 + t, self.keep.val().get_bit(4) & self.data.val().get_bit(32 + t))
                .replace_bit(t, self.keep.val().get_bit(5) & self.data.val().get_bit(40 + t));
            self.odd_upper.next = self
                .odd_upper
                .val()
                .replace_bit(24 + t, self.keep.val().get_bit(6) & self.data.val().get_bit(48 + t))
                .replace_bit(16 + t, self.keep.val().get_bit(7) & self.data.val().get_bit(56 + t));
        }
        // tkeep is contiguous from lane 0: the highest lane kept gives the
        // count (a priority mux; a chain of eight `+ 1` became eight adders
        // in a row, the core's slowest path on ECP5).
        self.beat_bytes.next = 0.into();
        for j in 0..8 {
            if self.keep.val().get_bit(j) {
                self.beat_bytes.next = self.lanes_kept[j].val();
            }
        }
        // The next beat's slot, bit by bit (a shift costs rust-hdl a big
        // integer); bit 16 stays.
        self.next_slot.next = 0.into();
        for k in 0..WINDOW_BEATS {
            self.next_slot.next = self.next_slot.val().replace_bit(k + 1, self.slot.q.val().get_bit(k));
        }
        if self.slot.q.val().get_bit(16) {
            self.next_slot.next = self.slot.q.val();
        }
        for j in 0..GRANULES {
            self.granule[j].clock.next = self.clock.val();
            self.granule[j].d.next = self.granule[j].q.val();
        }
        self.strobe.d.next = false;
        if self.beat.val() {
            if self.slot.q.val().get_bit(0) {
                self.head_reg.d.next = self.odd_lower.val();
                for j in 2..GRANULES {
                    self.granule[j].d.next = 0.into();
                }
            }
            for k in 0..WINDOW_BEATS {
                if self.slot.q.val().get_bit(k) {
                    self.granule[2 * k].d.next = self.even.val();
                    self.granule[2 * k + 1].d.next = self.odd_upper.val();
                }
            }
            for k in 1..WINDOW_BEATS {
                if self.slot.q.val().get_bit(k) {
                    self.granule[2 * k - 1].d.next =
                        self.granule[2 * k - 1].q.val() | bit_cast::<32, 16>(self.odd_lower.val());
                }
            }
            self.slot.d.next = self.next_slot.val();
            self.beats.d.next = self.beats_next.q.val();
            if !self.beats_next.q.val().get_bit(13) {
                self.beats_next.d.next = self.beats_next.q.val() + 1;
            }
            if self.last.val() {
                self.strobe.d.next = true;
                self.err.d.next = self.error.val();
                self.port.d.next = self.ingress.val();
                // 8·beats + the last beat's bytes, as wires: {beats, bytes}
                // or, for a full last beat, {beats + 1, 000}.
                if self.beat_bytes.val() == 8 {
                    self.flen.d.next = bit_cast::<16, 14>(self.beats_next.q.val()) << 3;
                    if self.beats_next.q.val().get_bit(13) {
                        self.flen.d.next = 0xFFFF.into();
                    }
                } else {
                    self.flen.d.next =
                        (bit_cast::<16, 14>(self.beats.q.val()) << 3) | bit_cast::<16, 4>(self.beat_bytes.val());
                }
                if self.beats.q.val().get_bit(13) {
                    self.flen.d.next = 0xFFFF.into();
                }
                self.slot.d.next = 1.into();
                self.beats.d.next = 0.into();
                self.beats_next.d.next = 1.into();
            }
        }
        self.strobe_out.next = self.strobe.q.val();
        self.head.next = self.head_reg.q.val();
        for j in 0..GRANULES {
            self.window[j].next = self.granule[j].q.val();
        }
        self.mac_error.next = self.err.q.val();
        self.ingress_out.next = self.port.q.val();
        self.frame_len.next = self.flen.q.val();
    }
}
