//! The human summary of a classification run: verdict counts, frames and
//! flows per TMM, and how even the load is.

use std::collections::{BTreeMap, HashSet};

use model::{Config, Decision, FlowKey, Verdict};

#[derive(Default)]
pub struct Summary {
    frames: u64,
    verdicts: BTreeMap<Verdict, u64>,
    tmm_frames: BTreeMap<u8, u64>,
    tmm_flows: BTreeMap<u8, HashSet<FlowKey>>,
    inner: u64,
}

impl Summary {
    pub fn add(&mut self, d: &Decision) {
        self.frames += 1;
        *self.verdicts.entry(d.verdict).or_default() += 1;
        self.inner += u64::from(d.inner);
        if let Some(t) = d.tmm {
            *self.tmm_frames.entry(t).or_default() += 1;
            if let Some(k) = d.key {
                self.tmm_flows.entry(t).or_default().insert(k);
            }
        }
    }

    pub fn lines(&self, config: &Config) -> Vec<String> {
        let mut out = vec![format!("frames: {}", self.frames)];
        out.push("verdicts:".into());
        for v in Verdict::ALL {
            let n = self.verdicts.get(&v).copied().unwrap_or(0);
            out.push(format!("  {:<10} {:>9}  {:>5.1}%", v.as_str(), n, pct(n, self.frames)));
        }
        out.push(format!("  (decided on an ICMP error's inner header: {})", self.inner));
        out.push("per TMM:        port     frames   flows".into());
        let mut loads = Vec::new();
        for t in &config.tmms {
            let frames = self.tmm_frames.get(&t.id).copied().unwrap_or(0);
            let flows = self.tmm_flows.get(&t.id).map_or(0, |s| s.len());
            loads.push(frames);
            out.push(format!("  tmm {:<3}  {:>9} {:>10} {:>7}", t.id, t.port, frames, flows));
        }
        let total: u64 = loads.iter().sum();
        if total > 0 {
            let mean = total as f64 / loads.len() as f64;
            let max = *loads.iter().max().unwrap_or(&0) as f64;
            out.push(format!("load: mean {mean:.1} frames per TMM, max {max:.0} (max/mean {:.3})", max / mean));
        }
        out
    }
}

fn pct(n: u64, total: u64) -> f64 {
    if total == 0 { 0.0 } else { 100.0 * n as f64 / total as f64 }
}
