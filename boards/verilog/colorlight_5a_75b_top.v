// Colorlight 5A-75B (rev 7.0) top: the vendor primitives only. Everything
// else is colorlight_5a_75b_core, generated from the rust-hdl block
// boards/src/colorlight_5a_75b.rs (simulated there).
//
// - EHXPLLL: 25 MHz board clock -> 125 MHz (VCO 625 MHz, parameters from
//   ecppll -i 25 -o 125): the core, both transmitters, the UART bridge.
// - RGMII receive, per port: DELAYG (2 ns, the PHY sends data edge-aligned
//   with rx_clk) then IDDRX1F on the PHY's rx_clk: Q0 (rising edge) = bits
//   3:0 and rx_dv, Q1 (falling edge) = bits 7:4 and rx_dv ^ rx_er.
// - RGMII transmit, per port: ODDRX1F on the 125 MHz clock, the same
//   packing; tx_clk forwarded by an ODDRX1F (1, 0), edge-aligned (the
//   B50612D adds the TX clock delay itself, as litex's colorlight targets
//   assume).
// - PHY reset released when the PLL locks; MDIO unused (PHY defaults).
module colorlight_5a_75b_top (
    input  wire       clk25,
    output wire       eth_rst_n,
    input  wire       eth0_rx_clk,
    input  wire       eth0_rx_ctl,
    input  wire [3:0] eth0_rx_data,
    output wire       eth0_tx_clk,
    output wire       eth0_tx_ctl,
    output wire [3:0] eth0_tx_data,
    input  wire       eth1_rx_clk,
    input  wire       eth1_rx_ctl,
    input  wire [3:0] eth1_rx_data,
    output wire       eth1_tx_clk,
    output wire       eth1_tx_ctl,
    output wire [3:0] eth1_tx_data,
    input  wire       uart_rx,
    output wire       uart_tx
);
    wire clk125, locked;
    (* FREQUENCY_PIN_CLKI="25" *)
    (* FREQUENCY_PIN_CLKOP="125" *)
    (* ICP_CURRENT="12" *) (* LPF_RESISTOR="8" *) (* MFG_ENABLE_FILTEROPAMP="1" *) (* MFG_GMCREF_SEL="2" *)
    EHXPLLL #(
        .PLLRST_ENA("DISABLED"), .INTFB_WAKE("DISABLED"), .STDBY_ENABLE("DISABLED"),
        .DPHASE_SOURCE("DISABLED"), .OUTDIVIDER_MUXA("DIVA"), .OUTDIVIDER_MUXB("DIVB"),
        .OUTDIVIDER_MUXC("DIVC"), .OUTDIVIDER_MUXD("DIVD"), .CLKI_DIV(1),
        .CLKOP_ENABLE("ENABLED"), .CLKOP_DIV(5), .CLKOP_CPHASE(2), .CLKOP_FPHASE(0),
        .FEEDBK_PATH("CLKOP"), .CLKFB_DIV(5)
    ) pll (
        .RST(1'b0), .STDBY(1'b0), .CLKI(clk25), .CLKOP(clk125), .CLKFB(clk125), .CLKINTFB(),
        .PHASESEL0(1'b0), .PHASESEL1(1'b0), .PHASEDIR(1'b1), .PHASESTEP(1'b1),
        .PHASELOADREG(1'b1), .PLLWAKESYNC(1'b0), .ENCLKOP(1'b0), .LOCK(locked)
    );
    assign eth_rst_n = locked;

    wire [7:0] gmii0_rxd, gmii1_rxd, gmii0_txd, gmii1_txd;
    wire [1:0] rx0_ctl, rx1_ctl;
    wire gmii0_tx_en, gmii0_tx_er, gmii1_tx_en, gmii1_tx_er;

    rgmii_rx_ecp5 rgmii0_rx (.rx_clk(eth0_rx_clk), .rx_ctl(eth0_rx_ctl), .rx_data(eth0_rx_data),
                             .gmii_rxd(gmii0_rxd), .ctl(rx0_ctl));
    rgmii_rx_ecp5 rgmii1_rx (.rx_clk(eth1_rx_clk), .rx_ctl(eth1_rx_ctl), .rx_data(eth1_rx_data),
                             .gmii_rxd(gmii1_rxd), .ctl(rx1_ctl));
    rgmii_tx_ecp5 rgmii0_tx (.clk(clk125), .gmii_txd(gmii0_txd), .tx_en(gmii0_tx_en), .tx_er(gmii0_tx_er),
                             .tx_clk(eth0_tx_clk), .tx_ctl(eth0_tx_ctl), .tx_data(eth0_tx_data));
    rgmii_tx_ecp5 rgmii1_tx (.clk(clk125), .gmii_txd(gmii1_txd), .tx_en(gmii1_tx_en), .tx_er(gmii1_tx_er),
                             .tx_clk(eth1_tx_clk), .tx_ctl(eth1_tx_ctl), .tx_data(eth1_tx_data));

    colorlight_5a_75b_core core (
        .clock(clk125), .rx0_clock(eth0_rx_clk), .rx1_clock(eth1_rx_clk),
        .gmii0_rxd(gmii0_rxd), .gmii0_rx_dv(rx0_ctl[0]), .gmii0_rx_er(rx0_ctl[0] ^ rx0_ctl[1]),
        .gmii1_rxd(gmii1_rxd), .gmii1_rx_dv(rx1_ctl[0]), .gmii1_rx_er(rx1_ctl[0] ^ rx1_ctl[1]),
        .gmii0_txd(gmii0_txd), .gmii0_tx_en(gmii0_tx_en), .gmii0_tx_er(gmii0_tx_er),
        .gmii1_txd(gmii1_txd), .gmii1_tx_en(gmii1_tx_en), .gmii1_tx_er(gmii1_tx_er),
        .uart_rx(uart_rx), .uart_tx(uart_tx)
    );
endmodule

module rgmii_rx_ecp5 (
    input  wire       rx_clk,
    input  wire       rx_ctl,
    input  wire [3:0] rx_data,
    output wire [7:0] gmii_rxd,
    output wire [1:0] ctl
);
    wire [4:0] pins = {rx_ctl, rx_data};
    wire [4:0] delayed, rise, fall;
    genvar i;
    generate
        for (i = 0; i < 5; i = i + 1) begin : lane
            DELAYG #(.DEL_MODE("SCLK_ALIGNED"), .DEL_VALUE(80)) delay (.A(pins[i]), .Z(delayed[i]));
            IDDRX1F iddr (.D(delayed[i]), .SCLK(rx_clk), .RST(1'b0), .Q0(rise[i]), .Q1(fall[i]));
        end
    endgenerate
    assign gmii_rxd = {fall[3:0], rise[3:0]};
    assign ctl = {fall[4], rise[4]};
endmodule

module rgmii_tx_ecp5 (
    input  wire       clk,
    input  wire [7:0] gmii_txd,
    input  wire       tx_en,
    input  wire       tx_er,
    output wire       tx_clk,
    output wire       tx_ctl,
    output wire [3:0] tx_data
);
    genvar i;
    generate
        for (i = 0; i < 4; i = i + 1) begin : lane
            ODDRX1F oddr (.D0(gmii_txd[i]), .D1(gmii_txd[i + 4]), .SCLK(clk), .RST(1'b0), .Q(tx_data[i]));
        end
    endgenerate
    ODDRX1F oddr_ctl (.D0(tx_en), .D1(tx_en ^ tx_er), .SCLK(clk), .RST(1'b0), .Q(tx_ctl));
    ODDRX1F oddr_clk (.D0(1'b1), .D1(1'b0), .SCLK(clk), .RST(1'b0), .Q(tx_clk));
endmodule
