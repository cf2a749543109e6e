//! The command line against an independent reading of SPEC.md
//! (tests/spec_ref/ref.py, written from SPEC.md alone): every row of
//! `flowdist classify`, and every exit status, on seeded random and
//! adversarial frames under three configs and three ingress ports, on the
//! demonstration capture the other tests use (`flowdist demo --write-pcap`;
//! the repository tracks no capture), and on the real captures in
//! ../shared/pcaps when they are there.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs tests/spec_ref/run.py on `frames` generated frames and `pcaps`.
fn spec_ref(frames: usize, pcaps: &[PathBuf]) {
    let configs = ["configs/default.toml", "configs/test.toml", "tests/spec_ref/x1.toml"];
    let out = Command::new("python3")
        .current_dir(root())
        // -B: no __pycache__ left in the source tree.
        .args(["-B", "tests/spec_ref/run.py"])
        .args(["--flowdist", env!("CARGO_BIN_EXE_flowdist"), "--frames", &frames.to_string(), "--seed", "7"])
        .arg("--config")
        .args(configs)
        // 3 is test.toml's TMM-side ingress (bypass), 9 x1.toml's.
        .args(["--ingress-port", "0", "3", "9"])
        .arg("--pcap")
        .args(pcaps)
        .output()
        .unwrap_or_else(|e| panic!("this test needs python3 >= 3.11: apt-get install python3 ({e})"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    eprintln!("{text}");
}

#[test]
fn spec_ref_generated_frames() {
    spec_ref(100_000, &[]);
}

#[test]
fn spec_ref_demo_capture() {
    let dir = std::env::temp_dir().join(format!("flowdist-spec-ref-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pcap = dir.join("demo.pcap");
    let out = Command::new(env!("CARGO_BIN_EXE_flowdist"))
        .args(["demo", "--connections", "2000", "--write-pcap"])
        .arg(&pcap)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    spec_ref(0, &[pcap]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn spec_ref_shared_captures() {
    let dir = root().join("../shared/pcaps");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("note: {} is absent: shared-capture comparison skipped", dir.display());
        return;
    };
    let mut pcaps: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pcap" || x == "pcapng"))
        .collect();
    pcaps.sort();
    assert!(!pcaps.is_empty(), "no captures in {}", dir.display());
    spec_ref(0, &pcaps);
}
