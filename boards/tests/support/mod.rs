//! Shared by the board tests: GMII receive lines built from frames
//! (preamble, SFD, FCS computed here), a two-port board block driven
//! cycle by cycle with every clock in step, and the frames read back off
//! its two GMII transmit sides.

use flowdist_boards::colorlight_5a_75b::Colorlight5a75bCore;
use hdl::crc32::crc32;
use rust_hdl::prelude::*;

/// One GMII receive line, per cycle: (rxd, rx_dv, rx_er).
pub type Line = Vec<(u8, bool, bool)>;

/// A frame as it is on the wire: 7 preamble bytes, the SFD, the frame,
/// its FCS.
pub fn wire(frame: &[u8]) -> Vec<u8> {
    let mut w = vec![0x55; 7];
    w.push(0xD5);
    w.extend_from_slice(frame);
    w.extend_from_slice(&crc32(frame).to_le_bytes());
    w
}

/// A frame padded to the 60-byte minimum (without FCS), as the transmit
/// MAC sends it.
pub fn padded(frame: &[u8]) -> Vec<u8> {
    let mut f = frame.to_vec();
    f.resize(f.len().max(60), 0);
    f
}

/// Append `frame` to `line` as GMII cycles, with `rx_er` raised on the
/// cycle of wire byte `error_at` (None: a clean frame), then `gap` idle
/// cycles.
pub fn send(line: &mut Line, frame: &[u8], error_at: Option<usize>, gap: usize) {
    line.extend(wire(frame).into_iter().enumerate().map(|(i, b)| (b, true, error_at == Some(i))));
    line.extend(std::iter::repeat((0, false, false)).take(gap));
}

/// The bytes of each `tx_en` burst of a transmit side, one per cycle.
pub fn bursts(cycles: &[(u8, bool)]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut open = false;
    for &(b, en) in cycles {
        if en {
            if !open {
                out.push(Vec::new());
            }
            out.last_mut().unwrap().push(b);
        }
        open = en;
    }
    out
}

/// Run `body` on a thread with a large stack: a whole board block is one
/// large struct.
pub fn on_big_stack(body: fn()) {
    std::thread::Builder::new().stack_size(512 << 20).spawn(body).unwrap().join().unwrap();
}

/// Drive `lines` into receive ports 0 and 1 of the two-port block (both
/// boards use it; the KCU105 one is an alias) for `cycles` cycles (idle past
/// their ends), UART idle, and return the frames (wire bytes, preamble to
/// FCS) that left transmit ports 0 and 1. Fails on `tx_er`.
pub fn run_two_port(uut: &mut Colorlight5a75bCore, lines: &[Line; 2], cycles: usize) -> [Vec<Vec<u8>>; 2] {
    let (mut tx0, mut tx1) = (Vec::new(), Vec::new());
    for t in 0..cycles {
        for clock in [false, true] {
            uut.clock.next = clock.into();
            uut.rx0_clock.next = clock.into();
            uut.rx1_clock.next = clock.into();
            if !clock {
                let (b0, dv0, er0) = lines[0].get(t).copied().unwrap_or((0, false, false));
                let (b1, dv1, er1) = lines[1].get(t).copied().unwrap_or((0, false, false));
                uut.gmii0_rxd.next = b0.to_bits();
                uut.gmii0_rx_dv.next = dv0;
                uut.gmii0_rx_er.next = er0;
                uut.gmii1_rxd.next = b1.to_bits();
                uut.gmii1_rx_dv.next = dv1;
                uut.gmii1_rx_er.next = er1;
                uut.uart_rx.next = true;
            }
            assert!(simulate(uut, 100), "the circuit does not settle");
            if !clock {
                assert!(!uut.gmii0_tx_er.val() && !uut.gmii1_tx_er.val(), "tx_er at cycle {t}");
                tx0.push((uut.gmii0_txd.val().to_u8(), uut.gmii0_tx_en.val()));
                tx1.push((uut.gmii1_txd.val().to_u8(), uut.gmii1_tx_en.val()));
            }
        }
    }
    [bursts(&tx0), bursts(&tx1)]
}
