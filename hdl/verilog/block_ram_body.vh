// Body of module TableRam (hdl/src/table_ram.rs): a 4096 x 8 simple dual-port
// block RAM with a registered output, read latency 2 clocks.
// Hand-written because rust-hdl's RAM has no output register: ECP5's DP16KD
// has a 5.8 ns clock-to-out (speed 6) unless its own output register is on,
// and Yosys does not fold a fabric register into it.
//
// rust-hdl declares the ports: clock, read_address[11:0], read_data[7:0]
// (output reg), write_address[11:0], write_data[7:0], write_enable; and,
// just before this text, `localparam [32767:0] INIT` (entry i in
// INIT[8i+7:8i]).
//
// Behaviour (both branches): at each rising clock edge the entry at
// read_address is read (before the write of the same edge), and read_data
// takes the value read at the previous edge. A write and a read of the same
// address at one edge are never issued by AllocTable (they use different
// banks), so DP16KD's undefined collision case does not arise.
//
// Define FLOWDIST_ECP5 when synthesising for ECP5 (scripts/synth does) to get
// two DP16KD in 4096 x 4 mode with REGMODE_B = "OUTREG"; anything else
// (simulation, iCE40, Xilinx) uses the inferred memory below, whose second
// register sits in the fabric (Xilinx tools fold it into the RAMB).
`ifdef FLOWDIST_ECP5
// INITVAL_<row> of the nibble at bit `shift` of each entry: 16 slots of 20
// bits per row, four 4-bit entries per slot at bits 0, 4, 9 and 13 (bits 8
// and 17 are the unused 9th bits).
function [319:0] initval;
    input integer row;
    input integer shift;
    integer i, j;
    begin
        initval = 320'd0;
        for (i = 0; i < 16; i = i + 1)
            for (j = 0; j < 4; j = j + 1)
                initval[20 * i + 4 * j + j / 2 +: 4] = INIT[8 * (64 * row + 4 * i + j) + shift +: 4];
    end
endfunction

wire [7:0] dob;
genvar n;
generate
    for (n = 0; n < 2; n = n + 1) begin : nibble
        DP16KD #(
            .DATA_WIDTH_A(4), .DATA_WIDTH_B(4),
            .REGMODE_A("NOREG"), .REGMODE_B("OUTREG"),
            .RESETMODE("SYNC"), .ASYNC_RESET_RELEASE("SYNC"),
            .CSDECODE_A("0b000"), .CSDECODE_B("0b000"),
            .WRITEMODE_A("NORMAL"), .WRITEMODE_B("NORMAL"),
            .GSR("DISABLED"),
            .INITVAL_00(initval(8'h00, 4 * n)), .INITVAL_01(initval(8'h01, 4 * n)),
            .INITVAL_02(initval(8'h02, 4 * n)), .INITVAL_03(initval(8'h03, 4 * n)),
            .INITVAL_04(initval(8'h04, 4 * n)), .INITVAL_05(initval(8'h05, 4 * n)),
            .INITVAL_06(initval(8'h06, 4 * n)), .INITVAL_07(initval(8'h07, 4 * n)),
            .INITVAL_08(initval(8'h08, 4 * n)), .INITVAL_09(initval(8'h09, 4 * n)),
            .INITVAL_0A(initval(8'h0a, 4 * n)), .INITVAL_0B(initval(8'h0b, 4 * n)),
            .INITVAL_0C(initval(8'h0c, 4 * n)), .INITVAL_0D(initval(8'h0d, 4 * n)),
            .INITVAL_0E(initval(8'h0e, 4 * n)), .INITVAL_0F(initval(8'h0f, 4 * n)),
            .INITVAL_10(initval(8'h10, 4 * n)), .INITVAL_11(initval(8'h11, 4 * n)),
            .INITVAL_12(initval(8'h12, 4 * n)), .INITVAL_13(initval(8'h13, 4 * n)),
            .INITVAL_14(initval(8'h14, 4 * n)), .INITVAL_15(initval(8'h15, 4 * n)),
            .INITVAL_16(initval(8'h16, 4 * n)), .INITVAL_17(initval(8'h17, 4 * n)),
            .INITVAL_18(initval(8'h18, 4 * n)), .INITVAL_19(initval(8'h19, 4 * n)),
            .INITVAL_1A(initval(8'h1a, 4 * n)), .INITVAL_1B(initval(8'h1b, 4 * n)),
            .INITVAL_1C(initval(8'h1c, 4 * n)), .INITVAL_1D(initval(8'h1d, 4 * n)),
            .INITVAL_1E(initval(8'h1e, 4 * n)), .INITVAL_1F(initval(8'h1f, 4 * n)),
            .INITVAL_20(initval(8'h20, 4 * n)), .INITVAL_21(initval(8'h21, 4 * n)),
            .INITVAL_22(initval(8'h22, 4 * n)), .INITVAL_23(initval(8'h23, 4 * n)),
            .INITVAL_24(initval(8'h24, 4 * n)), .INITVAL_25(initval(8'h25, 4 * n)),
            .INITVAL_26(initval(8'h26, 4 * n)), .INITVAL_27(initval(8'h27, 4 * n)),
            .INITVAL_28(initval(8'h28, 4 * n)), .INITVAL_29(initval(8'h29, 4 * n)),
            .INITVAL_2A(initval(8'h2a, 4 * n)), .INITVAL_2B(initval(8'h2b, 4 * n)),
            .INITVAL_2C(initval(8'h2c, 4 * n)), .INITVAL_2D(initval(8'h2d, 4 * n)),
            .INITVAL_2E(initval(8'h2e, 4 * n)), .INITVAL_2F(initval(8'h2f, 4 * n)),
            .INITVAL_30(initval(8'h30, 4 * n)), .INITVAL_31(initval(8'h31, 4 * n)),
            .INITVAL_32(initval(8'h32, 4 * n)), .INITVAL_33(initval(8'h33, 4 * n)),
            .INITVAL_34(initval(8'h34, 4 * n)), .INITVAL_35(initval(8'h35, 4 * n)),
            .INITVAL_36(initval(8'h36, 4 * n)), .INITVAL_37(initval(8'h37, 4 * n)),
            .INITVAL_38(initval(8'h38, 4 * n)), .INITVAL_39(initval(8'h39, 4 * n)),
            .INITVAL_3A(initval(8'h3a, 4 * n)), .INITVAL_3B(initval(8'h3b, 4 * n)),
            .INITVAL_3C(initval(8'h3c, 4 * n)), .INITVAL_3D(initval(8'h3d, 4 * n)),
            .INITVAL_3E(initval(8'h3e, 4 * n)), .INITVAL_3F(initval(8'h3f, 4 * n))
        ) ram (
            // 4096 x 4: the address is on AD13..AD2, the data on D*0..D*3.
            .ADA0(1'b0), .ADA1(1'b0),
            .ADA2(write_address[0]), .ADA3(write_address[1]), .ADA4(write_address[2]),
            .ADA5(write_address[3]), .ADA6(write_address[4]), .ADA7(write_address[5]),
            .ADA8(write_address[6]), .ADA9(write_address[7]), .ADA10(write_address[8]),
            .ADA11(write_address[9]), .ADA12(write_address[10]), .ADA13(write_address[11]),
            .DIA0(write_data[4 * n]), .DIA1(write_data[4 * n + 1]),
            .DIA2(write_data[4 * n + 2]), .DIA3(write_data[4 * n + 3]),
            .CLKA(clock), .WEA(write_enable), .CEA(1'b1), .OCEA(1'b1), .RSTA(1'b0),
            .CSA0(1'b0), .CSA1(1'b0), .CSA2(1'b0),
            .ADB0(1'b0), .ADB1(1'b0),
            .ADB2(read_address[0]), .ADB3(read_address[1]), .ADB4(read_address[2]),
            .ADB5(read_address[3]), .ADB6(read_address[4]), .ADB7(read_address[5]),
            .ADB8(read_address[6]), .ADB9(read_address[7]), .ADB10(read_address[8]),
            .ADB11(read_address[9]), .ADB12(read_address[10]), .ADB13(read_address[11]),
            .DOB0(dob[4 * n]), .DOB1(dob[4 * n + 1]), .DOB2(dob[4 * n + 2]), .DOB3(dob[4 * n + 3]),
            .CLKB(clock), .WEB(1'b0), .CEB(1'b1), .OCEB(1'b1), .RSTB(1'b0),
            .CSB0(1'b0), .CSB1(1'b0), .CSB2(1'b0)
        );
    end
endgenerate

always @(*) read_data = dob;
`else
reg [7:0] mem [0:4095];
reg [7:0] read_reg;
initial begin
    // table_ram.rs puts one `mem[i] = v;` per entry in place of the next
    // line (Yosys evaluates a loop over INIT part-selects far more slowly).
    // @ENTRIES@
    read_reg = 8'd0;
    read_data = 8'd0;
end

always @(posedge clock) begin
    if (write_enable)
        mem[write_address] <= write_data;
    read_reg <= mem[read_address];
    read_data <= read_reg;
end
`endif
