//! Frames built from their parts: the stimulus for tests, the built-in
//! demonstration traffic, `flowdist which` and the benchmarks.
//!
//! Checksums are left zero: no stage of the distributor reads them.

use std::net::IpAddr;

use crate::eth_parse::{ETHERTYPE_IPV4, ETHERTYPE_IPV6, TPID_CTAG, TPID_STAG};
use crate::icmp_error::{PROTO_ICMP, PROTO_ICMPV6};
use crate::port_compare::{PROTO_SCTP, PROTO_TCP, PROTO_UDP};

/// A small deterministic generator (SplitMix64): reproducible stimulus
/// without a dependency.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}

pub const CLIENT_MAC: [u8; 6] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
pub const SERVER_MAC: [u8; 6] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];

/// Ethernet II with VLAN tags (TPIDs given, VID 1 + position).
pub fn ethernet(dst: [u8; 6], src: [u8; 6], tags: &[u16], ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(14 + 4 * tags.len() + payload.len());
    f.extend_from_slice(&dst);
    f.extend_from_slice(&src);
    for (i, &tpid) in tags.iter().enumerate() {
        f.extend_from_slice(&tpid.to_be_bytes());
        f.extend_from_slice(&(100 + i as u16).to_be_bytes());
    }
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// An IPv4 header (with `options`, a multiple of 4 bytes) and payload.
pub fn ipv4(src: [u8; 4], dst: [u8; 4], proto: u8, frag: u16, options: &[u8], payload: &[u8]) -> Vec<u8> {
    let ihl = 20 + options.len();
    let total = (ihl + payload.len()) as u16;
    let mut p = vec![0x40 | (ihl / 4) as u8, 0];
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&[0x12, 0x34]);
    p.extend_from_slice(&frag.to_be_bytes());
    p.extend_from_slice(&[64, proto, 0, 0]);
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    p.extend_from_slice(options);
    p.extend_from_slice(payload);
    p
}

/// An IPv6 header, extension headers `(type, body)` with the body padded to
/// 6 + 8k bytes, and payload.
pub fn ipv6(src: [u8; 16], dst: [u8; 16], ext: &[(u8, usize)], proto: u8, payload: &[u8]) -> Vec<u8> {
    let mut chain = Vec::new();
    for (i, &(_, len8)) in ext.iter().enumerate() {
        let next = ext.get(i + 1).map_or(proto, |e| e.0);
        chain.push(next);
        chain.push(len8 as u8);
        chain.extend(std::iter::repeat(0).take(6 + 8 * len8));
    }
    let first = ext.first().map_or(proto, |e| e.0);
    let plen = (chain.len() + payload.len()) as u16;
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&plen.to_be_bytes());
    p.push(first);
    p.push(64);
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    p.extend_from_slice(&chain);
    p.extend_from_slice(payload);
    p
}

/// A transport header for TCP (20 bytes), UDP (8) or SCTP (12), then payload.
pub fn transport(proto: u8, sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(&sport.to_be_bytes());
    t.extend_from_slice(&dport.to_be_bytes());
    match proto {
        PROTO_TCP => t.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]),
        PROTO_UDP => {
            t.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
            t.extend_from_slice(&[0, 0]);
        }
        PROTO_SCTP => t.extend_from_slice(&[0; 8]),
        _ => {}
    }
    t.extend_from_slice(payload);
    t
}

/// One direction of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flow {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub proto: u8,
    pub sport: u16,
    pub dport: u16,
}

impl Flow {
    pub fn reversed(&self) -> Flow {
        Flow { src: self.dst, dst: self.src, proto: self.proto, sport: self.dport, dport: self.sport }
    }

    /// The IP packet of this flow with `payload` after the transport header
    /// (no transport header for protocols without ports).
    pub fn ip_packet(&self, ext: &[(u8, usize)], payload: &[u8]) -> Vec<u8> {
        let l4 = if crate::port_compare::has_ports(self.proto) {
            transport(self.proto, self.sport, self.dport, payload)
        } else {
            payload.to_vec()
        };
        match (self.src, self.dst) {
            (IpAddr::V4(s), IpAddr::V4(d)) => ipv4(s.octets(), d.octets(), self.proto, 0, &[], &l4),
            (s, d) => ipv6(crate::flow_key::addr16(s), crate::flow_key::addr16(d), ext, self.proto, &l4),
        }
    }

    /// The Ethernet frame of this flow.
    pub fn frame(&self, tags: &[u16], ext: &[(u8, usize)], payload: &[u8]) -> Vec<u8> {
        let ethertype = if self.src.is_ipv4() { ETHERTYPE_IPV4 } else { ETHERTYPE_IPV6 };
        ethernet(SERVER_MAC, CLIENT_MAC, tags, ethertype, &self.ip_packet(ext, payload))
    }

    /// An ICMP error (destination unreachable) about a packet of this flow,
    /// sent back to its source by `router`, quoting `quote` bytes of it.
    pub fn icmp_error(&self, router: IpAddr, quote: usize) -> Vec<u8> {
        let offending = self.ip_packet(&[], &[0u8; 64]);
        let quoted = &offending[..quote.min(offending.len())];
        match (router, self.src) {
            (IpAddr::V4(r), IpAddr::V4(s)) => {
                let mut icmp = vec![3, 3, 0, 0, 0, 0, 0, 0];
                icmp.extend_from_slice(quoted);
                let ip = ipv4(r.octets(), s.octets(), PROTO_ICMP, 0, &[], &icmp);
                ethernet(CLIENT_MAC, SERVER_MAC, &[], ETHERTYPE_IPV4, &ip)
            }
            (r, s) => {
                let mut icmp = vec![1, 4, 0, 0, 0, 0, 0, 0];
                icmp.extend_from_slice(quoted);
                let ip = ipv6(crate::flow_key::addr16(r), crate::flow_key::addr16(s), &[], PROTO_ICMPV6, &icmp);
                ethernet(CLIENT_MAC, SERVER_MAC, &[], ETHERTYPE_IPV6, &ip)
            }
        }
    }
}

fn random_addr(rng: &mut Rng, v6: bool, prefix: u8) -> IpAddr {
    if v6 {
        let mut a = [0u8; 16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[2] = 0x0d;
        a[3] = 0xb8;
        a[4] = prefix;
        for b in a.iter_mut().skip(8) {
            *b = rng.next_u64() as u8;
        }
        IpAddr::from(a)
    } else {
        let r = rng.next_u64();
        IpAddr::from([10, prefix, (r >> 8) as u8, r as u8])
    }
}

/// A random connection: client ephemeral port to a well-known server port.
pub fn random_flow(rng: &mut Rng) -> Flow {
    const SERVICES: [(u8, u16); 7] =
        [(PROTO_TCP, 80), (PROTO_TCP, 443), (PROTO_TCP, 22), (PROTO_UDP, 53), (PROTO_UDP, 123), (PROTO_SCTP, 2905), (PROTO_TCP, 8080)];
    let (proto, dport) = SERVICES[rng.below(SERVICES.len() as u64) as usize];
    let v6 = rng.below(4) == 0;
    Flow {
        src: random_addr(rng, v6, 1),
        dst: random_addr(rng, v6, 2),
        proto,
        sport: 1024 + rng.below(64_512) as u16,
        dport,
    }
}

/// Demonstration traffic: `connections` bidirectional connections (a few
/// packets each way, some VLAN-tagged, some IPv6 with extension headers),
/// interleaved with ARP, ICMP echo and errors, fragments and runts — every
/// verdict but `bridge`/`bypass`, which depend on the config and port.
pub fn demo_traffic(seed: u64, connections: usize) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(seed);
    let mut frames = Vec::new();
    for c in 0..connections {
        let flow = random_flow(&mut rng);
        let tags: &[u16] = match c % 8 {
            0 => &[TPID_CTAG],
            1 => &[TPID_STAG, TPID_CTAG],
            _ => &[],
        };
        let ext: &[(u8, usize)] = if c % 5 == 0 { &[(0, 0), (60, 1)] } else { &[] };
        let packets = 2 + rng.below(5) as usize;
        for p in 0..packets {
            let dir = if p % 2 == 0 { flow } else { flow.reversed() };
            let len = rng.below(200) as usize;
            frames.push(dir.frame(tags, ext, &rng.bytes(len)));
        }
        match c % 16 {
            3 => frames.push(flow.icmp_error(random_addr(&mut rng, flow.src.is_ipv6(), 9), 28)),
            5 => frames.push(ethernet([0xff; 6], CLIENT_MAC, &[], 0x0806, &rng.bytes(28))),
            7 => {
                // An ICMP echo request: L3 path.
                let mut echo = vec![8, 0, 0, 0, 0, 1, 0, 1];
                echo.extend(rng.bytes(32));
                let ip = match (flow.src, flow.dst) {
                    (IpAddr::V4(s), IpAddr::V4(d)) => ipv4(s.octets(), d.octets(), PROTO_ICMP, 0, &[], &echo),
                    _ => ipv4([10, 1, 0, 1], [10, 2, 0, 2], PROTO_ICMP, 0, &[], &echo),
                };
                frames.push(ethernet(SERVER_MAC, CLIENT_MAC, &[], ETHERTYPE_IPV4, &ip));
            }
            11 => {
                let ip = ipv4([10, 1, 0, 3], [10, 2, 0, 4], PROTO_UDP, 0x2000, &[], &transport(PROTO_UDP, 5000, 53, &[0; 32]));
                frames.push(ethernet(SERVER_MAC, CLIENT_MAC, &[], ETHERTYPE_IPV4, &ip));
            }
            13 => {
                let len = 1 + rng.below(13) as usize;
                frames.push(rng.bytes(len));
            }
            _ => {}
        }
    }
    frames
}
