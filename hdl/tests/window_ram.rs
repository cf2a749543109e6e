//! `WindowRam` in rust-hdl simulation: frames written beat by beat, every
//! even offset of the head frame's window read back against the frame's
//! bytes; lengths, facts, marks and slot flow control (proptest).

use hdl::stream::frame_beats;
use hdl::window_ram::{WindowRam, SLOTS, WINDOW_RAM_LATENCY};
use proptest::prelude::*;
use rust_hdl::prelude::*;

struct Bench {
    uut: Box<WindowRam>,
}

impl Bench {
    fn new() -> Self {
        let mut uut = Box::new(WindowRam::default());
        uut.connect_all();
        let mut b = Bench { uut };
        b.idle();
        b.cycle();
        b
    }

    fn idle(&mut self) {
        let u = &mut self.uut;
        u.beat.next = false;
        u.last.next = false;
        u.commit.next = false;
        u.frame_done.next = false;
        u.pop.next = false;
    }

    /// One clock: the inputs as set, the outputs sampled before the edge.
    fn cycle(&mut self) {
        self.uut.clock.next = Clock { clk: false };
        assert!(simulate(self.uut.as_mut(), 100), "settles");
        self.uut.clock.next = Clock { clk: true };
        assert!(simulate(self.uut.as_mut(), 100), "settles");
        self.idle();
    }

    /// Write `frame` (the cycle after its last beat, the buffer's facts:
    /// `beats`, not cut); `commit` with its last beat.
    fn write(&mut self, frame: &[u8], ingress: u8, error: bool, commit: bool) {
        let beats = frame_beats(frame);
        assert!(self.uut.ready.val(), "a slot is free");
        for (k, &(data, keep, last)) in beats.iter().enumerate() {
            let u = &mut self.uut;
            u.beat.next = true;
            u.data.next = data.into();
            u.keep.next = u64::from(keep).into();
            u.last.next = last;
            u.error.next = last && error;
            u.ingress.next = u64::from(ingress).into();
            u.commit.next = last && commit;
            assert!(k == 0 || u.ready.val(), "ready inside a frame");
            self.cycle();
        }
        self.uut.frame_done.next = true;
        self.uut.frame_beats.next = (beats.len() as u64).into();
        self.uut.frame_cut.next = false;
        self.cycle();
    }

    /// Bytes 2h..2h+7 of the head frame.
    fn read(&mut self, h: u64) -> u64 {
        self.uut.rd_half.next = h.into();
        for _ in 0..WINDOW_RAM_LATENCY {
            self.cycle();
            self.uut.rd_half.next = h.into();
        }
        self.uut.clock.next = Clock { clk: false };
        assert!(simulate(self.uut.as_mut(), 100), "settles");
        self.uut.rd_data.val().to_u64()
    }
}

fn expected(frame: &[u8], h: usize) -> Option<u64> {
    let bytes = frame.get(2 * h..2 * h + 8)?;
    (2 * h + 8 <= 128).then(|| bytes.iter().fold(0u64, |a, &b| a << 8 | u64::from(b)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn window_ram_reads_every_even_offset_of_the_head_frame(
        frames in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..200), 1..=SLOTS),
        ingress in any::<u8>(),
    ) {
        let mut b = Bench::new();
        for (i, f) in frames.iter().enumerate() {
            b.write(f, ingress.wrapping_add(i as u8), i % 2 == 1, i == 1);
        }
        prop_assert_eq!(b.uut.ready.val(), frames.len() < SLOTS, "ready while a slot is free");
        for (i, f) in frames.iter().enumerate() {
            prop_assert!(b.uut.head_valid.val());
            prop_assert_eq!(b.uut.head_len.val().to_u64(), f.len() as u64);
            let info = b.uut.head_info.val();
            prop_assert_eq!(info.ingress.to_u64(), u64::from(ingress.wrapping_add(i as u8)));
            prop_assert_eq!(info.error, i % 2 == 1);
            prop_assert_eq!(info.beats.to_u64(), f.len().div_ceil(8) as u64);
            prop_assert_eq!(b.uut.head_mark.val(), i == 1, "marked: the frame ending with the commit");
            for h in 0..60 {
                if let Some(want) = expected(f, h) {
                    prop_assert_eq!(b.read(h as u64), want, "frame {} bytes {}..", i, 2 * h);
                }
            }
            b.uut.pop.next = true;
            b.cycle();
        }
        prop_assert!(!b.uut.head_valid.val());
        prop_assert!(b.uut.ready.val());
    }
}

/// Lengths count every beat's bytes, past the window too, and saturate.
#[test]
fn window_ram_counts_long_frames() {
    let mut b = Bench::new();
    let frame: Vec<u8> = (0..9200u32).map(|i| i as u8).collect();
    b.write(&frame, 0, false, false);
    assert_eq!(b.uut.head_len.val().to_u64(), 9200);
    assert_eq!(b.read(60), expected(&frame, 60).unwrap(), "the window holds the first 128 bytes");
}
