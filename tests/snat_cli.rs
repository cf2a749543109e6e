//! `flowdist snat-port` and `flowdist snat-table` from the outside: the
//! ports printed bring replies back to the TMM asked for, the table counts
//! add up, and bad input is one line on stderr with exit code 2.

use std::net::IpAddr;
use std::process::{Command, Output};

use model::frame_build::Flow;
use model::{Config, Distributor};

fn flowdist(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowdist")).args(args).output().expect("run flowdist")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// The TMM the built-in distributor sends server:sport → addr:port to.
fn reply_tmm(addr: IpAddr, sport: u16, port: u16) -> Option<u8> {
    let server: IpAddr = if addr.is_ipv4() { "192.0.2.9".parse().unwrap() } else { "2001:db8:9::9".parse().unwrap() };
    let frame = Flow { src: server, dst: addr, proto: 6, sport, dport: port }.frame(&[], &[], &[]);
    Distributor::new(&Config::builtin()).classify(&frame, 0).tmm
}

#[test]
fn snat_port_cli_ports_reach_the_tmm() {
    for (ip, tmm, above) in [("198.51.100.1", "0", "80"), ("198.51.100.1", "3", "443"), ("2001:db8::7", "2", "8080")] {
        let o = flowdist(&["snat-port", "--ip", ip, "--tmm", tmm, "--above", above, "--count", "20"]);
        assert!(o.status.success(), "{ip} {tmm}: {}", String::from_utf8_lossy(&o.stderr));
        let text = stdout(&o);
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("port,group,index"));
        let ports: Vec<u16> = lines.map(|l| l.split(',').next().unwrap().parse().unwrap()).collect();
        assert_eq!(ports.len(), 20);
        assert!(ports.windows(2).all(|w| w[0] < w[1]), "ascending");
        let above: u16 = above.parse().unwrap();
        for x in ports {
            assert!(x > above && x >= 1024);
            assert_eq!(reply_tmm(ip.parse().unwrap(), above, x), Some(tmm.parse().unwrap()), "{ip} port {x}");
        }
    }
}

#[test]
fn snat_port_cli_none_left_is_exit_1() {
    // Server port 443: group 1 holds TMMs 2 and 3 only.
    let o = flowdist(&["snat-port", "--ip", "198.51.100.1", "--tmm", "0", "--above", "443"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "port,group,index\n");
    assert!(String::from_utf8_lossy(&o.stderr).contains("only 0 of 1 ports"));
}

#[test]
fn snat_table_cli_counts() {
    let o = flowdist(&["snat-table", "--ip", "198.51.100.1", "--range", "40000-40999"]);
    assert!(o.status.success());
    let text = stdout(&o);
    let rows: Vec<Vec<u32>> = text.lines().skip(1).map(|l| l.split(',').map(|f| f.parse().unwrap()).collect()).collect();
    assert_eq!(text.lines().next(), Some("group,tmm,entries,ports,in_range"));
    assert_eq!(rows.len(), 6, "4 TMMs in group 0, 2 in group 1");
    for g in 0..2 {
        let group: Vec<&Vec<u32>> = rows.iter().filter(|r| r[0] == g).collect();
        assert_eq!(group.iter().map(|r| r[2]).sum::<u32>(), 4096);
        assert_eq!(group.iter().map(|r| r[3]).sum::<u32>(), 65536);
        assert_eq!(group.iter().map(|r| r[4]).sum::<u32>(), 1000);
        for r in group {
            // 16 ports per index on every address with the default key.
            assert_eq!(r[3], 16 * r[2], "{r:?}");
        }
    }
}

#[test]
fn snat_cli_bad_input_is_one_line_exit_2() {
    for args in [
        &["snat-port", "--ip", "1.2.3", "--tmm", "0"][..],
        &["snat-port", "--ip", "1.2.3.4", "--tmm", "9"],
        &["snat-port", "--ip", "1.2.3.4", "--tmm", "x"],
        &["snat-port", "--ip", "1.2.3.4", "--tmm", "0", "--above", "70000"],
        &["snat-port", "--ip", "1.2.3.4", "--tmm", "0", "--count", "0"],
        &["snat-port", "--ip", "1.2.3.4", "--tmm", "0", "--range", "9-2"],
        &["snat-port", "--ip", "1.2.3.4", "--tmm", "0", "--config", "/nonexistent.toml"],
        &["snat-table", "--ip", "::g"],
        &["snat-table", "--ip", "1.2.3.4", "--range", "0-100"],
    ] {
        let o = flowdist(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("flowdist: "), "{err}");
        assert!(o.stdout.is_empty());
    }
}
