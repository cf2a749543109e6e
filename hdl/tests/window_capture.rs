//! WindowCapture against the frame bytes: head and granules (the first 128
//! bytes, zeros past the frame), length, error flag and ingress port,
//! `WINDOW_CAPTURE_LATENCY` cycles after the last beat, with and without
//! idle cycles between beats, and for 1-beat frames every cycle.

use hdl::eth_parse::{granules, head};
use hdl::stream::frame_beats;
use hdl::window_capture::{WindowCapture, WINDOW_CAPTURE_LATENCY};
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

/// One frame as sent, with what the capture must report for it.
struct Sent {
    frame: Vec<u8>,
    error: bool,
    ingress: u8,
}

/// One input cycle: a beat (data, keep, last) of frame `n`, or idle.
struct Cycle {
    beat: Option<(usize, u64, u8, bool)>,
}

/// Send frames of the lengths `lens` (random bytes, error flag and
/// ingress), with random idle cycles between beats when `gaps`, and check
/// every cycle's strobe and every frame's outputs.
fn run(lens: &[usize], gaps: bool, seed: u64) {
    let mut uut = WindowCapture::default();
    uut.connect_all();
    check_all(&mut uut).unwrap();
    let mut rng = Rng::new(seed);
    let mut sent = Vec::new();
    let mut cycles = Vec::new();
    for (n, &len) in lens.iter().enumerate() {
        let frame = rng.bytes(len);
        for (data, keep, last) in frame_beats(&frame) {
            while gaps && rng.below(3) == 0 {
                cycles.push(Cycle { beat: None });
            }
            cycles.push(Cycle { beat: Some((n, data, keep, last)) });
        }
        sent.push(Sent { frame, error: rng.below(4) == 0, ingress: rng.below(256) as u8 });
    }
    // The outputs of the last frame come out after the input ends.
    let idle = WINDOW_CAPTURE_LATENCY - 1;
    cycles.extend((0..idle).map(|_| Cycle { beat: None }));
    let mut strobes = 0;
    for c in 0..cycles.len() {
        match cycles[c].beat {
            Some((n, data, keep, last)) => {
                uut.beat.next = true;
                // Lanes outside tkeep carry garbage: it must not reach the window.
                let garbage = if keep == 0xFF { 0 } else { !0u64 << (8 * keep.count_ones()) };
                uut.data.next = (data | garbage).into();
                uut.keep.next = (keep as u64).into();
                uut.last.next = last;
                // tuser and the ingress port count at the last beat only.
                uut.error.next = if last { sent[n].error } else { rng.below(2) == 0 };
                uut.ingress.next = (if last { sent[n].ingress } else { rng.below(256) as u8 } as u64).into();
            }
            None => {
                uut.beat.next = false;
                uut.data.next = rng.next_u64().into();
                uut.keep.next = (rng.below(256) as u64).into();
                uut.last.next = rng.below(2) == 0;
            }
        }
        clock(&mut uut);
        // The outputs now show the beat of cycle c + 1 − latency.
        let Some(from) = (c + 1).checked_sub(WINDOW_CAPTURE_LATENCY) else {
            assert!(!uut.strobe_out.val(), "cycle {c}: no strobe before the first frame");
            continue;
        };
        let done = match cycles[from].beat {
            Some((n, _, _, true)) => Some(n),
            _ => None,
        };
        assert_eq!(uut.strobe_out.val(), done.is_some(), "cycle {c}: strobe exactly {WINDOW_CAPTURE_LATENCY} after the last beat");
        let Some(n) = done else { continue };
        strobes += 1;
        let Sent { frame, error, ingress } = &sent[n];
        let len = frame.len();
        assert_eq!(uut.head.val(), head(frame), "frame {n} (len {len}): bytes 0 and 1");
        for (j, (w, want)) in uut.window.iter().zip(granules(frame)).enumerate() {
            assert_eq!(w.val(), want, "frame {n} (len {len}) granule {j}");
        }
        assert_eq!(uut.frame_len.val().index(), len.min(65535), "frame {n}");
        assert_eq!(uut.mac_error.val(), *error, "frame {n}");
        assert_eq!(uut.ingress_out.val().to_u8(), *ingress, "frame {n}");
    }
    assert_eq!(strobes, lens.len(), "one strobe per frame");
}

/// Edge lengths, around the 65535-byte saturation too (8191 full beats +
/// 7, + 8, more, and past 2^14 beats, where the count's low bits wrap),
/// then random ones.
fn lens(seed: u64) -> Vec<usize> {
    let mut rng = Rng::new(seed);
    let mut lens = vec![0, 1, 7, 8, 9, 14, 63, 64, 127, 128, 129, 1500, 9200, 65535, 65536, 65537, 70000, 131_080];
    lens.extend((0..200).map(|_| rng.below(300) as usize));
    lens
}

#[test]
fn window_capture_back_to_back() {
    run(&lens(1), false, 1);
}

#[test]
fn window_capture_with_idle_cycles() {
    run(&lens(2), true, 2);
}

/// Frames of 0 to 8 bytes, one beat each, every cycle: a strobe every
/// cycle, each frame's window cleared of the previous one's bytes.
#[test]
fn window_capture_one_beat_frames_every_cycle() {
    let mut rng = Rng::new(3);
    let lens: Vec<usize> = (0..300).map(|_| rng.below(9) as usize).collect();
    run(&lens, false, 3);
}
