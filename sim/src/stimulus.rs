//! What is driven into the core: frames (from a capture or generated, each
//! with its ingress port and MAC error flag) and, optionally, a live table
//! change written through the control port while the frames flow.
//!
//! Generators are seeded (`model::frame_build::Rng`): the same seed gives
//! the same frames on every engine and every run.

use std::net::IpAddr;
use std::path::Path;

use model::alloc_table::AllocTable;
use model::capture::{self, CaptureError};
use model::config::Mac;
use model::eth_parse::{ETHERTYPE_IPV4, ETHERTYPE_IPV6, TPID_CTAG, TPID_STAG};
use model::frame_build::{self, ethernet, ipv4, ipv6, random_flow, transport, Flow, Rng, CLIENT_MAC, SERVER_MAC};
use model::icmp_error::{PROTO_ICMP, PROTO_ICMPV6};
use model::port_compare::{PROTO_SCTP, PROTO_TCP, PROTO_UDP};

/// Largest frame the generators make (a 9000-byte-MTU jumbo frame and then some).
pub const MAX_FRAME: usize = 9200;

/// One frame as the MAC delivers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InFrame {
    pub data: Vec<u8>,
    /// Ingress port (`s_axis_ingress_port`).
    pub ingress: u8,
    /// The MAC's error flag (`s_axis_tuser` on the last beat).
    pub mac_error: bool,
}

impl InFrame {
    pub fn new(data: Vec<u8>) -> Self {
        InFrame { data, ingress: 0, mac_error: false }
    }
}

/// New tables written into the shadow bank and committed while frames
/// flow: the control-port writes start when frame `at_frame` (0-based)
/// starts to be offered, one per cycle; the last one is the commit.
/// Built by `control::table_change`.
#[derive(Clone, Debug)]
pub struct TableChange {
    pub at_frame: usize,
    /// One table per group, all of them written (the shadow bank holds
    /// whatever was last written to it).
    pub tables: Vec<AllocTable>,
    /// (address, data) on the control port, the commit last.
    pub writes: Vec<(u16, u32)>,
}

#[derive(Clone, Debug, Default)]
pub struct Stimulus {
    /// Control-port writes before the first frame (`hdl::uart_bridge::config_writes`).
    pub setup: Vec<(u16, u32)>,
    pub frames: Vec<InFrame>,
    pub table_change: Option<TableChange>,
}

impl Stimulus {
    pub fn from_frames(frames: Vec<InFrame>) -> Self {
        Stimulus { setup: Vec::new(), frames, table_change: None }
    }

    /// Every frame of a capture, arriving on `ingress`. Zero-length
    /// records carry no frame for a MAC to deliver and are an error.
    pub fn from_capture(path: &Path, ingress: u8) -> Result<Self, CaptureError> {
        let mut frames = Vec::new();
        for f in capture::open(path)? {
            let f = f?;
            if f.data.is_empty() {
                return Err(CaptureError {
                    path: path.to_path_buf(),
                    frames_read: frames.len() as u64,
                    reason: format!("record {} is empty: no frame to drive", frames.len() + 1),
                });
            }
            frames.push(InFrame { data: f.data, ingress, mac_error: false });
        }
        Ok(Stimulus::from_frames(frames))
    }
}

/// Beats of 8 bytes a frame takes on the 64-bit bus.
pub fn beats(len: usize) -> usize {
    len.max(1).div_ceil(8)
}

/// Many-flow traffic: `model::frame_build::demo_traffic` (connections both
/// ways, VLAN tags, IPv6 extension headers, ICMP, ARP, fragments, runts).
pub fn demo(seed: u64, connections: usize) -> Vec<InFrame> {
    frame_build::demo_traffic(seed, connections).into_iter().map(InFrame::new).collect()
}

/// Seeded random and adversarial frames, 1 to [`MAX_FRAME`] bytes: valid
/// flows (tagged, IPv6 extension headers, jumbo), the same cut at every
/// length, random bytes behind a valid Ethernet header (biased towards IP
/// so that parsing goes deep), ICMP errors quoting any length, fragments,
/// runts, pure noise; a few with the MAC error flag, a few on other
/// ingress ports (`ingress_ports`, 0 always included). Destination MACs
/// are mostly `group_mac` when there is one, so that not everything bridges.
pub fn adversarial(seed: u64, n: usize, group_mac: Option<Mac>, ingress_ports: &[u8]) -> Vec<InFrame> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let mut data = adversarial_frame(&mut rng);
            if data.len() >= 6 && rng.below(10) != 0 {
                if let Some(mac) = group_mac {
                    data[..6].copy_from_slice(&mac);
                }
            }
            let ingress = if !ingress_ports.is_empty() && rng.below(16) == 0 {
                ingress_ports[rng.below(ingress_ports.len() as u64) as usize]
            } else {
                0
            };
            InFrame { data, ingress, mac_error: rng.below(50) == 0 }
        })
        .collect()
}

fn payload_len(rng: &mut Rng) -> usize {
    match rng.below(100) {
        0 => 1400 + rng.below((MAX_FRAME - 1500) as u64) as usize,
        1..=4 => 200 + rng.below(1300) as usize,
        _ => rng.below(120) as usize,
    }
}

fn tags(rng: &mut Rng) -> Vec<u16> {
    match rng.below(10) {
        0 => vec![TPID_CTAG],
        1 => vec![TPID_STAG, TPID_CTAG],
        2 => vec![TPID_STAG, TPID_CTAG, TPID_CTAG],
        _ => vec![],
    }
}

fn ext_headers(rng: &mut Rng) -> Vec<(u8, usize)> {
    const KINDS: [u8; 4] = [0, 43, 60, 44];
    let n = match rng.below(8) {
        0 => 1,
        1 => 2,
        2 => 3,
        _ => 0,
    };
    (0..n).map(|_| (KINDS[rng.below(4) as usize], rng.below(3) as usize)).collect()
}

fn flow_frame(rng: &mut Rng) -> Vec<u8> {
    let mut flow = random_flow(rng);
    match rng.below(12) {
        0 => flow.sport = flow.dport,
        1 => flow.proto = [PROTO_ICMP, 47, 50, 89][rng.below(4) as usize],
        2 => flow = flow.reversed(),
        _ => {}
    }
    let ext = if flow.src.is_ipv6() { ext_headers(rng) } else { vec![] };
    let len = payload_len(rng);
    let mut f = flow.frame(&tags(rng), &ext, &rng.bytes(len));
    f.truncate(MAX_FRAME);
    f
}

fn noise_after_ethernet(rng: &mut Rng) -> Vec<u8> {
    const TYPES: [u16; 6] = [ETHERTYPE_IPV4, ETHERTYPE_IPV6, TPID_CTAG, TPID_STAG, 0x0806, 0x9100];
    let ethertype = if rng.below(8) == 0 { rng.next_u64() as u16 } else { TYPES[rng.below(6) as usize] };
    let len = payload_len(rng);
    let mut payload = rng.bytes(len);
    if let Some(b) = payload.first_mut() {
        // A plausible version/IHL often enough to reach the later checks.
        *b = match (ethertype, rng.below(3)) {
            (ETHERTYPE_IPV4, 0 | 1) => 0x45 + rng.below(11) as u8,
            (ETHERTYPE_IPV6, 0 | 1) => 0x60 | (*b & 0x0f),
            _ => *b,
        };
    }
    if ethertype == ETHERTYPE_IPV6 && payload.len() > 6 && rng.below(2) == 0 {
        payload[6] = [0, 43, 44, 60, 6, 17, 58, 132][rng.below(8) as usize];
    }
    if ethertype == ETHERTYPE_IPV4 && payload.len() > 9 && rng.below(2) == 0 {
        payload[9] = [1, 6, 17, 132, 47][rng.below(5) as usize];
        payload[6] &= if rng.below(2) == 0 { 0 } else { 0xff };
        payload[7] &= if rng.below(2) == 0 { 0 } else { 0xff };
    }
    ethernet(SERVER_MAC, CLIENT_MAC, &tags(rng), ethertype, &payload)
}

fn icmp_error_frame(rng: &mut Rng) -> Vec<u8> {
    let mut flow: Flow = random_flow(rng);
    if rng.below(3) == 0 {
        // A quoted packet without ports (GRE): the inner decision is l3.
        flow.proto = 47;
    }
    let router: IpAddr = if flow.src.is_ipv4() { IpAddr::from([192, 0, 2, 1]) } else { IpAddr::from([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]) };
    let mut f = flow.icmp_error(router, rng.below(100) as usize);
    if rng.below(4) == 0 {
        let len = rng.below(f.len() as u64) as usize + 1;
        f.truncate(len);
    }
    f
}

fn fragment_frame(rng: &mut Rng) -> Vec<u8> {
    let len = rng.below(64) as usize;
    let udp = transport(PROTO_UDP, 5000, 53, &rng.bytes(len));
    if rng.below(2) == 0 {
        let frag = [0x2000, 0x0010, 0x2010][rng.below(3) as usize];
        ethernet(SERVER_MAC, CLIENT_MAC, &tags(rng), ETHERTYPE_IPV4, &ipv4([10, 1, 0, 3], [10, 2, 0, 4], PROTO_UDP, frag, &[], &udp))
    } else {
        let mut a = [0u8; 16];
        a[0] = 0x20;
        a[15] = rng.next_u64() as u8;
        let ip = ipv6(a, [0x20; 16], &[(44, 0)], [PROTO_UDP, PROTO_TCP, PROTO_SCTP, PROTO_ICMPV6][rng.below(4) as usize], &udp);
        ethernet(SERVER_MAC, CLIENT_MAC, &[], ETHERTYPE_IPV6, &ip)
    }
}

fn adversarial_frame(rng: &mut Rng) -> Vec<u8> {
    let f = match rng.below(20) {
        0..=6 => flow_frame(rng),
        7..=9 => {
            let f = flow_frame(rng);
            let len = 1 + rng.below(f.len().min(160) as u64) as usize;
            f[..len].to_vec()
        }
        10..=14 => noise_after_ethernet(rng),
        15 | 16 => icmp_error_frame(rng),
        17 => fragment_frame(rng),
        18 => {
            let len = 1 + rng.below(63) as usize;
            rng.bytes(len)
        }
        _ => {
            let len = 1 + rng.below(MAX_FRAME as u64) as usize;
            rng.bytes(len)
        }
    };
    if f.is_empty() {
        vec![0]
    } else {
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::{Config, Distributor, Verdict};

    #[test]
    fn adversarial_frames_are_reproducible_and_in_size_range() {
        let a = adversarial(7, 3000, None, &[3]);
        assert_eq!(a, adversarial(7, 3000, None, &[3]));
        assert_ne!(a, adversarial(8, 3000, None, &[3]));
        assert!(a.iter().all(|f| (1..=MAX_FRAME).contains(&f.data.len())));
        assert!(a.iter().any(|f| f.data.len() > 8000), "jumbo frames");
        assert!(a.iter().any(|f| f.data.len() < 14), "runts");
        assert!(a.iter().any(|f| f.mac_error));
        assert!(a.iter().any(|f| f.ingress == 3));
    }

    #[test]
    fn adversarial_frames_reach_every_verdict() {
        let mut config = Config::builtin();
        config.group_mac = Some([0x02, 0, 0x5e, 0, 1, 1]);
        config.ingress.push(model::config::Ingress { port: 3, forward_to: 0 });
        let dist = Distributor::new(&config);
        let mut seen = std::collections::BTreeSet::new();
        for f in adversarial(1, 5000, config.group_mac, &[3]) {
            let d = dist.classify_rx(&f.data, f.ingress, f.mac_error);
            seen.insert((d.verdict, d.inner));
        }
        for v in Verdict::ALL {
            assert!(seen.iter().any(|&(s, _)| s == v), "no {v} frame in {seen:?}");
        }
        assert!(seen.contains(&(Verdict::L4, true)) && seen.contains(&(Verdict::L3, true)), "inner decisions: {seen:?}");
    }

    #[test]
    fn beats_round_up_to_whole_beats() {
        assert_eq!(beats(1), 1);
        assert_eq!(beats(8), 1);
        assert_eq!(beats(9), 2);
        assert_eq!(beats(9200), 1150);
    }
}
