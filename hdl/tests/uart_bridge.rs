//! `UartBridge` through a UART model: the bytes `flowdist load` sends go in
//! on `uart_rx` bit by bit, the control-port writes that come out must be
//! exactly the ones encoded; reads answer on `uart_tx`. And the full write
//! sequence of a config, applied to a running core, must make it decide as
//! the model does with that config.

use hdl::control_port::CONTROL_ID;
use hdl::flowdist_core::{CoreSimDefault, InFrame, Traffic};
use hdl::uart_bridge::{config_writes, read_frame, write_frame, UartBridge};
use model::Config;
use rust_hdl::prelude::*;

const CLOCKS_PER_BIT: u32 = 8;

/// The UART line for `bytes` (8N1, idle high), one entry per clock, with
/// `gap` idle bits after each byte.
fn line(bytes: &[u8], gap: usize) -> Vec<bool> {
    let mut bits = Vec::new();
    for &b in bytes {
        bits.push(false);
        bits.extend((0..8).map(|i| b >> i & 1 == 1));
        bits.push(true);
        bits.extend(std::iter::repeat(true).take(gap));
    }
    bits.into_iter().flat_map(|b| std::iter::repeat(b).take(CLOCKS_PER_BIT as usize)).collect()
}

/// Decodes a UART line (sampled once per clock) into bytes.
fn decode(samples: &[bool]) -> Vec<u8> {
    let n = CLOCKS_PER_BIT as usize;
    let mut out = Vec::new();
    let mut t = 0;
    while t < samples.len() {
        if !samples[t] && t + 10 * n <= samples.len() {
            let mid = |bit: usize| samples[t + bit * n + n / 2];
            assert!(mid(9), "stop bit low");
            out.push((0..8).fold(0u8, |acc, i| acc | (u8::from(mid(1 + i)) << i)));
            t += 10 * n - n / 2;
        } else {
            t += 1;
        }
    }
    out
}

/// Runs the line through a bridge; a fake register file answers reads
/// with `read_value(addr)` one cycle later. Returns the writes, the reads
/// and the reply bytes.
fn run(rx_line: &[bool], extra: usize) -> (Vec<(u16, u32)>, Vec<u16>, Vec<u8>) {
    let mut uut = UartBridge::new(CLOCKS_PER_BIT, 40 * CLOCKS_PER_BIT);
    uut.connect_all();
    check_all(&uut).unwrap();
    let (mut writes, mut reads, mut tx) = (Vec::new(), Vec::new(), Vec::new());
    let mut pending: Option<u16> = None;
    for t in 0..rx_line.len() + extra {
        let rx = rx_line.get(t).copied().unwrap_or(true);
        let answer = pending.take();
        uut.clock.next = false.into();
        uut.uart_rx.next = rx;
        uut.ctrl_rvalid.next = answer.is_some();
        uut.ctrl_rdata.next = answer.map_or(0, |a| 0xC0DE_0000 | u32::from(a)).to_bits();
        assert!(simulate(&mut uut, 50), "the circuit does not settle");
        if uut.ctrl_write.val() {
            writes.push((uut.ctrl_addr.val().to_u16(), uut.ctrl_wdata.val().to_u32()));
        }
        if uut.ctrl_read.val() {
            reads.push(uut.ctrl_addr.val().to_u16());
            pending = Some(uut.ctrl_addr.val().to_u16());
        }
        tx.push(uut.uart_tx.val());
        uut.clock.next = true.into();
        assert!(simulate(&mut uut, 50), "the circuit does not settle");
    }
    (writes, reads, decode(&tx))
}

#[test]
fn uart_bridge_load_writes() {
    // Every register kind of the builtin config's sequence (the first
    // table entries stand for the 4096 per group), then the commit.
    let all = config_writes(&Config::builtin()).unwrap();
    let mut some: Vec<(u16, u32)> = all.iter().copied().filter(|w| w.0 != 0x0008).take(60).collect();
    some.extend(all.iter().copied().filter(|w| w.0 == 0x0008).take(10));
    some.push(*all.last().unwrap());
    // Garbage before the first command is skipped; gaps between bytes vary.
    let mut bytes = vec![0x00, 0xFF, 0x13];
    for &(a, d) in &some {
        bytes.extend(write_frame(a, d));
    }
    let mut rx_line = line(&bytes[..bytes.len() / 2], 0);
    rx_line.extend(line(&bytes[bytes.len() / 2..], 3));
    let (writes, reads, reply) = run(&rx_line, 100);
    assert_eq!(writes, some);
    assert!(reads.is_empty() && reply.is_empty());
}

#[test]
fn uart_bridge_read_reply() {
    let mut bytes = read_frame(0x0000).to_vec();
    bytes.extend(write_frame(0x0004, 7));
    bytes.extend(read_frame(0x0805));
    let (writes, reads, reply) = run(&line(&bytes, 0), 120 * CLOCKS_PER_BIT as usize);
    assert_eq!(writes, vec![(0x0004, 7)]);
    assert_eq!(reads, vec![0x0000, 0x0805]);
    assert_eq!(reply, [0xC0, 0xDE, 0x00, 0x00, 0xC0, 0xDE, 0x08, 0x05]);
}

#[test]
fn uart_bridge_timeout_resyncs() {
    // A write cut after 4 bytes, a pause past the timeout, a good write.
    let mut rx_line = line(&write_frame(0x0005, 1)[..4], 0);
    rx_line.extend(std::iter::repeat(true).take(60 * CLOCKS_PER_BIT as usize));
    rx_line.extend(line(&write_frame(0x0006, 2), 0));
    let (writes, ..) = run(&rx_line, 40);
    assert_eq!(writes, vec![(0x0006, 2)]);
}

/// The full sequence of a config that differs from the core's power-up
/// config in every item: after loading, the core decides every demo frame
/// as the model with the new config, and the ID register reads back.
#[test]
fn uart_bridge_config_writes_reconfigure_core() {
    let old = Config::builtin();
    let new = Config::from_toml(NEW_CONFIG).unwrap();
    assert_ne!(old.rss_key, new.rss_key, "the test config must change the key");
    let mut sim = CoreSimDefault::new(&old).unwrap();
    for (a, d) in config_writes(&new).unwrap() {
        sim.write(a, d);
    }
    assert_eq!(u64::from(sim.read(0)), CONTROL_ID);
    let frames = model::frame_build::demo_traffic(3, 8);
    // Ingress 0 classifies, ingress 3 is TMM-side in the new config only.
    let input: Vec<InFrame> = frames
        .iter()
        .enumerate()
        .map(|(i, f)| InFrame { data: f.clone(), ingress: if i % 5 == 4 { 3 } else { 0 }, mac_error: false })
        .collect();
    let out = sim.run(&input, &Traffic::BACK_TO_BACK, 400_000).unwrap();
    let model = model::Distributor::new(&new);
    assert_eq!(out.len(), input.len());
    for o in &out {
        let f = &input[o.seq];
        let mut want = model.classify_rx(&f.data, f.ingress, false);
        want.key = None;
        assert_eq!(o.decision(), want, "frame {:02x?}", f.data);
    }
}

/// Differs from the builtin config in every item the control port sets.
const NEW_CONFIG: &str = r#"
group_mac = "02:00:00:00:00:02"
rss_key = "3d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa"
bridge_port = 6
control_port = 5
fragment_port = 4
malformed_port = 3

[[tmm]]
id = 0
port = 4
mac = "02:00:00:00:0a:00"
[[tmm]]
id = 1
port = 3
[[tmm]]
id = 2
port = 2
mac = "02:00:00:00:0a:02"
[[tmm]]
id = 3
port = 1

[[group]]
fixed_tmm = 3
weights = { "0" = 1, "1" = 3 }

[[group]]
fixed_tmm = 1
weights = { "1" = 1, "2" = 1, "3" = 2 }

[[rule]]
port = 80
group = 1

[[ingress]]
port = 3
forward_to = 0
"#;
