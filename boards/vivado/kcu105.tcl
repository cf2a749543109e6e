# KCU105 bitstream, Vivado non-project batch flow (`make vivado BOARD=kcu105`):
#   vivado -mode batch -source boards/vivado/kcu105.tcl -tclargs CORE.v OUT_DIR
# CORE.v is the board's generated portable part (module kcu105_core, from
# board_verilog), OUT_DIR receives the cores' IP files, the checkpoints, the
# reports and kcu105_top.bit. The PCS/PMA cores are created here each run;
# they are free (no licence) and never committed.
# Exits 1 when the routed design misses timing (no bitstream then), 2 on
# bad arguments.

set part xcku040-ffva1156-2-e
set repo [file normalize [file join [file dirname [info script]] .. ..]]

if {[llength $argv] != 2} {
    puts stderr "usage: vivado -mode batch -source [info script] -tclargs CORE.v OUT_DIR"
    exit 2
}
lassign $argv core_v out_dir
file mkdir $out_dir

create_project -in_memory -part $part
read_verilog [list $core_v [file join $repo boards verilog kcu105_top.v]]

# 1000BASE-X over a GTH transceiver, GMII to the fabric (PG047). Both
# cores run from the 156.25 MHz SFP reference clock; SFP0's core holds the
# shared clocking, SFP1's uses it. 62.5 MHz free-running clock from the
# top (independent_clock_bufg).
set pcs_common [list \
    CONFIG.Standard {1000BASEX} \
    CONFIG.Physical_Interface {Transceiver} \
    CONFIG.Management_Interface {false} \
    CONFIG.Auto_Negotiation {false} \
    CONFIG.TransceiverControl {false} \
    CONFIG.RefClkRate {156.25} \
    CONFIG.DrpClkRate {62.5} \
]
# A fresh IP folder each run: create_ip refuses to write over an old one.
set ip_dir [file join $out_dir ip]
file delete -force $ip_dir
file mkdir $ip_dir
foreach {name location support} {
    kcu105_pcs_pma_0 X0Y10 Include_Shared_Logic_in_Core
    kcu105_pcs_pma_1 X0Y9  Include_Shared_Logic_in_Example_Design
} {
    create_ip -name gig_ethernet_pcs_pma -vendor xilinx.com -library ip -module_name $name -dir $ip_dir
    set_property -dict [concat $pcs_common [list CONFIG.SupportLevel $support CONFIG.GT_Location $location]] \
        [get_ips $name]
}
generate_target all [get_ips]
synth_ip [get_ips]

read_xdc [file join $repo constraints kcu105.xdc]

synth_design -top kcu105_top -part $part
write_checkpoint -force [file join $out_dir synth.dcp]
report_utilization -file [file join $out_dir utilization_synth.txt]

opt_design
place_design
phys_opt_design
route_design
write_checkpoint -force [file join $out_dir routed.dcp]
report_timing_summary -max_paths 20 -file [file join $out_dir timing_summary.txt]
report_utilization -file [file join $out_dir utilization.txt]
report_clock_interaction -file [file join $out_dir clock_interaction.txt]

# Worst setup and hold slack of the routed design.
set wns [get_property SLACK [get_timing_paths -setup -max_paths 1 -nworst 1]]
set whs [get_property SLACK [get_timing_paths -hold -max_paths 1 -nworst 1]]
puts "kcu105: WNS $wns ns, WHS $whs ns (reports in $out_dir)"
if {$wns < 0 || $whs < 0} {
    puts stderr "kcu105: timing not met, no bitstream (see [file join $out_dir timing_summary.txt])"
    exit 1
}
write_bitstream -force [file join $out_dir kcu105_top.bit]
puts "kcu105: [file join $out_dir kcu105_top.bit]"
