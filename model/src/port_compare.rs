//! Port comparator and key builder: group rules, equal ports, and which
//! endpoint is hashed.
//!
//! The endpoint with the higher port is hashed, so both directions of a
//! connection give the same key; equal ports go to the group's fixed TMM.

use crate::config::Rule;
use crate::flow_key::{Addr16, FlowKey};

pub const PROTO_TCP: u8 = 6;
pub const PROTO_UDP: u8 = 17;
pub const PROTO_SCTP: u8 = 132;

/// Transport protocols whose first 4 bytes are source and destination port.
#[inline]
pub fn has_ports(proto: u8) -> bool {
    matches!(proto, PROTO_TCP | PROTO_UDP | PROTO_SCTP)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyChoice {
    /// Source port == destination port: the group's fixed TMM.
    Fixed { group: u8 },
    /// Hash this key in this group's table.
    Hashed { group: u8, key: FlowKey },
}

/// The group of the first rule naming either port; group 0 when none does.
#[inline]
pub fn rule_group(rules: &[Rule], sport: u16, dport: u16) -> u8 {
    rules
        .iter()
        .find(|r| r.port == sport || r.port == dport)
        .map_or(0, |r| r.group)
}

/// Step 7: group, then fixed or the key of the higher-port endpoint.
#[inline]
pub fn port_compare(rules: &[Rule], src: &Addr16, dst: &Addr16, sport: u16, dport: u16) -> KeyChoice {
    let group = rule_group(rules, sport, dport);
    if sport == dport {
        KeyChoice::Fixed { group }
    } else if sport > dport {
        KeyChoice::Hashed { group, key: FlowKey::endpoint(src, sport) }
    } else {
        KeyChoice::Hashed { group, key: FlowKey::endpoint(dst, dport) }
    }
}
