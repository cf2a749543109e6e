# Xilinx KCU105 (Kintex UltraScale XCKU040-2FFVA1156E), top
# boards/verilog/kcu105_top.v. Pins from the KCU105 board user guide
# (AMD UG917), as the board files of litex-boards (xilinx_kcu105.py) and
# the KCU105 example of Alex Forencich's taxi library list them; the two
# agree on every pin used here.

# Configuration bank 0 at 1.8 V.
set_property CFGBVS GND [current_design]
set_property CONFIG_VOLTAGE 1.8 [current_design]
set_property BITSTREAM.GENERAL.COMPRESS TRUE [current_design]

# 125 MHz system clock (Si5335 U122), LVDS: halved to the PCS/PMA cores'
# free-running 62.5 MHz clock (a BUFGCE_DIV, whose clock Vivado derives).
set_property -dict {PACKAGE_PIN G10 IOSTANDARD LVDS} [get_ports clk_125mhz_p]
set_property -dict {PACKAGE_PIN F10 IOSTANDARD LVDS} [get_ports clk_125mhz_n]
create_clock -period 8.000 -name clk_125mhz [get_ports clk_125mhz_p]

# CPU_RESET push button (SW5), active high.
set_property -dict {PACKAGE_PIN AN8 IOSTANDARD LVCMOS18} [get_ports cpu_reset]

# SFP+ reference clock: Si570 (U32, 156.25 MHz at power-up) through the
# Si53340 buffer (U104) to MGTREFCLK0 of the quad next to the SFP lanes.
set_property PACKAGE_PIN P6 [get_ports sfp_refclk_p]
set_property PACKAGE_PIN P5 [get_ports sfp_refclk_n]
create_clock -period 6.400 -name sfp_refclk [get_ports sfp_refclk_p]

# SFP0 on GTHE3_CHANNEL_X0Y10, SFP1 on GTHE3_CHANNEL_X0Y9 (quad 226; the
# cores' GT_Location says the same).
set_property PACKAGE_PIN T2 [get_ports sfp0_rx_p]
set_property PACKAGE_PIN T1 [get_ports sfp0_rx_n]
set_property PACKAGE_PIN U4 [get_ports sfp0_tx_p]
set_property PACKAGE_PIN U3 [get_ports sfp0_tx_n]
set_property PACKAGE_PIN V2 [get_ports sfp1_rx_p]
set_property PACKAGE_PIN V1 [get_ports sfp1_rx_n]
set_property PACKAGE_PIN W4 [get_ports sfp1_tx_p]
set_property PACKAGE_PIN W3 [get_ports sfp1_tx_n]
set_property -dict {PACKAGE_PIN AL8 IOSTANDARD LVCMOS18 SLEW SLOW DRIVE 8} [get_ports sfp0_tx_disable_b]
set_property -dict {PACKAGE_PIN D28 IOSTANDARD LVCMOS18 SLEW SLOW DRIVE 8} [get_ports sfp1_tx_disable_b]

# USB UART (CP2105 U34, its standard interface): uart_txd is the FPGA's
# output (the bridge's transmit), uart_rxd its input.
set_property -dict {PACKAGE_PIN K26 IOSTANDARD LVCMOS18 SLEW SLOW DRIVE 8} [get_ports uart_txd]
set_property -dict {PACKAGE_PIN G25 IOSTANDARD LVCMOS18} [get_ports uart_rxd]

# User LEDs DS7, DS6, DS8, DS9 (GPIO_LED_0..3).
set_property -dict {PACKAGE_PIN AP8 IOSTANDARD LVCMOS18 SLEW SLOW DRIVE 8} [get_ports {led[0]}]
set_property -dict {PACKAGE_PIN H23 IOSTANDARD LVCMOS18 SLEW SLOW DRIVE 8} [get_ports {led[1]}]
set_property -dict {PACKAGE_PIN P20 IOSTANDARD LVCMOS18 SLEW SLOW DRIVE 8} [get_ports {led[2]}]
set_property -dict {PACKAGE_PIN P21 IOSTANDARD LVCMOS18 SLEW SLOW DRIVE 8} [get_ports {led[3]}]

# Clock domains. The fabric runs on one clock, the cores' userclk2
# (125 MHz, TXOUTCLK of SFP0's transceiver, derived by Vivado from
# sfp_refclk): both MACs, the arbiter, the distributor core, the UART
# bridge and both GMII interfaces, so the core's clock-domain FIFOs have
# both sides on it and need no exception. The only other clock is the
# free-running one of the cores' reset and DRP logic, which the cores
# cross themselves.
set_clock_groups -asynchronous \
    -group [get_clocks -include_generated_clocks clk_125mhz] \
    -group [get_clocks -include_generated_clocks sfp_refclk]

# Slow or asynchronous pins: the UART input is synchronised by two
# registers in the bridge, the reset button by the cores; LEDs, TX_DISABLE
# and the UART output have no timing relation to anything outside.
set_false_path -from [get_ports {cpu_reset uart_rxd}]
set_input_delay 0 [get_ports {cpu_reset uart_rxd}]
set_false_path -to [get_ports {uart_txd sfp0_tx_disable_b sfp1_tx_disable_b led[*]}]
set_output_delay 0 [get_ports {uart_txd sfp0_tx_disable_b sfp1_tx_disable_b led[*]}]
