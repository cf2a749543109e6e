//! The Verilog that rust-hdl emits for `Decide`, run in iverilog on crafted
//! and random frames and compared with `model::Distributor` — so that the
//! simulated Rust and the generated Verilog cannot drift apart (widths,
//! literals, blocking assignments).

mod decide_support;

use std::fmt::Write as _;

use decide_support::{config_with_group_mac, crafted_frames, random_frame};
use hdl::decide::{Decide, DECIDE_LATENCY, RULES};
use hdl::eth_parse::{granule, GRANULES};
use hdl::tool_run::{scratch_dir, StimBench};
use hdl::verdict_code::verdict_code;
use model::frame_build::Rng;
use model::Distributor;
use rust_hdl::prelude::*;

#[test]
fn decide_verilog_matches_model_in_iverilog() {
    let config = config_with_group_mac();
    let mut frames: Vec<Vec<u8>> = crafted_frames().into_iter().step_by(5).map(|(_, f)| f).collect();
    let mut rng = Rng::new(0x5eed);
    frames.extend((0..300).map(|_| random_frame(&mut rng)));

    let dir = scratch_dir("decide_iverilog");
    let mut uut = Decide::default();
    uut.connect_all();
    check_all(&uut).expect("Decide passes rust-hdl's checks");
    std::fs::write(dir.join("top.v"), generate_verilog(&uut)).expect("write top.v");

    // One stimulus line per frame: strobe, length, bytes 0 and 1, then
    // granules 31 down to 0 (1024 bits).
    let mut stim = String::new();
    for f in &frames {
        write!(stim, "1 {:04x} {:02x}{:02x} ", f.len().min(65535), f.first().unwrap_or(&0), f.get(1).unwrap_or(&0)).unwrap();
        for j in (0..GRANULES).rev() {
            write!(stim, "{:08x}", granule(f, j)).unwrap();
        }
        stim.push('\n');
    }

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
    let decls = format!(
        r#"reg strobe_in; reg [15:0] head; reg [1023:0] window; reg [15:0] frame_len;
wire strobe_out, inner; wire [2:0] verdict; wire [7:0] group; wire [143:0] key;
top dut(.clock(clock), .strobe_in(strobe_in), .head(head),
{granules}    .frame_len(frame_len),
    .group_mac(48'h{mac}), .group_mac_enable(1'b1),
{rules}    .strobe_out(strobe_out), .verdict(verdict), .inner(inner), .group(group), .key(key));"#,
        granules = (0..GRANULES).map(|j| format!("    .window${j}(window[{}:{}]),\n", 32 * j + 31, 32 * j)).collect::<String>(),
        mac = mac.iter().map(|b| format!("{b:02x}")).collect::<String>(),
    );
    let bench = StimBench {
        decls: &decls,
        scan_format: "%d %h %h %h",
        scan_args: "strobe_in, frame_len, head, window",
        idle: "strobe_in = 0;",
        sample: r#"if (strobe_out) $fdisplay(g, "%0d %0d %0d %h", verdict, inner, group, key);"#,
    };
    // The last decision shows DECIDE_LATENCY cycles after the last frame
    // and is sampled before the next edge.
    let lines = bench.run(&dir, &stim, n + DECIDE_LATENCY + 1);
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
