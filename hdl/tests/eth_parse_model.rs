//! `EthParse` in rust-hdl simulation against `model::eth_parse` on crafted
//! and proptest-generated frames (tags, cut-off tags, runts, group MAC).

mod decide_support;

use decide_support::run_pipeline;
use hdl::eth_parse::{granules, head, EthParse, ETH_PARSE_LATENCY, ETH_TAGS_LATENCY};
use hdl::verdict_code::verdict_from_code;
use model::eth_parse::{eth_parse, Family};
use model::Verdict;
use proptest::prelude::*;
use rust_hdl::prelude::*;

const GROUP_MAC: [u8; 6] = [0x02, 0x00, 0x5e, 0x00, 0x01, 0x01];

fn mac_bits(mac: &[u8; 6]) -> Bits<48> {
    mac.iter().fold(0u64, |a, &b| (a << 8) | b as u64).into()
}

/// The hardware's answer in the model's form: `tags`/`v6` are read
/// ETH_TAGS_LATENCY cycles after the frame, `ok`/`verdict` ETH_PARSE_LATENCY.
fn hw_eth(frames: &[Vec<u8>], group_mac: Option<&[u8; 6]>) -> Vec<Result<(Family, usize, u8), Verdict>> {
    assert_eq!(ETH_PARSE_LATENCY, ETH_TAGS_LATENCY + 1);
    let mut uut = EthParse::default();
    uut.connect_all();
    uut.group_mac.next = mac_bits(group_mac.unwrap_or(&[0; 6]));
    uut.group_mac_enable.next = group_mac.is_some();
    // One more input so the last frame's verdict comes out.
    let mut inputs = frames.to_vec();
    inputs.push(Vec::new());
    let seen = run_pipeline(
        &mut uut,
        |u| &mut u.clock,
        ETH_TAGS_LATENCY,
        &inputs,
        |u, f| {
            u.head.next = head(f);
            for (w, g) in u.window.iter_mut().zip(granules(f)) {
                w.next = g;
            }
            u.frame_len.next = (f.len().min(65535) as u64).into();
        },
        |u| (u.ok.val(), verdict_from_code(u.verdict.val().to_u64()), u.v6.val(), u.tags.val().to_u64() as u8),
    );
    seen.windows(2)
        .map(|w| {
            let (_, _, v6, tags) = w[0];
            let (ok, verdict, _, _) = w[1];
            if ok {
                Ok((if v6 { Family::V6 } else { Family::V4 }, 14 + 4 * tags as usize, tags))
            } else {
                Err(verdict)
            }
        })
        .collect()
}

fn check(frames: &[Vec<u8>], group_mac: Option<&[u8; 6]>) {
    let hw = hw_eth(frames, group_mac);
    for (f, h) in frames.iter().zip(hw) {
        let m = eth_parse(f, group_mac).map(|e| (e.family, e.l3, e.tags));
        assert_eq!(h, m, "frame {:02x?}", f);
    }
}

fn header(dst: [u8; 6], types: &[u16], len: usize) -> Vec<u8> {
    let mut f = dst.to_vec();
    f.extend_from_slice(&[2, 0, 0, 0, 0, 9]);
    for t in types {
        f.extend_from_slice(&t.to_be_bytes());
        f.extend_from_slice(&[0, 0x64]);
    }
    f.resize(len, 0x45);
    f
}

fn crafted() -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    for types in [
        &[0x0800][..],
        &[0x86dd],
        &[0x0806],
        &[0x8100, 0x0800],
        &[0x88a8, 0x8100, 0x86dd],
        &[0x8100, 0x8100, 0x8100, 0x0800], // third tag: unknown EtherType
        &[0x9100, 0x0800],                 // 0x9100 is no tag
        &[0x05dc],                         // 802.3 length field
        &[0x88a8, 0x0800],
    ] {
        for len in [0, 1, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 60, 200] {
            v.push(header(GROUP_MAC, types, len.max(0)));
            let mut f = header(GROUP_MAC, types, 64);
            f.truncate(len);
            v.push(f);
        }
    }
    v
}

#[test]
fn eth_parse_crafted_without_group_mac() {
    check(&crafted(), None);
}

#[test]
fn eth_parse_crafted_with_group_mac() {
    let mut frames = crafted();
    for i in 0..6 {
        let mut other = GROUP_MAC;
        other[i] ^= 0x10;
        frames.push(header(other, &[0x0800], 60));
        frames.push(header(other, &[0x0800], 10)); // runt beats bridge
    }
    check(&frames, Some(&GROUP_MAC));
}

fn frame_strategy() -> impl Strategy<Value = Vec<u8>> {
    let ty = prop_oneof![
        Just(0x8100u16),
        Just(0x88a8),
        Just(0x0800),
        Just(0x86dd),
        Just(0x9100),
        any::<u16>()
    ];
    (any::<bool>(), proptest::collection::vec(ty, 1..4), 0usize..40).prop_map(|(group, types, len)| {
        let dst = if group { GROUP_MAC } else { [2, 0, 0x5e, 0, 1, 2] };
        let mut f = header(dst, &types, 64);
        f.truncate(len);
        f
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn eth_parse_random_frames(frames in proptest::collection::vec(frame_strategy(), 1..40), with_mac in any::<bool>()) {
        check(&frames, if with_mac { Some(&GROUP_MAC) } else { None });
    }
}
