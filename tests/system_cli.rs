//! `flowdist system` from the outside: every mode keeps every answer on
//! its owner (exit 0, 100%), the weights change is reported, and bad input
//! is one line on stderr with exit code 2.

use std::process::{Command, Output};

fn flowdist(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowdist")).args(args).output().expect("run flowdist")
}

/// The value after `key` on the line starting with `line`.
fn field<'a>(text: &'a str, line: &str, key: &str) -> &'a str {
    let l = text.lines().find(|l| l.starts_with(line)).unwrap_or_else(|| panic!("no {line:?} line in\n{text}"));
    let rest = &l[l.find(key).unwrap_or_else(|| panic!("no {key:?} in {l:?}")) + key.len()..];
    rest.split([',', ' ', ';']).find(|s| !s.is_empty()).unwrap()
}

#[test]
fn system_cli_all_answers_home_in_every_mode() {
    for nat in ["snat", "dnat", "full-proxy", "none"] {
        let o = flowdist(&["system", "--flows", "800", "--nat", nat, "--change-weights", "0=1,1=1,2=2;1:2=1,3=3"]);
        let text = String::from_utf8(o.stdout).unwrap();
        assert!(o.status.success(), "{nat}: {text}{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(field(&text, "connections:", "connections:"), "800", "{text}");
        for dir in ["client->server", "server->client"] {
            assert_eq!(field(&text, dir, "owning TMM:"), field(&text, dir, "packets:"), "{nat} {dir}:\n{text}");
        }
        assert_eq!(field(&text, "server-side", "clashes:"), "0");
        let moved: usize = field(&text, "open connections moved:", "moved:").parse().unwrap();
        let rebuilt: usize = field(&text, "open connections moved:", "rebuilt table").parse().unwrap();
        assert!(moved > 0 && moved < rebuilt, "{text}");
        assert_eq!(text.lines().filter(|l| l.starts_with("weights change, group")).count(), 2);
        if nat == "snat" || nat == "full-proxy" {
            let line = text.lines().find(|l| l.starts_with("baseline")).unwrap();
            let base: f64 = line.rsplit('(').next().unwrap().trim_end_matches("%)").parse().unwrap();
            assert!(base > 15.0 && base < 40.0, "baseline {base}%:\n{text}");
        }
    }
}

#[test]
fn system_cli_capture() {
    let pcap = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/pcaps/arkime-sctp-www.pcap");
    if !std::path::Path::new(pcap).exists() {
        println!("note: {pcap} is absent; the capture case is skipped");
        return;
    }
    let o = flowdist(&["system", "--pcap", pcap, "--nat", "full-proxy"]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(o.status.success(), "{text}");
    assert!(text.starts_with("conversations: 3 from"), "{text}");
}

#[test]
fn system_cli_bad_input_is_one_line_exit_2() {
    for args in [
        &["system", "--nat", "masquerade"][..],
        &["system", "--flows", "many"],
        &["system", "--flows", "5", "--pcap", "x.pcap"],
        &["system", "--pcap", "/nonexistent.pcap"],
        &["system", "--open", "0"],
        &["system", "--range", "10-1"],
        &["system", "--change-weights", "0=1,9=1"],
        &["system", "--change-weights", "0=1,0=2"],
        &["system", "--change-weights", "0=0"],
        &["system", "--change-weights", "5:0=1"],
        &["system", "--change-weights", "0=x"],
        &["system", "--change-weights", "0:1"],
        &["system", "--change-weights", ""],
    ] {
        let o = flowdist(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("flowdist: "), "{err}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}
