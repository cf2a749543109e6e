//! OutputQueue on its own, fed by a two-cycle "RAM" as its readers feed it:
//! entries leave in issue order, none lost or invented, under random issue
//! and pop; `room` is exactly "entries + reads in flight < 4"; with reads
//! issued whenever there is room and the head always taken, one entry
//! leaves per cycle. And DecisionFifo, built on it, against a queue.

use std::collections::VecDeque;

use hdl::output_queue::{OutputQueue, OUTPUT_QUEUE_ENTRIES, OUTPUT_QUEUE_LATENCY};
use hdl::stream::{DecisionFifo, Egress, DECISION_FIFO_LATENCY};
use model::frame_build::Rng;
use rust_hdl::prelude::*;

fn settle<B: Block>(uut: &mut B) {
    assert!(simulate(uut, 100), "the block does not settle");
}

/// Drives the queue for `cycles`; issues with probability `issue_pct` when
/// `room`, pops with `pop_pct`. Returns the values popped, in order, and the
/// cycles in which one was popped.
fn drive_queue(seed: u64, cycles: u64, issue_pct: u64, pop_pct: u64) -> (Vec<u64>, u64) {
    let mut uut = OutputQueue::<Bits<16>>::default();
    uut.connect_all();
    check_all(&mut uut).unwrap();
    let mut rng = Rng::new(seed);
    // What the RAM returns: an issue's value appears two cycles later.
    let mut in_flight: VecDeque<Option<u64>> = VecDeque::from([None, None]);
    let mut next = 0u64;
    let mut popped = Vec::new();
    let mut pop_cycles = 0;
    for _ in 0..cycles {
        let arriving = in_flight.pop_front().expect("two slots");
        let room_model = uut.count.val().index() + in_flight.iter().flatten().count() + usize::from(arriving.is_some());
        uut.clock.next = false.into();
        settle(&mut uut);
        // Entries now + the data arriving this cycle + the one still in the
        // RAM: `room` says whether a third may start.
        let room = uut.room.val();
        assert_eq!(room, room_model < OUTPUT_QUEUE_ENTRIES, "room with {room_model} held or in flight");
        let issue = room && rng.below(100) < issue_pct;
        let pop = rng.below(100) < pop_pct;
        uut.issue.next = issue;
        uut.push_data.next = arriving.unwrap_or(0xdead).to_bits();
        uut.pop.next = pop;
        settle(&mut uut);
        if pop && uut.count.val().index() != 0 {
            popped.push(uut.head.val().index() as u64);
            pop_cycles += 1;
        }
        in_flight.push_back(issue.then(|| {
            next += 1;
            next
        }));
        uut.clock.next = true.into();
        settle(&mut uut);
        assert!(uut.count.val().index() <= OUTPUT_QUEUE_ENTRIES);
        assert_eq!(uut.valid.val(), uut.count.val().index() != 0, "valid is \"the head holds an entry\"");
    }
    (popped, pop_cycles)
}

#[test]
fn output_queue_keeps_order_under_random_issue_and_pop() {
    for seed in 1..=6 {
        let (popped, _) = drive_queue(seed, 3000, 60, 50);
        assert!(popped.len() > 1000, "seed {seed}: only {} entries out", popped.len());
        let want: Vec<u64> = (1..=popped.len() as u64).collect();
        assert_eq!(popped, want, "seed {seed}: entries out of order, lost or invented");
    }
}

#[test]
fn output_queue_sustains_one_entry_per_cycle() {
    let cycles = 1000;
    let (popped, pop_cycles) = drive_queue(7, cycles, 100, 100);
    // The first entry is at the head OUTPUT_QUEUE_LATENCY cycles after the
    // first issue; from then on one leaves every cycle.
    assert_eq!(pop_cycles, cycles - OUTPUT_QUEUE_LATENCY as u64);
    assert_eq!(popped, (1..=pop_cycles).collect::<Vec<_>>());
}

fn record(n: u64) -> Egress {
    Egress {
        port: ((n % 7) as u64).into(),
        hash: ((n.wrapping_mul(0x9e37_79b9) & 0xffff_ffff) as u64).into(),
        beats: ((n % 4000 + 1) as u64).into(),
        ..Egress::default()
    }
}

#[test]
fn decision_fifo_matches_a_queue() {
    let mut uut = Box::new(DecisionFifo::<4>::default());
    uut.connect_all();
    check_all(uut.as_mut()).unwrap();
    let mut rng = Rng::new(11);
    // (cycle written, record) of every record written and not yet read.
    let mut model: VecDeque<(u64, u64)> = VecDeque::new();
    let mut written = 0u64;
    let mut read = 0u64;
    for cycle in 0..6000u64 {
        uut.clock.next = false.into();
        settle(uut.as_mut());
        let empty = uut.empty.val();
        // The head is there exactly when the oldest record was written
        // DECISION_FIFO_LATENCY + 1 cycles ago or earlier.
        let due = model.front().is_some_and(|&(w, _)| cycle >= w + 1 + DECISION_FIFO_LATENCY as u64);
        assert_eq!(!empty, due, "cycle {cycle}: empty {empty} with {} records waiting", model.len());
        let take = !empty && rng.below(100) < 55;
        if !empty {
            assert_eq!(uut.data_out.val(), record(model.front().unwrap().1), "cycle {cycle}: wrong head");
        }
        // Room for 16 in the RAM (the core bounds the frames in flight).
        let write = model.len() < 16 && rng.below(100) < 50;
        uut.read.next = take;
        uut.write.next = write;
        uut.data_in.next = record(written);
        if take {
            model.pop_front();
            read += 1;
        }
        if write {
            model.push_back((cycle, written));
            written += 1;
        }
        settle(uut.as_mut());
        uut.clock.next = true.into();
        settle(uut.as_mut());
    }
    assert!(read > 2000, "only {read} records read");
}
