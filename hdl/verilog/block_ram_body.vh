// Body of module BlockRam (hdl/src/block_ram.rs): a simple dual-port block
// RAM of DEPTH = 2^A entries of W bits with a registered output, read
// latency 2 clocks.
// Hand-written because rust-hdl's RAM has no output register: ECP5's DP16KD
// has a 5.8 ns clock-to-out (speed 6) unless its own output register is on,
// and Yosys does not fold a fabric register into it.
//
// rust-hdl declares the ports: clock, read_address[A-1:0], read_data[W-1:0]
// (output reg), write_address[A-1:0], write_data[W-1:0], write_enable; and
// block_ram.rs puts before this text the localparams W, A, DEPTH, HAS_INIT,
// INIT (entry i in INIT[W*i +: W]) and the ECP5 geometry: WM (data bits per
// DP16KD: 18, 9 or 4 for A <= 10, 11, 12), LO (the address's lowest pin:
// 4, 3, 2), SLICES (DP16KDs side by side, ceil(W / WM)).
//
// Behaviour (both branches): at each rising clock edge the entry at
// read_address is read (before the write of the same edge), and read_data
// takes the value read at the previous edge. A read of the address written
// at the same edge is undefined on DP16KD; the users never issue one except
// where their header says so.
//
// Define FLOWDIST_ECP5 when synthesising for ECP5 (scripts/synth.py and
// `make bit` do) to get DP16KDs with REGMODE_B = "OUTREG"; anything else
// (simulation, iCE40, Xilinx) uses the inferred memory below, whose second
// register sits in the fabric (Xilinx tools fold it into the RAMB).
`ifdef FLOWDIST_ECP5
// INITVAL_<row> of DP16KD number `slice` (data bits WM*slice and up): 16
// slots of 20 bits per row, 18 bits used; an x18 word fills a slot, x9 words
// sit at bits 0 and 9, x4 words at 0, 4, 9 and 13 (Yosys's layout).
localparam PER = 18 / WM;
function [319:0] initval;
    input integer row;
    input integer slice;
    integer s, j, b, word, bit_;
    begin
        initval = 320'd0;
        if (HAS_INIT)
            for (s = 0; s < 16; s = s + 1)
                for (j = 0; j < PER; j = j + 1)
                    for (b = 0; b < WM; b = b + 1) begin
                        word = (16 * row + s) * PER + j;
                        bit_ = WM * slice + b;
                        if (word < DEPTH && bit_ < W)
                            initval[20 * s + (WM == 4 ? 9 * (j / 2) + 4 * (j % 2) : WM * j) + b] = INIT[W * word + bit_];
                    end
    end
endfunction

wire [SLICES*WM-1:0] wd_all = write_data;
wire [SLICES*WM-1:0] rd_all;
// Word address on AD13..AD(LO); in x18 mode AD1..AD0 are the write's byte
// enables.
wire [13:0] ada = (write_address << LO) | (WM == 18 ? 14'd3 : 14'd0);
wire [13:0] adb = read_address << LO;
genvar n;
generate
    for (n = 0; n < SLICES; n = n + 1) begin : slice
        wire [17:0] dia = wd_all[WM * n +: WM];
        wire [17:0] dob;
        assign rd_all[WM * n +: WM] = dob[WM - 1:0];
        DP16KD #(
            .DATA_WIDTH_A(WM), .DATA_WIDTH_B(WM),
            .REGMODE_A("NOREG"), .REGMODE_B("OUTREG"),
            .RESETMODE("SYNC"), .ASYNC_RESET_RELEASE("SYNC"),
            .CSDECODE_A("0b000"), .CSDECODE_B("0b000"),
            .WRITEMODE_A("NORMAL"), .WRITEMODE_B("NORMAL"),
            .GSR("DISABLED"),
            .INITVAL_00(initval(8'h00, n)), .INITVAL_01(initval(8'h01, n)),
            .INITVAL_02(initval(8'h02, n)), .INITVAL_03(initval(8'h03, n)),
            .INITVAL_04(initval(8'h04, n)), .INITVAL_05(initval(8'h05, n)),
            .INITVAL_06(initval(8'h06, n)), .INITVAL_07(initval(8'h07, n)),
            .INITVAL_08(initval(8'h08, n)), .INITVAL_09(initval(8'h09, n)),
            .INITVAL_0A(initval(8'h0a, n)), .INITVAL_0B(initval(8'h0b, n)),
            .INITVAL_0C(initval(8'h0c, n)), .INITVAL_0D(initval(8'h0d, n)),
            .INITVAL_0E(initval(8'h0e, n)), .INITVAL_0F(initval(8'h0f, n)),
            .INITVAL_10(initval(8'h10, n)), .INITVAL_11(initval(8'h11, n)),
            .INITVAL_12(initval(8'h12, n)), .INITVAL_13(initval(8'h13, n)),
            .INITVAL_14(initval(8'h14, n)), .INITVAL_15(initval(8'h15, n)),
            .INITVAL_16(initval(8'h16, n)), .INITVAL_17(initval(8'h17, n)),
            .INITVAL_18(initval(8'h18, n)), .INITVAL_19(initval(8'h19, n)),
            .INITVAL_1A(initval(8'h1a, n)), .INITVAL_1B(initval(8'h1b, n)),
            .INITVAL_1C(initval(8'h1c, n)), .INITVAL_1D(initval(8'h1d, n)),
            .INITVAL_1E(initval(8'h1e, n)), .INITVAL_1F(initval(8'h1f, n)),
            .INITVAL_20(initval(8'h20, n)), .INITVAL_21(initval(8'h21, n)),
            .INITVAL_22(initval(8'h22, n)), .INITVAL_23(initval(8'h23, n)),
            .INITVAL_24(initval(8'h24, n)), .INITVAL_25(initval(8'h25, n)),
            .INITVAL_26(initval(8'h26, n)), .INITVAL_27(initval(8'h27, n)),
            .INITVAL_28(initval(8'h28, n)), .INITVAL_29(initval(8'h29, n)),
            .INITVAL_2A(initval(8'h2a, n)), .INITVAL_2B(initval(8'h2b, n)),
            .INITVAL_2C(initval(8'h2c, n)), .INITVAL_2D(initval(8'h2d, n)),
            .INITVAL_2E(initval(8'h2e, n)), .INITVAL_2F(initval(8'h2f, n)),
            .INITVAL_30(initval(8'h30, n)), .INITVAL_31(initval(8'h31, n)),
            .INITVAL_32(initval(8'h32, n)), .INITVAL_33(initval(8'h33, n)),
            .INITVAL_34(initval(8'h34, n)), .INITVAL_35(initval(8'h35, n)),
            .INITVAL_36(initval(8'h36, n)), .INITVAL_37(initval(8'h37, n)),
            .INITVAL_38(initval(8'h38, n)), .INITVAL_39(initval(8'h39, n)),
            .INITVAL_3A(initval(8'h3a, n)), .INITVAL_3B(initval(8'h3b, n)),
            .INITVAL_3C(initval(8'h3c, n)), .INITVAL_3D(initval(8'h3d, n)),
            .INITVAL_3E(initval(8'h3e, n)), .INITVAL_3F(initval(8'h3f, n))
        ) ram (
            .ADA0(ada[0]), .ADA1(ada[1]), .ADA2(ada[2]), .ADA3(ada[3]), .ADA4(ada[4]),
            .ADA5(ada[5]), .ADA6(ada[6]), .ADA7(ada[7]), .ADA8(ada[8]), .ADA9(ada[9]),
            .ADA10(ada[10]), .ADA11(ada[11]), .ADA12(ada[12]), .ADA13(ada[13]),
            .DIA0(dia[0]), .DIA1(dia[1]), .DIA2(dia[2]), .DIA3(dia[3]), .DIA4(dia[4]),
            .DIA5(dia[5]), .DIA6(dia[6]), .DIA7(dia[7]), .DIA8(dia[8]), .DIA9(dia[9]),
            .DIA10(dia[10]), .DIA11(dia[11]), .DIA12(dia[12]), .DIA13(dia[13]),
            .DIA14(dia[14]), .DIA15(dia[15]), .DIA16(dia[16]), .DIA17(dia[17]),
            .CLKA(clock), .WEA(write_enable), .CEA(1'b1), .OCEA(1'b1), .RSTA(1'b0),
            .CSA0(1'b0), .CSA1(1'b0), .CSA2(1'b0),
            .ADB0(adb[0]), .ADB1(adb[1]), .ADB2(adb[2]), .ADB3(adb[3]), .ADB4(adb[4]),
            .ADB5(adb[5]), .ADB6(adb[6]), .ADB7(adb[7]), .ADB8(adb[8]), .ADB9(adb[9]),
            .ADB10(adb[10]), .ADB11(adb[11]), .ADB12(adb[12]), .ADB13(adb[13]),
            .DOB0(dob[0]), .DOB1(dob[1]), .DOB2(dob[2]), .DOB3(dob[3]), .DOB4(dob[4]),
            .DOB5(dob[5]), .DOB6(dob[6]), .DOB7(dob[7]), .DOB8(dob[8]), .DOB9(dob[9]),
            .DOB10(dob[10]), .DOB11(dob[11]), .DOB12(dob[12]), .DOB13(dob[13]),
            .DOB14(dob[14]), .DOB15(dob[15]), .DOB16(dob[16]), .DOB17(dob[17]),
            .CLKB(clock), .WEB(1'b0), .CEB(1'b1), .OCEB(1'b1), .RSTB(1'b0),
            .CSB0(1'b0), .CSB1(1'b0), .CSB2(1'b0)
        );
    end
endgenerate

always @(*) read_data = rd_all[W - 1:0];
`else
reg [W-1:0] mem [0:DEPTH-1];
reg [W-1:0] read_reg;
integer i;
initial begin
    // block_ram.rs puts one `mem[i] = v;` per entry, or a loop clearing
    // them, in place of the next line (Yosys evaluates a loop over INIT
    // part-selects far more slowly).
    // @ENTRIES@
    read_reg = 0;
    read_data = 0;
end

always @(posedge clock) begin
    if (write_enable)
        mem[write_address] <= write_data;
    read_reg <= mem[read_address];
    read_data <= read_reg;
end
`endif
