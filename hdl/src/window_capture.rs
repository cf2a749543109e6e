//! Window capture: the header window of each frame, from its beats.
//!
//! Ports
//! - in: `clock`; `beat` (a beat is accepted this cycle), `data`, `keep`,
//!   `last`, `error` (tuser), `ingress` — the s_axis beat as accepted.
//! - out, registered, high for one cycle the cycle after the last beat:
//!   `strobe_out`; `window` (frame byte i in bits [8i+7:8i], the first 128
//!   bytes = 16 beats; bytes past the frame are zero); `frame_len` (bytes,
//!   saturating at 65535); `mac_error` (tuser of the last beat); `ingress_out`
//!   (ingress port at the last beat).
//!
//! Latency 1 cycle from the last beat; throughput one frame per cycle (a
//! 1-beat frame every cycle gives a strobe every cycle). `window` holds the
//! frame only during its `strobe_out` cycle: the next frame's first beat
//! overwrites it.

use rust_hdl::prelude::*;

/// Beats that fill the 128-byte window.
pub const WINDOW_BEATS: usize = model::verdict::WINDOW / crate::stream::BEAT_BYTES;

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
    pub window: Signal<Out, Bits<1024>>,
    pub frame_len: Signal<Out, Bits<16>>,
    pub mac_error: Signal<Out, Bit>,
    pub ingress_out: Signal<Out, Bits<8>>,
    /// Beats of the current frame so far, saturating at WINDOW_BEATS.
    count: DFF<Bits<5>>,
    win: DFF<Bits<1024>>,
    /// Bytes of the current frame before this beat (17 bits: saturation).
    len: DFF<Bits<17>>,
    /// The finished frame's length, output with the strobe.
    flen: DFF<Bits<16>>,
    strobe: DFF<Bit>,
    err: DFF<Bit>,
    port: DFF<Bits<8>>,
    /// The beat with the lanes outside `keep` cleared.
    lanes: Signal<Local, Bits<64>>,
    beat_bytes: Signal<Local, Bits<17>>,
    sum: Signal<Local, Bits<17>>,
    /// Bit position of beat i in the window.
    beat_shift: [Constant<Bits<11>>; WINDOW_BEATS],
    /// All ones but lane j.
    lane_clear: [Constant<Bits<64>>; 8],
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
            window: Default::default(),
            frame_len: Default::default(),
            mac_error: Default::default(),
            ingress_out: Default::default(),
            count: Default::default(),
            win: Default::default(),
            len: Default::default(),
            flen: Default::default(),
            strobe: Default::default(),
            err: Default::default(),
            port: Default::default(),
            lanes: Default::default(),
            beat_bytes: Default::default(),
            sum: Default::default(),
            beat_shift: std::array::from_fn(|i| Constant::new(((64 * i) as u64).into())),
            lane_clear: std::array::from_fn(|j| Constant::new((!(0xFFu64 << (8 * j))).into())),
        }
    }
}

impl Logic for WindowCapture {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, count, win, len, flen, strobe, err, port);
        self.lanes.next = self.data.val();
        self.beat_bytes.next = 0.into();
        for j in 0..8 {
            if !self.keep.val().get_bit(j) {
                self.lanes.next = self.lanes.val() & self.lane_clear[j].val();
            }
            if self.keep.val().get_bit(j) {
                self.beat_bytes.next = self.beat_bytes.val() + 1;
            }
        }
        self.sum.next = self.len.q.val() + self.beat_bytes.val();
        if self.sum.val().get_bit(16) {
            self.sum.next = 0xFFFF.into();
        }
        self.strobe.d.next = false;
        if self.beat.val() {
            if self.count.q.val() == 0 {
                self.win.d.next = bit_cast::<1024, 64>(self.lanes.val());
            }
            for i in 1..WINDOW_BEATS {
                if self.count.q.val().index() == i {
                    self.win.d.next =
                        self.win.q.val() | (bit_cast::<1024, 64>(self.lanes.val()) << self.beat_shift[i].val());
                }
            }
            if self.count.q.val() != 16 {
                self.count.d.next = self.count.q.val() + 1;
            }
            self.len.d.next = self.sum.val();
            if self.last.val() {
                self.strobe.d.next = true;
                self.err.d.next = self.error.val();
                self.port.d.next = self.ingress.val();
                self.flen.d.next = bit_cast::<16, 17>(self.sum.val());
                self.count.d.next = 0.into();
                self.len.d.next = 0.into();
            }
        }
        self.strobe_out.next = self.strobe.q.val();
        self.window.next = self.win.q.val();
        self.mac_error.next = self.err.q.val();
        self.ingress_out.next = self.port.q.val();
        self.frame_len.next = self.flen.q.val();
    }
}
