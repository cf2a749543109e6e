//! The Colorlight board's portable top with the MACs in the loop: frames
//! go in as GMII (preamble, FCS computed here) on one port and must come
//! out of the port the model chooses, as the model rewrites them, padded
//! and with a correct FCS. All clocks run in step here (the FIFOs' clock
//! crossing is rust-hdl's AsynchronousFIFO, exercised in lock step).

use flowdist_boards::colorlight_5a_75b::Colorlight5a75bCore;
use hdl::crc32::crc32;
use model::frame_build::demo_traffic;
use model::{Config, Distributor};
use rust_hdl::prelude::*;

fn wire(frame: &[u8]) -> Vec<u8> {
    let mut w = vec![0x55; 7];
    w.push(0xD5);
    w.extend_from_slice(frame);
    w.extend_from_slice(&crc32(frame).to_le_bytes());
    w
}

fn padded(frame: &[u8]) -> Vec<u8> {
    let mut f = frame.to_vec();
    f.resize(f.len().max(60), 0);
    f
}

fn bursts(cycles: &[(u8, bool)]) -> Vec<Vec<u8>> {
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

#[test]
fn colorlight_5a_75b_frames_through_macs_and_core() {
    // The whole board is one large struct: build and run it on a big stack.
    std::thread::Builder::new().stack_size(512 << 20).spawn(board_run).unwrap().join().unwrap();
}

fn board_run() {
    let config = Config::load(concat!(env!("CARGO_MANIFEST_DIR"), "/colorlight_5a_75b.toml").as_ref()).unwrap();
    let model = Distributor::new(&config);
    let mut uut = Box::new(Colorlight5a75bCore::new(&config).unwrap());
    uut.connect_all();
    check_all(uut.as_ref()).unwrap();
    // Network frames on port 0; two of them again on port 1 (TMM side,
    // bypass to port 0).
    let frames: Vec<Vec<u8>> = demo_traffic(5, 3).iter().take(8).map(|f| padded(f)).collect();
    let mut inputs: Vec<(u8, Vec<u8>)> = frames.iter().map(|f| (0, f.clone())).collect();
    inputs.push((1, frames[0].clone()));
    inputs.push((1, frames[1].clone()));
    let mut line0: Vec<(u8, bool)> = Vec::new();
    let mut line1: Vec<(u8, bool)> = Vec::new();
    let mut want: [Vec<Vec<u8>>; 2] = [Vec::new(), Vec::new()];
    for (port, f) in &inputs {
        let line = if *port == 0 { &mut line0 } else { &mut line1 };
        line.extend(wire(f).into_iter().map(|b| (b, true)));
        line.extend(std::iter::repeat((0, false)).take(12));
        let d = model.classify_rx(f, *port, false);
        let out = model.egress().egress_frame(f, &d).into_owned();
        want[usize::from(d.port != 0)].push(wire(&padded(&out)));
    }
    // Enough for every frame to leave eth1 after the last one came in.
    let total = line0.len().max(line1.len()) + want[1].iter().map(|w| w.len() + 12).sum::<usize>() + 200;
    let (mut tx0, mut tx1) = (Vec::new(), Vec::new());
    for t in 0..total {
        for (clock, edge) in [(false, false), (true, true)] {
            uut.clock.next = clock.into();
            uut.rx0_clock.next = clock.into();
            uut.rx1_clock.next = clock.into();
            if !edge {
                let (b0, dv0) = line0.get(t).copied().unwrap_or((0, false));
                let (b1, dv1) = line1.get(t).copied().unwrap_or((0, false));
                uut.gmii0_rxd.next = b0.to_bits();
                uut.gmii0_rx_dv.next = dv0;
                uut.gmii0_rx_er.next = false;
                uut.gmii1_rxd.next = b1.to_bits();
                uut.gmii1_rx_dv.next = dv1;
                uut.gmii1_rx_er.next = false;
                uut.uart_rx.next = true;
            }
            assert!(simulate(uut.as_mut(), 100), "the circuit does not settle");
            if !edge {
                assert!(!uut.gmii0_tx_er.val() && !uut.gmii1_tx_er.val(), "tx_er at cycle {t}");
                tx0.push((uut.gmii0_txd.val().to_u8(), uut.gmii0_tx_en.val()));
                tx1.push((uut.gmii1_txd.val().to_u8(), uut.gmii1_tx_en.val()));
            }
        }
    }
    let got = [bursts(&tx0), bursts(&tx1)];
    for p in 0..2 {
        assert_eq!(got[p].len(), want[p].len(), "frames out of eth{p}");
        let mut g = got[p].clone();
        let mut w = want[p].clone();
        // Frames of the two ingress ports may interleave: compare as sets.
        g.sort();
        w.sort();
        assert!(g == w, "eth{p}: frames differ from the model's");
    }
    assert!(!want[0].is_empty() && !want[1].is_empty(), "the test must use both egress ports");
}
