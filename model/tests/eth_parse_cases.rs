//! Steps 1-3: destination MAC, VLAN tags, EtherType.

mod common;

use common::*;
use model::config::Config;
use model::frame_build::{ethernet, ipv4, transport, CLIENT_MAC, SERVER_MAC};
use model::{Distributor, Verdict};

fn tagged(tags: &[u16]) -> Vec<u8> {
    let ip = ipv4(v4("10.0.0.1"), v4("10.0.0.2"), 6, 0, &[], &transport(6, 40000, 80, &[]));
    ethernet(SERVER_MAC, CLIENT_MAC, tags, 0x0800, &ip)
}

fn with_group_mac(mac: &str) -> Distributor {
    let text = format!("group_mac = \"{mac}\"\n{TEST_CONFIG}");
    Distributor::new(&Config::from_toml(&text).unwrap())
}

#[test]
fn eth_parse_runts_are_malformed_whatever_the_mac() {
    for len in 0..14 {
        let d = decide(&vec![0xff; len]);
        assert_eq!(d.verdict, Verdict::Malformed, "{len} bytes");
        assert_eq!(d.port, 7);
        assert_eq!((d.group, d.tmm, d.key, d.inner), (None, None, None, false));
    }
    let dist = with_group_mac("02:00:5e:00:01:01");
    assert_eq!(dist.classify(&[0x11; 13], 0).verdict, Verdict::Malformed);
}

#[test]
fn eth_parse_group_mac_filters_before_anything_else() {
    let dist = with_group_mac("02:00:00:00:00:02");
    let frame = tagged(&[]);
    assert_eq!(dist.classify(&frame, 0).verdict, Verdict::L4, "destination is SERVER_MAC = group MAC");
    let other = patch(frame, 5, &[0x99]);
    let d = dist.classify(&other, 0);
    assert_eq!((d.verdict, d.port), (Verdict::Bridge, 0));
    // Even a frame that would be malformed further in is bridged.
    let dist = with_group_mac("02:00:5e:00:01:01");
    assert_eq!(dist.classify(&[0u8; 14], 0).verdict, Verdict::Bridge);
}

#[test]
fn eth_parse_skips_up_to_two_tags() {
    assert_eq!(verdict(&tagged(&[0x8100])), Verdict::L4);
    assert_eq!(verdict(&tagged(&[0x88a8])), Verdict::L4);
    assert_eq!(verdict(&tagged(&[0x88a8, 0x8100])), Verdict::L4);
    assert_eq!(verdict(&tagged(&[0x8100, 0x8100])), Verdict::L4);
    // A third tag is an unknown EtherType.
    assert_eq!(verdict(&tagged(&[0x8100, 0x8100, 0x8100])), Verdict::Control);
    assert_eq!(verdict(&tagged(&[0x88a8, 0x8100, 0x8100])), Verdict::Control);
    // Tags keep the key: the same flow with 0, 1, 2 tags decides alike.
    let k = decide(&tagged(&[])).key;
    assert_eq!(decide(&tagged(&[0x8100])).key, k);
    assert_eq!(decide(&tagged(&[0x88a8, 0x8100])).key, k);
}

#[test]
fn eth_parse_other_tpids_and_lengths_are_control() {
    assert_eq!(verdict(&tagged(&[0x9100])), Verdict::Control);
    let mut f = tagged(&[]);
    f[12..14].copy_from_slice(&0x05dcu16.to_be_bytes()); // 802.3 length
    assert_eq!(verdict(&f), Verdict::Control);
    f[12..14].copy_from_slice(&0x0806u16.to_be_bytes()); // ARP
    assert_eq!(decide(&f).port, 5);
    assert_eq!(verdict(&ethernet(SERVER_MAC, CLIENT_MAC, &[], 0xfbb7, &[])), Verdict::Control);
}

#[test]
fn eth_parse_cut_tags_are_malformed() {
    // A tag needs 4 bytes and room for the next EtherType.
    let full = tagged(&[0x8100, 0x8100]);
    for len in 14..18 {
        assert_eq!(verdict(&full[..len]), Verdict::Malformed, "{len} bytes, first tag cut");
    }
    for len in 18..22 {
        assert_eq!(verdict(&full[..len]), Verdict::Malformed, "{len} bytes, second tag cut");
    }
    // 22 bytes: both tags and the EtherType, but no IPv4 header.
    assert_eq!(verdict(&full[..22]), Verdict::Malformed);
    // 18 bytes with one tag and a non-IP EtherType is complete: control.
    let arp = ethernet(SERVER_MAC, CLIENT_MAC, &[0x8100], 0x0806, &[]);
    assert_eq!((arp.len(), verdict(&arp)), (18, Verdict::Control));
}
