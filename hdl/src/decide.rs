//! `Decide`: SPEC steps 1–8 for one frame per cycle — verdict, `inner`,
//! group and the 144-bit flow key; the hardware twin of the decision part of
//! `model::Distributor::classify` (everything before the Toeplitz lookup,
//! for a frame not on a bypass port and without a MAC error).
//!
//! Ports
//! - in: `clock`; `strobe_in` (a frame is presented); `window` (frame byte i
//!   in bits [8i+7:8i], zero at and past `frame_len`); `frame_len`
//!   (saturating at 65535); static config: `group_mac` (byte 0 in bits
//!   [47:40]), `group_mac_enable`, `rule_port`/`rule_group`/`rule_valid`
//!   ([`RULES`] port rules in priority order).
//! - out, exactly [`DECIDE_LATENCY`] cycles after `strobe_in`: `strobe_out`,
//!   `verdict` (`verdict_code`: bridge, control, malformed, fragment, fixed,
//!   l4 or l3 — never bypass), `inner` (decided on an ICMP error's inner
//!   header), `group` (the rule group for fixed/l4, 0 otherwise), `key`
//!   (key byte 0 in bits [143:136]; for l4 and l3 only, 0 otherwise).
//! Throughput: a new frame every cycle (no stall, no valid needed inside).
//!
//! Pipeline (cycle after `strobe_in`):
//! ```text
//! 1      EthParse                 | window → 32 big-endian granules (see eth_parse)
//! 2..4   IpParse                  |
//! 5..7   IcmpError                | outer port bounds checked beside it
//! 8      select inner or outer header, build the L3 key
//! 9..10  PortCompare
//! 11     verdict, group, key registered out
//! ```
//! Only the granules travel past cycle 1, and none past IcmpError; after
//! that only addresses, ports and a few flags.

use rust_hdl::prelude::*;

use crate::eth_parse::{EthParse, ETH_PARSE_LATENCY, GRANULES, WINDOW_BITS};
use crate::icmp_error::{IcmpError, ICMP_ERROR_LATENCY};
use crate::ip_parse::{IpParse, IP_PARSE_LATENCY};
pub use crate::port_compare::RULES;
use crate::port_compare::{PortCompare, PORT_COMPARE_LATENCY};
use crate::verdict_code::{CONTROL, FIXED, L3, L4, MALFORMED};

/// Cycles from `strobe_in` to `strobe_out`.
pub const DECIDE_LATENCY: usize = ETH_PARSE_LATENCY + IP_PARSE_LATENCY + ICMP_ERROR_LATENCY + 1 + PORT_COMPARE_LATENCY + 1;
/// EthParse results wait for IcmpError's, IpParse's too.
const ETH_WAIT: usize = IP_PARSE_LATENCY + ICMP_ERROR_LATENCY;
const IP_WAIT: usize = ICMP_ERROR_LATENCY;
/// The select stage's results wait for PortCompare's.
const SELECT_WAIT: usize = 1 + PORT_COMPARE_LATENCY;
// #[hdl_gen] needs literal indices for the last stage of each delay line.
const _: () = assert!(ETH_WAIT == 6 && IP_WAIT == 3 && SELECT_WAIT == 3 && DECIDE_LATENCY == 11);

#[derive(LogicBlock)]
pub struct Decide {
    pub clock: Signal<In, Clock>,
    pub strobe_in: Signal<In, Bit>,
    pub window: Signal<In, Bits<WINDOW_BITS>>,
    pub frame_len: Signal<In, Bits<16>>,
    pub group_mac: Signal<In, Bits<48>>,
    pub group_mac_enable: Signal<In, Bit>,
    pub rule_port: [Signal<In, Bits<16>>; RULES],
    pub rule_group: [Signal<In, Bits<8>>; RULES],
    pub rule_valid: [Signal<In, Bit>; RULES],
    pub strobe_out: Signal<Out, Bit>,
    pub verdict: Signal<Out, Bits<3>>,
    pub inner: Signal<Out, Bit>,
    pub group: Signal<Out, Bits<8>>,
    pub key: Signal<Out, Bits<144>>,
    eth: EthParse,
    ip: IpParse,
    icmp: IcmpError,
    pc: PortCompare,
    strobe_d: [DFF<Bit>; DECIDE_LATENCY],
    granule: [DFF<Bits<32>>; GRANULES],
    len: DFF<Bits<16>>,
    eth_ok_d: [DFF<Bit>; ETH_WAIT],
    eth_verdict_d: [DFF<Bits<3>>; ETH_WAIT],
    ip_ok_d: [DFF<Bit>; IP_WAIT],
    ip_verdict_d: [DFF<Bits<3>>; IP_WAIT],
    ip_proto_d: [DFF<Bits<8>>; IP_WAIT],
    ip_src_d: [DFF<Bits<128>>; IP_WAIT],
    ip_dst_d: [DFF<Bits<128>>; IP_WAIT],
    ip_ports_d: [DFF<Bit>; IP_WAIT],
    ports_malformed_d: [DFF<Bit>; IP_WAIT],
    ports_control_d: [DFF<Bit>; IP_WAIT],
    l4_end: Signal<Local, Bits<17>>,
    // Select stage.
    sel_done: Signal<Local, Bit>,
    sel_verdict: Signal<Local, Bits<3>>,
    sel_l4: Signal<Local, Bit>,
    sel_inner: Signal<Local, Bit>,
    sel_src: Signal<Local, Bits<128>>,
    sel_dst: Signal<Local, Bits<128>>,
    sel_proto: Signal<Local, Bits<8>>,
    sel_ports: Signal<Local, Bits<32>>,
    done_d: [DFF<Bit>; SELECT_WAIT],
    verdict_d: [DFF<Bits<3>>; SELECT_WAIT],
    l4_d: [DFF<Bit>; SELECT_WAIT],
    inner_d: [DFF<Bit>; SELECT_WAIT],
    l3_key_d: [DFF<Bits<144>>; SELECT_WAIT],
    pc_src: DFF<Bits<128>>,
    pc_dst: DFF<Bits<128>>,
    pc_ports: DFF<Bits<32>>,
    // Output stage.
    out_verdict: DFF<Bits<3>>,
    out_inner: DFF<Bit>,
    out_group: DFF<Bits<8>>,
    out_key: DFF<Bits<144>>,
    code_control: Constant<Bits<3>>,
    code_malformed: Constant<Bits<3>>,
    code_fixed: Constant<Bits<3>>,
    code_l4: Constant<Bits<3>>,
    code_l3: Constant<Bits<3>>,
}

impl Default for Decide {
    fn default() -> Self {
        Decide {
            clock: Default::default(),
            strobe_in: Default::default(),
            window: Default::default(),
            frame_len: Default::default(),
            group_mac: Default::default(),
            group_mac_enable: Default::default(),
            rule_port: Default::default(),
            rule_group: Default::default(),
            rule_valid: Default::default(),
            strobe_out: Default::default(),
            verdict: Default::default(),
            inner: Default::default(),
            group: Default::default(),
            key: Default::default(),
            eth: Default::default(),
            ip: Default::default(),
            icmp: Default::default(),
            pc: Default::default(),
            strobe_d: Default::default(),
            granule: Default::default(),
            len: Default::default(),
            eth_ok_d: Default::default(),
            eth_verdict_d: Default::default(),
            ip_ok_d: Default::default(),
            ip_verdict_d: Default::default(),
            ip_proto_d: Default::default(),
            ip_src_d: Default::default(),
            ip_dst_d: Default::default(),
            ip_ports_d: Default::default(),
            ports_malformed_d: Default::default(),
            ports_control_d: Default::default(),
            l4_end: Default::default(),
            sel_done: Default::default(),
            sel_verdict: Default::default(),
            sel_l4: Default::default(),
            sel_inner: Default::default(),
            sel_src: Default::default(),
            sel_dst: Default::default(),
            sel_proto: Default::default(),
            sel_ports: Default::default(),
            done_d: Default::default(),
            verdict_d: Default::default(),
            l4_d: Default::default(),
            inner_d: Default::default(),
            l3_key_d: Default::default(),
            pc_src: Default::default(),
            pc_dst: Default::default(),
            pc_ports: Default::default(),
            out_verdict: Default::default(),
            out_inner: Default::default(),
            out_group: Default::default(),
            out_key: Default::default(),
            code_control: Constant::new(CONTROL.into()),
            code_malformed: Constant::new(MALFORMED.into()),
            code_fixed: Constant::new(FIXED.into()),
            code_l4: Constant::new(L4.into()),
            code_l3: Constant::new(L3.into()),
        }
    }
}

impl Logic for Decide {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, len, pc_src, pc_dst, pc_ports, out_verdict, out_inner, out_group, out_key);
        clock!(self, clock, eth, ip, icmp, pc);
        for i in 0..DECIDE_LATENCY {
            self.strobe_d[i].clock.next = self.clock.val();
        }
        self.strobe_d[0].d.next = self.strobe_in.val();
        for i in 1..DECIDE_LATENCY {
            self.strobe_d[i].d.next = self.strobe_d[i - 1].q.val();
        }
        self.strobe_out.next = self.strobe_d[10].q.val();

        // Cycle 1: EthParse, and the window cut into big-endian granules
        // (granule j = bytes 4j+2 .. 4j+5).
        self.eth.window.next = self.window.val();
        self.eth.frame_len.next = self.frame_len.val();
        self.eth.group_mac.next = self.group_mac.val();
        self.eth.group_mac_enable.next = self.group_mac_enable.val();
        for j in 0..GRANULES {
            self.granule[j].clock.next = self.clock.val();
        }
        for j in 0..30 {
            self.granule[j].d.next = (self.window.val().get_bits::<32>(32 * j + 16) << 24)
                | ((self.window.val().get_bits::<32>(32 * j + 24) & 0xff) << 16)
                | ((self.window.val().get_bits::<32>(32 * j + 32) & 0xff) << 8)
                | (self.window.val().get_bits::<32>(32 * j + 40) & 0xff);
        }
        // The last two granules end at the window's edge.
        self.granule[30].d.next = (bit_cast::<32, 8>(self.window.val().get_bits::<8>(976)) << 24)
            | (bit_cast::<32, 8>(self.window.val().get_bits::<8>(984)) << 16)
            | (bit_cast::<32, 8>(self.window.val().get_bits::<8>(992)) << 8)
            | bit_cast::<32, 8>(self.window.val().get_bits::<8>(1000));
        self.granule[31].d.next = (bit_cast::<32, 8>(self.window.val().get_bits::<8>(1008)) << 24)
            | (bit_cast::<32, 8>(self.window.val().get_bits::<8>(1016)) << 16);
        self.len.d.next = self.frame_len.val();

        // Cycles 2..4: IpParse.
        for j in 0..GRANULES {
            self.ip.window[j].next = self.granule[j].q.val();
        }
        self.ip.frame_len.next = self.len.q.val();
        self.ip.v6.next = self.eth.v6.val();
        self.ip.tags.next = self.eth.tags.val();
        for i in 0..ETH_WAIT {
            self.eth_ok_d[i].clock.next = self.clock.val();
            self.eth_verdict_d[i].clock.next = self.clock.val();
        }
        self.eth_ok_d[0].d.next = self.eth.ok.val();
        self.eth_verdict_d[0].d.next = self.eth.verdict.val();
        for i in 1..ETH_WAIT {
            self.eth_ok_d[i].d.next = self.eth_ok_d[i - 1].q.val();
            self.eth_verdict_d[i].d.next = self.eth_verdict_d[i - 1].q.val();
        }

        // Cycles 5..7: IcmpError; beside it, the outer ports' bounds (SPEC step 7).
        for j in 0..GRANULES {
            self.icmp.window[j].next = self.ip.window_out[j].val();
        }
        self.icmp.frame_len.next = self.ip.frame_len_out.val();
        self.icmp.ok.next = self.ip.ok.val();
        self.icmp.v6.next = self.ip.v6_out.val();
        self.icmp.proto.next = self.ip.proto.val();
        self.icmp.l4.next = self.ip.l4.val();
        for i in 0..IP_WAIT {
            self.ip_ok_d[i].clock.next = self.clock.val();
            self.ip_verdict_d[i].clock.next = self.clock.val();
            self.ip_proto_d[i].clock.next = self.clock.val();
            self.ip_src_d[i].clock.next = self.clock.val();
            self.ip_dst_d[i].clock.next = self.clock.val();
            self.ip_ports_d[i].clock.next = self.clock.val();
            self.ports_malformed_d[i].clock.next = self.clock.val();
            self.ports_control_d[i].clock.next = self.clock.val();
        }
        self.l4_end.next = bit_cast::<17, 8>(self.ip.l4.val()) + 4;
        self.ip_ok_d[0].d.next = self.ip.ok.val();
        self.ip_verdict_d[0].d.next = self.ip.verdict.val();
        self.ip_proto_d[0].d.next = self.ip.proto.val();
        self.ip_src_d[0].d.next = self.ip.src.val();
        self.ip_dst_d[0].d.next = self.ip.dst.val();
        self.ip_ports_d[0].d.next =
            (self.ip.proto.val() == 6) || (self.ip.proto.val() == 17) || (self.ip.proto.val() == 132);
        self.ports_malformed_d[0].d.next = (bit_cast::<17, 16>(self.ip.frame_len_out.val()) < self.l4_end.val())
            || (self.ip.packet_end.val() < self.l4_end.val());
        self.ports_control_d[0].d.next = self.l4_end.val() > 128;
        for i in 1..IP_WAIT {
            self.ip_ok_d[i].d.next = self.ip_ok_d[i - 1].q.val();
            self.ip_verdict_d[i].d.next = self.ip_verdict_d[i - 1].q.val();
            self.ip_proto_d[i].d.next = self.ip_proto_d[i - 1].q.val();
            self.ip_src_d[i].d.next = self.ip_src_d[i - 1].q.val();
            self.ip_dst_d[i].d.next = self.ip_dst_d[i - 1].q.val();
            self.ip_ports_d[i].d.next = self.ip_ports_d[i - 1].q.val();
            self.ports_malformed_d[i].d.next = self.ports_malformed_d[i - 1].q.val();
            self.ports_control_d[i].d.next = self.ports_control_d[i - 1].q.val();
        }

        // Cycle 8: the decision order of `Distributor::classify`.
        self.sel_done.next = true;
        self.sel_verdict.next = self.eth_verdict_d[5].q.val();
        self.sel_l4.next = false;
        self.sel_inner.next = false;
        self.sel_src.next = self.ip_src_d[2].q.val();
        self.sel_dst.next = self.ip_dst_d[2].q.val();
        self.sel_proto.next = self.ip_proto_d[2].q.val();
        self.sel_ports.next = self.icmp.outer_ports.val();
        if !self.eth_ok_d[5].q.val() {
            self.sel_verdict.next = self.eth_verdict_d[5].q.val();
        } else if !self.ip_ok_d[2].q.val() {
            self.sel_verdict.next = self.ip_verdict_d[2].q.val();
        } else if self.icmp.inner.val() {
            self.sel_done.next = false;
            self.sel_inner.next = true;
            self.sel_l4.next = self.icmp.has_ports.val();
            self.sel_src.next = self.icmp.src.val();
            self.sel_dst.next = self.icmp.dst.val();
            self.sel_proto.next = self.icmp.inner_proto.val();
            self.sel_ports.next = self.icmp.ports.val();
        } else if self.ip_ports_d[2].q.val() {
            if self.ports_malformed_d[2].q.val() {
                self.sel_verdict.next = self.code_malformed.val();
            } else if self.ports_control_d[2].q.val() {
                self.sel_verdict.next = self.code_control.val();
            } else {
                self.sel_done.next = false;
                self.sel_l4.next = true;
            }
        } else {
            self.sel_done.next = false;
        }
        for i in 0..SELECT_WAIT {
            self.done_d[i].clock.next = self.clock.val();
            self.verdict_d[i].clock.next = self.clock.val();
            self.l4_d[i].clock.next = self.clock.val();
            self.inner_d[i].clock.next = self.clock.val();
            self.l3_key_d[i].clock.next = self.clock.val();
        }
        self.done_d[0].d.next = self.sel_done.val();
        self.verdict_d[0].d.next = self.sel_verdict.val();
        self.l4_d[0].d.next = self.sel_l4.val();
        self.inner_d[0].d.next = self.sel_inner.val();
        // The symmetric L3 key: (src XOR dst, 0, protocol).
        self.l3_key_d[0].d.next = (bit_cast::<144, 128>(self.sel_src.val() ^ self.sel_dst.val()) << 16)
            | bit_cast::<144, 8>(self.sel_proto.val());
        for i in 1..SELECT_WAIT {
            self.done_d[i].d.next = self.done_d[i - 1].q.val();
            self.verdict_d[i].d.next = self.verdict_d[i - 1].q.val();
            self.l4_d[i].d.next = self.l4_d[i - 1].q.val();
            self.inner_d[i].d.next = self.inner_d[i - 1].q.val();
            self.l3_key_d[i].d.next = self.l3_key_d[i - 1].q.val();
        }
        self.pc_src.d.next = self.sel_src.val();
        self.pc_dst.d.next = self.sel_dst.val();
        self.pc_ports.d.next = self.sel_ports.val();

        // Cycles 9..10: PortCompare.
        self.pc.src.next = self.pc_src.q.val();
        self.pc.dst.next = self.pc_dst.q.val();
        self.pc.sport.next = self.pc_ports.q.val().get_bits::<16>(16);
        self.pc.dport.next = self.pc_ports.q.val().get_bits::<16>(0);
        for i in 0..RULES {
            self.pc.rule_port[i].next = self.rule_port[i].val();
            self.pc.rule_group[i].next = self.rule_group[i].val();
            self.pc.rule_valid[i].next = self.rule_valid[i].val();
        }

        // Cycle 11: the outputs.
        self.out_verdict.d.next = self.verdict_d[2].q.val();
        self.out_inner.d.next = false;
        self.out_group.d.next = 0.into();
        self.out_key.d.next = 0.into();
        if !self.done_d[2].q.val() {
            self.out_inner.d.next = self.inner_d[2].q.val();
            if self.l4_d[2].q.val() {
                self.out_group.d.next = self.pc.group.val();
                if self.pc.fixed.val() {
                    self.out_verdict.d.next = self.code_fixed.val();
                } else {
                    self.out_verdict.d.next = self.code_l4.val();
                    self.out_key.d.next = self.pc.key.val();
                }
            } else {
                self.out_verdict.d.next = self.code_l3.val();
                self.out_key.d.next = self.l3_key_d[2].q.val();
            }
        }
        self.verdict.next = self.out_verdict.q.val();
        self.inner.next = self.out_inner.q.val();
        self.group.next = self.out_group.q.val();
        self.key.next = self.out_key.q.val();
    }
}
