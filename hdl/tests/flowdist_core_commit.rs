//! A table and RSS-key change committed through the control port in the
//! middle of traffic: every frame whose last beat came before the commit
//! write is decided with the old key and tables, every later one with the
//! new, none lost or duplicated.

use hdl::control_port::{ADDR_COMMIT, ADDR_RSS_KEY, ADDR_TABLE_ENTRY};
use hdl::flowdist_core::{CoreSimDefault, InFrame, Traffic};
use model::frame_build::demo_traffic;
use model::toeplitz::DEFAULT_RSS_KEY;
use model::{Config, Distributor};

#[test]
fn flowdist_core_table_commit_in_the_middle_of_traffic() {
    let config = Config::builtin();
    let old = config.tables();
    // Group 0: TMM 3 gets twice the weight; the shadow bank starts equal to
    // the active one, so only the entries that move are written.
    let (new0, moved) = old[0].change(&[(0, 1.0), (1, 1.0), (2, 1.0), (3, 2.0)]).unwrap();
    assert!(moved > 100);
    let new = vec![new0.clone(), old[1].clone()];
    let mut config_new = config.clone();
    config_new.rss_key = DEFAULT_RSS_KEY.iter().rev().copied().collect();
    let dist_old = Distributor::with_tables(&config, old.clone());
    let dist_new = Distributor::with_tables(&config_new, new);

    let frames: Vec<InFrame> = demo_traffic(77, 40)
        .into_iter()
        .take(90)
        .map(|data| InFrame { data, ingress: 0, mac_error: false })
        .collect();
    let mut sim = CoreSimDefault::new(&config).unwrap();
    for f in &frames {
        sim.send(f.clone());
    }
    for _ in 0..150 {
        sim.step(true, true);
    }
    for w in 0..6 {
        let b = &config_new.rss_key[4 * w..4 * w + 4];
        sim.write(ADDR_RSS_KEY as u16 + w as u16, u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    }
    for i in 0..4096 {
        if new0.get(i) != old[0].get(i) {
            sim.write(ADDR_TABLE_ENTRY as u16, (i as u32) << 8 | new0.get(i) as u32);
        }
    }
    sim.write(ADDR_COMMIT as u16, 1);
    let out = sim.run(&[], &Traffic::BACK_TO_BACK, 1_000_000).unwrap();
    assert_eq!(out.len(), frames.len(), "every frame out once");
    let commit = sim.commits()[0];
    let (mut before, mut after, mut changed) = (0, 0, 0);
    for (n, (o, f)) in out.iter().zip(&frames).enumerate() {
        assert_eq!(o.seq, n);
        let dist = if o.last_in < commit { &dist_old } else { &dist_new };
        let mut want = dist.classify_rx(&f.data, 0, false);
        let bytes = dist.egress().egress_frame(&f.data, &want).into_owned();
        want.key = None;
        assert_eq!(o.decision(), want, "frame {n} (last beat in cycle {}, commit {commit})", o.last_in);
        assert_eq!(o.data, bytes);
        if o.last_in < commit {
            before += 1;
        } else {
            after += 1;
            let mut other = dist_old.classify_rx(&f.data, 0, false);
            other.key = None;
            changed += (other != want) as usize;
        }
    }
    assert!(before > 5 && after > 5, "the commit falls inside the traffic ({before} before, {after} after)");
    assert!(changed > 0, "the change is visible in the decisions");
}
