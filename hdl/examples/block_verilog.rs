//! Writes the Verilog of one of helper H's blocks, for synthesis runs of the
//! block alone (`make synth-block BLOCK=... TARGET=...`):
//!
//!     cargo run -p flowdist-hdl --example block_verilog -- <block> <out.v>
//!
//! Blocks: toeplitz (default RSS key), alloc_table (the built-in config's
//! two groups), counters, hash_lookup (Toeplitz feeding AllocTable, as in
//! the core: flow key in, TMM out). The top module is `top`.

use hdl::alloc_table::AllocTable;
use hdl::counters::Counters;
use hdl::toeplitz::{Toeplitz, TOEPLITZ_LATENCY};
use model::{Config, DEFAULT_RSS_KEY};
use rust_hdl::prelude::*;
use std::process::ExitCode;

const LAST_DELAY: usize = TOEPLITZ_LATENCY - 1;

/// The hash unit and the table lookup in series (index = hash & 0xFFF),
/// the critical path of the core's lookup.
#[derive(LogicBlock)]
struct HashLookup {
    pub clock: Signal<In, Clock>,
    pub strobe_in: Signal<In, Bit>,
    pub key: Signal<In, Bits<144>>,
    pub group: Signal<In, Bits<8>>,
    pub key_write: Signal<In, Bit>,
    pub key_word: Signal<In, Bits<3>>,
    pub key_data: Signal<In, Bits<32>>,
    pub write: Signal<In, Bit>,
    pub write_group: Signal<In, Bits<8>>,
    pub write_index: Signal<In, Bits<12>>,
    pub write_tmm: Signal<In, Bits<8>>,
    pub commit: Signal<In, Bit>,
    pub strobe_out: Signal<Out, Bit>,
    pub tmm: Signal<Out, Bits<8>>,
    hash: Toeplitz,
    table: AllocTable,
    // The group waits for the hash: one register per Toeplitz stage.
    group_delay: [DFF<Bits<8>>; TOEPLITZ_LATENCY],
}

impl Logic for HashLookup {
    #[hdl_gen]
    fn update(&mut self) {
        self.hash.clock.next = self.clock.val();
        self.table.clock.next = self.clock.val();
        self.hash.strobe_in.next = self.strobe_in.val();
        self.hash.key.next = self.key.val();
        self.hash.key_write.next = self.key_write.val();
        self.hash.key_word.next = self.key_word.val();
        self.hash.key_data.next = self.key_data.val();
        self.hash.commit.next = self.commit.val();
        for i in 0..TOEPLITZ_LATENCY {
            self.group_delay[i].clock.next = self.clock.val();
        }
        self.group_delay[0].d.next = self.group.val();
        for i in 1..TOEPLITZ_LATENCY {
            self.group_delay[i].d.next = self.group_delay[i - 1].q.val();
        }
        self.table.strobe_in.next = self.hash.strobe_out.val();
        self.table.index.next = self.hash.hash.val().get_bits::<12>(0);
        // (A one-pass loop: rust-hdl cannot index with a named constant.)
        for i in LAST_DELAY..TOEPLITZ_LATENCY {
            self.table.group.next = self.group_delay[i].q.val();
        }
        self.table.write.next = self.write.val();
        self.table.write_group.next = self.write_group.val();
        self.table.write_index.next = self.write_index.val();
        self.table.write_tmm.next = self.write_tmm.val();
        self.table.commit.next = self.commit.val();
        self.strobe_out.next = self.table.strobe_out.val();
        self.tmm.next = self.table.tmm.val();
    }
}

fn verilog<B: Block>(mut uut: B) -> Result<String, String> {
    uut.connect_all();
    check_all(&uut).map_err(|e| format!("{e:?}"))?;
    Ok(generate_verilog(&uut))
}

fn block(name: &str) -> Result<String, String> {
    let tables = Config::builtin().tables();
    let key_err = |e: model::toeplitz::KeyTooShort| e.to_string();
    match name {
        "toeplitz" => verilog(Toeplitz::new(&DEFAULT_RSS_KEY).map_err(key_err)?),
        "alloc_table" => verilog(AllocTable::new(&tables).map_err(|e| e.to_string())?),
        "counters" => verilog(Counters::default()),
        "hash_lookup" => verilog(HashLookup {
            clock: Default::default(),
            strobe_in: Default::default(),
            key: Default::default(),
            group: Default::default(),
            key_write: Default::default(),
            key_word: Default::default(),
            key_data: Default::default(),
            write: Default::default(),
            write_group: Default::default(),
            write_index: Default::default(),
            write_tmm: Default::default(),
            commit: Default::default(),
            strobe_out: Default::default(),
            tmm: Default::default(),
            hash: Toeplitz::new(&DEFAULT_RSS_KEY).map_err(key_err)?,
            table: AllocTable::new(&tables).map_err(|e| e.to_string())?,
            group_delay: Default::default(),
        }),
        _ => Err(format!("unknown block `{name}` (toeplitz, alloc_table, counters, hash_lookup)")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [name, out] = args.as_slice() else {
        eprintln!("usage: block_verilog <toeplitz|alloc_table|counters|hash_lookup> <out.v>");
        return ExitCode::from(2);
    };
    match block(name).and_then(|v| std::fs::write(out, v).map_err(|e| format!("cannot write {out}: {e}"))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("block_verilog: {e}");
            ExitCode::FAILURE
        }
    }
}
