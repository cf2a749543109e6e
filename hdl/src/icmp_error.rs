//! `IcmpError`: SPEC step 6 — find the offending packet's header inside an
//! ICMP or ICMPv6 error; the hardware twin of `model::icmp_error::icmp_error`.
//!
//! ```text
//! at l4:     0 type | 1 code | 2 checksum | 4 rest          (8 bytes)
//! at l4 + 8: inner IPv4: 0 ver/IHL | 6 flags+offset | 9 proto | 12 src | 16 dst | 4·IHL ports
//!            inner IPv6: 0 ver | 6 next header | 8 src | 24 dst | 40 ports
//! ```
//! `l4` is a granule start (see `eth_parse`), so a one-hot select of the
//! granule at `l4` brings in the ICMP header, and the same select shifted
//! by 2 + k granules brings in inner granule k. Only starts that can still
//! hold an inner header inside the window are wired: IPv4 (k = 0..4) for
//! l4 <= 82, IPv6 (k = 5..10) for 54 <= l4 <= 78; for the others the bound
//! checks fail anyway. Inner IPv4 ports sit 4·IHL bytes in: stage A
//! decodes every candidate's IHL nibble beside the first select, B turns
//! select and nibble flags into a second one-hot select, C reads the
//! ports in two halves and D ORs them.
//!
//! Ports (pure pipeline, one frame per cycle, latency [`ICMP_ERROR_LATENCY`]):
//! - in: `window` (32 granules), `frame_len`, and the outer header from
//!   `IpParse`: `ok`, `v6`, `proto`, `l4`.
//! - out: `inner` (the decision is taken on the inner header); `src`, `dst`
//!   (16-byte forms), `inner_proto`, `has_ports` and `ports` (source port in
//!   [31:16], destination in [15:0]) of the inner packet; and `outer_ports`:
//!   the 4 bytes at `l4`, i.e. the outer ports, read by the same select.
//!
//! Stages: A decodes `l4`; B selects the granules, decodes where inner
//! IPv4 ports would be and measures the room left after the ICMP header in
//! frame and window; C turns them into flags and reads the IPv4 ports; D
//! combines.

use rust_hdl::prelude::*;

use crate::eth_parse::GRANULES;

pub const ICMP_ERROR_LATENCY: usize = 4;
/// Inner granules selected in stage B (header and IPv6 ports).
const INNER: usize = 11;
/// Granules where inner IPv4 ports can be: l4 + 8 + 4·IHL, 42 + 20 ..= 124.
const PORTS_FIRST: usize = 15;
const PORTS_END: usize = 31;
/// The port select is split in two halves at this granule, registered
/// apart and ORed in stage D (a 16-way select in one cycle was on the
/// 85F's critical path). `update` writes it as a literal (hdl_gen emits a
/// constant's name).
const PORTS_MID: usize = 23;
const _: () = assert!(PORTS_MID == 23 && PORTS_FIRST / PORTS_MID == 0 && (PORTS_END - 1) / PORTS_MID == 1);
/// Granules that can hold the ICMP header with an inner IPv4 header after
/// it: l4 = 4j + 2, j in 8..21.
const ICMP4_CANDIDATES: usize = 13;
/// Port selects decoded: j + 2 + IHL up to 20 + 2 + 15 (those past
/// granule 30, ports past the window, are never read).
const PORT_SELECTS: usize = 38;

#[derive(LogicBlock)]
pub struct IcmpError {
    pub clock: Signal<In, Clock>,
    pub window: [Signal<In, Bits<32>>; GRANULES],
    pub frame_len: Signal<In, Bits<16>>,
    pub ok: Signal<In, Bit>,
    pub v6: Signal<In, Bit>,
    pub proto: Signal<In, Bits<8>>,
    pub l4: Signal<In, Bits<8>>,
    pub inner: Signal<Out, Bit>,
    pub src: Signal<Out, Bits<128>>,
    pub dst: Signal<Out, Bits<128>>,
    pub inner_proto: Signal<Out, Bits<8>>,
    pub has_ports: Signal<Out, Bit>,
    pub ports: Signal<Out, Bits<32>>,
    pub outer_ports: Signal<Out, Bits<32>>,
    // Stage A.
    a_sel: [DFF<Bit>; GRANULES],
    /// For candidate j (index j - 8): bit h set when the inner IHL nibble
    /// after an ICMP header at granule j would be h.
    a_ihl: [DFF<Bits<16>>; ICMP4_CANDIDATES],
    one: Constant<Bits<16>>,
    a_win: [DFF<Bits<32>>; GRANULES],
    a_v6: DFF<Bit>,
    a_icmp: DFF<Bit>,
    a_limit: DFF<Bits<8>>,
    a_at: DFF<Bits<8>>,
    // Stage B.
    t: Signal<Local, Bits<32>>,
    acc: [Signal<Local, Bits<32>>; INNER],
    b_t: DFF<Bits<32>>,
    b_a: [DFF<Bits<32>>; INNER],
    b_win: [DFF<Bits<32>>; GRANULES],
    b_selp: [DFF<Bit>; PORT_SELECTS],
    b_v6: DFF<Bit>,
    b_icmp: DFF<Bit>,
    b_fits: DFF<Bit>,
    b_room: DFF<Bits<8>>,
    // Stage C.
    icmp_type: Signal<Local, Bits<8>>,
    ihl4: Signal<Local, Bits<8>>,
    room4: Signal<Local, Bits<8>>,
    next6: Signal<Local, Bits<8>>,
    proto4: Signal<Local, Bits<8>>,
    c_v6: DFF<Bit>,
    c_icmp: DFF<Bit>,
    c_error4: DFF<Bit>,
    c_error6: DFF<Bit>,
    c_header4: DFF<Bit>,
    c_header6: DFF<Bit>,
    c_fit4: DFF<Bit>,
    c_fit6: DFF<Bit>,
    c_ports4: DFF<Bit>,
    c_ports6: DFF<Bit>,
    c_proto: DFF<Bits<8>>,
    c_src: DFF<Bits<128>>,
    c_dst: DFF<Bits<128>>,
    /// The IPv4 port select's halves: granules below `PORTS_MID`, and from it.
    c_port_granule4: [DFF<Bits<32>>; 2],
    c_port_granule6: DFF<Bits<32>>,
    c_outer_ports: DFF<Bits<32>>,
    port_granule4: [Signal<Local, Bits<32>>; 2],
    // Stage D.
    d_inner: DFF<Bit>,
    d_src: DFF<Bits<128>>,
    d_dst: DFF<Bits<128>>,
    d_proto: DFF<Bits<8>>,
    d_has_ports: DFF<Bit>,
    d_ports: DFF<Bits<32>>,
    d_outer_ports: DFF<Bits<32>>,
    v4_mapped: Constant<Bits<128>>,
}

impl Default for IcmpError {
    fn default() -> Self {
        IcmpError {
            clock: Default::default(),
            window: Default::default(),
            frame_len: Default::default(),
            ok: Default::default(),
            v6: Default::default(),
            proto: Default::default(),
            l4: Default::default(),
            inner: Default::default(),
            src: Default::default(),
            dst: Default::default(),
            inner_proto: Default::default(),
            has_ports: Default::default(),
            ports: Default::default(),
            outer_ports: Default::default(),
            a_sel: Default::default(),
            a_ihl: Default::default(),
            one: Constant::new(1.into()),
            a_win: Default::default(),
            a_v6: Default::default(),
            a_icmp: Default::default(),
            a_limit: Default::default(),
            a_at: Default::default(),
            t: Default::default(),
            acc: Default::default(),
            b_t: Default::default(),
            b_a: Default::default(),
            b_win: Default::default(),
            b_selp: std::array::from_fn(|_| Default::default()),
            b_v6: Default::default(),
            b_icmp: Default::default(),
            b_fits: Default::default(),
            b_room: Default::default(),
            icmp_type: Default::default(),
            ihl4: Default::default(),
            room4: Default::default(),
            next6: Default::default(),
            proto4: Default::default(),
            c_v6: Default::default(),
            c_icmp: Default::default(),
            c_error4: Default::default(),
            c_error6: Default::default(),
            c_header4: Default::default(),
            c_header6: Default::default(),
            c_fit4: Default::default(),
            c_fit6: Default::default(),
            c_ports4: Default::default(),
            c_ports6: Default::default(),
            c_proto: Default::default(),
            c_src: Default::default(),
            c_dst: Default::default(),
            c_port_granule4: Default::default(),
            c_port_granule6: Default::default(),
            c_outer_ports: Default::default(),
            port_granule4: Default::default(),
            d_inner: Default::default(),
            d_src: Default::default(),
            d_dst: Default::default(),
            d_proto: Default::default(),
            d_has_ports: Default::default(),
            d_ports: Default::default(),
            d_outer_ports: Default::default(),
            v4_mapped: Constant::new(bits(0xffff_0000_0000)),
        }
    }
}

impl Logic for IcmpError {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, a_v6, a_icmp, a_limit, a_at, b_t, b_v6, b_icmp, b_fits, b_room, c_v6, c_icmp, c_error4,
            c_error6, c_header4, c_header6, c_fit4, c_fit6, c_ports4, c_ports6, c_proto,
            c_src, c_dst, c_port_granule6, c_outer_ports, d_inner, d_src, d_dst, d_proto, d_has_ports, d_ports,
            d_outer_ports
        );
        for j in 0..GRANULES {
            self.a_sel[j].clock.next = self.clock.val();
            self.b_win[j].clock.next = self.clock.val();
            self.a_win[j].clock.next = self.clock.val();
            self.a_win[j].d.next = self.window[j].val();
            self.b_win[j].d.next = self.a_win[j].q.val();
        }
        for k in 0..INNER {
            self.b_a[k].clock.next = self.clock.val();
        }
        for h in 0..2 {
            self.c_port_granule4[h].clock.next = self.clock.val();
        }
        for j in 0..ICMP4_CANDIDATES {
            self.a_ihl[j].clock.next = self.clock.val();
        }
        for g in 0..PORT_SELECTS {
            self.b_selp[g].clock.next = self.clock.val();
        }

        // Stage A: where the ICMP header is; how much of frame and window follows it.
        for j in 0..GRANULES {
            self.a_sel[j].d.next = self.l4.val() == (4 * j + 2).to_bits();
        }
        // Inner IPv4 ports sit on granule j + 2 + IHL: decode each candidate's
        // IHL nibble here (from the window alone: `l4` already drives every
        // granule select), so that stage B ANDs flip-flops in pairs.
        for j in 8..21 {
            // One shift, not a bit insert per IHL: the simulators' sake.
            self.a_ihl[j - 8].d.next = self.one.val() << self.window[j + 2].val().get_bits::<4>(24);
        }
        self.a_limit.d.next = 128.into();
        if self.frame_len.val() < 128 {
            self.a_limit.d.next = bit_cast::<8, 16>(self.frame_len.val());
        }
        self.a_at.d.next = self.l4.val() + 8;
        self.a_v6.d.next = self.v6.val();
        self.a_icmp.d.next =
            self.ok.val() && ((self.v6.val() && (self.proto.val() == 58)) || (!self.v6.val() && (self.proto.val() == 1)));

        // Stage B: the ICMP header granule and the inner granules after it.
        self.t.next = 0.into();
        for j in 8..GRANULES {
            if self.a_sel[j].q.val() {
                self.t.next = self.t.val() | self.a_win[j].q.val();
            }
        }
        for k in 0..INNER {
            self.acc[k].next = 0.into();
        }
        for k in 0..5 {
            for j in 8..21 {
                if self.a_sel[j].q.val() {
                    self.acc[k].next = self.acc[k].val() | self.a_win[j + 2 + k].q.val();
                }
            }
        }
        for k in 5..INNER {
            for j in 13..20 {
                if self.a_sel[j].q.val() {
                    self.acc[k].next = self.acc[k].val() | self.a_win[j + 2 + k].q.val();
                }
            }
        }
        for g in 0..PORT_SELECTS {
            self.b_selp[g].d.next = false;
        }
        for j in 8..21 {
            for h in 5..16 {
                if self.a_sel[j].q.val() & self.a_ihl[j - 8].q.val().get_bit(h) {
                    self.b_selp[j + 2 + h].d.next = true;
                }
            }
        }
        self.b_t.d.next = self.t.val();
        for k in 0..INNER {
            self.b_a[k].d.next = self.acc[k].val();
        }
        self.b_v6.d.next = self.a_v6.q.val();
        self.b_icmp.d.next = self.a_icmp.q.val();
        // `at` = l4 + 8 <= 134 and `limit` <= 128: no wrap-around in 8 bits;
        // `room` is read only when the ICMP header fits.
        self.b_fits.d.next = self.a_at.q.val() <= self.a_limit.q.val();
        self.b_room.d.next = self.a_limit.q.val() - self.a_at.q.val();

        // Stage C: the checks of `model::icmp_error` as flags.
        self.icmp_type.next = self.b_t.q.val().get_bits::<8>(24);
        self.ihl4.next = bit_cast::<8, 4>(self.b_a[0].q.val().get_bits::<4>(24));
        self.next6.next = self.b_a[1].q.val().get_bits::<8>(8);
        self.proto4.next = self.b_a[2].q.val().get_bits::<8>(16);
        self.c_error6.d.next = (self.icmp_type.val() >= 1) && (self.icmp_type.val() <= 4);
        self.c_error4.d.next = (self.icmp_type.val() == 3)
            || (self.icmp_type.val() == 4)
            || (self.icmp_type.val() == 5)
            || (self.icmp_type.val() == 11)
            || (self.icmp_type.val() == 12);
        if self.b_v6.q.val() {
            self.c_proto.d.next = self.next6.val();
        } else {
            self.c_proto.d.next = self.proto4.val();
        }
        self.room4.next = self.b_room.q.val() >> 2;
        // Inner IPv4: 4·IHL >= 20 header bytes inside, fragment offset 0;
        // its ports need room >= 4·IHL + 4, i.e. room/4 > IHL.
        self.c_header4.d.next = (self.b_room.q.val() >= 20)
            && (self.b_a[0].q.val().get_bits::<4>(28) == 4)
            && (self.ihl4.val() >= 5)
            && (self.room4.val() >= self.ihl4.val())
            && ((self.b_a[1].q.val().get_bits::<16>(0) & 0x1fff) == 0);
        self.c_fit4.d.next = self.room4.val() > self.ihl4.val();
        self.c_ports4.d.next = (self.proto4.val() == 6) || (self.proto4.val() == 17) || (self.proto4.val() == 132);
        // Inner IPv6: 40 bytes inside, no extension or fragment header next.
        self.c_header6.d.next = (self.b_room.q.val() >= 40)
            && (self.b_a[0].q.val().get_bits::<4>(28) == 6)
            && (self.next6.val() != 0)
            && (self.next6.val() != 43)
            && (self.next6.val() != 44)
            && (self.next6.val() != 60);
        self.c_fit6.d.next = self.b_room.q.val() >= 44;
        self.c_ports6.d.next = (self.next6.val() == 6) || (self.next6.val() == 17) || (self.next6.val() == 132);
        // Inner IPv4 ports, selected by stage B's one-hot.
        for h in 0..2 {
            self.port_granule4[h].next = 0.into();
        }
        for j in PORTS_FIRST..PORTS_END {
            if self.b_selp[j].q.val() {
                self.port_granule4[j / 23].next = self.port_granule4[j / 23].val() | self.b_win[j].q.val();
            }
        }
        for h in 0..2 {
            self.c_port_granule4[h].d.next = self.port_granule4[h].val();
        }
        if self.b_v6.q.val() {
            self.c_src.d.next = (bit_cast::<128, 32>(self.b_a[2].q.val()) << 96)
                | (bit_cast::<128, 32>(self.b_a[3].q.val()) << 64)
                | (bit_cast::<128, 32>(self.b_a[4].q.val()) << 32)
                | bit_cast::<128, 32>(self.b_a[5].q.val());
            self.c_dst.d.next = (bit_cast::<128, 32>(self.b_a[6].q.val()) << 96)
                | (bit_cast::<128, 32>(self.b_a[7].q.val()) << 64)
                | (bit_cast::<128, 32>(self.b_a[8].q.val()) << 32)
                | bit_cast::<128, 32>(self.b_a[9].q.val());
        } else {
            self.c_src.d.next = self.v4_mapped.val() | bit_cast::<128, 32>(self.b_a[3].q.val());
            self.c_dst.d.next = self.v4_mapped.val() | bit_cast::<128, 32>(self.b_a[4].q.val());
        }
        self.c_port_granule6.d.next = self.b_a[10].q.val();
        self.c_outer_ports.d.next = self.b_t.q.val();
        self.c_v6.d.next = self.b_v6.q.val();
        self.c_icmp.d.next = self.b_icmp.q.val() && self.b_fits.q.val();

        // Stage D: combine.
        if self.c_v6.q.val() {
            self.d_inner.d.next = self.c_icmp.q.val()
                && self.c_error6.q.val()
                && self.c_header6.q.val()
                && (!self.c_ports6.q.val() || self.c_fit6.q.val());
            self.d_has_ports.d.next = self.c_ports6.q.val();
            self.d_ports.d.next = self.c_port_granule6.q.val();
        } else {
            self.d_inner.d.next = self.c_icmp.q.val()
                && self.c_error4.q.val()
                && self.c_header4.q.val()
                && (!self.c_ports4.q.val() || self.c_fit4.q.val());
            self.d_has_ports.d.next = self.c_ports4.q.val();
            self.d_ports.d.next = self.c_port_granule4[0].q.val() | self.c_port_granule4[1].q.val();
        }
        self.d_src.d.next = self.c_src.q.val();
        self.d_dst.d.next = self.c_dst.q.val();
        self.d_proto.d.next = self.c_proto.q.val();
        self.d_outer_ports.d.next = self.c_outer_ports.q.val();

        self.inner.next = self.d_inner.q.val();
        self.src.next = self.d_src.q.val();
        self.dst.next = self.d_dst.q.val();
        self.inner_proto.next = self.d_proto.q.val();
        self.has_ports.next = self.d_has_ports.q.val();
        self.ports.next = self.d_ports.q.val();
        self.outer_ports.next = self.d_outer_ports.q.val();
    }
}
