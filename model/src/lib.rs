//! flowdist golden model.
//!
//! The reference every other implementation (rust-hdl pipeline, emitted
//! Verilog) is checked against. One file per pipeline stage, named as the
//! hardware block: `eth_parse`, `ip_parse`, `icmp_error`, `port_compare`,
//! `toeplitz`, `alloc_table`, `egress_select`; `classify` composes them.

pub mod alloc_table;
pub mod capture;
pub mod classify;
pub mod config;
pub mod egress_select;
pub mod eth_parse;
pub mod flow_key;
pub mod frame_build;
pub mod icmp_error;
pub mod ip_parse;
pub mod port_compare;
pub mod snat;
pub mod system_sim;
pub mod toeplitz;
pub mod verdict;

pub use alloc_table::{AllocTable, Profile, TABLE_ENTRIES};
pub use classify::Distributor;
pub use config::Config;
pub use flow_key::FlowKey;
pub use toeplitz::{toeplitz_serial, Toeplitz, DEFAULT_RSS_KEY};
pub use verdict::{Decision, Verdict, WINDOW};
