//! The whole system: with FIGURE 9 port choice every answer reaches the
//! TMM owning its connection, whatever is translated; random NAT ports
//! reach it about as often as the owner's table share; closing frees
//! ports; a weights change moves about the minimum possible.

mod common;

use std::path::Path;

use model::frame_build::{Flow, Rng};
use model::snat::{PortRange, Translation};
use model::system_sim::{conversations_from_frames, conversations_random, PortPolicy, SimOptions, SimStats, System};
use model::Config;

const ALL: [Translation; 4] = [Translation::None, Translation::Destination, Translation::Source, Translation::Both];

fn run(config: &Config, options: SimOptions, n: usize) -> System {
    let mut system = System::new(config, options);
    system.run(&conversations_random(options.seed, n));
    system
}

fn assert_all_home(s: &SimStats, what: &str) {
    assert!(s.to_client > 0 && s.to_server > 0, "{what}: {s:?}");
    assert_eq!(s.to_server_on_owner, s.to_server, "{what}: client packets off their owner");
    assert_eq!(s.to_client_on_owner, s.to_client, "{what}: answers off their owner");
    assert_eq!(s.tuple_clashes, 0, "{what}");
}

#[test]
fn system_every_answer_reaches_the_owner() {
    // The built-in config and the test config (two rules, a bypass
    // ingress port, a TMM MAC).
    for (name, config) in [("builtin", Config::builtin()), ("test", common::config())] {
        for translation in ALL {
            let options = SimOptions { translation, seed: 7, ..SimOptions::default() };
            let system = run(&config, options, 3000);
            let s = system.stats();
            assert_eq!((s.connections, s.refused), (3000, 0), "{name} {translation:?}");
            assert_all_home(s, &format!("{name} {translation:?}"));
        }
    }
}

#[test]
fn system_random_ports_baseline_is_the_owner_share() {
    let options = SimOptions { translation: Translation::Both, policy: PortPolicy::Random, seed: 3, ..SimOptions::default() };
    let s = run(&Config::builtin(), options, 6000).stats().clone();
    let got = s.to_client_on_owner as f64 / s.to_client as f64;
    let expect = s.to_client_owner_share / s.to_client as f64;
    // Every service but 443 lands in group 0 (4 TMMs): close to 1/4.
    assert!((0.24..0.30).contains(&expect), "expected share {expect}");
    assert!((got - expect).abs() < 0.02, "random ports reached the owner {got}, expected {expect}");
}

#[test]
fn system_destination_only_keeps_or_replaces_client_ports() {
    let options = SimOptions { translation: Translation::Destination, seed: 5, ..SimOptions::default() };
    let s = run(&Config::builtin(), options, 4000).stats().clone();
    // 443 → 8443 leaves group 1, and client ports below 8080/8443 lose
    // the comparison: both cases occur.
    assert!(s.ports_kept > 0 && s.ports_replaced > 0, "{s:?}");
    assert_eq!(s.ports_kept + s.ports_replaced, s.connections);
    assert_all_home(&s, "dnat");
    // A NAT that keeps every client port loses some answers.
    let naive = run(&Config::builtin(), SimOptions { policy: PortPolicy::Random, ..options }, 4000).stats().clone();
    assert!(naive.to_client_on_owner < naive.to_client, "{naive:?}");
}

#[test]
fn system_closing_frees_ports() {
    // 600 ports, 4 IPv4 pool addresses: about 600 per TMM in group 0,
    // fewer than the ~800 IPv4 connections each gets out of 5000.
    let range = PortRange { lo: 40000, hi: 40599 };
    let options = SimOptions { translation: Translation::Source, range, open: 200, seed: 11, ..SimOptions::default() };
    let closing = run(&Config::builtin(), options, 5000);
    assert_eq!(closing.stats().refused, 0);
    assert_eq!(closing.stats().closed, 4800);
    assert_eq!(closing.open_connections().len(), 200);
    assert_all_home(closing.stats(), "closing");
    let holding = run(&Config::builtin(), SimOptions { open: 5000, ..options }, 5000);
    let s = holding.stats();
    assert!(s.refused > 0, "{s:?}");
    assert!(s.first_refusal.as_deref().unwrap().contains("all 4 pool addresses are exhausted"), "{s:?}");
    assert_all_home(s, "holding");
}

#[test]
fn system_weights_change_moves_about_the_minimum() {
    let config = Config::builtin();
    for translation in ALL {
        let system = run(&config, SimOptions { translation, seed: 13, ..SimOptions::default() }, 4000);
        // Unchanged weights: nothing moves.
        let same = system.weights_change(&[Some(config.groups[0].weights.clone()), None]).unwrap();
        assert_eq!((same.groups[0].lower_bound, same.groups[0].moved, same.moved_changed), (0, 0, 0), "{translation:?}");
        // TMM 3 leaves group 0 and TMM 2 doubles: 1024 entries must move.
        let r = system.weights_change(&[Some(vec![(0, 1.0), (1, 1.0), (2, 2.0)]), None]).unwrap();
        assert_eq!(r.groups.len(), 1);
        assert_eq!((r.groups[0].lower_bound, r.groups[0].moved), (1024, 1024), "{translation:?}");
        assert!(r.groups[0].rebuilt > 1024);
        assert_eq!(r.connections, 4000);
        let moved = r.moved_changed as f64 / r.connections as f64;
        assert!((moved - r.expected_minimum).abs() < 0.04, "{translation:?}: moved {moved}, expected {}", r.expected_minimum);
        assert!(r.moved_rebuilt > r.moved_changed, "{translation:?}: {r:?}");
    }
}

#[test]
fn system_conversations_from_frames_pair_directions() {
    let mut rng = Rng::new(2);
    let a = model::frame_build::random_flow(&mut rng);
    let b = Flow { sport: a.sport.wrapping_add(1), ..a };
    let frames = [
        a.frame(&[], &[], &[]),
        a.reversed().frame(&[], &[], &[]),
        b.frame(&[], &[], &[]),
        a.frame(&[], &[], &[]),
        a.reversed().frame(&[], &[], &[]),
        vec![0u8; 10],
    ];
    let (c, skipped) = conversations_from_frames(frames.iter().map(Vec::as_slice));
    assert_eq!(skipped, 1);
    assert_eq!(c.len(), 2);
    assert_eq!((c[0].flow, c[0].to_server, c[0].to_client), (a, 2, 2));
    // Seen one way only: the simulated server answers once.
    assert_eq!((c[1].flow, c[1].to_server, c[1].to_client), (b, 1, 1));
}

#[test]
fn system_real_captures() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/pcaps"));
    if !dir.is_dir() {
        println!("note: {} is absent; the capture-driven system test is skipped", dir.display());
        return;
    }
    let mut total = 0;
    for name in ["arkime-sctp-www.pcap", "ndpi-gnutella.pcap", "ddos-amp.TCP.reflection.SYNACK.pcap"] {
        let path = dir.join(name);
        let frames = model::capture::read_all(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (conversations, _) = conversations_from_frames(frames.iter().map(|f| f.data.as_slice()));
        assert!(!conversations.is_empty(), "{name}: no conversations");
        total += conversations.len();
        for translation in ALL {
            let mut system = System::new(&Config::builtin(), SimOptions { translation, ..SimOptions::default() });
            system.run(&conversations);
            let s = system.stats();
            // The only refusal a real capture gives: the server port is
            // 65535, so no source port can be above it.
            if s.refused > 0 {
                let why = s.first_refusal.as_deref().unwrap();
                assert!(why.contains("above the server port 65535"), "{name} {translation:?}: {why}");
            }
            assert_all_home(system.stats(), &format!("{name} {translation:?}"));
        }
    }
    assert!(total > 10);
}
