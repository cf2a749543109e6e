//! Xilinx KCU105 (Kintex UltraScale XCKU040-2FFVA1156E, two SFP+ cages
//! run as 1000BASE-X): the portable part of the board top, `Kcu105Core`.
//!
//! A two-port board needs the same block whatever the PHYs: two GMII MACs,
//! the clock-domain FIFOs, the frame arbiter, the distributor core with
//! egress by port, and the UART register bridge. That block is the
//! Colorlight board's (boards/src/colorlight_5a_75b.rs, where its diagram
//! and port list are), used here unchanged:
//! - port 0 = SFP0 (network side), port 1 = SFP1 (TMMs behind a switch,
//!   reached by destination-MAC rewrite; boards/kcu105.toml makes ingress 1
//!   `bypass` to port 0);
//! - the GMII signals are those of the two PCS/PMA cores
//!   (gig_ethernet_pcs_pma, 1000BASE-X) instantiated by the Verilog top
//!   boards/verilog/kcu105_top.v; both cores keep their receive side on
//!   userclk2 (elastic buffer in the core), so `clock`, `rx0_clock` and
//!   `rx1_clock` are all userclk2, 125 MHz, and the FIFOs only absorb the
//!   core's short stalls;
//! - the UART bridge runs at 115200 baud from that 125 MHz clock, on the
//!   board's CP2105 USB UART.
//! The packet buffer is the Colorlight's 8 KiB (2^10 beats); the XCKU040
//! could hold far more.

pub use crate::colorlight_5a_75b::Colorlight5a75bCore as Kcu105Core;

/// The Verilog of the portable part, module `kcu105_core` (flat port
/// names), for the board's Verilog top.
pub fn verilog(config: &model::Config) -> Result<String, String> {
    let mut uut = Kcu105Core::new(config)?;
    crate::block_verilog(&mut uut, "kcu105_core")
}
