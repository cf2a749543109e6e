//! flowdist board tops. Each board has a portable rust-hdl block (MACs,
//! clock-domain crossings, the core, the UART bridge; simulated) and a thin
//! hand-written Verilog top in `boards/verilog/` with the vendor primitives
//! (PLL, DDR I/O, transceiver cores) that only the synthesis flow sees.

pub mod beat_fifo;
pub mod colorlight_5a_75b;
pub mod kcu105;
pub mod reg_slice;

use hdl::flowdist_core::flatten_names;
use rust_hdl::prelude::*;

/// A board's portable block as Verilog module `name` (flat port names).
pub fn block_verilog(uut: &mut impl Block, name: &str) -> Result<String, String> {
    uut.connect_all();
    check_all(uut).map_err(|e| format!("board core check: {e:?}"))?;
    Ok(flatten_names(&generate_verilog(uut), name))
}
