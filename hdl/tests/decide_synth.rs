//! `Decide` as Verilog: rust-hdl's checks, then yosys `synth_ecp5` (the
//! LFE5U-25F target), reporting LUT4 and flip-flop counts. The place-and-route
//! run for Fmax (nextpnr-ecp5, minutes) is `#[ignore]`d: run it with
//! `cargo test -p flowdist-hdl --test decide_synth -- --ignored`.

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

#[test]
fn decide_yosys_synth_ecp5() {
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
    let luts = cells(&stat, "LUT4");
    let ffs = cells(&stat, "TRELLIS_FF");
    println!("Decide on ECP5 (yosys synth_ecp5): {luts} LUT4, {ffs} TRELLIS_FF");
    assert!(luts > 500 && ffs > 500, "implausibly small synthesis result:\n{stat}");
    assert!(luts < 24_000, "Decide alone does not fit an LFE5U-25F: {luts} LUT4");
}
