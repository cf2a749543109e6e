//! The Toeplitz (RSS) hash over the 144-bit flow key.
//!
//! Two implementations that must agree bit for bit: `toeplitz_serial`, the
//! textbook bit-serial definition from SPEC.md (any input length), and
//! [`Toeplitz`], the table-driven one the classifier uses (18-byte input,
//! one 256-entry table per input byte, about 18 loads per hash).

use std::fmt;

/// Bytes in the hashed key: 16 of address and 2 of port or protocol.
pub const KEY_BYTES: usize = 18;

/// Microsoft's RSS verification key, the default `rss_key`.
pub const DEFAULT_RSS_KEY: [u8; 40] = [
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
    0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
    0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
];

/// The key is shorter than the input needs: it must be 4 bytes longer than
/// the input. Never zero-padded (SPEC: a shorter key is an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyTooShort {
    pub key_len: usize,
    pub input_len: usize,
}

impl fmt::Display for KeyTooShort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Toeplitz key of {} bytes is too short for {} input bytes (needs at least {})",
            self.key_len,
            self.input_len,
            self.input_len + 4
        )
    }
}

impl std::error::Error for KeyTooShort {}

fn check_len(key: &[u8], input_len: usize) -> Result<(), KeyTooShort> {
    if key.len() < input_len + 4 {
        return Err(KeyTooShort { key_len: key.len(), input_len });
    }
    Ok(())
}

/// The 32-bit window of `key` that starts at bit `bit` (MSB of key[0] = bit 0).
fn key_window(key: &[u8], bit: usize) -> u32 {
    let byte = bit / 8;
    let shift = bit % 8;
    let mut w: u64 = 0;
    for i in 0..5 {
        w = (w << 8) | u64::from(*key.get(byte + i).unwrap_or(&0));
    }
    ((w << shift) >> 8) as u32
}

/// Bit-serial Toeplitz hash exactly as SPEC.md defines it.
pub fn toeplitz_serial(key: &[u8], input: &[u8]) -> Result<u32, KeyTooShort> {
    check_len(key, input.len())?;
    let mut result = 0u32;
    for (i, &byte) in input.iter().enumerate() {
        for b in 0..8 {
            if byte & (0x80 >> b) != 0 {
                result ^= key_window(key, i * 8 + b);
            }
        }
    }
    Ok(result)
}

/// Table-driven Toeplitz for the 18-byte flow key. Linear in the input, so
/// the hash is the XOR over input bytes of a per-position table lookup.
#[derive(Clone)]
pub struct Toeplitz {
    tables: Box<[[u32; 256]; KEY_BYTES]>,
}

impl fmt::Debug for Toeplitz {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Toeplitz").finish_non_exhaustive()
    }
}

impl Toeplitz {
    pub fn new(key: &[u8]) -> Result<Self, KeyTooShort> {
        check_len(key, KEY_BYTES)?;
        let mut tables = Box::new([[0u32; 256]; KEY_BYTES]);
        for (pos, table) in tables.iter_mut().enumerate() {
            let bits: [u32; 8] = std::array::from_fn(|b| key_window(key, pos * 8 + b));
            for (value, slot) in table.iter_mut().enumerate() {
                *slot = (0..8)
                    .filter(|b| value & (0x80 >> b) != 0)
                    .fold(0, |acc, b| acc ^ bits[b]);
            }
        }
        Ok(Toeplitz { tables })
    }

    /// Hash of an 18-byte key.
    #[inline]
    pub fn hash(&self, input: &[u8; KEY_BYTES]) -> u32 {
        // Zero bytes add nothing (the hash is linear): IPv4 keys start with
        // ten of them, so skip that prefix when it is zero.
        let head = u64::from_ne_bytes(input[..8].try_into().expect("8 bytes")) | u64::from(input[8]) | u64::from(input[9]);
        let from = if head == 0 { 10 } else { 0 };
        let t = &self.tables;
        let mut acc = 0u32;
        for i in from..KEY_BYTES {
            acc ^= t[i][input[i] as usize];
        }
        acc
    }

    /// The contribution of one input byte at one position (the linear
    /// decomposition used by the source-NAT port tables).
    #[inline]
    pub fn byte_term(&self, position: usize, value: u8) -> u32 {
        self.tables[position][value as usize]
    }
}
