//! `Decide`: SPEC steps 1–8 for one frame per cycle — verdict, `inner`,
//! group and the 144-bit flow key; the hardware twin of the decision part of
//! `model::Distributor::classify` (everything before the Toeplitz lookup,
//! for a frame not on a bypass port and without a MAC error).
//!
//! Ports
//! - in: `clock`; `strobe_in` (a frame is presented); `head` and `window`
//!   (the first 128 bytes as 2 + 32 granules, see `eth_parse`; zero at and
//!   past `frame_len`); `frame_len`
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
//! Pipeline (cycle after `strobe_in`; every stage is at most a compare, an
//! adder or a mux deep, for the ECP5 speed-6 target at 156.25 MHz):
//! ```text
//! 1      EthParse A               | granules registered
//! 2      EthParse B, IpParse A    |
//! 3..5   IpParse B..D             |
//! 6..9   IcmpError                | beside it: outer port bounds (6..7), outer decision (8)
//! 10     select inner or outer header
//! 11..13 PortCompare (also builds the L3 key)
//! 14     verdict, group, key registered out
//! ```
//! Only the granules travel past cycle 1, and none past IcmpError; after
//! that only addresses, ports and a few flags. The granules and the outer
//! addresses wait for IcmpError in LUT RAM delay lines (`RamDelay`), not in
//! flip-flop copies.

use rust_hdl::prelude::*;

use crate::eth_parse::{EthParse, ETH_GRANULES, ETH_PARSE_LATENCY, ETH_TAGS_LATENCY, GRANULES};
use crate::icmp_error::{IcmpError, ICMP_ERROR_LATENCY};
use crate::ip_parse::{IpParse, IP_PARSE_LATENCY};
pub use crate::port_compare::RULES;
use crate::port_compare::{PortCompare, PORT_COMPARE_LATENCY};
use crate::ram_delay::RamDelay;
use crate::verdict_code::{CONTROL, FIXED, L3, L4, MALFORMED};

/// Cycles from `strobe_in` to `strobe_out`.
pub const DECIDE_LATENCY: usize = T_ICMP + 1 + PORT_COMPARE_LATENCY + 1;
/// When each block's results are out (cycles after `strobe_in`).
const T_ETH: usize = ETH_PARSE_LATENCY;
const T_IP: usize = ETH_TAGS_LATENCY + IP_PARSE_LATENCY;
const T_ICMP: usize = T_IP + ICMP_ERROR_LATENCY;
/// EthParse's verdict waits for IpParse's results.
const ETH_WAIT: usize = T_IP - T_ETH;
/// IpParse's results wait for IcmpError's: three stages compute the outer
/// decision on the way, the rest only carry.
const IP_WAIT: usize = T_ICMP - T_IP;
const OUTER_WAIT: usize = IP_WAIT - 3;
/// The select stage's results wait for PortCompare's.
const SELECT_WAIT: usize = 1 + PORT_COMPARE_LATENCY;
// #[hdl_gen] needs literal indices for the last stage of each delay line.
const _: () = assert!(
    ETH_WAIT == 3 && IP_WAIT == 4 && OUTER_WAIT == 1 && SELECT_WAIT == 4 && DECIDE_LATENCY == 14
);

#[derive(LogicBlock)]
pub struct Decide {
    pub clock: Signal<In, Clock>,
    pub strobe_in: Signal<In, Bit>,
    pub head: Signal<In, Bits<16>>,
    pub window: [Signal<In, Bits<32>>; GRANULES],
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
    ip_proto_d: [DFF<Bits<8>>; IP_WAIT],
    ip_src_d: RamDelay<Bits<128>, IP_WAIT>,
    ip_dst_d: RamDelay<Bits<128>, IP_WAIT>,
    /// The window for IcmpError, beside IpParse.
    window_d: [RamDelay<Bits<32>, IP_PARSE_LATENCY>; GRANULES],
    // The outer decision, beside IcmpError.
    o1_eth_ok: DFF<Bit>,
    o1_eth_verdict: DFF<Bits<3>>,
    o1_ip_ok: DFF<Bit>,
    o1_ip_verdict: DFF<Bits<3>>,
    o1_ports: DFF<Bit>,
    o1_l4_end: DFF<Bits<17>>,
    o1_len: DFF<Bits<17>>,
    o1_end: DFF<Bits<17>>,
    o2_eth_ok: DFF<Bit>,
    o2_eth_verdict: DFF<Bits<3>>,
    o2_ip_ok: DFF<Bit>,
    o2_ip_verdict: DFF<Bits<3>>,
    o2_ports: DFF<Bit>,
    o2_ports_malformed: DFF<Bit>,
    o2_ports_control: DFF<Bit>,
    o3_early: DFF<Bit>,
    o3_done: DFF<Bit>,
    o3_verdict: DFF<Bits<3>>,
    o3_l4: DFF<Bit>,
    early_d: [DFF<Bit>; OUTER_WAIT],
    done_o: [DFF<Bit>; OUTER_WAIT],
    verdict_o: [DFF<Bits<3>>; OUTER_WAIT],
    l4_o: [DFF<Bit>; OUTER_WAIT],
    // Select stage.
    use_inner: Signal<Local, Bit>,
    sel_l4: Signal<Local, Bit>,
    sel_src: Signal<Local, Bits<128>>,
    sel_dst: Signal<Local, Bits<128>>,
    sel_proto: Signal<Local, Bits<8>>,
    done_d: [DFF<Bit>; SELECT_WAIT],
    verdict_d: [DFF<Bits<3>>; SELECT_WAIT],
    l4_d: [DFF<Bit>; SELECT_WAIT],
    inner_d: [DFF<Bit>; SELECT_WAIT],
    pc_src: DFF<Bits<128>>,
    pc_dst: DFF<Bits<128>>,
    pc_ports: DFF<Bits<32>>,
    pc_l3: DFF<Bit>,
    pc_proto: DFF<Bits<8>>,
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
            head: Default::default(),
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
            ip_proto_d: Default::default(),
            ip_src_d: Default::default(),
            ip_dst_d: Default::default(),
            window_d: Default::default(),
            o1_eth_ok: Default::default(),
            o1_eth_verdict: Default::default(),
            o1_ip_ok: Default::default(),
            o1_ip_verdict: Default::default(),
            o1_ports: Default::default(),
            o1_l4_end: Default::default(),
            o1_len: Default::default(),
            o1_end: Default::default(),
            o2_eth_ok: Default::default(),
            o2_eth_verdict: Default::default(),
            o2_ip_ok: Default::default(),
            o2_ip_verdict: Default::default(),
            o2_ports: Default::default(),
            o2_ports_malformed: Default::default(),
            o2_ports_control: Default::default(),
            o3_early: Default::default(),
            o3_done: Default::default(),
            o3_verdict: Default::default(),
            o3_l4: Default::default(),
            early_d: Default::default(),
            done_o: Default::default(),
            verdict_o: Default::default(),
            l4_o: Default::default(),
            use_inner: Default::default(),
            sel_l4: Default::default(),
            sel_src: Default::default(),
            sel_dst: Default::default(),
            sel_proto: Default::default(),
            done_d: Default::default(),
            verdict_d: Default::default(),
            l4_d: Default::default(),
            inner_d: Default::default(),
            pc_src: Default::default(),
            pc_dst: Default::default(),
            pc_ports: Default::default(),
            pc_l3: Default::default(),
            pc_proto: Default::default(),
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
        dff_setup!(
            self, clock, len, o1_eth_ok, o1_eth_verdict, o1_ip_ok, o1_ip_verdict, o1_ports, o1_l4_end, o1_len,
            o1_end, o2_eth_ok, o2_eth_verdict, o2_ip_ok, o2_ip_verdict, o2_ports, o2_ports_malformed,
            o2_ports_control, o3_early, o3_done, o3_verdict, o3_l4, pc_src, pc_dst, pc_ports, pc_l3, pc_proto, out_verdict,
            out_inner, out_group, out_key
        );
        clock!(self, clock, eth, ip, icmp, pc);
        for i in 0..DECIDE_LATENCY {
            self.strobe_d[i].clock.next = self.clock.val();
        }
        self.strobe_d[0].d.next = self.strobe_in.val();
        for i in 1..DECIDE_LATENCY {
            self.strobe_d[i].d.next = self.strobe_d[i - 1].q.val();
        }
        self.strobe_out.next = self.strobe_d[13].q.val();

        // Cycle 1: EthParse's compares, and the granules registered.
        self.eth.head.next = self.head.val();
        for j in 0..ETH_GRANULES {
            self.eth.window[j].next = self.window[j].val();
        }
        self.eth.frame_len.next = self.frame_len.val();
        self.eth.group_mac.next = self.group_mac.val();
        self.eth.group_mac_enable.next = self.group_mac_enable.val();
        for j in 0..GRANULES {
            self.granule[j].clock.next = self.clock.val();
            self.granule[j].d.next = self.window[j].val();
        }
        self.len.d.next = self.frame_len.val();

        // Cycles 2..5: IpParse, started on EthParse's early tags.
        for j in 0..GRANULES {
            self.ip.window[j].next = self.granule[j].q.val();
            self.window_d[j].clock.next = self.clock.val();
            self.window_d[j].data_in.next = self.granule[j].q.val();
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

        // Cycles 6..9: IcmpError.
        for j in 0..GRANULES {
            self.icmp.window[j].next = self.window_d[j].data_out.val();
        }
        self.icmp.frame_len.next = self.ip.frame_len_out.val();
        self.icmp.ok.next = self.ip.ok.val();
        self.icmp.v6.next = self.ip.v6_out.val();
        self.icmp.proto.next = self.ip.proto.val();
        self.icmp.l4.next = self.ip.l4.val();
        for i in 0..IP_WAIT {
            self.ip_proto_d[i].clock.next = self.clock.val();
        }
        self.ip_proto_d[0].d.next = self.ip.proto.val();
        for i in 1..IP_WAIT {
            self.ip_proto_d[i].d.next = self.ip_proto_d[i - 1].q.val();
        }
        self.ip_src_d.clock.next = self.clock.val();
        self.ip_dst_d.clock.next = self.clock.val();
        self.ip_src_d.data_in.next = self.ip.src.val();
        self.ip_dst_d.data_in.next = self.ip.dst.val();
        // Beside it, cycles 6..7: the outer ports' bounds (SPEC step 7) ...
        self.o1_eth_ok.d.next = self.eth_ok_d[2].q.val();
        self.o1_eth_verdict.d.next = self.eth_verdict_d[2].q.val();
        self.o1_ip_ok.d.next = self.ip.ok.val();
        self.o1_ip_verdict.d.next = self.ip.verdict.val();
        self.o1_ports.d.next =
            (self.ip.proto.val() == 6) || (self.ip.proto.val() == 17) || (self.ip.proto.val() == 132);
        self.o1_l4_end.d.next = bit_cast::<17, 8>(self.ip.l4.val()) + 4;
        self.o1_len.d.next = bit_cast::<17, 16>(self.ip.frame_len_out.val());
        self.o1_end.d.next = self.ip.packet_end.val();
        self.o2_eth_ok.d.next = self.o1_eth_ok.q.val();
        self.o2_eth_verdict.d.next = self.o1_eth_verdict.q.val();
        self.o2_ip_ok.d.next = self.o1_ip_ok.q.val();
        self.o2_ip_verdict.d.next = self.o1_ip_verdict.q.val();
        self.o2_ports.d.next = self.o1_ports.q.val();
        self.o2_ports_malformed.d.next =
            (self.o1_len.q.val() < self.o1_l4_end.q.val()) || (self.o1_end.q.val() < self.o1_l4_end.q.val());
        self.o2_ports_control.d.next = self.o1_l4_end.q.val() > 128;
        // ... cycle 8: the decision if the frame is not an ICMP error with a
        // usable inner header ...
        self.o3_early.d.next = !self.o2_eth_ok.q.val() || !self.o2_ip_ok.q.val();
        self.o3_done.d.next = true;
        self.o3_l4.d.next = false;
        if !self.o2_eth_ok.q.val() {
            self.o3_verdict.d.next = self.o2_eth_verdict.q.val();
        } else if !self.o2_ip_ok.q.val() {
            self.o3_verdict.d.next = self.o2_ip_verdict.q.val();
        } else if self.o2_ports.q.val() && self.o2_ports_malformed.q.val() {
            self.o3_verdict.d.next = self.code_malformed.val();
        } else if self.o2_ports.q.val() && self.o2_ports_control.q.val() {
            self.o3_verdict.d.next = self.code_control.val();
        } else {
            self.o3_verdict.d.next = self.code_l3.val();
            self.o3_done.d.next = false;
            self.o3_l4.d.next = self.o2_ports.q.val();
        }
        // ... cycle 9: waiting for IcmpError.
        for i in 0..OUTER_WAIT {
            self.early_d[i].clock.next = self.clock.val();
            self.done_o[i].clock.next = self.clock.val();
            self.verdict_o[i].clock.next = self.clock.val();
            self.l4_o[i].clock.next = self.clock.val();
        }
        self.early_d[0].d.next = self.o3_early.q.val();
        self.done_o[0].d.next = self.o3_done.q.val();
        self.verdict_o[0].d.next = self.o3_verdict.q.val();
        self.l4_o[0].d.next = self.o3_l4.q.val();
        for i in 1..OUTER_WAIT {
            self.early_d[i].d.next = self.early_d[i - 1].q.val();
            self.done_o[i].d.next = self.done_o[i - 1].q.val();
            self.verdict_o[i].d.next = self.verdict_o[i - 1].q.val();
            self.l4_o[i].d.next = self.l4_o[i - 1].q.val();
        }

        // Cycle 10: an ICMP error's inner header, when usable, decides (SPEC
        // step 6) — unless the outer headers already failed.
        self.use_inner.next = !self.early_d[0].q.val() && self.icmp.inner.val();
        for i in 0..SELECT_WAIT {
            self.done_d[i].clock.next = self.clock.val();
            self.verdict_d[i].clock.next = self.clock.val();
            self.l4_d[i].clock.next = self.clock.val();
            self.inner_d[i].clock.next = self.clock.val();
        }
        self.verdict_d[0].d.next = self.verdict_o[0].q.val();
        self.inner_d[0].d.next = self.use_inner.val();
        if self.use_inner.val() {
            self.done_d[0].d.next = false;
            self.sel_l4.next = self.icmp.has_ports.val();
            self.sel_src.next = self.icmp.src.val();
            self.sel_dst.next = self.icmp.dst.val();
            self.sel_proto.next = self.icmp.inner_proto.val();
            self.pc_ports.d.next = self.icmp.ports.val();
        } else {
            self.done_d[0].d.next = self.done_o[0].q.val();
            self.sel_l4.next = self.l4_o[0].q.val();
            self.sel_src.next = self.ip_src_d.data_out.val();
            self.sel_dst.next = self.ip_dst_d.data_out.val();
            self.sel_proto.next = self.ip_proto_d[3].q.val();
            self.pc_ports.d.next = self.icmp.outer_ports.val();
        }
        for i in 1..SELECT_WAIT {
            self.done_d[i].d.next = self.done_d[i - 1].q.val();
            self.verdict_d[i].d.next = self.verdict_d[i - 1].q.val();
            self.l4_d[i].d.next = self.l4_d[i - 1].q.val();
            self.inner_d[i].d.next = self.inner_d[i - 1].q.val();
        }
        self.pc_src.d.next = self.sel_src.val();
        self.pc_dst.d.next = self.sel_dst.val();
        self.pc_proto.d.next = self.sel_proto.val();
        self.l4_d[0].d.next = self.sel_l4.val();
        self.pc_l3.d.next = !self.sel_l4.val();

        // Cycles 11..13: PortCompare.
        self.pc.src.next = self.pc_src.q.val();
        self.pc.dst.next = self.pc_dst.q.val();
        self.pc.sport.next = self.pc_ports.q.val().get_bits::<16>(16);
        self.pc.dport.next = self.pc_ports.q.val().get_bits::<16>(0);
        self.pc.l3.next = self.pc_l3.q.val();
        self.pc.proto.next = self.pc_proto.q.val();
        for i in 0..RULES {
            self.pc.rule_port[i].next = self.rule_port[i].val();
            self.pc.rule_group[i].next = self.rule_group[i].val();
            self.pc.rule_valid[i].next = self.rule_valid[i].val();
        }

        // Cycle 14: the outputs.
        self.out_verdict.d.next = self.verdict_d[3].q.val();
        self.out_inner.d.next = false;
        self.out_group.d.next = 0.into();
        self.out_key.d.next = 0.into();
        if !self.done_d[3].q.val() {
            self.out_inner.d.next = self.inner_d[3].q.val();
            if self.l4_d[3].q.val() {
                self.out_group.d.next = self.pc.group.val();
                if self.pc.fixed.val() {
                    self.out_verdict.d.next = self.code_fixed.val();
                } else {
                    self.out_verdict.d.next = self.code_l4.val();
                    self.out_key.d.next = self.pc.key.val();
                }
            } else {
                self.out_verdict.d.next = self.code_l3.val();
                self.out_key.d.next = self.pc.key.val();
            }
        }
        self.verdict.next = self.out_verdict.q.val();
        self.inner.next = self.out_inner.q.val();
        self.group.next = self.out_group.q.val();
        self.key.next = self.out_key.q.val();
    }
}
