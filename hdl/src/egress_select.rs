//! Egress port selector: the final verdict, the egress port and the
//! destination-MAC rewrite of one frame (`model::egress_select` plus the
//! `classify_rx` order: MAC error first, then bypass, then the verdict).
//!
//! Ports
//! - in: `clock`; `strobe_in` with `verdict`, `inner`, `group`, `hash`
//!   (from `Decide` and `Toeplitz`, aligned), `tmm` (the table's entry),
//!   `info` ([`FrameInfo`]: ingress port, error, beats).
//! - config: `bridge_port`, `control_port`, `fragment_port`,
//!   `malformed_port`; four maps in block RAM (256 entries each, indexed by
//!   TMM id, group or ingress port), written one entry at a time with
//!   `map_addr`/`map_data` and one of `tmm_port_write` (data[7:0]),
//!   `tmm_mac_write` (data[47:0] the MAC, frame byte 0 in [47:40]; data[48]
//!   = the TMM has a MAC), `fixed_tmm_write` (data[7:0] = the group's fixed
//!   TMM), `bypass_write` (data[7:0] = forward_to, data[8] = the ingress
//!   port is TMM-side). Writes take effect for frames reaching the stage that
//!   reads the map one cycle later or more.
//! - out: `strobe_out`, `egress` ([`Egress`]).
//!
//! Decision (exactly `Distributor::classify_rx` + `EgressSelect`):
//! error → malformed / `malformed_port`; TMM-side ingress → bypass /
//! forward_to; bridge, control, malformed, fragment → their port; fixed →
//! TMM = the group's fixed TMM; fixed, l4, l3 → the TMM's port, MAC rewrite
//! when the TMM has a MAC. Fields that do not apply (group, hash, TMM,
//! inner) are 0.
//!
//! Latency 5 cycles, one frame per cycle: fixed-TMM and bypass read (2
//! clocks, [`BlockRam`]), port/MAC read (2 clocks), result register. The
//! maps are `BlockRam`s because their output register is the block RAM's
//! own: on ECP5 a block RAM's clock-to-out (5.8 ns at speed 6) leaves no
//! room even for a route into a fabric flip-flop at 156.25 MHz.

use rust_hdl::prelude::*;

use crate::block_ram::BlockRam;
use crate::stream::{Egress, FrameInfo};
use crate::verdict_code::{BRIDGE, BYPASS, CONTROL, FIXED, FRAGMENT, L3, L4, MALFORMED};

pub const EGRESS_SELECT_LATENCY: usize = 5;

#[derive(LogicBlock)]
pub struct EgressSelect {
    pub clock: Signal<In, Clock>,
    pub strobe_in: Signal<In, Bit>,
    pub verdict: Signal<In, Bits<3>>,
    pub inner: Signal<In, Bit>,
    pub group: Signal<In, Bits<8>>,
    pub hash: Signal<In, Bits<32>>,
    pub tmm: Signal<In, Bits<8>>,
    pub info: Signal<In, FrameInfo>,
    pub bridge_port: Signal<In, Bits<8>>,
    pub control_port: Signal<In, Bits<8>>,
    pub fragment_port: Signal<In, Bits<8>>,
    pub malformed_port: Signal<In, Bits<8>>,
    pub map_addr: Signal<In, Bits<8>>,
    pub map_data: Signal<In, Bits<49>>,
    pub tmm_port_write: Signal<In, Bit>,
    pub tmm_mac_write: Signal<In, Bit>,
    pub fixed_tmm_write: Signal<In, Bit>,
    pub bypass_write: Signal<In, Bit>,
    pub strobe_out: Signal<Out, Bit>,
    pub egress: Signal<Out, Egress>,
    tmm_port: BlockRam<Bits<8>, 8>,
    tmm_mac: BlockRam<Bits<49>, 8>,
    fixed_tmm: BlockRam<Bits<8>, 8>,
    bypass: BlockRam<Bits<9>, 8>,
    // Stage 1: fixed TMM and bypass entry being read.
    s1_valid: DFF<Bit>,
    s1_verdict: DFF<Bits<3>>,
    s1_inner: DFF<Bit>,
    s1_group: DFF<Bits<8>>,
    s1_hash: DFF<Bits<32>>,
    s1_tmm: DFF<Bits<8>>,
    s1_info: DFF<FrameInfo>,
    // Stage 2: fixed TMM and bypass entry in the RAMs' output registers.
    s2_valid: DFF<Bit>,
    s2_verdict: DFF<Bits<3>>,
    s2_inner: DFF<Bit>,
    s2_group: DFF<Bits<8>>,
    s2_hash: DFF<Bits<32>>,
    s2_tmm: DFF<Bits<8>>,
    s2_info: DFF<FrameInfo>,
    // Stage 3: TMM port and MAC being read.
    s3_valid: DFF<Bit>,
    s3_verdict: DFF<Bits<3>>,
    s3_inner: DFF<Bit>,
    s3_group: DFF<Bits<8>>,
    s3_hash: DFF<Bits<32>>,
    s3_tmm: DFF<Bits<8>>,
    s3_info: DFF<FrameInfo>,
    s3_bypass: DFF<Bits<9>>,
    // Stage 4: TMM port and MAC in the RAMs' output registers.
    s4_valid: DFF<Bit>,
    s4_inner: DFF<Bit>,
    s4_group: DFF<Bits<8>>,
    s4_hash: DFF<Bits<32>>,
    s4_tmm: DFF<Bits<8>>,
    s4_info: DFF<FrameInfo>,
    /// The verdict's outcome, worked out from stage 3 so that stage 5 only
    /// selects: the final verdict, the port when it is not a TMM's, "to a
    /// TMM" and "the hash is kept".
    s4_out_verdict: DFF<Bits<3>>,
    s4_port: DFF<Bits<8>>,
    s4_to_tmm: DFF<Bit>,
    s4_hashed: DFF<Bit>,
    // Stage 5: the result.
    s5_valid: DFF<Bit>,
    s5: DFF<Egress>,
    // Verdict codes (`verdict_code`) as constants of the generated Verilog.
    v_bridge: Constant<Bits<3>>,
    v_bypass: Constant<Bits<3>>,
    v_control: Constant<Bits<3>>,
    v_fixed: Constant<Bits<3>>,
    v_fragment: Constant<Bits<3>>,
    v_l3: Constant<Bits<3>>,
    v_l4: Constant<Bits<3>>,
    v_malformed: Constant<Bits<3>>,
    tmm_final: Signal<Local, Bits<8>>,
    result: Signal<Local, Egress>,
}

impl EgressSelect {
    /// The selector with every map and port as `config` sets them.
    pub fn new(config: &model::Config) -> Self {
        // Each map: 256 entries, indexed by TMM id, group or ingress port.
        fn map<const N: usize>(entries: impl Iterator<Item = (u8, u64)>) -> Vec<Bits<N>> {
            let mut map = vec![Bits::<N>::default(); 256];
            for (at, value) in entries {
                map[usize::from(at)] = value.into();
            }
            map
        }
        let port = map::<8>(config.tmms.iter().map(|t| (t.id, u64::from(t.port))));
        let mac = map::<49>(config.tmms.iter().filter_map(|t| t.mac.map(|m| (t.id, mac_entry(&m)))));
        let fixed = map::<8>(config.groups.iter().enumerate().map(|(g, grp)| (g as u8, u64::from(grp.fixed_tmm))));
        let bypass = map::<9>(config.ingress.iter().map(|i| (i.port, 0x100 | u64::from(i.forward_to))));
        Self {
            clock: Default::default(),
            strobe_in: Default::default(),
            verdict: Default::default(),
            inner: Default::default(),
            group: Default::default(),
            hash: Default::default(),
            tmm: Default::default(),
            info: Default::default(),
            bridge_port: Default::default(),
            control_port: Default::default(),
            fragment_port: Default::default(),
            malformed_port: Default::default(),
            map_addr: Default::default(),
            map_data: Default::default(),
            tmm_port_write: Default::default(),
            tmm_mac_write: Default::default(),
            fixed_tmm_write: Default::default(),
            bypass_write: Default::default(),
            strobe_out: Default::default(),
            egress: Default::default(),
            tmm_port: BlockRam::new(&port),
            tmm_mac: BlockRam::new(&mac),
            fixed_tmm: BlockRam::new(&fixed),
            bypass: BlockRam::new(&bypass),
            s1_valid: Default::default(),
            s1_verdict: Default::default(),
            s1_inner: Default::default(),
            s1_group: Default::default(),
            s1_hash: Default::default(),
            s1_tmm: Default::default(),
            s1_info: Default::default(),
            s2_valid: Default::default(),
            s2_verdict: Default::default(),
            s2_inner: Default::default(),
            s2_group: Default::default(),
            s2_hash: Default::default(),
            s2_tmm: Default::default(),
            s2_info: Default::default(),
            s3_valid: Default::default(),
            s3_verdict: Default::default(),
            s3_inner: Default::default(),
            s3_group: Default::default(),
            s3_hash: Default::default(),
            s3_tmm: Default::default(),
            s3_info: Default::default(),
            s3_bypass: Default::default(),
            s4_valid: Default::default(),
            s4_inner: Default::default(),
            s4_group: Default::default(),
            s4_hash: Default::default(),
            s4_tmm: Default::default(),
            s4_info: Default::default(),
            s4_out_verdict: Default::default(),
            s4_port: Default::default(),
            s4_to_tmm: Default::default(),
            s4_hashed: Default::default(),
            s5_valid: Default::default(),
            s5: Default::default(),
            v_bridge: Constant::new(BRIDGE.into()),
            v_bypass: Constant::new(BYPASS.into()),
            v_control: Constant::new(CONTROL.into()),
            v_fixed: Constant::new(FIXED.into()),
            v_fragment: Constant::new(FRAGMENT.into()),
            v_l3: Constant::new(L3.into()),
            v_l4: Constant::new(L4.into()),
            v_malformed: Constant::new(MALFORMED.into()),
            tmm_final: Default::default(),
            result: Default::default(),
        }
    }
}

/// A MAC map entry: bit 48 set, the MAC as a big-endian integer below.
pub fn mac_entry(mac: &model::config::Mac) -> u64 {
    mac.iter().fold(1u64, |acc, &b| (acc << 8) | b as u64)
}

impl Logic for EgressSelect {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, s1_valid, s1_verdict, s1_inner, s1_group, s1_hash, s1_tmm, s1_info, s2_valid, s2_verdict, s2_inner, s2_group, s2_hash, s2_tmm, s2_info, s3_valid, s3_verdict, s3_inner, s3_group, s3_hash, s3_tmm, s3_info, s3_bypass, s4_valid, s4_inner, s4_group, s4_hash, s4_tmm, s4_info, s4_out_verdict, s4_port, s4_to_tmm, s4_hashed, s5_valid, s5
        );
        self.tmm_port.clock.next = self.clock.val();
        self.tmm_mac.clock.next = self.clock.val();
        self.fixed_tmm.clock.next = self.clock.val();
        self.bypass.clock.next = self.clock.val();
        // Map writes.
        self.tmm_port.write_address.next = self.map_addr.val();
        self.tmm_port.write_data.next = self.map_data.val().get_bits::<8>(0);
        self.tmm_port.write_enable.next = self.tmm_port_write.val();
        self.tmm_mac.write_address.next = self.map_addr.val();
        self.tmm_mac.write_data.next = self.map_data.val();
        self.tmm_mac.write_enable.next = self.tmm_mac_write.val();
        self.fixed_tmm.write_address.next = self.map_addr.val();
        self.fixed_tmm.write_data.next = self.map_data.val().get_bits::<8>(0);
        self.fixed_tmm.write_enable.next = self.fixed_tmm_write.val();
        self.bypass.write_address.next = self.map_addr.val();
        self.bypass.write_data.next = self.map_data.val().get_bits::<9>(0);
        self.bypass.write_enable.next = self.bypass_write.val();
        // Stage 1.
        self.fixed_tmm.read_address.next = self.group.val();
        self.bypass.read_address.next = self.info.val().ingress;
        self.s1_valid.d.next = self.strobe_in.val();
        self.s1_verdict.d.next = self.verdict.val();
        self.s1_inner.d.next = self.inner.val();
        self.s1_group.d.next = self.group.val();
        self.s1_hash.d.next = self.hash.val();
        self.s1_tmm.d.next = self.tmm.val();
        self.s1_info.d.next = self.info.val();
        // Stage 2.
        self.s2_valid.d.next = self.s1_valid.q.val();
        self.s2_verdict.d.next = self.s1_verdict.q.val();
        self.s2_inner.d.next = self.s1_inner.q.val();
        self.s2_group.d.next = self.s1_group.q.val();
        self.s2_hash.d.next = self.s1_hash.q.val();
        self.s2_tmm.d.next = self.s1_tmm.q.val();
        self.s2_info.d.next = self.s1_info.q.val();
        // Stage 3.
        self.tmm_final.next = self.s2_tmm.q.val();
        if self.s2_verdict.q.val() == self.v_fixed.val() {
            self.tmm_final.next = self.fixed_tmm.read_data.val();
        }
        self.tmm_port.read_address.next = self.tmm_final.val();
        self.tmm_mac.read_address.next = self.tmm_final.val();
        self.s3_valid.d.next = self.s2_valid.q.val();
        self.s3_verdict.d.next = self.s2_verdict.q.val();
        self.s3_inner.d.next = self.s2_inner.q.val();
        self.s3_group.d.next = self.s2_group.q.val();
        self.s3_hash.d.next = self.s2_hash.q.val();
        self.s3_tmm.d.next = self.tmm_final.val();
        self.s3_info.d.next = self.s2_info.q.val();
        self.s3_bypass.d.next = self.bypass.read_data.val();
        // Stage 4.
        self.s4_valid.d.next = self.s3_valid.q.val();
        self.s4_inner.d.next = self.s3_inner.q.val();
        self.s4_group.d.next = self.s3_group.q.val();
        self.s4_hash.d.next = self.s3_hash.q.val();
        self.s4_tmm.d.next = self.s3_tmm.q.val();
        self.s4_info.d.next = self.s3_info.q.val();
        self.s4_out_verdict.d.next = self.s3_verdict.q.val();
        self.s4_port.d.next = 0.into();
        self.s4_to_tmm.d.next = false;
        self.s4_hashed.d.next = false;
        if self.s3_info.q.val().error {
            self.s4_out_verdict.d.next = self.v_malformed.val();
            self.s4_port.d.next = self.malformed_port.val();
        } else if self.s3_bypass.q.val().get_bit(8) {
            self.s4_out_verdict.d.next = self.v_bypass.val();
            self.s4_port.d.next = self.s3_bypass.q.val().get_bits::<8>(0);
        } else if self.s3_verdict.q.val() == self.v_bridge.val() {
            self.s4_port.d.next = self.bridge_port.val();
        } else if self.s3_verdict.q.val() == self.v_control.val() {
            self.s4_port.d.next = self.control_port.val();
        } else if self.s3_verdict.q.val() == self.v_malformed.val() {
            self.s4_port.d.next = self.malformed_port.val();
        } else if self.s3_verdict.q.val() == self.v_fragment.val() {
            self.s4_port.d.next = self.fragment_port.val();
        } else {
            // fixed, l4, l3: to a TMM.
            self.s4_to_tmm.d.next = true;
            self.s4_hashed.d.next = (self.s3_verdict.q.val() == self.v_l4.val()) | (self.s3_verdict.q.val() == self.v_l3.val());
        }
        // Stage 5: the TMM's port and MAC join.
        self.result.next.port = self.s4_port.q.val();
        self.result.next.inner = false;
        self.result.next.group = 0.into();
        self.result.next.hash = 0.into();
        self.result.next.tmm = 0.into();
        self.result.next.rewrite = false;
        self.result.next.beats = self.s4_info.q.val().beats;
        self.result.next.verdict = self.s4_out_verdict.q.val();
        self.result.next.mac = 0.into();
        if self.s4_to_tmm.q.val() {
            self.result.next.port = self.tmm_port.read_data.val();
            self.result.next.inner = self.s4_inner.q.val();
            self.result.next.group = self.s4_group.q.val();
            self.result.next.tmm = self.s4_tmm.q.val();
            if self.tmm_mac.read_data.val().get_bit(48) {
                self.result.next.rewrite = true;
                self.result.next.mac = self.tmm_mac.read_data.val().get_bits::<48>(0);
            }
        }
        if self.s4_hashed.q.val() {
            self.result.next.hash = self.s4_hash.q.val();
        }
        self.s5_valid.d.next = self.s4_valid.q.val();
        self.s5.d.next = self.result.val();
        self.strobe_out.next = self.s5_valid.q.val();
        self.egress.next = self.s5.q.val();
    }
}
