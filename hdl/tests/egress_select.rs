//! EgressSelect against `model::EgressSelect` and `classify_rx`'s order
//! (MAC error, bypass, verdict), one frame per cycle, config with TMM MACs
//! and TMM-side ingress ports; and the map writes of the control path.

use hdl::egress_select::{mac_entry, EgressSelect, EGRESS_SELECT_LATENCY};
use hdl::stream::{Egress, FrameInfo};
use hdl::verdict_code::{verdict_code, verdict_from_code};
use model::frame_build::Rng;
use model::{Config, Verdict};
use rust_hdl::prelude::*;

/// configs/test.toml: TMMs with and without MACs, TMM-side ingress ports
/// 3 and 200.
const CONFIG: &str = include_str!("../../configs/test.toml");

#[derive(Clone, Copy)]
struct Input {
    verdict: Verdict,
    inner: bool,
    group: u8,
    hash: u32,
    tmm: u8,
    ingress: u8,
    error: bool,
    beats: u16,
}

fn expected(config: &Config, i: &Input) -> Egress {
    let model = model::egress_select::EgressSelect::new(config);
    let mut e = Egress { beats: (i.beats as u64).into(), ..Default::default() };
    let (verdict, port) = if i.error {
        (Verdict::Malformed, model.special_port(Verdict::Malformed))
    } else if let Some(to) = model.bypass(i.ingress) {
        (Verdict::Bypass, to)
    } else if i.verdict.to_tmm() {
        let tmm = if i.verdict == Verdict::Fixed { config.groups[i.group as usize].fixed_tmm } else { i.tmm };
        e.inner = i.inner;
        e.group = (i.group as u64).into();
        e.tmm = (tmm as u64).into();
        if let Some(mac) = model.tmm_mac(tmm) {
            e.rewrite = true;
            e.mac = (mac_entry(&mac) & 0xFFFF_FFFF_FFFF).into();
        }
        if i.verdict.hashed() {
            e.hash = (i.hash as u64).into();
        }
        (i.verdict, model.tmm_port(tmm))
    } else {
        (i.verdict, model.special_port(i.verdict))
    };
    e.verdict = verdict_code(verdict).into();
    e.port = (port as u64).into();
    e
}

fn cycle(uut: &mut EgressSelect) {
    assert!(simulate(uut, 100));
    uut.clock.next = Clock { clk: true };
    assert!(simulate(uut, 100));
    uut.clock.next = Clock { clk: false };
    assert!(simulate(uut, 100));
}

#[test]
fn egress_select_matches_the_model_one_frame_per_cycle() {
    let config = Config::from_toml(CONFIG).unwrap();
    let mut uut = EgressSelect::new(&config);
    uut.connect_all();
    check_all(&mut uut).unwrap();
    let mut rng = Rng::new(7);
    let tmms = [0u8, 1, 9];
    let ingress = [0u8, 1, 3, 200, 17];
    let inputs: Vec<Input> = (0..2000)
        .map(|_| Input {
            verdict: verdict_from_code(rng.below(7)),
            inner: rng.below(2) == 0,
            group: rng.below(2) as u8,
            hash: rng.next_u64() as u32,
            tmm: tmms[rng.below(3) as usize],
            ingress: ingress[rng.below(5) as usize],
            error: rng.below(10) == 0,
            beats: 1 + rng.below(1000) as u16,
        })
        .collect();
    uut.bridge_port.next = (config.bridge_port as u64).into();
    uut.control_port.next = (config.control_port as u64).into();
    uut.fragment_port.next = (config.fragment_port as u64).into();
    uut.malformed_port.next = (config.malformed_port as u64).into();
    let mut seen = 0;
    for t in 0..inputs.len() + EGRESS_SELECT_LATENCY {
        // Gaps: every 7th cycle has no frame.
        let i = inputs.get(t).filter(|_| t % 7 != 6);
        uut.strobe_in.next = i.is_some();
        if let Some(i) = i {
            uut.verdict.next = verdict_code(i.verdict).into();
            uut.inner.next = i.inner;
            uut.group.next = (i.group as u64).into();
            uut.hash.next = (i.hash as u64).into();
            uut.tmm.next = (i.tmm as u64).into();
            uut.info.next = FrameInfo { ingress: (i.ingress as u64).into(), error: i.error, beats: (i.beats as u64).into() };
        }
        cycle(&mut uut);
        if t + 1 >= EGRESS_SELECT_LATENCY {
            let src = t + 1 - EGRESS_SELECT_LATENCY;
            let expect_strobe = src < inputs.len() && src % 7 != 6;
            assert_eq!(uut.strobe_out.val(), expect_strobe, "cycle {t}");
            if expect_strobe {
                assert_eq!(uut.egress.val(), expected(&config, &inputs[src]), "input {src}");
                seen += 1;
            }
        }
    }
    assert!(seen > 1500);
}

#[test]
fn egress_select_map_writes_take_effect() {
    let config = Config::from_toml(CONFIG).unwrap();
    let mut uut = EgressSelect::new(&config);
    uut.connect_all();
    check_all(&mut uut).unwrap();
    // TMM 1 → port 9 without MAC; group 0's fixed TMM → 0; ingress 3 classified.
    for (sel, addr, data) in [(0, 1u64, 9u64), (1, 1, 0), (2, 0, 0), (3, 3, 0)] {
        uut.map_addr.next = addr.into();
        uut.map_data.next = data.into();
        uut.tmm_port_write.next = sel == 0;
        uut.tmm_mac_write.next = sel == 1;
        uut.fixed_tmm_write.next = sel == 2;
        uut.bypass_write.next = sel == 3;
        cycle(&mut uut);
    }
    uut.tmm_port_write.next = false;
    uut.tmm_mac_write.next = false;
    uut.fixed_tmm_write.next = false;
    uut.bypass_write.next = false;
    let frames = [(Verdict::L4, 0u8, 1u8), (Verdict::Fixed, 0, 5)];
    let mut got = Vec::new();
    for t in 0..frames.len() + EGRESS_SELECT_LATENCY {
        uut.strobe_in.next = t < frames.len();
        if let Some(&(v, g, tmm)) = frames.get(t) {
            uut.verdict.next = verdict_code(v).into();
            uut.group.next = (g as u64).into();
            uut.tmm.next = (tmm as u64).into();
            uut.info.next = FrameInfo { ingress: 3.into(), error: false, beats: 1.into() };
        }
        cycle(&mut uut);
        if uut.strobe_out.val() {
            got.push(uut.egress.val());
        }
    }
    assert_eq!(got.len(), 2);
    assert_eq!((got[0].port.to_u8(), got[0].rewrite, got[0].tmm.to_u8()), (9, false, 1));
    assert_eq!((got[1].port.to_u8(), got[1].rewrite, got[1].tmm.to_u8()), (1, false, 0));
}
