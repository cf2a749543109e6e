//! `EthMacRx` against the software model: GMII wire images with an FCS
//! computed here go in, the stream must carry the frame without FCS and the
//! error flag exactly when the FCS is wrong, `rx_er` was seen, or the
//! frame is a runt.

mod eth_mac_wire;

use eth_mac_wire::*;
use hdl::eth_mac_rx::EthMacRx;
use model::frame_build::Rng;
use rust_hdl::prelude::*;

fn new_mac() -> EthMacRx {
    let mut uut = EthMacRx::default();
    uut.connect_all();
    check_all(&uut).unwrap();
    uut
}

/// Runs GMII cycles through the MAC with `ready(t)` as `m_tready`; returns
/// the frames on the stream.
fn receive(cycles: &[GmiiByte], ready: impl Fn(usize) -> bool) -> Vec<(Vec<u8>, bool)> {
    let mut uut = new_mac();
    let mut sink = StreamSink::default();
    let idle = vec![(0u8, false, false); 40];
    for (t, &(b, dv, er)) in cycles.iter().chain(idle.iter()).enumerate() {
        let r = ready(t);
        cycle(
            &mut uut,
            |u, c| u.clock.next = c.into(),
            |u| {
                u.gmii_rxd.next = b.to_bits();
                u.gmii_rx_dv.next = dv;
                u.gmii_rx_er.next = er;
                u.m_tready.next = r;
            },
            |u| {
                if u.m_tvalid.val() && r {
                    sink.beat(u.m_tdata.val().to_u64(), u.m_tkeep.val().to_u8(), u.m_tlast.val(), u.m_tuser.val());
                }
            },
        );
    }
    sink.frames
}

#[test]
fn eth_mac_rx_capture_frames() {
    let frames: Vec<Vec<u8>> = test_frames().iter().map(|f| padded(f)).collect();
    assert!(!frames.is_empty());
    // Minimum gap (12) between frames.
    let cycles: Vec<GmiiByte> = frames.iter().flat_map(|f| gmii(&wire(f), 12)).collect();
    let got = receive(&cycles, |_| true);
    let want: Vec<(Vec<u8>, bool)> = frames.into_iter().map(|f| (f, false)).collect();
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "frame {i}");
    }
}

#[test]
fn eth_mac_rx_every_length_and_runts() {
    // Unpadded lengths 1..=80: below 60 bytes (64 with FCS) a runt.
    let mut rng = Rng::new(5);
    let frames: Vec<Vec<u8>> = (1..=80).map(|n| random_frame(&mut rng, n)).collect();
    let cycles: Vec<GmiiByte> = frames.iter().flat_map(|f| gmii(&wire(f), 12)).collect();
    let got = receive(&cycles, |_| true);
    let want: Vec<(Vec<u8>, bool)> = frames.into_iter().map(|f| { let runt = f.len() < 60; (f, runt) }).collect();
    assert_eq!(got, want);
}

#[test]
fn eth_mac_rx_bad_fcs_and_rx_er() {
    let mut rng = Rng::new(9);
    let good = random_frame(&mut rng, 100);
    let mut cycles = gmii(&wire(&good), 12);
    // Each FCS byte and a data byte flipped in turn.
    for pos in [8 + 13, 8 + 100, 8 + 101, 8 + 102, 8 + 103] {
        let mut w = wire(&good);
        w[pos] ^= 0x10;
        cycles.extend(gmii(&w, 12));
    }
    // rx_er during the frame, data intact.
    let mut with_er = gmii(&wire(&good), 12);
    with_er[40].2 = true;
    cycles.extend(with_er);
    // rx_er outside rx_dv (carrier extension, false carrier) is no error.
    let mut idle_er = gmii(&wire(&good), 12);
    idle_er[8 + 104 + 3].2 = true;
    cycles.extend(idle_er);
    let got = receive(&cycles, |_| true);
    let mut flipped = good.clone();
    flipped[13] ^= 0x10;
    let want = vec![
        (good.clone(), false),
        (flipped, true),
        (good.clone(), true),
        (good.clone(), true),
        (good.clone(), true),
        (good.clone(), true),
        (good.clone(), true),
        (good.clone(), false),
    ];
    assert_eq!(got, want);
}

#[test]
fn eth_mac_rx_preamble_variants() {
    let mut rng = Rng::new(3);
    let a = random_frame(&mut rng, 64);
    let b = random_frame(&mut rng, 64);
    let mut cycles = Vec::new();
    // A short preamble (PHYs may eat a few bytes): accepted.
    cycles.extend(gmii(&wire(&a)[3..], 12));
    // A burst that does not start with a preamble: ignored whole.
    cycles.extend(gmii(&[0x12, 0x55, 0xD5, 1, 2, 3, 4, 5, 6, 7, 8, 9], 12));
    // A frame of four bytes after the SFD (FCS only): nothing to deliver.
    cycles.extend(gmii(&[0x55, 0x55, 0xD5, 1, 2, 3, 4], 12));
    cycles.extend(gmii(&wire(&b), 12));
    let got = receive(&cycles, |_| true);
    assert_eq!(got, vec![(a, false), (b, false)]);
}

#[test]
fn eth_mac_rx_short_gaps() {
    // The last beat leaves a cycle after rx_dv falls (state End): a burst
    // that starts in that cycle or the next must still be received whole.
    let mut rng = Rng::new(11);
    let frames: Vec<Vec<u8>> = (0..12).map(|i| random_frame(&mut rng, 60 + 7 * i)).collect();
    for gap in 1..=3 {
        let cycles: Vec<GmiiByte> = frames.iter().flat_map(|f| gmii(&wire(f), gap)).collect();
        let got = receive(&cycles, |_| true);
        let want: Vec<(Vec<u8>, bool)> = frames.iter().map(|f| (f.clone(), false)).collect();
        assert!(got == want, "gap {gap}: frames differ");
    }
}

#[test]
fn eth_mac_rx_backpressure() {
    let frames: Vec<Vec<u8>> = test_frames().iter().take(12).map(|f| padded(f)).collect();
    let cycles: Vec<GmiiByte> = frames.iter().flat_map(|f| gmii(&wire(f), 12)).collect();
    // Ready one cycle in eight: every beat waits up to 7 cycles, none lost.
    let got = receive(&cycles, |t| t % 8 == 7);
    let want: Vec<(Vec<u8>, bool)> = frames.iter().map(|f| (f.clone(), false)).collect();
    assert!(got == want, "ready 1 in 8: frames differ");
    // Ready low for 40 cycles in the middle of the first frame: beats are
    // overwritten, the frame is flagged, its end and the next frames intact.
    let got = receive(&cycles, |t| !(30..70).contains(&t));
    assert_eq!(got.len(), frames.len());
    assert!(got[0].1, "a frame that lost beats must carry the error flag");
    assert!(got[0].0.len() < frames[0].len());
    assert!(got[1..] == want[1..], "frames after the damaged one differ");
}
