//! `AllocTable`: the allocation tables (SPEC "Allocation tables"), one 4096 x
//! 8 table per group, in two banks of block RAM (`BlockRam`): the active bank
//! answers lookups, software rewrites the shadow bank, and `commit` swaps
//! them between two lookups.
//!
//! Ports
//! - in  `clock`; lookup `strobe_in`, `group: Bits<8>`, `index: Bits<12>`.
//! - out `strobe_out`, `tmm: Bits<8>` = table[group][index] of the bank that
//!   was active in the `strobe_in` cycle, `ALLOC_TABLE_LATENCY` clocks later;
//!   one lookup per clock. A group past the generated count gives TMM 0.
//! - in  `write`, `write_group`, `write_index`, `write_tmm`: one entry of the
//!   shadow bank (a group past the count is ignored).
//! - in  `commit`: lookups strobed in the commit cycle or earlier use the old
//!   bank, later ones the new; a write in the commit cycle belongs to the new
//!   bank. Lookups in flight finish on the bank they started on.
//!
//! Software protocol: after a commit the shadow bank holds the *previous*
//! tables, so write every entry of every group that differs from the
//! tables about to be committed (simplest: all 4096 × groups entries), then
//! commit. No lookup ever sees a half-written table.
//!
//! Pipeline: the index goes straight to the RAM address (it should come from
//! a register, as the Toeplitz unit's output does); the RAM takes 2 clocks
//! (its output register is the block RAM's own on ECP5); the last clock
//! selects the group's and bank's RAM from a registered one-hot choice.
//! Both banks start with the tables given at generation time.

use crate::block_ram::{BlockRam, BLOCK_RAM_LATENCY};
use rust_hdl::prelude::*;
use std::fmt;

/// One group's table in one bank.
type TableRam = BlockRam<Bits<8>, 12>;

/// Clocks from `strobe_in` to `strobe_out`.
pub const ALLOC_TABLE_LATENCY: usize = BLOCK_RAM_LATENCY + 1;
/// Most groups a unit can be generated with (2 × 16 × 32 Kbit already
/// exceeds the block RAM of an LFE5U-25F).
pub const MAX_GROUPS: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCountError(pub usize);

impl fmt::Display for GroupCountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an allocation table unit needs 1 to {MAX_GROUPS} groups, not {}", self.0)
    }
}

impl std::error::Error for GroupCountError {}

#[derive(LogicBlock)]
pub struct AllocTable {
    pub clock: Signal<In, Clock>,
    pub strobe_in: Signal<In, Bit>,
    pub group: Signal<In, Bits<8>>,
    pub index: Signal<In, Bits<12>>,
    pub strobe_out: Signal<Out, Bit>,
    pub tmm: Signal<Out, Bits<8>>,
    pub write: Signal<In, Bit>,
    pub write_group: Signal<In, Bits<8>>,
    pub write_index: Signal<In, Bits<12>>,
    pub write_tmm: Signal<In, Bits<8>>,
    pub commit: Signal<In, Bit>,
    bank0: Vec<TableRam>,
    bank1: Vec<TableRam>,
    /// The active bank (0 or 1).
    active: DFF<Bit>,
    // Lookup stage 1 (RAM reading) and 2 (RAM output register).
    strobe1: DFF<Bit>,
    group1: DFF<Bits<8>>,
    bank1_sel: DFF<Bit>,
    strobe2: DFF<Bit>,
    hit2: DFF<Bits<MAX_GROUPS>>,
    bank2_sel: DFF<Bit>,
    hit: Signal<Local, Bits<MAX_GROUPS>>,
    // Stage 3: the selected entry.
    tmm3: DFF<Bits<8>>,
    strobe3: DFF<Bit>,
    _groups: usize,
}

impl AllocTable {
    /// Both banks hold `tables` (group g = `tables[g]`).
    pub fn new(tables: &[model::AllocTable]) -> Result<Self, GroupCountError> {
        if tables.is_empty() || tables.len() > MAX_GROUPS {
            return Err(GroupCountError(tables.len()));
        }
        let rams = || -> Vec<TableRam> {
            tables
                .iter()
                .map(|t| TableRam::new(&t.entries().iter().map(|&e| Bits::<8>::from(u64::from(e))).collect::<Vec<_>>()))
                .collect()
        };
        Ok(Self {
            clock: Default::default(),
            strobe_in: Default::default(),
            group: Default::default(),
            index: Default::default(),
            strobe_out: Default::default(),
            tmm: Default::default(),
            write: Default::default(),
            write_group: Default::default(),
            write_index: Default::default(),
            write_tmm: Default::default(),
            commit: Default::default(),
            bank0: rams(),
            bank1: rams(),
            active: Default::default(),
            strobe1: Default::default(),
            group1: Default::default(),
            bank1_sel: Default::default(),
            strobe2: Default::default(),
            hit2: Default::default(),
            bank2_sel: Default::default(),
            hit: Default::default(),
            tmm3: Default::default(),
            strobe3: Default::default(),
            _groups: tables.len(),
        })
    }

    /// Groups generated.
    pub fn groups(&self) -> usize {
        self._groups
    }
}

impl Logic for AllocTable {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, active, strobe1, group1, bank1_sel, strobe2, hit2, bank2_sel, tmm3, strobe3
        );
        for g in 0..self._groups {
            self.bank0[g].clock.next = self.clock.val();
            self.bank1[g].clock.next = self.clock.val();
            self.bank0[g].read_address.next = self.index.val();
            self.bank1[g].read_address.next = self.index.val();
            self.bank0[g].write_address.next = self.write_index.val();
            self.bank1[g].write_address.next = self.write_index.val();
            self.bank0[g].write_data.next = self.write_tmm.val();
            self.bank1[g].write_data.next = self.write_tmm.val();
            // Writes go to the bank that is not active.
            self.bank0[g].write_enable.next =
                self.write.val() & self.active.q.val() & (self.write_group.val().index() == g);
            self.bank1[g].write_enable.next =
                self.write.val() & !self.active.q.val() & (self.write_group.val().index() == g);
        }
        if self.commit.val() {
            self.active.d.next = !self.active.q.val();
        }
        // Stage 1: the RAMs take the address; remember which one to use.
        self.strobe1.d.next = self.strobe_in.val();
        self.group1.d.next = self.group.val();
        self.bank1_sel.d.next = self.active.q.val();
        // Stage 2: decode the group while the RAMs register their output.
        self.hit.next = 0.into();
        for g in 0..self._groups {
            self.hit.next = self.hit.val().replace_bit(g, self.group1.q.val().index() == g);
        }
        self.hit2.d.next = self.hit.val();
        self.strobe2.d.next = self.strobe1.q.val();
        self.bank2_sel.d.next = self.bank1_sel.q.val();
        // Stage 3: select.
        self.tmm3.d.next = 0.into();
        for g in 0..self._groups {
            if self.hit2.q.val().get_bit(g) {
                if self.bank2_sel.q.val() {
                    self.tmm3.d.next = self.bank1[g].read_data.val();
                } else {
                    self.tmm3.d.next = self.bank0[g].read_data.val();
                }
            }
        }
        self.strobe3.d.next = self.strobe2.q.val();
        self.tmm.next = self.tmm3.q.val();
        self.strobe_out.next = self.strobe3.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::frame_build::Rng;
    use model::{AllocTable as ModelTable, Config, TABLE_ENTRIES};
    use proptest::prelude::*;

    /// What the test drives in one clock cycle.
    #[derive(Clone, Debug, Default)]
    pub(super) struct Step {
        pub lookup: Option<(u8, u16)>,
        pub write: Option<(u8, u16, u8)>,
        pub commit: bool,
    }

    fn new_unit(tables: &[ModelTable]) -> AllocTable {
        let mut uut = AllocTable::new(tables).unwrap();
        uut.connect_all();
        check_all(&uut).unwrap();
        uut
    }

    /// Cycle and TMM of every `strobe_out`.
    pub(super) fn run(uut: &mut AllocTable, steps: &[Step]) -> Vec<(usize, u8)> {
        let idle = vec![Step::default(); ALLOC_TABLE_LATENCY + 1];
        let mut out = Vec::new();
        for (t, s) in steps.iter().chain(idle.iter()).enumerate() {
            let (g, i) = s.lookup.unwrap_or((0, 0));
            uut.strobe_in.next = s.lookup.is_some();
            uut.group.next = u64::from(g).into();
            uut.index.next = u64::from(i).into();
            let (wg, wi, wt) = s.write.unwrap_or((0, 0, 0));
            uut.write.next = s.write.is_some();
            uut.write_group.next = u64::from(wg).into();
            uut.write_index.next = u64::from(wi).into();
            uut.write_tmm.next = u64::from(wt).into();
            uut.commit.next = s.commit;
            uut.clock.next = false.into();
            assert!(simulate(uut, 50), "the circuit does not settle");
            if uut.strobe_out.val() {
                out.push((t, uut.tmm.val().to_u8()));
            }
            uut.clock.next = true.into();
            assert!(simulate(uut, 50), "the circuit does not settle");
        }
        out
    }

    /// The contract: two banks of tables, lookups on the active one, writes
    /// on the other, commit swaps after the lookups of its cycle.
    pub(super) fn expected(tables: &[ModelTable], steps: &[Step]) -> Vec<(usize, u8)> {
        let mut banks: [Vec<[u8; TABLE_ENTRIES]>; 2] =
            [tables.iter().map(|t| *t.entries()).collect(), tables.iter().map(|t| *t.entries()).collect()];
        let mut active = 0;
        let mut out = Vec::new();
        for (t, s) in steps.iter().enumerate() {
            if let Some((g, i)) = s.lookup {
                let tmm = banks[active].get(usize::from(g)).map_or(0, |tb| tb[usize::from(i)]);
                out.push((t + ALLOC_TABLE_LATENCY, tmm));
            }
            if let Some((g, i, tmm)) = s.write {
                if let Some(tb) = banks[1 - active].get_mut(usize::from(g)) {
                    tb[usize::from(i)] = tmm;
                }
            }
            if s.commit {
                active = 1 - active;
            }
        }
        out
    }

    fn lookup(g: u8, i: u16) -> Step {
        Step { lookup: Some((g, i)), ..Default::default() }
    }

    #[test]
    fn alloc_table_reads_every_entry_of_the_model_tables() {
        let tables = Config::builtin().tables();
        assert_eq!(tables.len(), 2);
        let steps: Vec<Step> = (0..tables.len() as u8)
            .flat_map(|g| (0..TABLE_ENTRIES as u16).map(move |i| lookup(g, i)))
            .chain([lookup(2, 5), lookup(255, 0)])
            .collect();
        let got = run(&mut new_unit(&tables), &steps);
        assert_eq!(got.len(), steps.len());
        for (n, (s, (t, tmm))) in steps.iter().zip(&got).enumerate() {
            let (g, i) = s.lookup.unwrap();
            assert_eq!(*t, n + ALLOC_TABLE_LATENCY, "one lookup per clock");
            let want = tables.get(usize::from(g)).map_or(0, |tb| tb.get(usize::from(i)));
            assert_eq!(*tmm, want, "group {g} index {i}");
        }
    }

    #[test]
    fn alloc_table_commit_in_the_middle_of_lookups() {
        let old = Config::builtin().tables();
        let new = vec![
            old[0].change(&[(0, 1.0), (1, 2.0), (2, 1.0), (3, 3.0)]).unwrap().0,
            ModelTable::from_weights(&[(2, 1.0), (3, 1.0)]).unwrap(),
        ];
        let mut rng = Rng::new(3);
        let mut random_lookup = || lookup(rng.below(2) as u8, rng.below(TABLE_ENTRIES as u64) as u16);
        // Every entry of both groups written while lookups run every clock.
        let mut steps = Vec::new();
        for (g, tb) in new.iter().enumerate() {
            for i in 0..TABLE_ENTRIES {
                steps.push(Step { write: Some((g as u8, i as u16, tb.get(i))), ..random_lookup() });
            }
        }
        let commit_at = steps.len() + 5;
        steps.extend((0..10).map(|_| random_lookup()));
        steps[commit_at].commit = true;
        // A second commit without writes brings the old tables back.
        steps.extend((0..10).map(|_| random_lookup()));
        let back_at = steps.len() - 3;
        steps[back_at].commit = true;
        let got = run(&mut new_unit(&old), &steps);
        assert_eq!(got, expected(&old, &steps));
        for (t, tmm) in got {
            let s = &steps[t - ALLOC_TABLE_LATENCY];
            let (g, i) = s.lookup.unwrap();
            let tables = if (commit_at + 1..=back_at).contains(&(t - ALLOC_TABLE_LATENCY)) { &new } else { &old };
            assert_eq!(tmm, tables[usize::from(g)].get(usize::from(i)), "lookup of cycle {}", t - ALLOC_TABLE_LATENCY);
        }
    }

    #[test]
    fn alloc_table_rejects_a_bad_group_count() {
        assert_eq!(AllocTable::new(&[]).err(), Some(GroupCountError(0)));
        let one = ModelTable::from_weights(&[(0, 1.0)]).unwrap();
        assert!(AllocTable::new(&vec![one; MAX_GROUPS + 1]).is_err());
    }

    fn arb_step(groups: u8) -> impl Strategy<Value = Step> {
        (
            proptest::option::weighted(0.7, (0..groups + 1, 0u16..4096)),
            proptest::option::weighted(0.4, (0..groups + 1, 0u16..4096, any::<u8>())),
            proptest::bool::weighted(0.05),
        )
            .prop_map(|(lookup, write, commit)| Step { lookup, write, commit })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]
        #[test]
        fn alloc_table_matches_the_bank_contract(
            weights in proptest::collection::vec(proptest::collection::vec(1u8..5, 1..6), 1..4),
            steps in proptest::collection::vec(arb_step(3), 1..200),
        ) {
            let tables: Vec<ModelTable> = weights
                .iter()
                .map(|w| {
                    let pairs: Vec<(u8, f64)> = w.iter().enumerate().map(|(t, &x)| (t as u8 * 3, f64::from(x))).collect();
                    ModelTable::from_weights(&pairs).unwrap()
                })
                .collect();
            let got = run(&mut new_unit(&tables), &steps);
            prop_assert_eq!(got, expected(&tables, &steps));
        }
    }
}

#[cfg(test)]
mod verilog {
    use super::*;
    use crate::tool_run::{run_tool, scratch_dir, verilator_lint, StimBench};
    use model::Config;

    fn verilog_dir(name: &str) -> std::path::PathBuf {
        let mut uut = AllocTable::new(&Config::builtin().tables()).unwrap();
        uut.connect_all();
        let dir = scratch_dir(name);
        std::fs::write(dir.join("top.v"), generate_verilog(&uut)).unwrap();
        dir
    }

    /// The generated Verilog (run by iverilog) answers lookups across
    /// writes and two commits exactly as the simulation model does.
    #[test]
    fn alloc_table_verilog_matches_the_model() {
        let tables = Config::builtin().tables();
        let mut rng = model::frame_build::Rng::new(9);
        let mut steps: Vec<super::tests::Step> = (0..400)
            .map(|t| super::tests::Step {
                lookup: (rng.below(5) != 0).then(|| (rng.below(3) as u8, rng.below(64) as u16)),
                write: (rng.below(2) == 0).then(|| (rng.below(2) as u8, rng.below(64) as u16, rng.below(256) as u8)),
                commit: t == 150 || t == 300,
            })
            .collect();
        steps[151].lookup = Some((0, 1));
        let mut uut = AllocTable::new(&tables).unwrap();
        uut.connect_all();
        let want = super::tests::run(&mut uut, &steps);
        assert_eq!(want, super::tests::expected(&tables, &steps));
        let dir = verilog_dir("alloc-table-iverilog");
        let stim: String = steps
            .iter()
            .map(|s| {
                let (g, i) = s.lookup.unwrap_or((0, 0));
                let (wg, wi, wt) = s.write.unwrap_or((0, 0, 0));
                format!(
                    "{} {g} {i} {} {wg} {wi} {wt} {}\n",
                    u8::from(s.lookup.is_some()),
                    u8::from(s.write.is_some()),
                    u8::from(s.commit)
                )
            })
            .collect();
        let bench = StimBench {
            decls: "reg strobe_in, write, commit; reg [7:0] group, write_group, write_tmm; reg [11:0] index, write_index;
wire strobe_out; wire [7:0] tmm;
top dut(.clock(clock), .strobe_in(strobe_in), .group(group), .index(index), .strobe_out(strobe_out), .tmm(tmm),
        .write(write), .write_group(write_group), .write_index(write_index), .write_tmm(write_tmm), .commit(commit));",
            scan_format: "%d %d %d %d %d %d %d %d",
            scan_args: "strobe_in, group, index, write, write_group, write_index, write_tmm, commit",
            idle: "strobe_in = 0; write = 0; commit = 0;",
            sample: r#"if (strobe_out) $fdisplay(g, "%0d %0d", t, tmm);"#,
        };
        let got: Vec<(usize, u8)> = bench
            .run(&dir, &stim, steps.len() + ALLOC_TABLE_LATENCY + 1)
            .iter()
            .map(|l| {
                let (t, v) = l.split_once(' ').unwrap();
                (t.parse().unwrap(), v.parse().unwrap())
            })
            .collect();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(got, want);
    }

    #[test]
    fn alloc_table_verilog_lints() {
        let dir = verilog_dir("alloc-table-lint");
        verilator_lint(&dir, "top", "top.v");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Yosys maps the two groups' two banks to iCE40 block RAM (4 tables × 8
    /// SB_RAM40_4K). Slow (Yosys reads 16384 initial entries): `make test-synth`.
    #[test]
    #[ignore]
    fn alloc_table_synthesis_check() {
        let dir = verilog_dir("alloc-table-synth");
        run_tool(
            &dir,
            "yosys",
            &["-q", "-p", "read_verilog top.v; synth_ice40 -top top; select -assert-count 32 t:SB_RAM40_4K"],
            "yosys",
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
