//! What a simulation engine offers the driver: the core's ports for one
//! clock cycle at a time.
//!
//! One cycle: the driver sets every input ([`CoreIn`]), the engine settles
//! the logic with the clock low and samples every output ([`CoreOut`]) —
//! the values a transfer in this cycle is judged on — then raises the clock
//! (registers take their next values). Sources drive `valid` and sinks
//! `ready` without looking at the other side in the same cycle, as AXI
//! stream allows, so one sample per cycle suffices.
//!
//! The two structs are `repr(C)`: the Verilator engine hands them to its C++
//! harness unchanged (`sim/verilator/harness.cpp` declares the same layout and
//! the harness reports its sizes, checked at load time).

/// The core's inputs in one cycle (ports named as in the Verilog top).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CoreIn {
    pub s_axis_tdata: u64,
    pub ctrl_wdata: u32,
    pub ctrl_addr: u16,
    pub s_axis_tkeep: u8,
    pub s_axis_tvalid: u8,
    pub s_axis_tlast: u8,
    /// The MAC's error flag, meaningful on the last beat.
    pub s_axis_tuser: u8,
    pub s_axis_ingress_port: u8,
    pub m_axis_tready: u8,
    pub ctrl_write: u8,
    pub ctrl_read: u8,
    pub _pad: [u8; 2],
}

/// The core's outputs sampled in one cycle.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CoreOut {
    pub m_axis_tdata: u64,
    pub m_axis_hash: u32,
    pub ctrl_rdata: u32,
    pub m_axis_index: u16,
    pub s_axis_tready: u8,
    pub m_axis_tkeep: u8,
    pub m_axis_tvalid: u8,
    pub m_axis_tlast: u8,
    pub m_axis_tdest: u8,
    pub m_axis_verdict: u8,
    pub m_axis_inner: u8,
    pub m_axis_group: u8,
    pub m_axis_tmm: u8,
    pub ctrl_rvalid: u8,
}

/// A simulated core.
pub trait Engine {
    /// Short name for reports: `rust-hdl`, `verilator`.
    fn name(&self) -> &'static str;
    /// One clock cycle: apply `inputs`, sample the outputs with the clock
    /// low, then the rising edge.
    fn cycle(&mut self, inputs: &CoreIn) -> Result<CoreOut, EngineError>;
    /// Start writing a VCD of every following cycle to `path` (until
    /// [`Engine::stop_trace`]).
    fn start_trace(&mut self, path: &std::path::Path) -> Result<(), EngineError>;
    fn stop_trace(&mut self) -> Result<(), EngineError>;
    /// Which core is simulated (its latency bound and buffer size).
    fn core(&self) -> crate::CoreKind;
    /// What the engine measured about itself, for the report (rust-hdl:
    /// how many evaluations of the whole design a cycle took).
    fn profile(&self) -> Option<String> {
        None
    }
}

/// The engine could not be built or could not go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineError(pub String);

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EngineError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The C++ harness declares these sizes (`FD_IN_SIZE`, `FD_OUT_SIZE`).
    #[test]
    fn port_structs_have_the_harness_layout() {
        assert_eq!(std::mem::size_of::<CoreIn>(), 24);
        assert_eq!(std::mem::size_of::<CoreOut>(), 32);
    }
}
