//! `PortCompare` in rust-hdl simulation against `model::port_compare`:
//! proptest-generated addresses, ports (equal, ordered both ways, edges) and
//! rule lists (0..8 rules, ports drawn so that they often match).

mod decide_support;

use decide_support::run_pipeline;
use hdl::port_compare::{PortCompare, PORT_COMPARE_LATENCY, RULES};
use model::config::Rule;
use model::port_compare::{port_compare, KeyChoice};
use model::flow_key::FlowKey;
use proptest::prelude::*;
use rust_hdl::prelude::*;

type Case = ([u8; 16], [u8; 16], u16, u16);

fn addr_bits(a: &[u8; 16]) -> Bits<128> {
    let mut b = Bits::<128>::default();
    for (i, &x) in a.iter().enumerate() {
        b.set_bits::<8>(8 * (15 - i), (x as u64).into());
    }
    b
}

fn check(rules: &[Rule], cases: &[Case]) {
    let mut uut = PortCompare::default();
    uut.connect_all();
    for i in 0..RULES {
        let r = rules.get(i);
        uut.rule_valid[i].next = r.is_some();
        uut.rule_port[i].next = (r.map_or(0, |r| r.port) as u64).into();
        uut.rule_group[i].next = (r.map_or(0, |r| r.group) as u64).into();
    }
    let seen = run_pipeline(
        &mut uut,
        |u| &mut u.clock,
        PORT_COMPARE_LATENCY,
        cases,
        |u, (src, dst, sport, dport)| {
            u.src.next = addr_bits(src);
            u.dst.next = addr_bits(dst);
            u.sport.next = (*sport as u64).into();
            u.dport.next = (*dport as u64).into();
        },
        |u| {
            let group = u.group.val().to_u64() as u8;
            if u.fixed.val() {
                KeyChoice::Fixed { group }
            } else {
                let k = u.key.val();
                KeyChoice::Hashed { group, key: FlowKey(std::array::from_fn(|i| k.get_bits::<8>(8 * (17 - i)).to_u64() as u8)) }
            }
        },
    );
    for ((src, dst, sport, dport), hw) in cases.iter().zip(seen) {
        assert_eq!(hw, port_compare(rules, src, dst, *sport, *dport), "{src:?} {sport} -> {dst:?} {dport}, rules {rules:?}");
    }
}

fn port() -> impl Strategy<Value = u16> {
    prop_oneof![Just(0u16), Just(443), Just(80), Just(53), Just(65535), 1u16..5, any::<u16>()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn port_compare_random(
        rules in proptest::collection::vec((port(), 0u8..4).prop_map(|(port, group)| Rule { port, group }), 0..=RULES),
        cases in proptest::collection::vec((any::<[u8; 16]>(), any::<[u8; 16]>(), port(), port()), 1..40),
    ) {
        check(&rules, &cases);
    }
}

#[test]
fn port_compare_first_rule_wins_and_equal_ports_are_fixed() {
    let rules = [Rule { port: 443, group: 3 }, Rule { port: 80, group: 1 }, Rule { port: 443, group: 2 }];
    let a = [1u8; 16];
    let b = [2u8; 16];
    check(&rules, &[(a, b, 80, 443), (a, b, 443, 80), (a, b, 443, 443), (a, b, 7, 7), (a, b, 8, 7), (a, b, 7, 8), (a, b, 80, 9)]);
}

#[test]
fn port_compare_l3_key_is_the_symmetric_xor() {
    let mut uut = PortCompare::default();
    uut.connect_all();
    for i in 0..RULES {
        uut.rule_valid[i].next = true;
        uut.rule_port[i].next = 7u64.into();
        uut.rule_group[i].next = 3u64.into();
    }
    let cases: Vec<([u8; 16], [u8; 16], u8)> =
        vec![([1; 16], [2; 16], 47), ([0xff; 16], [0x0f; 16], 1), ([9; 16], [9; 16], 58), ([0; 16], [0xaa; 16], 0)];
    let seen = run_pipeline(
        &mut uut,
        |u| &mut u.clock,
        PORT_COMPARE_LATENCY,
        &cases,
        |u, (src, dst, proto)| {
            u.src.next = addr_bits(src);
            u.dst.next = addr_bits(dst);
            // Ports that would match every rule and be equal: ignored for L3.
            u.sport.next = 7u64.into();
            u.dport.next = 7u64.into();
            u.l3.next = true;
            u.proto.next = (*proto as u64).into();
        },
        |u| {
            let k = u.key.val();
            (u.group.val().to_u64(), u.fixed.val(), FlowKey(std::array::from_fn(|i| k.get_bits::<8>(8 * (17 - i)).to_u64() as u8)))
        },
    );
    for ((src, dst, proto), (group, fixed, key)) in cases.iter().zip(seen) {
        assert_eq!((group, fixed, key), (0, false, FlowKey::l3(src, dst, *proto)));
    }
}
