//! `EthParse`: SPEC steps 1–3 (destination MAC, up to two VLAN tags,
//! EtherType) — the hardware twin of `model::eth_parse::eth_parse`.
//!
//! ```text
//!  0      6      12          16          20          24
//! +------+------+-----------+-----------+-----------+----
//! | dst  | src  | type/TPID | tag|type  | tag|type  | IP (l3 = 14 + 4·tags)
//! ```
//!
//! Ports (no valid signal: a pure pipeline, one frame per cycle)
//! - in:  `window` (frame bytes 0..23 are read), `frame_len`, `group_mac`
//!   (frame byte 0 in bits [47:40]), `group_mac_enable`.
//! - out, [`ETH_PARSE_LATENCY`] cycles later: `ok` (an IP packet was found),
//!   `verdict` (`verdict_code`, meaningful when `ok` = 0: bridge, control or
//!   malformed), `v6` (family), `tags` (0..2, so the IP header is at
//!   14 + 4·tags).
//!
//! Also here: the window and granule helpers every test and block shares.
//! A *granule* is 4 frame bytes starting at 4j + 2 (j = 0..31): every IP
//! header, extension header and transport header starts on a granule, since
//! 14, 18 and 22 are all 2 mod 4 and every header length is a multiple of 4.
//! Granules are big-endian words (byte 4j + 2 in bits [31:24]); granule 31
//! holds bytes 126 and 127 in its upper half and zeros below.

use rust_hdl::prelude::*;

use crate::verdict_code::{BRIDGE, CONTROL, MALFORMED};

pub const ETH_PARSE_LATENCY: usize = 1;
/// Header window bytes and bits.
pub const WINDOW_BYTES: usize = 128;
pub const WINDOW_BITS: usize = 8 * WINDOW_BYTES;
/// 4-byte granules at 4j + 2.
pub const GRANULES: usize = 32;

/// The window of `frame` as the hardware sees it: byte i in bits [8i+7:8i],
/// zero past the frame and past 128 bytes.
pub fn window_bits(frame: &[u8]) -> Bits<WINDOW_BITS> {
    let mut w = Bits::<WINDOW_BITS>::default();
    for (i, &b) in frame.iter().take(WINDOW_BYTES).enumerate() {
        if b != 0 {
            w.set_bits::<8>(8 * i, (b as u64).into());
        }
    }
    w
}

/// Granule j of `frame` (bytes 4j+2..4j+5 big-endian, zero past the frame or window).
pub fn granule(frame: &[u8], j: usize) -> u32 {
    let byte = |i: usize| if i < WINDOW_BYTES { frame.get(i).copied().unwrap_or(0) } else { 0 };
    let at = 4 * j + 2;
    u32::from_be_bytes([byte(at), byte(at + 1), byte(at + 2), byte(at + 3)])
}

/// All granules of `frame`.
pub fn granules(frame: &[u8]) -> [Bits<32>; GRANULES] {
    std::array::from_fn(|j| (granule(frame, j) as u64).into())
}

#[derive(LogicBlock)]
pub struct EthParse {
    pub clock: Signal<In, Clock>,
    pub window: Signal<In, Bits<WINDOW_BITS>>,
    pub frame_len: Signal<In, Bits<16>>,
    pub group_mac: Signal<In, Bits<48>>,
    pub group_mac_enable: Signal<In, Bit>,
    pub ok: Signal<Out, Bit>,
    pub verdict: Signal<Out, Bits<3>>,
    pub v6: Signal<Out, Bit>,
    pub tags: Signal<Out, Bits<2>>,
    mac_differs: Signal<Local, Bit>,
    type12: Signal<Local, Bits<16>>,
    type16: Signal<Local, Bits<16>>,
    type20: Signal<Local, Bits<16>>,
    tag1: Signal<Local, Bit>,
    tag2: Signal<Local, Bit>,
    ethertype: Signal<Local, Bits<16>>,
    code_bridge: Constant<Bits<3>>,
    code_control: Constant<Bits<3>>,
    code_malformed: Constant<Bits<3>>,
    r_ok: DFF<Bit>,
    r_verdict: DFF<Bits<3>>,
    r_v6: DFF<Bit>,
    r_tags: DFF<Bits<2>>,
}

impl Default for EthParse {
    fn default() -> Self {
        EthParse {
            clock: Default::default(),
            window: Default::default(),
            frame_len: Default::default(),
            group_mac: Default::default(),
            group_mac_enable: Default::default(),
            ok: Default::default(),
            verdict: Default::default(),
            v6: Default::default(),
            tags: Default::default(),
            mac_differs: Default::default(),
            type12: Default::default(),
            type16: Default::default(),
            type20: Default::default(),
            tag1: Default::default(),
            tag2: Default::default(),
            ethertype: Default::default(),
            code_bridge: Constant::new(BRIDGE.into()),
            code_control: Constant::new(CONTROL.into()),
            code_malformed: Constant::new(MALFORMED.into()),
            r_ok: Default::default(),
            r_verdict: Default::default(),
            r_v6: Default::default(),
            r_tags: Default::default(),
        }
    }
}

impl Logic for EthParse {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, r_ok, r_verdict, r_v6, r_tags);
        self.ok.next = self.r_ok.q.val();
        self.verdict.next = self.r_verdict.q.val();
        self.v6.next = self.r_v6.q.val();
        self.tags.next = self.r_tags.q.val();

        self.mac_differs.next = false;
        for k in 0..6 {
            if self.window.val().get_bits::<8>(8 * k) != self.group_mac.val().get_bits::<8>(40 - 8 * k) {
                self.mac_differs.next = true;
            }
        }
        self.type12.next = (bit_cast::<16, 8>(self.window.val().get_bits::<8>(96)) << 8)
            | bit_cast::<16, 8>(self.window.val().get_bits::<8>(104));
        self.type16.next = (bit_cast::<16, 8>(self.window.val().get_bits::<8>(128)) << 8)
            | bit_cast::<16, 8>(self.window.val().get_bits::<8>(136));
        self.type20.next = (bit_cast::<16, 8>(self.window.val().get_bits::<8>(160)) << 8)
            | bit_cast::<16, 8>(self.window.val().get_bits::<8>(168));
        // A tag is skipped only if its TPID is 0x8100 or 0x88A8; two at most.
        self.tag1.next = (self.type12.val() == 0x8100) || (self.type12.val() == 0x88a8);
        self.tag2.next = self.tag1.val() && ((self.type16.val() == 0x8100) || (self.type16.val() == 0x88a8));
        self.ethertype.next = self.type12.val();
        self.r_tags.d.next = 0.into();
        if self.tag1.val() {
            self.ethertype.next = self.type16.val();
            self.r_tags.d.next = 1.into();
        }
        if self.tag2.val() {
            self.ethertype.next = self.type20.val();
            self.r_tags.d.next = 2.into();
        }
        self.r_v6.d.next = self.ethertype.val() == 0x86dd;

        // Decision order of `model::eth_parse`: runt, MAC, cut-off tags, EtherType.
        self.r_ok.d.next = false;
        if self.frame_len.val() < 14 {
            self.r_verdict.d.next = self.code_malformed.val();
        } else if self.group_mac_enable.val() && self.mac_differs.val() {
            self.r_verdict.d.next = self.code_bridge.val();
        } else if self.tag1.val() && (self.frame_len.val() < 18) {
            self.r_verdict.d.next = self.code_malformed.val();
        } else if self.tag2.val() && (self.frame_len.val() < 22) {
            self.r_verdict.d.next = self.code_malformed.val();
        } else {
            self.r_verdict.d.next = self.code_control.val();
            if (self.ethertype.val() == 0x0800) || (self.ethertype.val() == 0x86dd) {
                self.r_ok.d.next = true;
            }
        }
    }
}
