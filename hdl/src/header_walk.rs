//! `HeaderWalk`: SPEC steps 1–8 and the Toeplitz hash of step 9 for one
//! frame at a time, as a state machine reading the frame's header window
//! from `WindowRam` 8 bytes per read — the compact core's decision path
//! (`FlowdistCompact`), in a fraction of `Decide` + `Toeplitz`'s logic.
//! Its twin in the model is `model::Distributor::classify` up to the table
//! lookup; the states follow `eth_parse`, `ip_parse`, `icmp_error` and
//! `port_compare` check for check.
//!
//! Ports
//! - in: `clock`; the head frame of `WindowRam`: `head_valid`, `head_len`,
//!   `head_mark`; `rd_data` (8 bytes at half-word `rd_half`, 2 cycles
//!   after it) ← out `rd_half`, `pop` (done with the head: the cycle the
//!   table's answer for it is out, `ALLOC_TABLE_LATENCY` after `strobe_out`).
//! - in `room`: the decision queue can take one more record; a frame
//!   starts only then, so that its record always fits.
//! - config (the control port's): `group_mac`, `group_mac_enable`,
//!   `rule_port`/`rule_group`/`rule_valid`; RSS key words `key_write`,
//!   `key_word`, `key_data` into the shadow key (as `Toeplitz`), `commit`.
//! - out: `strobe_out` (one cycle), then held until the next frame starts:
//!   `verdict` (never bypass), `inner`, `group`, `hash` (l4, l3; 0
//!   otherwise); `table_commit` (to `AllocTable`, see below).
//!
//! Throughput: one frame at a time, 30 to 90 cycles each (reads take 3
//! cycles, the hash a byte per cycle: 16 bytes per address, 2 addresses
//! for l3, then 2 port or protocol bytes; [`WALK_MAX_CYCLES`]).
//!
//! Commits: a commit applies to every frame whose last beat came in the
//! commit cycle or later (`WindowRam` marks the first of them); frames
//! before it may still wait here. So the commit is held (`pending`) until
//! the walk is idle and the next frame is the marked one, or no frame
//! waits; then the shadow key becomes active and `table_commit` pulses.
//! It is held at least [`COMMIT_LAND`] cycles, until the writes issued
//! before it have passed the control port's registers (the last table
//! entry written would otherwise land in the next shadow bank); a marked
//! frame waits for it meanwhile.
//! Software must not write the shadow key or tables, nor commit again,
//! until the commit has applied: [`COMMIT_APPLY_CYCLES`] after it at most.

use rust_hdl::prelude::*;

use crate::alloc_table::ALLOC_TABLE_LATENCY;
use crate::control_port::CONTROL_WRITE_LATENCY;
use crate::egress_select::EGRESS_SELECT_LATENCY;
use crate::port_compare::RULES;
use crate::toeplitz::{key_words, KEY_LEN, KEY_WORDS};
use crate::verdict_code::{BRIDGE, CONTROL, FIXED, FRAGMENT, L3, L4, MALFORMED};
use crate::window_ram::SLOTS;

/// Most cycles a frame keeps the walk busy (from leaving `Idle` to being
/// back in it): an IPv6 ICMP error with two extension headers and an l3
/// inner header, measured by the tests, with the hold for the table and
/// egress stages.
pub const WALK_MAX_CYCLES: usize = 100;
/// Most cycles from a commit to its applying (every frame ahead of it
/// walked).
pub const COMMIT_APPLY_CYCLES: usize = COMMIT_LAND + SLOTS * WALK_MAX_CYCLES;
/// Cycles from a commit to its `pending`: past every write issued before
/// it (`CONTROL_WRITE_LATENCY`), with one to spare.
pub const COMMIT_LAND: usize = CONTROL_WRITE_LATENCY + 1;
/// Cycles the walk holds a decision after `strobe_out`: the table's read,
/// then the egress stage, so that the decision queue's `room` counts it
/// before the next frame starts.
const HOLD_CYCLES: usize = ALLOC_TABLE_LATENCY + EGRESS_SELECT_LATENCY;
const POP_AT: usize = ALLOC_TABLE_LATENCY - 1;
const _: () = assert!(HOLD_CYCLES < 16 && COMMIT_LAND < 8 && KEY_LEN == 22 && KEY_WORDS == 6);

#[derive(Copy, Clone, Debug, PartialEq, LogicState)]
pub enum WalkState {
    Idle,
    Mac,
    Etype,
    Ip0,
    Ip1,
    Proto,
    Ext,
    Icmp,
    In0,
    In1,
    InPorts,
    Ports,
    KeyStart,
    KeyRead,
    KeyHash,
    Done,
    Hold,
}

#[derive(LogicBlock)]
pub struct HeaderWalk {
    pub clock: Signal<In, Clock>,
    pub head_valid: Signal<In, Bit>,
    pub head_len: Signal<In, Bits<16>>,
    pub head_mark: Signal<In, Bit>,
    pub rd_half: Signal<Out, Bits<7>>,
    pub rd_data: Signal<In, Bits<64>>,
    pub pop: Signal<Out, Bit>,
    pub room: Signal<In, Bit>,
    pub group_mac: Signal<In, Bits<48>>,
    pub group_mac_enable: Signal<In, Bit>,
    pub rule_port: [Signal<In, Bits<16>>; RULES],
    pub rule_group: [Signal<In, Bits<8>>; RULES],
    pub rule_valid: [Signal<In, Bit>; RULES],
    pub key_write: Signal<In, Bit>,
    pub key_word: Signal<In, Bits<3>>,
    pub key_data: Signal<In, Bits<32>>,
    pub commit: Signal<In, Bit>,
    pub strobe_out: Signal<Out, Bit>,
    pub verdict: Signal<Out, Bits<3>>,
    pub inner: Signal<Out, Bit>,
    pub group: Signal<Out, Bits<8>>,
    pub hash: Signal<Out, Bits<32>>,
    pub table_commit: Signal<Out, Bit>,
    state: DFF<WalkState>,
    /// Read phase: 0 address out, 1 RAM, 2 data in (act).
    ph: DFF<Bits<2>>,
    half: DFF<Bits<7>>,
    len: DFF<Bits<12>>,
    /// min(len, 128): the ICMP error checks' limit.
    lim: DFF<Bits<12>>,
    v6: DFF<Bit>,
    /// The header being looked at: EtherType, IP header, extension header,
    /// inner IP header (bytes from the frame's start).
    at: DFF<Bits<12>>,
    l3: DFF<Bits<12>>,
    /// End of the IP packet as its length field says.
    ip_end: DFF<Bits<17>>,
    tags: DFF<Bits<2>>,
    ext: DFF<Bits<2>>,
    proto: DFF<Bits<8>>,
    /// Transport header (ports or ICMP header).
    l4: DFF<Bits<12>>,
    /// The IP header whose addresses make the key (outer or inner).
    base: DFF<Bits<12>>,
    ibase: DFF<Bits<12>>,
    iproto: DFF<Bits<8>>,
    inner_reg: DFF<Bit>,
    group_reg: DFF<Bits<8>>,
    verdict_reg: DFF<Bits<3>>,
    /// Key: l3 (both addresses XORed — hashed one after the other, the hash
    /// being linear — then the protocol) or l4 (one address, then the port).
    l3key: DFF<Bit>,
    use_dst: DFF<Bit>,
    port_key: DFF<Bits<16>>,
    second: DFF<Bit>,
    chunk: DFF<Bit>,
    last_chunk: DFF<Bit>,
    /// The byte of the chunk being hashed (the read's data stay put while
    /// `half` does).
    bi: DFF<Bits<3>>,
    /// Active key bytes kp..kp+3 (`span`) and kp+4 (`tail`): the windows of
    /// key byte position kp, as in `Toeplitz`.
    span: DFF<Bits<32>>,
    tail: DFF<Bits<8>>,
    kp: DFF<Bits<5>>,
    acc: DFF<Bits<32>>,
    shadow: [DFFWithInit<Bits<32>>; KEY_WORDS],
    active: [DFFWithInit<Bits<8>>; KEY_LEN],
    pending: DFF<Bit>,
    /// Cycles until a commit written becomes `pending` (0: none coming).
    landing: DFF<Bits<3>>,
    hold: DFF<Bits<4>>,
    /// Verdict codes and hold counts (hdl_gen writes constants by name).
    v_bridge: Constant<Bits<3>>,
    v_control: Constant<Bits<3>>,
    v_fixed: Constant<Bits<3>>,
    v_fragment: Constant<Bits<3>>,
    v_l3: Constant<Bits<3>>,
    v_l4: Constant<Bits<3>>,
    v_malformed: Constant<Bits<3>>,
    pop_at: Constant<Bits<4>>,
    commit_land: Constant<Bits<3>>,
    hold_last: Constant<Bits<4>>,
    act: Signal<Local, Bit>,
    apply: Signal<Local, Bit>,
    et: Signal<Local, Bits<16>>,
    ihl4: Signal<Local, Bits<12>>,
    hlen: Signal<Local, Bits<12>>,
    sport: Signal<Local, Bits<16>>,
    dport: Signal<Local, Bits<16>>,
    rule_hit: Signal<Local, Bits<8>>,
    rule_found: Signal<Local, Bit>,
    is_error: Signal<Local, Bit>,
    has_ports: Signal<Local, Bit>,
    ihas_ports: Signal<Local, Bit>,
    skip_ext: Signal<Local, Bit>,
    src_off: Signal<Local, Bits<12>>,
    dst_off: Signal<Local, Bits<12>>,
    hbyte: Signal<Local, Bits<8>>,
    byte_hash: Signal<Local, Bits<32>>,
    key_first: Signal<Local, Bits<32>>,
}

impl HeaderWalk {
    /// A walk whose active and shadow RSS keys are `rss_key` (at least 22
    /// bytes; longer keys are cut).
    pub fn new(rss_key: &[u8]) -> Result<Self, model::toeplitz::KeyTooShort> {
        let words = key_words(rss_key)?;
        Ok(Self {
            clock: Default::default(),
            head_valid: Default::default(),
            head_len: Default::default(),
            head_mark: Default::default(),
            rd_half: Default::default(),
            rd_data: Default::default(),
            pop: Default::default(),
            room: Default::default(),
            group_mac: Default::default(),
            group_mac_enable: Default::default(),
            rule_port: Default::default(),
            rule_group: Default::default(),
            rule_valid: Default::default(),
            key_write: Default::default(),
            key_word: Default::default(),
            key_data: Default::default(),
            commit: Default::default(),
            strobe_out: Default::default(),
            verdict: Default::default(),
            inner: Default::default(),
            group: Default::default(),
            hash: Default::default(),
            table_commit: Default::default(),
            state: Default::default(),
            ph: Default::default(),
            half: Default::default(),
            len: Default::default(),
            lim: Default::default(),
            v6: Default::default(),
            at: Default::default(),
            l3: Default::default(),
            ip_end: Default::default(),
            tags: Default::default(),
            ext: Default::default(),
            proto: Default::default(),
            l4: Default::default(),
            base: Default::default(),
            ibase: Default::default(),
            iproto: Default::default(),
            inner_reg: Default::default(),
            group_reg: Default::default(),
            verdict_reg: Default::default(),
            l3key: Default::default(),
            use_dst: Default::default(),
            port_key: Default::default(),
            second: Default::default(),
            chunk: Default::default(),
            last_chunk: Default::default(),
            bi: Default::default(),
            span: Default::default(),
            tail: Default::default(),
            kp: Default::default(),
            acc: Default::default(),
            shadow: words.map(|w| DFFWithInit::new(w.to_bits())),
            active: std::array::from_fn(|q| DFFWithInit::new(rss_key[q].to_bits())),
            pending: Default::default(),
            landing: Default::default(),
            hold: Default::default(),
            v_bridge: Constant::new(BRIDGE.into()),
            v_control: Constant::new(CONTROL.into()),
            v_fixed: Constant::new(FIXED.into()),
            v_fragment: Constant::new(FRAGMENT.into()),
            v_l3: Constant::new(L3.into()),
            v_l4: Constant::new(L4.into()),
            v_malformed: Constant::new(MALFORMED.into()),
            pop_at: Constant::new(POP_AT.to_bits()),
            commit_land: Constant::new(COMMIT_LAND.to_bits()),
            hold_last: Constant::new(HOLD_CYCLES.to_bits()),
            act: Default::default(),
            apply: Default::default(),
            et: Default::default(),
            ihl4: Default::default(),
            hlen: Default::default(),
            sport: Default::default(),
            dport: Default::default(),
            rule_hit: Default::default(),
            rule_found: Default::default(),
            is_error: Default::default(),
            has_ports: Default::default(),
            ihas_ports: Default::default(),
            skip_ext: Default::default(),
            src_off: Default::default(),
            dst_off: Default::default(),
            hbyte: Default::default(),
            byte_hash: Default::default(),
            key_first: Default::default(),
        })
    }
}

impl Logic for HeaderWalk {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, state, ph, half, len, lim, v6, at, l3, ip_end, tags, ext, proto, l4, base, ibase, iproto,
            inner_reg, group_reg, verdict_reg, l3key, use_dst, port_key, second, chunk, last_chunk, bi, span,
            tail, kp, acc, pending, landing, hold
        );
        // RSS key: shadow words as software writes them, copied into the
        // active key when a commit applies.
        for w in 0..KEY_WORDS {
            self.shadow[w].clock.next = self.clock.val();
            self.shadow[w].d.next = self.shadow[w].q.val();
            if self.key_write.val() & (self.key_word.val().index() == w) {
                self.shadow[w].d.next = self.key_data.val();
            }
        }
        self.apply.next = (self.state.q.val() == WalkState::Idle)
            & self.pending.q.val()
            & (!self.head_valid.val() | self.head_mark.val());
        for w in 0..5 {
            for i in 0..4 {
                self.active[4 * w + i].clock.next = self.clock.val();
                self.active[4 * w + i].d.next = self.active[4 * w + i].q.val();
                if self.apply.val() {
                    self.active[4 * w + i].d.next = self.shadow[w].q.val().get_bits::<8>(24 - 8 * i);
                }
            }
        }
        for i in 0..2 {
            self.active[20 + i].clock.next = self.clock.val();
            self.active[20 + i].d.next = self.active[20 + i].q.val();
            if self.apply.val() {
                self.active[20 + i].d.next = self.shadow[5].q.val().get_bits::<8>(24 - 8 * i);
            }
        }
        self.landing.d.next = self.landing.q.val();
        if self.landing.q.val() != 0 {
            self.landing.d.next = self.landing.q.val() - 1;
        }
        if self.commit.val() {
            self.landing.d.next = self.commit_land.val();
        }
        self.pending.d.next = (self.pending.q.val() & !self.apply.val()) | (self.landing.q.val() == 1);
        self.table_commit.next = self.apply.val();

        // Outputs.
        self.rd_half.next = self.half.q.val();
        self.verdict.next = self.verdict_reg.q.val();
        self.inner.next = self.inner_reg.q.val();
        self.group.next = self.group_reg.q.val();
        self.hash.next = self.acc.q.val();
        self.strobe_out.next = self.state.q.val() == WalkState::Done;
        self.pop.next = (self.state.q.val() == WalkState::Hold) & (self.hold.q.val() == self.pop_at.val());

        // Fields of the read, by the header it is taken for.
        self.act.next = self.ph.q.val() == 2;
        self.ph.d.next = self.ph.q.val() + 1;
        if self.act.val() {
            self.ph.d.next = 0.into();
        }
        self.et.next = self.rd_data.val().get_bits::<16>(48);
        self.ihl4.next = bit_cast::<12, 4>(self.rd_data.val().get_bits::<4>(56)) << 2;
        self.hlen.next = (bit_cast::<12, 8>(self.rd_data.val().get_bits::<8>(48)) << 3) + 8;
        self.sport.next = self.rd_data.val().get_bits::<16>(48);
        self.dport.next = self.rd_data.val().get_bits::<16>(32);
        // The first rule (lowest index) whose port is either port.
        self.rule_hit.next = 0.into();
        self.rule_found.next = false;
        for i in 0..RULES {
            if !self.rule_found.val()
                & self.rule_valid[i].val()
                & ((self.rule_port[i].val() == self.sport.val()) | (self.rule_port[i].val() == self.dport.val()))
            {
                self.rule_hit.next = self.rule_group[i].val();
                self.rule_found.next = true;
            }
        }
        // ICMPv4 types 3, 4, 5, 11, 12; ICMPv6 types 1 to 4.
        self.is_error.next = (self.rd_data.val().get_bits::<8>(56) == 3)
            | (self.rd_data.val().get_bits::<8>(56) == 4)
            | (self.rd_data.val().get_bits::<8>(56) == 5)
            | (self.rd_data.val().get_bits::<8>(56) == 11)
            | (self.rd_data.val().get_bits::<8>(56) == 12);
        if self.v6.q.val() {
            self.is_error.next = (self.rd_data.val().get_bits::<8>(56) == 1)
                | (self.rd_data.val().get_bits::<8>(56) == 2)
                | (self.rd_data.val().get_bits::<8>(56) == 3)
                | (self.rd_data.val().get_bits::<8>(56) == 4);
        }
        self.has_ports.next = (self.proto.q.val() == 6) | (self.proto.q.val() == 17) | (self.proto.q.val() == 132);
        self.ihas_ports.next =
            (self.iproto.q.val() == 6) | (self.iproto.q.val() == 17) | (self.iproto.q.val() == 132);
        self.skip_ext.next =
            self.v6.q.val() & ((self.proto.q.val() == 0) | (self.proto.q.val() == 43) | (self.proto.q.val() == 60));
        self.src_off.next = 12.into();
        self.dst_off.next = 16.into();
        if self.v6.q.val() {
            self.src_off.next = 8.into();
            self.dst_off.next = 24.into();
        }
        // The key byte at position kp: byte `bi` of the read (IPv6), or of
        // an IPv4 address as ::ffff:a.b.c.d (8 zero bytes, then 0, 0,
        // 0xff, 0xff and the read's first 4 bytes), or of the port or
        // protocol (the last chunk, 2 bytes).
        self.hbyte.next = 0.into();
        for k in 0..8 {
            if self.bi.q.val().index() == k {
                self.hbyte.next = self.rd_data.val().get_bits::<8>(56 - 8 * k);
            }
        }
        if !self.v6.q.val() {
            self.hbyte.next = 0.into();
            if self.chunk.q.val() {
                for k in 2..4 {
                    if self.bi.q.val().index() == k {
                        self.hbyte.next = 0xFF.into();
                    }
                }
                for k in 4..8 {
                    if self.bi.q.val().index() == k {
                        self.hbyte.next = self.rd_data.val().get_bits::<8>(88 - 8 * k);
                    }
                }
            }
        }
        if self.last_chunk.q.val() {
            self.hbyte.next = self.port_key.q.val().get_bits::<8>(0);
            if !self.bi.q.val().get_bit(0) {
                self.hbyte.next = self.port_key.q.val().get_bits::<8>(8);
            }
        }
        // The hash of one key byte at position kp: input bit 8kp + b (the
        // byte's bit 7 − b) adds key bits 8kp + b .. 8kp + b + 31.
        self.byte_hash.next = 0.into();
        for b in 0..8 {
            if self.hbyte.val().get_bit(7 - b) {
                self.byte_hash.next = self.byte_hash.val()
                    ^ (self.span.q.val() << b.to_bits::<4>())
                    ^ (bit_cast::<32, 8>(self.tail.q.val()) >> (8 - b).to_bits::<4>());
            }
        }
        self.key_first.next = (bit_cast::<32, 8>(self.active[0].q.val()) << 24)
            | (bit_cast::<32, 8>(self.active[1].q.val()) << 16)
            | (bit_cast::<32, 8>(self.active[2].q.val()) << 8)
            | bit_cast::<32, 8>(self.active[3].q.val());

        match self.state.q.val() {
            WalkState::Idle => {
                self.ph.d.next = 0.into();
                // A marked frame waits for its commit to apply.
                if self.head_valid.val() & self.room.val() & !(self.head_mark.val() & (self.landing.q.val() != 0)) {
                    // Lengths are compared with offsets below 2,200: 12
                    // bits, the length saturating.
                    self.len.d.next = self.head_len.val().get_bits::<12>(0);
                    if self.head_len.val() > 4095 {
                        self.len.d.next = 4095.into();
                    }
                    self.lim.d.next = self.head_len.val().get_bits::<12>(0);
                    if self.head_len.val() > 128 {
                        self.lim.d.next = 128.into();
                    }
                    self.tags.d.next = 0.into();
                    self.ext.d.next = 0.into();
                    self.inner_reg.d.next = false;
                    self.group_reg.d.next = 0.into();
                    self.acc.d.next = 0.into();
                    self.half.d.next = 0.into();
                    self.state.d.next = WalkState::Mac;
                    if self.head_len.val() < 14 {
                        self.verdict_reg.d.next = self.v_malformed.val();
                        self.state.d.next = WalkState::Done;
                    }
                }
            }
            WalkState::Mac => {
                if self.act.val() {
                    self.at.d.next = 12.into();
                    self.half.d.next = 6.into();
                    self.state.d.next = WalkState::Etype;
                    if self.group_mac_enable.val() & (self.rd_data.val().get_bits::<48>(16) != self.group_mac.val()) {
                        self.verdict_reg.d.next = self.v_bridge.val();
                        self.state.d.next = WalkState::Done;
                    }
                }
            }
            WalkState::Etype => {
                if self.act.val() {
                    if ((self.et.val() == 0x8100) | (self.et.val() == 0x88A8)) & (self.tags.q.val() != 2) {
                        self.tags.d.next = self.tags.q.val() + 1;
                        self.at.d.next = self.at.q.val() + 4;
                        self.half.d.next = bit_cast::<7, 12>((self.at.q.val() + 4) >> 1);
                        if self.len.q.val() < self.at.q.val() + 6 {
                            self.verdict_reg.d.next = self.v_malformed.val();
                            self.state.d.next = WalkState::Done;
                        }
                    } else if (self.et.val() == 0x0800) | (self.et.val() == 0x86DD) {
                        self.v6.d.next = self.et.val() == 0x86DD;
                        self.l3.d.next = self.at.q.val() + 2;
                        self.half.d.next = bit_cast::<7, 12>((self.at.q.val() + 2) >> 1);
                        self.state.d.next = WalkState::Ip0;
                    } else {
                        self.verdict_reg.d.next = self.v_control.val();
                        self.state.d.next = WalkState::Done;
                    }
                }
            }
            WalkState::Ip0 => {
                if self.act.val() {
                    self.base.d.next = self.l3.q.val();
                    if self.v6.q.val() {
                        self.ip_end.d.next = bit_cast::<17, 12>(self.l3.q.val())
                            + 40
                            + bit_cast::<17, 16>(self.rd_data.val().get_bits::<16>(16));
                        self.proto.d.next = self.rd_data.val().get_bits::<8>(8);
                        self.at.d.next = self.l3.q.val() + 40;
                        self.state.d.next = WalkState::Proto;
                        if (self.len.q.val() < self.l3.q.val() + 40) | (self.rd_data.val().get_bits::<4>(60) != 6) {
                            self.verdict_reg.d.next = self.v_malformed.val();
                            self.state.d.next = WalkState::Done;
                        }
                    } else {
                        self.ip_end.d.next = bit_cast::<17, 12>(self.l3.q.val())
                            + bit_cast::<17, 16>(self.rd_data.val().get_bits::<16>(32));
                        self.at.d.next = self.l3.q.val() + self.ihl4.val();
                        self.half.d.next = bit_cast::<7, 12>((self.l3.q.val() + 8) >> 1);
                        self.state.d.next = WalkState::Ip1;
                        if (self.len.q.val() < self.l3.q.val() + 20)
                            | (self.rd_data.val().get_bits::<4>(60) != 4)
                            | (self.ihl4.val() < 20)
                            | (self.rd_data.val().get_bits::<16>(32) < bit_cast::<16, 12>(self.ihl4.val()))
                            | (self.len.q.val() < self.l3.q.val() + self.ihl4.val())
                        {
                            self.verdict_reg.d.next = self.v_malformed.val();
                            self.state.d.next = WalkState::Done;
                        } else if self.l3.q.val() + self.ihl4.val() > 128 {
                            self.verdict_reg.d.next = self.v_control.val();
                            self.state.d.next = WalkState::Done;
                        } else if self.rd_data.val().get_bits::<14>(0) != 0 {
                            self.verdict_reg.d.next = self.v_fragment.val();
                            self.state.d.next = WalkState::Done;
                        }
                    }
                }
            }
            WalkState::Ip1 => {
                if self.act.val() {
                    self.proto.d.next = self.rd_data.val().get_bits::<8>(48);
                    self.state.d.next = WalkState::Proto;
                }
            }
            WalkState::Proto => {
                // What follows the IP header and the extension headers
                // skipped so far (`at`, `proto`).
                self.ph.d.next = 0.into();
                self.l4.d.next = self.at.q.val();
                self.half.d.next = self.at.q.val().get_bits::<7>(1);
                if self.skip_ext.val() {
                    self.state.d.next = WalkState::Ext;
                    if self.ext.q.val() == 2 {
                        self.verdict_reg.d.next = self.v_control.val();
                        self.state.d.next = WalkState::Done;
                    }
                } else if self.v6.q.val() & (self.proto.q.val() == 44) {
                    self.verdict_reg.d.next = self.v_fragment.val();
                    self.state.d.next = WalkState::Done;
                } else if (!self.v6.q.val() & (self.proto.q.val() == 1)) | (self.v6.q.val() & (self.proto.q.val() == 58)) {
                    self.state.d.next = WalkState::Icmp;
                    if self.lim.q.val() < self.at.q.val() + 8 {
                        self.state.d.next = WalkState::KeyStart;
                        self.l3key.d.next = true;
                    }
                } else if self.has_ports.val() {
                    self.state.d.next = WalkState::Ports;
                    if (self.len.q.val() < self.at.q.val() + 4)
                        | (self.ip_end.q.val() < bit_cast::<17, 12>(self.at.q.val()) + 4)
                    {
                        self.verdict_reg.d.next = self.v_malformed.val();
                        self.state.d.next = WalkState::Done;
                    } else if self.at.q.val() + 4 > 128 {
                        self.verdict_reg.d.next = self.v_control.val();
                        self.state.d.next = WalkState::Done;
                    }
                } else {
                    self.state.d.next = WalkState::KeyStart;
                    self.l3key.d.next = true;
                }
            }
            WalkState::Ext => {
                if self.act.val() {
                    self.proto.d.next = self.rd_data.val().get_bits::<8>(56);
                    self.at.d.next = self.at.q.val() + self.hlen.val();
                    self.ext.d.next = self.ext.q.val() + 1;
                    self.state.d.next = WalkState::Proto;
                    if (self.len.q.val() < self.at.q.val() + 2) | (self.len.q.val() < self.at.q.val() + self.hlen.val()) {
                        self.verdict_reg.d.next = self.v_malformed.val();
                        self.state.d.next = WalkState::Done;
                    } else if self.at.q.val() + self.hlen.val() > 128 {
                        self.verdict_reg.d.next = self.v_control.val();
                        self.state.d.next = WalkState::Done;
                    }
                }
            }
            WalkState::Icmp => {
                if self.act.val() {
                    self.at.d.next = self.l4.q.val() + 8;
                    self.half.d.next = bit_cast::<7, 12>((self.l4.q.val() + 8) >> 1);
                    self.state.d.next = WalkState::In0;
                    if !self.is_error.val() {
                        self.state.d.next = WalkState::KeyStart;
                        self.l3key.d.next = true;
                    }
                }
            }
            WalkState::In0 => {
                if self.act.val() {
                    // Any failed check: the outer header decides (l3).
                    self.ibase.d.next = self.at.q.val();
                    self.state.d.next = WalkState::KeyStart;
                    self.l3key.d.next = true;
                    if self.v6.q.val() {
                        self.iproto.d.next = self.rd_data.val().get_bits::<8>(8);
                        self.l4.d.next = self.at.q.val() + 40;
                        if (self.lim.q.val() >= self.at.q.val() + 40)
                            & (self.rd_data.val().get_bits::<4>(60) == 6)
                            & (self.rd_data.val().get_bits::<8>(8) != 0)
                            & (self.rd_data.val().get_bits::<8>(8) != 43)
                            & (self.rd_data.val().get_bits::<8>(8) != 44)
                            & (self.rd_data.val().get_bits::<8>(8) != 60)
                        {
                            self.state.d.next = WalkState::InPorts;
                        }
                    } else {
                        self.l4.d.next = self.at.q.val() + self.ihl4.val();
                        self.half.d.next = bit_cast::<7, 12>((self.at.q.val() + 8) >> 1);
                        if (self.lim.q.val() >= self.at.q.val() + 20)
                            & (self.rd_data.val().get_bits::<4>(60) == 4)
                            & (self.ihl4.val() >= 20)
                            & (self.lim.q.val() >= self.at.q.val() + self.ihl4.val())
                            & (self.rd_data.val().get_bits::<13>(0) == 0)
                        {
                            self.state.d.next = WalkState::In1;
                        }
                    }
                }
            }
            WalkState::In1 => {
                if self.act.val() {
                    self.iproto.d.next = self.rd_data.val().get_bits::<8>(48);
                    self.state.d.next = WalkState::InPorts;
                }
            }
            WalkState::InPorts => {
                self.ph.d.next = 0.into();
                self.half.d.next = self.l4.q.val().get_bits::<7>(1);
                self.state.d.next = WalkState::KeyStart;
                self.l3key.d.next = true;
                if !self.ihas_ports.val() | (self.lim.q.val() >= self.l4.q.val() + 4) {
                    // The inner header decides.
                    self.inner_reg.d.next = true;
                    self.base.d.next = self.ibase.q.val();
                    self.proto.d.next = self.iproto.q.val();
                    if self.ihas_ports.val() {
                        self.state.d.next = WalkState::Ports;
                    }
                }
            }
            WalkState::Ports => {
                if self.act.val() {
                    self.group_reg.d.next = self.rule_hit.val();
                    self.l3key.d.next = false;
                    self.use_dst.d.next = !(self.sport.val() > self.dport.val());
                    self.port_key.d.next = self.dport.val();
                    if self.sport.val() > self.dport.val() {
                        self.port_key.d.next = self.sport.val();
                    }
                    self.verdict_reg.d.next = self.v_l4.val();
                    self.state.d.next = WalkState::KeyStart;
                    if self.sport.val() == self.dport.val() {
                        self.verdict_reg.d.next = self.v_fixed.val();
                        self.state.d.next = WalkState::Done;
                    }
                }
            }
            WalkState::KeyStart => {
                self.ph.d.next = 0.into();
                self.second.d.next = false;
                self.chunk.d.next = false;
                self.last_chunk.d.next = false;
                self.kp.d.next = 0.into();
                self.span.d.next = self.key_first.val();
                self.tail.d.next = self.active[4].q.val();
                self.half.d.next = bit_cast::<7, 12>((self.base.q.val() + self.src_off.val()) >> 1);
                if !self.l3key.q.val() & self.use_dst.q.val() {
                    self.half.d.next = bit_cast::<7, 12>((self.base.q.val() + self.dst_off.val()) >> 1);
                }
                if self.l3key.q.val() {
                    self.verdict_reg.d.next = self.v_l3.val();
                    self.group_reg.d.next = 0.into();
                    self.port_key.d.next = bit_cast::<16, 8>(self.proto.q.val());
                }
                self.state.d.next = WalkState::KeyRead;
            }
            WalkState::KeyRead => {
                if self.act.val() {
                    self.bi.d.next = 0.into();
                    self.state.d.next = WalkState::KeyHash;
                }
            }
            WalkState::KeyHash => {
                self.ph.d.next = 0.into();
                self.acc.d.next = self.acc.q.val() ^ self.byte_hash.val();
                self.span.d.next = (self.span.q.val() << 8) | bit_cast::<32, 8>(self.tail.q.val());
                for q in 0..(KEY_LEN - 5) {
                    if self.kp.q.val().index() == q {
                        self.tail.d.next = self.active[q + 5].q.val();
                    }
                }
                self.kp.d.next = self.kp.q.val() + 1;
                self.bi.d.next = self.bi.q.val() + 1;
                if (self.bi.q.val() == 7) | (self.last_chunk.q.val() & (self.bi.q.val() == 1)) {
                    if self.last_chunk.q.val() {
                        self.state.d.next = WalkState::Done;
                    } else if !self.chunk.q.val() {
                        // The address's second 8 bytes.
                        self.chunk.d.next = true;
                        if self.v6.q.val() {
                            self.half.d.next = self.half.q.val() + 4;
                        }
                        self.state.d.next = WalkState::KeyRead;
                    } else if self.l3key.q.val() & !self.second.q.val() {
                        // The destination address, from key position 0.
                        self.second.d.next = true;
                        self.chunk.d.next = false;
                        self.kp.d.next = 0.into();
                        self.span.d.next = self.key_first.val();
                        self.tail.d.next = self.active[4].q.val();
                        self.half.d.next = bit_cast::<7, 12>((self.base.q.val() + self.dst_off.val()) >> 1);
                        self.state.d.next = WalkState::KeyRead;
                    } else {
                        // Key bytes 16 and 17: the port or the protocol.
                        self.last_chunk.d.next = true;
                    }
                }
            }
            WalkState::Done => {
                self.ph.d.next = 0.into();
                self.hold.d.next = 0.into();
                self.state.d.next = WalkState::Hold;
            }
            WalkState::Hold => {
                self.ph.d.next = 0.into();
                self.hold.d.next = self.hold.q.val() + 1;
                if self.hold.q.val() == self.hold_last.val() {
                    self.state.d.next = WalkState::Idle;
                }
            }
        }
    }
}
