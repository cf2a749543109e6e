//! Steps 4-5: IP header sanity, IPv6 extension headers, fragments.

mod common;

use common::*;
use model::flow_key::{ipv4_mapped, FlowKey};
use model::frame_build::{ipv4, ipv6, transport};
use model::Verdict;

#[test]
fn ip_parse_ipv4_sanity_is_malformed() {
    let good = tcp4(40000, 80);
    assert_eq!(verdict(&good), Verdict::L4);
    assert_eq!(verdict(&patch(good.clone(), 14, &[0x65])), Verdict::Malformed, "version 6 in an IPv4 EtherType");
    assert_eq!(verdict(&patch(good.clone(), 14, &[0x44])), Verdict::Malformed, "IHL 4");
    assert_eq!(verdict(&patch(good.clone(), 16, &[0, 19])), Verdict::Malformed, "total length < 4·IHL");
    assert_eq!(verdict(&patch(good.clone(), 16, &[0, 20])), Verdict::Malformed, "ports past the IP length");
    // IHL 15 = 60 bytes: the 54-byte frame does not hold it.
    assert_eq!(verdict(&patch(good.clone(), 14, &[0x4f])), Verdict::Malformed);
    for len in 14..34 {
        assert_eq!(verdict(&good[..len]), Verdict::Malformed, "{len} bytes");
    }
}

#[test]
fn ip_parse_ipv4_options_move_the_ports() {
    let opts = [0x94, 0x04, 0, 0, 1, 1, 1, 0]; // router alert + NOPs/EOL
    let ip = ipv4(v4("10.0.0.1"), v4("10.0.0.2"), 17, 0, &opts, &transport(17, 5353, 30000, &[]));
    let d = decide(&eth4(&ip));
    assert_hashed(&d, Verdict::L4, 0, FlowKey::endpoint(&ipv4_mapped(&v4("10.0.0.2")), 30000));
}

#[test]
fn ip_parse_ipv4_length_larger_than_frame_is_fine() {
    // Captures are often cut: only the ports must be inside frame and IP length.
    let f = patch(tcp4(40000, 80), 16, &[0x05, 0xdc]);
    assert_eq!(verdict(&f), Verdict::L4);
    assert_eq!(verdict(&tcp4(40000, 80)[..38]), Verdict::L4, "ports are the last 4 bytes kept");
    assert_eq!(verdict(&tcp4(40000, 80)[..37]), Verdict::Malformed);
}

#[test]
fn ip_parse_ipv4_fragments() {
    let frag = |field: u16| eth4(&ipv4(v4("10.0.0.1"), v4("10.0.0.2"), 17, field, &[], &transport(17, 1, 2, &[])));
    assert_eq!(verdict(&frag(0x2000)), Verdict::Fragment, "MF");
    assert_eq!(verdict(&frag(0x0001)), Verdict::Fragment, "offset 8");
    assert_eq!(verdict(&frag(0x1fff)), Verdict::Fragment);
    assert_eq!(decide(&frag(0x2000)).port, 6);
    assert_eq!(verdict(&frag(0x4000)), Verdict::L4, "DF alone is not a fragment");
    // A later fragment need not hold ports.
    let tail = eth4(&ipv4(v4("10.0.0.1"), v4("10.0.0.2"), 6, 0x00b9, &[], &[]));
    assert_eq!(verdict(&tail), Verdict::Fragment);
}

#[test]
fn ip_parse_ipv6_header_sanity() {
    let good = udp6(&[], 40000, 53);
    assert_hashed(&decide(&good), Verdict::L4, 0, FlowKey::endpoint(&v6("2001:db8::1"), 40000));
    assert_eq!(verdict(&patch(good.clone(), 14, &[0x40])), Verdict::Malformed, "version 4 in an IPv6 EtherType");
    assert_eq!(verdict(&good[..53]), Verdict::Malformed, "39-byte header");
    assert_eq!(verdict(&good[..54]), Verdict::Malformed, "header but no ports");
    // Payload length 0 with UDP: the ports lie past the IP packet.
    assert_eq!(verdict(&patch(good, 18, &[0, 0])), Verdict::Malformed);
}

#[test]
fn ip_parse_ipv6_skips_two_extension_headers() {
    let key = FlowKey::endpoint(&v6("2001:db8::1"), 40000);
    for ext in [&[(0u8, 0usize)][..], &[(43, 1)], &[(60, 0)], &[(0, 0), (60, 2)], &[(43, 0), (43, 0)]] {
        assert_hashed(&decide(&udp6(ext, 40000, 53)), Verdict::L4, 0, key);
    }
    // A third gives control, whatever follows it (even a fragment header).
    assert_eq!(verdict(&udp6(&[(0, 0), (43, 0), (60, 0)], 40000, 53)), Verdict::Control);
    assert_eq!(verdict(&udp6(&[(0, 0), (43, 0), (0, 0), (44, 0)], 40000, 53)), Verdict::Control);
}

#[test]
fn ip_parse_ipv6_extension_bounds() {
    // Hop-by-hop of 8 + 8·10 = 88 bytes from offset 54: ends at 142 > 128.
    let long = udp6(&[(0, 10)], 40000, 53);
    assert_eq!(verdict(&long), Verdict::Control, "past the window, inside the frame");
    assert_eq!(verdict(&long[..141]), Verdict::Malformed, "past both: frame first");
    assert_eq!(verdict(&long[..55]), Verdict::Malformed, "length byte missing");
    // Ends exactly at the window: fine, but then the ports lie past it.
    let edge = udp6(&[(0, 8)], 40000, 53); // 54 + 72 = 126, ports 126..130
    assert_eq!(verdict(&edge), Verdict::Control);
    assert_eq!(verdict(&edge[..129]), Verdict::Malformed, "ports past the frame");
    let fits = udp6(&[(0, 7)], 40000, 53); // ports 118..122
    assert_eq!(verdict(&fits), Verdict::L4);
}

#[test]
fn ip_parse_ipv6_fragment_header() {
    let frag = udp6(&[(44, 0)], 40000, 53);
    assert_eq!((verdict(&frag), decide(&frag).port), (Verdict::Fragment, 6));
    // Not bounds-checked: the next-header value alone decides.
    let bare = eth6(&ipv6(v6("2001:db8::1"), v6("2001:db8::2"), &[], 44, &[]));
    assert_eq!(verdict(&bare), Verdict::Fragment);
    assert_eq!(verdict(&udp6(&[(0, 0), (60, 0), (44, 0)], 1, 2)), Verdict::Fragment);
}
