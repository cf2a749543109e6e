//! The checker against the model itself: a perfect record of a run made
//! from the model's own expectations passes; every kind of fault injected
//! into it is reported as that kind, on the right frame.

use model::{Config, Distributor};
use sim::checker::{self, check, expectations, model_sideband, Kind, Report};
use sim::driver::{InTiming, OutFrame, ProtocolError, Record};
use sim::stimulus::{adversarial, demo, InFrame, Stimulus};

const BOUND: u64 = 26;

/// What an ideal core would do: frames leave in input order, each offered
/// `latency` cycles after its last beat went in (or after the previous one
/// left).
fn perfect(stim: &Stimulus, config: &Config, latency: u64) -> Record {
    let dist = Distributor::new(config);
    let mut record = Record::default();
    let mut cycle = 0;
    for f in &stim.frames {
        let beats = f.data.len().div_ceil(8) as u64;
        record.inputs.push(InTiming { first_in: cycle, last_in: cycle + beats - 1 });
        cycle += beats;
    }
    let mut free = 0;
    for (i, f) in stim.frames.iter().enumerate() {
        let d = dist.classify_rx(&f.data, f.ingress, f.mac_error);
        let offered = record.inputs[i].last_in.max(free) + latency;
        let beats = f.data.len().div_ceil(8) as u64;
        record.outputs.push(OutFrame {
            data: dist.egress().egress_frame(&f.data, &d).into_owned(),
            side: model_sideband(&d),
            offered,
            first_out: offered,
            last_out: offered + beats - 1,
            output_free: free,
        });
        free = offered + beats - 1;
    }
    record.cycles = free + 100;
    record
}

fn config() -> Config {
    let mut c = Config::builtin();
    c.tmms[1].mac = Some([0x02, 0xaa, 0, 0, 0, 1]);
    c
}

fn run_check(stim: &Stimulus, record: &Record) -> Report {
    let dist = Distributor::new(&config());
    let expected = expectations(stim, &dist, None, record, usize::MAX);
    check(stim, &expected, record, BOUND)
}

fn stim() -> Stimulus {
    let mut frames = demo(5, 60);
    frames.extend(adversarial(5, 200, None, &[]));
    Stimulus::from_frames(frames)
}

fn only(report: Report, kind: Kind) -> checker::Mismatch {
    assert_eq!(report.mismatches(), 1, "{:?}", report.first);
    assert_eq!(report.counts.get(&kind), Some(&1), "{:?}", report.first);
    report.first[0].clone()
}

#[test]
fn checker_passes_a_perfect_run_and_measures_latency() {
    let stim = stim();
    let record = perfect(&stim, &config(), 7);
    let report = run_check(&stim, &record);
    assert_eq!(report.mismatches(), 0, "{:?}", report.first);
    assert_eq!((report.latency_min, report.latency_max), (Some(7), Some(7)));
    assert_eq!(report.frames_out, stim.frames.len());
    // The MAC rewrite is part of what is expected.
    assert!(record.outputs.iter().zip(&stim.frames).any(|(o, i)| o.data != i.data));
}

#[test]
fn checker_reports_a_lost_frame() {
    let stim = stim();
    let mut record = perfect(&stim, &config(), 3);
    record.outputs.remove(17);
    let m = only(run_check(&stim, &record), Kind::Lost);
    assert_eq!(m.frame, Some(18));
    assert!(m.model.is_some());
}

#[test]
fn checker_reports_a_duplicate() {
    let stim = stim();
    let mut record = perfect(&stim, &config(), 3);
    let again = record.outputs[30].clone();
    record.outputs.push(again);
    let m = only(run_check(&stim, &record), Kind::Duplicate);
    assert_eq!(m.frame, Some(31));
}

#[test]
fn checker_reports_an_invented_frame() {
    let stim = stim();
    let mut record = perfect(&stim, &config(), 3);
    let mut extra = record.outputs[4].clone();
    extra.data = vec![0xee; 77];
    record.outputs.push(extra);
    let m = only(run_check(&stim, &record), Kind::Invented);
    assert_eq!(m.frame, None);
}

#[test]
fn checker_reports_a_wrong_decision_with_both_decisions() {
    let stim = stim();
    let mut record = perfect(&stim, &config(), 3);
    // An l4 frame: its index is wrong.
    let dist = Distributor::new(&config());
    let i = stim.frames.iter().position(|f| dist.classify(&f.data, 0).verdict == model::Verdict::L4).unwrap();
    record.outputs[i].side.index ^= 1;
    let m = only(run_check(&stim, &record), Kind::Decision);
    assert_eq!(m.frame, Some(i + 1));
    let (model, hw) = (m.model.as_ref().unwrap(), m.hardware.as_ref().unwrap());
    assert!(model.contains("verdict=l4") && hw.contains("verdict=l4") && model != hw, "{model} / {hw}");
    assert!(model.contains("key="), "the model's key is shown: {model}");
}

#[test]
fn checker_reports_a_wrong_port_as_a_wrong_decision() {
    let stim = stim();
    let mut record = perfect(&stim, &config(), 3);
    record.outputs[9].side.port = 5;
    let m = only(run_check(&stim, &record), Kind::Decision);
    assert_eq!(m.frame, Some(10));
}

#[test]
fn checker_reports_corrupted_bytes() {
    let stim = stim();
    let mut record = perfect(&stim, &config(), 3);
    let n = record.outputs[40].data.len();
    record.outputs[40].data[n - 1] ^= 0x80;
    let m = only(run_check(&stim, &record), Kind::Bytes);
    assert_eq!(m.frame, Some(41));
    assert!(m.detail.contains(&format!("byte {}", n - 1)), "{}", m.detail);
}

#[test]
fn checker_reports_reordering_within_a_port() {
    // Two frames of one flow: same port, distinct bytes.
    let flow = model::frame_build::random_flow(&mut model::frame_build::Rng::new(1));
    let frames = (0..6).map(|k| InFrame::new(flow.frame(&[], &[], &[k; 20]))).collect();
    let stim = Stimulus::from_frames(frames);
    let mut record = perfect(&stim, &config(), 3);
    record.outputs.swap(2, 3);
    let report = run_check(&stim, &record);
    assert_eq!(report.counts.get(&Kind::Order), Some(&1), "{:?}", report.first);
    assert_eq!(report.first[0].frame, Some(3), "frame 3 left after frame 4");
}

#[test]
fn checker_accepts_reordering_across_ports() {
    let stim = stim();
    let dist = Distributor::new(&config());
    let mut record = perfect(&stim, &config(), 3);
    let port = |o: &OutFrame| o.side.port;
    let i = (0..record.outputs.len() - 1).find(|&i| port(&record.outputs[i]) != port(&record.outputs[i + 1])).unwrap();
    record.outputs.swap(i, i + 1);
    // Keep the latency figures honest: the swap does not make them worse.
    let expected = expectations(&stim, &dist, None, &record, usize::MAX);
    let report = check(&stim, &expected, &record, u64::MAX);
    assert_eq!(report.mismatches(), 0, "{:?}", report.first);
}

#[test]
fn checker_reports_latency_over_the_bound() {
    let stim = stim();
    let record = perfect(&stim, &config(), BOUND + 1);
    let report = run_check(&stim, &record);
    assert_eq!(report.counts.get(&Kind::Latency), Some(&stim.frames.len()));
    assert_eq!(report.latency_max, Some(BOUND + 1));
}

#[test]
fn checker_reports_protocol_errors() {
    let stim = stim();
    let mut record = perfect(&stim, &config(), 3);
    record.protocol.push(ProtocolError { cycle: 12, what: "tkeep 0x05 on a last beat".into() });
    let m = only(run_check(&stim, &record), Kind::Protocol);
    assert_eq!(m.cycle, Some(12));
}

#[test]
fn checker_splits_a_live_table_change_at_the_commit_cycle() {
    let config = config();
    let stim_frames = demo(9, 200);
    let before = Distributor::new(&config);
    let (new0, _) = config.tables()[0].change(&[(0, 1.0), (1, 1.0)]).unwrap();
    let mut tables = config.tables();
    tables[0] = new0;
    let after = Distributor::with_tables(&config, tables.clone());
    let stim = Stimulus::from_frames(stim_frames);
    let mut record = perfect(&stim, &config, 3);
    let split = stim.frames.len() / 2;
    let commit = record.inputs[split].last_in;
    record.commit_cycle = Some(commit);
    // The ideal core with the new tables from `split` on.
    for (i, f) in stim.frames.iter().enumerate().skip(split) {
        let d = after.classify(&f.data, 0);
        record.outputs[i].side = model_sideband(&d);
        record.outputs[i].data = after.egress().egress_frame(&f.data, &d).into_owned();
    }
    let expected = expectations(&stim, &before, Some(&after), &record, usize::MAX);
    assert_eq!(check(&stim, &expected, &record, BOUND).mismatches(), 0);
    // Deciding the frames at the split with the old tables is caught.
    let changed = (split..stim.frames.len())
        .find(|&i| {
            let f = &stim.frames[i].data;
            before.classify(f, 0).port != after.classify(f, 0).port
        })
        .expect("the change moves some flow");
    let mut wrong = record.clone();
    let d = before.classify(&stim.frames[changed].data, 0);
    wrong.outputs[changed].side = model_sideband(&d);
    wrong.outputs[changed].data = before.egress().egress_frame(&stim.frames[changed].data, &d).into_owned();
    let report = check(&stim, &expected, &wrong, BOUND);
    assert!(report.mismatches() >= 1);
    assert!(report.first.iter().any(|m| m.frame == Some(changed + 1)), "{:?}", report.first);
}
