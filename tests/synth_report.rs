//! scripts/synth_report.py on a results folder as scripts/synth.py leaves
//! it: a result JSON with yosys's netlist and nextpnr's timing report beside
//! it (which are not results), and an expected target without a result.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const RESULT: &str = r#"{"design": "core", "target": "ecp5-25f", "goal_mhz": 156.25, "wrapper_ffs": 315,
  "wrapper_luts": 180, "commit": "abc1234", "date": "2026-11-28 01:00 UTC", "lut": 11260, "carry": 537,
  "ff": 13901, "bram": 29, "lutram": 256, "seed": 2, "fmax_mhz": 148.94, "placed": {"TRELLIS_COMB": 14140},
  "meets_goal": false, "critical_from": "decide.icmp.a_sel__16.q", "critical_to": "decide.icmp.b_a__4.q",
  "critical_ns": 6.71}"#;

fn results(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flowdist-synth-report-{}-{name}", std::process::id()));
    let run = dir.join("ecp5-25f");
    fs::create_dir_all(&run).unwrap();
    fs::write(run.join("core.json"), RESULT).unwrap();
    fs::write(run.join("core.timing.json"), r#"{"fmax": {}, "critical_paths": [], "detailed_net_timings": []}"#).unwrap();
    fs::write(run.join("core.netlist.json"), r#"{"modules": {}}"#).unwrap();
    dir
}

fn report(dir: &Path, extra: &[&str]) -> std::process::Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/synth_report.py");
    match Command::new("python3").arg(script).arg(dir).args(["--design", "core", "--expect", "ecp5-25f ice40-hx8k"]).args(extra).output() {
        Ok(out) => out,
        Err(e) => panic!("this test needs python3 (Debian package python3): {e}"),
    }
}

#[test]
fn synth_report_skips_the_timing_report_and_names_the_missing_run() {
    let dir = results("table");
    let out = report(&dir, &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("| core |")).collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(rows[0].starts_with("| core | ecp5-25f | 11260 | 537 | 13901 | 256 | 29 | 14140 | 148.9 (156.25 MISSED), seed 2 |"), "{}", rows[0]);
    assert!(rows[0].contains("decide.icmp.a_sel__16.q → decide.icmp.b_a__4.q, 6.7 ns") && rows[0].contains("abc1234"), "{}", rows[0]);
    assert!(rows[1].starts_with("| core | ice40-hx8k |") && rows[1].contains("**not measured**"), "{}", rows[1]);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn synth_report_rewrites_only_the_marked_part_of_the_readme() {
    let dir = results("readme");
    let readme = dir.join("README.md");
    fs::write(&readme, "before\n<!-- make report: begin -->\nold table\n<!-- make report: end -->\nafter\n").unwrap();
    let out = report(&dir, &["--readme", readme.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = fs::read_to_string(&readme).unwrap();
    assert!(doc.starts_with("before\n<!-- make report: begin -->\n| design | target |"), "{doc}");
    assert!(doc.ends_with("<!-- make report: end -->\nafter\n") && !doc.contains("old table"), "{doc}");
    // Without the markers the file is left alone and the exit is 1.
    fs::write(&readme, "no markers\n").unwrap();
    let out = report(&dir, &["--readme", readme.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(fs::read_to_string(&readme).unwrap(), "no markers\n");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn synth_report_gives_the_spread_of_several_seeds() {
    let dir = results("seeds");
    let with_seeds = RESULT.replace(r#""seed": 2,"#, r#""seed": 2, "seeds": {"1": 140.5, "2": 148.94, "3": null},"#);
    fs::write(dir.join("ecp5-25f/core.json"), with_seeds).unwrap();
    let out = report(&dir, &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("| 148.9 (156.25 MISSED), seed 2 of 3 (140.5–148.9, 1 failed) |"), "{text}");
    fs::remove_dir_all(&dir).unwrap();
}
