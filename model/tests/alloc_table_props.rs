//! Allocation tables: counts within 1 of the exact share, entries spread,
//! and changes that move only what must move.

use model::alloc_table::{target_counts, AllocTable, Profile, TableError, TABLE_ENTRIES};
use proptest::prelude::*;

fn exact(weights: &[(u8, f64)], tmm: u8) -> f64 {
    let sum: f64 = weights.iter().map(|w| w.1).sum();
    weights.iter().find(|w| w.0 == tmm).map_or(0.0, |w| TABLE_ENTRIES as f64 * w.1 / sum)
}

fn assert_within_one(table: &AllocTable, weights: &[(u8, f64)]) {
    let counts = table.counts();
    assert_eq!(counts.iter().sum::<u32>(), TABLE_ENTRIES as u32);
    for t in 0..=255u8 {
        let e = exact(weights, t);
        assert!(
            (f64::from(counts[t as usize]) - e).abs() <= 1.0 + 1e-9,
            "TMM {t}: {} entries for an exact share of {e}",
            counts[t as usize]
        );
    }
}

/// The longest run of one TMM, and what an even spread allows for it.
fn longest_run(table: &AllocTable) -> usize {
    let e = table.entries();
    let (mut best, mut run) = (1, 1);
    for i in 1..e.len() {
        run = if e[i] == e[i - 1] { run + 1 } else { 1 };
        best = best.max(run);
    }
    best
}

fn weights_strategy() -> impl Strategy<Value = Vec<(u8, f64)>> {
    proptest::collection::btree_map(any::<u8>(), 0u32..1000, 1..24).prop_filter_map("some weight", |m| {
        let w: Vec<(u8, f64)> = m.into_iter().map(|(t, w)| (t, f64::from(w))).collect();
        (w.iter().any(|x| x.1 > 0.0)).then_some(w)
    })
}

#[test]
fn alloc_table_equal_weights_interleave() {
    let w = [(0, 1.0), (1, 1.0), (2, 1.0), (3, 1.0)];
    let t = AllocTable::from_weights(&w).unwrap();
    assert_eq!(&t.entries()[..8], &[0, 1, 2, 3, 0, 1, 2, 3]);
    assert_eq!(t.counts()[..4], [1024; 4]);
    assert_eq!(longest_run(&t), 1);
}

#[test]
fn alloc_table_rounds_by_largest_remainder() {
    // 4096/3 = 1365.33: one TMM gets the extra entry, the lowest id on a tie.
    let counts = target_counts(&[(7, 1.0), (3, 1.0), (5, 1.0)]).unwrap();
    assert_eq!((counts[3], counts[5], counts[7]), (1366, 1365, 1365));
    // 4096·2/7 = 1170.29, 4096·5/7 = 2925.71: the larger remainder rounds up.
    let counts = target_counts(&[(0, 2.0), (1, 5.0)]).unwrap();
    assert_eq!((counts[0], counts[1]), (1170, 2926));
}

#[test]
fn alloc_table_rejects_bad_weights() {
    assert_eq!(AllocTable::from_weights(&[(0, 0.0)]), Err(TableError::NoWeight));
    assert!(matches!(AllocTable::from_weights(&[(0, -1.0), (1, 2.0)]), Err(TableError::BadWeight { tmm: 0, .. })));
    assert!(matches!(AllocTable::from_weights(&[(0, f64::NAN)]), Err(TableError::BadWeight { .. })));
    assert_eq!(AllocTable::from_weights(&[(2, 1.0), (2, 1.0)]), Err(TableError::DuplicateTmm(2)));
    assert_eq!(AllocTable::from_entries(&[0; 10]), Err(TableError::Length(10)));
}

#[test]
fn alloc_table_adding_a_tmm_moves_only_its_share() {
    let old_w: Vec<(u8, f64)> = (0..4).map(|t| (t, 1.0)).collect();
    let new_w: Vec<(u8, f64)> = (0..5).map(|t| (t, 1.0)).collect();
    let old = AllocTable::from_weights(&old_w).unwrap();
    let (new, moved) = old.change(&new_w).unwrap();
    assert_within_one(&new, &new_w);
    // TMM 4 gets 819 or 820 entries; exactly those move.
    assert_eq!(moved, new.counts()[4] as usize);
    assert!(moved <= 820);
    let scratch = AllocTable::from_weights(&new_w).unwrap();
    let scratch_moves = old.entries().iter().zip(scratch.entries().iter()).filter(|(a, b)| a != b).count();
    assert!(scratch_moves > 3 * moved, "a rebuild moves {scratch_moves}, the change {moved}");
}

#[test]
fn alloc_table_removing_a_tmm_moves_only_its_entries() {
    let old_w: Vec<(u8, f64)> = (0..5).map(|t| (t, 1.0)).collect();
    let new_w: Vec<(u8, f64)> = (0..5).filter(|&t| t != 2).map(|t| (t, 1.0)).collect();
    let old = AllocTable::from_weights(&old_w).unwrap();
    let (new, moved) = old.change(&new_w).unwrap();
    assert_eq!(moved, old.counts()[2] as usize);
    assert_eq!(new.counts()[2], 0);
    for (a, b) in old.entries().iter().zip(new.entries().iter()) {
        if *a != 2 {
            assert_eq!(a, b, "an entry of a remaining TMM moved");
        }
    }
}

#[test]
fn alloc_table_profiles_shape_the_weights() {
    let tmms: Vec<u8> = (0..8).collect();
    let uniform = Profile::Uniform.weights(&tmms);
    assert!(uniform.iter().all(|w| w.1 == 1.0));
    let g = Profile::parse("gaussian", None, 8).unwrap().weights(&tmms);
    // Symmetric bell: the middle TMMs weigh most, the ends least.
    assert!((g[0].1 - g[7].1).abs() < 1e-12 && g[3].1 > g[1].1 && g[1].1 > g[0].1);
    let r = Profile::parse("rayleigh", Some(2.0), 8).unwrap().weights(&tmms);
    // Rayleigh peaks at x = sigma (index 1 with x = index + 1).
    let peak = r.iter().enumerate().max_by(|a, b| a.1 .1.partial_cmp(&b.1 .1).unwrap()).unwrap().0;
    assert_eq!(peak, 1);
    assert!(Profile::parse("zipf", None, 8).is_none());
    for w in [uniform, g, r] {
        assert_within_one(&AllocTable::from_weights(&w).unwrap(), &w);
    }
}

proptest! {
    #[test]
    fn alloc_table_counts_within_one_and_spread(w in weights_strategy()) {
        let t = AllocTable::from_weights(&w).unwrap();
        assert_within_one(&t, &w);
        // Spread: the j-th entry of a TMM with n entries sits within K
        // places (K = TMMs in the table) of its even position (j + ½)·4096/n.
        let counts = t.counts();
        let k = counts.iter().filter(|&&c| c > 0).count() as f64;
        let mut seen = [0u32; 256];
        for (index, &tmm) in t.entries().iter().enumerate() {
            let n = f64::from(counts[tmm as usize]);
            let even = (f64::from(seen[tmm as usize]) + 0.5) * TABLE_ENTRIES as f64 / n;
            prop_assert!((index as f64 - even).abs() <= k, "TMM {} entry {} at {} (even {})", tmm, seen[tmm as usize], index, even);
            seen[tmm as usize] += 1;
        }
    }

    #[test]
    fn alloc_table_change_moves_the_minimum(old_w in weights_strategy(), new_w in weights_strategy()) {
        let old = AllocTable::from_weights(&old_w).unwrap();
        let (new, moved) = old.change(&new_w).unwrap();
        assert_within_one(&new, &new_w);
        let (oc, nc) = (old.counts(), new.counts());
        // Only TMMs whose count fell gave entries up, exactly their loss.
        let lost: u32 = (0..256).map(|t| oc[t].saturating_sub(nc[t])).sum();
        prop_assert_eq!(moved as u32, lost);
        let changed = old.entries().iter().zip(new.entries().iter()).filter(|(a, b)| a != b).count();
        prop_assert_eq!(changed, moved);
        for (a, b) in old.entries().iter().zip(new.entries().iter()) {
            if a != b {
                prop_assert!(nc[*a as usize] < oc[*a as usize], "TMM {} lost an entry without losing count", a);
            }
        }
        // The fewest moves any table within 1 of the new shares allows:
        // each count clamped into [floor, ceil] of its share, and any excess
        // over 4096 taken first from counts above their old value (free).
        let (mut base, mut free, mut lo_sum) = (0u32, 0u32, 0u32);
        let mut forced = 0u32;
        for t in 0..=255u8 {
            let e = exact(&new_w, t);
            let (lo, hi) = (e.floor() as u32, e.ceil() as u32);
            let c = oc[t as usize].clamp(lo, hi);
            base += c;
            lo_sum += lo;
            forced += oc[t as usize].saturating_sub(c);
            free += c - c.min(oc[t as usize]).max(lo).min(c);
        }
        prop_assert!(lo_sum <= TABLE_ENTRIES as u32);
        let minimum = forced + base.saturating_sub(TABLE_ENTRIES as u32).saturating_sub(free);
        prop_assert_eq!(lost, minimum);
        // A TMM whose share did not drop keeps every entry.
        let (so, sn): (f64, f64) = (old_w.iter().map(|w| w.1).sum(), new_w.iter().map(|w| w.1).sum());
        for t in 0..=255u8 {
            let share = |w: &[(u8, f64)], s: f64| w.iter().find(|x| x.0 == t).map_or(0.0, |x| x.1 / s);
            if share(&new_w, sn) >= share(&old_w, so) {
                prop_assert!(nc[t as usize] >= oc[t as usize], "TMM {}: share kept, count {} -> {}", t, oc[t as usize], nc[t as usize]);
            }
        }
    }
}
