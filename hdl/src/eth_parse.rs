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
//! - in:  `head` (frame bytes 0 and 1, byte 0 in [15:8]) and `window`
//!   (granules 0..4: frame bytes 2..21), `frame_len`, `group_mac` (frame
//!   byte 0 in bits [47:40]), `group_mac_enable`.
//! - out: `v6` (family) and `tags` (0..2, so the IP header is at
//!   14 + 4·tags) [`ETH_TAGS_LATENCY`] cycles later; `ok` (an IP packet was
//!   found) and `verdict` (`verdict_code`, meaningful when `ok` = 0: bridge,
//!   control or malformed) [`ETH_PARSE_LATENCY`] cycles later. Stage A
//!   compares every EtherType candidate, stage B applies the decision order.
//!
//! Also here: the window and granule helpers every test and block shares.
//! The 128-byte header window travels as `head` (bytes 0 and 1) and 32
//! *granules*, 4 frame bytes each starting at 4j + 2 (j = 0..31): every IP
//! header, extension header and transport header starts on a granule, since
//! 14, 18 and 22 are all 2 mod 4 and every header length is a multiple of 4.
//! Granules are big-endian words (byte 4j + 2 in bits [31:24]); granule 31
//! holds bytes 126 and 127 in its upper half and zeros below.

use rust_hdl::prelude::*;

use crate::verdict_code::{BRIDGE, CONTROL, MALFORMED};

/// Cycles to `ok` and `verdict`.
pub const ETH_PARSE_LATENCY: usize = 2;
/// Cycles to `v6` and `tags` (one less: the IP parse can start).
pub const ETH_TAGS_LATENCY: usize = 1;
/// Header window bytes.
pub const WINDOW_BYTES: usize = 128;
/// 4-byte granules at 4j + 2.
pub const GRANULES: usize = 32;
/// Granules EthParse reads (frame bytes 2..21).
pub const ETH_GRANULES: usize = 5;

/// `head` of `frame`: bytes 0 and 1 big-endian, zero past the frame.
pub fn head(frame: &[u8]) -> Bits<16> {
    let byte = |i: usize| frame.get(i).copied().unwrap_or(0);
    (u16::from_be_bytes([byte(0), byte(1)]) as u64).into()
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
    pub head: Signal<In, Bits<16>>,
    pub window: [Signal<In, Bits<32>>; ETH_GRANULES],
    pub frame_len: Signal<In, Bits<16>>,
    pub group_mac: Signal<In, Bits<48>>,
    pub group_mac_enable: Signal<In, Bit>,
    pub ok: Signal<Out, Bit>,
    pub verdict: Signal<Out, Bits<3>>,
    pub v6: Signal<Out, Bit>,
    pub tags: Signal<Out, Bits<2>>,
    type12: Signal<Local, Bits<16>>,
    type16: Signal<Local, Bits<16>>,
    type20: Signal<Local, Bits<16>>,
    // Stage A: every comparison, for each place the EtherType may be.
    a_runt: DFF<Bit>,
    /// Destination MAC bytes 0–1 and 2–5 equal to the group MAC's.
    a_mac_head: DFF<Bit>,
    a_mac_tail: DFF<Bit>,
    a_mac_enable: DFF<Bit>,
    a_tag1: DFF<Bit>,
    a_tag2: DFF<Bit>,
    a_short18: DFF<Bit>,
    a_short22: DFF<Bit>,
    a_ip12: DFF<Bit>,
    a_ip16: DFF<Bit>,
    a_ip20: DFF<Bit>,
    a_v6_12: DFF<Bit>,
    a_v6_16: DFF<Bit>,
    a_v6_20: DFF<Bit>,
    // Stage B: the decision order.
    b_ok: DFF<Bit>,
    b_verdict: DFF<Bits<3>>,
    code_bridge: Constant<Bits<3>>,
    code_control: Constant<Bits<3>>,
    code_malformed: Constant<Bits<3>>,
}

impl Default for EthParse {
    fn default() -> Self {
        EthParse {
            clock: Default::default(),
            head: Default::default(),
            window: Default::default(),
            frame_len: Default::default(),
            group_mac: Default::default(),
            group_mac_enable: Default::default(),
            ok: Default::default(),
            verdict: Default::default(),
            v6: Default::default(),
            tags: Default::default(),
            type12: Default::default(),
            type16: Default::default(),
            type20: Default::default(),
            a_runt: Default::default(),
            a_mac_head: Default::default(),
            a_mac_tail: Default::default(),
            a_mac_enable: Default::default(),
            a_tag1: Default::default(),
            a_tag2: Default::default(),
            a_short18: Default::default(),
            a_short22: Default::default(),
            a_ip12: Default::default(),
            a_ip16: Default::default(),
            a_ip20: Default::default(),
            a_v6_12: Default::default(),
            a_v6_16: Default::default(),
            a_v6_20: Default::default(),
            b_ok: Default::default(),
            b_verdict: Default::default(),
            code_bridge: Constant::new(BRIDGE.into()),
            code_control: Constant::new(CONTROL.into()),
            code_malformed: Constant::new(MALFORMED.into()),
        }
    }
}

impl Logic for EthParse {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, a_runt, a_mac_head, a_mac_tail, a_mac_enable, a_tag1, a_tag2, a_short18, a_short22, a_ip12, a_ip16, a_ip20, a_v6_12,
            a_v6_16, a_v6_20, b_ok, b_verdict
        );
        // Stage A.
        self.a_mac_head.d.next = self.head.val() == self.group_mac.val().get_bits::<16>(32);
        self.a_mac_tail.d.next = self.window[0].val() == bit_cast::<32, 48>(self.group_mac.val());
        // The EtherType candidates: frame bytes 12–13, 16–17 and 20–21, the
        // lower halves of granules 2, 3 and 4.
        self.type12.next = bit_cast::<16, 32>(self.window[2].val());
        self.type16.next = bit_cast::<16, 32>(self.window[3].val());
        self.type20.next = bit_cast::<16, 32>(self.window[4].val());
        self.a_runt.d.next = self.frame_len.val() < 14;
        self.a_mac_enable.d.next = self.group_mac_enable.val();
        // A tag is skipped only if its TPID is 0x8100 or 0x88A8; two at most.
        self.a_tag1.d.next = (self.type12.val() == 0x8100) || (self.type12.val() == 0x88a8);
        self.a_tag2.d.next = (self.type16.val() == 0x8100) || (self.type16.val() == 0x88a8);
        self.a_short18.d.next = self.frame_len.val() < 18;
        self.a_short22.d.next = self.frame_len.val() < 22;
        self.a_ip12.d.next = (self.type12.val() == 0x0800) || (self.type12.val() == 0x86dd);
        self.a_ip16.d.next = (self.type16.val() == 0x0800) || (self.type16.val() == 0x86dd);
        self.a_ip20.d.next = (self.type20.val() == 0x0800) || (self.type20.val() == 0x86dd);
        self.a_v6_12.d.next = self.type12.val() == 0x86dd;
        self.a_v6_16.d.next = self.type16.val() == 0x86dd;
        self.a_v6_20.d.next = self.type20.val() == 0x86dd;

        // Where the IP header is, straight from stage A (one cycle early, so
        // that IpParse starts on it while stage B settles the verdict).
        self.tags.next = 0.into();
        self.v6.next = self.a_v6_12.q.val();
        if self.a_tag1.q.val() {
            self.tags.next = 1.into();
            self.v6.next = self.a_v6_16.q.val();
        }
        if self.a_tag1.q.val() && self.a_tag2.q.val() {
            self.tags.next = 2.into();
            self.v6.next = self.a_v6_20.q.val();
        }

        // Stage B: the decision order of `model::eth_parse`: runt, MAC,
        // cut-off tags, EtherType after the tags.
        self.b_ok.d.next = false;
        if self.a_runt.q.val() {
            self.b_verdict.d.next = self.code_malformed.val();
        } else if self.a_mac_enable.q.val() && !(self.a_mac_head.q.val() && self.a_mac_tail.q.val()) {
            self.b_verdict.d.next = self.code_bridge.val();
        } else if self.a_tag1.q.val() && self.a_short18.q.val() {
            self.b_verdict.d.next = self.code_malformed.val();
        } else if self.a_tag1.q.val() && self.a_tag2.q.val() && self.a_short22.q.val() {
            self.b_verdict.d.next = self.code_malformed.val();
        } else {
            self.b_verdict.d.next = self.code_control.val();
            if self.a_tag1.q.val() && self.a_tag2.q.val() {
                self.b_ok.d.next = self.a_ip20.q.val();
            } else if self.a_tag1.q.val() {
                self.b_ok.d.next = self.a_ip16.q.val();
            } else {
                self.b_ok.d.next = self.a_ip12.q.val();
            }
        }
        self.ok.next = self.b_ok.q.val();
        self.verdict.next = self.b_verdict.q.val();
    }
}
