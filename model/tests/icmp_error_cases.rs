//! Step 6: ICMP and ICMPv6 errors decided on the quoted packet's header.

mod common;

use std::net::IpAddr;

use common::*;
use model::flow_key::{addr16, FlowKey};
use model::frame_build::{ipv4, ipv6, transport, Flow};
use model::Verdict;

fn flow4(proto: u8) -> Flow {
    Flow { src: "10.0.0.1".parse().unwrap(), dst: "10.9.9.9".parse().unwrap(), proto, sport: 40000, dport: 80 }
}

fn flow6(proto: u8) -> Flow {
    Flow { src: "2001:db8::1".parse().unwrap(), dst: "2001:db8::99".parse().unwrap(), proto, sport: 40000, dport: 443 }
}

fn router4() -> IpAddr {
    "192.0.2.1".parse().unwrap()
}

fn router6() -> IpAddr {
    "2001:db8:ffff::1".parse().unwrap()
}

/// An ICMPv4 message of `icmp_type` quoting `quoted`.
fn icmp4(icmp_type: u8, quoted: &[u8]) -> Vec<u8> {
    let mut icmp = vec![icmp_type, 0, 0, 0, 0, 0, 0, 0];
    icmp.extend_from_slice(quoted);
    eth4(&ipv4(v4("192.0.2.1"), v4("10.0.0.1"), 1, 0, &[], &icmp))
}

fn icmp6(icmp_type: u8, quoted: &[u8]) -> Vec<u8> {
    let mut icmp = vec![icmp_type, 0, 0, 0, 0, 0, 0, 0];
    icmp.extend_from_slice(quoted);
    eth6(&ipv6(v6("2001:db8:ffff::1"), v6("2001:db8::1"), &[], 58, &icmp))
}

/// The outer L3 key of every ICMPv4 frame built here.
fn outer_l3_4() -> FlowKey {
    FlowKey::l3(&addr16("192.0.2.1".parse().unwrap()), &addr16("10.0.0.1".parse().unwrap()), 1)
}

#[test]
fn icmp_error_v4_uses_the_inner_flow() {
    let flow = flow4(6);
    for t in [3u8, 4, 5, 11, 12] {
        let f = patch(flow.icmp_error(router4(), 28), 34, &[t]);
        let d = decide(&f);
        assert!(d.inner, "type {t}");
        // The quoted packet went 10.0.0.1:40000 -> 10.9.9.9:80: its flow's key.
        assert_hashed(&d, Verdict::L4, 0, FlowKey::endpoint(&addr16(flow.src), 40000));
        assert_eq!(d.key, decide(&flow.frame(&[], &[], &[])).key);
    }
}

#[test]
fn icmp_error_v4_other_types_are_outer_l3() {
    let flow = flow4(6);
    for t in [0u8, 8, 13, 30] {
        let f = patch(flow.icmp_error(router4(), 28), 34, &[t]);
        let d = decide(&f);
        assert!(!d.inner, "type {t}");
        assert_hashed(&d, Verdict::L3, 0, outer_l3_4());
    }
}

#[test]
fn icmp_error_inner_checks_fall_back_to_outer() {
    let quoted = flow4(17).ip_packet(&[], &[0; 8]);
    let outer = |q: &[u8]| {
        let f = icmp4(3, q);
        let d = decide(&f);
        assert!(!d.inner, "{q:02x?}");
        assert_hashed(&d, Verdict::L3, 0, outer_l3_4());
    };
    outer(&quoted[..23]); // ports cut
    outer(&quoted[..19]); // header cut
    outer(&patch(quoted.clone(), 0, &[0x65])); // IPv6 inside ICMPv4
    outer(&patch(quoted.clone(), 0, &[0x44])); // IHL 4
    outer(&patch(quoted.clone(), 6, &[0x00, 0x10])); // fragment offset
    outer(&[]); // no quote: the 8-byte header alone
    // The ICMP header itself cut: outer too.
    let f = icmp4(3, &[]);
    let d = decide(&f[..40]);
    assert_eq!((d.verdict, d.inner), (Verdict::L3, false));
    // MF with offset 0 is used; the inner length fields are not checked.
    let mf = patch(quoted.clone(), 6, &[0x20, 0x00]);
    assert!(decide(&icmp4(3, &mf)).inner);
    let short_len = patch(quoted, 2, &[0, 1]);
    assert!(decide(&icmp4(3, &short_len)).inner);
}

#[test]
fn icmp_error_inner_without_ports_is_inner_l3() {
    let gre = ipv4(v4("10.0.0.1"), v4("10.9.9.9"), 47, 0, &[], &[0; 8]);
    let d = decide(&icmp4(11, &gre));
    assert!(d.inner);
    let key = FlowKey::l3(&addr16("10.0.0.1".parse().unwrap()), &addr16("10.9.9.9".parse().unwrap()), 47);
    assert_hashed(&d, Verdict::L3, 0, key);
    // Inner ICMP (an error about an echo): inner l3 too, no recursion.
    let echo = ipv4(v4("10.0.0.1"), v4("10.9.9.9"), 1, 0, &[], &[8, 0, 0, 0, 0, 1, 0, 1]);
    let d = decide(&icmp4(3, &echo));
    assert_eq!((d.verdict, d.inner), (Verdict::L3, true));
}

#[test]
fn icmp_error_inner_equal_ports_is_inner_fixed() {
    let mut f = flow4(17);
    f.dport = f.sport;
    let d = decide(&f.icmp_error(router4(), 28));
    assert_eq!((d.verdict, d.inner, d.tmm, d.key), (Verdict::Fixed, true, Some(1), None));
}

#[test]
fn icmp_error_v6_uses_the_inner_flow() {
    let flow = flow6(6);
    for t in 1u8..=4 {
        let f = patch(flow.icmp_error(router6(), 44), 54, &[t]);
        let d = decide(&f);
        assert!(d.inner, "type {t}");
        // Port 443 matches the rule: group 1, key of the server endpoint.
        assert_hashed(&d, Verdict::L4, 1, FlowKey::endpoint(&addr16(flow.src), 40000));
    }
    let echo = patch(flow.icmp_error(router6(), 44), 54, &[128]);
    assert_eq!((decide(&echo).verdict, decide(&echo).inner), (Verdict::L3, false));
}

#[test]
fn icmp_error_v6_inner_checks() {
    let udp = |ext: &[(u8, usize)]| ipv6(v6("2001:db8::1"), v6("2001:db8::99"), ext, 17, &transport(17, 40000, 53, &[]));
    // Inner extension headers (0, 43, 60) and fragments are not followed.
    for ext in [&[(0u8, 0usize)][..], &[(43, 0)], &[(60, 0)], &[(44, 0)]] {
        let d = decide(&icmp6(1, &udp(ext)));
        assert_eq!((d.verdict, d.inner), (Verdict::L3, false), "{ext:?}");
    }
    // AH inside is the inner protocol: inner l3.
    let ah = ipv6(v6("2001:db8::1"), v6("2001:db8::99"), &[], 51, &[0; 12]);
    let d = decide(&icmp6(1, &ah));
    assert_hashed(&d, Verdict::L3, 0, FlowKey::l3(&v6("2001:db8::1"), &v6("2001:db8::99"), 51));
    assert!(d.inner);
    // IPv4 inside ICMPv6: outer.
    let v4_inner = flow4(17).ip_packet(&[], &[]);
    assert!(!decide(&icmp6(1, &v4_inner)).inner);
    // Quote cut before the ports: outer.
    assert!(!decide(&icmp6(1, &udp(&[])[..43])).inner);
    assert!(decide(&icmp6(1, &udp(&[])[..44])).inner);
}

#[test]
fn icmp_error_inner_must_lie_inside_the_window() {
    // Outer IPv6 with two extension headers (64 bytes) pushes the inner
    // ports past byte 128: decided on the outer header.
    let quoted = flow6(17).ip_packet(&[], &[]);
    let mut icmp = vec![1, 0, 0, 0, 0, 0, 0, 0];
    icmp.extend_from_slice(&quoted[..44]);
    let f = eth6(&ipv6(v6("2001:db8:ffff::1"), v6("2001:db8::1"), &[(0, 0), (60, 1)], 58, &icmp));
    // 14 + 40 + 24 + 8 = 86: inner header 86..126, ports 126..130.
    let d = decide(&f);
    assert_eq!((d.verdict, d.inner), (Verdict::L3, false));
    let f = eth6(&ipv6(v6("2001:db8:ffff::1"), v6("2001:db8::1"), &[(0, 0), (60, 0)], 58, &icmp));
    assert!(decide(&f).inner, "8 bytes less fits");
}
