//! The Verilog that rust-hdl emits for `Decide`, run in iverilog on crafted
//! and random frames and compared with `model::Distributor` — so that the
//! simulated Rust and the generated Verilog cannot drift apart (widths,
//! literals, blocking assignments).

mod decide_support;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use decide_support::{config_with_group_mac, crafted_frames, random_frame};
use hdl::decide::{Decide, DECIDE_LATENCY, RULES};
use hdl::verdict_code::verdict_code;
use model::frame_build::Rng;
use model::Distributor;
use rust_hdl::prelude::*;

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {what} ({e}): install the Debian package `iverilog`"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{what} failed:\n{}", &text[text.len().saturating_sub(4000)..]);
    text
}

#[test]
fn decide_verilog_matches_model_in_iverilog() {
    let config = config_with_group_mac();
    let mut frames: Vec<Vec<u8>> = crafted_frames().into_iter().step_by(5).map(|(_, f)| f).collect();
    let mut rng = Rng::new(0x5eed);
    frames.extend((0..300).map(|_| random_frame(&mut rng)));

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("decide_iverilog");
    std::fs::create_dir_all(&dir).expect("create work folder");
    let mut uut = Decide::default();
    uut.connect_all();
    check_all(&uut).expect("Decide passes rust-hdl's checks");
    std::fs::write(dir.join("decide.v"), generate_verilog(&uut)).expect("write decide.v");

    // One stimulus line per frame: length (16 bits) then the window (1024).
    let mut stim = String::new();
    for f in &frames {
        let mut w = [0u8; 128];
        let n = f.len().min(128);
        w[..n].copy_from_slice(&f[..n]);
        write!(stim, "{:04x}", f.len().min(65535)).unwrap();
        for b in w.iter().rev() {
            write!(stim, "{b:02x}").unwrap();
        }
        stim.push('\n');
    }
    std::fs::write(dir.join("stim.hex"), stim).expect("write stimulus");

    let mac = config.group_mac.expect("config has a group MAC");
    let mut rules = String::new();
    for i in 0..RULES {
        let r = config.rules.get(i);
        write!(
            rules,
            "    .rule_port${i}(16'd{}), .rule_group${i}(8'd{}), .rule_valid${i}(1'b{}),\n",
            r.map_or(0, |r| r.port),
            r.map_or(0, |r| r.group),
            u8::from(r.is_some())
        )
        .unwrap();
    }
    let n = frames.len();
    let tb = format!(
        r#"module tb;
  reg clock = 0;
  reg strobe_in = 0;
  reg [1023:0] window = 0;
  reg [15:0] frame_len = 0;
  wire strobe_out, inner;
  wire [2:0] verdict;
  wire [7:0] group;
  wire [143:0] key;
  reg [1039:0] mem [0:{last}];
  integer i, f;
  top uut(.clock(clock), .strobe_in(strobe_in), .window(window), .frame_len(frame_len),
    .group_mac(48'h{mac}), .group_mac_enable(1'b1),
{rules}    .strobe_out(strobe_out), .verdict(verdict), .inner(inner), .group(group), .key(key));
  initial begin
    $readmemh("stim.hex", mem);
    f = $fopen("out.txt", "w");
    for (i = 0; i < {cycles}; i = i + 1) begin
      if (i < {n}) begin
        {{frame_len, window}} = mem[i];
        strobe_in = 1;
      end else
        strobe_in = 0;
      #1 clock = 1;
      #1 clock = 0;
      if (strobe_out) $fwrite(f, "%0d %0d %0d %h\n", verdict, inner, group, key);
    end
    $fclose(f);
    $finish;
  end
endmodule
"#,
        last = n - 1,
        cycles = n + DECIDE_LATENCY,
        mac = mac.iter().map(|b| format!("{b:02x}")).collect::<String>(),
    );
    std::fs::write(dir.join("tb.v"), tb).expect("write testbench");
    run(
        Command::new("iverilog").current_dir(&dir).args(["-g2005", "-o", "tb.vvp", "-s", "tb", "tb.v", "decide.v"]),
        "iverilog",
    );
    run(Command::new("vvp").current_dir(&dir).args(["-n", "tb.vvp"]), "vvp");
    let out = std::fs::read_to_string(dir.join("out.txt")).expect("testbench wrote its results");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), n, "one decision per frame");

    let d = Distributor::new(&config);
    let mut bad = Vec::new();
    for (f, line) in frames.iter().zip(lines) {
        let m = d.classify(f, 0);
        let want = format!(
            "{} {} {} {}",
            verdict_code(m.verdict),
            u8::from(m.inner),
            m.group.unwrap_or(0),
            m.key.unwrap_or_default().to_hex()
        );
        if line != want {
            bad.push(format!("verilog {line}\nmodel   {want}\nframe {:02x?}", f));
        }
    }
    assert!(bad.is_empty(), "{} of {n} frames differ:\n{}", bad.len(), bad[..bad.len().min(5)].join("\n"));
}
