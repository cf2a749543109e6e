//! `IpParse` in rust-hdl simulation against `model::ip_parse` for every
//! crafted and random frame that `model::eth_parse` accepts: IPv4 options and
//! bad fields, IPv6 with 0..3 extension headers at and past the frame and
//! window edges, fragments; and the length/family pass-through.

mod decide_support;

use decide_support::{crafted_frames, random_frame, run_pipeline};
use hdl::eth_parse::granules;
use hdl::ip_parse::{IpParse, IP_PARSE_LATENCY};
use hdl::verdict_code::verdict_from_code;
use model::eth_parse::{eth_parse, Family};
use model::frame_build::Rng;
use model::ip_parse::{ip_parse, IpHeader};
use model::Verdict;
use proptest::prelude::*;
use rust_hdl::prelude::*;

fn addr(b: Bits<128>) -> [u8; 16] {
    std::array::from_fn(|i| b.get_bits::<8>(8 * (15 - i)).to_u64() as u8)
}

struct Seen {
    result: Result<IpHeader, Verdict>,
    len: u64,
    v6: bool,
}

fn check(frames: &[Vec<u8>]) -> usize {
    let cases: Vec<(&Vec<u8>, Family, usize)> = frames
        .iter()
        .filter_map(|f| eth_parse(f, None).ok().map(|e| (f, e.family, e.l3)))
        .collect();
    let mut uut = IpParse::default();
    uut.connect_all();
    let seen = run_pipeline(
        &mut uut,
        |u| &mut u.clock,
        IP_PARSE_LATENCY,
        &cases,
        |u, (f, family, l3)| {
            for (j, g) in granules(f).into_iter().enumerate() {
                u.window[j].next = g;
            }
            u.frame_len.next = (f.len().min(65535) as u64).into();
            u.v6.next = *family == Family::V6;
            u.tags.next = (((l3 - 14) / 4) as u64).into();
        },
        |u| Seen {
            result: if u.ok.val() {
                Ok(IpHeader {
                    family: if u.v6_out.val() { Family::V6 } else { Family::V4 },
                    src: addr(u.src.val()),
                    dst: addr(u.dst.val()),
                    proto: u.proto.val().to_u64() as u8,
                    l4: u.l4.val().to_u64() as usize,
                    end: u.packet_end.val().to_u64() as usize,
                    ext_headers: u.ext_headers.val().to_u64() as u8,
                })
            } else {
                Err(verdict_from_code(u.verdict.val().to_u64()))
            },
            len: u.frame_len_out.val().to_u64(),
            v6: u.v6_out.val(),
        },
    );
    for ((f, family, l3), s) in cases.iter().zip(seen) {
        assert_eq!(s.result, ip_parse(f, *family, *l3), "frame {:02x?}", f);
        assert_eq!((s.len, s.v6), (f.len() as u64, *family == Family::V6), "length/family pass-through");
    }
    cases.len()
}

#[test]
fn ip_parse_crafted_frames() {
    let frames: Vec<Vec<u8>> = crafted_frames().into_iter().map(|(_, f)| f).collect();
    let n = check(&frames);
    assert!(n > 5000, "only {n} crafted frames reached IpParse");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]
    #[test]
    fn ip_parse_random_frames(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let frames: Vec<Vec<u8>> = (0..64).map(|_| random_frame(&mut rng)).collect();
        check(&frames);
    }
}
