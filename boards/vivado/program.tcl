# Load a bitstream into the first Xilinx FPGA on the JTAG chain (its SRAM;
# lost at power-off), through the Vivado hardware manager and a local
# hw_server (`make prog BOARD=kcu105`):
#   vivado -mode batch -source boards/vivado/program.tcl -tclargs FILE.bit
# Exits 2 on bad arguments or when no device is found.

if {[llength $argv] != 1 || ![file exists [lindex $argv 0]]} {
    puts stderr "usage: vivado -mode batch -source [info script] -tclargs FILE.bit (an existing file)"
    exit 2
}
set bit [file normalize [lindex $argv 0]]

open_hw_manager
connect_hw_server
open_hw_target
set devices [get_hw_devices xc*]
if {[llength $devices] == 0} {
    puts stderr "program: no Xilinx FPGA on the JTAG chain"
    exit 2
}
current_hw_device [lindex $devices 0]
refresh_hw_device -update_hw_probes false [current_hw_device]
set_property PROGRAM.FILE $bit [current_hw_device]
program_hw_devices [current_hw_device]
puts "program: [current_hw_device] loaded with $bit"
close_hw_manager
