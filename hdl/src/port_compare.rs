//! `PortCompare`: SPEC step 7's comparator and the key builder — the group
//! of the first rule naming either port, equal ports (`fixed`), and the key
//! of the endpoint with the higher port; the hardware twin of
//! `model::port_compare::port_compare` (and `rule_group`). With `l3` set it
//! builds step 8's key instead, `model::flow_key::FlowKey::l3`.
//!
//! Ports (pure pipeline, one compare per cycle, latency [`PORT_COMPARE_LATENCY`]):
//! - in: `src`, `dst` (16-byte address forms, byte 0 in bits [127:120]),
//!   `sport`, `dport`, `l3` (no ports: the L3 key of `proto`); static config `rule_port`, `rule_group`, `rule_valid`
//!   ([`RULES`] rules in priority order, the first valid match wins).
//! - out: `group` (0 when no rule matches, or for `l3`), `fixed` (source
//!   port == destination port; 0 for `l3`), `key` (key byte 0 in bits
//!   [143:136]: address then port, or src XOR dst then protocol for `l3`;
//!   meaningless when `fixed`).
//!
//! Stages: A compares the ports with each other and with the rules; B
//! picks the endpoint and finds the first matching rule within each half
//! of the rules (and whether the first half has one); C reads the group of
//! the first half's rule, or else of the second's. Two halves keep B at two
//! LUT levels: one chain over all the rules (25 inputs) was three, and the
//! 25F's critical path.

use rust_hdl::prelude::*;

/// Port rules the hardware holds (`[[rule]]` entries of the config).
pub const RULES: usize = 8;
pub const PORT_COMPARE_LATENCY: usize = 3;
/// Rules in stage B's first half (written as the literal 4 in `update`:
/// hdl_gen would emit the name).
const RULES_LO: usize = 4;
const _: () = assert!(RULES_LO == RULES / 2);

#[derive(LogicBlock)]
pub struct PortCompare {
    pub clock: Signal<In, Clock>,
    pub src: Signal<In, Bits<128>>,
    pub dst: Signal<In, Bits<128>>,
    pub sport: Signal<In, Bits<16>>,
    pub dport: Signal<In, Bits<16>>,
    pub l3: Signal<In, Bit>,
    pub proto: Signal<In, Bits<8>>,
    pub rule_port: [Signal<In, Bits<16>>; RULES],
    pub rule_group: [Signal<In, Bits<8>>; RULES],
    pub rule_valid: [Signal<In, Bit>; RULES],
    pub group: Signal<Out, Bits<8>>,
    pub fixed: Signal<Out, Bit>,
    pub key: Signal<Out, Bits<144>>,
    a_source_eq: [DFF<Bit>; RULES],
    a_dest_eq: [DFF<Bit>; RULES],
    a_fixed: DFF<Bit>,
    a_source: DFF<Bit>,
    a_src: DFF<Bits<128>>,
    a_dst: DFF<Bits<128>>,
    a_sport: DFF<Bits<16>>,
    a_dport: DFF<Bits<16>>,
    a_l3: DFF<Bit>,
    a_proto: DFF<Bits<8>>,
    matched: Signal<Local, Bit>,
    /// The matched rule's group in each half (0 when none).
    group_half: [Signal<Local, Bits<8>>; 2],
    b_first: [DFF<Bit>; RULES],
    b_any_lo: DFF<Bit>,
    b_fixed: DFF<Bit>,
    b_key: DFF<Bits<144>>,
    c_group: DFF<Bits<8>>,
    c_fixed: DFF<Bit>,
    c_key: DFF<Bits<144>>,
}

impl Default for PortCompare {
    fn default() -> Self {
        PortCompare {
            clock: Default::default(),
            src: Default::default(),
            dst: Default::default(),
            sport: Default::default(),
            dport: Default::default(),
            l3: Default::default(),
            proto: Default::default(),
            rule_port: Default::default(),
            rule_group: Default::default(),
            rule_valid: Default::default(),
            group: Default::default(),
            fixed: Default::default(),
            key: Default::default(),
            a_source_eq: Default::default(),
            a_dest_eq: Default::default(),
            a_fixed: Default::default(),
            a_source: Default::default(),
            a_src: Default::default(),
            a_dst: Default::default(),
            a_sport: Default::default(),
            a_dport: Default::default(),
            a_l3: Default::default(),
            a_proto: Default::default(),
            matched: Default::default(),
            group_half: Default::default(),
            b_first: Default::default(),
            b_any_lo: Default::default(),
            b_fixed: Default::default(),
            b_key: Default::default(),
            c_group: Default::default(),
            c_fixed: Default::default(),
            c_key: Default::default(),
        }
    }
}

impl Logic for PortCompare {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, a_fixed, a_source, a_src, a_dst, a_sport, a_dport, a_l3, a_proto, b_any_lo, b_fixed, b_key, c_group, c_fixed, c_key
        );
        for i in 0..RULES {
            self.a_source_eq[i].clock.next = self.clock.val();
            self.a_dest_eq[i].clock.next = self.clock.val();
            self.b_first[i].clock.next = self.clock.val();
        }

        // Stage A: every compare. The higher port's endpoint is hashed, so
        // both directions of a connection agree.
        for i in 0..RULES {
            self.a_source_eq[i].d.next = self.rule_port[i].val() == self.sport.val();
            self.a_dest_eq[i].d.next = self.rule_port[i].val() == self.dport.val();
        }
        self.a_fixed.d.next = self.sport.val() == self.dport.val();
        self.a_source.d.next = self.sport.val() > self.dport.val();
        self.a_src.d.next = self.src.val();
        self.a_dst.d.next = self.dst.val();
        self.a_sport.d.next = self.sport.val();
        self.a_dport.d.next = self.dport.val();
        self.a_l3.d.next = self.l3.val();
        self.a_proto.d.next = self.proto.val();

        // Stage B: the first valid rule naming either port in each half
        // (none for L3); key = address . port.
        self.matched.next = self.a_l3.q.val();
        self.b_any_lo.d.next = false;
        for i in 0..RULES {
            if i == 4 {
                // RULES_LO. The second half is searched as if alone: stage
                // C uses it only when the first half has no match.
                self.b_any_lo.d.next = self.matched.val();
                self.matched.next = self.a_l3.q.val();
            }
            self.b_first[i].d.next = false;
            if !self.matched.val()
                && self.rule_valid[i].val()
                && (self.a_source_eq[i].q.val() || self.a_dest_eq[i].q.val())
            {
                self.matched.next = true;
                self.b_first[i].d.next = true;
            }
        }
        self.b_fixed.d.next = self.a_fixed.q.val() && !self.a_l3.q.val();
        if self.a_l3.q.val() {
            // Symmetric: (src XOR dst, 0, protocol).
            self.b_key.d.next = (bit_cast::<144, 128>(self.a_src.q.val() ^ self.a_dst.q.val()) << 16)
                | bit_cast::<144, 8>(self.a_proto.q.val());
        } else if self.a_source.q.val() {
            self.b_key.d.next = (bit_cast::<144, 128>(self.a_src.q.val()) << 16) | bit_cast::<144, 16>(self.a_sport.q.val());
        } else {
            self.b_key.d.next = (bit_cast::<144, 128>(self.a_dst.q.val()) << 16) | bit_cast::<144, 16>(self.a_dport.q.val());
        }

        // Stage C: that rule's group (0 when none matched).
        for h in 0..2 {
            self.group_half[h].next = 0.into();
        }
        for i in 0..RULES {
            if self.b_first[i].q.val() {
                // i / RULES_LO.
                self.group_half[i / 4].next = self.group_half[i / 4].val() | self.rule_group[i].val();
            }
        }
        if self.b_any_lo.q.val() {
            self.c_group.d.next = self.group_half[0].val();
        } else {
            self.c_group.d.next = self.group_half[1].val();
        }
        self.c_fixed.d.next = self.b_fixed.q.val();
        self.c_key.d.next = self.b_key.q.val();

        self.group.next = self.c_group.q.val();
        self.fixed.next = self.c_fixed.q.val();
        self.key.next = self.c_key.q.val();
    }
}
