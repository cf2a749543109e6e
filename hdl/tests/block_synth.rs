//! Synthesis check of every block's generated Verilog on its own: yosys
//! reads it, synthesises it for ECP5 (the Colorlight part's family) and
//! `check -assert` finds no combinational loop, undriven or multiply driven
//! net; no latch was inferred; the block keeps flip-flops (it was not
//! optimised away). Toeplitz,
//! AllocTable and Decide have their own checks (with ECP5 figures); the
//! whole core's synthesis runs are `--ignored` (minutes each) and `make
//! synth`.

use hdl::control_port::ControlPort;
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
use model::Config;
use rust_hdl::prelude::*;

/// Synthesise `block` as module `top` and return yosys's statistics.
fn synth_ecp5<B: Block>(name: &str, mut block: B) -> String {
    block.connect_all();
    check_all(&block).unwrap_or_else(|e| panic!("{name}: rust-hdl check: {e:?}"));
    let dir = scratch_dir(&format!("synth-{name}"));
    std::fs::write(dir.join("top.v"), generate_verilog(&block)).expect("scratch folder is writable");
    let script = "read_verilog top.v; synth_ecp5 -top top; check -assert; tee -o stat.txt stat";
    run_tool(&dir, "yosys", &["-q", "-p", script], "yosys");
    let stat = std::fs::read_to_string(dir.join("stat.txt")).expect("yosys wrote the statistics");
    std::fs::remove_dir_all(&dir).ok();
    stat
}

fn check<B: Block>(name: &str, block: B) {
    let stat = synth_ecp5(name, block);
    assert!(!stat.contains("LATCH"), "{name}: a latch was inferred:\n{stat}");
    // "     TRELLIS_FF    123"
    let ffs: u64 = stat
        .lines()
        .filter(|l| l.trim_start().starts_with("TRELLIS_FF"))
        .filter_map(|l| l.split_whitespace().last()?.parse::<u64>().ok())
        .sum();
    assert!(ffs > 0, "{name}: no flip-flop left after synthesis");
    eprintln!("{name}: {ffs} flip-flops on ECP5");
}

#[test]
fn eth_parse_synthesises() {
    check("eth_parse", EthParse::default());
}

#[test]
fn ip_parse_synthesises() {
    check("ip_parse", IpParse::default());
}

#[test]
fn icmp_error_synthesises() {
    check("icmp_error", IcmpError::default());
}

#[test]
fn port_compare_synthesises() {
    check("port_compare", PortCompare::default());
}

#[test]
fn window_capture_synthesises() {
    check("window_capture", WindowCapture::default());
}

#[test]
fn egress_select_synthesises() {
    check("egress_select", EgressSelect::new(&Config::builtin()));
}

#[test]
fn packet_buffer_synthesises() {
    check("packet_buffer", PacketBuffer::<10>::new(64));
}

#[test]
fn counters_synthesises() {
    check("counters", Counters::default());
}

#[test]
fn control_port_synthesises() {
    check("control_port", ControlPort::new(&Config::builtin()));
}

#[test]
fn eth_mac_rx_synthesises() {
    check("eth_mac_rx", EthMacRx::default());
}

#[test]
fn eth_mac_tx_synthesises() {
    check("eth_mac_tx", EthMacTx::default());
}

#[test]
fn uart_bridge_synthesises() {
    check("uart_bridge", UartBridge::new(1085, 1_250_000));
}
