//! The real public captures in ../shared/pcaps: every Ethernet one
//! classifies, the others fail cleanly, and hand-checked frames decide as
//! their contents say. Skipped (with a note) where the folder is absent.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;

use common::dist;
use model::capture;
use model::eth_parse::eth_parse;
use model::ip_parse::ip_parse;
use model::port_compare::has_ports;
use model::{Decision, Verdict};

fn shared() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/pcaps"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("note: {} is absent: shared-capture tests skipped", dir.display());
        None
    }
}

fn decisions(name: &str) -> Option<Vec<Decision>> {
    let dir = shared()?;
    let d = dist();
    let frames = capture::read_all(&dir.join(name)).unwrap_or_else(|e| panic!("{e}"));
    Some(frames.iter().map(|f| d.classify(&f.data, 0)).collect())
}

fn verdicts(name: &str) -> Option<Vec<(Verdict, bool)>> {
    Some(decisions(name)?.iter().map(|d| (d.verdict, d.inner)).collect())
}

const NON_ETHERNET: [(&str, &str); 5] = [
    ("zeek-linuxsll-arp.pcap", "113"),
    ("zeek-linux_dlt_sll2.pcap", "276"),
    ("tcpdump-LINKTYPE_RAW_ipv4.pcap", "101"),
    ("tcpdump-LINKTYPE_IPV6.pcap", "229"),
    ("gopacket-test_loopback.pcap", "link type 0"),
];

#[test]
fn capture_every_shared_ethernet_capture_classifies() {
    let Some(dir) = shared() else { return };
    let d = dist();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !(name.ends_with(".pcap") || name.ends_with(".pcapng")) {
            continue;
        }
        match NON_ETHERNET.iter().find(|n| n.0 == name) {
            Some((_, lt)) => {
                let e = capture::open(&path).map(|_| ()).and_then(|_| capture::read_all(&path).map(|_| ()));
                let msg = e.expect_err(&name).to_string();
                assert!(msg.contains(lt) && msg.contains("not Ethernet"), "{msg}");
            }
            None => {
                for f in capture::read_all(&path).unwrap_or_else(|e| panic!("{e}")) {
                    let dec = d.classify(&f.data, 0);
                    assert_eq!(dec.key.is_some(), dec.verdict.hashed());
                }
                files += 1;
            }
        }
    }
    assert!(files >= 55, "only {files} Ethernet captures found");
}

#[test]
fn capture_equal_ports_are_fixed() {
    for name in ["zeek-dns53.pcap", "zeek-ipv6-hbh-routing0.pcap", "packetnet-udpPacketWithEthernetTrailers.pcap"] {
        let Some(v) = verdicts(name) else { return };
        assert_eq!(v, vec![(Verdict::Fixed, false)], "{name}");
    }
}

#[test]
fn capture_truncated_and_broken_headers_are_malformed() {
    for name in [
        "zeek-trunc-hdr.pcap",
        "zeek-trunc-ip4-trunc.pcap",
        "zeek-trunc-ip6-ext-trunc.pcap",
        "zeek-trunc-ipv4-truncated-broken-header.pcap",
        "tcpdump-ipv6_invalid_length.pcap",
    ] {
        let Some(v) = verdicts(name) else { return };
        assert_eq!(v, vec![(Verdict::Malformed, false)], "{name}");
    }
    // Frame 2 carries a 40-byte destination-options header inside a 36-byte
    // payload: its UDP ports lie past the IP packet.
    let Some(v) = verdicts("zeek-ipv6-mobility-dst-opts.pcap") else { return };
    assert_eq!(v.iter().map(|x| x.0).collect::<Vec<_>>(), [Verdict::L4, Verdict::Malformed, Verdict::L4]);
    // IPv4 total length one byte past the frame: fine, ports are inside.
    assert_eq!(verdicts("tcpdump-ipv4_invalid_total_length.pcap").unwrap(), vec![(Verdict::L4, false)]);
}

#[test]
fn capture_non_ip_and_unknown_tags_are_control() {
    for name in ["suricata-decode-unknown-1.pcap", "zeek-arp-who-has.pcap", "zeek-vlan-qinqinq.pcap", "tcpdump-802.1ad_QinQ.pcap"] {
        let Some(v) = verdicts(name) else { return };
        assert!(v.iter().all(|x| x.0 == Verdict::Control), "{name}: {v:?}");
    }
}

#[test]
fn capture_fragments() {
    for (name, n) in [("zeek-ipv4-fragmented-1.pcap", 3), ("sanders-ip_frag_source.pcapng", 6), ("suricata-frag-eth-vlan-ip-tcp-syn.pcap", 3)] {
        let Some(v) = verdicts(name) else { return };
        assert_eq!(v.iter().filter(|x| x.0 == Verdict::Fragment).count(), n, "{name}");
    }
    // Atomic IPv6 fragments (offset 0, M = 0) are fragments too.
    let v = verdicts("zeek-ipv6-http-atomic-frag.pcap").unwrap();
    assert!(v.iter().any(|x| x.0 == Verdict::Fragment));
    let v = verdicts("ddos-amp.TCP.reflection.SYNACK.pcap").unwrap();
    assert_eq!(v.iter().filter(|x| x.0 == Verdict::Fragment).count(), 2);
}

#[test]
fn capture_icmp_errors_decide_on_the_inner_header() {
    for (name, inner) in [("zeek-icmp-destunreach-udp.pcap", 1), ("zeek-icmp6-toobig.pcap", 1), ("ddos-amp.TCP.reflection.SYNACK.pcap", 153)] {
        let Some(v) = verdicts(name) else { return };
        assert_eq!(v.iter().filter(|x| x.1 && x.0 == Verdict::L4).count(), inner, "{name}");
    }
    // Inner IPv6 with an extension header, or a truncated one: outer.
    for name in ["zeek-icmp6-destunreach-ip6ext-udp.pcap", "zeek-icmp6-destunreach-ip6ext-trunc.pcap"] {
        assert_eq!(verdicts(name).unwrap(), vec![(Verdict::L3, false)], "{name}");
    }
    // Traceroute: the time-exceeded replies quote UDP probes.
    let v = verdicts("sanders-icmp_traceroute.pcapng").unwrap();
    assert!(v.iter().filter(|x| x.1).count() >= 20);
}

/// Both directions of every TCP/UDP/SCTP conversation in real traffic
/// reach one TMM: group frames by their unordered endpoint pair.
#[test]
fn capture_conversations_stay_on_one_tmm() {
    for name in ["zeek-wikipedia.pcap", "sanders-http_ip4and6.pcapng", "arkime-sctp-www.pcap", "zeek-vlan-collisions.pcap", "ndpi-gnutella.pcap"] {
        let Some(dir) = shared() else { return };
        let d = dist();
        let mut seen: HashMap<Vec<u8>, (Option<u8>, [bool; 2])> = HashMap::new();
        for f in capture::read_all(&dir.join(name)).unwrap() {
            let frame = &f.data;
            let dec = d.classify(frame, 0);
            if dec.verdict != Verdict::L4 || dec.inner {
                continue;
            }
            let eth = eth_parse(frame, None).unwrap();
            let ip = ip_parse(frame, eth.family, eth.l3).unwrap();
            assert!(has_ports(ip.proto));
            let a = [&ip.src[..], &frame[ip.l4..ip.l4 + 2]].concat();
            let b = [&ip.dst[..], &frame[ip.l4 + 2..ip.l4 + 4]].concat();
            let (conv, dir) = if a < b { ([a, b].concat(), 0) } else { ([b, a].concat(), 1) };
            let entry = seen.entry(conv).or_insert((dec.tmm, [false; 2]));
            assert_eq!(entry.0, dec.tmm, "{name}: a conversation split over TMMs");
            entry.1[dir] = true;
        }
        let both = seen.values().filter(|v| v.1 == [true, true]).count();
        assert!(both >= 1, "{name}: no two-way conversation found");
    }
}

#[test]
fn capture_timestamps_follow_each_interface_resolution() {
    let Some(dir) = shared() else { return };
    // Interface 0 in ns, interface 1 in µs: all frames lie in the same day.
    let frames = capture::read_all(&dir.join("zeek-pcapng-multi-interface.pcapng")).unwrap();
    let first = frames[0].timestamp_ns;
    assert!(first > 1_000_000_000 * 1_000_000_000, "after 2001");
    for f in &frames {
        assert!(f.timestamp_ns.abs_diff(first) < 86_400 * 1_000_000_000, "{} vs {first}", f.timestamp_ns);
    }
    let ns = capture::read_all(&dir.join("zeek-get-to-ssh-server.pcap")).unwrap();
    assert!(ns.windows(2).all(|w| w[0].timestamp_ns <= w[1].timestamp_ns));
    assert!(capture::read_all(&dir.join("tcpdump-empty.pcap")).unwrap().is_empty());
    assert_eq!(capture::read_all(&dir.join("arkime-bigendian.pcap")).unwrap().len(), 2);
}
