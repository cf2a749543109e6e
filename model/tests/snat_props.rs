//! Source-NAT port choice: every port handed out brings the server's reply
//! back to the asking TMM (checked by classifying a real reply frame), the
//! port table agrees with hashing every candidate, each index has 16 ports
//! per address, and no port is handed out twice.

mod common;

use std::collections::BTreeSet;
use std::net::IpAddr;

use model::flow_key::{addr16, Addr16};
use model::frame_build::Flow;
use model::snat::{
    server_side_source, to_ip, Endpoint, PortAllocator, PortAllocators, PortRange, PortTable, SnatError, SnatPorts, Translation,
    PORTS,
};
use model::{Config, Distributor, Toeplitz, TABLE_ENTRIES};
use proptest::prelude::*;

const TCP: u8 = 6;

/// The TMM the distributor sends `src:sport → dst:dport` to (None when it
/// does not go to a TMM).
fn tmm_of(dist: &Distributor, src: IpAddr, sport: u16, dst: IpAddr, dport: u16) -> Option<u8> {
    let frame = Flow { src, dst, proto: TCP, sport, dport }.frame(&[], &[], &[]);
    dist.classify(&frame, 0).tmm
}

fn arb_addr() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(IpAddr::from),
        any::<[u8; 16]>().prop_map(|mut a| {
            // Not IPv4-mapped, so it stays an IPv6 frame.
            a[0] = 0x20;
            IpAddr::from(a)
        }),
    ]
}

/// Server ports: the rule ports of the test config (443, 22), common
/// services, and anything.
fn arb_server_port() -> impl Strategy<Value = u16> {
    prop_oneof![Just(443u16), Just(22), Just(80), Just(8443), Just(65534), any::<u16>()]
}

fn server_for(addr: IpAddr) -> IpAddr {
    if addr.is_ipv4() {
        "192.0.2.80".parse().unwrap()
    } else {
        "2001:db8:5::80".parse().unwrap()
    }
}

#[test]
fn snat_sixteen_ports_per_index_default_key() {
    let table = PortTable::new(&Toeplitz::new(&model::DEFAULT_RSS_KEY).unwrap());
    let sizes: Vec<usize> = (0..TABLE_ENTRIES as u16).map(|v| table.ports_with_term(v).len()).collect();
    assert!(sizes.iter().all(|&n| n == 16), "ports per index term: min {:?} max {:?}", sizes.iter().min(), sizes.iter().max());
    assert_eq!(sizes.iter().sum::<usize>(), PORTS);
    for v in [0u16, 1, 0x7ff, 0xfff] {
        let ports = table.ports_with_term(v);
        assert!(ports.windows(2).all(|w| w[0] < w[1]), "bucket {v} ascending");
        assert!(ports.iter().all(|&x| table.term(x) == v));
    }
}

#[test]
fn snat_port_range_parse() {
    assert_eq!("1024-65535".parse::<PortRange>(), Ok(PortRange::DEFAULT));
    assert_eq!("5-5".parse::<PortRange>(), Ok(PortRange { lo: 5, hi: 5 }));
    for bad in ["", "1024", "0-10", "10-5", "1-65536", "a-b", "1--2"] {
        assert!(bad.parse::<PortRange>().is_err(), "{bad:?} accepted");
    }
}

#[test]
fn snat_no_port_above_highest() {
    let snat = SnatPorts::new(&common::config());
    let mut a = PortAllocator::new(&snat, addr16("198.51.100.1".parse().unwrap()), 0, PortRange { lo: 1024, hi: 2000 });
    assert!(matches!(a.alloc(&snat, 2000), Err(SnatError::NoPortAbove { .. })));
    assert!(matches!(a.alloc(&snat, 65535), Err(SnatError::NoPortAbove { .. })));
}

#[test]
fn snat_tmm_outside_group_is_exhausted_not_wrong() {
    // Server port 443 puts every reply in group 1 (TMMs 2 and 3 only).
    let snat = SnatPorts::new(&common::config());
    let mut a = PortAllocator::new(&snat, addr16("198.51.100.1".parse().unwrap()), 0, PortRange::DEFAULT);
    match a.alloc(&snat, 443) {
        Err(SnatError::Exhausted { group: 1, tmm: 0, in_use: 0, .. }) => {}
        other => panic!("expected exhaustion in group 1, got {other:?}"),
    }
}

#[test]
fn snat_pool_falls_back_then_refuses() {
    let config = common::config();
    let (snat, dist) = (SnatPorts::new(&config), Distributor::new(&config));
    let range = PortRange { lo: 40000, hi: 40255 };
    let pool: Vec<Addr16> = ["198.51.100.1", "198.51.100.2"].iter().map(|a| addr16(a.parse().unwrap())).collect();
    let expected: Vec<usize> = pool.iter().map(|a| snat.candidates_by_search(a, 1, 80, range).len()).collect();
    let mut allocs = PortAllocators::new(range);
    let mut got: Vec<BTreeSet<u16>> = vec![BTreeSet::new(); 2];
    let err = loop {
        match allocs.alloc_from_pool(&snat, &pool, 1, 80) {
            Ok(ep) => {
                let which = pool.iter().position(|a| *a == ep.addr).unwrap();
                assert!(got[which].insert(ep.port), "port {} handed out twice", ep.port);
                // The first address is used up before the second is touched.
                assert!(which == 0 || got[0].len() == expected[0]);
                assert_eq!(tmm_of(&dist, server_for(to_ip(&ep.addr)), 80, to_ip(&ep.addr), ep.port), Some(1));
            }
            Err(e) => break e,
        }
    };
    assert_eq!(err, SnatError::Refused { tmm: 1, server_port: 80, addresses: 2 });
    assert_eq!(got.iter().map(BTreeSet::len).collect::<Vec<_>>(), expected);
    assert!(expected[0] > 0 && expected[1] > 0);
    // A released port is free again.
    let port = *got[1].iter().next().unwrap();
    assert!(allocs.release(&pool[1], 1, port));
    assert!(!allocs.release(&pool[1], 1, port));
    assert_eq!(allocs.alloc_from_pool(&snat, &pool, 1, 80), Ok(Endpoint { addr: pool[1], port }));
}

#[test]
fn snat_neither_translated_keeps_everything() {
    let snat = SnatPorts::new(&common::config());
    let mut allocs = PortAllocators::new(PortRange::DEFAULT);
    let client = Endpoint { addr: addr16("10.1.2.3".parse().unwrap()), port: 50000 };
    let server = Endpoint { addr: addr16("10.9.9.9".parse().unwrap()), port: 80 };
    let choice = server_side_source(&snat, &mut allocs, &[], 3, Translation::None, client, server).unwrap();
    assert_eq!(choice.source, client);
    assert!(!choice.held);
    assert_eq!(allocs.in_use(), 0);
}

/// Count every port 0–65535 per index on one address by hashing (S, X),
/// independently of the port table.
fn ports_per_index_by_hash(toeplitz: &Toeplitz, addr: &Addr16) -> Vec<u32> {
    let mut per = vec![0u32; TABLE_ENTRIES];
    for x in 0..PORTS {
        let key = model::FlowKey::endpoint(addr, x as u16);
        per[(toeplitz.hash(&key.0) & 0xfff) as usize] += 1;
    }
    per
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn snat_every_index_has_sixteen_ports_per_address(addr in arb_addr()) {
        let toeplitz = Toeplitz::new(&model::DEFAULT_RSS_KEY).unwrap();
        let per = ports_per_index_by_hash(&toeplitz, &addr16(addr));
        prop_assert!(per.iter().all(|&n| n == 16), "min {:?} max {:?}", per.iter().min(), per.iter().max());
    }

    #[test]
    fn snat_table_path_equals_iterative_search(
        addr in arb_addr(),
        tmm in 0u8..4,
        server_port in arb_server_port(),
        lo in 1u16..65535,
        len in 0u16..6000,
    ) {
        let snat = SnatPorts::new(&common::config());
        let range = PortRange { lo, hi: lo.saturating_add(len) };
        let a = addr16(addr);
        let table = snat.candidates(&a, tmm, server_port, range);
        prop_assert_eq!(&table, &snat.candidates_by_search(&a, tmm, server_port, range));
        let first = snat.first_ports(&a, tmm, server_port, range, 5);
        prop_assert_eq!(&first[..], &table[..table.len().min(5)]);
        let all: Vec<u16> = snat.fitting_ports(&a, tmm, server_port, range).collect();
        prop_assert_eq!(&all, &table);
    }

    #[test]
    fn snat_ports_bring_replies_back(
        addr in arb_addr(),
        tmm in 0u8..4,
        server_port in arb_server_port(),
        count in 1usize..40,
        by_search in any::<bool>(),
    ) {
        let config = common::config();
        let (snat, dist) = (SnatPorts::new(&config), Distributor::new(&config));
        let a = addr16(addr);
        let mut alloc = PortAllocator::new(&snat, a, tmm, PortRange::DEFAULT);
        let server = server_for(addr);
        for _ in 0..count {
            let got = if by_search { alloc.alloc_by_search(&snat, server_port) } else { alloc.alloc(&snat, server_port) };
            match got {
                Ok(x) => {
                    prop_assert!(x > server_port);
                    prop_assert_eq!(tmm_of(&dist, server, server_port, addr, x), Some(tmm), "port {}", x);
                }
                Err(SnatError::NoPortAbove { .. }) => prop_assert_eq!(server_port, 65535),
                Err(SnatError::Exhausted { .. }) => {
                    // Only when no fitting port is left free.
                    let free = snat.candidates_by_search(&a, tmm, server_port, PortRange::DEFAULT)
                        .into_iter().filter(|&x| !alloc.is_used(x)).count();
                    prop_assert_eq!(free, 0);
                    break;
                }
                Err(e) => prop_assert!(false, "unexpected {e}"),
            }
        }
    }

    #[test]
    fn snat_alloc_never_hands_out_a_port_twice(
        ops in prop::collection::vec((any::<bool>(), 0usize..64, prop_oneof![Just(80u16), Just(443), Just(40100)]), 1..300),
        tmm in 2u8..4,
    ) {
        let snat = SnatPorts::new(&common::config());
        // Small enough to run out, so the queue, its refills on release and
        // the exhaustion error are all exercised.
        let range = PortRange { lo: 40000, hi: 40400 };
        let mut alloc = PortAllocator::new(&snat, addr16("198.51.100.7".parse().unwrap()), tmm, range);
        let mut held: Vec<u16> = Vec::new();
        for (release, pick, server_port) in ops {
            if release && !held.is_empty() {
                let x = held.swap_remove(pick % held.len());
                prop_assert!(alloc.release(x));
            } else {
                match alloc.alloc(&snat, server_port) {
                    Ok(x) => {
                        prop_assert!(!held.contains(&x), "port {} handed out twice", x);
                        held.push(x);
                    }
                    Err(SnatError::Exhausted { .. }) => {
                        let free = snat.candidates_by_search(alloc.addr(), tmm, server_port, range)
                            .into_iter().filter(|x| !held.contains(x)).count();
                        prop_assert_eq!(free, 0, "exhausted with free fitting ports");
                    }
                    Err(e) => prop_assert!(false, "unexpected {e}"),
                }
            }
            prop_assert_eq!(alloc.in_use(), held.len());
        }
    }

    /// FIGURE 9, destination translated only: the reply reaches the TMM
    /// that got the client's packets, with the client's port kept when the
    /// client endpoint is hashed on both legs in one group.
    #[test]
    fn snat_destination_only_keeps_affinity(
        client in any::<[u8; 4]>(),
        cport in any::<u16>(),
        vport in arb_server_port(),
        dport in arb_server_port(),
    ) {
        let config: Config = common::config();
        let (snat, dist) = (SnatPorts::new(&config), Distributor::new(&config));
        let (c, vip, real) = (IpAddr::from(client), "203.0.113.10".parse::<IpAddr>().unwrap(), "10.3.0.5".parse::<IpAddr>().unwrap());
        let owner = tmm_of(&dist, c, cport, vip, vport).unwrap();
        let mut allocs = PortAllocators::new(PortRange::DEFAULT);
        let got = server_side_source(
            &snat, &mut allocs, &[], owner, Translation::Destination,
            Endpoint { addr: addr16(c), port: cport },
            Endpoint { addr: addr16(real), port: dport },
        );
        match got {
            Ok(choice) => {
                prop_assert_eq!(choice.source.addr, addr16(c));
                prop_assert_eq!(tmm_of(&dist, real, dport, c, choice.source.port), Some(owner));
                let same_group = snat.reply_group(vport, cport) == snat.reply_group(dport, cport);
                if cport > vport && cport > dport && same_group {
                    prop_assert_eq!(choice.source.port, cport, "client side hashed on both legs: port kept");
                }
                if choice.source.port != cport {
                    prop_assert!(choice.source.port > dport);
                }
            }
            Err(SnatError::NoPortAbove { .. }) => prop_assert_eq!(dport, 65535),
            Err(SnatError::Exhausted { .. }) => {
                prop_assert!(snat.candidates_by_search(&addr16(c), owner, dport, PortRange::DEFAULT).is_empty());
            }
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }
}

/// Rule ports inside the ephemeral range, to different groups, in an
/// order where the chosen port's rule can win over the server port's.
const RULES_IN_RANGE: &str = r#"
bridge_port = 0
control_port = 7
fragment_port = 7
malformed_port = 7
[[tmm]]
id = 0
port = 1
[[tmm]]
id = 1
port = 2
[[tmm]]
id = 2
port = 3
[[group]]
fixed_tmm = 0
weights = { "0" = 1, "1" = 1, "2" = 1 }
[[group]]
fixed_tmm = 1
weights = { "1" = 1 }
[[group]]
fixed_tmm = 2
weights = { "0" = 1, "2" = 3 }
[[rule]]
port = 40000
group = 1
[[rule]]
port = 80
group = 2
[[rule]]
port = 40001
group = 0
"#;

fn with_key(text: &str, key: &[u8]) -> Config {
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    Config::from_toml(&format!("rss_key = \"{hex}\"\n{text}")).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Any key: the port → index map is linear, so its buckets are the
    /// cosets of its kernel — all the same power-of-two size (16 when the
    /// map has full rank 12, as with the default key) — and the table path
    /// still equals the iterative search, rule ports included.
    #[test]
    fn snat_any_key_linear_buckets_and_table_equals_search(
        key in prop::collection::vec(any::<u8>(), 40),
        addr in arb_addr(),
        tmm in 0u8..3,
        server_port in prop_oneof![Just(80u16), Just(40000), Just(40001), Just(39999), any::<u16>()],
    ) {
        let config = with_key(RULES_IN_RANGE, &key);
        let snat = SnatPorts::new(&config);
        let sizes: BTreeSet<usize> = (0..TABLE_ENTRIES as u16)
            .map(|v| snat.port_table().ports_with_term(v).len())
            .filter(|&n| n > 0)
            .collect();
        prop_assert_eq!(sizes.len(), 1, "bucket sizes {:?}", sizes);
        let size = *sizes.iter().next().unwrap();
        prop_assert!(size.is_power_of_two() && size >= 16);

        let range = PortRange { lo: 39000, hi: 41000 };
        let a = addr16(addr);
        let table = snat.candidates(&a, tmm, server_port, range);
        prop_assert_eq!(&table, &snat.candidates_by_search(&a, tmm, server_port, range));
        // And every one of them really brings the reply back.
        let dist = Distributor::new(&config);
        for &x in table.iter().filter(|&&x| x == 40000 || x == 40001).chain(table.iter().take(3)) {
            prop_assert_eq!(tmm_of(&dist, server_for(addr), server_port, addr, x), Some(tmm), "port {}", x);
        }
    }
}
