//! `flowdist sim` end to end: the summary, exit codes 0 / 1 / 2, the VCD
//! around a mismatch, the message naming the Debian package when verilator
//! is missing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn flowdist() -> Command {
    Command::new(env!("CARGO_BIN_EXE_flowdist"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flowdist-sim-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn demo_pcap(dir: &Path, connections: usize) -> PathBuf {
    let path = dir.join("demo.pcap");
    let frames = model::frame_build::demo_traffic(4, connections);
    model::capture::write_all(&path, frames.iter().map(|f| f.as_slice())).unwrap();
    path
}

#[test]
fn sim_cli_prints_the_summary_and_exits_0() {
    let dir = temp_dir("ok");
    let pcap = demo_pcap(&dir, 8);
    let frames = model::capture::read_all(&pcap).unwrap().len();
    let o = flowdist().args(["sim", "--gaps", "--backpressure", "--seed", "9", "--pcap"]).arg(&pcap).output().unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(out.contains(&format!("frames: {frames} in, {frames} out")), "{out}");
    assert!(out.contains("mismatches: 0"), "{out}");
    assert!(out.contains("cycles/s"), "{out}");
    assert!(out.contains("latency: min "), "{out}");
    assert!(out.contains("on rust-hdl (idle gaps + backpressure, seed 9)"), "{out}");
    // Two settles a cycle, each at least one pass that changes something
    // and one that finds nothing left to change.
    let passes: f64 = out
        .lines()
        .find_map(|l| l.strip_prefix("rust-hdl: ")?.split(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no pass count: {out}"));
    assert!(passes >= 4.0, "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sim_cli_bad_input_exits_2() {
    let dir = temp_dir("bad");
    let o = flowdist().args(["sim", "--pcap"]).arg(dir.join("missing.pcap")).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{:?}", text(&o));
    assert!(text(&o).1.contains("missing.pcap"), "{:?}", text(&o));
    let junk = dir.join("junk.pcap");
    std::fs::write(&junk, b"not a capture at all").unwrap();
    let o = flowdist().args(["sim", "--pcap"]).arg(&junk).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{:?}", text(&o));
    assert!(text(&o).1.contains("not a pcap or pcapng"), "{:?}", text(&o));
    let config = dir.join("bad.toml");
    std::fs::write(&config, "bridge_port = \"x\"\n").unwrap();
    let pcap = demo_pcap(&dir, 1);
    let o = flowdist().args(["sim", "--config"]).arg(&config).arg("--pcap").arg(&pcap).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{:?}", text(&o));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A frame longer than the 16 KiB packet buffer is cut by the hardware and
/// sent as `malformed` (flowdist_core.rs); the model has no such limit: a
/// real, documented difference, used here to see a mismatch reported.
#[test]
fn sim_cli_mismatch_exits_1_with_both_decisions_and_a_vcd() {
    let dir = temp_dir("mismatch");
    let flow = model::frame_build::random_flow(&mut model::frame_build::Rng::new(3));
    let small = flow.frame(&[], &[], &[1; 40]);
    let huge = flow.frame(&[], &[], &vec![7; 17_000]);
    let pcap = dir.join("huge.pcap");
    model::capture::write_all(&pcap, [small.as_slice(), huge.as_slice(), small.as_slice()]).unwrap();
    let vcd = dir.join("mismatch.vcd");
    let o = flowdist()
        .args(["sim", "--engine", "verilator", "--pcap"])
        .arg(&pcap)
        .arg("--vcd")
        .arg(&vcd)
        .output()
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(out.contains("first mismatch: frame 2: wrong decision: 16384 bytes left"), "{out}");
    assert!(out.contains("model:    verdict=l4"), "{out}");
    assert!(out.contains("hardware: verdict=malformed"), "{out}");
    let trace = std::fs::read_to_string(&vcd).expect("the VCD was written");
    assert!(trace.contains("$enddefinitions") && trace.contains("m_axis_tvalid"), "a VCD with the core's ports");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sim_cli_names_the_debian_package_when_verilator_is_missing() {
    let dir = temp_dir("nopath");
    let pcap = demo_pcap(&dir, 1);
    let o = flowdist().env("PATH", &dir).args(["sim", "--engine", "verilator", "--pcap"]).arg(&pcap).output().unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(err.contains("Debian package `verilator`"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--core compact`: the compact core, same summary, its own latency bound.
#[test]
fn sim_cli_runs_the_compact_core() {
    let dir = temp_dir("compact");
    let pcap = demo_pcap(&dir, 8);
    let frames = model::capture::read_all(&pcap).unwrap().len();
    let o = flowdist().args(["sim", "--core", "compact", "--pcap"]).arg(&pcap).output().unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(out.contains("on rust-hdl, compact core (back-to-back, seed 1)"), "{out}");
    assert!(out.contains(&format!("frames: {frames} in, {frames} out")), "{out}");
    assert!(out.contains("mismatches: 0"), "{out}");
    let bound = hdl::flowdist_compact::COMPACT_LATENCY_BOUND;
    assert!(out.contains(&format!("bound {bound})")), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `flowdist verilog --compact` writes the compact core (its window RAM
/// and walk are in it), with a 2 KiB buffer unless told otherwise.
#[test]
fn verilog_cli_writes_the_compact_core() {
    let dir = temp_dir("verilog");
    let o = flowdist().args(["verilog", "--compact", "--out"]).arg(&dir).output().unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{err}");
    assert!(err.contains("compact core, 2 KiB packet buffer"), "{err}");
    let v = std::fs::read_to_string(dir.join("flowdist_core.v")).unwrap();
    assert!(v.contains("module flowdist_core__walk(") && v.contains("module flowdist_core__windows("), "compact blocks");
    let o = flowdist().args(["verilog", "--compact", "--buffer-kib", "64", "--out"]).arg(&dir).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{:?}", text(&o));
    std::fs::remove_dir_all(&dir).unwrap();
}
