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
//! by 2 + k granules brings in inner granule k (k = 0..15: the inner IPv4
//! ports may sit 15 granules in). Only inner starts that can still hold a
//! header inside the window are wired (l4 ≤ 82); for later ones the bound
//! checks fail anyway.
//!
//! Ports (pure pipeline, one frame per cycle, latency [`ICMP_ERROR_LATENCY`]):
//! - in: `window` (32 granules), `frame_len`, and the outer header from
//!   `IpParse`: `ok`, `v6`, `proto`, `l4`.
//! - out: `inner` (the decision is taken on the inner header); `src`, `dst`
//!   (16-byte forms), `proto`, `has_ports` and `ports` (source port in
//!   [31:16], destination in [15:0]) of the inner packet; and `outer_ports`:
//!   the 4 bytes at `l4`, i.e. the outer ports, read by the same select.
//!
//! Stages: A decodes `l4` into the one-hot select and the room left in the
//! frame and window; B selects the granules; C checks them.

use rust_hdl::prelude::*;

use crate::eth_parse::GRANULES;

pub const ICMP_ERROR_LATENCY: usize = 3;
/// Inner granules brought in: the ICMP-relative header plus room for IPv4 options.
const INNER: usize = 16;

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
    limit: Signal<Local, Bits<8>>,
    at: Signal<Local, Bits<8>>,
    a_sel: [DFF<Bit>; GRANULES],
    a_win: [DFF<Bits<32>>; GRANULES],
    a_v6: DFF<Bit>,
    a_icmp: DFF<Bit>,
    a_fits: DFF<Bit>,
    a_room: DFF<Bits<8>>,
    // Stage B.
    t: Signal<Local, Bits<32>>,
    acc: [Signal<Local, Bits<32>>; INNER],
    b_t: DFF<Bits<32>>,
    b_a: [DFF<Bits<32>>; INNER],
    b_v6: DFF<Bit>,
    b_icmp: DFF<Bit>,
    b_fits: DFF<Bit>,
    b_room: DFF<Bits<8>>,
    // Stage C.
    icmp_type: Signal<Local, Bits<8>>,
    is_error: Signal<Local, Bit>,
    ihl: Signal<Local, Bits<8>>,
    next6: Signal<Local, Bits<8>>,
    proto_v: Signal<Local, Bits<8>>,
    ports_proto: Signal<Local, Bit>,
    header_ok: Signal<Local, Bit>,
    l4_room: Signal<Local, Bits<8>>,
    port_granule4: Signal<Local, Bits<32>>,
    c_inner: DFF<Bit>,
    c_src: DFF<Bits<128>>,
    c_dst: DFF<Bits<128>>,
    c_proto: DFF<Bits<8>>,
    c_has_ports: DFF<Bit>,
    c_ports: DFF<Bits<32>>,
    c_outer_ports: DFF<Bits<32>>,
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
            limit: Default::default(),
            at: Default::default(),
            a_sel: Default::default(),
            a_win: Default::default(),
            a_v6: Default::default(),
            a_icmp: Default::default(),
            a_fits: Default::default(),
            a_room: Default::default(),
            t: Default::default(),
            acc: Default::default(),
            b_t: Default::default(),
            b_a: Default::default(),
            b_v6: Default::default(),
            b_icmp: Default::default(),
            b_fits: Default::default(),
            b_room: Default::default(),
            icmp_type: Default::default(),
            is_error: Default::default(),
            ihl: Default::default(),
            next6: Default::default(),
            proto_v: Default::default(),
            ports_proto: Default::default(),
            header_ok: Default::default(),
            l4_room: Default::default(),
            port_granule4: Default::default(),
            c_inner: Default::default(),
            c_src: Default::default(),
            c_dst: Default::default(),
            c_proto: Default::default(),
            c_has_ports: Default::default(),
            c_ports: Default::default(),
            c_outer_ports: Default::default(),
            v4_mapped: Constant::new(bits(0xffff_0000_0000)),
        }
    }
}

impl Logic for IcmpError {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, a_v6, a_icmp, a_fits, a_room, b_t, b_v6, b_icmp, b_fits, b_room, c_inner, c_src, c_dst,
            c_proto, c_has_ports, c_ports, c_outer_ports
        );
        for j in 0..GRANULES {
            self.a_sel[j].clock.next = self.clock.val();
            self.a_win[j].clock.next = self.clock.val();
            self.a_win[j].d.next = self.window[j].val();
        }
        for k in 0..INNER {
            self.b_a[k].clock.next = self.clock.val();
        }

        // Stage A: where the ICMP header is, how much of frame and window follows it.
        for j in 0..GRANULES {
            self.a_sel[j].d.next = self.l4.val() == (4 * j + 2).to_bits();
        }
        self.limit.next = 128.into();
        if self.frame_len.val() < 128 {
            self.limit.next = bit_cast::<8, 16>(self.frame_len.val());
        }
        self.at.next = self.l4.val() + 8;
        self.a_v6.d.next = self.v6.val();
        self.a_icmp.d.next =
            self.ok.val() && ((self.v6.val() && (self.proto.val() == 58)) || (!self.v6.val() && (self.proto.val() == 1)));
        // `at` <= 134 and `limit` <= 128: no wrap-around in 8 bits.
        self.a_fits.d.next = self.at.val() <= self.limit.val();
        self.a_room.d.next = self.limit.val() - self.at.val();

        // Stage B: the ICMP header granule and the 16 inner granules after it.
        self.t.next = 0.into();
        for j in 8..GRANULES {
            if self.a_sel[j].q.val() {
                self.t.next = self.t.val() | self.a_win[j].q.val();
            }
        }
        for k in 0..INNER {
            self.acc[k].next = 0.into();
        }
        for k in 0..10 {
            for j in 8..21 {
                if self.a_sel[j].q.val() {
                    self.acc[k].next = self.acc[k].val() | self.a_win[j + 2 + k].q.val();
                }
            }
        }
        // Later inner granules only for starts that keep them in the window.
        for k in 10..11 {
            for j in 8..20 {
                if self.a_sel[j].q.val() {
                    self.acc[k].next = self.acc[k].val() | self.a_win[j + 2 + k].q.val();
                }
            }
        }
        for k in 11..12 {
            for j in 8..19 {
                if self.a_sel[j].q.val() {
                    self.acc[k].next = self.acc[k].val() | self.a_win[j + 2 + k].q.val();
                }
            }
        }
        for k in 12..13 {
            for j in 8..18 {
                if self.a_sel[j].q.val() {
                    self.acc[k].next = self.acc[k].val() | self.a_win[j + 2 + k].q.val();
                }
            }
        }
        for k in 13..14 {
            for j in 8..17 {
                if self.a_sel[j].q.val() {
                    self.acc[k].next = self.acc[k].val() | self.a_win[j + 2 + k].q.val();
                }
            }
        }
        for k in 14..15 {
            for j in 8..16 {
                if self.a_sel[j].q.val() {
                    self.acc[k].next = self.acc[k].val() | self.a_win[j + 2 + k].q.val();
                }
            }
        }
        for k in 15..16 {
            for j in 8..15 {
                if self.a_sel[j].q.val() {
                    self.acc[k].next = self.acc[k].val() | self.a_win[j + 2 + k].q.val();
                }
            }
        }
        self.b_t.d.next = self.t.val();
        for k in 0..INNER {
            self.b_a[k].d.next = self.acc[k].val();
        }
        self.b_v6.d.next = self.a_v6.q.val();
        self.b_icmp.d.next = self.a_icmp.q.val();
        self.b_fits.d.next = self.a_fits.q.val();
        self.b_room.d.next = self.a_room.q.val();

        // Stage C: the checks of `model::icmp_error`, `room` = limit - (l4 + 8).
        self.icmp_type.next = self.b_t.q.val().get_bits::<8>(24);
        if self.b_v6.q.val() {
            self.is_error.next = (self.icmp_type.val() >= 1) && (self.icmp_type.val() <= 4);
        } else {
            self.is_error.next = (self.icmp_type.val() == 3)
                || (self.icmp_type.val() == 4)
                || (self.icmp_type.val() == 5)
                || (self.icmp_type.val() == 11)
                || (self.icmp_type.val() == 12);
        }
        self.ihl.next = bit_cast::<8, 4>(self.b_a[0].q.val().get_bits::<4>(24)) << 2;
        self.next6.next = self.b_a[1].q.val().get_bits::<8>(8);
        self.port_granule4.next = 0.into();
        for h in 5..16 {
            if self.b_a[0].q.val().get_bits::<4>(24).index() == h {
                self.port_granule4.next = self.b_a[h].q.val();
            }
        }
        if self.b_v6.q.val() {
            self.proto_v.next = self.next6.val();
            self.header_ok.next = (self.b_room.q.val() >= 40)
                && (self.b_a[0].q.val().get_bits::<4>(28) == 6)
                && (self.next6.val() != 0)
                && (self.next6.val() != 43)
                && (self.next6.val() != 44)
                && (self.next6.val() != 60);
            self.l4_room.next = self.b_room.q.val() - 40;
            self.c_src.d.next = (bit_cast::<128, 32>(self.b_a[2].q.val()) << 96)
                | (bit_cast::<128, 32>(self.b_a[3].q.val()) << 64)
                | (bit_cast::<128, 32>(self.b_a[4].q.val()) << 32)
                | bit_cast::<128, 32>(self.b_a[5].q.val());
            self.c_dst.d.next = (bit_cast::<128, 32>(self.b_a[6].q.val()) << 96)
                | (bit_cast::<128, 32>(self.b_a[7].q.val()) << 64)
                | (bit_cast::<128, 32>(self.b_a[8].q.val()) << 32)
                | bit_cast::<128, 32>(self.b_a[9].q.val());
            self.c_ports.d.next = self.b_a[10].q.val();
        } else {
            self.proto_v.next = self.b_a[2].q.val().get_bits::<8>(16);
            self.header_ok.next = (self.b_room.q.val() >= 20)
                && (self.b_a[0].q.val().get_bits::<4>(28) == 4)
                && (self.ihl.val() >= 20)
                && (self.b_room.q.val() >= self.ihl.val())
                && ((self.b_a[1].q.val().get_bits::<16>(0) & 0x1fff) == 0);
            self.l4_room.next = self.b_room.q.val() - self.ihl.val();
            self.c_src.d.next = self.v4_mapped.val() | bit_cast::<128, 32>(self.b_a[3].q.val());
            self.c_dst.d.next = self.v4_mapped.val() | bit_cast::<128, 32>(self.b_a[4].q.val());
            self.c_ports.d.next = self.port_granule4.val();
        }
        self.ports_proto.next =
            (self.proto_v.val() == 6) || (self.proto_v.val() == 17) || (self.proto_v.val() == 132);
        self.c_proto.d.next = self.proto_v.val();
        self.c_has_ports.d.next = self.ports_proto.val();
        // `l4_room` is only read when the header fits, so it has not wrapped.
        self.c_inner.d.next = self.b_icmp.q.val()
            && self.b_fits.q.val()
            && self.is_error.val()
            && self.header_ok.val()
            && (!self.ports_proto.val() || (self.l4_room.val() >= 4));
        self.c_outer_ports.d.next = self.b_t.q.val();

        self.inner.next = self.c_inner.q.val();
        self.src.next = self.c_src.q.val();
        self.dst.next = self.c_dst.q.val();
        self.inner_proto.next = self.c_proto.q.val();
        self.has_ports.next = self.c_has_ports.q.val();
        self.ports.next = self.c_ports.q.val();
        self.outer_ports.next = self.c_outer_ports.q.val();
    }
}
