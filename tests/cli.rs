//! The `flowdist` command line, run as a user would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use model::capture::write_all;
use model::frame_build::demo_traffic;

fn flowdist(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowdist")).args(args).output().expect("flowdist runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tmp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("flowdist-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A capture of built-in demonstration traffic.
fn demo_pcap(dir: &Path, connections: usize) -> PathBuf {
    let path = dir.join("demo.pcap");
    let frames = demo_traffic(3, connections);
    write_all(&path, frames.iter().map(|f| f.as_slice())).unwrap();
    path
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A one-line error and exit code 2.
fn assert_clean_failure(o: &Output, needle: &str) {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(needle), "expected {needle:?} in {err:?}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn cli_no_arguments_runs_the_builtin_demo() {
    let o = flowdist(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in ["built-in config", "verdicts:", "l4", "per TMM", "tmm 3", "max/mean"] {
        assert!(out.contains(needle), "{needle} missing from\n{out}");
    }
    // The same traffic written as a capture classifies to the same summary.
    let dir = tmp_dir("demo");
    let pcap = dir.join("demo.pcap");
    let o = flowdist(&["demo", "--connections", "300", "--write-pcap", s(&pcap)]);
    let demo_out = stdout(&o);
    let o = flowdist(&["classify", "--pcap", s(&pcap), "--format", "summary"]);
    let verdicts = |t: &str| t.lines().skip_while(|l| !l.starts_with("frames:")).take(10).map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(verdicts(&demo_out), verdicts(&stdout(&o)));
    assert!(demo_out.contains(&format!("frames: {}", demo_traffic(1, 300).len())));
}

#[test]
fn cli_classify_prints_spec_csv() {
    let dir = tmp_dir("classify");
    let pcap = demo_pcap(&dir, 50);
    let o = flowdist(&["classify", "--config", "configs/default.toml", "--pcap", s(&pcap), "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("frame,verdict,inner,group,key,hash,index,tmm,port"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), demo_traffic(3, 50).len());
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.len(), 9);
        assert_eq!(r[0], (i + 1).to_string());
        match r[1] {
            "l4" | "l3" => {
                assert_eq!(r[4].len(), 36);
                assert_eq!(r[5].len(), 8);
                assert_eq!(r[6].parse::<u32>().unwrap(), u32::from_str_radix(r[5], 16).unwrap() & 0xfff);
            }
            "fixed" => assert!(r[4].is_empty() && !r[7].is_empty()),
            "control" | "malformed" | "fragment" => assert!(r[3..8].iter().all(|c| c.is_empty()), "{r:?}"),
            v => panic!("unexpected verdict {v}"),
        }
    }
    // Bypass from a TMM-side ingress port of a config that has one.
    let cfg = dir.join("bypass.toml");
    std::fs::write(&cfg, format!("{}\n[[ingress]]\nport = 3\nforward_to = 0\n", std::fs::read_to_string("configs/default.toml").unwrap())).unwrap();
    let o = flowdist(&["classify", "--config", s(&cfg), "--pcap", s(&pcap), "--ingress-port", "3"]);
    assert!(stdout(&o).lines().skip(1).all(|l| l.ends_with(",bypass,0,,,,,,0")));
}

#[test]
fn cli_classify_summary_counts_every_frame() {
    let dir = tmp_dir("summary");
    let pcap = demo_pcap(&dir, 100);
    let o = flowdist(&["classify", "--pcap", s(&pcap), "--format", "summary"]);
    assert!(o.status.success());
    let out = stdout(&o);
    let frames = demo_traffic(3, 100).len();
    assert!(out.contains(&format!("frames: {frames}")), "{out}");
    let verdict_total: usize = out
        .lines()
        .filter(|l| ["bridge", "control", "malformed", "fragment", "fixed", "l4 ", "l3 ", "bypass"].iter().any(|v| l.trim_start().starts_with(v)))
        .map(|l| l.split_whitespace().nth(1).unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(verdict_total, frames);
}

#[test]
fn cli_classify_bad_inputs_fail_cleanly() {
    let dir = tmp_dir("bad");
    let o = flowdist(&["classify", "--pcap", s(&dir.join("missing.pcap"))]);
    assert_clean_failure(&o, "missing.pcap: cannot open");
    let sll = dir.join("sll.pcap");
    let mut hdr = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0];
    hdr.extend(113u32.to_le_bytes());
    std::fs::write(&sll, &hdr).unwrap();
    assert_clean_failure(&flowdist(&["classify", "--pcap", s(&sll)]), "link type 113");
    let cfg = dir.join("bad.toml");
    std::fs::write(&cfg, "bridge_port = 0\ncontrol_port = 7\nfragment_port = 7\nmalformed_port = 7\n[[tmm]]\nid = 0\nport = 1\n[[group]]\nfixed_tmm = 0\nweights = { \"4\" = 1 }\n").unwrap();
    let pcap = demo_pcap(&dir, 5);
    assert_clean_failure(&flowdist(&["classify", "--config", s(&cfg), "--pcap", s(&pcap)]), "weights name TMM 4");
}

#[test]
fn cli_classify_truncated_capture_keeps_rows_then_exits_2() {
    let dir = tmp_dir("trunc");
    let pcap = demo_pcap(&dir, 10);
    let bytes = std::fs::read(&pcap).unwrap();
    std::fs::write(&pcap, &bytes[..bytes.len() - 3]).unwrap();
    let o = flowdist(&["classify", "--pcap", s(&pcap)]);
    assert_clean_failure(&o, "truncated");
    assert_eq!(stdout(&o).lines().count(), demo_traffic(3, 10).len(), "header + every whole frame");
}

#[test]
fn cli_table_prints_and_changes_tables() {
    let dir = tmp_dir("table");
    let o = flowdist(&["table", "--config", "configs/default.toml", "--format", "csv"]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert_eq!(out.lines().next(), Some("group,index,tmm"));
    assert_eq!(out.lines().count(), 1 + 2 * 4096);
    let old = dir.join("old.csv");
    std::fs::write(&old, &out).unwrap();
    // Add a fifth TMM to group 0.
    let cfg = dir.join("five.toml");
    let text = std::fs::read_to_string("configs/default.toml").unwrap().replace(
        "weights = { \"0\" = 1, \"1\" = 1, \"2\" = 1, \"3\" = 1 }",
        "weights = { \"0\" = 1, \"1\" = 1, \"2\" = 1, \"3\" = 1, \"4\" = 1 }",
    ) + "\n[[tmm]]\nid = 4\nport = 5\n";
    std::fs::write(&cfg, text).unwrap();
    let o = flowdist(&["table", "--config", s(&cfg), "--from", s(&old)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("group 0: 819 of 4096 entries moved") || err.contains("group 0: 820 of 4096 entries moved"), "{err}");
    assert!(err.contains("group 1: 0 of 4096 entries moved"), "{err}");
    let new = stdout(&o);
    let moved = out.lines().zip(new.lines()).filter(|(a, b)| a != b).count();
    assert!((819..=820).contains(&moved));
    // A broken old table is named.
    std::fs::write(&old, "group,index,tmm\n0,5,1\n0,5,2\n").unwrap();
    assert_clean_failure(&flowdist(&["table", "--from", s(&old)]), "index 5 given twice");
    std::fs::write(&old, "group,index,tmm\n0,5,1\n").unwrap();
    assert_clean_failure(&flowdist(&["table", "--from", s(&old)]), "lacks 4095 of 4096");
}

#[test]
fn cli_hash_matches_the_rss_vectors() {
    let o = flowdist(&["hash", "--input", "420995bba18e64500aea06e6"]);
    assert_eq!(stdout(&o), "51ccc178\n");
    let o = flowdist(&["hash", "--input", "420995bba18e6450", "--key", "6d5a56da255b0ec24167253d"]);
    assert_eq!(stdout(&o), "323e8fc2\n");
    assert_clean_failure(&flowdist(&["hash", "--input", "420995bba18e6450", "--key", "6d5a56da255b0ec241"]), "too short");
    assert_clean_failure(&flowdist(&["hash", "--input", "42x9"]), "--input: not hex");
}

#[test]
fn cli_which_explains_a_decision() {
    let o = flowdist(&["which", "--src", "10.0.0.1:40000", "--dst", "10.0.0.2:443", "--proto", "tcp"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in ["verdict: l4", "rule for port 443 selects group 1", "source endpoint (port 40000 > 443)", "key:     00000000000000000000ffff0a0000019c40", "index:", "tmm:", "port:"] {
        assert!(out.contains(needle), "{needle} missing:\n{out}");
    }
    let back = stdout(&flowdist(&["which", "--src", "10.0.0.2:443", "--dst", "10.0.0.1:40000"]));
    let tail = |s: &str| s.lines().skip(2).filter(|l| !l.starts_with("key")).map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(tail(&out), tail(&back), "both directions decide alike");
    let o = flowdist(&["which", "--src", "[2001:db8::1]:53", "--dst", "[2001:db8::2]:53", "--proto", "udp"]);
    assert!(stdout(&o).contains("verdict: fixed"));
    let o = flowdist(&["which", "--src", "10.0.0.1", "--dst", "10.0.0.2", "--proto", "47"]);
    assert!(stdout(&o).contains("verdict: l3"));
    assert_clean_failure(&flowdist(&["which", "--src", "10.0.0.1:1", "--dst", "::1", "--proto", "tcp"]), "same address family");
}

#[test]
fn cli_split_writes_one_capture_per_port() {
    let dir = tmp_dir("split");
    let pcap = demo_pcap(&dir, 60);
    let out = dir.join("out");
    let cfg = dir.join("mac.toml");
    let text = std::fs::read_to_string("configs/default.toml").unwrap().replacen("id = 3\nport = 4", "id = 3\nport = 4\nmac = \"02:00:00:00:03:03\"", 1);
    std::fs::write(&cfg, text).unwrap();
    let o = flowdist(&["split", "--config", s(&cfg), "--pcap", s(&pcap), "--out", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let config = model::Config::load(&cfg).unwrap();
    let dist = model::Distributor::new(&config);
    let frames = model::capture::read_all(&pcap).unwrap();
    let mut total = 0;
    for port in [1u8, 2, 3, 4, 5, 7] {
        let path = out.join(format!("port-{port}.pcap"));
        if !path.exists() {
            continue;
        }
        let got = model::capture::read_all(&path).unwrap();
        let expect: Vec<Vec<u8>> = frames
            .iter()
            .filter_map(|f| {
                let d = dist.classify(&f.data, 0);
                (d.port == port).then(|| dist.egress().egress_frame(&f.data, &d).into_owned())
            })
            .collect();
        assert_eq!(got.iter().map(|g| g.data.clone()).collect::<Vec<_>>(), expect, "port {port}");
        if port == 4 {
            assert!(got.iter().all(|g| g.data[..6] == [2, 0, 0, 0, 3, 3]));
        }
        total += got.len();
    }
    assert_eq!(total, frames.len());
    // A capture that fails part-way leaves no per-port file behind.
    let bytes = std::fs::read(&pcap).unwrap();
    std::fs::write(&pcap, &bytes[..bytes.len() - 3]).unwrap();
    let out2 = dir.join("out2");
    assert_clean_failure(&flowdist(&["split", "--pcap", s(&pcap), "--out", s(&out2)]), "truncated");
    assert_eq!(std::fs::read_dir(&out2).unwrap().count(), 0);
}

/// README line 1 is a bare `cargo run --release`: the workspace's default
/// members have more than one binary (the boards' Verilog writer too), so
/// cargo needs the root package's `default-run` to pick the command line.
#[test]
fn cli_readme_cargo_run_picks_the_command_line() {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let meta = stdout(&out);
    let bins = meta.matches(r#""kind":["bin"]"#).count();
    assert!(bins >= 1, "no binary in the workspace metadata");
    assert!(
        bins == 1 || meta.contains(r#""default_run":"flowdist""#),
        "{bins} binaries in the workspace and no default-run = \"flowdist\": `cargo run --release` (README line 1) cannot choose"
    );
}
