//! The driver: a [`Stimulus`] into an [`Engine`] beat by beat, every output
//! beat collected, in one of three seeded traffic modes.
//!
//! - back-to-back: a beat offered every cycle, the output always ready;
//! - `gaps`: before a beat, with probability 1/4, 1–8 idle cycles;
//! - `backpressure`: `m_axis_tready` in random runs of 1–16 cycles high
//!   and 1–16 low.
//!
//! The gap draws are taken per beat and the ready draws per cycle, from two
//! generators seeded from `Mode::seed`: two engines that behave the same
//! see exactly the same inputs in every cycle.
//!
//! Alongside, the driver checks the output side of the AXI-stream contract
//! (a beat offered and not taken stays unchanged, `tkeep` contiguous and
//! full before the last beat, sideband stable through a frame) and records
//! per frame the cycles the latency check needs.

use std::time::{Duration, Instant};

use model::frame_build::Rng;

use crate::engine::{CoreIn, CoreOut, Engine, EngineError};
use crate::stimulus::Stimulus;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mode {
    pub gaps: bool,
    pub backpressure: bool,
    pub seed: u64,
}

impl Mode {
    pub fn describe(&self) -> String {
        let what = match (self.gaps, self.backpressure) {
            (false, false) => "back-to-back",
            (true, false) => "idle gaps",
            (false, true) => "backpressure",
            (true, true) => "idle gaps + backpressure",
        };
        format!("{what}, seed {}", self.seed)
    }
}

/// The decision sideband of an output frame, as the ports carry it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sideband {
    pub port: u8,
    pub verdict: u8,
    pub inner: bool,
    pub group: u8,
    pub index: u16,
    pub tmm: u8,
    pub hash: u32,
}

impl Sideband {
    fn of(o: &CoreOut) -> Self {
        Sideband {
            port: o.m_axis_tdest,
            verdict: o.m_axis_verdict,
            inner: o.m_axis_inner != 0,
            group: o.m_axis_group,
            index: o.m_axis_index,
            tmm: o.m_axis_tmm,
            hash: o.m_axis_hash,
        }
    }
}

/// When an input frame went in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InTiming {
    pub first_in: u64,
    /// Cycle its last beat was accepted.
    pub last_in: u64,
}

/// One frame as it left the core.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutFrame {
    pub data: Vec<u8>,
    pub side: Sideband,
    /// First cycle its first beat was offered (`tvalid`).
    pub offered: u64,
    pub first_out: u64,
    pub last_out: u64,
    /// Cycle the previous output frame's last beat left (0 for the first):
    /// a frame cannot be offered before the output is free.
    pub output_free: u64,
}

/// A violation of the output stream's contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolError {
    pub cycle: u64,
    pub what: String,
}

#[derive(Clone, Debug, Default)]
pub struct Record {
    pub inputs: Vec<InTiming>,
    pub outputs: Vec<OutFrame>,
    pub protocol: Vec<ProtocolError>,
    /// Cycle of the commit write of the stimulus's table change.
    pub commit_cycle: Option<u64>,
    pub cycles: u64,
    /// Cycles an offered input beat waited for `s_axis_tready`.
    pub input_stalls: u64,
    pub elapsed: Duration,
    /// Frames still inside when the output stayed idle for `DRAIN_IDLE` cycles.
    pub drained_early: bool,
}

/// Progress for long runs: (frames in, frames out, cycles).
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize, u64);

/// A VCD of cycles `from..to` (the run stops at `to`).
#[derive(Clone, Debug)]
pub struct TraceWindow {
    pub from: u64,
    pub to: u64,
    pub path: std::path::PathBuf,
}

#[derive(Default)]
pub struct Options<'a> {
    pub progress: Option<Progress<'a>>,
    pub trace: Option<TraceWindow>,
}

/// After the input is done: the run ends when every frame is out and the
/// output was quiet for `TRAILING` more cycles (to catch invented frames),
/// or after `DRAIN_IDLE` cycles without an output beat.
const TRAILING: u64 = 64;
const DRAIN_IDLE: u64 = 20_000;
/// Idle cycles between the setup writes and the first frame.
const SETUP_SETTLE: u64 = 8;
/// Progress is reported every this many cycles.
const PROGRESS_EVERY: u64 = 1 << 16;

/// `tkeep` of a beat carrying `n` bytes from lane 0.
fn keep_of(n: usize) -> u8 {
    ((1u16 << n) - 1) as u8
}

struct Source<'a> {
    stim: &'a Stimulus,
    frame: usize,
    beat: usize,
    idle: u32,
    gaps: Option<Rng>,
    drawn: bool,
}

impl Source<'_> {
    /// The beat offered this cycle, if any.
    fn offer(&mut self) -> Option<CoreIn> {
        let f = self.stim.frames.get(self.frame)?;
        if !self.drawn {
            self.drawn = true;
            if let Some(rng) = &mut self.gaps {
                if rng.below(4) == 0 {
                    self.idle = 1 + rng.below(8) as u32;
                }
            }
        }
        if self.idle > 0 {
            self.idle -= 1;
            return None;
        }
        let start = self.beat * 8;
        let chunk = &f.data[start..(start + 8).min(f.data.len())];
        let mut data = 0u64;
        for (k, &b) in chunk.iter().enumerate() {
            data |= u64::from(b) << (8 * k);
        }
        let last = start + 8 >= f.data.len();
        Some(CoreIn {
            s_axis_tdata: data,
            s_axis_tkeep: keep_of(chunk.len()),
            s_axis_tvalid: 1,
            s_axis_tlast: u8::from(last),
            s_axis_tuser: u8::from(last && f.mac_error),
            s_axis_ingress_port: f.ingress,
            ..CoreIn::default()
        })
    }

    /// The offered beat was taken; true when it was the frame's last.
    fn taken(&mut self) -> bool {
        self.drawn = false;
        self.beat += 1;
        if self.beat * 8 >= self.stim.frames[self.frame].data.len() {
            self.frame += 1;
            self.beat = 0;
            true
        } else {
            false
        }
    }
}

/// Ready pattern of the output: runs of 1–16 cycles high and low.
struct Sink {
    rng: Option<Rng>,
    ready: bool,
    left: u64,
}

impl Sink {
    fn ready(&mut self) -> bool {
        let Some(rng) = &mut self.rng else { return true };
        if self.left == 0 {
            self.ready = !self.ready;
            self.left = 1 + rng.below(16);
        }
        self.left -= 1;
        self.ready
    }
}

/// Collects output beats into frames and checks the stream contract.
#[derive(Default)]
struct Collector {
    frames: Vec<OutFrame>,
    protocol: Vec<ProtocolError>,
    /// The beat offered and not taken in the previous cycle.
    held: Option<CoreOut>,
    open: Option<OutFrame>,
    /// Offered cycle of the next frame's first beat.
    offered: Option<u64>,
    output_free: u64,
}

impl Collector {
    fn error(&mut self, cycle: u64, what: String) {
        // The first few are enough to debug; count the rest.
        if self.protocol.len() < 100 {
            self.protocol.push(ProtocolError { cycle, what });
        }
    }

    fn cycle(&mut self, cycle: u64, o: &CoreOut, ready: bool) {
        if let Some(h) = self.held.take() {
            let same = o.m_axis_tvalid != 0
                && o.m_axis_tdata == h.m_axis_tdata
                && o.m_axis_tkeep == h.m_axis_tkeep
                && o.m_axis_tlast == h.m_axis_tlast
                && Sideband::of(o) == Sideband::of(&h);
            if !same {
                self.error(cycle, "an output beat offered and not taken changed or was withdrawn".into());
            }
        }
        if o.m_axis_tvalid == 0 {
            return;
        }
        if self.open.is_none() && self.offered.is_none() {
            self.offered = Some(cycle);
        }
        if !ready {
            self.held = Some(*o);
            return;
        }
        let keep = o.m_axis_tkeep;
        let lanes = keep.trailing_ones() as usize;
        if keep == 0 || keep_of(lanes) != keep || (o.m_axis_tlast == 0 && keep != 0xff) {
            self.error(cycle, format!("tkeep {keep:#04x} on a {} beat", if o.m_axis_tlast != 0 { "last" } else { "middle" }));
        }
        let side = Sideband::of(o);
        let (offered, output_free) = (self.offered.unwrap_or(cycle), self.output_free);
        let first = self
            .open
            .get_or_insert_with(|| OutFrame { data: Vec::new(), side, offered, first_out: cycle, last_out: cycle, output_free })
            .side;
        if first != side {
            self.error(cycle, format!("sideband changed inside a frame: {first:?} then {side:?}"));
        }
        let f = self.open.as_mut().expect("opened above");
        f.data.extend((0..lanes).map(|k| (o.m_axis_tdata >> (8 * k)) as u8));
        if o.m_axis_tlast != 0 {
            let mut f = self.open.take().expect("a frame is open");
            f.last_out = cycle;
            self.output_free = cycle;
            self.offered = None;
            self.frames.push(f);
        }
    }
}

/// Drive `stim` through `engine` in `mode`; `options.progress` is called
/// every 65536 cycles.
pub fn run(engine: &mut dyn Engine, stim: &Stimulus, mode: &Mode, options: Options) -> Result<Record, EngineError> {
    let Options { mut progress, trace } = options;
    let started = Instant::now();
    let mut source = Source {
        stim,
        frame: 0,
        beat: 0,
        idle: 0,
        gaps: mode.gaps.then(|| Rng::new(mode.seed ^ 0x6761_7073)),
        drawn: false,
    };
    let mut sink = Sink { rng: mode.backpressure.then(|| Rng::new(mode.seed ^ 0x7265_6164)), ready: false, left: 0 };
    let writes: &[(u16, u32)] = stim.table_change.as_ref().map_or(&[], |c| &c.writes);
    let mut setup = stim.setup.iter();
    // Cycles after the setup writes before the first frame: the maps take
    // about two cycles to apply a write.
    let mut setup_wait = if stim.setup.is_empty() { 0 } else { SETUP_SETTLE };
    let mut next_write = 0;
    let mut record = Record { inputs: vec![InTiming::default(); stim.frames.len()], ..Record::default() };
    let mut collector = Collector::default();
    let mut cycle = 0u64;
    let mut quiet = 0u64;
    loop {
        if let Some(t) = &trace {
            if cycle == t.from {
                engine.start_trace(&t.path)?;
            }
            if cycle == t.to {
                engine.stop_trace()?;
                break;
            }
        }
        let mut setup_write = None;
        if setup_wait > 0 {
            setup_write = setup.next();
            if setup_write.is_none() {
                setup_wait -= 1;
            }
        }
        let offered = if setup_wait > 0 { None } else { source.offer() };
        let mut inputs = offered.unwrap_or_default();
        let ready = sink.ready();
        inputs.m_axis_tready = u8::from(ready);
        if let Some(&(addr, data)) = setup_write {
            inputs.ctrl_addr = addr;
            inputs.ctrl_wdata = data;
            inputs.ctrl_write = 1;
        } else if let Some(change) = &stim.table_change {
            if source.frame >= change.at_frame && next_write < writes.len() {
                let (addr, data) = writes[next_write];
                inputs.ctrl_addr = addr;
                inputs.ctrl_wdata = data;
                inputs.ctrl_write = 1;
                if next_write + 1 == writes.len() {
                    record.commit_cycle = Some(cycle);
                }
                next_write += 1;
            }
        }
        let out = engine.cycle(&inputs)?;
        if offered.is_some() {
            let frame = source.frame;
            if out.s_axis_tready != 0 {
                if source.beat == 0 {
                    record.inputs[frame].first_in = cycle;
                }
                if source.taken() {
                    record.inputs[frame].last_in = cycle;
                }
            } else {
                record.input_stalls += 1;
            }
        }
        let had_beat = out.m_axis_tvalid != 0 && ready;
        collector.cycle(cycle, &out, ready);
        cycle += 1;
        if let Some(p) = progress.as_mut() {
            if cycle % PROGRESS_EVERY == 0 {
                p(source.frame, collector.frames.len(), cycle);
            }
        }
        let input_done = source.frame == stim.frames.len() && next_write == writes.len();
        if !input_done {
            continue;
        }
        quiet = if had_beat || out.m_axis_tvalid != 0 { 0 } else { quiet + 1 };
        if collector.frames.len() >= stim.frames.len() && collector.open.is_none() && quiet >= TRAILING {
            break;
        }
        if quiet >= DRAIN_IDLE {
            record.drained_early = true;
            break;
        }
    }
    if trace.is_some() {
        engine.stop_trace()?;
    }
    record.outputs = collector.frames;
    record.protocol = collector.protocol;
    if let Some(f) = collector.open {
        record.protocol.push(ProtocolError { cycle, what: format!("output frame cut off: {} bytes, no last beat", f.data.len()) });
    }
    record.cycles = cycle;
    record.elapsed = started.elapsed();
    Ok(record)
}
