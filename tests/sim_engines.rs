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
use sim::{CoreKind, EngineKind, Outcome, Tracing};

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

fn engine(kind: EngineKind, core: CoreKind, config: &Config) -> Box<dyn Engine> {
    sim::engine(kind, core, config, Tracing::Off, &mut |m| eprintln!("{m}"))
        .unwrap_or_else(|e| panic!("{} engine: {e}", kind.name()))
}

/// Run on a fresh core and require a clean report. Every core is built
/// for the built-in config (one Verilator build for all tests); another
/// `config` is written through the control port before the first frame.
fn run_clean(kind: EngineKind, core: CoreKind, config: &Config, stim: &Stimulus, mode: &Mode, what: &str) -> Outcome {
    let mut e = engine(kind, core, &Config::builtin());
    let what = format!("{what} ({})", core.name());
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
fn all_captures(kind: EngineKind, core: CoreKind) {
    let config = Config::builtin();
    let mut frames = 0;
    for (path, stim) in ethernet_captures() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for mode in &MODES {
            run_clean(kind, core, &config, &stim, mode, &name);
        }
        frames += stim.frames.len();
    }
    eprintln!("{frames} capture frames through {} in each of {} modes", kind.name(), MODES.len());
}

#[test]
fn sim_generated_captures_rust_hdl() {
    let stim = generated_capture(1, 8);
    for mode in &MODES {
        run_clean(EngineKind::RustHdl, CoreKind::Full, &Config::builtin(), &stim, mode, "demo traffic");
    }
}

#[test]
fn sim_generated_captures_verilator() {
    let stim = generated_capture(2, 3000);
    for mode in &MODES {
        run_clean(EngineKind::Verilator, CoreKind::Full, &Config::builtin(), &stim, mode, "demo traffic");
    }
}

#[test]
fn sim_shared_captures_verilator() {
    all_captures(EngineKind::Verilator, CoreKind::Full);
}

#[test]
fn sim_shared_captures_rust_hdl() {
    all_captures(EngineKind::RustHdl, CoreKind::Full);
}

/// `n` adversarial frames split over the three modes, on the rich config;
/// the parts of the modes in `modes` (indexes into `MODES`) are run, so
/// that a slow engine can run the parts as tests in parallel. Every verdict
/// must occur when `n` is large enough to ask for it.
fn adversarial(kind: EngineKind, core: CoreKind, n: usize, seed: u64, modes: &[usize]) {
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
        run_clean(kind, core, &config, &part, &MODES[k], &format!("{} adversarial frames", part.frames.len()));
    }
}

#[test]
fn sim_adversarial_verilator() {
    adversarial(EngineKind::Verilator, CoreKind::Full, VERILATOR_FRAMES, 11, &[0, 1, 2]);
}

#[test]
fn sim_adversarial_rust_hdl_back_to_back() {
    adversarial(EngineKind::RustHdl, CoreKind::Full, RUST_HDL_FRAMES, 12, &[0]);
}

#[test]
fn sim_adversarial_rust_hdl_gaps() {
    adversarial(EngineKind::RustHdl, CoreKind::Full, RUST_HDL_FRAMES, 12, &[1]);
}

#[test]
fn sim_adversarial_rust_hdl_gaps_backpressure() {
    adversarial(EngineKind::RustHdl, CoreKind::Full, RUST_HDL_FRAMES, 12, &[2]);
}

#[test]
#[ignore = "slow (rust-hdl): make cosim"]
fn sim_adversarial_rust_hdl_long() {
    adversarial(EngineKind::RustHdl, CoreKind::Full, RUST_HDL_FRAMES_LONG, 13, &[0, 1, 2]);
}

/// Group 0 loses TMM 3 mid-capture: the new tables are written through the
/// control port while frames flow, then committed; in every mode.
fn live_table_change(kind: EngineKind, core: CoreKind, connections: usize) {
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
        let outcome = run_clean(kind, core, &config, &stim, mode, "live table change");
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
    live_table_change(EngineKind::RustHdl, CoreKind::Full, 130);
}

#[test]
fn sim_live_table_change_verilator() {
    live_table_change(EngineKind::Verilator, CoreKind::Full, 3000);
}

/// Runts, MAC-errored frames and jumbo frames, with the behaviour the
/// README documents: a frame under 14 bytes is `malformed`; a frame the MAC
/// flags is `malformed` whatever it holds (and whatever its ingress port);
/// a 9200-byte frame is decided on its first 128 bytes like any other and
/// leaves whole — or, on a core whose packet buffer is smaller (the compact
/// core's 2 KiB), leaves cut to the buffer as `malformed`. In every mode.
fn runt_error_jumbo(kind: EngineKind, core: CoreKind) {
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
    let jumbo_fits = jumbo.len() <= core.expected_cut();
    let jumbo_verdict = if jumbo_fits { Verdict::L4 } else { Verdict::Malformed };
    let expected: Vec<Verdict> = vec![
        Verdict::Malformed,
        Verdict::Malformed,
        dist.classify(&normal, 0).verdict,
        Verdict::Malformed,
        jumbo_verdict,
        Verdict::Malformed,
        Verdict::Malformed,
        Verdict::Malformed,
        jumbo_verdict,
    ];
    for (f, v) in frames.iter().zip(&expected) {
        let cut = f.data.len() > core.expected_cut();
        assert_eq!(dist.classify_rx(&f.data, f.ingress, f.mac_error || cut).verdict, *v, "model, {} bytes", f.data.len());
    }
    assert!(jumbo.len() >= 9000);
    let stim = Stimulus::from_frames(frames);
    for mode in &MODES {
        let outcome = run_clean(kind, core, &config, &stim, mode, "runt / MAC error / jumbo");
        let jumbo_len = jumbo.len().min(core.expected_cut());
        let jumbo_out = outcome.record.outputs.iter().filter(|o| o.data.len() == jumbo_len).count();
        assert_eq!(jumbo_out, 3, "the jumbo frames leave, {jumbo_len} bytes each");
    }
}

#[test]
fn sim_runt_mac_error_jumbo_rust_hdl() {
    // The most adversarial mode only: 3450 cycles of jumbo frames.
    runt_error_jumbo(EngineKind::RustHdl, CoreKind::Full);
}

#[test]
fn sim_runt_mac_error_jumbo_verilator() {
    runt_error_jumbo(EngineKind::Verilator, CoreKind::Full);
}

// The compact core (flowdist_compact.rs): the same scenarios on both
// engines. It decides a frame in 30-100 cycles, so the adversarial frames
// take far more cycles than on the full core; rust-hdl simulates it about
// three times as fast.

#[test]
fn sim_compact_shared_captures_rust_hdl() {
    all_captures(EngineKind::RustHdl, CoreKind::Compact);
}

#[test]
fn sim_compact_shared_captures_verilator() {
    all_captures(EngineKind::Verilator, CoreKind::Compact);
}

#[test]
fn sim_compact_adversarial_rust_hdl() {
    adversarial(EngineKind::RustHdl, CoreKind::Compact, RUST_HDL_FRAMES, 14, &[0, 1, 2]);
}

#[test]
fn sim_compact_adversarial_verilator() {
    adversarial(EngineKind::Verilator, CoreKind::Compact, VERILATOR_FRAMES, 15, &[0, 1, 2]);
}

#[test]
fn sim_compact_live_table_change_rust_hdl() {
    live_table_change(EngineKind::RustHdl, CoreKind::Compact, 300);
}

#[test]
fn sim_compact_live_table_change_verilator() {
    live_table_change(EngineKind::Verilator, CoreKind::Compact, 3000);
}

#[test]
fn sim_compact_runt_mac_error_jumbo_rust_hdl() {
    runt_error_jumbo(EngineKind::RustHdl, CoreKind::Compact);
}

#[test]
fn sim_compact_runt_mac_error_jumbo_verilator() {
    runt_error_jumbo(EngineKind::Verilator, CoreKind::Compact);
}

/// The compact core's slowest frame: two VLAN tags, IPv6 with two
/// extension headers, an ICMPv6 error whose inner IPv6 header carries ESP
/// (an inner `l3`: both 16-byte addresses hashed). Alone on an idle core
/// its latency is the walk's longest, `WALK_MAX_CYCLES`, plus the decision
/// queue and the buffer's read.
#[test]
fn sim_compact_walk_bound() {
    use hdl::header_walk::WALK_MAX_CYCLES;
    let mut f = vec![0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2];
    f.extend([0x88, 0xa8, 0, 1, 0x81, 0x00, 0, 2, 0x86, 0xdd]);
    let ip6 = |next: u8, payload: u16, fill: u8| {
        let mut h = vec![0x60, 0, 0, 0];
        h.extend(payload.to_be_bytes());
        h.extend([next, 64]);
        h.extend((0..32).map(|i| fill.wrapping_add(i)));
        h
    };
    f.extend(ip6(0, 8 + 8 + 8 + 40, 0x20));
    f.extend([60, 0, 1, 4, 0, 0, 0, 0]); // Hop-by-Hop, then Destination Options
    f.extend([58, 0, 1, 4, 0, 0, 0, 0]); // then ICMPv6
    f.extend([1, 0, 0, 0, 0, 0, 0, 0]); // destination unreachable
    f.extend(ip6(50, 0, 0x90)); // the offending packet: ESP
    assert_eq!(f.len(), 126, "inside the 128-byte window");
    let config = Config::builtin();
    let d = Distributor::new(&config).classify(&f, 0);
    assert_eq!((d.verdict, d.inner), (Verdict::L3, true), "the model's decision");
    let stim = Stimulus::from_frames(vec![InFrame::new(f)]);
    let outcome = run_clean(EngineKind::RustHdl, CoreKind::Compact, &config, &stim, &MODES[0], "slowest walk");
    let fixed = 1 + hdl::packet_buffer::PACKET_BUFFER_LATENCY;
    let latency = outcome.report.latency_max.expect("the frame left") as usize;
    eprintln!("slowest walk: latency {latency} cycles, walk bound {WALK_MAX_CYCLES} + {fixed}");
    assert!(latency <= WALK_MAX_CYCLES + fixed + 1, "latency {latency}");
}

/// The last table entry written before a commit (group 1, index 4095) is
/// in force for the frames after it: a flow that hashes to that entry,
/// sent before, during and after a change of that one entry. The compact
/// core once applied a commit before that write had passed the control
/// port (one frame in 100,000 adversarial ones saw the old TMM).
fn last_written_entry(kind: EngineKind, core: CoreKind) {
    let config = Config::builtin();
    let dist = Distributor::new(&config);
    let last = config.groups.len() - 1;
    let frame = (1024..u16::MAX)
        .map(|sport| {
            let src = [10, 0, 0, 1];
            let dst = [10, 0, 0, 2];
            // 2,000 bytes: the walk is idle most of each frame's 250 beats,
            // as it may be when the commit comes.
            let tcp = model::frame_build::transport(6, sport, 443, &[0; 1946]);
            let ip = model::frame_build::ipv4(src, dst, 6, 0, &[], &tcp);
            model::frame_build::ethernet([2, 0, 0, 0, 0, 2], [2, 0, 0, 0, 0, 1], &[], 0x0800, &ip)
        })
        .find(|f| {
            let d = dist.classify(f, 0);
            d.group == Some(last as u8) && d.index == Some(4095)
        })
        .expect("a flow on the last group's entry 4095");
    let mut tables = config.tables();
    let old = tables[last].get(4095);
    let other = tables[last].entries().iter().copied().find(|&t| t != old).expect("a second TMM in the group");
    let mut entries = tables[last].entries().to_vec();
    entries[4095] = other;
    tables[last] = model::AllocTable::from_entries(&entries).expect("a valid table");
    // 8,193 control writes: the frames outlast them.
    let mut stim = Stimulus::from_frames(vec![InFrame::new(frame); 60]);
    stim.table_change = Some(sim::control::table_change(1, tables));
    for mode in &MODES {
        let outcome = run_clean(kind, core, &config, &stim, mode, "last written entry");
        assert!(outcome.report.after_commit > 0, "frames after the commit");
    }
}

#[test]
fn sim_last_written_entry_rust_hdl() {
    last_written_entry(EngineKind::RustHdl, CoreKind::Full);
}

#[test]
fn sim_compact_last_written_entry_rust_hdl() {
    last_written_entry(EngineKind::RustHdl, CoreKind::Compact);
}

#[test]
fn sim_compact_last_written_entry_verilator() {
    last_written_entry(EngineKind::Verilator, CoreKind::Compact);
}
