//! WindowCapture against the frame bytes: head and granules (the first 128
//! bytes, zeros past the frame), length, error flag and ingress port, one cycle after the
//! last beat, with and without idle cycles between beats.

use hdl::eth_parse::{granules, head};
use hdl::stream::frame_beats;
use hdl::window_capture::WindowCapture;
use model::frame_build::Rng;
use rust_hdl::prelude::*;

fn settle(uut: &mut WindowCapture) {
    assert!(simulate(uut, 100));
}

fn clock(uut: &mut WindowCapture) {
    settle(uut);
    uut.clock.next = Clock { clk: true };
    settle(uut);
    uut.clock.next = Clock { clk: false };
    settle(uut);
}

fn run(gaps: bool, seed: u64) {
    let mut uut = WindowCapture::default();
    uut.connect_all();
    check_all(&mut uut).unwrap();
    let mut rng = Rng::new(seed);
    // Around the 65535-byte saturation too: 8191 full beats + 7, + 8, more.
    let mut lens: Vec<usize> = vec![0, 1, 7, 8, 9, 14, 63, 64, 127, 128, 129, 1500, 9200, 65535, 65536, 65537, 70000];
    lens.extend((0..200).map(|_| rng.below(300) as usize));
    for (n, &len) in lens.iter().enumerate() {
        let frame = rng.bytes(len);
        let error = rng.below(4) == 0;
        let ingress = rng.below(256) as u8;
        for (data, keep, last) in frame_beats(&frame) {
            while gaps && rng.below(3) == 0 {
                uut.beat.next = false;
                clock(&mut uut);
                assert!(!uut.strobe_out.val());
            }
            uut.beat.next = true;
            // Lanes outside tkeep carry garbage: it must not reach the window.
            let garbage = if keep == 0xFF { 0 } else { !0u64 << (8 * keep.count_ones()) };
            uut.data.next = (data | garbage).into();
            uut.keep.next = (keep as u64).into();
            uut.last.next = last;
            uut.error.next = last && error;
            uut.ingress.next = (ingress as u64).into();
            clock(&mut uut);
            assert_eq!(uut.strobe_out.val(), last, "frame {n}: strobe exactly after the last beat");
        }
        assert_eq!(uut.head.val(), head(&frame), "frame {n} (len {len}): bytes 0 and 1");
        for (j, (w, want)) in uut.window.iter().zip(granules(&frame)).enumerate() {
            assert_eq!(w.val(), want, "frame {n} (len {len}) granule {j}");
        }
        assert_eq!(uut.frame_len.val().index(), len.min(65535), "frame {n}");
        assert_eq!(uut.mac_error.val(), error, "frame {n}");
        assert_eq!(uut.ingress_out.val().to_u8(), ingress, "frame {n}");
    }
}

#[test]
fn window_capture_back_to_back() {
    run(false, 1);
}

#[test]
fn window_capture_with_idle_cycles() {
    run(true, 2);
}
