//! Toeplitz: Microsoft's RSS verification vectors, on the bit-serial
//! reference and (zero-padded to 18 bytes) on the table-driven unit, and
//! the two implementations proven equal.

use std::net::IpAddr;

use model::toeplitz::{toeplitz_serial, KeyTooShort, Toeplitz, DEFAULT_RSS_KEY, KEY_BYTES};
use proptest::prelude::*;

/// (source, source port, destination, destination port, hash of addresses, hash with ports)
const IPV4: [(&str, u16, &str, u16, u32, u32); 5] = [
    ("66.9.149.187", 2794, "161.142.100.80", 1766, 0x323e8fc2, 0x51ccc178),
    ("199.92.111.2", 14230, "65.69.140.83", 4739, 0xd718262a, 0xc626b0ea),
    ("24.19.198.95", 12898, "12.22.207.184", 38024, 0xd2d0a5de, 0x5c2b394a),
    ("38.27.205.30", 48228, "209.142.163.6", 2217, 0x82989176, 0xafc7327f),
    ("153.39.163.191", 44251, "202.188.127.2", 1303, 0x5d1809c5, 0x10e828a2),
];

const IPV6: [(&str, u16, &str, u16, u32, u32); 3] = [
    ("3ffe:2501:200:1fff::7", 2794, "3ffe:2501:200:3::1", 1766, 0x2cc18cd5, 0x40207d3d),
    ("3ffe:501:8::260:97ff:fe40:efab", 14230, "ff02::1", 4739, 0x0f0c461c, 0xdde51bbf),
    ("3ffe:1900:4545:3:200:f8ff:fe21:67cf", 44251, "fe80::200:f8ff:fe21:67cf", 38024, 0x4b61e985, 0x02d1feef),
];

fn octets(a: &str) -> Vec<u8> {
    match a.parse::<IpAddr>().unwrap() {
        IpAddr::V4(v) => v.octets().to_vec(),
        IpAddr::V6(v) => v.octets().to_vec(),
    }
}

/// Every vector: (input bytes, expected hash); 16 in all.
fn vectors() -> Vec<(Vec<u8>, u32)> {
    let mut out = Vec::new();
    for &(src, sport, dst, dport, h_addr, h_ports) in IPV4.iter().chain(IPV6.iter()) {
        let mut input = octets(src);
        input.extend(octets(dst));
        out.push((input.clone(), h_addr));
        input.extend(sport.to_be_bytes());
        input.extend(dport.to_be_bytes());
        out.push((input, h_ports));
    }
    out
}

#[test]
fn toeplitz_microsoft_vectors_bit_serial() {
    let v = vectors();
    assert_eq!(v.len(), 16);
    for (input, expect) in v {
        assert_eq!(toeplitz_serial(&DEFAULT_RSS_KEY, &input).unwrap(), expect, "input {input:02x?}");
    }
}

#[test]
fn toeplitz_ipv4_vectors_zero_padded_on_the_18_byte_unit() {
    let unit = Toeplitz::new(&DEFAULT_RSS_KEY).unwrap();
    let mut checked = 0;
    for (input, expect) in vectors().into_iter().filter(|(i, _)| i.len() <= KEY_BYTES) {
        let mut padded = [0u8; KEY_BYTES];
        padded[..input.len()].copy_from_slice(&input);
        assert_eq!(unit.hash(&padded), expect, "input {input:02x?}");
        assert_eq!(toeplitz_serial(&DEFAULT_RSS_KEY, &padded).unwrap(), expect);
        checked += 1;
    }
    assert_eq!(checked, 10, "the 8- and 12-byte IPv4 vectors");
}

#[test]
fn toeplitz_short_key_is_an_error_not_padding() {
    assert_eq!(toeplitz_serial(&[0xff; 21], &[1; 18]), Err(KeyTooShort { key_len: 21, input_len: 18 }));
    assert!(toeplitz_serial(&[0xff; 22], &[1; 18]).is_ok());
    assert!(Toeplitz::new(&[0; 21]).is_err());
    assert!(Toeplitz::new(&[0; 22]).is_ok());
}

proptest! {
    #[test]
    fn toeplitz_table_equals_bit_serial(key in proptest::collection::vec(any::<u8>(), 22..48), input in any::<[u8; 18]>()) {
        let unit = Toeplitz::new(&key).unwrap();
        prop_assert_eq!(unit.hash(&input), toeplitz_serial(&key, &input).unwrap());
    }

    #[test]
    fn toeplitz_table_equals_bit_serial_on_ipv4_shaped_keys(key in proptest::collection::vec(any::<u8>(), 22..30), tail in any::<[u8; 8]>(), zeros in 8usize..=10) {
        // The unit skips a zero 10-byte prefix: check at and around it.
        let mut input = [0u8; 18];
        input[zeros..].copy_from_slice(&[[0xffu8; 2].as_slice(), &tail].concat()[(zeros - 8)..]);
        let unit = Toeplitz::new(&key).unwrap();
        prop_assert_eq!(unit.hash(&input), toeplitz_serial(&key, &input).unwrap());
    }

    #[test]
    fn toeplitz_is_linear(a in any::<[u8; 18]>(), b in any::<[u8; 18]>()) {
        let unit = Toeplitz::new(&DEFAULT_RSS_KEY).unwrap();
        let x: [u8; 18] = std::array::from_fn(|i| a[i] ^ b[i]);
        prop_assert_eq!(unit.hash(&x), unit.hash(&a) ^ unit.hash(&b));
    }
}
