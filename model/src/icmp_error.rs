//! ICMP / ICMPv6 errors: find the offending packet's header inside.
//!
//! ```text
//! ICMP header (8 bytes): 0 type | 1 code | 2 checksum | 4 rest
//! then the start of the offending packet: IP header, 4 port bytes
//! ```
//! Step 6 of SPEC: the inner header is used only if it, and its ports for
//! TCP/UDP/SCTP, lie inside frame and window; its own length fields are not
//! checked (the quote is truncated by design).

use crate::eth_parse::{be16, Family};
use crate::flow_key::{ipv4_mapped, Addr16};
use crate::ip_parse::{
    is_skipped_ext, IpHeader, EXT_FRAGMENT, IPV4_FRAG, IPV4_MIN_HEADER, IPV4_PROTO, IPV4_SRC, IPV4_DST,
    IPV6_DST, IPV6_HEADER, IPV6_NEXT_HEADER, IPV6_SRC,
};
use crate::port_compare::has_ports;
use crate::verdict::WINDOW;

pub const PROTO_ICMP: u8 = 1;
pub const PROTO_ICMPV6: u8 = 58;
pub const ICMP_HEADER: usize = 8;

/// ICMPv4 types that quote the offending packet: unreachable, source quench,
/// redirect, time exceeded, parameter problem.
pub fn icmpv4_error(t: u8) -> bool {
    matches!(t, 3 | 4 | 5 | 11 | 12)
}

/// ICMPv6 error types: unreachable, packet too big, time exceeded, parameter problem.
pub fn icmpv6_error(t: u8) -> bool {
    matches!(t, 1..=4)
}

/// The quoted packet's header, as far as the decision needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InnerPacket {
    pub src: Addr16,
    pub dst: Addr16,
    pub proto: u8,
    /// (source, destination) for TCP/UDP/SCTP.
    pub ports: Option<(u16, u16)>,
}

/// The inner packet of an ICMP error, or `None` to decide on the outer header.
#[inline]
pub fn icmp_error(frame: &[u8], outer: &IpHeader) -> Option<InnerPacket> {
    let limit = frame.len().min(WINDOW);
    let is_error: fn(u8) -> bool = match (outer.family, outer.proto) {
        (Family::V4, PROTO_ICMP) => icmpv4_error,
        (Family::V6, PROTO_ICMPV6) => icmpv6_error,
        _ => return None,
    };
    let at = outer.l4 + ICMP_HEADER;
    if limit < at || !is_error(frame[outer.l4]) {
        return None;
    }
    let (src, dst, proto, l4) = match outer.family {
        Family::V4 => {
            if limit < at + IPV4_MIN_HEADER || frame[at] >> 4 != 4 {
                return None;
            }
            let ihl = (frame[at] & 0x0f) as usize * 4;
            if ihl < IPV4_MIN_HEADER || limit < at + ihl || be16(frame, at + IPV4_FRAG) & 0x1fff != 0 {
                return None;
            }
            (
                ipv4_mapped(&frame[at + IPV4_SRC..]),
                ipv4_mapped(&frame[at + IPV4_DST..]),
                frame[at + IPV4_PROTO],
                at + ihl,
            )
        }
        Family::V6 => {
            if limit < at + IPV6_HEADER || frame[at] >> 4 != 6 {
                return None;
            }
            let next = frame[at + IPV6_NEXT_HEADER];
            if is_skipped_ext(next) || next == EXT_FRAGMENT {
                return None;
            }
            let mut src = [0u8; 16];
            let mut dst = [0u8; 16];
            src.copy_from_slice(&frame[at + IPV6_SRC..at + IPV6_SRC + 16]);
            dst.copy_from_slice(&frame[at + IPV6_DST..at + IPV6_DST + 16]);
            (src, dst, next, at + IPV6_HEADER)
        }
    };
    let ports = if has_ports(proto) {
        if limit < l4 + 4 {
            return None;
        }
        Some((be16(frame, l4), be16(frame, l4 + 2)))
    } else {
        None
    };
    Some(InnerPacket { src, dst, proto, ports })
}
