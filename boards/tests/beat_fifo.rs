//! `BeatFifo` across two unrelated clocks: every beat written comes out
//! once, in order, whatever the two clock periods and the reader's stalls;
//! the writer, which writes only while `room` is high, never overfills it
//! (a lost or repeated beat would break the sequence); `room` falls while
//! the reader stalls and comes back when it drains.

use flowdist_boards::beat_fifo::BeatFifo;
use model::frame_build::Rng;
use rust_hdl::prelude::*;

/// Beat number `seq`: the number in the data bits, bits of it again in the
/// keep, last and user bits.
fn beat(seq: u64) -> Bits<74> {
    bit_cast::<74, 64>(seq.to_bits()) | (bit_cast::<74, 10>(((seq * 0x2A5) & 0x3FF).to_bits()) << 64)
}

/// Runs `steps` time units: the write clock has period `wp`, the read clock
/// `rp` (in units, both even). The writer offers a new beat (a sequence
/// number) when `offer(cycle)` and `room` is high; the reader takes the
/// head when `accept(cycle)`. Returns the beats read and the cycles with
/// `room` low.
fn run(wp: u64, rp: u64, steps: u64, offer: impl Fn(u64) -> bool, accept: impl Fn(u64) -> bool) -> (Vec<u64>, u64, u64) {
    let mut uut = BeatFifo::default();
    uut.connect_all();
    check_all(&uut).unwrap();
    let (mut next, mut out, mut full_cycles) = (0u64, Vec::new(), 0u64);
    for t in 0..steps {
        let (wc, rc) = (t % wp < wp / 2, t % rp < rp / 2);
        // Inputs change at each clock's falling edge, half a period before
        // the rising edge that acts on them.
        if t % wp == wp / 2 {
            let w = t / wp;
            let write = offer(w) && uut.room.val();
            if !uut.room.val() {
                full_cycles += 1;
            }
            uut.write.next = write;
            uut.data_in.next = beat(next);
            if write {
                next += 1;
            }
        }
        if t % rp == rp / 2 {
            let r = t / rp;
            let take = accept(r) && uut.valid.val();
            if take {
                let d = uut.data_out.val();
                let seq = d.get_bits::<64>(0).to_u64();
                assert!(d == beat(seq), "beat {seq}: keep/last/user bits differ");
                out.push(seq);
            }
            uut.take.next = take;
        }
        uut.write_clock.next = wc.into();
        uut.read_clock.next = rc.into();
        assert!(simulate(&mut uut, 50), "the circuit does not settle");
    }
    (out, next, full_cycles)
}

#[test]
fn beat_fifo_unrelated_clocks_keep_every_beat_in_order() {
    // Writer faster, slower and at the same period; beats offered every
    // cycle (more than a receive MAC ever writes) or at random; reader
    // always ready or ready at random.
    for (wp, rp) in [(16, 16), (14, 18), (18, 14), (10, 26), (26, 10)] {
        for seed in 1..=2u64 {
            let rng_w = move |c: u64| Rng::new(seed * 1000 + c).next_u64() % 3 != 0;
            let rng_r = move |c: u64| Rng::new(seed * 7919 + c).next_u64() % 4 != 0;
            let (out, written, _) = run(wp, rp, 40_000, |c| seed == 1 || rng_w(c), |c| seed == 1 || rng_r(c));
            assert!(written > 500, "clocks {wp}/{rp}: only {written} beats written");
            assert!(out.len() as u64 + 520 >= written, "clocks {wp}/{rp}: {} of {written} beats read", out.len());
            let want: Vec<u64> = (0..out.len() as u64).collect();
            assert!(out == want, "clocks {wp}/{rp} seed {seed}: beats lost, repeated or reordered");
        }
    }
}

#[test]
fn beat_fifo_room_falls_on_a_stalled_reader_and_nothing_is_lost() {
    // A beat offered every 4th write cycle (a receive MAC: every 8th); the
    // reader stops for about 4000 write cycles: the FIFO fills up to `room`
    // low without losing a beat, then drains in order.
    let (out, written, full_cycles) = run(14, 18, 160_000, |w| w % 4 == 0, |r| !(100..3200).contains(&r));
    assert!(full_cycles > 1000, "room never fell ({full_cycles} cycles low)");
    assert!(written > 2000, "only {written} beats written");
    let want: Vec<u64> = (0..out.len() as u64).collect();
    assert!(out == want, "beats lost, repeated or reordered");
    assert!(out.len() as u64 + 16 >= written, "the FIFO did not drain: {} of {written}", out.len());
}
