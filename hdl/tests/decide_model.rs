//! `Decide` in rust-hdl simulation against `model::Distributor::classify`:
//! verdict, inner, group and key for crafted frames (every verdict and SPEC
//! fine-print case), random frames (`model::frame_build`, proptest), the
//! demo traffic, and the real captures in ../shared/pcaps; back-to-back and
//! with idle cycles between frames.

mod decide_support;

use decide_support::{config_with_group_mac, crafted_frames, cycle, random_frame};
use hdl::decide::{Decide, DECIDE_LATENCY, RULES};
use hdl::eth_parse::{granules, head};
use hdl::verdict_code::verdict_from_code;
use model::frame_build::Rng;
use model::{Config, Distributor, FlowKey, Verdict};
use proptest::prelude::*;
use rust_hdl::prelude::*;

/// What `Decide` answers, in the model's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Answer {
    verdict: Verdict,
    inner: bool,
    group: u8,
    key: Option<FlowKey>,
}

fn key_from_bits(k: Bits<144>) -> FlowKey {
    FlowKey(std::array::from_fn(|i| k.get_bits::<8>(8 * (17 - i)).to_u64() as u8))
}

fn configure(uut: &mut Decide, config: &Config) {
    assert!(config.rules.len() <= RULES, "the hardware holds {RULES} rules");
    let mac = config.group_mac.unwrap_or_default();
    uut.group_mac.next = mac.iter().fold(0u64, |a, &b| (a << 8) | b as u64).into();
    uut.group_mac_enable.next = config.group_mac.is_some();
    for i in 0..RULES {
        let rule = config.rules.get(i);
        uut.rule_valid[i].next = rule.is_some();
        uut.rule_port[i].next = (rule.map_or(0, |r| r.port) as u64).into();
        uut.rule_group[i].next = (rule.map_or(0, |r| r.group) as u64).into();
    }
}

/// Runs `frames` through `Decide`, `gap` idle cycles after each, and checks
/// that `strobe_out` comes exactly DECIDE_LATENCY cycles after `strobe_in`.
fn hw_decide(frames: &[Vec<u8>], config: &Config, gap: usize) -> Vec<Answer> {
    let mut uut = Decide::default();
    uut.connect_all();
    configure(&mut uut, config);
    let mut strobes = Vec::new();
    for f in frames {
        strobes.push(Some(f));
        strobes.extend(std::iter::repeat(None).take(gap));
    }
    let mut answers = Vec::new();
    let idle = vec![0xffu8; 200];
    for c in 0..strobes.len() + DECIDE_LATENCY {
        let input = strobes.get(c).copied().flatten();
        // Idle cycles carry garbage: only the strobe says a frame is there.
        let f = input.unwrap_or(&idle);
        uut.strobe_in.next = input.is_some();
        uut.head.next = head(f);
        for (w, g) in uut.window.iter_mut().zip(granules(f)) {
            w.next = g;
        }
        uut.frame_len.next = (f.len().min(65535) as u64).into();
        cycle(&mut uut, |u| &mut u.clock);
        let expect_strobe = c + 1 >= DECIDE_LATENCY && strobes.get(c + 1 - DECIDE_LATENCY).map_or(false, |s| s.is_some());
        assert_eq!(uut.strobe_out.val(), expect_strobe, "strobe_out at cycle {c}");
        if expect_strobe {
            answers.push(Answer {
                verdict: verdict_from_code(uut.verdict.val().to_u64()),
                inner: uut.inner.val(),
                group: uut.group.val().to_u64() as u8,
                key: Some(key_from_bits(uut.key.val())),
            });
        }
    }
    answers
}

fn model_answer(d: &Distributor, frame: &[u8]) -> Answer {
    let m = d.classify(frame, 0);
    Answer {
        verdict: m.verdict,
        inner: m.inner,
        group: m.group.unwrap_or(0),
        // The hardware drives zero where the model has no key.
        key: Some(m.key.unwrap_or_default()),
    }
}

fn check(named: &[(String, Vec<u8>)], config: &Config, gap: usize) {
    let frames: Vec<Vec<u8>> = named.iter().map(|n| n.1.clone()).collect();
    let hw = hw_decide(&frames, config, gap);
    let d = Distributor::new(config);
    let mut bad = Vec::new();
    for ((name, f), h) in named.iter().zip(&hw) {
        let m = model_answer(&d, f);
        if *h != m {
            bad.push(format!("{name}: hw {h:?} model {m:?}\n  frame {}", hex(f)));
        }
    }
    assert!(bad.is_empty(), "{} of {} frames differ:\n{}", bad.len(), named.len(), bad[..bad.len().min(10)].join("\n"));
}

fn hex(f: &[u8]) -> String {
    f.iter().map(|b| format!("{b:02x}")).collect()
}

fn named(frames: Vec<Vec<u8>>, what: &str) -> Vec<(String, Vec<u8>)> {
    frames.into_iter().enumerate().map(|(i, f)| (format!("{what} {i}"), f)).collect()
}

#[test]
fn decide_crafted_frames_builtin_config() {
    let frames = crafted_frames();
    check(&frames, &Config::builtin(), 0);
    // The crafted set reaches every verdict but bridge (no group MAC here),
    // on outer and on inner headers.
    let d = Distributor::new(&Config::builtin());
    let answers: Vec<Answer> = frames.iter().map(|(_, f)| model_answer(&d, f)).collect();
    for v in [Verdict::Control, Verdict::Malformed, Verdict::Fragment, Verdict::Fixed, Verdict::L4, Verdict::L3] {
        assert!(answers.iter().any(|a| a.verdict == v && !a.inner), "no outer {v}");
    }
    for v in [Verdict::Fixed, Verdict::L4, Verdict::L3] {
        assert!(answers.iter().any(|a| a.verdict == v && a.inner), "no inner {v}");
    }
    assert!(answers.iter().any(|a| a.group == 1), "no rule match");
}

#[test]
fn decide_crafted_frames_group_mac_and_rules() {
    // A third of the crafted frames (the builtin-config test runs them all).
    let mut frames: Vec<(String, Vec<u8>)> = crafted_frames().into_iter().step_by(3).collect();
    // Bridged frames: another destination MAC (the crafted ones use SERVER_MAC = group MAC).
    let more: Vec<(String, Vec<u8>)> = frames
        .iter()
        .step_by(7)
        .filter(|(_, f)| f.len() >= 6)
        .map(|(n, f)| {
            let mut f = f.clone();
            f[5] ^= 1;
            (format!("{n} other mac"), f)
        })
        .collect();
    frames.extend(more);
    let d = Distributor::new(&config_with_group_mac());
    assert!(frames.iter().any(|(_, f)| d.classify(f, 0).verdict == Verdict::Bridge), "no bridged frame");
    check(&frames, &config_with_group_mac(), 0);
}

#[test]
fn decide_with_idle_cycles_between_frames() {
    let frames: Vec<(String, Vec<u8>)> = crafted_frames().into_iter().step_by(11).collect();
    check(&frames, &Config::builtin(), 3);
}

#[test]
fn decide_demo_traffic() {
    check(&named(model::frame_build::demo_traffic(7, 60), "demo"), &Config::builtin(), 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]
    #[test]
    fn decide_random_frames(seed in any::<u64>(), mac in any::<bool>()) {
        let mut rng = Rng::new(seed);
        let frames: Vec<Vec<u8>> = (0..64).map(|_| random_frame(&mut rng)).collect();
        let config = if mac { config_with_group_mac() } else { Config::builtin() };
        check(&named(frames, &format!("seed {seed} frame")), &config, 0);
    }
}

#[test]
fn decide_real_captures() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/pcaps"));
    if !dir.is_dir() {
        println!("SKIPPED: no captures at {} (tests need ../shared/pcaps)", dir.display());
        return;
    }
    let mut paths: Vec<_> = std::fs::read_dir(dir).expect("pcaps folder is readable").map(|e| e.unwrap().path()).collect();
    paths.sort();
    let mut total = 0;
    for path in paths {
        if !matches!(path.extension().and_then(|e| e.to_str()), Some("pcap" | "pcapng")) {
            continue;
        }
        // Non-Ethernet captures are refused by the model's reader: nothing to decide.
        let Ok(frames) = model::capture::read_all(&path) else { continue };
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let frames: Vec<(String, Vec<u8>)> =
            frames.into_iter().enumerate().take(400).map(|(i, f)| (format!("{name} frame {}", i + 1), f.data)).collect();
        total += frames.len();
        check(&frames, &Config::builtin(), 0);
    }
    assert!(total > 1000, "only {total} capture frames checked");
}
