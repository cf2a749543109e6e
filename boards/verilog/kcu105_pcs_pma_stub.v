// Port lists of the two PCS/PMA cores of kcu105_top.v, as Vivado generates
// them from boards/vivado/kcu105.tcl (gig_ethernet_pcs_pma, PG047:
// 1000BASE-X, transceiver, no management, no auto-negotiation; _0 with the
// shared logic in the core, _1 with it outside). Black boxes for the yosys
// check of the top only: Vivado never reads this file.
(* blackbox *)
module kcu105_pcs_pma_0 (
    input  wire        gtrefclk_p,
    input  wire        gtrefclk_n,
    output wire        gtrefclk_out,
    output wire        txp,
    output wire        txn,
    input  wire        rxp,
    input  wire        rxn,
    input  wire        independent_clock_bufg,
    output wire        userclk_out,
    output wire        userclk2_out,
    output wire        rxuserclk_out,
    output wire        rxuserclk2_out,
    output wire        gtpowergood,
    output wire        resetdone,
    output wire        pma_reset_out,
    output wire        mmcm_locked_out,
    input  wire [7:0]  gmii_txd,
    input  wire        gmii_tx_en,
    input  wire        gmii_tx_er,
    output wire [7:0]  gmii_rxd,
    output wire        gmii_rx_dv,
    output wire        gmii_rx_er,
    output wire        gmii_isolate,
    input  wire [4:0]  configuration_vector,
    output wire [15:0] status_vector,
    input  wire        reset,
    input  wire        signal_detect
);
endmodule

(* blackbox *)
module kcu105_pcs_pma_1 (
    input  wire        gtrefclk,
    output wire        txp,
    output wire        txn,
    input  wire        rxp,
    input  wire        rxn,
    input  wire        independent_clock_bufg,
    output wire        txoutclk,
    output wire        rxoutclk,
    output wire        gtpowergood,
    output wire        cplllock,
    output wire        mmcm_reset,
    input  wire        userclk,
    input  wire        userclk2,
    input  wire        rxuserclk,
    input  wire        rxuserclk2,
    input  wire        pma_reset,
    input  wire        mmcm_locked,
    output wire        resetdone,
    input  wire [7:0]  gmii_txd,
    input  wire        gmii_tx_en,
    input  wire        gmii_tx_er,
    output wire [7:0]  gmii_rxd,
    output wire        gmii_rx_dv,
    output wire        gmii_rx_er,
    output wire        gmii_isolate,
    input  wire [4:0]  configuration_vector,
    output wire [15:0] status_vector,
    input  wire        reset,
    input  wire        signal_detect
);
endmodule
