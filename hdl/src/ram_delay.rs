//! `RamDelay<D, N>`: a delay line of `N` cycles (2 ..= 16) held in a
//! 16-entry RAM instead of `N` flip-flop copies, for pipelines that move
//! every cycle.
//!
//! Ports: `clock`; `data_in` → `data_out`: `data_out` in cycle t + N is
//! `data_in` of cycle t, as from a chain of N flip-flops (latency N). Both
//! read 0 until the line has filled.
//!
//! Why: the header window and the outer addresses wait four cycles for
//! IcmpError; as flip-flop copies that was about 3,300 of the core's 16,300
//! flip-flops, the ECP5-25F's scarcest resource (the Colorlight board was at
//! 69%, and nextpnr's placer stalled at 70%). Every cycle writes `data_in`
//! at a free-running pointer and reads the entry written N - 1 cycles
//! before into the read register; Yosys maps a 16-entry RAM with a
//! registered read to LUT RAM on ECP5 (TRELLIS_DPR16X4, 16 entries of 4
//! bits, beside the read register), so only the last of the N copies stays
//! in flip-flops. iCE40 has no LUT RAM: there Yosys takes block RAMs. A
//! read never meets the write of the same entry (N - 1 >= 1 cycles apart).

use std::collections::BTreeMap;

use rust_hdl::prelude::*;

/// Entries of the RAM: the longest delay.
const DEPTH: usize = 16;

#[derive(LogicBlock)]
pub struct RamDelay<D: Synth, const N: usize> {
    pub clock: Signal<In, Clock>,
    pub data_in: Signal<In, D>,
    pub data_out: Signal<Out, D>,
    ram: RAM<D, 4>,
    /// The entry written this cycle.
    wr: DFF<Bits<4>>,
    /// -(N - 1) modulo 16: from the write pointer to the entry read.
    back: Constant<Bits<4>>,
}

impl<D: Synth, const N: usize> Default for RamDelay<D, N> {
    fn default() -> Self {
        assert!((2..=DEPTH).contains(&N), "a RamDelay delays 2 to {DEPTH} cycles");
        // Zeros from configuration on, as flip-flops would start.
        let zeros: BTreeMap<Bits<4>, D> = (0..DEPTH).map(|i| ((i as u64).into(), D::default())).collect();
        Self {
            clock: Default::default(),
            data_in: Default::default(),
            data_out: Default::default(),
            ram: RAM::new(zeros),
            wr: Default::default(),
            back: Constant::new((((DEPTH + 1 - N) % DEPTH) as u64).into()),
        }
    }
}

impl<D: Synth, const N: usize> Logic for RamDelay<D, N> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, wr);
        self.ram.read_clock.next = self.clock.val();
        self.ram.write_clock.next = self.clock.val();
        self.ram.write_enable.next = true;
        self.ram.write_address.next = self.wr.q.val();
        self.ram.write_data.next = self.data_in.val();
        self.ram.read_address.next = self.wr.q.val() + self.back.val();
        self.wr.d.next = self.wr.q.val() + 1;
        self.data_out.next = self.ram.read_data.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against a chain of flip-flops: random words in, every cycle compared.
    fn matches_a_chain<const N: usize>() {
        let mut uut = RamDelay::<Bits<32>, N>::default();
        uut.connect_all();
        check_all(&mut uut).unwrap();
        let mut chain = std::collections::VecDeque::from(vec![0u32; N]);
        let mut x = 0x1234_5678u32;
        for cycle in 0..200 {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            uut.data_in.next = x.to_bits();
            uut.clock.next = Clock { clk: false };
            assert!(simulate(&mut uut, 100));
            assert_eq!(uut.data_out.val().index() as u32, chain[0], "N = {N}, cycle {cycle}");
            uut.clock.next = Clock { clk: true };
            assert!(simulate(&mut uut, 100));
            chain.pop_front();
            chain.push_back(x);
        }
    }

    #[test]
    fn ram_delay_matches_a_flip_flop_chain() {
        matches_a_chain::<2>();
        matches_a_chain::<4>();
        matches_a_chain::<16>();
    }
}
