//! `Counters`: frames per verdict and per egress port, read by address.
//!
//! Ports
//! - in  `clock`; `strobe`, `verdict: Bits<3>` (hdl::verdict_code), `port:
//!   Bits<8>` (egress port): one frame, counted in its verdict's and its
//!   port's counter (ports at or past `PORTS` have no counter).
//! - in  `read_addr: Bits<4>` → out `read_data: Bits<32>` one clock later:
//!   address v < 8 is verdict v's counter, 8 + p is port p's.
//!
//! Counters are 32 bits and wrap; software reads them twice and subtracts.
//! A frame strobed in cycle t shows in a read addressed in cycle t + 2 or
//! later (the strobe is registered once before the increment).

use rust_hdl::prelude::*;

/// Egress ports with a counter.
pub const PORTS: usize = 8;
/// Verdict counters (one per 3-bit verdict code).
pub const VERDICTS: usize = 8;
/// Address of port p's counter: `PORT_BASE + p`.
pub const PORT_BASE: usize = VERDICTS;
const _: () = assert!(VERDICTS == 8 && PORTS == 8, "update() reads the 16 counters as 4 quads");
/// Clocks from `read_addr` to `read_data`.
pub const COUNTERS_READ_LATENCY: usize = 1;
/// Clocks from `strobe` to a counter that a read addressed then returns.
pub const COUNTERS_COUNT_LATENCY: usize = 2;

#[derive(LogicBlock, Default)]
pub struct Counters {
    pub clock: Signal<In, Clock>,
    pub strobe: Signal<In, Bit>,
    pub verdict: Signal<In, Bits<3>>,
    pub port: Signal<In, Bits<8>>,
    pub read_addr: Signal<In, Bits<4>>,
    pub read_data: Signal<Out, Bits<32>>,
    strobe_reg: DFF<Bit>,
    verdict_reg: DFF<Bits<3>>,
    port_reg: DFF<Bits<8>>,
    verdict_count: [DFF<Bits<32>>; VERDICTS],
    port_count: [DFF<Bits<32>>; PORTS],
    quad: [Signal<Local, Bits<32>>; 4],
    read_reg: DFF<Bits<32>>,
}

impl Logic for Counters {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, strobe_reg, verdict_reg, port_reg, read_reg);
        self.strobe_reg.d.next = self.strobe.val();
        self.verdict_reg.d.next = self.verdict.val();
        self.port_reg.d.next = self.port.val();
        for v in 0..VERDICTS {
            self.verdict_count[v].clock.next = self.clock.val();
            self.verdict_count[v].d.next = self.verdict_count[v].q.val();
            if self.strobe_reg.q.val() & (self.verdict_reg.q.val().index() == v) {
                self.verdict_count[v].d.next = self.verdict_count[v].q.val() + 1;
            }
        }
        for p in 0..PORTS {
            self.port_count[p].clock.next = self.clock.val();
            self.port_count[p].d.next = self.port_count[p].q.val();
            if self.strobe_reg.q.val() & (self.port_reg.q.val().index() == p) {
                self.port_count[p].d.next = self.port_count[p].q.val() + 1;
            }
        }
        // The read is a 16:1 mux in two balanced 4:1 levels (by address bits
        // [1:0], then [3:2]): an if-chain over all 16 is four LUT levels.
        for q in 0..4 {
            self.quad[q].next = 0.into();
        }
        for i in 0..4 {
            if self.read_addr.val().get_bits::<2>(0).index() == i {
                self.quad[0].next = self.verdict_count[i].q.val();
                self.quad[1].next = self.verdict_count[i + 4].q.val();
                self.quad[2].next = self.port_count[i].q.val();
                self.quad[3].next = self.port_count[i + 4].q.val();
            }
        }
        self.read_reg.d.next = 0.into();
        for q in 0..4 {
            if self.read_addr.val().get_bits::<2>(2).index() == q {
                self.read_reg.d.next = self.quad[q].val();
            }
        }
        self.read_data.next = self.read_reg.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use crate::tool_run::{scratch_dir, verilator_lint, StimBench};

    /// One clock: an optional frame (verdict, port) and a read address.
    type Step = (Option<(u8, u8)>, u8);

    /// `read_data` in every cycle.
    fn run(steps: &[Step]) -> Vec<u32> {
        let mut uut = Counters::default();
        uut.connect_all();
        check_all(&uut).unwrap();
        let mut out = Vec::new();
        for &(frame, addr) in steps {
            let (v, p) = frame.unwrap_or((0, 0));
            uut.strobe.next = frame.is_some();
            uut.verdict.next = u64::from(v).into();
            uut.port.next = u64::from(p).into();
            uut.read_addr.next = u64::from(addr).into();
            uut.clock.next = false.into();
            assert!(simulate(&mut uut, 50));
            out.push(uut.read_data.val().to_u32());
            uut.clock.next = true.into();
            assert!(simulate(&mut uut, 50));
        }
        out
    }

    /// The read addressed in cycle t returns, in cycle t + 1, the frames
    /// strobed up to cycle t − 2 that match the address.
    fn expected(steps: &[Step]) -> Vec<u32> {
        let mut out = vec![0];
        for t in 0..steps.len() - 1 {
            let addr = usize::from(steps[t].1);
            let counted = steps[..(t + 1).saturating_sub(COUNTERS_COUNT_LATENCY)]
                .iter()
                .filter_map(|s| s.0)
                .filter(|&(v, p)| {
                    if addr < PORT_BASE {
                        usize::from(v) == addr
                    } else {
                        usize::from(p) + PORT_BASE == addr
                    }
                })
                .count();
            out.push(counted as u32);
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        #[test]
        fn counters_count_every_verdict_and_port(
            steps in proptest::collection::vec(
                (proptest::option::weighted(0.7, (0u8..8, 0u8..12)), 0u8..16),
                1..300,
            ),
        ) {
            prop_assert_eq!(run(&steps), expected(&steps));
        }
    }

    #[test]
    fn counters_back_to_back_frames_all_count() {
        let mut steps: Vec<Step> = (0..100).map(|i| (Some((5, (i % 3) as u8)), 5)).collect();
        steps.extend([(None, 5), (None, 5), (None, 8), (None, 9), (None, 10), (None, 11), (None, 0)]);
        let got = run(&steps);
        // The read addressed in cycle 100 misses the frame of cycle 99 (count
        // latency 2); the next one has all 100. Ports 0, 1, 2 got 34, 33, 33.
        assert_eq!(&got[got.len() - 6..], &[99, 100, 34, 33, 33, 0]);
    }

    /// The generated Verilog passes Verilator's lint and, run by iverilog,
    /// reads the same counts as the model in every cycle.
    #[test]
    fn counters_verilog_matches_the_model() {
        let mut rng = model::frame_build::Rng::new(5);
        let steps: Vec<Step> = (0..400)
            .map(|_| {
                let frame = (rng.below(4) != 0).then(|| (rng.below(8) as u8, rng.below(12) as u8));
                (frame, rng.below(16) as u8)
            })
            .collect();
        let want = run(&steps);
        assert_eq!(want, expected(&steps));
        let mut uut = Counters::default();
        uut.connect_all();
        let dir = scratch_dir("counters");
        std::fs::write(dir.join("top.v"), generate_verilog(&uut)).unwrap();
        verilator_lint(&dir, "top", "top.v");
        let stim: String = steps
            .iter()
            .map(|&(f, a)| {
                let (v, p) = f.unwrap_or((0, 0));
                format!("{} {v} {p} {a}\n", u8::from(f.is_some()))
            })
            .collect();
        let bench = StimBench {
            decls: "reg strobe; reg [2:0] verdict; reg [7:0] port; reg [3:0] read_addr;
wire [31:0] read_data;
top dut(.clock(clock), .strobe(strobe), .verdict(verdict), .port(port), .read_addr(read_addr), .read_data(read_data));",
            scan_format: "%d %d %d %d",
            scan_args: "strobe, verdict, port, read_addr",
            idle: "",
            sample: r#"$fdisplay(g, "%0d", read_data);"#,
        };
        let got: Vec<u32> = bench.run(&dir, &stim, steps.len()).iter().map(|l| l.trim().parse().unwrap()).collect();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(got, want);
    }
}
