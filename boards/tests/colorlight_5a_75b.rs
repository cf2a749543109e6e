//! The Colorlight board's portable top with the MACs in the loop: frames
//! go in as GMII (preamble, FCS computed here) on one port and must come
//! out of the port the model chooses, as the model rewrites them, padded
//! and with a correct FCS. All clocks run in step here (the FIFOs' clock
//! crossing across unrelated clocks is tests/beat_fifo.rs).

mod support;

use flowdist_boards::colorlight_5a_75b::Colorlight5a75bCore;
use model::frame_build::demo_traffic;
use model::{Config, Distributor};
use rust_hdl::prelude::*;
use support::{on_big_stack, padded, run_two_port, send, wire, Line};

#[test]
fn colorlight_5a_75b_frames_through_macs_and_core() {
    on_big_stack(board_run);
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
    let mut lines: [Line; 2] = [Vec::new(), Vec::new()];
    let mut want: [Vec<Vec<u8>>; 2] = [Vec::new(), Vec::new()];
    for (port, f) in &inputs {
        send(&mut lines[usize::from(*port)], f, None, 12);
        let d = model.classify_rx(f, *port, false);
        let out = model.egress().egress_frame(f, &d).into_owned();
        want[usize::from(d.port != 0)].push(wire(&padded(&out)));
    }
    // Enough for every frame to leave eth1 after the last one came in.
    let total = lines[0].len().max(lines[1].len()) + want[1].iter().map(|w| w.len() + 12).sum::<usize>() + 200;
    let got = run_two_port(&mut uut, &lines, total);
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
