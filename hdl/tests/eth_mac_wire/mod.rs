//! Shared by the MAC tests: test frames (the shared captures, or generated
//! ones when the folder is absent), GMII wire images with a software FCS,
//! and a clock-cycle driver for rust-hdl blocks without testbench threads.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::path::Path;

use hdl::crc32::crc32;
use model::frame_build::{demo_traffic, Rng};
use rust_hdl::prelude::*;

/// Captures with Ethernet frames of every kind (VLAN, IPv6, ICMP, TCP).
const CAPTURES: [&str; 4] = [
    "zeek-http-vlan-0.pcap",
    "sanders-http_ip4and6.pcapng",
    "zeek-icmp_dot1q.pcap",
    "zeek-get-to-ssh-server.pcap",
];

/// Frames for the tests: from the shared captures when present (a note
/// is printed when they are not), else the model's demo traffic.
pub fn test_frames() -> Vec<Vec<u8>> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/pcaps"));
    if !dir.is_dir() {
        eprintln!("note: {} absent, using generated frames", dir.display());
        return demo_traffic(7, 6);
    }
    CAPTURES
        .iter()
        .flat_map(|name| {
            model::capture::read_all(&dir.join(name))
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .into_iter()
                .map(|f| f.data)
        })
        .collect()
}

/// Random frames of `len` bytes (an Ethernet header's worth of random
/// bytes is as good as any for the MAC).
pub fn random_frame(rng: &mut Rng, len: usize) -> Vec<u8> {
    rng.bytes(len)
}

/// A frame padded to the 60-byte minimum, as a sending MAC does.
pub fn padded(frame: &[u8]) -> Vec<u8> {
    let mut f = frame.to_vec();
    if f.len() < 60 {
        f.resize(60, 0);
    }
    f
}

/// One GMII cycle: (rxd/txd, dv/en, er).
pub type GmiiByte = (u8, bool, bool);

/// The wire image of `frame` as sent: preamble, SFD, frame, FCS (no
/// padding: the caller pads when it wants a legal frame).
pub fn wire(frame: &[u8]) -> Vec<u8> {
    let mut w = vec![0x55; 7];
    w.push(0xD5);
    w.extend_from_slice(frame);
    w.extend_from_slice(&crc32(frame).to_le_bytes());
    w
}

/// GMII cycles for a wire image followed by `gap` idle cycles.
pub fn gmii(wire: &[u8], gap: usize) -> Vec<GmiiByte> {
    wire.iter().map(|&b| (b, true, false)).chain(std::iter::repeat((0, false, false)).take(gap)).collect()
}

/// One clock cycle: `drive` sets the inputs with the clock low, the
/// circuit settles, `sample` reads the outputs (the values the next edge
/// will act on), then the rising edge.
pub fn cycle<U: Block>(uut: &mut U, clock: impl Fn(&mut U, bool), drive: impl FnOnce(&mut U), sample: impl FnOnce(&U)) {
    clock(uut, false);
    drive(uut);
    assert!(simulate(uut, 50), "the circuit does not settle");
    sample(uut);
    clock(uut, true);
    assert!(simulate(uut, 50), "the circuit does not settle");
}

/// Frames collected from a 64-bit stream: (bytes, tuser on the last beat).
#[derive(Default)]
pub struct StreamSink {
    bytes: Vec<u8>,
    pub frames: Vec<(Vec<u8>, bool)>,
}

impl StreamSink {
    /// Takes one beat (call only when valid and ready are both high).
    pub fn beat(&mut self, data: u64, keep: u8, last: bool, user: bool) {
        assert!(keep != 0 && (keep & (keep.wrapping_add(1))) == 0, "tkeep {keep:#04x} not contiguous from lane 0");
        assert!(last || keep == 0xFF, "partial beat {keep:#04x} before the last");
        for k in 0..8 {
            if keep >> k & 1 == 1 {
                self.bytes.push((data >> (8 * k)) as u8);
            }
        }
        if last {
            self.frames.push((std::mem::take(&mut self.bytes), user));
        } else {
            assert!(!user, "tuser set on a beat that is not the last");
        }
    }
}

/// Splits GMII transmit cycles into bursts (tx_en high): (bytes, any er).
pub fn bursts(cycles: &[GmiiByte]) -> Vec<(Vec<u8>, bool, usize)> {
    let mut out = Vec::new();
    let mut cur: Option<(Vec<u8>, bool, usize)> = None;
    for (t, &(b, en, er)) in cycles.iter().enumerate() {
        if en {
            let c = cur.get_or_insert_with(|| (Vec::new(), false, t));
            c.0.push(b);
            c.1 |= er;
        } else if let Some(c) = cur.take() {
            out.push(c);
        }
    }
    out.extend(cur);
    out
}
