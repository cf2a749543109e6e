//! The KCU105 board: its portable block with the MACs in the loop, and the
//! checks of its Vivado flow that run without Vivado (the Vivado TCL and the
//! XDC run under plain tclsh with stand-ins for Vivado's commands; the top
//! with the generated core and black-box PCS/PMA cores through yosys).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use flowdist_boards::kcu105::{verilog, Kcu105Core};
use model::frame_build::demo_traffic;
use model::{Config, Distributor};
use rust_hdl::prelude::*;
use support::{on_big_stack, padded, run_two_port, send, wire, Line};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn config() -> Config {
    Config::load(&repo().join("boards/kcu105.toml")).unwrap()
}

#[test]
fn kcu105_frames_through_macs_and_core() {
    on_big_stack(frames_run);
}

/// Network frames on SFP0 with 8-cycle gaps (a receiving 1000BASE-X PCS
/// may shorten the 12-byte gap when it drops idles for clock correction),
/// one of them with `rx_er` (a code error the PCS reports) in its payload;
/// TMM-side frames on SFP1 at the same time (bypass to port 0). Each must
/// leave the port the model chooses, as the model rewrites it, padded and
/// with a correct FCS; the errored one goes to the malformed port.
fn frames_run() {
    let config = config();
    let model = Distributor::new(&config);
    let mut uut = Box::new(Kcu105Core::new(&config).unwrap());
    uut.connect_all();
    check_all(uut.as_ref()).unwrap();
    let frames: Vec<Vec<u8>> = demo_traffic(11, 3).iter().take(8).map(|f| padded(f)).collect();
    let mut lines: [Line; 2] = [Vec::new(), Vec::new()];
    let mut want: [Vec<Vec<u8>>; 2] = [Vec::new(), Vec::new()];
    let mut expect = |port: u8, f: &[u8], error: bool| {
        let d = model.classify_rx(f, port, error);
        let out = model.egress().egress_frame(f, &d).into_owned();
        want[usize::from(d.port != 0)].push(wire(&padded(&out)));
    };
    for (i, f) in frames.iter().enumerate() {
        let error_at = (i == 3).then_some(30);
        send(&mut lines[0], f, error_at, 8);
        expect(0, f, error_at.is_some());
    }
    for f in &frames[5..] {
        send(&mut lines[1], f, None, 12);
        expect(1, f, false);
    }
    let cycles = lines[0].len().max(lines[1].len()) + want[1].iter().map(|w| w.len() + 12).sum::<usize>() + 200;
    let got = run_two_port(&mut uut, &lines, cycles);
    for p in 0..2 {
        assert_eq!(got[p].len(), want[p].len(), "frames out of SFP{p}");
        let (mut g, mut w) = (got[p].clone(), want[p].clone());
        // The two ingress ports' frames may interleave: compare as sets.
        g.sort();
        w.sort();
        assert!(g == w, "SFP{p}: frames differ from the model's");
    }
    assert!(!want[0].is_empty() && !want[1].is_empty(), "the test must use both egress ports");
    let malformed = config.malformed_port;
    assert!(
        model.classify_rx(&frames[3], 0, true).port == malformed,
        "the errored frame must be the malformed port's"
    );
}

/// Run `driver` (Tcl) with tclsh in a fresh folder; (exit code, stdout,
/// stderr). Fails naming the Debian package when tclsh is missing.
fn tclsh(name: &str, driver: &str) -> (i32, String, String) {
    let dir = hdl::tool_run::scratch_dir(name);
    std::fs::write(dir.join("driver.tcl"), driver).unwrap();
    let out = Command::new("tclsh")
        .arg("driver.tcl")
        .current_dir(&dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run tclsh ({e}): install the Debian package `tcl`"));
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

/// A driver that loads the stand-ins, sets `argv` and `::slack`, sources
/// `script` (relative to the repository) and prints the recorded calls.
fn stubbed(script: &str, argv: &str, slack: f64) -> String {
    let root = repo().canonicalize().unwrap();
    format!(
        "set ::slack {slack}\nset argv [list {argv}]\nset argc [llength $argv]\n\
         source {{{}}}\nsource {{{}}}\nforeach c $::calls {{ puts $c }}\n",
        root.join("boards/tests/vivado_stubs.tcl").display(),
        root.join(script).display()
    )
}

/// The position of the first recorded call starting with `prefix`.
fn call_at(calls: &[&str], prefix: &str) -> usize {
    calls.iter().position(|c| c.starts_with(prefix)).unwrap_or_else(|| panic!("no call `{prefix}` in {calls:#?}"))
}

#[test]
fn kcu105_vivado_script_runs_under_tcl() {
    let (code, out, err) = stubbed_run("kcu105-vivado", "core.v out", 0.1);
    assert_eq!(code, 0, "{err}");
    let calls: Vec<&str> = out.lines().collect();
    let ips = ["kcu105_pcs_pma_0", "kcu105_pcs_pma_1"];
    for ip in ips {
        call_at(&calls, &format!("create_ip -name gig_ethernet_pcs_pma -vendor xilinx.com -library ip -module_name {ip}"));
    }
    // Both cores 1000BASE-X from the 156.25 MHz SFP clock, on the SFP lanes.
    let configured: Vec<&&str> = calls.iter().filter(|c| c.starts_with("set_property -dict")).collect();
    for (ip, lane) in ips.iter().zip(["X0Y10", "X0Y9"]) {
        let c = configured.iter().find(|c| c.ends_with(ip)).unwrap_or_else(|| panic!("{ip} not configured"));
        for setting in ["CONFIG.Standard 1000BASEX", "CONFIG.RefClkRate 156.25", &format!("CONFIG.GT_Location {lane}")] {
            assert!(c.contains(setting), "{ip}: {setting} missing in {c}");
        }
    }
    // The top's black boxes are the modules the script creates.
    let stub = std::fs::read_to_string(repo().join("boards/verilog/kcu105_pcs_pma_stub.v")).unwrap();
    let top = std::fs::read_to_string(repo().join("boards/verilog/kcu105_top.v")).unwrap();
    for ip in ips {
        assert!(stub.contains(&format!("module {ip} (")) && top.contains(&format!("{ip} sfp")), "{ip}");
    }
    let order = [
        "create_project -in_memory -part xcku040-ffva1156-2-e",
        "read_verilog",
        "synth_ip",
        "read_xdc",
        "synth_design -top kcu105_top -part xcku040-ffva1156-2-e",
        "route_design",
        "report_timing_summary",
        "write_bitstream -force out/kcu105_top.bit",
    ];
    let at: Vec<usize> = order.iter().map(|c| call_at(&calls, c)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "flow out of order: {order:?} at {at:?}");
    assert!(calls[call_at(&calls, "read_xdc")].ends_with("constraints/kcu105.xdc"));
}

fn stubbed_run(name: &str, argv: &str, slack: f64) -> (i32, String, String) {
    tclsh(name, &stubbed("boards/vivado/kcu105.tcl", argv, slack))
}

#[test]
fn kcu105_vivado_script_refuses_missed_timing_and_bad_arguments() {
    let (code, out, err) = stubbed_run("kcu105-slack", "core.v out", -0.25);
    assert_eq!(code, 1, "missed timing must exit 1: {out}{err}");
    assert!(err.contains("timing not met") && !out.contains("write_bitstream"), "{out}{err}");
    let (code, _, err) = stubbed_run("kcu105-args", "core.v", 0.1);
    assert_eq!(code, 2, "one argument must exit 2: {err}");
    assert!(err.contains("usage:"), "{err}");
}

#[test]
fn kcu105_program_script_runs_under_tcl() {
    let bit = repo().join("boards/kcu105.toml").canonicalize().unwrap();
    let (code, out, err) = tclsh("kcu105-prog", &stubbed("boards/vivado/program.tcl", &format!("{{{}}}", bit.display()), 0.0));
    assert_eq!(code, 0, "{err}");
    let calls: Vec<&str> = out.lines().collect();
    call_at(&calls, &format!("set_property PROGRAM.FILE {} xcku040_0", bit.display()));
    assert!(call_at(&calls, "open_hw_target") < call_at(&calls, "program_hw_devices xcku040_0"));
    let (code, _, err) = tclsh("kcu105-prog-missing", &stubbed("boards/vivado/program.tcl", "no/such.bit", 0.0));
    assert_eq!(code, 2, "a missing bitstream must exit 2: {err}");
}

/// The top's ports, one name per bit (`led[0]` …), in order.
fn top_ports() -> Vec<String> {
    let top = std::fs::read_to_string(repo().join("boards/verilog/kcu105_top.v")).unwrap();
    let header = top.split("module kcu105_top (").nth(1).unwrap().split(");").next().unwrap();
    let mut ports = Vec::new();
    for decl in header.lines().map(str::trim).filter(|l| l.starts_with("input") || l.starts_with("output")) {
        let decl = decl.trim_end_matches(',');
        let name = decl.rsplit(' ').next().unwrap();
        match decl.split_once('[') {
            Some((_, range)) => {
                let (high, _) = range.split_once(':').unwrap();
                let high: usize = high.parse().unwrap();
                ports.extend((0..=high).map(|i| format!("{name}[{i}]")));
            }
            None => ports.push(name.to_owned()),
        }
    }
    ports
}

#[test]
fn kcu105_xdc_places_every_top_port_once() {
    let root = repo().canonicalize().unwrap();
    let driver = format!(
        "source {{{}}}\nsource {{{}}}\nforeach c $::calls {{ puts $c }}\n",
        root.join("boards/tests/vivado_stubs.tcl").display(),
        root.join("constraints/kcu105.xdc").display()
    );
    let (code, out, err) = tclsh("kcu105-xdc", &driver);
    assert_eq!(code, 0, "{err}");
    let ports = top_ports();
    let mut placed: Vec<(String, String)> = Vec::new();
    for call in out.lines() {
        let words: Vec<&str> = call.split_whitespace().collect();
        if words[0] == "get_ports" {
            for name in &words[1..] {
                let pattern = name.trim_matches(|c| c == '{' || c == '}');
                let known = ports.iter().any(|p| p == pattern || pattern.strip_suffix("[*]").is_some_and(|bus| p.starts_with(&format!("{bus}["))));
                assert!(known, "the XDC names {pattern}, which kcu105_top does not have");
            }
        }
        if words[0] == "set_property" {
            if let Some(at) = words.iter().position(|w| w.trim_start_matches('{') == "PACKAGE_PIN") {
                let port = words.last().unwrap().trim_matches(|c| c == '{' || c == '}');
                placed.push((port.to_owned(), words[at + 1].to_owned()));
            }
        }
    }
    for p in &ports {
        let n = placed.iter().filter(|(q, _)| q == p).count();
        assert_eq!(n, 1, "{p} has {n} PACKAGE_PIN constraints");
    }
    let mut pins: Vec<&String> = placed.iter().map(|(_, pin)| pin).collect();
    pins.sort();
    pins.dedup();
    assert_eq!(pins.len(), placed.len(), "two ports on one pin: {placed:?}");
    for clock in ["create_clock -period 8.000 -name clk_125mhz", "create_clock -period 6.400 -name sfp_refclk"] {
        assert!(out.contains(clock), "missing: {clock}");
    }
}

/// The generated core, the top and the PCS/PMA black boxes, in a fresh
/// folder for yosys.
fn yosys_sources(name: &str) -> PathBuf {
    let dir = hdl::tool_run::scratch_dir(name);
    std::fs::write(dir.join("core.v"), verilog(&config()).unwrap()).unwrap();
    for f in ["kcu105_top.v", "kcu105_pcs_pma_stub.v"] {
        std::fs::copy(repo().join("boards/verilog").join(f), dir.join(f)).unwrap();
    }
    dir
}

const YOSYS_READ: &str = "read_verilog core.v kcu105_top.v kcu105_pcs_pma_stub.v";

#[test]
fn kcu105_top_elaborates_with_core_and_pcs_ports() {
    // Every connection of the top to the core and to the PCS/PMA cores
    // names an existing port of the right direction.
    on_big_stack(|| {
        let dir = yosys_sources("kcu105-hierarchy");
        // The vendor primitives of the top (IBUFDS, BUFGCE_DIV) from yosys's
        // Xilinx library, so their port names are checked too.
        let script = format!(
            "read_verilog -lib +/xilinx/cells_sim.v +/xilinx/cells_xtra.v; {YOSYS_READ}; \
             hierarchy -check -top kcu105_top; check -assert"
        );
        hdl::tool_run::run_tool(&dir, "yosys", &["-q", "-p", &script], "yosys");
    });
}

/// `make vivado-check`, or `cargo test --release -p flowdist-boards --test
/// kcu105 -- --ignored --nocapture` (about 6 minutes): yosys synth_xilinx
/// (UltraScale) of the top, the PCS/PMA cores as black boxes and no I/O
/// buffers (the transceiver pins take none; Vivado adds the others);
/// prints the cell counts.
#[test]
#[ignore]
fn kcu105_top_synth_xilinx() {
    on_big_stack(|| {
        let dir = yosys_sources("kcu105-synth");
        let script = format!("{YOSYS_READ}; synth_xilinx -family xcu -flatten -noiopad -top kcu105_top; tee -o stat.txt stat");
        hdl::tool_run::run_tool(&dir, "yosys", &["-q", "-l", "yosys.log", "-p", &script], "yosys");
        let stat = std::fs::read_to_string(dir.join("stat.txt")).unwrap();
        println!("{stat}");
        let count = |prefix: &str| -> u64 {
            stat.lines()
                .filter_map(|l| l.trim().split_once(char::is_whitespace))
                .filter(|(cell, _)| cell.starts_with(prefix))
                .map(|(_, n)| n.trim().parse::<u64>().unwrap_or(0))
                .sum()
        };
        let (luts, srls, lutrams, ffs) = (count("LUT"), count("SRL"), count("RAM64M") + count("RAM32M"), count("FD"));
        let (ramb36, ramb18) = (count("RAMB36"), count("RAMB18"));
        println!(
            "kcu105_top (yosys synth_xilinx -family xcu): {luts} LUT + {srls} SRL + {lutrams} LUTRAM cells, \
             {ffs} FF, {ramb36} RAMB36E2 + {ramb18} RAMB18E2"
        );
        assert!(luts > 0 && ffs > 0 && ramb36 + ramb18 > 0, "the core must map to LUTs, FFs and block RAM");
    });
}
