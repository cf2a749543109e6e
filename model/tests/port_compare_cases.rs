//! Steps 7-9: ports, groups, fixed TMM, key choice, the L3 key, lookup;
//! and the egress side: bypass, MAC rewrite, MAC errors.

mod common;

use common::*;
use model::flow_key::{ipv4_mapped, FlowKey};
use model::frame_build::{ipv4, transport};
use model::port_compare::{port_compare, rule_group, KeyChoice};
use model::config::Rule;
use model::Verdict;

#[test]
fn port_compare_hashes_the_higher_port_endpoint() {
    let src = ipv4_mapped(&v4("10.0.0.1"));
    let dst = ipv4_mapped(&v4("10.0.0.2"));
    assert_hashed(&decide(&tcp4(40000, 80)), Verdict::L4, 0, FlowKey::endpoint(&src, 40000));
    assert_hashed(&decide(&tcp4(80, 40000)), Verdict::L4, 0, FlowKey::endpoint(&dst, 40000));
    assert_hashed(&decide(&tcp4(1, 0)), Verdict::L4, 0, FlowKey::endpoint(&src, 1));
    assert_hashed(&decide(&tcp4(0, 65535)), Verdict::L4, 0, FlowKey::endpoint(&dst, 65535));
}

#[test]
fn port_compare_equal_ports_go_to_the_fixed_tmm() {
    let d = decide(&tcp4(2024, 2024));
    assert_eq!((d.verdict, d.group, d.tmm, d.port), (Verdict::Fixed, Some(0), Some(1), 2));
    assert_eq!((d.key, d.hash, d.index, d.inner), (None, None, None, false));
    assert_eq!(d.csv_row(3), "3,fixed,0,0,,,,1,2");
    let d = decide(&tcp4(443, 443));
    assert_eq!((d.verdict, d.group, d.tmm, d.port), (Verdict::Fixed, Some(1), Some(3), 4));
}

#[test]
fn port_compare_first_matching_rule_picks_the_group() {
    let rules = [Rule { port: 443, group: 1 }, Rule { port: 22, group: 2 }];
    assert_eq!(rule_group(&rules, 443, 22), 1);
    assert_eq!(rule_group(&rules, 22, 443), 1, "priority order, not source-first");
    assert_eq!(rule_group(&rules, 50000, 22), 2);
    assert_eq!(rule_group(&rules, 22, 50000), 2, "source port matches too");
    assert_eq!(rule_group(&rules, 80, 8080), 0);
    let a = [0u8; 16];
    assert_eq!(port_compare(&rules, &a, &a, 7, 7), KeyChoice::Fixed { group: 0 });
    let src = ipv4_mapped(&v4("10.0.0.1"));
    assert_hashed(&decide(&tcp4(50000, 443)), Verdict::L4, 1, FlowKey::endpoint(&src, 50000));
    assert_hashed(&decide(&tcp4(22, 50000)), Verdict::L4, 1, FlowKey::endpoint(&ipv4_mapped(&v4("10.0.0.2")), 50000));
}

#[test]
fn port_compare_sctp_and_udp_have_ports() {
    for proto in [17u8, 132] {
        let f = eth4(&ipv4(v4("10.0.0.1"), v4("10.0.0.2"), proto, 0, &[], &transport(proto, 3000, 4000, &[])));
        assert_hashed(&decide(&f), Verdict::L4, 0, FlowKey::endpoint(&ipv4_mapped(&v4("10.0.0.2")), 4000));
    }
}

#[test]
fn port_compare_l3_key_is_symmetric_xor() {
    let gre = |s: &str, d: &str| eth4(&ipv4(v4(s), v4(d), 47, 0, &[], &[0; 4]));
    let d = decide(&gre("10.0.0.1", "10.0.0.2"));
    let mut key = [0u8; 18];
    key[15] = 3; // 1 XOR 2; the ::ffff of both addresses cancels
    key[17] = 47;
    assert_hashed(&d, Verdict::L3, 0, FlowKey(key));
    assert_eq!(decide(&gre("10.0.0.2", "10.0.0.1")).key, d.key);
    assert_eq!(d.csv_row(1).split(',').nth(4), Some("00000000000000000000000000000003002f"));
}

#[test]
fn port_compare_ports_past_window_are_control() {
    // IPv6 + a 64-byte hop-by-hop header: ports at 118..122 fit; 72 bytes: 126..130 do not.
    assert_eq!(verdict(&udp6(&[(0, 7)], 1000, 2000)), Verdict::L4);
    let d = decide(&udp6(&[(0, 8)], 1000, 2000));
    assert_eq!((d.verdict, d.port), (Verdict::Control, 5));
}

#[test]
fn egress_select_bypass_ignores_the_frame() {
    let dist = dist();
    for frame in [tcp4(1, 2), vec![0u8; 3], udp6(&[(0, 0), (0, 0), (0, 0)], 1, 2)] {
        let d = dist.classify(&frame, 9);
        assert_eq!((d.verdict, d.port, d.group, d.tmm), (Verdict::Bypass, 0, None, None));
        assert_eq!(d.csv_row(1), "1,bypass,0,,,,,,0");
        assert_eq!(dist.egress().egress_frame(&frame, &d).as_ref(), &frame[..]);
    }
    assert_ne!(dist.classify(&tcp4(1, 2), 8).verdict, Verdict::Bypass);
}

#[test]
fn egress_select_rewrites_the_mac_of_tmms_that_have_one() {
    let dist = dist();
    let mut rewritten = 0;
    for sport in 1000..1400u16 {
        let frame = tcp4(sport, 80);
        let d = dist.classify(&frame, 0);
        let out = dist.egress().egress_frame(&frame, &d);
        assert_eq!(&out[6..], &frame[6..], "only the destination MAC may change");
        if d.tmm == Some(3) {
            assert_eq!(&out[..6], &[0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x03]);
            rewritten += 1;
        } else {
            assert_eq!(&out[..6], &frame[..6]);
        }
    }
    assert!(rewritten > 50, "TMM 3 holds a quarter of group 0");
    // Frames not sent to a TMM leave unchanged, even on a TMM-3 port verdict.
    let frag = eth4(&ipv4(v4("10.0.0.1"), v4("10.0.0.2"), 6, 0x2000, &[], &[]));
    let d = dist.classify(&frag, 0);
    assert_eq!(dist.egress().egress_frame(&frag, &d).as_ref(), &frag[..]);
}

#[test]
fn egress_select_mac_errors_are_malformed() {
    let dist = dist();
    for ingress in [0u8, 9] {
        let d = dist.classify_rx(&tcp4(1, 2), ingress, true);
        assert_eq!((d.verdict, d.port), (Verdict::Malformed, 7));
    }
    assert_eq!(dist.classify_rx(&tcp4(1, 2), 0, false), dist.classify(&tcp4(1, 2), 0));
}
