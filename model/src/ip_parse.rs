//! IP header: sanity checks, IPv6 extension headers, fragments.
//!
//! ```text
//! IPv4: 0 ver/IHL | 2 total length | 6 flags+frag offset | 9 protocol | 12 src | 16 dst
//! IPv6: 0 ver     | 4 payload len  | 6 next header       | 8 src (16)  | 24 dst (16) | 40 ext…
//! ```
//! Step 4 (sanity: `malformed` for what the frame does not hold, `control`
//! for what lies past the 128-byte window) and step 5 (fragments) of SPEC.

use crate::eth_parse::{be16, Family};
use crate::flow_key::{ipv4_mapped, Addr16};
use crate::verdict::{Verdict, WINDOW};

pub const IPV4_MIN_HEADER: usize = 20;
pub const IPV6_HEADER: usize = 40;
pub const IPV4_TOTAL_LEN: usize = 2;
pub const IPV4_FRAG: usize = 6;
pub const IPV4_PROTO: usize = 9;
pub const IPV4_SRC: usize = 12;
pub const IPV4_DST: usize = 16;
pub const IPV6_PAYLOAD_LEN: usize = 4;
pub const IPV6_NEXT_HEADER: usize = 6;
pub const IPV6_SRC: usize = 8;
pub const IPV6_DST: usize = 24;

pub const EXT_HOP_BY_HOP: u8 = 0;
pub const EXT_ROUTING: u8 = 43;
pub const EXT_FRAGMENT: u8 = 44;
pub const EXT_DEST_OPTS: u8 = 60;
/// Extension headers skipped before a third gives `control`.
pub const MAX_EXT_HEADERS: usize = 2;

const IPV4_MF: u16 = 0x2000;
const IPV4_OFFSET_MASK: u16 = 0x1fff;

pub fn is_skipped_ext(next: u8) -> bool {
    matches!(next, EXT_HOP_BY_HOP | EXT_ROUTING | EXT_DEST_OPTS)
}

/// The fields later stages use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpHeader {
    pub family: Family,
    pub src: Addr16,
    pub dst: Addr16,
    /// Protocol (IPv6: next header after the skipped extension headers).
    pub proto: u8,
    /// Offset of the transport header in the frame.
    pub l4: usize,
    /// End of the IP packet as its length field says (offset in the frame).
    pub end: usize,
    /// IPv6 extension headers skipped.
    pub ext_headers: u8,
}

/// Steps 4 and 5 for the outer header at `l3`.
#[inline]
pub fn ip_parse(frame: &[u8], family: Family, l3: usize) -> Result<IpHeader, Verdict> {
    match family {
        Family::V4 => ipv4_parse(frame, l3),
        Family::V6 => ipv6_parse(frame, l3),
    }
}

fn ipv4_parse(frame: &[u8], l3: usize) -> Result<IpHeader, Verdict> {
    if frame.len() < l3 + IPV4_MIN_HEADER {
        return Err(Verdict::Malformed);
    }
    let ihl = (frame[l3] & 0x0f) as usize * 4;
    let total = be16(frame, l3 + IPV4_TOTAL_LEN) as usize;
    if frame[l3] >> 4 != 4 || ihl < IPV4_MIN_HEADER || total < ihl {
        return Err(Verdict::Malformed);
    }
    if frame.len() < l3 + ihl {
        return Err(Verdict::Malformed);
    }
    if WINDOW < l3 + ihl {
        return Err(Verdict::Control);
    }
    let frag = be16(frame, l3 + IPV4_FRAG);
    if frag & (IPV4_MF | IPV4_OFFSET_MASK) != 0 {
        return Err(Verdict::Fragment);
    }
    Ok(IpHeader {
        family: Family::V4,
        src: ipv4_mapped(&frame[l3 + IPV4_SRC..]),
        dst: ipv4_mapped(&frame[l3 + IPV4_DST..]),
        proto: frame[l3 + IPV4_PROTO],
        l4: l3 + ihl,
        end: l3 + total,
        ext_headers: 0,
    })
}

fn ipv6_parse(frame: &[u8], l3: usize) -> Result<IpHeader, Verdict> {
    if frame.len() < l3 + IPV6_HEADER || frame[l3] >> 4 != 6 {
        return Err(Verdict::Malformed);
    }
    let mut next = frame[l3 + IPV6_NEXT_HEADER];
    let mut at = l3 + IPV6_HEADER;
    let mut skipped = 0u8;
    while is_skipped_ext(next) {
        if skipped as usize == MAX_EXT_HEADERS {
            return Err(Verdict::Control);
        }
        // Next header and length bytes, then 8 + 8·HdrExtLen bytes in all.
        if frame.len() < at + 2 {
            return Err(Verdict::Malformed);
        }
        let len = 8 + 8 * frame[at + 1] as usize;
        if frame.len() < at + len {
            return Err(Verdict::Malformed);
        }
        if WINDOW < at + len {
            return Err(Verdict::Control);
        }
        next = frame[at];
        at += len;
        skipped += 1;
    }
    if next == EXT_FRAGMENT {
        return Err(Verdict::Fragment);
    }
    let mut src = [0u8; 16];
    let mut dst = [0u8; 16];
    src.copy_from_slice(&frame[l3 + IPV6_SRC..l3 + IPV6_SRC + 16]);
    dst.copy_from_slice(&frame[l3 + IPV6_DST..l3 + IPV6_DST + 16]);
    Ok(IpHeader {
        family: Family::V6,
        src,
        dst,
        proto: next,
        l4: at,
        end: l3 + IPV6_HEADER + be16(frame, l3 + IPV6_PAYLOAD_LEN) as usize,
        ext_headers: skipped,
    })
}
