//! flowdist board tops. Each board has a portable rust-hdl block (MACs,
//! clock-domain crossings, the core, the UART bridge; simulated) and a thin
//! hand-written Verilog top in `boards/verilog/` with the vendor primitives
//! (PLL, DDR I/O) that only the synthesis flow sees.

pub mod colorlight_5a_75b;
