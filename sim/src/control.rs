//! Control-port write sequences for a live table change (register map:
//! `hdl::control_port`). A whole config: `hdl::uart_bridge::config_writes`.

use hdl::control_port::{ADDR_COMMIT, ADDR_TABLE_ENTRY};
use model::alloc_table::{AllocTable, TABLE_ENTRIES};

use crate::stimulus::TableChange;

/// Every entry of every table into the shadow bank, then the commit. All
/// groups, always: the shadow bank holds whatever was last written to it —
/// after a commit, the tables active before.
pub fn table_writes(tables: &[AllocTable]) -> Vec<(u16, u32)> {
    let mut w = Vec::with_capacity(tables.len() * TABLE_ENTRIES + 1);
    for (g, t) in tables.iter().enumerate() {
        for (i, &tmm) in t.entries().iter().enumerate() {
            w.push((ADDR_TABLE_ENTRY as u16, (g as u32) << 20 | (i as u32) << 8 | u32::from(tmm)));
        }
    }
    w.push((ADDR_COMMIT as u16, 0));
    w
}

/// A live change to `tables`, the writes starting when frame `at_frame` is
/// offered.
pub fn table_change(at_frame: usize, tables: Vec<AllocTable>) -> TableChange {
    TableChange { at_frame, writes: table_writes(&tables), tables }
}
