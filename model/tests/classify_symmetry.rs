//! The distributor's promise: both directions of a connection, and ICMP
//! errors about it, reach the same TMM — for any flow, tags and headers.

mod common;

use std::net::IpAddr;

use common::*;
use model::frame_build::Flow;
use model::Verdict;
use proptest::prelude::*;

fn addr(v6: bool, raw: [u8; 16]) -> IpAddr {
    if v6 {
        IpAddr::from(raw)
    } else {
        IpAddr::from([raw[0], raw[1], raw[2], raw[3]])
    }
}

fn flow_strategy() -> impl Strategy<Value = Flow> {
    (any::<bool>(), any::<[u8; 16]>(), any::<[u8; 16]>(), prop_oneof![Just(6u8), Just(17), Just(132)], any::<u16>(), any::<u16>(), any::<bool>())
        .prop_map(|(v6, s, d, proto, sport, dport, equal)| Flow {
            src: addr(v6, s),
            dst: addr(v6, d),
            proto,
            sport,
            dport: if equal { sport } else { dport },
        })
}

fn tags_strategy() -> impl Strategy<Value = Vec<u16>> {
    proptest::collection::vec(prop_oneof![Just(0x8100u16), Just(0x88a8)], 0..=2)
}

/// Up to two skipped extension headers, small enough to keep the ports
/// inside the window.
fn ext_strategy() -> impl Strategy<Value = Vec<(u8, usize)>> {
    proptest::collection::vec((prop_oneof![Just(0u8), Just(43), Just(60)], 0usize..3), 0..=2)
}

proptest! {
    #[test]
    fn classify_both_directions_give_the_same_key(flow in flow_strategy(), tags in tags_strategy(), ext in ext_strategy(), len in 0usize..64) {
        let dist = dist();
        let ext = if flow.src.is_ipv6() { ext } else { vec![] };
        let payload = vec![0x5a; len];
        let there = dist.classify(&flow.frame(&tags, &ext, &payload), 0);
        let back = dist.classify(&flow.reversed().frame(&tags, &ext, &payload), 0);
        let expect = if flow.sport == flow.dport { Verdict::Fixed } else { Verdict::L4 };
        prop_assert_eq!(there.verdict, expect);
        prop_assert_eq!(there, back);
    }

    #[test]
    fn classify_icmp_error_gives_the_flows_key(flow in flow_strategy(), router in any::<[u8; 16]>(), to_server in any::<bool>()) {
        let dist = dist();
        // The error may be about a packet in either direction.
        let flow = if to_server { flow } else { flow.reversed() };
        let router = addr(flow.src.is_ipv6(), router);
        let quote = if flow.src.is_ipv6() { 48 } else { 28 };
        let err = dist.classify(&flow.icmp_error(router, quote), 0);
        let direct = dist.classify(&flow.frame(&[], &[], &[]), 0);
        prop_assert!(err.inner);
        prop_assert_eq!((err.verdict, err.group, err.key, err.tmm, err.port), (direct.verdict, direct.group, direct.key, direct.tmm, direct.port));
    }

    #[test]
    fn classify_never_panics_and_fills_columns_by_verdict(frame in proptest::collection::vec(any::<u8>(), 0..300), ingress in 0u8..12, ip in 0u8..3) {
        // Random bytes, often behind a valid Ethernet + IP start.
        let mut frame = frame;
        if frame.len() > 15 && ip > 0 {
            frame[12..14].copy_from_slice(if ip == 1 { &[0x08, 0x00] } else { &[0x86, 0xdd] });
            frame[14] = (frame[14] & 0x0f) | if ip == 1 { 0x40 } else { 0x60 };
        }
        let d = dist().classify(&frame, ingress);
        prop_assert_eq!(d.key.is_some(), d.verdict.hashed());
        prop_assert_eq!(d.hash.is_some(), d.verdict.hashed());
        prop_assert_eq!(d.index.is_some(), d.verdict.hashed());
        prop_assert_eq!(d.tmm.is_some(), d.verdict.to_tmm());
        prop_assert_eq!(d.group.is_some(), d.verdict.to_tmm());
        prop_assert!(!d.inner || d.verdict.to_tmm());
        prop_assert_eq!(d.csv_row(1).split(',').count(), 9);
    }
}
