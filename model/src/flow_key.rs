//! The 144-bit flow key: 16 bytes of address, 2 of port (or protocol).
//!
//! IPv4 addresses are written IPv4-mapped (`::ffff:a.b.c.d`) so that one
//! hash unit serves both families.

use std::fmt;
use std::net::IpAddr;

use crate::toeplitz::KEY_BYTES;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FlowKey(pub [u8; KEY_BYTES]);

/// An address in its 16-byte form.
pub type Addr16 = [u8; 16];

/// `::ffff:a.b.c.d` for an IPv4 address.
#[inline]
pub fn ipv4_mapped(v4: &[u8]) -> Addr16 {
    let mut a = [0u8; 16];
    a[10] = 0xff;
    a[11] = 0xff;
    a[12..16].copy_from_slice(&v4[..4]);
    a
}

/// The 16-byte form of any address.
pub fn addr16(addr: IpAddr) -> Addr16 {
    match addr {
        IpAddr::V4(v4) => ipv4_mapped(&v4.octets()),
        IpAddr::V6(v6) => v6.octets(),
    }
}

impl FlowKey {
    /// Key of one endpoint: (address, port).
    #[inline]
    pub fn endpoint(addr: &Addr16, port: u16) -> Self {
        let mut k = [0u8; KEY_BYTES];
        k[..16].copy_from_slice(addr);
        k[16..].copy_from_slice(&port.to_be_bytes());
        FlowKey(k)
    }

    /// The symmetric L3 key: (source XOR destination, protocol).
    #[inline]
    pub fn l3(src: &Addr16, dst: &Addr16, proto: u8) -> Self {
        let mut k = [0u8; KEY_BYTES];
        for i in 0..16 {
            k[i] = src[i] ^ dst[i];
        }
        k[17] = proto;
        FlowKey(k)
    }

    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Display for FlowKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for FlowKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FlowKey({self})")
    }
}
