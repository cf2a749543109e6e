//! flowdist hardware: the rust-hdl distributor pipeline.
//!
//! One block per file, named as the model's stage (`model::ip_parse` ↔
//! `hdl::IpParse`).

pub mod verdict_code;
pub mod stream;
pub mod window_capture;
pub mod packet_buffer;
pub mod egress_select;
pub mod toeplitz;
pub mod block_ram;
pub mod output_queue;
pub mod eth_parse;
pub mod ip_parse;
pub mod icmp_error;
pub mod port_compare;
pub mod decide;
pub mod ram_delay;
pub mod alloc_table;
pub mod counters;
pub mod control_port;
pub mod flowdist_core;
pub mod window_ram;
pub mod header_walk;
pub mod decision_slot;
pub mod flowdist_compact;
pub mod crc32;
pub mod eth_mac_rx;
pub mod eth_mac_tx;
pub mod uart_bridge;
pub mod tool_run;
