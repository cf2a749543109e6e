//! `IpParse`: SPEC steps 4 and 5 (IP header sanity, up to two IPv6
//! extension headers, fragments) — the hardware twin of
//! `model::ip_parse::ip_parse`.
//!
//! ```text
//! IPv4 at l3: 0 ver/IHL | 2 total length | 6 flags+offset | 9 protocol | 12 src | 16 dst
//! IPv6 at l3: 0 ver | 4 payload length | 6 next header | 8 src | 24 dst | 40 ext: next, len
//! ```
//! Every header starts on a granule (see `eth_parse`): the IP header at
//! granule 3 + tags, the first extension header 10 granules later, the
//! second one at granule 15 + tags + 2·(first one's length byte).
//!
//! Ports (pure pipeline, one frame per cycle, latency [`IP_PARSE_LATENCY`]):
//! - in: `window` (32 granules), `frame_len`, `v6`, `tags` (from `EthParse`;
//!   the result is meaningless unless `EthParse` said `ok`).
//! - out: `ok`; `verdict` (`verdict_code`, when `ok` = 0: malformed, control
//!   or fragment); `proto` (IPv6: the next header after the skipped
//!   extension headers); `l4` (offset of the transport header, < 128 when
//!   `ok`); `packet_end` (l3 + IPv4 total length, or l3 + 40 + IPv6 payload length);
//!   `ext_headers`; `src`, `dst` (16-byte forms, IPv4-mapped, byte 0 in
//!   bits [127:120]); and `frame_len_out`, `v6_out`: the inputs delayed to
//!   line up with the results, for the next stage (`Decide` delays the
//!   window itself, in LUT RAM).
//!
//! Stages (at most a compare or a mux each, for the ECP5 target): A
//! selects the header granules by `tags` (3:1), measures the frame after
//! l3, computes every l3-dependent sum (an adder per tag count, then the
//! select: no adder after the select) and decodes where the second
//! extension header may start; B checks
//! IPv4 and the first extension header and reads the second one's
//! next-header and length bytes; C turns every remaining field into a flag
//! and selects the addresses; D applies the decision order.


use rust_hdl::prelude::*;

use crate::eth_parse::GRANULES;
use crate::verdict_code::{CONTROL, FRAGMENT, MALFORMED};

pub const IP_PARSE_LATENCY: usize = 4;
/// First extension length bytes x1 that can put the second extension
/// header inside the window: granule 15 + tags + 2·x1 <= 31, x1 <= 8.
const EXT2_SPOTS: usize = 9;
/// Granules that can hold an address: 5 + tags ..= 12 + tags.
const ADDR_GRANULES: usize = 10;

#[derive(LogicBlock)]
pub struct IpParse {
    pub clock: Signal<In, Clock>,
    pub window: [Signal<In, Bits<32>>; GRANULES],
    pub frame_len: Signal<In, Bits<16>>,
    pub v6: Signal<In, Bit>,
    pub tags: Signal<In, Bits<2>>,
    pub ok: Signal<Out, Bit>,
    pub verdict: Signal<Out, Bits<3>>,
    pub proto: Signal<Out, Bits<8>>,
    pub l4: Signal<Out, Bits<8>>,
    pub packet_end: Signal<Out, Bits<17>>,
    pub ext_headers: Signal<Out, Bits<2>>,
    pub src: Signal<Out, Bits<128>>,
    pub dst: Signal<Out, Bits<128>>,
    pub frame_len_out: Signal<Out, Bits<16>>,
    pub v6_out: Signal<Out, Bit>,
    // Stage A.
    /// Granules 5 ..= 14 (the addresses for every tag count), to stage B.
    a_win: [DFF<Bits<32>>; ADDR_GRANULES],
    a_len: DFF<Bits<16>>,
    a_v6: DFF<Bit>,
    a_tags: DFF<Bits<2>>,
    a_h0: DFF<Bits<32>>,
    a_h1: DFF<Bits<32>>,
    a_h2: DFF<Bits<32>>,
    a_ext1: DFF<Bits<16>>,
    a_rem0: DFF<Bits<16>>,
    a_l3: DFF<Bits<8>>,
    a_l3_40: DFF<Bits<8>>,
    a_at2_rel: DFF<Bits<16>>,
    a_at2: DFF<Bits<8>>,
    a_at2_8: DFF<Bits<8>>,
    a_room2: DFF<Bits<8>>,
    /// The second extension header's candidate granules, aligned for the
    /// tags (x1 = x: granule 15 + tags + 2x; 0 when outside the window),
    /// and x1's one-hot decode: stage B selects among 9 local registers.
    a_spot: [DFF<Bit>; EXT2_SPOTS],
    a_ext2: [DFF<Bits<16>>; EXT2_SPOTS],
    // Stage B.
    ihl: Signal<Local, Bits<16>>,
    total: Signal<Local, Bits<16>>,
    x1: Signal<Local, Bits<16>>,
    ext2: Signal<Local, Bits<16>>,
    b_win: [DFF<Bits<32>>; ADDR_GRANULES],
    b_len: DFF<Bits<16>>,
    b_v6: DFF<Bit>,
    b_tags: DFF<Bits<2>>,
    b_v4_malformed: DFF<Bit>,
    b_v4_fragment: DFF<Bit>,
    b_v4_l4: DFF<Bits<8>>,
    b_v4_proto: DFF<Bits<8>>,
    b_end: DFF<Bits<17>>,
    b_v6_malformed: DFF<Bit>,
    b_next0: DFF<Bits<8>>,
    b_next1: DFF<Bits<8>>,
    b_ext1_malformed: DFF<Bit>,
    b_ext1_control: DFF<Bit>,
    b_at2: DFF<Bits<8>>,
    b_at2_8: DFF<Bits<8>>,
    b_room2: DFF<Bits<8>>,
    b_l4_v6: DFF<Bits<8>>,
    b_rem2: DFF<Bits<16>>,
    b_next2: DFF<Bits<8>>,
    b_x2: DFF<Bits<8>>,
    // Stage C.
    c_len: DFF<Bits<16>>,
    c_v6: DFF<Bit>,
    c_l4_v6: DFF<Bits<8>>,
    c_v4_malformed: DFF<Bit>,
    c_v4_fragment: DFF<Bit>,
    c_v4_l4: DFF<Bits<8>>,
    c_v4_proto: DFF<Bits<8>>,
    c_end: DFF<Bits<17>>,
    c_v6_malformed: DFF<Bit>,
    c_next0: DFF<Bits<8>>,
    c_next1: DFF<Bits<8>>,
    c_next2: DFF<Bits<8>>,
    c_skip0: DFF<Bit>,
    c_skip1: DFF<Bit>,
    c_skip2: DFF<Bit>,
    c_frag0: DFF<Bit>,
    c_frag1: DFF<Bit>,
    c_frag2: DFF<Bit>,
    c_ext1_malformed: DFF<Bit>,
    c_ext1_control: DFF<Bit>,
    c_ext2_malformed: DFF<Bit>,
    c_ext2_control: DFF<Bit>,
    c_at2: DFF<Bits<8>>,
    c_at3: DFF<Bits<8>>,
    c_src: DFF<Bits<128>>,
    c_dst: DFF<Bits<128>>,
    q0: Signal<Local, Bits<32>>,
    q1: Signal<Local, Bits<32>>,
    q2: Signal<Local, Bits<32>>,
    q3: Signal<Local, Bits<32>>,
    q4: Signal<Local, Bits<32>>,
    q5: Signal<Local, Bits<32>>,
    q6: Signal<Local, Bits<32>>,
    q7: Signal<Local, Bits<32>>,
    // Stage D.
    v_ok: Signal<Local, Bit>,
    v_verdict: Signal<Local, Bits<3>>,
    v_proto: Signal<Local, Bits<8>>,
    v_l4: Signal<Local, Bits<8>>,
    v_ext: Signal<Local, Bits<2>>,
    d_ok: DFF<Bit>,
    d_verdict: DFF<Bits<3>>,
    d_proto: DFF<Bits<8>>,
    d_l4: DFF<Bits<8>>,
    d_end: DFF<Bits<17>>,
    d_ext: DFF<Bits<2>>,
    d_src: DFF<Bits<128>>,
    d_dst: DFF<Bits<128>>,
    d_len: DFF<Bits<16>>,
    d_v6: DFF<Bit>,
    code_control: Constant<Bits<3>>,
    code_fragment: Constant<Bits<3>>,
    code_malformed: Constant<Bits<3>>,
    v4_mapped: Constant<Bits<128>>,
}

impl Default for IpParse {
    fn default() -> Self {
        IpParse {
            clock: Default::default(),
            window: Default::default(),
            frame_len: Default::default(),
            v6: Default::default(),
            tags: Default::default(),
            ok: Default::default(),
            verdict: Default::default(),
            proto: Default::default(),
            l4: Default::default(),
            packet_end: Default::default(),
            ext_headers: Default::default(),
            src: Default::default(),
            dst: Default::default(),
            frame_len_out: Default::default(),
            v6_out: Default::default(),
            a_win: Default::default(),
            a_len: Default::default(),
            a_v6: Default::default(),
            a_tags: Default::default(),
            a_h0: Default::default(),
            a_h1: Default::default(),
            a_h2: Default::default(),
            a_ext1: Default::default(),
            a_rem0: Default::default(),
            a_l3: Default::default(),
            a_l3_40: Default::default(),
            a_at2_rel: Default::default(),
            a_at2: Default::default(),
            a_at2_8: Default::default(),
            a_room2: Default::default(),
            a_spot: Default::default(),
            a_ext2: Default::default(),
            ihl: Default::default(),
            total: Default::default(),
            x1: Default::default(),
            ext2: Default::default(),
            b_win: Default::default(),
            b_len: Default::default(),
            b_v6: Default::default(),
            b_tags: Default::default(),
            b_v4_malformed: Default::default(),
            b_v4_fragment: Default::default(),
            b_v4_l4: Default::default(),
            b_v4_proto: Default::default(),
            b_end: Default::default(),
            b_v6_malformed: Default::default(),
            b_next0: Default::default(),
            b_next1: Default::default(),
            b_ext1_malformed: Default::default(),
            b_ext1_control: Default::default(),
            b_at2: Default::default(),
            b_at2_8: Default::default(),
            b_room2: Default::default(),
            b_l4_v6: Default::default(),
            b_rem2: Default::default(),
            b_next2: Default::default(),
            b_x2: Default::default(),
            c_len: Default::default(),
            c_v6: Default::default(),
            c_l4_v6: Default::default(),
            c_v4_malformed: Default::default(),
            c_v4_fragment: Default::default(),
            c_v4_l4: Default::default(),
            c_v4_proto: Default::default(),
            c_end: Default::default(),
            c_v6_malformed: Default::default(),
            c_next0: Default::default(),
            c_next1: Default::default(),
            c_next2: Default::default(),
            c_skip0: Default::default(),
            c_skip1: Default::default(),
            c_skip2: Default::default(),
            c_frag0: Default::default(),
            c_frag1: Default::default(),
            c_frag2: Default::default(),
            c_ext1_malformed: Default::default(),
            c_ext1_control: Default::default(),
            c_ext2_malformed: Default::default(),
            c_ext2_control: Default::default(),
            c_at2: Default::default(),
            c_at3: Default::default(),
            c_src: Default::default(),
            c_dst: Default::default(),
            q0: Default::default(),
            q1: Default::default(),
            q2: Default::default(),
            q3: Default::default(),
            q4: Default::default(),
            q5: Default::default(),
            q6: Default::default(),
            q7: Default::default(),
            v_ok: Default::default(),
            v_verdict: Default::default(),
            v_proto: Default::default(),
            v_l4: Default::default(),
            v_ext: Default::default(),
            d_ok: Default::default(),
            d_verdict: Default::default(),
            d_proto: Default::default(),
            d_l4: Default::default(),
            d_end: Default::default(),
            d_ext: Default::default(),
            d_src: Default::default(),
            d_dst: Default::default(),
            d_len: Default::default(),
            d_v6: Default::default(),
            code_control: Constant::new(CONTROL.into()),
            code_fragment: Constant::new(FRAGMENT.into()),
            code_malformed: Constant::new(MALFORMED.into()),
            v4_mapped: Constant::new(bits(0xffff_0000_0000)),
        }
    }
}

impl Logic for IpParse {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, a_len, a_v6, a_tags, a_h0, a_h1, a_h2, a_ext1, a_rem0, a_l3, a_l3_40, a_at2_rel, a_at2, a_at2_8,
            a_room2, b_len, b_v6, b_tags, b_v4_malformed,
            b_v4_fragment, b_v4_l4, b_v4_proto, b_end, b_v6_malformed, b_next0, b_next1, b_ext1_malformed,
            b_ext1_control, b_at2, b_at2_8, b_room2, b_l4_v6, b_rem2, b_next2, b_x2, c_len, c_v6,
            c_l4_v6, c_v4_malformed, c_v4_fragment,
            c_v4_l4, c_v4_proto, c_end, c_v6_malformed, c_next0, c_next1, c_next2, c_skip0, c_skip1, c_skip2,
            c_frag0, c_frag1, c_frag2, c_ext1_malformed, c_ext1_control, c_ext2_malformed, c_ext2_control, c_at2,
            c_at3, c_src, c_dst, d_ok, d_verdict, d_proto, d_l4, d_end, d_ext, d_src, d_dst, d_len, d_v6
        );
        for j in 0..ADDR_GRANULES {
            self.a_win[j].clock.next = self.clock.val();
            self.b_win[j].clock.next = self.clock.val();
            self.a_win[j].d.next = self.window[5 + j].val();
            self.b_win[j].d.next = self.a_win[j].q.val();
        }
        for i in 0..EXT2_SPOTS {
            self.a_spot[i].clock.next = self.clock.val();
            self.a_ext2[i].clock.next = self.clock.val();
        }

        // Stage A: the IP header starts on granule 3 + tags, l3 = 14 + 4·tags.
        self.a_len.d.next = self.frame_len.val();
        self.a_v6.d.next = self.v6.val();
        self.a_tags.d.next = self.tags.val();
        for t in 0..3 {
            if self.tags.val().index() == t {
                self.a_h0.d.next = self.window[3 + t].val();
                self.a_h1.d.next = self.window[4 + t].val();
                self.a_h2.d.next = self.window[5 + t].val();
                self.a_ext1.d.next = self.window[13 + t].val().get_bits::<16>(16);
            }
        }
        // Every sum that depends on l3 is computed for each tag count from
        // the window and selected by `tags` (an adder, then the 3:1 mux): no
        // adder waits for the select. x1 = the first extension header's
        // length byte; its end at2 = l3 + 48 + 8·x1 = 62 + 4·tags + 8·x1.
        for t in 0..3 {
            if self.tags.val().index() == t {
                // Frame bytes from l3 on (meaningless when EthParse refused the frame).
                self.a_rem0.d.next = self.frame_len.val() - (14 + 4 * t).to_bits();
                self.a_l3.d.next = (14 + 4 * t).to_bits();
                self.a_l3_40.d.next = (54 + 4 * t).to_bits();
                self.a_at2_rel.d.next = ((self.window[13 + t].val().get_bits::<16>(16) & 0xff) << 3) + 48;
                self.a_at2.d.next = (self.window[13 + t].val().get_bits::<8>(16) << 3) + (62 + 4 * t).to_bits();
                self.a_at2_8.d.next = (self.window[13 + t].val().get_bits::<8>(16) << 3) + (70 + 4 * t).to_bits();
                // (128 - at2) / 8, the second header's room in the window in
                // 8-byte units: 8 - x1 without tags, 7 - x1 with (exact
                // whenever the first header ends inside the window).
                self.a_room2.d.next = (8 - ((t + 1) >> 1)).to_bits::<8>() - self.window[13 + t].val().get_bits::<8>(16);
            }
        }
        // The second extension header starts at l3 + 40 + 8(x1 + 1), i.e. on
        // granule 15 + tags + 2·x1; x1 <= 8 (x1 = 8 only without tags) keeps
        // it inside the window.
        for x in 0..EXT2_SPOTS {
            self.a_spot[x].d.next = false;
            self.a_ext2[x].d.next = 0.into();
        }
        for x in 0..8 {
            for t in 0..3 {
                if self.tags.val().index() == t {
                    self.a_spot[x].d.next = self.window[13 + t].val().get_bits::<8>(16).index() == x;
                    self.a_ext2[x].d.next = self.window[15 + t + 2 * x].val().get_bits::<16>(16);
                }
            }
        }
        if self.tags.val().index() == 0 {
            self.a_spot[8].d.next = self.window[13].val().get_bits::<8>(16).index() == 8;
            self.a_ext2[8].d.next = self.window[31].val().get_bits::<16>(16);
        }

        // Stage B: IPv4 checks, the first extension header, the second's first bytes.
        self.ihl.next = bit_cast::<16, 4>(self.a_h0.q.val().get_bits::<4>(24)) << 2;
        self.total.next = self.a_h0.q.val().get_bits::<16>(0);
        self.b_v4_malformed.d.next = (self.a_rem0.q.val() < 20)
            || (self.a_h0.q.val().get_bits::<4>(28) != 4)
            || (self.ihl.val() < 20)
            || (self.total.val() < self.ihl.val())
            || (self.a_rem0.q.val() < self.ihl.val());
        self.b_v4_fragment.d.next = (self.a_h1.q.val().get_bits::<16>(0) & 0x3fff) != 0;
        self.b_v4_l4.d.next = self.a_l3.q.val() + bit_cast::<8, 16>(self.ihl.val());
        self.b_v4_proto.d.next = self.a_h2.q.val().get_bits::<8>(16);
        if self.a_v6.q.val() {
            self.b_end.d.next =
                bit_cast::<17, 8>(self.a_l3_40.q.val()) + bit_cast::<17, 16>(self.a_h1.q.val().get_bits::<16>(16));
        } else {
            self.b_end.d.next = bit_cast::<17, 8>(self.a_l3.q.val()) + bit_cast::<17, 16>(self.total.val());
        }
        self.b_v6_malformed.d.next = (self.a_rem0.q.val() < 40) || (self.a_h0.q.val().get_bits::<4>(28) != 6);
        self.b_next0.d.next = self.a_h1.q.val().get_bits::<8>(8);
        self.b_next1.d.next = self.a_ext1.q.val().get_bits::<8>(8);
        // First extension header at l3 + 40, 8(x1 + 1) bytes: past the frame
        // if rem0 < 40 + 8(x1 + 1) (this covers rem0 < 42, no room for its
        // length byte), past the window if l3 + 48 + 8·x1 > 128.
        self.x1.next = bit_cast::<16, 8>(self.a_ext1.q.val().get_bits::<8>(0));
        self.b_ext1_malformed.d.next = self.a_rem0.q.val() < self.a_at2_rel.q.val();
        self.b_ext1_control.d.next =
            (self.x1.val() >= 9) || ((self.x1.val() == 8) && (self.a_tags.q.val().index() != 0));
        self.b_at2.d.next = self.a_at2.q.val();
        self.b_at2_8.d.next = self.a_at2_8.q.val();
        self.b_room2.d.next = self.a_room2.q.val();
        self.b_l4_v6.d.next = self.a_l3_40.q.val();
        self.b_rem2.d.next = self.a_rem0.q.val() - self.a_at2_rel.q.val();
        self.ext2.next = 0.into();
        for x in 0..EXT2_SPOTS {
            if self.a_spot[x].q.val() {
                self.ext2.next = self.ext2.val() | self.a_ext2[x].q.val();
            }
        }
        self.b_next2.d.next = self.ext2.val().get_bits::<8>(8);
        self.b_x2.d.next = self.ext2.val().get_bits::<8>(0);
        self.b_len.d.next = self.a_len.q.val();
        self.b_v6.d.next = self.a_v6.q.val();
        self.b_tags.d.next = self.a_tags.q.val();

        // Stage C: every remaining field as a flag. The second extension
        // header (at2, 8(x2 + 1) bytes, rem2 = frame bytes from at2) is past
        // the frame if rem2 < 2 or rem2 < 8(x2 + 1), past the window if
        // at2 + 8(x2 + 1) > 128.
        self.c_skip0.d.next =
            (self.b_next0.q.val() == 0) || (self.b_next0.q.val() == 43) || (self.b_next0.q.val() == 60);
        self.c_skip1.d.next =
            (self.b_next1.q.val() == 0) || (self.b_next1.q.val() == 43) || (self.b_next1.q.val() == 60);
        self.c_skip2.d.next =
            (self.b_next2.q.val() == 0) || (self.b_next2.q.val() == 43) || (self.b_next2.q.val() == 60);
        self.c_frag0.d.next = self.b_next0.q.val() == 44;
        self.c_frag1.d.next = self.b_next1.q.val() == 44;
        self.c_frag2.d.next = self.b_next2.q.val() == 44;
        self.c_ext2_malformed.d.next =
            (self.b_rem2.q.val() < 2) || ((self.b_rem2.q.val() >> 3) <= bit_cast::<16, 8>(self.b_x2.q.val()));
        self.c_ext2_control.d.next = self.b_room2.q.val() <= self.b_x2.q.val();
        self.c_at2.d.next = self.b_at2.q.val();
        self.c_at3.d.next = self.b_at2_8.q.val() + (self.b_x2.q.val() << 3);
        self.c_len.d.next = self.b_len.q.val();
        self.c_v6.d.next = self.b_v6.q.val();
        self.c_l4_v6.d.next = self.b_l4_v6.q.val();
        self.c_v4_malformed.d.next = self.b_v4_malformed.q.val();
        self.c_v4_fragment.d.next = self.b_v4_fragment.q.val();
        self.c_v4_l4.d.next = self.b_v4_l4.q.val();
        self.c_v4_proto.d.next = self.b_v4_proto.q.val();
        self.c_end.d.next = self.b_end.q.val();
        self.c_v6_malformed.d.next = self.b_v6_malformed.q.val();
        self.c_next0.d.next = self.b_next0.q.val();
        self.c_next1.d.next = self.b_next1.q.val();
        self.c_next2.d.next = self.b_next2.q.val();
        self.c_ext1_malformed.d.next = self.b_ext1_malformed.q.val();
        self.c_ext1_control.d.next = self.b_ext1_control.q.val();
        // The addresses: IPv6 src = q0..q3, dst = q4..q7; IPv4 src = q1, dst = q2.
        self.q0.next = 0.into();
        self.q1.next = 0.into();
        self.q2.next = 0.into();
        self.q3.next = 0.into();
        self.q4.next = 0.into();
        self.q5.next = 0.into();
        self.q6.next = 0.into();
        self.q7.next = 0.into();
        for t in 0..3 {
            if self.b_tags.q.val().index() == t {
                self.q0.next = self.b_win[t].q.val();
                self.q1.next = self.b_win[1 + t].q.val();
                self.q2.next = self.b_win[2 + t].q.val();
                self.q3.next = self.b_win[3 + t].q.val();
                self.q4.next = self.b_win[4 + t].q.val();
                self.q5.next = self.b_win[5 + t].q.val();
                self.q6.next = self.b_win[6 + t].q.val();
                self.q7.next = self.b_win[7 + t].q.val();
            }
        }
        if self.b_v6.q.val() {
            self.c_src.d.next = (bit_cast::<128, 32>(self.q0.val()) << 96)
                | (bit_cast::<128, 32>(self.q1.val()) << 64)
                | (bit_cast::<128, 32>(self.q2.val()) << 32)
                | bit_cast::<128, 32>(self.q3.val());
            self.c_dst.d.next = (bit_cast::<128, 32>(self.q4.val()) << 96)
                | (bit_cast::<128, 32>(self.q5.val()) << 64)
                | (bit_cast::<128, 32>(self.q6.val()) << 32)
                | bit_cast::<128, 32>(self.q7.val());
        } else {
            self.c_src.d.next = self.v4_mapped.val() | bit_cast::<128, 32>(self.q1.val());
            self.c_dst.d.next = self.v4_mapped.val() | bit_cast::<128, 32>(self.q2.val());
        }

        // Stage D: the decision order of `model::ip_parse`.
        self.v_ok.next = false;
        self.v_verdict.next = self.code_malformed.val();
        self.v_proto.next = self.c_v4_proto.q.val();
        self.v_l4.next = self.c_v4_l4.q.val();
        self.v_ext.next = 0.into();
        if !self.c_v6.q.val() {
            if self.c_v4_malformed.q.val() {
                self.v_verdict.next = self.code_malformed.val();
            } else if self.c_v4_fragment.q.val() {
                self.v_verdict.next = self.code_fragment.val();
            } else {
                self.v_ok.next = true;
            }
        } else if self.c_v6_malformed.q.val() {
            self.v_verdict.next = self.code_malformed.val();
        } else if !self.c_skip0.q.val() {
            self.v_proto.next = self.c_next0.q.val();
            self.v_l4.next = self.c_l4_v6.q.val();
            if self.c_frag0.q.val() {
                self.v_verdict.next = self.code_fragment.val();
            } else {
                self.v_ok.next = true;
            }
        } else if self.c_ext1_malformed.q.val() {
            self.v_verdict.next = self.code_malformed.val();
        } else if self.c_ext1_control.q.val() {
            self.v_verdict.next = self.code_control.val();
        } else if !self.c_skip1.q.val() {
            self.v_proto.next = self.c_next1.q.val();
            self.v_l4.next = self.c_at2.q.val();
            self.v_ext.next = 1.into();
            if self.c_frag1.q.val() {
                self.v_verdict.next = self.code_fragment.val();
            } else {
                self.v_ok.next = true;
            }
        } else if self.c_ext2_malformed.q.val() {
            self.v_verdict.next = self.code_malformed.val();
        } else if self.c_ext2_control.q.val() || self.c_skip2.q.val() {
            // Past the window, or a third skippable header.
            self.v_verdict.next = self.code_control.val();
        } else {
            self.v_proto.next = self.c_next2.q.val();
            self.v_l4.next = self.c_at3.q.val();
            self.v_ext.next = 2.into();
            if self.c_frag2.q.val() {
                self.v_verdict.next = self.code_fragment.val();
            } else {
                self.v_ok.next = true;
            }
        }
        self.d_ok.d.next = self.v_ok.val();
        self.d_verdict.d.next = self.v_verdict.val();
        self.d_proto.d.next = self.v_proto.val();
        self.d_l4.d.next = self.v_l4.val();
        self.d_ext.d.next = self.v_ext.val();
        self.d_end.d.next = self.c_end.q.val();
        self.d_src.d.next = self.c_src.q.val();
        self.d_dst.d.next = self.c_dst.q.val();
        self.d_len.d.next = self.c_len.q.val();
        self.d_v6.d.next = self.c_v6.q.val();

        self.ok.next = self.d_ok.q.val();
        self.verdict.next = self.d_verdict.q.val();
        self.proto.next = self.d_proto.q.val();
        self.l4.next = self.d_l4.q.val();
        self.packet_end.next = self.d_end.q.val();
        self.ext_headers.next = self.d_ext.q.val();
        self.src.next = self.d_src.q.val();
        self.dst.next = self.d_dst.q.val();
        self.frame_len_out.next = self.d_len.q.val();
        self.v6_out.next = self.d_v6.q.val();
    }
}
