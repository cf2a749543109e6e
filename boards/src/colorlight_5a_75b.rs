//! Colorlight 5A-75B (hardware revision 7.0: LFE5U-25F-6BG256C, two
//! Broadcom B50612D RGMII PHYs; pins from q3k/chubby75 as litex-boards
//! lists them): the portable part of the board top, `Colorlight5a75bCore`.
//!
//! ```text
//!  eth0 GMII rx ─ EthMacRx ─ BeatFifo ─┐                                   ┌─ tdest 0 ─ EthMacTx ─ eth0 GMII tx
//!   (rx0_clock)                         ├─ Arbiter ─ slice ─ FlowdistCore ─ slice ─┤
//!  eth1 GMII rx ─ EthMacRx ─ BeatFifo ─┘  (ingress 0/1)                     └─ else ─── EthMacTx ─ eth1 GMII tx
//!   (rx1_clock)                          uart ─ UartBridge ─ control port
//! ```
//! Port 0 faces the network, port 1 the TMMs (behind a switch, reached by
//! destination-MAC rewrite); the board config (boards/colorlight_5a_75b.toml)
//! makes ingress 1 `bypass` to port 0 and puts every TMM on port 1. Egress
//! port 0 leaves on eth0, every other egress port on eth1 (the special
//! ports of the config should be 0 or 1 on this board).
//!
//! Clocks: each MAC receiver runs on its PHY's receive clock; a
//! clock-crossing FIFO (`BeatFifo`, 512 beats, Gray pointers) per port
//! brings the beats to `clock` (125 MHz from the PLL), which runs the core,
//! the transmitters and the bridge. The receivers deliver a beat every 8
//! cycles at most and each FIFO gives one every 2 cycles at most, so the
//! FIFOs only absorb the core's stalls and the other port's frames.
//! The transmitters are fed from the core's packet buffer, which holds
//! whole frames (store and forward), so they never underrun.
//!
//! Timing (125 MHz on the 25F, speed 6): each FIFO's head beat is a
//! register, filled straight from the block RAM's output (5.8 ns
//! clock-to-out); each receiver's `m_tready` is the FIFO's registered
//! `room` (32 places left), computed from a registered fill level. The
//! core's input and output streams go through register slices
//! (`to_core`, `from_core`), so its handshakes never run through the
//! arbiter or the transmitters' state machines.
//!
//! The GMII signals here are what the DDR input/output registers of the
//! Verilog top give and take (RGMII: rising edge bits 3:0 and rx_dv,
//! falling edge bits 7:4 and rx_dv ^ rx_er).

use crate::beat_fifo::BeatFifo;
use crate::reg_slice::RegSlice;
use hdl::eth_mac_rx::EthMacRx;
use hdl::eth_mac_tx::EthMacTx;
use hdl::flowdist_core::{flatten_names, FlowdistCore};
use hdl::uart_bridge::UartBridge;
use rust_hdl::prelude::*;

/// Packet buffer: 2^10 beats (8 KiB), sized for the 25F's 56 block RAMs.
pub const BUFFER_ADDR_BITS: usize = 10;
/// 125 MHz / 115200 baud.
pub const UART_CLOCKS_PER_BIT: u32 = 1085;
/// 10 ms without a byte drops a partial UART frame.
pub const UART_TIMEOUT: u32 = 1_250_000;

#[derive(LogicBlock)]
pub struct Colorlight5a75bCore {
    pub clock: Signal<In, Clock>,
    pub rx0_clock: Signal<In, Clock>,
    pub rx1_clock: Signal<In, Clock>,
    pub gmii0_rxd: Signal<In, Bits<8>>,
    pub gmii0_rx_dv: Signal<In, Bit>,
    pub gmii0_rx_er: Signal<In, Bit>,
    pub gmii1_rxd: Signal<In, Bits<8>>,
    pub gmii1_rx_dv: Signal<In, Bit>,
    pub gmii1_rx_er: Signal<In, Bit>,
    pub gmii0_txd: Signal<Out, Bits<8>>,
    pub gmii0_tx_en: Signal<Out, Bit>,
    pub gmii0_tx_er: Signal<Out, Bit>,
    pub gmii1_txd: Signal<Out, Bits<8>>,
    pub gmii1_tx_en: Signal<Out, Bit>,
    pub gmii1_tx_er: Signal<Out, Bit>,
    pub uart_rx: Signal<In, Bit>,
    pub uart_tx: Signal<Out, Bit>,
    rx0: EthMacRx,
    rx1: EthMacRx,
    fifo0: BeatFifo,
    fifo1: BeatFifo,
    /// The arbiter's beat to the core: [73:0] as in the FIFOs, [74] the
    /// ingress port.
    to_core: RegSlice<75>,
    core: FlowdistCore<BUFFER_ADDR_BITS>,
    /// The core's beat to the transmitters: [63:0] data, [71:64] keep,
    /// [72] last, [73] egress port 0 (else eth1).
    from_core: RegSlice<74>,
    tx0: EthMacTx,
    tx1: EthMacTx,
    bridge: UartBridge,
    /// Arbiter: a frame is being passed from slot `sel`.
    busy: DFF<Bit>,
    sel: DFF<Bit>,
    head: Signal<Local, Bits<74>>,
    head_valid: Signal<Local, Bit>,
    take: Signal<Local, Bit>,
    to_port0: Signal<Local, Bit>,
    beat_out: Signal<Local, Bits<74>>,
}

impl Colorlight5a75bCore {
    pub fn new(config: &model::Config) -> Result<Self, String> {
        Ok(Self {
            clock: Default::default(),
            rx0_clock: Default::default(),
            rx1_clock: Default::default(),
            gmii0_rxd: Default::default(),
            gmii0_rx_dv: Default::default(),
            gmii0_rx_er: Default::default(),
            gmii1_rxd: Default::default(),
            gmii1_rx_dv: Default::default(),
            gmii1_rx_er: Default::default(),
            gmii0_txd: Default::default(),
            gmii0_tx_en: Default::default(),
            gmii0_tx_er: Default::default(),
            gmii1_txd: Default::default(),
            gmii1_tx_en: Default::default(),
            gmii1_tx_er: Default::default(),
            uart_rx: Default::default(),
            uart_tx: Default::default(),
            rx0: Default::default(),
            rx1: Default::default(),
            fifo0: Default::default(),
            fifo1: Default::default(),
            to_core: Default::default(),
            core: FlowdistCore::new(config)?,
            from_core: Default::default(),
            tx0: Default::default(),
            tx1: Default::default(),
            bridge: UartBridge::new(UART_CLOCKS_PER_BIT, UART_TIMEOUT),
            busy: Default::default(),
            sel: Default::default(),
            head: Default::default(),
            head_valid: Default::default(),
            take: Default::default(),
            to_port0: Default::default(),
            beat_out: Default::default(),
        })
    }
}

impl Logic for Colorlight5a75bCore {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, busy, sel);
        // Receivers, in their PHYs' clock domains, into the FIFOs.
        self.rx0.clock.next = self.rx0_clock.val();
        self.rx0.gmii_rxd.next = self.gmii0_rxd.val();
        self.rx0.gmii_rx_dv.next = self.gmii0_rx_dv.val();
        self.rx0.gmii_rx_er.next = self.gmii0_rx_er.val();
        self.rx0.m_tready.next = self.fifo0.room.val();
        self.fifo0.write_clock.next = self.rx0_clock.val();
        self.fifo0.write.next = self.rx0.m_tvalid.val() & self.fifo0.room.val();
        self.fifo0.data_in.next = (bit_cast::<74, 1>(self.rx0.m_tuser.val().into()) << 73)
            | (bit_cast::<74, 1>(self.rx0.m_tlast.val().into()) << 72)
            | (bit_cast::<74, 8>(self.rx0.m_tkeep.val()) << 64)
            | bit_cast::<74, 64>(self.rx0.m_tdata.val());
        self.rx1.clock.next = self.rx1_clock.val();
        self.rx1.gmii_rxd.next = self.gmii1_rxd.val();
        self.rx1.gmii_rx_dv.next = self.gmii1_rx_dv.val();
        self.rx1.gmii_rx_er.next = self.gmii1_rx_er.val();
        self.rx1.m_tready.next = self.fifo1.room.val();
        self.fifo1.write_clock.next = self.rx1_clock.val();
        self.fifo1.write.next = self.rx1.m_tvalid.val() & self.fifo1.room.val();
        self.fifo1.data_in.next = (bit_cast::<74, 1>(self.rx1.m_tuser.val().into()) << 73)
            | (bit_cast::<74, 1>(self.rx1.m_tlast.val().into()) << 72)
            | (bit_cast::<74, 8>(self.rx1.m_tkeep.val()) << 64)
            | bit_cast::<74, 64>(self.rx1.m_tdata.val());
        self.fifo0.read_clock.next = self.clock.val();
        self.fifo1.read_clock.next = self.clock.val();

        // Arbiter: whole frames, alternating when both ports have one.
        if !self.busy.q.val() {
            if self.fifo0.valid.val() & (self.sel.q.val() | !self.fifo1.valid.val()) {
                self.busy.d.next = true;
                self.sel.d.next = false;
            } else if self.fifo1.valid.val() {
                self.busy.d.next = true;
                self.sel.d.next = true;
            }
        }
        if self.sel.q.val() {
            self.head.next = self.fifo1.data_out.val();
            self.head_valid.next = self.fifo1.valid.val();
        } else {
            self.head.next = self.fifo0.data_out.val();
            self.head_valid.next = self.fifo0.valid.val();
        }
        // Through a register slice both ways, so that the core's stream
        // handshakes meet flip-flops only.
        self.to_core.clock.next = self.clock.val();
        self.to_core.s_data.next =
            (bit_cast::<75, 1>(self.sel.q.val().into()) << 74) | bit_cast::<75, 74>(self.head.val());
        self.to_core.s_valid.next = self.busy.q.val() & self.head_valid.val();
        self.take.next = self.busy.q.val() & self.head_valid.val() & self.to_core.s_ready.val();
        if self.take.val() & self.head.val().get_bit(72) {
            self.busy.d.next = false;
        }
        self.fifo0.take.next = self.take.val() & !self.sel.q.val();
        self.fifo1.take.next = self.take.val() & self.sel.q.val();
        self.core.clock.next = self.clock.val();
        self.core.s_axis_tdata.next = self.to_core.m_data.val().get_bits::<64>(0);
        self.core.s_axis_tkeep.next = self.to_core.m_data.val().get_bits::<8>(64);
        self.core.s_axis_tlast.next = self.to_core.m_data.val().get_bit(72);
        self.core.s_axis_tuser.next = self.to_core.m_data.val().get_bit(73);
        self.core.s_axis_ingress_port.next = bit_cast::<8, 1>(self.to_core.m_data.val().get_bit(74).into());
        self.core.s_axis_tvalid.next = self.to_core.m_valid.val();
        self.to_core.m_ready.next = self.core.s_axis_tready.val();

        // Egress: port 0 to eth0, every other port to eth1.
        self.from_core.clock.next = self.clock.val();
        self.from_core.s_data.next = (bit_cast::<74, 1>((self.core.m_axis_tdest.val() == 0).into()) << 73)
            | (bit_cast::<74, 1>(self.core.m_axis_tlast.val().into()) << 72)
            | (bit_cast::<74, 8>(self.core.m_axis_tkeep.val()) << 64)
            | bit_cast::<74, 64>(self.core.m_axis_tdata.val());
        self.from_core.s_valid.next = self.core.m_axis_tvalid.val();
        self.core.m_axis_tready.next = self.from_core.s_ready.val();
        self.beat_out.next = self.from_core.m_data.val();
        self.to_port0.next = self.beat_out.val().get_bit(73);
        self.tx0.clock.next = self.clock.val();
        self.tx1.clock.next = self.clock.val();
        self.tx0.s_tdata.next = self.beat_out.val().get_bits::<64>(0);
        self.tx1.s_tdata.next = self.beat_out.val().get_bits::<64>(0);
        self.tx0.s_tkeep.next = self.beat_out.val().get_bits::<8>(64);
        self.tx1.s_tkeep.next = self.beat_out.val().get_bits::<8>(64);
        self.tx0.s_tlast.next = self.beat_out.val().get_bit(72);
        self.tx1.s_tlast.next = self.beat_out.val().get_bit(72);
        self.tx0.s_tuser.next = false;
        self.tx1.s_tuser.next = false;
        self.tx0.s_tvalid.next = self.from_core.m_valid.val() & self.to_port0.val();
        self.tx1.s_tvalid.next = self.from_core.m_valid.val() & !self.to_port0.val();
        if self.to_port0.val() {
            self.from_core.m_ready.next = self.tx0.s_tready.val();
        } else {
            self.from_core.m_ready.next = self.tx1.s_tready.val();
        }
        self.gmii0_txd.next = self.tx0.gmii_txd.val();
        self.gmii0_tx_en.next = self.tx0.gmii_tx_en.val();
        self.gmii0_tx_er.next = self.tx0.gmii_tx_er.val();
        self.gmii1_txd.next = self.tx1.gmii_txd.val();
        self.gmii1_tx_en.next = self.tx1.gmii_tx_en.val();
        self.gmii1_tx_er.next = self.tx1.gmii_tx_er.val();

        // Control path.
        self.bridge.clock.next = self.clock.val();
        self.bridge.uart_rx.next = self.uart_rx.val();
        self.uart_tx.next = self.bridge.uart_tx.val();
        self.core.ctrl_addr.next = self.bridge.ctrl_addr.val();
        self.core.ctrl_wdata.next = self.bridge.ctrl_wdata.val();
        self.core.ctrl_write.next = self.bridge.ctrl_write.val();
        self.core.ctrl_read.next = self.bridge.ctrl_read.val();
        self.bridge.ctrl_rdata.next = self.core.ctrl_rdata.val();
        self.bridge.ctrl_rvalid.next = self.core.ctrl_rvalid.val();
    }
}

/// The Verilog of the portable part, module `colorlight_5a_75b_core`
/// (flat port names), for the board's Verilog top.
pub fn verilog(config: &model::Config) -> Result<String, String> {
    let mut uut = Colorlight5a75bCore::new(config)?;
    uut.connect_all();
    check_all(&uut).map_err(|e| format!("board core check: {e:?}"))?;
    Ok(flatten_names(&generate_verilog(&uut), "colorlight_5a_75b_core"))
}
