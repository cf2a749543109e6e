//! `BlockRam<D, A>`: a simple dual-port block RAM of 2^A entries of `D`
//! with a registered output — every block RAM of the core (allocation
//! tables, egress maps, packet-buffer ring, decision queue).
//!
//! Ports: `clock`; read `read_address: Bits<A>` → `read_data: D`,
//! `BLOCK_RAM_LATENCY` = 2 clocks later (the address is taken at the first
//! rising edge, the data registered again at the second); write
//! `write_enable`, `write_address`, `write_data` at a rising edge. A read at
//! the edge of a write to the same address returns the old entry here and
//! is undefined on ECP5 (DP16KD): users must not rely on it.
//!
//! Why hand-written: on ECP5 speed 6 a block RAM's clock-to-out is 5.8 ns,
//! so even a RAM read straight into a fabric flip-flop misses 156.25 MHz;
//! the DP16KD's own output register takes that away, and neither rust-hdl's
//! `RAM` nor Yosys's memory mapping turn it on. The Verilog is
//! `hdl/verilog/block_ram_body.vh` (an ECP5 branch of DP16KDs with
//! `REGMODE_B = "OUTREG"` behind `FLOWDIST_ECP5`, an inferred memory
//! otherwise) and this file's `update` is its simulation model; the tests
//! run both on the same stimulus (iverilog) and compare every output.

use rust_hdl::prelude::*;

/// Clocks from `read_address` to `read_data`.
pub const BLOCK_RAM_LATENCY: usize = 2;

const BODY: &str = include_str!("../verilog/block_ram_body.vh");

#[derive(LogicBlock)]
pub struct BlockRam<D: Synth, const A: usize> {
    pub clock: Signal<In, Clock>,
    pub read_address: Signal<In, Bits<A>>,
    pub read_data: Signal<Out, D>,
    pub write_address: Signal<In, Bits<A>>,
    pub write_data: Signal<In, D>,
    pub write_enable: Signal<In, Bit>,
    // Simulation state (rust-hdl skips fields named with a leading `_`).
    /// Contents at configuration; empty: all zero.
    _init: Vec<D>,
    _mem: Vec<D>,
    _read_reg: D,
}

impl<D: Synth, const A: usize> BlockRam<D, A> {
    /// Entries the RAM holds.
    pub const DEPTH: usize = 1 << A;

    /// A RAM holding `init` (entry i = `init[i]`, the rest zero) after
    /// configuration.
    pub fn new(init: &[D]) -> Self {
        // DP16KD holds 16,384 bits: 4096 x 4 is its deepest mode with more
        // than 2 bits (wider RAMs take more DP16KDs side by side).
        assert!((1..=12).contains(&A), "a BlockRam has 2^1 to 2^12 entries");
        assert!(init.len() <= Self::DEPTH, "{} entries given for a RAM of {}", init.len(), Self::DEPTH);
        let mut mem = init.to_vec();
        mem.resize(Self::DEPTH, D::default());
        Self {
            clock: Default::default(),
            read_address: Default::default(),
            read_data: Default::default(),
            write_address: Default::default(),
            write_data: Default::default(),
            write_enable: Default::default(),
            _init: init.to_vec(),
            _mem: mem,
            _read_reg: D::default(),
        }
    }
}

impl<D: Synth, const A: usize> Default for BlockRam<D, A> {
    /// All entries zero.
    fn default() -> Self {
        Self::new(&[])
    }
}

impl<D: Synth, const A: usize> Logic for BlockRam<D, A> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            self.read_data.next = self._read_reg;
            self._read_reg = self._mem[self.read_address.val().index()];
            if self.write_enable.val() {
                self._mem[self.write_address.val().index()] = self.write_data.val();
            }
        }
    }

    fn connect(&mut self) {
        self.read_data.connect();
    }

    fn hdl(&self) -> Verilog {
        let w = D::BITS;
        // ECP5 geometry: the widest DP16KD mode that is deep enough.
        let (wm, lo) = match A {
            0..=10 => (18, 4),
            11 => (9, 3),
            _ => (4, 2),
        };
        let has_init = self._init.iter().any(|e| *e != D::default());
        let (init, entries) = if has_init {
            let mut mem = self._init.clone();
            mem.resize(Self::DEPTH, D::default());
            let init: Vec<String> = mem.iter().rev().map(|e| e.verilog().to_string()).collect();
            let entries: String = mem.iter().enumerate().map(|(i, e)| format!("mem[{i}] = {};\n", e.verilog())).collect();
            (format!("{{{}}}", init.join(", ")), entries)
        } else {
            ("0".to_string(), "for (i = 0; i < DEPTH; i = i + 1) mem[i] = 0;".to_string())
        };
        Verilog::Custom(format!(
            "localparam W = {w};\nlocalparam A = {A};\nlocalparam DEPTH = {depth};\n\
             localparam HAS_INIT = {has_init};\nlocalparam [W*DEPTH-1:0] INIT = {init};\n\
             localparam WM = {wm};\nlocalparam LO = {lo};\nlocalparam SLICES = {slices};\n{body}",
            depth = Self::DEPTH,
            has_init = u8::from(has_init),
            slices = w.div_ceil(wm),
            body = BODY.replacen("// @ENTRIES@", &entries, 1)
        ))
    }

    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "block_ram".into(),
            clock: "clock".into(),
            inputs: vec![
                "read_address".into(),
                "write_address".into(),
                "write_data".into(),
                "write_enable".into(),
            ],
            outputs: vec!["read_data".into()],
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tool_run::{iverilog_run, run_tool, scratch_dir, verilator_lint};
    use model::frame_build::Rng;
    use std::path::Path;

    /// One clock: an optional write (address, data) and a read address.
    type Step = (Option<(usize, u128)>, usize);

    fn bits<const N: usize>(x: u128) -> Bits<N> {
        (bit_cast::<N, 64>(((x >> 64) as u64).into()) << 64) | bit_cast::<N, 64>((x as u64).into())
    }

    fn ram<const N: usize, const A: usize>(init: &[u128]) -> BlockRam<Bits<N>, A> {
        let init: Vec<Bits<N>> = init.iter().map(|&x| bits(x)).collect();
        let mut ram = BlockRam::<Bits<N>, A>::new(&init);
        ram.connect_all();
        check_all(&ram).unwrap();
        ram
    }

    /// `read_data` seen in each cycle, before its rising edge.
    fn run_model<const N: usize, const A: usize>(init: &[u128], steps: &[Step]) -> Vec<u128> {
        let mut uut = ram::<N, A>(init);
        let mut out = Vec::new();
        for &(write, read) in steps {
            uut.write_enable.next = write.is_some();
            uut.write_address.next = (write.map_or(0, |w| w.0) as u64).into();
            uut.write_data.next = bits(write.map_or(0, |w| w.1));
            uut.read_address.next = (read as u64).into();
            uut.clock.next = false.into();
            assert!(simulate(&mut uut, 20));
            out.push(uut.read_data.val().to_u128());
            uut.clock.next = true.into();
            assert!(simulate(&mut uut, 20));
        }
        out
    }

    /// The same steps through iverilog on the hand-written Verilog.
    fn run_verilog<const N: usize, const A: usize>(init: &[u128], steps: &[Step]) -> Vec<u128> {
        let dir = scratch_dir("block-ram");
        std::fs::write(dir.join("top.v"), generate_verilog(&ram::<N, A>(init))).unwrap();
        // One line per step: we, write address, write data, read address.
        let stim: String = steps
            .iter()
            .map(|&(w, r)| {
                let (we, wa, wd) = w.map_or((0, 0, 0), |w| (1, w.0, w.1));
                format!("{we:x} {wa:x} {wd:x} {r:x}\n")
            })
            .collect();
        std::fs::write(dir.join("stim.txt"), stim).unwrap();
        let tb = format!(
            "module tb;
reg clock = 0; reg we; reg [{a1}:0] wa, ra; reg [{n1}:0] wd;
wire [{n1}:0] rd;
integer s, f, n;
top dut(.clock(clock), .read_address(ra), .read_data(rd), .write_address(wa), .write_data(wd), .write_enable(we));
initial begin
  s = $fopen(\"stim.txt\", \"r\");
  f = $fopen(\"out.txt\");
  while ($fscanf(s, \"%h %h %h %h\", we, wa, wd, ra) == 4) begin
    #1 $fdisplay(f, \"%h\", rd);
    #1 clock = 1;
    #1 clock = 0;
  end
  $fclose(f);
  $finish;
end
endmodule
",
            a1 = A - 1,
            n1 = N - 1
        );
        std::fs::write(dir.join("tb.v"), tb).unwrap();
        let out = iverilog_run(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        out.iter().map(|l| u128::from_str_radix(l.trim(), 16).unwrap()).collect()
    }

    fn mask(n: usize) -> u128 {
        if n >= 128 { u128::MAX } else { (1u128 << n) - 1 }
    }

    /// Random reads and writes (a third of the cycles write, never the
    /// address read: see the header), then reads of what was written.
    fn random_steps(rng: &mut Rng, depth: usize, width: usize, n: usize) -> Vec<Step> {
        let mut steps: Vec<Step> = (0..n)
            .map(|_| {
                let read = rng.next_u64() as usize % depth;
                let write = rng.next_u64().is_multiple_of(3).then(|| {
                    let a = (read + 1 + rng.next_u64() as usize % (depth - 1)) % depth;
                    (a, ((u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64())) & mask(width))
                });
                (write, read)
            })
            .collect();
        let written: Vec<usize> = steps.iter().filter_map(|s| s.0.map(|w| w.0)).take(400).collect();
        steps.extend(written.into_iter().map(|a| (None, a)));
        steps
    }

    /// The model against its Verilog, and against the RAM it claims to be:
    /// latency 2, the initial contents, the writes.
    fn check<const N: usize, const A: usize>(seed: u64, with_init: bool) {
        let mut rng = Rng::new(seed);
        let depth = 1usize << A;
        let init: Vec<u128> = if with_init {
            (0..depth).map(|_| ((u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64())) & mask(N)).collect()
        } else {
            Vec::new()
        };
        let steps = random_steps(&mut rng, depth, N, 1500);
        let model = run_model::<N, A>(&init, &steps);
        assert_eq!(model, run_verilog::<N, A>(&init, &steps), "{depth} x {N}: model and Verilog differ");
        let mut mem = init.clone();
        mem.resize(depth, 0);
        for (t, &(w, r)) in steps.iter().enumerate() {
            if t + BLOCK_RAM_LATENCY < steps.len() {
                assert_eq!(model[t + BLOCK_RAM_LATENCY], mem[r], "{depth} x {N}: read of cycle {t}");
            }
            if let Some((a, d)) = w {
                mem[a] = d;
            }
        }
    }

    #[test]
    fn block_ram_model_matches_its_verilog_table() {
        // An allocation table: 4096 x 8, initialised.
        check::<8, 12>(7, true);
    }

    #[test]
    fn block_ram_model_matches_its_verilog_ring() {
        // The packet-buffer ring's shape: 2048 x 72, wider than 64 bits.
        check::<72, 11>(8, false);
    }

    #[test]
    fn block_ram_model_matches_its_verilog_map() {
        // An egress map (256 x 49, initialised) and a decision-queue-wide
        // word (256 x 125).
        check::<49, 8>(9, true);
        check::<125, 8>(10, false);
    }

    #[test]
    fn block_ram_verilog_lints() {
        let dir = scratch_dir("block-ram-lint");
        std::fs::write(dir.join("top.v"), generate_verilog(&ram::<8, 12>(&[3; 4096]))).unwrap();
        verilator_lint(&dir, "top", "top.v");
        std::fs::write(dir.join("top.v"), generate_verilog(&ram::<72, 11>(&[]))).unwrap();
        verilator_lint(&dir, "top", "top.v");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// DP16KD parameters of a synth_ecp5 netlist: (DATA_WIDTH_B, REGMODE_B,
    /// INITVAL_00..3F), sorted.
    fn dp16kd_cells(dir: &Path, yosys: &str, define: &str) -> Vec<(String, String, Vec<String>)> {
        let json = format!("ecp5{define}.json");
        run_tool(dir, yosys, &["-q", "-p", &format!("read_verilog {define} top.v; synth_ecp5 -top top -json {json}")], "yosys");
        let text = std::fs::read_to_string(dir.join(&json)).unwrap();
        // Each DP16KD cell: its parameter block in the JSON, in order.
        let mut cells: Vec<_> = text
            .split("\"type\": \"DP16KD\"")
            .skip(1)
            .map(|cell| {
                let param = |name: &str| -> String {
                    let at = cell.find(&format!("\"{name}\": \"")).unwrap_or_else(|| panic!("{name} missing"));
                    let rest = &cell[at + name.len() + 5..];
                    rest[..rest.find('"').unwrap()].to_string()
                };
                let initvals = (0..64).map(|r| param(&format!("INITVAL_{r:02X}"))).collect();
                (param("DATA_WIDTH_B"), param("REGMODE_B"), initvals)
            })
            .collect();
        cells.sort();
        cells
    }

    /// The ECP5 branch (x4, x9 and x18 modes) holds the same contents in the
    /// same DP16KD modes as Yosys's own mapping of the inferred memory, with
    /// the output register on.
    fn ecp5_branch_matches_yosys<const N: usize, const A: usize>(seed: u64) {
        let mut rng = Rng::new(seed);
        let init: Vec<u128> = (0..1usize << A).map(|_| u128::from(rng.next_u64()) & mask(N)).collect();
        let dir = scratch_dir("block-ram-ecp5");
        std::fs::write(dir.join("top.v"), generate_verilog(&ram::<N, A>(&init))).unwrap();
        let yosys = std::env::var("FLOWDIST_YOSYS").unwrap_or_else(|_| "yosys".to_string());
        let inferred = dp16kd_cells(&dir, &yosys, "");
        let mine = dp16kd_cells(&dir, &yosys, "-DFLOWDIST_ECP5");
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(mine.iter().all(|c| c.1 == "OUTREG"), "the output register is on");
        assert!(inferred.iter().all(|c| c.1 == "NOREG"));
        let strip = |v: Vec<(String, String, Vec<String>)>| -> Vec<(String, Vec<String>)> { v.into_iter().map(|c| (c.0, c.2)).collect() };
        assert_eq!(strip(inferred), strip(mine), "{} x {N}: the hand-written DP16KDs differ from Yosys's mapping", 1 << A);
    }

    #[test]
    fn block_ram_ecp5_branch_matches_yosys_mapping() {
        ecp5_branch_matches_yosys::<8, 12>(11);
        ecp5_branch_matches_yosys::<9, 11>(12);
        ecp5_branch_matches_yosys::<18, 10>(13);
    }
}
