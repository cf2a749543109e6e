//! Control port: the registers through which software sets everything the
//! config holds and reads the counters.
//!
//! Bus: `ctrl_addr` (16 bits), `ctrl_wdata` (32), `ctrl_write`, `ctrl_read`
//! → `ctrl_rdata` (32) with `ctrl_rvalid`, `CONTROL_READ_LATENCY` (3) cycles
//! after `ctrl_read`. One access per cycle; a write and a read in the same
//! cycle both happen.
//!
//! Register map (W = write, R = read back; unlisted addresses read 0):
//!
//! | address            | access | meaning |
//! |--------------------|--------|---------|
//! | 0x0000             | R      | 0x464C_0001: "FL", register map version 1 |
//! | 0x0001             | W      | commit: the shadow RSS key and the shadow tables become active (data ignored) |
//! | 0x0002             | RW     | group MAC bytes 0-3 (byte 0 in [31:24]) |
//! | 0x0003             | RW     | [15:0] group MAC bytes 4-5 (byte 4 in [15:8]); [16] group MAC check on |
//! | 0x0004             | RW     | [7:0] bridge_port |
//! | 0x0005             | RW     | [7:0] control_port |
//! | 0x0006             | RW     | [7:0] fragment_port |
//! | 0x0007             | RW     | [7:0] malformed_port |
//! | 0x0008             | W      | table entry into the shadow tables: [27:20] group, [19:8] index, [7:0] TMM |
//! | 0x0009             | RW     | MAC staging: bytes 0-3 of the next TMM MAC (byte 0 in [31:24]) |
//! | 0x0010 + w, w < 6  | W      | RSS key word w into the shadow key: bytes 4w..4w+3, byte 4w in [31:24] |
//! | 0x0020 + r, r < 8  | RW     | port rule r (first valid match wins): [15:0] port, [23:16] group, [31] valid |
//! | 0x0100 + t         | W      | TMM t: [7:0] egress port |
//! | 0x0200 + t         | W      | TMM t: MAC = staging bytes 0-3 + [15:0] bytes 4-5; [16] the TMM has a MAC (0: frames leave unchanged) |
//! | 0x0300 + g         | W      | group g: [7:0] fixed TMM (equal ports) |
//! | 0x0400 + p         | W      | ingress port p: [7:0] forward_to; [8] TMM-side (bypass), 0 = classify |
//! | 0x0800 + i, i < 16 | R      | counter i: i < 8 frames of verdict code i; 8 + p frames to egress port p < 8 (counters.rs) |
//!
//! Atomicity. The RSS key and the tables are double-buffered: writes go to
//! the shadow copies and a commit (0x0001) written in cycle t makes them
//! active for every frame whose last beat is accepted in cycle t or later;
//! frames whose last beat came earlier are decided entirely with the old key
//! and tables. Software writes *complete* tables (every entry of every group
//! it changes, 4096 writes per group) and all six key words before each
//! commit: the shadow bank is whatever was last written to it. Every other
//! register and map applies directly, three or four cycles after its write:
//! change them while the affected traffic is stopped, or accept that frames
//! in flight may see either value.
//!
//! The bus is registered as it comes in, with its address page decoded
//! (stage 0), so that the address decode starts at flip-flops next to it
//! and is two compares deep (the 16-bit decode straight from the bus was
//! five LUTs and the 85F's critical path). Writes then go through two more
//! registers (the decoded write, then the register itself): the blocks see
//! them three cycles after `ctrl_write`, and a read issued the cycle after
//! a write returns the written value. The commit is passed on in the write
//! cycle, decoded on its own; the core delays it to line up with the frames
//! (flowdist_core.rs), long after a table or key write issued before it
//! has landed.

use rust_hdl::prelude::*;

use crate::decide::RULES;

/// Cycles from `ctrl_read` to `ctrl_rvalid` with the data: the first
/// registers the bus (stage 0), the second which register is read
/// (one-hot), the third its value (the address decode and a 17-way
/// multiplexer in one cycle were the core's critical path on ECP5).
pub const CONTROL_READ_LATENCY: usize = 3;
/// Cycles from `ctrl_write` to the blocks seeing the write (two registers
/// behind the bus register); the commit alone is passed on in the write
/// cycle.
pub const CONTROL_WRITE_LATENCY: usize = 3;
/// The address decode, one bit per register or page: bit a for address
/// a < 10, then the rules, the key words, pages 1-4 and the counters.
/// (`update` writes these bit numbers as literals: hdl_gen emits a constant's
/// name, not its value, outside a loop; the asserts keep them in step.)
const HIT_RULE: usize = 10;
const HIT_KEY: usize = HIT_RULE + RULES;
const HIT_PAGE: usize = HIT_KEY + 1;
const HIT_COUNTER: usize = HIT_PAGE + 4;
const HITS: usize = HIT_COUNTER + 1;
const _: () = assert!(HIT_RULE == 10 && HIT_KEY == 18 && HIT_PAGE == 19 && HIT_COUNTER == 23);

/// Register map version, read at address 0.
pub const CONTROL_ID: u64 = 0x464C_0001;

pub const ADDR_COMMIT: u64 = 0x0001;
pub const ADDR_GROUP_MAC_HIGH: u64 = 0x0002;
pub const ADDR_GROUP_MAC_LOW: u64 = 0x0003;
pub const ADDR_BRIDGE_PORT: u64 = 0x0004;
pub const ADDR_CONTROL_PORT: u64 = 0x0005;
pub const ADDR_FRAGMENT_PORT: u64 = 0x0006;
pub const ADDR_MALFORMED_PORT: u64 = 0x0007;
pub const ADDR_TABLE_ENTRY: u64 = 0x0008;
pub const ADDR_MAC_STAGING: u64 = 0x0009;
pub const ADDR_RSS_KEY: u64 = 0x0010;
pub const ADDR_RULE: u64 = 0x0020;
pub const ADDR_TMM_PORT: u64 = 0x0100;
pub const ADDR_TMM_MAC: u64 = 0x0200;
pub const ADDR_FIXED_TMM: u64 = 0x0300;
pub const ADDR_INGRESS: u64 = 0x0400;
pub const ADDR_COUNTER: u64 = 0x0800;
// `update` decodes the commit with this address as a literal.
const _: () = assert!(ADDR_COMMIT == 0x0001);

#[derive(LogicBlock)]
pub struct ControlPort {
    pub clock: Signal<In, Clock>,
    pub ctrl_addr: Signal<In, Bits<16>>,
    pub ctrl_wdata: Signal<In, Bits<32>>,
    pub ctrl_write: Signal<In, Bit>,
    pub ctrl_read: Signal<In, Bit>,
    pub ctrl_rdata: Signal<Out, Bits<32>>,
    pub ctrl_rvalid: Signal<Out, Bit>,
    // To `Decide`.
    pub group_mac: Signal<Out, Bits<48>>,
    pub group_mac_enable: Signal<Out, Bit>,
    pub rule_port: [Signal<Out, Bits<16>>; RULES],
    pub rule_group: [Signal<Out, Bits<8>>; RULES],
    pub rule_valid: [Signal<Out, Bit>; RULES],
    // To `EgressSelect`.
    pub bridge_port: Signal<Out, Bits<8>>,
    pub control_port: Signal<Out, Bits<8>>,
    pub fragment_port: Signal<Out, Bits<8>>,
    pub malformed_port: Signal<Out, Bits<8>>,
    pub map_addr: Signal<Out, Bits<8>>,
    pub map_data: Signal<Out, Bits<49>>,
    pub tmm_port_write: Signal<Out, Bit>,
    pub tmm_mac_write: Signal<Out, Bit>,
    pub fixed_tmm_write: Signal<Out, Bit>,
    pub bypass_write: Signal<Out, Bit>,
    // To `Toeplitz`.
    pub key_write: Signal<Out, Bit>,
    pub key_word: Signal<Out, Bits<3>>,
    pub key_data: Signal<Out, Bits<32>>,
    // To `AllocTable`.
    pub table_write: Signal<Out, Bit>,
    pub table_group: Signal<Out, Bits<8>>,
    pub table_index: Signal<Out, Bits<12>>,
    pub table_tmm: Signal<Out, Bits<8>>,
    /// Commit, in the cycle of the write (not registered).
    pub commit: Signal<Out, Bit>,
    // `Counters`.
    pub counter_addr: Signal<Out, Bits<8>>,
    pub counter_data: Signal<In, Bits<32>>,
    mac_high: DFFWithInit<Bits<32>>,
    mac_low: DFFWithInit<Bits<16>>,
    mac_enable: DFFWithInit<Bit>,
    bridge: DFFWithInit<Bits<8>>,
    control: DFFWithInit<Bits<8>>,
    fragment: DFFWithInit<Bits<8>>,
    malformed: DFFWithInit<Bits<8>>,
    /// Rule words as written: [15:0] port, [23:16] group, [31] valid.
    rule: [DFFWithInit<Bits<32>>; RULES],
    staging: DFF<Bits<32>>,
    map_addr_reg: DFF<Bits<8>>,
    map_data_reg: DFF<Bits<49>>,
    tmm_port_w: DFF<Bit>,
    tmm_mac_w: DFF<Bit>,
    fixed_tmm_w: DFF<Bit>,
    bypass_w: DFF<Bit>,
    key_w: DFF<Bit>,
    key_word_reg: DFF<Bits<3>>,
    key_data_reg: DFF<Bits<32>>,
    table_w: DFF<Bit>,
    table_data: DFF<Bits<28>>,
    /// Stage 0: the bus registered, its page decoded: bit 0 page 0, bits
    /// 1-4 pages 1-4, bit 5 page 8 (the counters).
    a_write: DFF<Bit>,
    a_read: DFF<Bit>,
    a_page: DFF<Bits<6>>,
    a_low: DFF<Bits<8>>,
    a_data: DFF<Bits<32>>,
    hit: Signal<Local, Bits<HITS>>,
    /// Write stage 1: the decoded write (`hit`, 0 when no write), the low
    /// address byte and the data.
    w_sel: DFF<Bits<HITS>>,
    w_addr: DFF<Bits<8>>,
    w_data: DFF<Bits<32>>,
    /// Read stage 1: the read, the decode and the counter number.
    read1: DFF<Bit>,
    read1_select: DFF<Bits<HITS>>,
    read1_index: DFF<Bits<8>>,
    /// Read stage 2: the value.
    read_valid: DFF<Bit>,
    read_counter: DFF<Bit>,
    read_data: DFF<Bits<32>>,
    reg_value: Signal<Local, Bits<32>>,
    page: Signal<Local, Bits<8>>,
    page_hit: Signal<Local, Bits<6>>,
}

impl ControlPort {
    /// Registers holding `config`'s values at power-up.
    pub fn new(config: &model::Config) -> Self {
        assert!(config.rules.len() <= RULES, "the config has more rules than the hardware holds");
        let mac = config.group_mac.unwrap_or([0; 6]);
        let be = |b: &[u8]| b.iter().fold(0u64, |a, &x| (a << 8) | x as u64);
        let rule = |i: usize| config.rules.get(i).copied();
        Self {
            clock: Default::default(),
            ctrl_addr: Default::default(),
            ctrl_wdata: Default::default(),
            ctrl_write: Default::default(),
            ctrl_read: Default::default(),
            ctrl_rdata: Default::default(),
            ctrl_rvalid: Default::default(),
            group_mac: Default::default(),
            group_mac_enable: Default::default(),
            rule_port: Default::default(),
            rule_group: Default::default(),
            rule_valid: Default::default(),
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
            key_write: Default::default(),
            key_word: Default::default(),
            key_data: Default::default(),
            table_write: Default::default(),
            table_group: Default::default(),
            table_index: Default::default(),
            table_tmm: Default::default(),
            commit: Default::default(),
            counter_addr: Default::default(),
            counter_data: Default::default(),
            mac_high: DFFWithInit::new(be(&mac[0..4]).into()),
            mac_low: DFFWithInit::new(be(&mac[4..6]).into()),
            mac_enable: DFFWithInit::new(config.group_mac.is_some()),
            bridge: DFFWithInit::new((config.bridge_port as u64).into()),
            control: DFFWithInit::new((config.control_port as u64).into()),
            fragment: DFFWithInit::new((config.fragment_port as u64).into()),
            malformed: DFFWithInit::new((config.malformed_port as u64).into()),
            rule: std::array::from_fn(|i| {
                DFFWithInit::new(rule(i).map_or(0, |r| 1 << 31 | (r.group as u64) << 16 | r.port as u64).into())
            }),
            staging: Default::default(),
            map_addr_reg: Default::default(),
            map_data_reg: Default::default(),
            tmm_port_w: Default::default(),
            tmm_mac_w: Default::default(),
            fixed_tmm_w: Default::default(),
            bypass_w: Default::default(),
            key_w: Default::default(),
            key_word_reg: Default::default(),
            key_data_reg: Default::default(),
            table_w: Default::default(),
            table_data: Default::default(),
            read1: Default::default(),
            a_write: Default::default(),
            a_read: Default::default(),
            a_page: Default::default(),
            a_low: Default::default(),
            a_data: Default::default(),
            hit: Default::default(),
            w_sel: Default::default(),
            w_addr: Default::default(),
            w_data: Default::default(),
            read1_select: Default::default(),
            read1_index: Default::default(),
            read_valid: Default::default(),
            read_counter: Default::default(),
            read_data: Default::default(),
            reg_value: Default::default(),
            page: Default::default(),
            page_hit: Default::default(),
        }
    }
}

impl Logic for ControlPort {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, mac_high, mac_low, mac_enable, bridge, control, fragment, malformed, staging, map_addr_reg,
            map_data_reg, tmm_port_w, tmm_mac_w, fixed_tmm_w, bypass_w, key_w, key_word_reg, key_data_reg, table_w,
            table_data, a_write, a_read, a_page, a_low, a_data, w_sel, w_addr, w_data, read1, read1_select, read1_index, read_valid, read_counter, read_data
        );
        for i in 0..RULES {
            self.rule[i].clock.next = self.clock.val();
            self.rule[i].d.next = self.rule[i].q.val();
        }
        // Stage 0: the bus, and which page it addresses.
        self.page.next = self.ctrl_addr.val().get_bits::<8>(8);
        self.a_write.d.next = self.ctrl_write.val();
        self.a_read.d.next = self.ctrl_read.val();
        self.a_low.d.next = self.ctrl_addr.val().get_bits::<8>(0);
        self.a_data.d.next = self.ctrl_wdata.val();
        self.page_hit.next = 0.into();
        for i in 0..5 {
            self.page_hit.next = self.page_hit.val().replace_bit(i, self.page.val().index() == i);
        }
        self.page_hit.next = self.page_hit.val().replace_bit(5, self.page.val() == 0x08);
        self.a_page.d.next = self.page_hit.val();
        // The address decode, one bit per register or page (HIT_*), shared
        // by writes and reads; both register it before it selects anything.
        self.hit.next = 0.into();
        for i in 0..HIT_RULE {
            self.hit.next = self.hit.val().replace_bit(i, self.a_page.q.val().get_bit(0) & (self.a_low.q.val().index() == i));
        }
        for i in 0..RULES {
            self.hit.next =
                self.hit.val().replace_bit(10 + i, self.a_page.q.val().get_bit(0) & (self.a_low.q.val().index() == 0x20 + i));
        }
        self.hit.next = self.hit.val().replace_bit(
            18,
            self.a_page.q.val().get_bit(0)
                & (self.a_low.q.val().get_bits::<5>(3) == 0x02)
                & (self.a_low.q.val().get_bits::<3>(0) < 6),
        );
        for i in 0..4 {
            self.hit.next = self.hit.val().replace_bit(19 + i, self.a_page.q.val().get_bit(1 + i));
        }
        self.hit.next = self.hit.val().replace_bit(23, self.a_page.q.val().get_bit(5));
        // The commit leaves in the write cycle, decoded from the bus (the
        // core delays it to meet the frames).
        self.commit.next = self.ctrl_write.val() & (self.ctrl_addr.val() == 0x0001);
        // Writes, stage 1: the decoded write and its data.
        self.w_sel.d.next = 0.into();
        if self.a_write.q.val() {
            self.w_sel.d.next = self.hit.val();
        }
        self.w_addr.d.next = self.a_low.q.val();
        self.w_data.d.next = self.a_data.q.val();
        // Stage 2: each register's enable is a flip-flop (the address
        // compare in front of 32 enables was the 25F's critical path).
        self.tmm_port_w.d.next = self.w_sel.q.val().get_bit(19);
        self.tmm_mac_w.d.next = self.w_sel.q.val().get_bit(20);
        self.fixed_tmm_w.d.next = self.w_sel.q.val().get_bit(21);
        self.bypass_w.d.next = self.w_sel.q.val().get_bit(22);
        self.key_w.d.next = self.w_sel.q.val().get_bit(18);
        self.table_w.d.next = self.w_sel.q.val().get_bit(8);
        self.map_addr_reg.d.next = self.w_addr.q.val();
        self.map_data_reg.d.next = bit_cast::<49, 32>(self.w_data.q.val());
        if self.w_sel.q.val().get_bit(20) {
            self.map_data_reg.d.next = (bit_cast::<49, 32>(self.staging.q.val()) << 16)
                | bit_cast::<49, 16>(self.w_data.q.val().get_bits::<16>(0))
                | (bit_cast::<49, 1>(self.w_data.q.val().get_bits::<1>(16)) << 48);
        }
        self.key_word_reg.d.next = self.w_addr.q.val().get_bits::<3>(0);
        self.key_data_reg.d.next = self.w_data.q.val();
        self.table_data.d.next = self.w_data.q.val().get_bits::<28>(0);
        if self.w_sel.q.val().get_bit(2) {
            self.mac_high.d.next = self.w_data.q.val();
        }
        if self.w_sel.q.val().get_bit(3) {
            self.mac_low.d.next = self.w_data.q.val().get_bits::<16>(0);
            self.mac_enable.d.next = self.w_data.q.val().get_bit(16);
        }
        if self.w_sel.q.val().get_bit(4) {
            self.bridge.d.next = self.w_data.q.val().get_bits::<8>(0);
        }
        if self.w_sel.q.val().get_bit(5) {
            self.control.d.next = self.w_data.q.val().get_bits::<8>(0);
        }
        if self.w_sel.q.val().get_bit(6) {
            self.fragment.d.next = self.w_data.q.val().get_bits::<8>(0);
        }
        if self.w_sel.q.val().get_bit(7) {
            self.malformed.d.next = self.w_data.q.val().get_bits::<8>(0);
        }
        if self.w_sel.q.val().get_bit(9) {
            self.staging.d.next = self.w_data.q.val();
        }
        for i in 0..RULES {
            if self.w_sel.q.val().get_bit(10 + i) {
                self.rule[i].d.next = self.w_data.q.val();
            }
        }
        // Reads, stage 1: the decode registered.
        self.read1.d.next = self.a_read.q.val();
        self.read1_select.d.next = self.hit.val();
        self.read1_index.d.next = self.a_low.q.val();
        // Stage 2: the selected register's value (an AND-OR of one-hot
        // selects); a counter answers one cycle after its number.
        self.reg_value.next = 0.into();
        if self.read1_select.q.val().get_bit(0) {
            self.reg_value.next = 0x464C_0001.into();
        }
        if self.read1_select.q.val().get_bit(2) {
            self.reg_value.next = self.reg_value.val() | self.mac_high.q.val();
        }
        if self.read1_select.q.val().get_bit(3) {
            self.reg_value.next = self.reg_value.val()
                | bit_cast::<32, 16>(self.mac_low.q.val())
                | (bit_cast::<32, 1>(self.mac_enable.q.val().into()) << 16);
        }
        if self.read1_select.q.val().get_bit(4) {
            self.reg_value.next = self.reg_value.val() | bit_cast::<32, 8>(self.bridge.q.val());
        }
        if self.read1_select.q.val().get_bit(5) {
            self.reg_value.next = self.reg_value.val() | bit_cast::<32, 8>(self.control.q.val());
        }
        if self.read1_select.q.val().get_bit(6) {
            self.reg_value.next = self.reg_value.val() | bit_cast::<32, 8>(self.fragment.q.val());
        }
        if self.read1_select.q.val().get_bit(7) {
            self.reg_value.next = self.reg_value.val() | bit_cast::<32, 8>(self.malformed.q.val());
        }
        if self.read1_select.q.val().get_bit(9) {
            self.reg_value.next = self.reg_value.val() | self.staging.q.val();
        }
        for i in 0..RULES {
            if self.read1_select.q.val().get_bit(10 + i) {
                self.reg_value.next = self.reg_value.val() | self.rule[i].q.val();
            }
        }
        self.counter_addr.next = self.read1_index.q.val();
        self.read_valid.d.next = self.read1.q.val();
        self.read_counter.d.next = self.read1_select.q.val().get_bit(23);
        self.read_data.d.next = self.reg_value.val();
        self.ctrl_rvalid.next = self.read_valid.q.val();
        self.ctrl_rdata.next = self.read_data.q.val();
        if self.read_counter.q.val() {
            self.ctrl_rdata.next = self.counter_data.val();
        }
        // Outputs.
        self.group_mac.next = (bit_cast::<48, 32>(self.mac_high.q.val()) << 16) | bit_cast::<48, 16>(self.mac_low.q.val());
        self.group_mac_enable.next = self.mac_enable.q.val();
        for i in 0..RULES {
            self.rule_port[i].next = self.rule[i].q.val().get_bits::<16>(0);
            self.rule_group[i].next = self.rule[i].q.val().get_bits::<8>(16);
            self.rule_valid[i].next = self.rule[i].q.val().get_bit(31);
        }
        self.bridge_port.next = self.bridge.q.val();
        self.control_port.next = self.control.q.val();
        self.fragment_port.next = self.fragment.q.val();
        self.malformed_port.next = self.malformed.q.val();
        self.map_addr.next = self.map_addr_reg.q.val();
        self.map_data.next = self.map_data_reg.q.val();
        self.tmm_port_write.next = self.tmm_port_w.q.val();
        self.tmm_mac_write.next = self.tmm_mac_w.q.val();
        self.fixed_tmm_write.next = self.fixed_tmm_w.q.val();
        self.bypass_write.next = self.bypass_w.q.val();
        self.key_write.next = self.key_w.q.val();
        self.key_word.next = self.key_word_reg.q.val();
        self.key_data.next = self.key_data_reg.q.val();
        self.table_write.next = self.table_w.q.val();
        self.table_group.next = self.table_data.q.val().get_bits::<8>(20);
        self.table_index.next = self.table_data.q.val().get_bits::<12>(8);
        self.table_tmm.next = self.table_data.q.val().get_bits::<8>(0);
    }
}
