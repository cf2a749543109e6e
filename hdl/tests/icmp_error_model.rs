//! `IcmpError` in rust-hdl simulation against `model::icmp_error` for every
//! crafted and random frame whose outer header `model::ip_parse` accepts
//! (ICMPv4/ICMPv6 errors of every type with every inner variant, quotes cut
//! anywhere, and non-ICMP frames), plus its `outer_ports` read.

mod decide_support;

use decide_support::{crafted_frames, random_frame, run_pipeline};
use hdl::eth_parse::granules;
use hdl::icmp_error::{IcmpError, ICMP_ERROR_LATENCY};
use model::eth_parse::{eth_parse, Family};
use model::frame_build::Rng;
use model::icmp_error::{icmp_error, InnerPacket};
use model::ip_parse::{ip_parse, IpHeader};
use model::WINDOW;
use proptest::prelude::*;
use rust_hdl::prelude::*;

fn addr(b: Bits<128>) -> [u8; 16] {
    std::array::from_fn(|i| b.get_bits::<8>(8 * (15 - i)).to_u64() as u8)
}

/// Runs frames whose outer header parses; `ok` = false for every other one,
/// which must never give an inner header.
fn check(frames: &[Vec<u8>]) -> (usize, usize) {
    let cases: Vec<(&Vec<u8>, Option<IpHeader>)> = frames
        .iter()
        .map(|f| {
            let ip = eth_parse(f, None).ok().and_then(|e| ip_parse(f, e.family, e.l3).ok());
            (f, ip)
        })
        .collect();
    let mut uut = IcmpError::default();
    uut.connect_all();
    let seen = run_pipeline(
        &mut uut,
        |u| &mut u.clock,
        ICMP_ERROR_LATENCY,
        &cases,
        |u, (f, ip)| {
            for (j, g) in granules(f).into_iter().enumerate() {
                u.window[j].next = g;
            }
            u.frame_len.next = (f.len().min(65535) as u64).into();
            u.ok.next = ip.is_some();
            // A frame the outer parse refused still drives plausible fields.
            let ip = ip.unwrap_or(IpHeader { family: Family::V4, src: [0; 16], dst: [0; 16], proto: 1, l4: 34, end: 0, ext_headers: 0 });
            u.v6.next = ip.family == Family::V6;
            u.proto.next = (ip.proto as u64).into();
            u.l4.next = (ip.l4 as u64).into();
        },
        |u| {
            let inner = u.inner.val().then(|| InnerPacket {
                src: addr(u.src.val()),
                dst: addr(u.dst.val()),
                proto: u.inner_proto.val().to_u64() as u8,
                ports: u.has_ports.val().then(|| {
                    let p = u.ports.val().to_u64();
                    ((p >> 16) as u16, p as u16)
                }),
            });
            (inner, u.outer_ports.val().to_u64() as u32)
        },
    );
    let mut inner_count = 0;
    for ((f, ip), (inner, outer_ports)) in cases.iter().zip(seen) {
        let want = ip.as_ref().and_then(|ip| icmp_error(f, ip));
        assert_eq!(inner, want, "frame {:02x?}", f);
        inner_count += usize::from(want.is_some());
        if let Some(ip) = ip {
            if ip.l4 + 4 <= f.len().min(WINDOW) {
                let p = u32::from_be_bytes([f[ip.l4], f[ip.l4 + 1], f[ip.l4 + 2], f[ip.l4 + 3]]);
                assert_eq!(outer_ports, p, "outer ports of {:02x?}", f);
            }
        }
    }
    (cases.len(), inner_count)
}

#[test]
fn icmp_error_crafted_frames() {
    let frames: Vec<Vec<u8>> = crafted_frames().into_iter().map(|(_, f)| f).collect();
    let (n, inner) = check(&frames);
    assert!(inner > 300 && n > inner, "{inner} inner headers among {n} frames");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]
    #[test]
    fn icmp_error_random_frames(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let frames: Vec<Vec<u8>> = (0..64).map(|_| random_frame(&mut rng)).collect();
        check(&frames);
    }
}
