//! Ethernet header: destination-MAC filter, up to two VLAN tags, EtherType.
//!
//! ```text
//!  0      6      12        14 (+4 per tag)
//! +------+------+---------+------ - -
//! | dst  | src  | type/TPID| ...
//! +------+------+---------+------ - -
//! ```
//! Tags: TPID 0x8100 or 0x88A8, 4 bytes each, at most two skipped.

use crate::verdict::Verdict;

pub const DST_MAC: std::ops::Range<usize> = 0..6;
pub const ETHERTYPE: usize = 12;
pub const HEADER_LEN: usize = 14;
pub const TAG_LEN: usize = 4;
pub const MAX_TAGS: usize = 2;

pub const ETHERTYPE_IPV4: u16 = 0x0800;
pub const ETHERTYPE_IPV6: u16 = 0x86DD;
pub const TPID_CTAG: u16 = 0x8100;
pub const TPID_STAG: u16 = 0x88A8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    V4,
    V6,
}

/// What the Ethernet layer found: an IP packet at `l3`, or a verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EthParse {
    pub family: Family,
    /// Offset of the IP header.
    pub l3: usize,
    /// VLAN tags skipped.
    pub tags: u8,
}

#[inline]
pub(crate) fn be16(frame: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([frame[at], frame[at + 1]])
}

/// Steps 1–3 of the decision order.
#[inline]
pub fn eth_parse(frame: &[u8], group_mac: Option<&[u8; 6]>) -> Result<EthParse, Verdict> {
    if frame.len() < HEADER_LEN {
        return Err(Verdict::Malformed);
    }
    if let Some(mac) = group_mac {
        if frame[DST_MAC] != mac[..] {
            return Err(Verdict::Bridge);
        }
    }
    let mut at = ETHERTYPE;
    let mut tags = 0u8;
    let mut ethertype = be16(frame, at);
    while (ethertype == TPID_CTAG || ethertype == TPID_STAG) && (tags as usize) < MAX_TAGS {
        at += TAG_LEN;
        // The tag needs room for the EtherType that follows it.
        if frame.len() < at + 2 {
            return Err(Verdict::Malformed);
        }
        ethertype = be16(frame, at);
        tags += 1;
    }
    let family = match ethertype {
        ETHERTYPE_IPV4 => Family::V4,
        ETHERTYPE_IPV6 => Family::V6,
        _ => return Err(Verdict::Control),
    };
    Ok(EthParse { family, l3: at + 2, tags })
}
