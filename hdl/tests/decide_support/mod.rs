//! Shared by the parser/decide tests: a direct simulation loop (no
//! testbench threads, see TOOLCHAIN.md) and crafted frames for every SPEC
//! fine-print case.
#![allow(dead_code)]

use rust_hdl::prelude::*;

/// One clock cycle: settle the inputs, rising edge, falling edge. Outputs of
/// registers read after `cycle` are those clocked by this rising edge.
pub fn cycle<B: Block>(uut: &mut B, clock: fn(&mut B) -> &mut Signal<In, Clock>) {
    assert!(simulate(uut, 1000), "inputs did not settle");
    clock(uut).next = Clock { clk: true };
    assert!(simulate(uut, 1000), "rising edge did not settle");
    clock(uut).next = Clock { clk: false };
    assert!(simulate(uut, 1000), "falling edge did not settle");
}

/// Runs `inputs` through a pipeline of `latency` cycles, one per cycle, and
/// returns what `read` saw for each (in order).
pub fn run_pipeline<B: Block, I, O>(
    uut: &mut B,
    clock: fn(&mut B) -> &mut Signal<In, Clock>,
    latency: usize,
    inputs: &[I],
    apply: impl Fn(&mut B, &I),
    read: impl Fn(&B) -> O,
) -> Vec<O> {
    let mut out = Vec::with_capacity(inputs.len());
    for c in 0..inputs.len() + latency - 1 {
        if let Some(i) = inputs.get(c) {
            apply(uut, i);
        }
        cycle(uut, clock);
        if c + 1 >= latency {
            out.push(read(uut));
        }
    }
    out
}

use model::frame_build::{ethernet, ipv4, ipv6, transport, Rng, CLIENT_MAC, SERVER_MAC};

const TCP: u8 = 6;
const UDP: u8 = 17;
const SCTP: u8 = 132;
const C_TAG: u16 = 0x8100;
const S_TAG: u16 = 0x88a8;
const V4: u16 = 0x0800;
const V6: u16 = 0x86dd;
const SRC4: [u8; 4] = [10, 1, 2, 3];
const DST4: [u8; 4] = [192, 168, 7, 9];
const SRC6: [u8; 16] = [0x20, 1, 0xd, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xa, 0x1];
const DST6: [u8; 16] = [0x20, 1, 0xd, 0xb8, 0, 2, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78];

fn eth(tags: &[u16], ethertype: u16, payload: &[u8]) -> Vec<u8> {
    ethernet(SERVER_MAC, CLIENT_MAC, tags, ethertype, payload)
}

fn l4(proto: u8, sport: u16, dport: u16, payload: usize) -> Vec<u8> {
    if matches!(proto, TCP | UDP | SCTP) {
        transport(proto, sport, dport, &vec![0x5a; payload])
    } else {
        vec![0xa5; payload]
    }
}

/// `frame` cut at every length in `lens` (those not past its end).
fn cuts(out: &mut Vec<(String, Vec<u8>)>, name: &str, frame: &[u8], lens: impl IntoIterator<Item = usize>) {
    for n in lens {
        if n <= frame.len() {
            out.push((format!("{name} cut at {n}"), frame[..n].to_vec()));
        }
    }
}

/// An IPv4 packet whose header bytes are patched after building.
fn ipv4_patched(proto: u8, frag: u16, options: usize, payload: &[u8], patch: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let mut p = ipv4(SRC4, DST4, proto, frag, &vec![1u8; options], payload);
    patch(&mut p);
    p
}

/// An ICMP(v6) message of `ty` quoting `quote` (already cut).
fn icmp(ty: u8, quote: &[u8]) -> Vec<u8> {
    let mut m = vec![ty, 0, 0, 0, 0, 0, 0, 0];
    m.extend_from_slice(quote);
    m
}

/// Crafted frames for every verdict and SPEC fine-print case, named.
pub fn crafted_frames() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = Vec::new();
    let tcp = l4(TCP, 40000, 443, 10);
    // Ethernet: runts, tags, unknown EtherTypes.
    let base4 = eth(&[], V4, &ipv4(SRC4, DST4, TCP, 0, &[], &tcp));
    cuts(&mut v, "ipv4 tcp", &base4, 0..base4.len() + 1);
    for tags in [&[][..], &[C_TAG], &[S_TAG], &[S_TAG, C_TAG], &[C_TAG, C_TAG], &[C_TAG, C_TAG, C_TAG], &[0x9100]] {
        for ethertype in [V4, V6, 0x0806, 0x05dc, 0x9100] {
            let payload = if ethertype == V6 {
                ipv6(SRC6, DST6, &[], UDP, &l4(UDP, 53, 5353, 20))
            } else {
                ipv4(SRC4, DST4, UDP, 0, &[], &l4(UDP, 53, 5353, 20))
            };
            let f = eth(tags, ethertype, &payload);
            let name = format!("tags {tags:04x?} type {ethertype:04x}");
            cuts(&mut v, &name, &f, [12, 14, 16, 17, 18, 20, 21, 22, 24, 30]);
            v.push((name, f));
        }
    }
    // IPv4: every protocol, options, bad fields, fragments, cut frames.
    for tags in [&[][..], &[C_TAG], &[S_TAG, C_TAG]] {
        for proto in [TCP, UDP, SCTP, 1, 47, 50, 89] {
            for options in [0usize, 4, 8, 20, 40] {
                let ip = ipv4(SRC4, DST4, proto, 0, &vec![1u8; options], &l4(proto, 1000 + options as u16, 80, 30));
                let f = eth(tags, V4, &ip);
                let l3 = 14 + 4 * tags.len();
                let name = format!("ipv4 proto {proto} options {options} tags {}", tags.len());
                cuts(&mut v, &name, &f, [l3 + 19, l3 + 20, l3 + 20 + options - 1, l3 + 20 + options + 3]);
                v.push((name, f));
            }
        }
        for (what, patch) in [
            ("ihl 4", &(|p: &mut Vec<u8>| p[0] = 0x44) as &dyn Fn(&mut Vec<u8>)),
            ("ihl 0", &|p: &mut Vec<u8>| p[0] = 0x40),
            ("version 6", &|p: &mut Vec<u8>| p[0] = 0x65),
            ("version 5", &|p: &mut Vec<u8>| p[0] = 0x55),
            ("total < 4 ihl", &|p: &mut Vec<u8>| p[2..4].copy_from_slice(&23u16.to_be_bytes())),
            ("total = 4 ihl + 3", &|p: &mut Vec<u8>| p[2..4].copy_from_slice(&27u16.to_be_bytes())),
            ("total = 4 ihl + 4", &|p: &mut Vec<u8>| p[2..4].copy_from_slice(&28u16.to_be_bytes())),
            ("total 65535", &|p: &mut Vec<u8>| p[2..4].copy_from_slice(&65535u16.to_be_bytes())),
            ("ihl 15 total 60", &|p: &mut Vec<u8>| {
                p[0] = 0x4f;
                p[2..4].copy_from_slice(&60u16.to_be_bytes())
            }),
            ("ihl 15 total 64", &|p: &mut Vec<u8>| {
                p[0] = 0x4f;
                p[2..4].copy_from_slice(&64u16.to_be_bytes())
            }),
        ] {
            let f = eth(tags, V4, &ipv4_patched(TCP, 0, 4, &l4(TCP, 7, 9, 60), patch));
            v.push((format!("ipv4 {what} tags {}", tags.len()), f));
        }
        for frag in [0x2000u16, 0x0001, 0x4000, 0x3fff, 0x8000, 0x1fff, 0x6000] {
            for proto in [UDP, 1] {
                let f = eth(tags, V4, &ipv4(SRC4, DST4, proto, frag, &[], &l4(proto, 5000, 53, 8)));
                v.push((format!("ipv4 frag {frag:04x} proto {proto} tags {}", tags.len()), f));
            }
        }
    }
    // IPv6: extension header chains, fragments, window and frame edges.
    for tags in [&[][..], &[C_TAG], &[S_TAG, C_TAG]] {
        let l3 = 14 + 4 * tags.len();
        let chains: [&[(u8, usize)]; 12] = [
            &[],
            &[(0, 0)],
            &[(43, 1)],
            &[(60, 3)],
            &[(0, 0), (60, 1)],
            &[(43, 2), (0, 0)],
            &[(60, 0), (60, 0), (43, 0)],
            &[(0, 0), (0, 0), (0, 0), (0, 0)],
            &[(0, 7)],
            &[(0, 8)],
            &[(0, 3), (60, 4)],
            &[(0, 4), (60, 4)],
        ];
        for ext in chains {
            for proto in [TCP, UDP, SCTP, 44, 58, 51, 59, 0] {
                let ip = ipv6(SRC6, DST6, ext, proto, &l4(proto, 2000, 2000 + proto as u16, 40));
                let f = eth(tags, V6, &ip);
                let name = format!("ipv6 ext {ext:?} proto {proto} tags {}", tags.len());
                let ext_len: usize = ext.iter().map(|e| 8 + 8 * e.1).sum();
                let at = l3 + 40 + ext_len;
                cuts(&mut v, &name, &f, [l3 + 39, l3 + 40, l3 + 41, l3 + 42, l3 + 48, at - 1, at + 3, at + 4, 127, 128, 129]);
                v.push((name, f));
            }
        }
        // Extension headers that reach, touch or pass the window's edge.
        for a in 0..12usize {
            for b in 0..4usize {
                let ip = ipv6(SRC6, DST6, &[(0, a), (60, b)], TCP, &l4(TCP, 443, 443, 200));
                let f = eth(tags, V6, &ip);
                let name = format!("ipv6 hbh {a} dst {b} tags {}", tags.len());
                let at = l3 + 56 + 8 * (a + b);
                cuts(&mut v, &name, &f, [at + 1, at + 2, at + 3, at + 4, 128, 130]);
                v.push((name, f));
            }
        }
        for plen in [0u16, 3, 4, 8, 65535] {
            let mut ip = ipv6(SRC6, DST6, &[], UDP, &l4(UDP, 1, 2, 20));
            ip[4..6].copy_from_slice(&plen.to_be_bytes());
            v.push((format!("ipv6 payload length {plen} tags {}", tags.len()), eth(tags, V6, &ip)));
            let mut ip = ipv6(SRC6, DST6, &[(0, 0)], UDP, &l4(UDP, 1, 2, 20));
            ip[4..6].copy_from_slice(&(plen.saturating_add(8)).to_be_bytes());
            v.push((format!("ipv6 hbh payload length {plen}+8 tags {}", tags.len()), eth(tags, V6, &ip)));
        }
        let mut ip = ipv6(SRC6, DST6, &[], TCP, &l4(TCP, 1, 2, 20));
        ip[0] = 0x40;
        v.push((format!("ipv6 version 4 tags {}", tags.len()), eth(tags, V6, &ip)));
    }
    // ICMP errors: every type, every inner variant, quotes cut everywhere.
    let inner4 = |proto: u8, frag: u16, options: usize| {
        ipv4(DST4, [172, 16, 0, 1], proto, frag, &vec![1u8; options], &l4(proto, 33000, 53, 16))
    };
    let inner6 = |ext: &[(u8, usize)], proto: u8| ipv6(DST6, SRC6, ext, proto, &l4(proto, 33000, 443, 16));
    for tags in [&[][..], &[S_TAG, C_TAG]] {
        for ty in [3u8, 4, 5, 11, 12, 0, 8, 13] {
            for (what, inner) in [
                ("tcp", inner4(TCP, 0, 0)),
                ("udp options 8", inner4(UDP, 0, 8)),
                ("sctp options 40", inner4(SCTP, 0, 40)),
                ("gre", inner4(47, 0, 0)),
                ("icmp", inner4(1, 0, 0)),
                ("udp mf", inner4(UDP, 0x2000, 0)),
                ("udp offset", inner4(UDP, 0x0010, 0)),
                ("ipv6 inside", inner6(&[], UDP)),
            ] {
                for quote in [0usize, 4, 19, 20, 23, 24, 27, 28, 40, 47, 48, 64, 100] {
                    let q = &inner[..quote.min(inner.len())];
                    for options in [0usize, 12] {
                        let ip = ipv4(SRC4, DST4, 1, 0, &vec![1u8; options], &icmp(ty, q));
                        let f = eth(tags, V4, &ip);
                        v.push((format!("icmp type {ty} {what} quote {quote} options {options} tags {}", tags.len()), f));
                    }
                }
            }
        }
        for ty in [1u8, 2, 3, 4, 0, 5, 128, 129] {
            for (what, inner) in [
                ("tcp", inner6(&[], TCP)),
                ("udp", inner6(&[], UDP)),
                ("ah", inner6(&[], 51)),
                ("hbh", inner6(&[(0, 0)], UDP)),
                ("routing", inner6(&[(43, 0)], UDP)),
                ("fragment", inner6(&[], 44)),
                ("dest opts", inner6(&[(60, 0)], UDP)),
                ("ipv4 inside", inner4(TCP, 0, 0)),
            ] {
                for quote in [0usize, 8, 39, 40, 43, 44, 60] {
                    let q = &inner[..quote.min(inner.len())];
                    for ext in [&[][..], &[(0, 0)], &[(0, 1), (60, 0)]] {
                        let ip = ipv6(SRC6, DST6, ext, 58, &icmp(ty, q));
                        let f = eth(tags, V6, &ip);
                        v.push((format!("icmpv6 type {ty} {what} quote {quote} ext {ext:?} tags {}", tags.len()), f));
                    }
                }
            }
        }
    }
    // Inner IPv4 ports on every granule they can reach (15..=30): the
    // outer header's end and the inner IHL both vary.
    for tags in [&[][..], &[S_TAG, C_TAG]] {
        for outer in [0usize, 4, 8, 12] {
            for options in (0..=40).step_by(4) {
                let ip = ipv4(SRC4, DST4, 1, 0, &vec![1u8; outer], &icmp(3, &inner4(UDP, 0, options)));
                v.push((format!("icmp inner udp options {options} outer options {outer} tags {}", tags.len()), eth(tags, V4, &ip)));
            }
        }
    }
    // Inner headers with equal ports (fixed) and with a rule's port.
    for (sport, dport) in [(500u16, 500u16), (443, 12345), (12345, 443)] {
        let q4 = ipv4(DST4, SRC4, UDP, 0, &[], &l4(UDP, sport, dport, 8));
        v.push((format!("icmp inner udp {sport}->{dport}"), eth(&[], V4, &ipv4(SRC4, DST4, 1, 0, &[], &icmp(3, &q4[..28])))));
        let q6 = ipv6(DST6, SRC6, &[], UDP, &l4(UDP, sport, dport, 8));
        v.push((format!("icmpv6 inner udp {sport}->{dport}"), eth(&[], V6, &ipv6(SRC6, DST6, &[], 58, &icmp(1, &q6[..48])))));
    }
    // Ports: equal, ordered both ways, rules.
    for (sport, dport) in [(443, 443), (80, 80), (1, 2), (2, 1), (443, 50000), (50000, 443), (0, 65535), (65535, 0)] {
        for proto in [TCP, UDP, SCTP] {
            v.push((format!("ipv4 {proto} {sport}->{dport}"), eth(&[], V4, &ipv4(SRC4, DST4, proto, 0, &[], &l4(proto, sport, dport, 4)))));
            v.push((format!("ipv6 {proto} {sport}->{dport}"), eth(&[], V6, &ipv6(SRC6, DST6, &[], proto, &l4(proto, sport, dport, 4)))));
        }
    }
    v
}

/// A random frame: a random flow (either direction, maybe tagged, maybe with
/// extension headers or as an ICMP error), then maybe cut and maybe with a
/// byte in its headers changed.
pub fn random_frame(rng: &mut Rng) -> Vec<u8> {
    let flow = model::frame_build::random_flow(rng);
    let flow = if rng.below(2) == 0 { flow } else { flow.reversed() };
    let tags: &[u16] = match rng.below(4) {
        0 => &[C_TAG],
        1 => &[S_TAG, C_TAG],
        _ => &[],
    };
    let ext: Vec<(u8, usize)> = (0..rng.below(4)).map(|_| ([0u8, 43, 60][rng.below(3) as usize], rng.below(3) as usize)).collect();
    let mut f = match rng.below(6) {
        0 => {
            let router = if flow.src.is_ipv4() { "10.9.9.9".parse().unwrap() } else { "2001:db8::9".parse().unwrap() };
            flow.icmp_error(router, rng.below(70) as usize)
        }
        _ => {
            let len = rng.below(100) as usize;
            flow.frame(tags, &ext, &rng.bytes(len))
        }
    };
    if rng.below(3) == 0 {
        let n = rng.below(f.len() as u64 + 1) as usize;
        f.truncate(n);
    }
    if rng.below(3) == 0 && !f.is_empty() {
        let at = rng.below(f.len().min(100) as u64) as usize;
        f[at] = rng.next_u64() as u8;
    }
    f
}

/// Group MAC 02:00:00:00:00:02 and three port rules (53 → group 2, 443 →
/// group 1, 33000 → group 2), so bridge, rules and groups all show.
pub fn config_with_group_mac() -> model::Config {
    model::Config::from_toml(
        r#"
        group_mac = "02:00:00:00:00:02"
        bridge_port = 0
        control_port = 7
        fragment_port = 6
        malformed_port = 5
        [[tmm]]
        id = 0
        port = 1
        [[tmm]]
        id = 1
        port = 2
        [[group]]
        fixed_tmm = 0
        weights = { "0" = 1 }
        [[group]]
        fixed_tmm = 1
        weights = { "1" = 1 }
        [[group]]
        fixed_tmm = 1
        weights = { "0" = 1, "1" = 2 }
        [[rule]]
        port = 53
        group = 2
        [[rule]]
        port = 443
        group = 1
        [[rule]]
        port = 33000
        group = 2
        "#,
    )
    .expect("test config is valid")
}
