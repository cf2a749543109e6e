//! Shared by the model's tests: a test config and frame helpers.
#![allow(dead_code)]

use std::net::IpAddr;

use model::flow_key::{addr16, FlowKey};
use model::frame_build::{ethernet, ipv4, ipv6, transport, CLIENT_MAC, SERVER_MAC};
use model::{toeplitz_serial, Config, Decision, Distributor, Verdict, DEFAULT_RSS_KEY};

/// Four TMMs on ports 1-4, TMM 3 with a MAC; group 1 (port 443, then 22)
/// on TMMs 2-3; ingress port 9 is TMM-side, forwarded to port 0.
pub const TEST_CONFIG: &str = r#"
bridge_port = 0
control_port = 5
fragment_port = 6
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
[[tmm]]
id = 3
port = 4
mac = "02:aa:bb:cc:dd:03"

[[group]]
fixed_tmm = 1
weights = { "0" = 1, "1" = 1, "2" = 1, "3" = 1 }
[[group]]
fixed_tmm = 3
weights = { "2" = 1, "3" = 1 }

[[rule]]
port = 443
group = 1
[[rule]]
port = 22
group = 1

[[ingress]]
port = 9
forward_to = 0
"#;

pub fn config() -> Config {
    Config::from_toml(TEST_CONFIG).unwrap()
}

pub fn dist() -> Distributor {
    Distributor::new(&config())
}

pub fn decide(frame: &[u8]) -> Decision {
    dist().classify(frame, 0)
}

pub fn verdict(frame: &[u8]) -> Verdict {
    decide(frame).verdict
}

pub fn v4(s: &str) -> [u8; 4] {
    match s.parse::<IpAddr>().unwrap() {
        IpAddr::V4(a) => a.octets(),
        _ => panic!("not IPv4"),
    }
}

pub fn v6(s: &str) -> [u8; 16] {
    addr16(s.parse::<IpAddr>().unwrap())
}

pub fn eth4(payload: &[u8]) -> Vec<u8> {
    ethernet(SERVER_MAC, CLIENT_MAC, &[], 0x0800, payload)
}

pub fn eth6(payload: &[u8]) -> Vec<u8> {
    ethernet(SERVER_MAC, CLIENT_MAC, &[], 0x86dd, payload)
}

/// IPv4 TCP 10.0.0.1:sport -> 10.0.0.2:dport.
pub fn tcp4(sport: u16, dport: u16) -> Vec<u8> {
    eth4(&ipv4(v4("10.0.0.1"), v4("10.0.0.2"), 6, 0, &[], &transport(6, sport, dport, &[])))
}

/// IPv6 UDP 2001:db8::1:sport -> 2001:db8::2:dport, with extension headers.
pub fn udp6(ext: &[(u8, usize)], sport: u16, dport: u16) -> Vec<u8> {
    eth6(&ipv6(v6("2001:db8::1"), v6("2001:db8::2"), ext, 17, &transport(17, sport, dport, &[0; 8])))
}

/// The expected hash of a key, from the bit-serial reference.
pub fn hash_of(key: &FlowKey) -> u32 {
    toeplitz_serial(&DEFAULT_RSS_KEY, &key.0).unwrap()
}

/// Check an `l4`/`l3` decision against an independently built key.
pub fn assert_hashed(d: &Decision, verdict: Verdict, group: u8, key: FlowKey) {
    assert_eq!(d.verdict, verdict, "{d:?}");
    assert_eq!(d.group, Some(group));
    assert_eq!(d.key, Some(key));
    let h = hash_of(&key);
    assert_eq!(d.hash, Some(h));
    assert_eq!(d.index, Some((h & 0xfff) as u16));
    let table = &config().tables()[group as usize];
    let tmm = table.get((h & 0xfff) as usize);
    assert_eq!(d.tmm, Some(tmm));
    assert_eq!(d.port, tmm + 1, "TMM t is on port t+1 in the test config");
}

/// Overwrite bytes of a frame.
pub fn patch(mut frame: Vec<u8>, at: usize, bytes: &[u8]) -> Vec<u8> {
    frame[at..at + bytes.len()].copy_from_slice(bytes);
    frame
}
