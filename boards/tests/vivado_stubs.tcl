# Stand-ins for the Vivado commands of the board scripts (boards/vivado/,
# constraints/*.xdc), so that plain tclsh runs them: the harness of
# boards/tests/kcu105.rs. Each stand-in records its call in ::calls, one
# line per call, and returns a value of the right kind. A command that is
# neither Tcl nor listed here stops the script ("invalid command name"),
# and the test fails.
set ::calls {}
# The worst slack get_timing_paths reports (the test sets it to see both
# outcomes of the timing check).
if {![info exists ::slack]} { set ::slack 0.100 }

proc record {args} { lappend ::calls $args }

foreach cmd {
    create_project read_verilog read_xdc create_ip generate_target synth_ip
    synth_design opt_design place_design phys_opt_design route_design
    write_checkpoint write_bitstream report_utilization report_timing_summary
    report_clock_interaction set_property create_clock set_clock_groups
    set_false_path set_input_delay set_output_delay
    open_hw_manager connect_hw_server open_hw_target refresh_hw_device
    program_hw_devices close_hw_manager
} {
    proc $cmd {args} "record $cmd {*}\$args; return {}"
}
# Object getters return the names they were given (flattened), so the
# calls that use them show which objects they touch.
foreach cmd {get_ports get_ips get_clocks} {
    proc $cmd {args} "set names {}; foreach a \$args { if {!\[string match -* \$a\]} { lappend names {*}\$a } }; record $cmd {*}\$names; return \$names"
}
proc current_design {} { return design }
proc get_timing_paths {args} { record get_timing_paths {*}$args; return path }
proc get_property {name object} {
    if {$name eq "SLACK"} { return $::slack }
    return {}
}
proc get_hw_devices {args} { return xcku040_0 }
proc current_hw_device {args} { return xcku040_0 }
