//! `UartBridge`: a UART (8N1) register bridge to the core's control port,
//! the control path of the ECP5 board; and the software side of its
//! protocol (`flowdist load` uses [`write_frame`], [`read_frame`],
//! [`config_writes`]).
//!
//! Protocol (host → board), bytes in order, multi-byte fields big-endian:
//! - write: `'W'`, addr[15:8], addr[7:0], data[31:24] … data[7:0] (7 bytes);
//!   one control-port write, no reply (writes stream at line rate).
//! - read: `'R'`, addr[15:8], addr[7:0] (3 bytes); the board answers with
//!   the 4 data bytes, [31:24] first.
//! - any other byte where a command is expected is skipped; a frame left
//!   incomplete for `timeout` clocks is dropped, so a host that died
//!   mid-frame cannot shift every later frame.
//!
//! Ports
//! - in  `clock`, `uart_rx` (idle high; synchronised by two registers here),
//!   out `uart_tx` (registered).
//! - control port (control_port.rs): out `ctrl_addr: Bits<16>`,
//!   `ctrl_wdata: Bits<32>`, `ctrl_write`, `ctrl_read` (one-cycle pulses, from
//!   registers), in `ctrl_rdata: Bits<32>`, `ctrl_rvalid`.
//!
//! `UartBridge::new(clocks_per_bit, timeout)`: e.g. 125 MHz / 115200 baud =
//! 1085 clocks per bit. Bits are sampled in their middle. The write of a
//! frame happens 1-2 clocks after the middle of its last stop bit.

use rust_hdl::prelude::*;

use crate::control_port::{
    ADDR_BRIDGE_PORT, ADDR_COMMIT, ADDR_CONTROL_PORT, ADDR_FIXED_TMM, ADDR_FRAGMENT_PORT, ADDR_GROUP_MAC_HIGH,
    ADDR_GROUP_MAC_LOW, ADDR_INGRESS, ADDR_MAC_STAGING, ADDR_MALFORMED_PORT, ADDR_RSS_KEY, ADDR_RULE,
    ADDR_TABLE_ENTRY, ADDR_TMM_MAC, ADDR_TMM_PORT,
};
use crate::decide::RULES;
use crate::toeplitz::key_words;

pub const CMD_WRITE: u8 = b'W';
pub const CMD_READ: u8 = b'R';

#[derive(LogicBlock)]
pub struct UartBridge {
    pub clock: Signal<In, Clock>,
    pub uart_rx: Signal<In, Bit>,
    pub uart_tx: Signal<Out, Bit>,
    pub ctrl_addr: Signal<Out, Bits<16>>,
    pub ctrl_wdata: Signal<Out, Bits<32>>,
    pub ctrl_write: Signal<Out, Bit>,
    pub ctrl_read: Signal<Out, Bit>,
    pub ctrl_rdata: Signal<In, Bits<32>>,
    pub ctrl_rvalid: Signal<In, Bit>,
    full: Constant<Bits<16>>,
    half: Constant<Bits<16>>,
    timeout: Constant<Bits<24>>,
    // Receiver.
    sync0: DFFWithInit<Bit>,
    sync1: DFFWithInit<Bit>,
    rx_busy: DFF<Bit>,
    rx_count: DFF<Bits<16>>,
    /// 0 = start bit, 1..=8 data bits, 9 = stop bit.
    rx_bit: DFF<Bits<4>>,
    rx_shift: DFF<Bits<8>>,
    /// A byte arrived (stop bit high) this cycle.
    rx_strobe: Signal<Local, Bit>,
    // Frame parser.
    cmd: DFF<Bits<8>>,
    /// Bytes of the frame after the command byte (0: waiting for a command).
    got: DFF<Bits<3>>,
    acc: DFF<Bits<48>>,
    next_acc: Signal<Local, Bits<48>>,
    idle: DFF<Bits<24>>,
    addr: DFF<Bits<16>>,
    wdata: DFF<Bits<32>>,
    write: DFF<Bit>,
    read: DFF<Bit>,
    // Transmitter: the read reply, 4 bytes.
    reply: DFF<Bits<32>>,
    reply_left: DFF<Bits<3>>,
    tx_shift: DFFWithInit<Bits<10>>,
    tx_bits: DFF<Bits<4>>,
    tx_count: DFF<Bits<16>>,
}

impl UartBridge {
    /// `clocks_per_bit` in 4..=65535; `timeout` clocks (< 2^24) without a
    /// byte drop a partial frame.
    pub fn new(clocks_per_bit: u32, timeout: u32) -> Self {
        assert!((4..=65535).contains(&clocks_per_bit), "clocks per bit out of range");
        assert!(timeout < 1 << 24 && timeout > 20 * clocks_per_bit, "timeout shorter than two bytes or too long");
        Self {
            clock: Default::default(),
            uart_rx: Default::default(),
            uart_tx: Default::default(),
            ctrl_addr: Default::default(),
            ctrl_wdata: Default::default(),
            ctrl_write: Default::default(),
            ctrl_read: Default::default(),
            ctrl_rdata: Default::default(),
            ctrl_rvalid: Default::default(),
            full: Constant::new(u64::from(clocks_per_bit - 1).into()),
            half: Constant::new(u64::from(clocks_per_bit / 2 - 1).into()),
            timeout: Constant::new(u64::from(timeout).into()),
            sync0: DFFWithInit::new(true),
            sync1: DFFWithInit::new(true),
            rx_busy: Default::default(),
            rx_count: Default::default(),
            rx_bit: Default::default(),
            rx_shift: Default::default(),
            rx_strobe: Default::default(),
            cmd: Default::default(),
            got: Default::default(),
            acc: Default::default(),
            next_acc: Default::default(),
            idle: Default::default(),
            addr: Default::default(),
            wdata: Default::default(),
            write: Default::default(),
            read: Default::default(),
            reply: Default::default(),
            reply_left: Default::default(),
            tx_shift: DFFWithInit::new(0x3FF.into()),
            tx_bits: Default::default(),
            tx_count: Default::default(),
        }
    }
}

impl Logic for UartBridge {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, sync0, sync1, rx_busy, rx_count, rx_bit, rx_shift, cmd, got, acc, idle, addr, wdata,
            write, read, reply, reply_left, tx_shift, tx_bits, tx_count
        );
        // Receiver: wait for a falling edge, sample mid-bit.
        self.sync0.d.next = self.uart_rx.val();
        self.sync1.d.next = self.sync0.q.val();
        self.rx_strobe.next = false;
        if !self.rx_busy.q.val() {
            if !self.sync1.q.val() {
                self.rx_busy.d.next = true;
                self.rx_count.d.next = self.half.val();
                self.rx_bit.d.next = 0.into();
            }
        } else if self.rx_count.q.val() != 0 {
            self.rx_count.d.next = self.rx_count.q.val() - 1;
        } else {
            self.rx_count.d.next = self.full.val();
            self.rx_bit.d.next = self.rx_bit.q.val() + 1;
            if self.rx_bit.q.val() == 0 {
                // A glitch, not a start bit.
                if self.sync1.q.val() {
                    self.rx_busy.d.next = false;
                }
            } else if self.rx_bit.q.val() == 9 {
                self.rx_busy.d.next = false;
                self.rx_strobe.next = self.sync1.q.val();
            } else {
                self.rx_shift.d.next = (self.rx_shift.q.val() >> 1) | (bit_cast::<8, 1>(self.sync1.q.val().into()) << 7);
            }
        }

        // Frame parser.
        self.write.d.next = false;
        self.read.d.next = false;
        self.next_acc.next = (self.acc.q.val() << 8) | bit_cast::<48, 8>(self.rx_shift.q.val());
        if self.idle.q.val() != self.timeout.val() {
            self.idle.d.next = self.idle.q.val() + 1;
        } else {
            self.got.d.next = 0.into();
        }
        if self.rx_strobe.val() {
            self.idle.d.next = 0.into();
            if self.got.q.val() == 0 {
                if (self.rx_shift.q.val() == 0x57) | (self.rx_shift.q.val() == 0x52) {
                    self.cmd.d.next = self.rx_shift.q.val();
                    self.got.d.next = 1.into();
                }
            } else {
                self.acc.d.next = self.next_acc.val();
                self.got.d.next = self.got.q.val() + 1;
                if (self.cmd.q.val() == 0x57) & (self.got.q.val() == 6) {
                    self.got.d.next = 0.into();
                    self.write.d.next = true;
                    self.addr.d.next = self.next_acc.val().get_bits::<16>(32);
                    self.wdata.d.next = self.next_acc.val().get_bits::<32>(0);
                }
                if (self.cmd.q.val() == 0x52) & (self.got.q.val() == 2) {
                    self.got.d.next = 0.into();
                    self.read.d.next = true;
                    self.addr.d.next = self.next_acc.val().get_bits::<16>(0);
                }
            }
        }
        self.ctrl_addr.next = self.addr.q.val();
        self.ctrl_wdata.next = self.wdata.q.val();
        self.ctrl_write.next = self.write.q.val();
        self.ctrl_read.next = self.read.q.val();

        // Transmitter: a 10-bit frame (start, 8 data LSB first, stop).
        if self.ctrl_rvalid.val() {
            self.reply.d.next = self.ctrl_rdata.val();
            self.reply_left.d.next = 4.into();
        }
        if self.tx_bits.q.val() != 0 {
            if self.tx_count.q.val() != 0 {
                self.tx_count.d.next = self.tx_count.q.val() - 1;
            } else {
                self.tx_count.d.next = self.full.val();
                self.tx_bits.d.next = self.tx_bits.q.val() - 1;
                self.tx_shift.d.next = (self.tx_shift.q.val() >> 1) | 0x200;
            }
        } else if (self.reply_left.q.val() != 0) & !self.ctrl_rvalid.val() {
            self.tx_shift.d.next = (bit_cast::<10, 8>(self.reply.q.val().get_bits::<8>(24)) << 1) | 0x200;
            self.tx_bits.d.next = 10.into();
            self.tx_count.d.next = self.full.val();
            self.reply.d.next = self.reply.q.val() << 8;
            self.reply_left.d.next = self.reply_left.q.val() - 1;
        }
        self.uart_tx.next = self.tx_shift.q.val().get_bit(0);
    }
}

/// The bytes of one register write.
pub fn write_frame(addr: u16, data: u32) -> [u8; 7] {
    let a = addr.to_be_bytes();
    let d = data.to_be_bytes();
    [CMD_WRITE, a[0], a[1], d[0], d[1], d[2], d[3]]
}

/// The bytes of one register read (the board answers 4 bytes, big-endian).
pub fn read_frame(addr: u16) -> [u8; 3] {
    let a = addr.to_be_bytes();
    [CMD_READ, a[0], a[1]]
}

/// Ingress ports the control port maps (8-bit port numbers).
const INGRESS_PORTS: u16 = 256;

/// The control-port writes that make a running core behave as `config`
/// (register map: control_port.rs): group MAC, special ports, rules (all
/// eight, unused ones invalid), TMM ports and MACs, fixed TMMs, every
/// ingress port's role (unlisted ports classify), the RSS key and complete
/// allocation tables into the shadow copies, and finally one commit. The
/// core's group count is fixed when its Verilog is generated: a config with
/// more groups than the bitstream was built with needs a new bitstream.
pub fn config_writes(config: &model::Config) -> Result<Vec<(u16, u32)>, String> {
    if config.rules.len() > RULES {
        return Err(format!("{} rules, the hardware holds {RULES}", config.rules.len()));
    }
    let key = key_words(&config.rss_key).map_err(|e| format!("rss_key: {e}"))?;
    let a = |x: u64| x as u16;
    let be = |b: &[u8]| b.iter().fold(0u32, |acc, &x| (acc << 8) | u32::from(x));
    let mut w = Vec::new();
    let mac = config.group_mac.unwrap_or([0; 6]);
    w.push((a(ADDR_GROUP_MAC_HIGH), be(&mac[0..4])));
    w.push((a(ADDR_GROUP_MAC_LOW), be(&mac[4..6]) | u32::from(config.group_mac.is_some()) << 16));
    w.push((a(ADDR_BRIDGE_PORT), u32::from(config.bridge_port)));
    w.push((a(ADDR_CONTROL_PORT), u32::from(config.control_port)));
    w.push((a(ADDR_FRAGMENT_PORT), u32::from(config.fragment_port)));
    w.push((a(ADDR_MALFORMED_PORT), u32::from(config.malformed_port)));
    for r in 0..RULES {
        let word = config.rules.get(r).map_or(0, |r| 1 << 31 | u32::from(r.group) << 16 | u32::from(r.port));
        w.push((a(ADDR_RULE) + r as u16, word));
    }
    for t in &config.tmms {
        w.push((a(ADDR_TMM_PORT) + u16::from(t.id), u32::from(t.port)));
        let m = t.mac.unwrap_or([0; 6]);
        w.push((a(ADDR_MAC_STAGING), be(&m[0..4])));
        w.push((a(ADDR_TMM_MAC) + u16::from(t.id), be(&m[4..6]) | u32::from(t.mac.is_some()) << 16));
    }
    for (g, group) in config.groups.iter().enumerate() {
        w.push((a(ADDR_FIXED_TMM) + g as u16, u32::from(group.fixed_tmm)));
    }
    for p in 0..INGRESS_PORTS {
        let word = config.ingress.iter().find(|i| u16::from(i.port) == p).map_or(0, |i| 1 << 8 | u32::from(i.forward_to));
        w.push((a(ADDR_INGRESS) + p, word));
    }
    for (i, word) in key.iter().enumerate() {
        w.push((a(ADDR_RSS_KEY) + i as u16, *word));
    }
    for (g, table) in config.tables().iter().enumerate() {
        for (index, &tmm) in table.entries().iter().enumerate() {
            w.push((a(ADDR_TABLE_ENTRY), (g as u32) << 20 | (index as u32) << 8 | u32::from(tmm)));
        }
    }
    w.push((a(ADDR_COMMIT), 0));
    Ok(w)
}
