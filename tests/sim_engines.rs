//! Co-verification, issue 4: the hardware core on both engines (rust-hdl
//! simulation, Verilated Verilog) against the model, frame by frame, in the
//! three traffic modes.
//!
//! Default run, on both engines in the three modes: the repo's generated
//! captures, every Ethernet capture in ../shared/pcaps, a live table
//! change, runt / MAC error / jumbo frames; seeded adversarial frames,
//! `VERILATOR_FRAMES` through Verilator and `RUST_HDL_FRAMES` through
//! rust-hdl, which simulates the full core about 65 times slower (19-21 k
//! cycles/s). `RUST_HDL_FRAMES_LONG` adversarial frames through rust-hdl
//! (about 6 minutes) are `#[ignore]`d and run by `make cosim`.
//!
//! The Verilator tests fail, naming the Debian package, when verilator is
//! missing.

use std::path::{Path, PathBuf};

use model::config::Config;
use model::{Distributor, Verdict};
use sim::driver::Mode;
use sim::engine::Engine;
use sim::stimulus::{self, InFrame, Stimulus};
use sim::{EngineKind, Outcome, Tracing};

/// Seeded adversarial frames per default run.
const VERILATOR_FRAMES: usize = 100_000;
const RUST_HDL_FRAMES: usize = 10_000;
/// In `make cosim` (ignored tests).
const RUST_HDL_FRAMES_LONG: usize = 100_000;

const MODES: [Mode; 3] = [
    Mode { gaps: false, backpressure: false, seed: 1 },
    Mode { gaps: true, backpressure: false, seed: 2 },
    Mode { gaps: true, backpressure: true, seed: 3 },
];

/// configs/test.toml: group MAC, TMMs with MACs, two rules, TMM-side
/// ingress ports.
const RICH_CONFIG: &str = include_str!("../configs/test.toml");

fn rich_config() -> Config {
    Config::from_toml(RICH_CONFIG).expect("the test config is valid")
}

fn engine(kind: EngineKind, config: &Config) -> Box<dyn Engine> {
    sim::engine(kind, config, Tracing::Off, &mut |m| eprintln!("{m}")).unwrap_or_else(|e| panic!("{} engine: {e}", kind.name()))
}

/// Run on a fresh core and require a clean report. Every core is built
/// for the built-in config (one Verilator build for all tests); another
/// `config` is written through the control port before the first frame.
fn run_clean(kind: EngineKind, config: &Config, stim: &Stimulus, mode: &Mode, what: &str) -> Outcome {
    let mut e = engine(kind, &Config::builtin());
    let mut stim = stim.clone();
    if *config != Config::builtin() {
        stim.setup = hdl::uart_bridge::config_writes(config).expect("the test config fits the hardware");
    }
    let outcome = sim::simulate(e.as_mut(), config, &stim, mode, Default::default())
        .unwrap_or_else(|e| panic!("{what} on {}: {e}", kind.name()));
    let r = &outcome.report;
    let secs = outcome.record.elapsed.as_secs_f64();
    eprintln!(
        "{what} on {} ({}): {} frames, {} cycles, {:.0} cycles/s, latency {:?}..{:?}, {} mismatches",
        kind.name(),
        mode.describe(),
        r.frames_in,
        r.cycles,
        r.cycles as f64 / secs,
        r.latency_min,
        r.latency_max,
        r.mismatches()
    );
    if r.mismatches() != 0 {
        let details: Vec<String> = r.first.iter().map(|m| m.to_string()).collect();
        panic!("{what} on {} ({}): {} mismatches {:?}\n{}", kind.name(), mode.describe(), r.mismatches(), r.counts, details.join("\n"));
    }
    assert_eq!(r.frames_out, r.frames_in, "{what}: every frame left once");
    outcome
}

fn shared_pcaps() -> Option<Vec<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/pcaps");
    if !dir.is_dir() {
        eprintln!("note: {} is absent: the shared captures are skipped", dir.display());
        return None;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the captures folder is readable")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .collect();
    files.sort();
    Some(files)
}

/// Every Ethernet capture in the shared folder (others are refused by
/// design: `model::capture` takes Ethernet only).
fn ethernet_captures() -> Vec<(PathBuf, Stimulus)> {
    let Some(files) = shared_pcaps() else { return Vec::new() };
    let mut out = Vec::new();
    for f in files {
        match Stimulus::from_capture(&f, 0) {
            Ok(s) if !s.frames.is_empty() => out.push((f, s)),
            Ok(_) => eprintln!("note: {} holds no frame", f.display()),
            Err(e) => eprintln!("note: not driven: {e}"),
        }
    }
    assert!(out.len() >= 40, "only {} Ethernet captures found", out.len());
    out
}

/// The repo's own generated traffic, written as a capture and read back.
fn generated_capture(seed: u64, connections: usize) -> Stimulus {
    let dir = std::env::temp_dir().join(format!("flowdist-sim-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("demo-{seed}-{connections}.pcap"));
    let frames = model::frame_build::demo_traffic(seed, connections);
    model::capture::write_all(&path, frames.iter().map(|f| f.as_slice())).unwrap();
    let stim = Stimulus::from_capture(&path, 0).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(stim.frames.len(), frames.len());
    stim
}

/// Each capture in its own run, in every mode.
fn all_captures(kind: EngineKind) {
    let config = Config::builtin();
    let mut frames = 0;
    for (path, stim) in ethernet_captures() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for mode in &MODES {
            run_clean(kind, &config, &stim, mode, &name);
        }
        frames += stim.frames.len();
    }
    eprintln!("{frames} capture frames through {} in each of {} modes", kind.name(), MODES.len());
}

#[test]
fn sim_generated_captures_rust_hdl() {
    let stim = generated_capture(1, 8);
    for mode in &MODES {
        run_clean(EngineKind::RustHdl, &Config::builtin(), &stim, mode, "demo traffic");
    }
}

#[test]
fn sim_generated_captures_verilator() {
    let stim = generated_capture(2, 3000);
    for mode in &MODES {
        run_clean(EngineKind::Verilator, &Config::builtin(), &stim, mode, "demo traffic");
    }
}

#[test]
fn sim_shared_captures_verilator() {
    all_captures(EngineKind::Verilator);
}

#[test]
fn sim_shared_captures_rust_hdl() {
    all_captures(EngineKind::RustHdl);
}

/// `n` adversarial frames split over the three modes, on the rich config;
/// the parts of the modes in `modes` (indexes into `MODES`) are run, so
/// that a slow engine can run the parts as tests in parallel. Every verdict
/// must occur when `n` is large enough to ask for it.
fn adversarial(kind: EngineKind, n: usize, seed: u64, modes: &[usize]) {
    let config = rich_config();
    let stim = Stimulus::from_frames(stimulus::adversarial(seed, n, config.group_mac, &[3]));
    let dist = Distributor::new(&config);
    let mut verdicts = std::collections::BTreeSet::new();
    for f in &stim.frames {
        verdicts.insert(dist.classify_rx(&f.data, f.ingress, f.mac_error).verdict);
    }
    if n >= 1000 {
        assert_eq!(verdicts.len(), Verdict::ALL.len(), "every verdict in the stimulus: {verdicts:?}");
    }
    // The frames split over the modes: each frame goes through once.
    let per_mode = stim.frames.len().div_ceil(MODES.len());
    for &k in modes {
        let part = Stimulus::from_frames(stim.frames.iter().skip(k * per_mode).take(per_mode).cloned().collect());
        run_clean(kind, &config, &part, &MODES[k], &format!("{} adversarial frames", part.frames.len()));
    }
}

#[test]
fn sim_adversarial_verilator() {
    adversarial(EngineKind::Verilator, VERILATOR_FRAMES, 11, &[0, 1, 2]);
}

#[test]
fn sim_adversarial_rust_hdl_back_to_back() {
    adversarial(EngineKind::RustHdl, RUST_HDL_FRAMES, 12, &[0]);
}

#[test]
fn sim_adversarial_rust_hdl_gaps() {
    adversarial(EngineKind::RustHdl, RUST_HDL_FRAMES, 12, &[1]);
}

#[test]
fn sim_adversarial_rust_hdl_gaps_backpressure() {
    adversarial(EngineKind::RustHdl, RUST_HDL_FRAMES, 12, &[2]);
}

#[test]
#[ignore = "slow (rust-hdl): make cosim"]
fn sim_adversarial_rust_hdl_long() {
    adversarial(EngineKind::RustHdl, RUST_HDL_FRAMES_LONG, 13, &[0, 1, 2]);
}

/// Group 0 loses TMM 3 mid-capture: the new tables are written through the
/// control port while frames flow, then committed; in every mode.
fn live_table_change(kind: EngineKind, connections: usize) {
    let config = Config::builtin();
    let frames = stimulus::demo(21, connections);
    let mut tables = config.tables();
    let (group0, moved) = tables[0].change(&[(0, 1.0), (1, 1.0), (2, 1.0)]).unwrap();
    assert!(moved > 0);
    tables[0] = group0;
    let mut stim = Stimulus::from_frames(frames);
    stim.table_change = Some(sim::control::table_change(10, tables.clone()));
    let before = Distributor::new(&config);
    let after = Distributor::with_tables(&config, tables);
    for mode in &MODES {
        let outcome = run_clean(kind, &config, &stim, mode, "live table change");
        let r = &outcome.report;
        let commit = outcome.record.commit_cycle.expect("the commit was written");
        assert!(r.after_commit > 0 && r.after_commit < stim.frames.len(), "frames on both sides: {}", r.after_commit);
        // The change is visible: frames on both sides go where only their
        // own tables send them.
        let differs = |i: usize| {
            let f = &stim.frames[i].data;
            before.classify(f, 0).port != after.classify(f, 0).port
        };
        let inputs = &outcome.record.inputs;
        assert!((0..stim.frames.len()).any(|i| inputs[i].last_in < commit && differs(i)), "an old-table frame that the change moves");
        assert!((0..stim.frames.len()).any(|i| inputs[i].last_in >= commit && differs(i)), "a new-table frame that the change moved");
    }
}

#[test]
fn sim_live_table_change_rust_hdl() {
    // 8193 control writes (two groups, the commit): traffic outlasts them.
    live_table_change(EngineKind::RustHdl, 130);
}

#[test]
fn sim_live_table_change_verilator() {
    live_table_change(EngineKind::Verilator, 3000);
}

/// Runts, MAC-errored frames and jumbo frames, with the behaviour the
/// README documents: a frame under 14 bytes is `malformed`; a frame the MAC
/// flags is `malformed` whatever it holds (and whatever its ingress port);
/// a 9200-byte frame is decided on its first 128 bytes like any other and
/// leaves whole. In every mode.
fn runt_error_jumbo(kind: EngineKind) {
    let config = Config::builtin();
    let dist = Distributor::new(&config);
    let mut rng = model::frame_build::Rng::new(5);
    let flow = model::frame_build::random_flow(&mut rng);
    let jumbo = flow.frame(&[], &[], &rng.bytes(9200 - 54 - 20));
    let jumbo = jumbo[..9200.min(jumbo.len())].to_vec();
    let normal = flow.reversed().frame(&[], &[], &rng.bytes(100));
    let with_error = |data: Vec<u8>| InFrame { data, ingress: 0, mac_error: true };
    let frames = vec![
        InFrame::new(vec![0x55]),
        InFrame::new(normal[..13].to_vec()),
        InFrame::new(normal.clone()),
        with_error(normal.clone()),
        InFrame::new(jumbo.clone()),
        with_error(jumbo.clone()),
        with_error(vec![0xaa; 3]),
        InFrame::new(normal[..14].to_vec()),
        InFrame::new(jumbo.clone()),
    ];
    let expected: Vec<Verdict> = vec![
        Verdict::Malformed,
        Verdict::Malformed,
        dist.classify(&normal, 0).verdict,
        Verdict::Malformed,
        Verdict::L4,
        Verdict::Malformed,
        Verdict::Malformed,
        Verdict::Malformed,
        Verdict::L4,
    ];
    for (f, v) in frames.iter().zip(&expected) {
        assert_eq!(dist.classify_rx(&f.data, f.ingress, f.mac_error).verdict, *v, "model, {} bytes", f.data.len());
    }
    assert!(jumbo.len() >= 9000);
    let stim = Stimulus::from_frames(frames);
    for mode in &MODES {
        let outcome = run_clean(kind, &config, &stim, mode, "runt / MAC error / jumbo");
        let jumbo_out = outcome.record.outputs.iter().filter(|o| o.data.len() == jumbo.len()).count();
        assert_eq!(jumbo_out, 3, "the jumbo frames leave whole");
    }
}

#[test]
fn sim_runt_mac_error_jumbo_rust_hdl() {
    // The most adversarial mode only: 3450 cycles of jumbo frames.
    runt_error_jumbo(EngineKind::RustHdl);
}

#[test]
fn sim_runt_mac_error_jumbo_verilator() {
    runt_error_jumbo(EngineKind::Verilator);
}
