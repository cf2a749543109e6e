//! `flowdist load`: the dry-run listing, the bytes sent to a file, and a
//! session against a pseudo-terminal where a small python3 program plays
//! the board's UART bridge (it checks every frame and answers the ID read).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use hdl::uart_bridge::{config_writes, read_frame, write_frame};

fn flowdist() -> Command {
    Command::new(env!("CARGO_BIN_EXE_flowdist"))
}

#[test]
fn load_dry_run_lists_the_writes() {
    let out = flowdist().args(["load", "--dry-run"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let want = config_writes(&model::Config::builtin()).unwrap();
    let got: Vec<(u16, u32)> = text
        .lines()
        .map(|l| {
            let (a, d) = l.split_once(' ').unwrap();
            (u16::from_str_radix(a, 16).unwrap(), u32::from_str_radix(d, 16).unwrap())
        })
        .collect();
    assert_eq!(got, want);
    // Two groups of complete tables, then the commit last.
    assert_eq!(got.iter().filter(|w| w.0 == 0x0008).count(), 2 * 4096);
    assert_eq!(got.last(), Some(&(0x0001, 0)));
}

#[test]
fn load_serial_file_gets_the_frames() {
    let dir = std::env::temp_dir().join(format!("flowdist-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("uart.bin");
    std::fs::write(&path, b"").unwrap();
    let out = flowdist().args(["load", "--no-verify", "--serial"]).arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let want: Vec<u8> =
        config_writes(&model::Config::builtin()).unwrap().into_iter().flat_map(|(a, d)| write_frame(a, d)).collect();
    assert_eq!(std::fs::read(&path).unwrap(), want);
    // Without --no-verify a file never answers: a clear error, exit 2.
    let out = flowdist().args(["load", "--serial"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no answer"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn load_errors() {
    let out = flowdist().args(["load", "--serial", "/nonexistent/tty"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/tty"));
    let out = flowdist().args(["load"]).output().unwrap();
    assert!(!out.status.success(), "neither --serial nor --dry-run");
}

/// The board side on a pseudo-terminal: reads frames until the ID read,
/// writes the ID, prints the number of writes and their digest.
const FAKE_BOARD: &str = r#"
import os, sys, tty, hashlib
master, slave = os.openpty()
tty.setraw(master)
print(os.ttyname(slave), flush=True)
writes, h, buf = 0, hashlib.sha256(), b""
while True:
    buf += os.read(master, 65536)
    while buf:
        if buf[0] == ord("W"):
            if len(buf) < 7: break
            h.update(buf[:7]); writes += 1; buf = buf[7:]
        elif buf[0] == ord("R"):
            if len(buf) < 3: break
            os.write(master, bytes([0x46, 0x4C, 0x00, 0x01]))
            print(writes, h.hexdigest(), flush=True)
            sys.exit(0)
        else:
            sys.exit("unexpected byte %d" % buf[0])
"#;

#[test]
fn load_serial_pseudo_terminal() {
    let mut board = match Command::new("python3").args(["-c", FAKE_BOARD]).stdout(Stdio::piped()).spawn() {
        Ok(c) => c,
        Err(e) => panic!("this test needs python3 (Debian package python3): {e}"),
    };
    let mut lines = BufReader::new(board.stdout.take().unwrap()).lines();
    let tty = lines.next().unwrap().unwrap();
    let out = flowdist().args(["load", "--serial", &tty]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = lines.next().unwrap().unwrap();
    assert!(board.wait().unwrap().success());
    let writes = config_writes(&model::Config::builtin()).unwrap();
    let mut bytes = Vec::new();
    for &(a, d) in &writes {
        bytes.extend(write_frame(a, d));
    }
    let (n, digest) = report.split_once(' ').unwrap();
    assert_eq!(n.parse::<usize>().unwrap(), writes.len());
    assert_eq!(digest, sha256_hex(&bytes));
    assert_eq!(read_frame(0), [b'R', 0, 0]);
}

/// sha256 via python3's hashlib would be circular; use coreutils.
fn sha256_hex(bytes: &[u8]) -> String {
    use std::io::Write;
    let mut c = Command::new("sha256sum").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("sha256sum (Debian package coreutils)");
    c.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = c.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_string()
}
