//! The whole core (rust-hdl simulation, `CoreSim`) against the model:
//! `Distributor::classify_rx` for the decision, `egress().egress_frame` for
//! the bytes; frames leave in arrival order, none lost or duplicated.
//! Crafted frames for every verdict, back-to-back minimum frames with no
//! input stall, idle gaps, random backpressure, runt / MAC error / jumbo,
//! a frame longer than the buffer, latency, control-port reads.

use std::net::IpAddr;

use hdl::control_port::{ADDR_BRIDGE_PORT, ADDR_COUNTER, ADDR_RULE, CONTROL_ID};
use hdl::flowdist_core::{CoreSim, CoreSimDefault, InFrame, OutFrame, Traffic, CORE_LATENCY_FIXED};
use model::frame_build::{demo_traffic, ethernet, ipv4, Flow, Rng, CLIENT_MAC, SERVER_MAC};
use model::{Config, Distributor, Verdict};

/// configs/test.toml: group MAC, TMMs with MACs, rule 443 → group 1,
/// ingress 3 bypassed to port 0.
pub const CONFIG: &str = include_str!("../../configs/test.toml");

fn check_against<const A: usize>(sim: &mut CoreSim<A>, dist: &Distributor, frames: &[InFrame], traffic: &Traffic) -> Vec<OutFrame> {
    let t = std::time::Instant::now();
    let c = sim.cycle();
    let out = sim.run(frames, traffic, 50_000_000).unwrap();
    let cycles = sim.cycle() - c;
    eprintln!("{} frames, {cycles} cycles, {:.0} cycles/s", frames.len(), cycles as f64 / t.elapsed().as_secs_f64());
    assert_eq!(out.len(), frames.len(), "every frame out exactly once");
    for (n, (o, f)) in out.iter().zip(frames).enumerate() {
        assert_eq!(o.seq, out[0].seq + n, "arrival order");
        let mut want = dist.classify_rx(&f.data, f.ingress, f.mac_error);
        let bytes = dist.egress().egress_frame(&f.data, &want).into_owned();
        want.key = None;
        assert_eq!(o.decision(), want, "frame {n}: {:02x?}", &f.data[..f.data.len().min(80)]);
        assert_eq!(o.data, bytes, "frame {n} bytes");
    }
    out
}

fn check(config: &Config, frames: &[InFrame], traffic: &Traffic) -> (Vec<OutFrame>, u64) {
    let mut sim = CoreSimDefault::new(config).unwrap();
    let out = check_against(&mut sim, &Distributor::new(config), frames, traffic);
    (out, sim.stall_cycles())
}

fn plain(data: Vec<u8>) -> InFrame {
    InFrame { data, ingress: 0, mac_error: false }
}

fn v4(a: [u8; 4]) -> IpAddr {
    IpAddr::from(a)
}

/// One or more frames of every verdict (and inner, MAC rewrite, tags, IPv6).
fn every_verdict() -> Vec<InFrame> {
    let tcp = Flow { src: v4([10, 1, 0, 1]), dst: v4([10, 2, 0, 1]), proto: 6, sport: 40000, dport: 80 };
    let tls = Flow { dport: 443, ..tcp };
    let udp = Flow { proto: 17, sport: 5353, dport: 53, ..tcp };
    let sctp = Flow { proto: 132, sport: 2905, dport: 2906, ..tcp };
    let same = Flow { sport: 7000, dport: 7000, ..tcp };
    let v6 = Flow {
        src: "2001:db8::1".parse().unwrap(),
        dst: "2001:db8::2".parse().unwrap(),
        proto: 6,
        sport: 1234,
        dport: 8080,
    };
    let mut icmp_err = tcp.icmp_error(v4([10, 9, 9, 9]), 48);
    icmp_err[..6].copy_from_slice(&SERVER_MAC);
    let mut icmp6_err = v6.icmp_error("2001:db8::99".parse().unwrap(), 48);
    icmp6_err[..6].copy_from_slice(&SERVER_MAC);
    let echo = ethernet(SERVER_MAC, CLIENT_MAC, &[], 0x0800, &ipv4([10, 1, 0, 1], [10, 2, 0, 1], 1, 0, &[], &[8, 0, 0, 0, 0, 1, 0, 1]));
    let gre = ethernet(SERVER_MAC, CLIENT_MAC, &[0x8100], 0x0800, &ipv4([10, 1, 0, 7], [10, 2, 0, 9], 47, 0, &[], &[0; 24]));
    let frag = ethernet(SERVER_MAC, CLIENT_MAC, &[], 0x0800, &ipv4([10, 1, 0, 1], [10, 2, 0, 1], 6, 0x2000, &[], &[0; 40]));
    let arp = ethernet([0xFF; 6], CLIENT_MAC, &[], 0x0806, &[0; 28]);
    let arp_to_us = ethernet(SERVER_MAC, CLIENT_MAC, &[], 0x0806, &[0; 28]);
    let cut_ip = ethernet(SERVER_MAC, CLIENT_MAC, &[], 0x0800, &[0x45, 0, 0, 40, 0]);
    let mut frames = vec![
        plain(tcp.frame(&[], &[], b"hello")),              // l4, group 0
        plain(tcp.reversed().frame(&[], &[], b"olleh")),   // l4, same TMM
        plain(tls.frame(&[0x8100], &[], &[1; 100])),       // l4, group 1, a tag
        plain(tls.reversed().frame(&[0x88A8, 0x8100], &[], &[2; 10])),
        plain(udp.frame(&[], &[], &[3; 30])),
        plain(sctp.frame(&[], &[], &[4; 30])),
        plain(same.frame(&[], &[], &[5; 30])),             // fixed
        plain(Flow { dport: 443, sport: 443, ..tcp }.frame(&[], &[], &[])), // fixed, group 1
        plain(v6.frame(&[], &[], &[6; 20])),
        plain(v6.frame(&[], &[(0, 0), (60, 1)], &[6; 20])), // two extension headers
        plain(v6.frame(&[], &[(0, 0), (43, 0), (60, 0)], &[6; 20])), // control: a third
        plain(v6.frame(&[], &[(44, 0)], &[6; 20])),        // fragment header
        plain(icmp_err),                                   // inner l4
        plain(icmp6_err),
        plain(echo),                                       // l3
        plain(gre),
        plain(frag),                                       // fragment
        plain(arp),                                        // bridge (group MAC)
        plain(arp_to_us),                                  // control
        plain(cut_ip),                                     // malformed
        plain(vec![0x02, 0, 0, 0, 0, 2, 1, 2, 3, 4]),      // runt: malformed
        plain(vec![0x55]),                                 // one byte
        InFrame { data: tcp.frame(&[], &[], b"bad fcs"), ingress: 0, mac_error: true },
        InFrame { data: tcp.frame(&[], &[], b"from a tmm"), ingress: 3, mac_error: false }, // bypass
        InFrame { data: vec![1, 2, 3], ingress: 3, mac_error: false },
        InFrame { data: tcp.frame(&[], &[], b"bad and bypass"), ingress: 3, mac_error: true },
    ];
    // Many flows so that every TMM (with and without a MAC) is reached.
    let mut rng = Rng::new(11);
    for _ in 0..24 {
        let f = model::frame_build::random_flow(&mut rng);
        let n = rng.below(200) as usize;
        frames.push(plain(f.frame(&[], &[], &rng.bytes(n))));
    }
    frames
}

#[test]
fn flowdist_core_every_verdict() {
    let config = Config::from_toml(CONFIG).unwrap();
    let mut frames = every_verdict();
    // A 9200-byte jumbo frame in the middle.
    let jumbo = Flow { src: v4([10, 1, 0, 1]), dst: v4([10, 2, 0, 1]), proto: 6, sport: 40000, dport: 80 };
    frames.insert(5, plain(jumbo.frame(&[], &[], &Rng::new(9).bytes(9200 - 54))));
    let (out, _) = check(&config, &frames, &Traffic::BACK_TO_BACK);
    let verdicts: std::collections::BTreeSet<Verdict> = out.iter().map(|o| o.verdict).collect();
    assert_eq!(verdicts.len(), 8, "every verdict reached: {verdicts:?}");
    assert!(out.iter().any(|o| o.inner), "an inner decision");
    assert!(out.iter().any(|o| o.verdict.to_tmm() && (o.tmm == 1 || o.tmm == 3)), "a MAC rewrite");
    assert!(out.iter().any(|o| o.verdict.to_tmm() && (o.tmm == 0 || o.tmm == 2)), "a TMM without MAC");
    assert!(out.iter().any(|o| o.data.len() == 9200), "the jumbo frame");
}

#[test]
fn flowdist_core_back_to_back_minimum_frames_never_stall() {
    let config = Config::builtin();
    let mut rng = Rng::new(5);
    // 64-byte TCP frames (14 + 20 + 20 + 10), 120 of them, with the output
    // always ready: the input must never wait, the output never idles
    // inside the burst.
    let frames: Vec<InFrame> = (0..120)
        .map(|_| {
            let f = Flow { src: v4([10, 1, 0, rng.below(256) as u8]), dst: v4([10, 2, 0, 1]), proto: 6, sport: 1024 + rng.below(60000) as u16, dport: 80 };
            plain(f.frame(&[], &[], &[0xAB; 10]))
        })
        .collect();
    assert!(frames.iter().all(|f| f.data.len() == 64));
    let (out, stalls) = check(&config, &frames, &Traffic::BACK_TO_BACK);
    assert_eq!(stalls, 0, "input stalled");
    let first = out.first().unwrap().first_out;
    let last = out.last().unwrap().last_out;
    assert_eq!(last - first + 1, 8 * 120, "one beat out per cycle, no idle cycle between frames");
    let max = out.iter().map(|o| o.latency()).max().unwrap();
    assert_eq!(max, 8 + CORE_LATENCY_FIXED as u64, "latency stays at the idle-core figure at full rate");
}

fn mixed(seed: u64, n: usize) -> Vec<InFrame> {
    let mut rng = Rng::new(seed);
    let mut frames: Vec<InFrame> = demo_traffic(seed, n).into_iter().take(40).map(plain).collect();
    for f in frames.iter_mut() {
        match rng.below(20) {
            0 => f.mac_error = true,
            1 => f.ingress = 3,
            2 => f.data.truncate(rng.below(60) as usize + 1),
            _ => {}
        }
    }
    frames.extend(every_verdict());
    frames
}

#[test]
fn flowdist_core_idle_gaps() {
    let config = Config::from_toml(CONFIG).unwrap();
    check(&config, &mixed(21, 12), &Traffic { gap_percent: 40, ready_percent: 100, seed: 3 });
}

#[test]
fn flowdist_core_random_backpressure() {
    let config = Config::from_toml(CONFIG).unwrap();
    check(&config, &mixed(22, 12), &Traffic { gap_percent: 10, ready_percent: 40, seed: 4 });
}

#[test]
fn flowdist_core_latency_of_an_idle_core() {
    let config = Config::builtin();
    let mut sim = CoreSimDefault::new(&config).unwrap();
    let dist = Distributor::new(&config);
    for len in [1usize, 60, 64, 65, 128, 129, 1514] {
        let mut data = demo_traffic(1, 1).remove(0);
        data.resize(len, 0xEE);
        let out = check_against(&mut sim, &dist, &[plain(data)], &Traffic::BACK_TO_BACK);
        let beats = len.div_ceil(8) as u64;
        eprintln!("{len} bytes: latency {} cycles", out[0].latency());
        assert_eq!(out[0].latency(), beats + CORE_LATENCY_FIXED as u64, "{len} bytes");
        for _ in 0..5 {
            sim.step(false, true);
        }
    }
}

#[test]
fn flowdist_core_cuts_a_frame_longer_than_the_buffer() {
    // 2^8 beats = 2 KiB: a 3000-byte frame leaves cut to 2048 bytes as
    // malformed, the frames around it are untouched.
    let config = Config::builtin();
    let dist = Distributor::new(&config);
    let mut sim = CoreSim::<8>::new(&config).unwrap();
    let mut frames: Vec<InFrame> = demo_traffic(3, 4).into_iter().take(6).map(plain).collect();
    let long = frames[0].data.iter().copied().cycle().take(3000).collect::<Vec<u8>>();
    frames.insert(3, plain(long.clone()));
    let out = sim.run(&frames, &Traffic { gap_percent: 10, ready_percent: 60, seed: 8 }, 1_000_000).unwrap();
    assert_eq!(out.len(), frames.len());
    for (n, (o, f)) in out.iter().zip(&frames).enumerate() {
        let cut = f.data.len() > 2048;
        let mut want = dist.classify_rx(&f.data, f.ingress, f.mac_error || cut);
        let bytes = dist.egress().egress_frame(&f.data[..f.data.len().min(2048)], &want).into_owned();
        want.key = None;
        assert_eq!(o.decision(), want, "frame {n}");
        assert_eq!(o.data, bytes, "frame {n}");
    }
    assert_eq!(out[3].verdict, Verdict::Malformed);
}

#[test]
fn flowdist_core_control_reads_and_counters() {
    let config = Config::from_toml(CONFIG).unwrap();
    let mut sim = CoreSimDefault::new(&config).unwrap();
    assert_eq!(sim.read(0) as u64, CONTROL_ID);
    assert_eq!(sim.read(ADDR_BRIDGE_PORT as u16), 0);
    assert_eq!(sim.read(ADDR_RULE as u16), 1 << 31 | 1 << 16 | 443);
    let frames = every_verdict();
    let out = check_against(&mut sim, &Distributor::new(&config), &frames, &Traffic::BACK_TO_BACK);
    for v in 0..8u16 {
        let n = out.iter().filter(|o| hdl::verdict_code::verdict_code(o.verdict) == v as u64).count();
        assert_eq!(sim.read(ADDR_COUNTER as u16 + v) as usize, n, "verdict {v} counter");
    }
    for p in 0..8u16 {
        let n = out.iter().filter(|o| o.port as u16 == p).count();
        assert_eq!(sim.read(ADDR_COUNTER as u16 + 8 + p) as usize, n, "port {p} counter");
    }
    // A register write changes the decision of later frames.
    sim.write(ADDR_BRIDGE_PORT as u16, 6);
    let arp = ethernet([0xFF; 6], CLIENT_MAC, &[], 0x0806, &[0; 28]);
    let o = sim.run(&[plain(arp)], &Traffic::BACK_TO_BACK, 10_000).unwrap();
    assert_eq!((o[0].verdict, o[0].port), (Verdict::Bridge, 6));
}

#[test]
fn flowdist_core_back_to_back_runts_never_stall() {
    // One-beat frames (1-8 bytes), one per cycle: the decision path takes a
    // frame every cycle and the output sends one every cycle.
    let config = Config::from_toml(CONFIG).unwrap();
    let mut rng = Rng::new(31);
    let frames: Vec<InFrame> = (0..150)
        .map(|_| {
            let len = 1 + rng.below(8) as usize;
            InFrame { data: rng.bytes(len), ingress: [0, 3][rng.below(2) as usize], mac_error: rng.below(3) == 0 }
        })
        .collect();
    let (out, stalls) = check(&config, &frames, &Traffic::BACK_TO_BACK);
    assert_eq!(stalls, 0, "input stalled");
    assert_eq!(out.last().unwrap().last_out - out[0].first_out + 1, 150, "one frame out per cycle");
}
