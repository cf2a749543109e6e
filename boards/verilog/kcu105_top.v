// Xilinx KCU105 top (Kintex UltraScale XCKU040-2FFVA1156E, two SFP+ cages
// run as 1000BASE-X): the vendor parts only. Everything else is
// kcu105_core, generated from boards/src/kcu105.rs (the two-port block
// simulated in boards/tests/kcu105.rs). Pins: constraints/kcu105.xdc.
//
// - SFP0 (network side, port 0) and SFP1 (TMM side, port 1): one AMD/Xilinx 1G/2.5G Ethernet PCS/PMA core each
//   (gig_ethernet_pcs_pma, PG047), 1000BASE-X on a GTH transceiver, GMII
//   side, no auto-negotiation, no MDIO. The cores are created by
//   boards/vivado/kcu105.tcl (never committed): kcu105_pcs_pma_0 on
//   GTHE3_CHANNEL_X0Y10 holds the shared logic (reference-clock buffer,
//   TXOUTCLK -> userclk/userclk2 buffers); kcu105_pcs_pma_1 on X0Y9 takes
//   its clocks. Their port lists, for the yosys check, are in
//   kcu105_pcs_pma_stub.v.
// - Both cores keep their GMII receive side on userclk2 (receive elastic
//   buffer in the core), so userclk2 (125 MHz, from the 156.25 MHz SFP
//   reference clock) runs both MACs, the core and the UART bridge: one
//   clock domain, no crossing in the fabric.
// - The 125 MHz system clock, halved by a BUFGCE_DIV, is the cores'
//   62.5 MHz free-running clock (independent_clock_bufg, DRP and reset
//   logic).
// - The cores' reset: a power-on count of 1024 free-running clocks, or
//   CPU_RESET (SW5, active high) held.
// - SFP transmitters enabled (TX_DISABLE pins are active low on this board).
// - LEDs: 0 = SFP0 link up, 1 = SFP1 link up, 2 = both transceivers out
//   of reset, 3 = SFP0 link synchronised (comma alignment).
module kcu105_top (
    input  wire       clk_125mhz_p,
    input  wire       clk_125mhz_n,
    input  wire       cpu_reset,
    input  wire       sfp_refclk_p,
    input  wire       sfp_refclk_n,
    input  wire       sfp0_rx_p,
    input  wire       sfp0_rx_n,
    output wire       sfp0_tx_p,
    output wire       sfp0_tx_n,
    input  wire       sfp1_rx_p,
    input  wire       sfp1_rx_n,
    output wire       sfp1_tx_p,
    output wire       sfp1_tx_n,
    output wire       sfp0_tx_disable_b,
    output wire       sfp1_tx_disable_b,
    input  wire       uart_rxd,
    output wire       uart_txd,
    output wire [3:0] led
);
    wire clk_125mhz, clk_62mhz;
    IBUFDS sysclk_ibuf (.I(clk_125mhz_p), .IB(clk_125mhz_n), .O(clk_125mhz));
    BUFGCE_DIV #(.BUFGCE_DIVIDE(2)) sysclk_div (.I(clk_125mhz), .CE(1'b1), .CLR(1'b0), .O(clk_62mhz));

    reg [9:0] por_count = 10'd0;
    wire por_done = &por_count;
    always @(posedge clk_62mhz)
        if (!por_done)
            por_count <= por_count + 10'd1;
    wire pcs_reset = !por_done || cpu_reset;

    wire gtrefclk, userclk, userclk2, pma_reset, mmcm_locked;
    wire resetdone0, resetdone1;
    wire [15:0] status0, status1;
    wire [7:0] gmii0_rxd, gmii1_rxd, gmii0_txd, gmii1_txd;
    wire gmii0_rx_dv, gmii0_rx_er, gmii1_rx_dv, gmii1_rx_er;
    wire gmii0_tx_en, gmii0_tx_er, gmii1_tx_en, gmii1_tx_er;

    kcu105_pcs_pma_0 sfp0_pcs_pma (
        .gtrefclk_p(sfp_refclk_p), .gtrefclk_n(sfp_refclk_n), .gtrefclk_out(gtrefclk),
        .txp(sfp0_tx_p), .txn(sfp0_tx_n), .rxp(sfp0_rx_p), .rxn(sfp0_rx_n),
        .independent_clock_bufg(clk_62mhz),
        .userclk_out(userclk), .userclk2_out(userclk2),
        .rxuserclk_out(), .rxuserclk2_out(),
        .gtpowergood(), .resetdone(resetdone0), .pma_reset_out(pma_reset), .mmcm_locked_out(mmcm_locked),
        .gmii_txd(gmii0_txd), .gmii_tx_en(gmii0_tx_en), .gmii_tx_er(gmii0_tx_er),
        .gmii_rxd(gmii0_rxd), .gmii_rx_dv(gmii0_rx_dv), .gmii_rx_er(gmii0_rx_er), .gmii_isolate(),
        .configuration_vector(5'b00000), .status_vector(status0),
        .reset(pcs_reset), .signal_detect(1'b1)
    );

    kcu105_pcs_pma_1 sfp1_pcs_pma (
        .gtrefclk(gtrefclk),
        .txp(sfp1_tx_p), .txn(sfp1_tx_n), .rxp(sfp1_rx_p), .rxn(sfp1_rx_n),
        .independent_clock_bufg(clk_62mhz),
        .txoutclk(), .rxoutclk(), .gtpowergood(), .cplllock(), .mmcm_reset(),
        .userclk(userclk), .userclk2(userclk2), .rxuserclk(userclk), .rxuserclk2(userclk2),
        .pma_reset(pma_reset), .mmcm_locked(mmcm_locked), .resetdone(resetdone1),
        .gmii_txd(gmii1_txd), .gmii_tx_en(gmii1_tx_en), .gmii_tx_er(gmii1_tx_er),
        .gmii_rxd(gmii1_rxd), .gmii_rx_dv(gmii1_rx_dv), .gmii_rx_er(gmii1_rx_er), .gmii_isolate(),
        .configuration_vector(5'b00000), .status_vector(status1),
        .reset(pcs_reset), .signal_detect(1'b1)
    );

    assign sfp0_tx_disable_b = 1'b1;
    assign sfp1_tx_disable_b = 1'b1;
    assign led = {status0[1], resetdone0 & resetdone1, status1[0], status0[0]};

    kcu105_core core (
        .clock(userclk2), .rx0_clock(userclk2), .rx1_clock(userclk2),
        .gmii0_rxd(gmii0_rxd), .gmii0_rx_dv(gmii0_rx_dv), .gmii0_rx_er(gmii0_rx_er),
        .gmii1_rxd(gmii1_rxd), .gmii1_rx_dv(gmii1_rx_dv), .gmii1_rx_er(gmii1_rx_er),
        .gmii0_txd(gmii0_txd), .gmii0_tx_en(gmii0_tx_en), .gmii0_tx_er(gmii0_tx_er),
        .gmii1_txd(gmii1_txd), .gmii1_tx_en(gmii1_tx_en), .gmii1_tx_er(gmii1_tx_er),
        .uart_rx(uart_rxd), .uart_tx(uart_txd)
    );
endmodule
