//! `RegSlice` with random valid and ready patterns: every beat offered and
//! accepted comes out once and in order, a beat per cycle flows when the
//! sink is always ready, and a stalled sink fills the slice (two beats)
//! before `s_ready` falls.

use flowdist_boards::reg_slice::RegSlice;
use model::frame_build::Rng;
use rust_hdl::prelude::*;

/// Runs `cycles` cycles offering beats 0, 1, 2… when `offer(t)` and taking
/// when `ready(t)`; returns the beats out and the beats accepted.
fn run(cycles: u64, offer: impl Fn(u64) -> bool, ready: impl Fn(u64) -> bool) -> (Vec<u64>, u64) {
    let mut uut = RegSlice::<16>::default();
    uut.connect_all();
    check_all(&uut).unwrap();
    let (mut next, mut out) = (0u64, Vec::new());
    for t in 0..cycles {
        uut.clock.next = false.into();
        let (v, r) = (offer(t), ready(t));
        uut.s_valid.next = v;
        uut.s_data.next = (next & 0xFFFF).to_bits();
        uut.m_ready.next = r;
        assert!(simulate(&mut uut, 50), "the circuit does not settle");
        if v && uut.s_ready.val() {
            next += 1;
        }
        if r && uut.m_valid.val() {
            out.push(uut.m_data.val().to_u64());
        }
        uut.clock.next = true.into();
        assert!(simulate(&mut uut, 50), "the circuit does not settle");
    }
    (out, next)
}

#[test]
fn reg_slice_keeps_every_beat_in_order() {
    for seed in 0..4u64 {
        let (out, accepted) = run(
            3000,
            |t| Rng::new(seed * 100_003 + t).next_u64() % 3 != 0,
            |t| Rng::new(seed * 7_919 + t + 1).next_u64() % 4 != 0,
        );
        assert!(accepted > 1000, "seed {seed}: only {accepted} beats accepted");
        assert!(out.len() as u64 + 2 >= accepted, "seed {seed}: {} of {accepted} out", out.len());
        let want: Vec<u64> = (0..out.len() as u64).collect();
        assert!(out == want, "seed {seed}: beats lost, repeated or reordered");
    }
}

#[test]
fn reg_slice_full_rate_and_two_beat_stall() {
    let (out, accepted) = run(100, |_| true, |_| true);
    assert_eq!(accepted, 100, "a beat per cycle in");
    assert_eq!(out.len(), 99, "a beat per cycle out, one cycle behind");
    // Sink stalled from cycle 10 on: the output and skid entries fill,
    // then nothing more is accepted.
    let (out, accepted) = run(40, |_| true, |t| t < 10);
    assert_eq!(out.len(), 9);
    assert_eq!(accepted, 11, "9 out + output register + skid entry");
}
