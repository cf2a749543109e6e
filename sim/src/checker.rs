//! The checker: what came out of the core against what the model says.
//!
//! For every input frame the model gives the decision
//! (`Distributor::classify_rx`, with the tables in force: a frame whose last
//! beat was accepted in or after the commit cycle of a live table change is
//! decided with the new tables, earlier frames with the old — the core's
//! documented commit rule) and the bytes that must leave
//! (`EgressSelect::egress_frame`, the MAC rewrite).
//!
//! Each output frame is recognised by its bytes (the earliest input frame
//! not yet seen with those bytes; failing that, with the same bytes after
//! the destination MAC; failing that, the earliest frame still expected on
//! its port). Each port's frames must be exactly that port's expected
//! frames, in input order. Everything else is a mismatch, classified: a
//! wrong decision, corrupted bytes, a frame out of order (it left its port
//! after a later input frame), a duplicate, an invented frame, a lost
//! frame, an AXI-stream protocol violation, or a latency above the bound.
//!
//! Latency of a frame: from the cycle its last beat went in (or, when the
//! output was still busy with earlier frames, the cycle the previous frame's
//! last beat left) to the first cycle its first beat is offered on the
//! output.

use std::collections::{HashMap, VecDeque};
use std::fmt;

use hdl::verdict_code::{verdict_code, verdict_from_code};
use model::{Decision, Distributor};

use crate::driver::{Record, Sideband};
use crate::stimulus::Stimulus;

/// Mismatches kept in detail; the rest are only counted.
const DETAILED: usize = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Decision,
    Bytes,
    Order,
    Duplicate,
    Invented,
    Lost,
    Protocol,
    Latency,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Decision => "wrong decision",
            Kind::Bytes => "wrong bytes",
            Kind::Order => "out of order",
            Kind::Duplicate => "duplicated",
            Kind::Invented => "invented",
            Kind::Lost => "lost",
            Kind::Protocol => "stream protocol",
            Kind::Latency => "latency over the bound",
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub kind: Kind,
    /// Input frame, 1-based as in `flowdist classify`.
    pub frame: Option<usize>,
    /// Cycle the mismatch shows (the output frame's first beat), for the VCD.
    pub cycle: Option<u64>,
    /// The input frame's first cycle, when known.
    pub first_in: Option<u64>,
    pub detail: String,
    /// Both decisions, as text, when the frame is known.
    pub model: Option<String>,
    pub hardware: Option<String>,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.frame {
            Some(n) => write!(f, "frame {n}: {}: {}", self.kind, self.detail)?,
            None => write!(f, "{}: {}", self.kind, self.detail)?,
        }
        if let Some(c) = self.cycle {
            write!(f, " (cycle {c})")?;
        }
        if let Some(m) = &self.model {
            write!(f, "\n  model:    {m}")?;
        }
        if let Some(h) = &self.hardware {
            write!(f, "\n  hardware: {h}")?;
        }
        Ok(())
    }
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    pub frames_in: usize,
    pub frames_out: usize,
    pub cycles: u64,
    /// All mismatches, by kind.
    pub counts: HashMap<Kind, usize>,
    /// The first [`DETAILED`] in the order found.
    pub first: Vec<Mismatch>,
    pub latency_min: Option<u64>,
    pub latency_max: Option<u64>,
    pub latency_bound: u64,
    /// Frames checked against the tables after a live change.
    pub after_commit: usize,
}

impl Report {
    pub fn mismatches(&self) -> usize {
        self.counts.values().sum()
    }

    fn add(&mut self, m: Mismatch) {
        *self.counts.entry(m.kind).or_default() += 1;
        if self.first.len() < DETAILED {
            self.first.push(m);
        }
    }
}

/// What the model expects for one input frame.
#[derive(Clone, Debug)]
pub struct Expected {
    pub data: Vec<u8>,
    pub decision: Decision,
}

/// The model's decision in the form the ports carry it (fields that do not
/// apply are 0 on the wires).
pub fn model_sideband(d: &Decision) -> Sideband {
    Sideband {
        port: d.port,
        verdict: verdict_code(d.verdict) as u8,
        inner: d.inner,
        group: d.group.unwrap_or(0),
        index: d.index.unwrap_or(0),
        tmm: d.tmm.unwrap_or(0),
        hash: d.hash.unwrap_or(0),
    }
}

/// A sideband as one line: `verdict=l4 inner=0 group=1 hash=… index=… tmm=2 port=3`.
pub fn describe(s: &Sideband) -> String {
    format!(
        "verdict={} inner={} group={} hash={:08x} index={} tmm={} port={}",
        verdict_from_code(u64::from(s.verdict)),
        u8::from(s.inner),
        s.group,
        s.hash,
        s.index,
        s.tmm,
        s.port
    )
}

fn describe_model(d: &Decision) -> String {
    let key = d.key.map(|k| format!(" key={k}")).unwrap_or_default();
    format!("{}{key}", describe(&model_sideband(d)))
}

/// The model's expectation for every frame of `stim`, given the record (for
/// the frames' commit side). `after` = the distributor with the new tables.
/// A frame longer than `cut` bytes (a core's packet buffer,
/// `CoreKind::expected_cut`) leaves cut to that length, as `malformed`,
/// like a frame with a MAC error.
pub fn expectations(
    stim: &Stimulus,
    before: &Distributor,
    after: Option<&Distributor>,
    record: &Record,
    cut: usize,
) -> Vec<Expected> {
    stim.frames
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let dist = match (after, record.commit_cycle) {
                (Some(a), Some(c)) if record.inputs[i].last_in >= c => a,
                _ => before,
            };
            if f.data.len() > cut {
                let decision = dist.classify_rx(&f.data, f.ingress, true);
                return Expected { data: f.data[..cut].to_vec(), decision };
            }
            let decision = dist.classify_rx(&f.data, f.ingress, f.mac_error);
            Expected { data: dist.egress().egress_frame(&f.data, &decision).into_owned(), decision }
        })
        .collect()
}

/// Unmatched frames searched for a prefix match (a mismatch path only).
const PREFIX_SEARCH: usize = 4096;

/// The earliest unmatched expected frame that `data` begins or that begins
/// `data` (at least an Ethernet header in common).
fn prefix_match(expected: &[Expected], matched: &[bool], data: &[u8]) -> Option<usize> {
    (0..expected.len()).filter(|&j| !matched[j]).take(PREFIX_SEARCH).find(|&j| {
        let e = &expected[j].data;
        let n = e.len().min(data.len());
        n >= 14 && e[..n] == data[..n]
    })
}

/// A frame's bytes after the destination MAC (all of a runt).
fn tail(data: &[u8]) -> &[u8] {
    data.get(6..).unwrap_or(data)
}

fn first_difference(a: &[u8], b: &[u8]) -> String {
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(i) => format!("byte {i}: expected {:02x}, got {:02x} (lengths {} and {})", a[i], b[i], a.len(), b.len()),
        None => format!("length: expected {}, got {}", a.len(), b.len()),
    }
}

/// Check a run: `expected[i]` for input frame i.
pub fn check(stim: &Stimulus, expected: &[Expected], record: &Record, latency_bound: u64) -> Report {
    let mut report = Report {
        frames_in: stim.frames.len(),
        frames_out: record.outputs.len(),
        cycles: record.cycles,
        latency_bound,
        ..Report::default()
    };
    if let Some(c) = record.commit_cycle {
        report.after_commit = record.inputs.iter().filter(|t| t.last_in >= c).count();
    }
    // Unmatched expected frames by their bytes, and by their bytes after
    // the destination MAC (to recognise a frame whose rewrite went wrong).
    let mut by_bytes: HashMap<&[u8], VecDeque<usize>> = HashMap::new();
    let mut by_tail: HashMap<&[u8], VecDeque<usize>> = HashMap::new();
    let mut by_port: HashMap<u8, VecDeque<usize>> = HashMap::new();
    for (i, e) in expected.iter().enumerate() {
        by_bytes.entry(&e.data).or_default().push_back(i);
        by_tail.entry(tail(&e.data)).or_default().push_back(i);
        by_port.entry(e.decision.port).or_default().push_back(i);
    }
    let mut matched = vec![false; expected.len()];
    // Per port, the latest input frame that has left on it.
    let mut latest: HashMap<u8, usize> = HashMap::new();
    let frame_mismatch = |kind, i: usize, cycle, detail: String, hw: &Sideband| Mismatch {
        kind,
        frame: Some(i + 1),
        cycle: Some(cycle),
        first_in: Some(record.inputs[i].first_in),
        detail,
        model: Some(describe_model(&expected[i].decision)),
        hardware: Some(describe(hw)),
    };
    let take = |map: &mut HashMap<&[u8], VecDeque<usize>>, key: &[u8], matched: &[bool]| -> Option<usize> {
        let q = map.get_mut(key)?;
        while q.front().is_some_and(|&j| matched[j]) {
            q.pop_front();
        }
        q.iter().copied().find(|&j| !matched[j])
    };
    for out in &record.outputs {
        let port = out.side.port;
        let exact = take(&mut by_bytes, &out.data, &matched);
        let same_tail = if exact.is_none() { take(&mut by_tail, tail(&out.data), &matched) } else { None };
        let idx = match (exact, same_tail) {
            (Some(j), _) => {
                if model_sideband(&expected[j].decision) != out.side {
                    report.add(frame_mismatch(Kind::Decision, j, out.offered, "the decisions differ".into(), &out.side));
                } else if let Some(&l) = latest.get(&port).filter(|&&l| l > j) {
                    report.add(frame_mismatch(Kind::Order, j, out.offered, format!("left port {port} after frame {}", l + 1), &out.side));
                }
                Some(j)
            }
            (None, Some(j)) => {
                let kind = if model_sideband(&expected[j].decision) != out.side { Kind::Decision } else { Kind::Bytes };
                let detail = first_difference(&expected[j].data, &out.data);
                report.add(frame_mismatch(kind, j, out.offered, format!("destination MAC: {detail}"), &out.side));
                Some(j)
            }
            (None, None) if by_bytes.contains_key(out.data.as_slice()) => {
                let j = expected.iter().position(|e| e.data == out.data).expect("the map holds only expected bytes");
                report.add(frame_mismatch(Kind::Duplicate, j, out.offered, format!("sent again on port {port}"), &out.side));
                None
            }
            (None, None) if prefix_match(expected, &matched, &out.data).is_some() => {
                // Cut short or run long: the earliest unmatched frame that
                // one of the two begins.
                let j = prefix_match(expected, &matched, &out.data).expect("checked in the guard");
                let kind = if model_sideband(&expected[j].decision) != out.side { Kind::Decision } else { Kind::Bytes };
                let detail = format!("{} bytes left, {} expected", out.data.len(), expected[j].data.len());
                report.add(frame_mismatch(kind, j, out.offered, detail, &out.side));
                Some(j)
            }
            (None, None) => {
                // Corrupted: the earliest frame still expected on this port.
                let q = by_port.entry(port).or_default();
                while q.front().is_some_and(|&j| matched[j]) {
                    q.pop_front();
                }
                match q.front().copied() {
                    Some(h) => {
                        let detail = first_difference(&expected[h].data, &out.data);
                        report.add(frame_mismatch(Kind::Bytes, h, out.offered, detail, &out.side));
                        Some(h)
                    }
                    None => {
                        report.add(Mismatch {
                            kind: Kind::Invented,
                            frame: None,
                            cycle: Some(out.offered),
                            first_in: None,
                            detail: format!("{} bytes on port {port} match no input frame", out.data.len()),
                            model: None,
                            hardware: Some(describe(&out.side)),
                        });
                        None
                    }
                }
            }
        };
        if let Some(i) = idx {
            matched[i] = true;
            let l = latest.entry(port).or_insert(i);
            *l = (*l).max(i);
            let from = record.inputs[i].last_in.max(out.output_free);
            let latency = out.offered.saturating_sub(from);
            report.latency_min = Some(report.latency_min.map_or(latency, |m| m.min(latency)));
            report.latency_max = Some(report.latency_max.map_or(latency, |m| m.max(latency)));
            if latency > latency_bound {
                report.add(frame_mismatch(
                    Kind::Latency,
                    i,
                    out.offered,
                    format!("{latency} cycles, bound {latency_bound}"),
                    &out.side,
                ));
            }
        }
    }
    for (i, m) in matched.iter().enumerate() {
        if !m {
            report.add(Mismatch {
                kind: Kind::Lost,
                frame: Some(i + 1),
                cycle: None,
                first_in: Some(record.inputs[i].first_in),
                detail: format!("{} bytes, expected on port {}", stim.frames[i].data.len(), expected[i].decision.port),
                model: Some(describe_model(&expected[i].decision)),
                hardware: None,
            });
        }
    }
    for p in &record.protocol {
        report.add(Mismatch {
            kind: Kind::Protocol,
            frame: None,
            cycle: Some(p.cycle),
            first_in: None,
            detail: p.what.clone(),
            model: None,
            hardware: None,
        });
    }
    report
}
