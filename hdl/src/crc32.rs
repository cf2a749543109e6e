//! `Crc32Step`: the Ethernet FCS (CRC-32, IEEE 802.3) advanced by one byte,
//! combinational, for the MAC's receive check and transmit generation.
//!
//! Ports
//! - in  `crc_in: Bits<32>` (the CRC register, reflected form, starts at
//!   0xFFFFFFFF at the first byte after the SFD), `data: Bits<8>` (the byte
//!   as it goes on the wire: bit 0 first).
//! - out `crc_out: Bits<32>`: the register after the byte. No clock: the
//!   MAC registers it.
//!
//! The FCS sent after the frame is `!crc` low byte first; the register run
//! over frame + FCS then holds [`CRC32_RESIDUE`] whatever the frame.
//! [`crc32`] is the software form (same convention as zlib's `crc32`), used
//! by the tests and by the simulation harnesses.

use rust_hdl::prelude::*;

/// The reflected polynomial x^32 + x^26 + … + 1.
pub const CRC32_POLY: u32 = 0xEDB8_8320;
/// The register after a frame and its correct FCS.
pub const CRC32_RESIDUE: u32 = 0xDEBB_20E3;

#[derive(LogicBlock)]
pub struct Crc32Step {
    pub crc_in: Signal<In, Bits<32>>,
    pub data: Signal<In, Bits<8>>,
    pub crc_out: Signal<Out, Bits<32>>,
    poly: Constant<Bits<32>>,
    acc: Signal<Local, Bits<32>>,
}

impl Default for Crc32Step {
    fn default() -> Self {
        Self {
            crc_in: Default::default(),
            data: Default::default(),
            crc_out: Default::default(),
            poly: Constant::new(CRC32_POLY.to_bits()),
            acc: Default::default(),
        }
    }
}

impl Logic for Crc32Step {
    #[hdl_gen]
    fn update(&mut self) {
        // Eight unrolled bit steps; the synthesiser flattens them into one
        // XOR network per output bit (at most 20 inputs).
        self.acc.next = self.crc_in.val();
        for i in 0..8 {
            if self.acc.val().get_bit(0) ^ self.data.val().get_bit(i) {
                self.acc.next = (self.acc.val() >> 1) ^ self.poly.val();
            } else {
                self.acc.next = self.acc.val() >> 1;
            }
        }
        self.crc_out.next = self.acc.val();
    }
}

/// The software CRC-32 of `bytes` (init 0xFFFFFFFF, reflected, final XOR):
/// the frame's FCS as a number; its little-endian bytes follow the frame on
/// the wire.
pub fn crc32(bytes: &[u8]) -> u32 {
    !crc32_register(0xFFFF_FFFF, bytes)
}

/// The CRC register after `bytes`, starting from `crc` (no final XOR).
pub fn crc32_register(mut crc: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ CRC32_POLY } else { crc >> 1 };
        }
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_check_value() {
        // The catalogue check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn crc32_residue_after_fcs() {
        for frame in [&b"123456789"[..], &[0u8; 60][..], &[0xA5u8; 1514][..]] {
            let mut wire = frame.to_vec();
            wire.extend_from_slice(&crc32(frame).to_le_bytes());
            assert_eq!(crc32_register(0xFFFF_FFFF, &wire), CRC32_RESIDUE);
        }
    }

    #[test]
    fn crc32_step_matches_software() {
        let mut uut = Crc32Step::default();
        uut.connect_all();
        check_all(&uut).unwrap();
        let mut crc = 0xFFFF_FFFFu32;
        for &b in b"The quick brown fox jumps over the lazy dog".iter() {
            uut.crc_in.next = crc.to_bits();
            uut.data.next = b.to_bits();
            assert!(simulate(&mut uut, 20), "the circuit does not settle");
            let want = crc32_register(crc, &[b]);
            assert_eq!(uut.crc_out.val().to_u32(), want, "byte {b:#04x}");
            crc = want;
        }
        assert_eq!(!crc, 0x414F_A339);
    }
}
