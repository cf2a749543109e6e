//! PacketBuffer: every frame comes out byte for byte (MAC rewritten when its
//! decision says so) with its decision, in order, under idle gaps and
//! backpressure; back-to-back frames never stall the input; a frame longer
//! than the ring is cut and flagged; at most `max_frames` frames wait for
//! their decision.

use std::collections::VecDeque;

use hdl::packet_buffer::PacketBuffer;
use hdl::stream::{frame_beats, Egress};
use model::frame_build::Rng;
use rust_hdl::prelude::*;

struct Bench<const A: usize> {
    uut: Box<PacketBuffer<A>>,
    rng: Rng,
    cycle: u64,
}

struct Expect {
    data: Vec<u8>,
    meta: Egress,
    cut: bool,
}

impl<const A: usize> Bench<A> {
    fn new(seed: u64) -> Self {
        let mut uut = Box::new(PacketBuffer::<A>::new(16));
        uut.connect_all();
        check_all(uut.as_mut()).unwrap();
        Bench { uut, rng: Rng::new(seed), cycle: 0 }
    }

    fn settle(&mut self) {
        assert!(simulate(self.uut.as_mut(), 100));
    }

    /// Frames through the buffer; decisions become available `delay` cycles
    /// after frame_done. Returns the input stall cycles.
    /// Stalls of the input, and the most frames waiting for their decision
    /// (last beat in, decision not yet popped) at any time.
    fn run(&mut self, frames: &[Vec<u8>], gap: u64, ready: u64, delay: u64) -> (u64, usize) {
        let mut beats: VecDeque<(usize, u64, u8, bool)> = frames
            .iter()
            .enumerate()
            .flat_map(|(n, f)| frame_beats(f).into_iter().map(move |(d, k, l)| (n, d, k, l)))
            .collect();
        let mut expect: VecDeque<Expect> = VecDeque::new();
        let mut decisions: VecDeque<(u64, Egress)> = VecDeque::new();
        let mut done_frames = 0usize;
        let mut out_bytes = Vec::new();
        let mut out_meta: Option<Egress> = None;
        let mut received = 0usize;
        let mut stalls = 0;
        let (mut waiting, mut most_waiting) = (0usize, 0usize);
        let mut offering = false;
        while received < frames.len() {
            assert!(self.cycle < 1_000_000, "stuck");
            if !offering && !beats.is_empty() && self.rng.below(100) >= gap {
                offering = true;
            }
            let u = &mut self.uut;
            u.in_valid.next = offering;
            if let Some(&(_, d, k, l)) = beats.front() {
                u.in_data.next = d.into();
                u.in_keep.next = (k as u64).into();
                u.in_last.next = l;
            }
            let head = decisions.front().filter(|(at, _)| *at <= self.cycle).map(|(_, e)| *e);
            u.decision_valid.next = head.is_some();
            u.decision.next = head.unwrap_or_default();
            u.out_ready.next = self.rng.below(100) < ready;
            self.settle();
            let u = &mut self.uut;
            if u.frame_done.val() {
                let n = done_frames;
                done_frames += 1;
                let frame = &frames[n];
                let rewrite = self.rng.below(2) == 0;
                let mac: [u8; 6] = std::array::from_fn(|_| self.rng.below(256) as u8);
                let meta = Egress {
                    port: (n as u64 & 0xFF).into(),
                    verdict: self.rng.below(8).into(),
                    inner: self.rng.below(2) == 0,
                    group: self.rng.below(256).into(),
                    hash: self.rng.below(1 << 32).into(),
                    tmm: self.rng.below(256).into(),
                    rewrite,
                    mac: mac.iter().fold(0u64, |a, &b| (a << 8) | b as u64).into(),
                    beats: u.frame_beats.val(),
                };
                let cut = frame.len() > (8 << A);
                assert_eq!(u.frame_cut.val(), cut, "frame {n}");
                let mut data = frame[..frame.len().min(8 << A)].to_vec();
                // The rewrite covers the lanes the first beat has: a frame
                // under 6 bytes gets the MAC's first bytes (the core never
                // asks for it: such a frame is malformed).
                if rewrite {
                    let n = data.len().min(6);
                    data[..n].copy_from_slice(&mac[..n]);
                }
                expect.push_back(Expect { data, meta, cut });
                decisions.push_back((self.cycle + delay, meta));
            }
            if offering {
                if u.in_ready.val() {
                    waiting += beats.front().is_some_and(|b| b.3) as usize;
                    beats.pop_front();
                    offering = false;
                } else {
                    stalls += 1;
                }
            }
            if u.decision_pop.val() {
                assert!(head.is_some(), "pop without a decision");
                decisions.pop_front();
                waiting -= 1;
            }
            most_waiting = most_waiting.max(waiting);
            if u.out_valid.val() && u.out_ready.val() {
                let meta = u.out_meta.val();
                if let Some(m) = out_meta {
                    assert_eq!(m, meta, "sideband stable through the frame");
                }
                out_meta = Some(meta);
                let d = u.out_data.val().to_u64();
                for k in 0..u.out_keep.val().to_u8().count_ones() {
                    out_bytes.push((d >> (8 * k)) as u8);
                }
                if u.out_last.val() {
                    let e = expect.pop_front().expect("a frame out before its decision");
                    assert_eq!(out_meta.unwrap(), e.meta, "frame {received}");
                    assert_eq!(out_bytes, e.data, "frame {received} (cut {})", e.cut);
                    out_bytes.clear();
                    out_meta = None;
                    received += 1;
                }
            }
            self.uut.clock.next = Clock { clk: true };
            self.settle();
            self.uut.clock.next = Clock { clk: false };
            self.settle();
            self.cycle += 1;
        }
        (stalls, most_waiting)
    }
}

fn random_frames(rng: &mut Rng, n: usize, max: u64) -> Vec<Vec<u8>> {
    (0..n).map(|_| {
        let len = 1 + rng.below(max) as usize;
        rng.bytes(len)
    }).collect()
}

#[test]
fn packet_buffer_back_to_back_minimum_frames_never_stall() {
    let mut b = Bench::<11>::new(1);
    let frames: Vec<Vec<u8>> = (0..200).map(|i| vec![i as u8; 64]).collect();
    let (stalls, _) = b.run(&frames, 0, 100, 12);
    assert_eq!(stalls, 0);
}

#[test]
fn packet_buffer_gaps_and_backpressure() {
    let mut b = Bench::<11>::new(2);
    let mut rng = Rng::new(3);
    let mut frames = random_frames(&mut rng, 150, 300);
    frames.push(vec![0x55; 9200]);
    frames.extend(random_frames(&mut rng, 20, 100));
    b.run(&frames, 30, 60, 15);
}

#[test]
fn packet_buffer_holds_at_most_max_frames_waiting_for_a_decision() {
    // One-beat frames back to back whose decisions come 60 cycles late:
    // the input stops at 16 (the bench's `max_frames`) frames waiting, and
    // no earlier than 15 (a pop counts a cycle late).
    let mut b = Bench::<11>::new(6);
    let frames: Vec<Vec<u8>> = (0..300).map(|i| vec![i as u8; 8]).collect();
    let (stalls, most) = b.run(&frames, 0, 100, 60);
    assert!(stalls > 0, "the input never stalled");
    assert!((15..=16).contains(&most), "{most} frames waited for a decision");
}

#[test]
fn packet_buffer_cuts_frames_longer_than_the_ring() {
    // 2^6 beats = 512 bytes.
    let mut b = Bench::<6>::new(4);
    let mut rng = Rng::new(5);
    let mut frames = random_frames(&mut rng, 10, 100);
    frames.push(rng.bytes(512));
    frames.push(rng.bytes(513));
    frames.push(rng.bytes(2000));
    frames.extend(random_frames(&mut rng, 10, 100));
    b.run(&frames, 10, 70, 5);
}
