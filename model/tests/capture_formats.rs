//! Captures flowdist makes itself (no outside files): every format it
//! reads, and every way a file can be wrong.

use std::borrow::Cow;
use std::path::PathBuf;
use std::time::Duration;

use model::capture::{self, write_all, CaptureWriter};
use model::frame_build::demo_traffic;
use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
use pcap_file::pcapng::blocks::interface_description::{InterfaceDescriptionBlock, InterfaceDescriptionOption};
use pcap_file::pcapng::blocks::simple_packet::SimplePacketBlock;
use pcap_file::pcapng::PcapNgWriter;
use pcap_file::DataLink;

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flowdist-capture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A classic pcap header + records, in either byte order, µs or ns.
fn classic(big_endian: bool, nanos: bool, linktype: u32, frames: &[Vec<u8>]) -> Vec<u8> {
    let w32 = |v: u32| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
    let w16 = |v: u16| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
    let mut f = Vec::new();
    f.extend(w32(if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 }));
    f.extend(w16(2));
    f.extend(w16(4));
    f.extend(w32(0));
    f.extend(w32(0));
    f.extend(w32(65535));
    f.extend(w32(linktype));
    for (i, fr) in frames.iter().enumerate() {
        f.extend(w32(1_700_000_000 + i as u32));
        f.extend(w32(123));
        f.extend(w32(fr.len() as u32));
        f.extend(w32(fr.len() as u32 + 4));
        f.extend_from_slice(fr);
    }
    f
}

fn frames() -> Vec<Vec<u8>> {
    demo_traffic(7, 20)
}

#[test]
fn capture_reads_classic_pcap_in_both_byte_orders_and_resolutions() {
    let fr = frames();
    for (be, ns) in [(false, false), (true, false), (false, true), (true, true)] {
        let path = tmp(&format!("classic-{be}-{ns}.pcap"));
        std::fs::write(&path, classic(be, ns, 1, &fr)).unwrap();
        let got = capture::read_all(&path).unwrap();
        assert_eq!(got.len(), fr.len());
        for (g, f) in got.iter().zip(&fr) {
            assert_eq!(&g.data, f);
            assert_eq!(g.orig_len as usize, f.len() + 4);
        }
        let frac = if ns { 123 } else { 123_000 };
        assert_eq!(got[1].timestamp_ns, 1_700_000_001 * 1_000_000_000 + frac);
    }
}

#[test]
fn capture_accepts_ethernet_with_fcs_bits_in_the_link_type() {
    // libpcap's LT_FCS_DATALINK: the upper bits say an FCS is present.
    let path = tmp("fcs-bits.pcap");
    std::fs::write(&path, classic(false, false, 0x1400_0001, &frames())).unwrap();
    assert_eq!(capture::read_all(&path).unwrap().len(), frames().len());
}

#[test]
fn capture_rejects_other_link_types_by_name() {
    let path = tmp("sll.pcap");
    std::fs::write(&path, classic(false, false, 113, &frames())).unwrap();
    let e = capture::open(&path).unwrap_err().to_string();
    assert!(e.contains("link type 113") && e.contains("not Ethernet") && e.contains("sll.pcap"), "{e}");
}

#[test]
fn capture_truncated_last_record_keeps_the_frames_before() {
    let fr = frames();
    let bytes = classic(false, false, 1, &fr);
    let path = tmp("cut.pcap");
    std::fs::write(&path, &bytes[..bytes.len() - 5]).unwrap();
    let mut ok = 0;
    let mut err = None;
    for r in capture::open(&path).unwrap() {
        match r {
            Ok(_) => ok += 1,
            Err(e) => err = Some(e),
        }
    }
    assert_eq!(ok, fr.len() - 1);
    let e = err.expect("the cut record is an error");
    assert_eq!(e.frames_read, (fr.len() - 1) as u64);
    assert!(e.reason.contains("truncated"), "{e}");
}

#[test]
fn capture_rejects_garbage_and_empty_files() {
    for (name, bytes) in [("empty.pcap", vec![]), ("short.pcap", vec![0xa1, 0xb2]), ("text.pcap", b"hello world, not a capture".to_vec())] {
        let path = tmp(name);
        std::fs::write(&path, bytes).unwrap();
        let e = capture::open(&path).unwrap_err().to_string();
        assert!(e.contains(name) && (e.contains("not a") || e.contains("only")), "{e}");
    }
    // A bare header is a valid, empty capture.
    let path = tmp("header-only.pcap");
    std::fs::write(&path, classic(false, false, 1, &[])).unwrap();
    assert!(capture::read_all(&path).unwrap().is_empty());
    let e = capture::open(&tmp("does-not-exist.pcap")).unwrap_err().to_string();
    assert!(e.contains("cannot open"), "{e}");
}

fn pcapng(interfaces: &[(DataLink, Option<u8>)], packets: &[(u32, u64, &[u8])]) -> Vec<u8> {
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    for &(lt, resol) in interfaces {
        let mut idb = InterfaceDescriptionBlock::new(lt, 65535);
        if let Some(r) = resol {
            idb.options.push(InterfaceDescriptionOption::IfTsResol(r));
        }
        w.write_pcapng_block(idb).unwrap();
    }
    for &(iface, units, data) in packets {
        let epb = EnhancedPacketBlock {
            interface_id: iface,
            timestamp: Duration::from_nanos(units),
            original_len: data.len() as u32,
            data: Cow::Borrowed(data),
            options: vec![],
        };
        w.write_pcapng_block(epb).unwrap();
    }
    w.into_inner()
}

#[test]
fn capture_reads_pcapng_with_several_interfaces_and_resolutions() {
    let fr = frames();
    // Interface 0 in microseconds (default), 1 in nanoseconds, 2 in 2^-10 s.
    let bytes = pcapng(
        &[(DataLink::ETHERNET, None), (DataLink::ETHERNET, Some(9)), (DataLink::ETHERNET, Some(0x80 | 10))],
        &[(0, 1_000_001, &fr[0]), (1, 2_000_000_002, &fr[1]), (2, 3 * 1024 + 512, &fr[2])],
    );
    let path = tmp("multi.pcapng");
    std::fs::write(&path, bytes).unwrap();
    let got = capture::read_all(&path).unwrap();
    assert_eq!(got.iter().map(|g| &g.data).collect::<Vec<_>>(), vec![&fr[0], &fr[1], &fr[2]]);
    assert_eq!(got[0].timestamp_ns, 1_000_001_000);
    assert_eq!(got[1].timestamp_ns, 2_000_000_002);
    assert_eq!(got[2].timestamp_ns, 3_500_000_000);
}

/// Simple packet blocks: the body is padded to 4 bytes and has no captured
/// length; the frame is the original length cut to the snap length.
#[test]
fn capture_pcapng_simple_packet_block_drops_padding_and_honours_snaplen() {
    let frame: Vec<u8> = (1..=20).collect();
    for (snaplen, orig, want) in [(65535u32, 13usize, 13usize), (0, 13, 13), (10, 20, 10), (65535, 20, 20)] {
        let mut w = PcapNgWriter::new(Vec::new()).unwrap();
        w.write_pcapng_block(InterfaceDescriptionBlock::new(DataLink::ETHERNET, snaplen)).unwrap();
        let body = &frame[..orig.min(if snaplen == 0 { orig } else { snaplen as usize })];
        w.write_pcapng_block(SimplePacketBlock { original_len: orig as u32, data: Cow::Borrowed(body) }).unwrap();
        let path = tmp("spb.pcapng");
        std::fs::write(&path, w.into_inner()).unwrap();
        let got = capture::read_all(&path).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].data, frame[..want], "snaplen {snaplen}, original length {orig}");
        assert_eq!(got[0].orig_len, orig as u32);
    }
    // A 13-byte frame is malformed (SPEC step 1), not its 16 padded bytes.
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    w.write_pcapng_block(InterfaceDescriptionBlock::new(DataLink::ETHERNET, 0)).unwrap();
    let runt = [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0x88];
    w.write_pcapng_block(SimplePacketBlock { original_len: 13, data: Cow::Borrowed(&runt[..]) }).unwrap();
    let path = tmp("spb-runt.pcapng");
    std::fs::write(&path, w.into_inner()).unwrap();
    let got = capture::read_all(&path).unwrap();
    assert_eq!(got[0].data, runt);
    let d = model::Distributor::new(&model::Config::builtin()).classify(&got[0].data, 0);
    assert_eq!(d.verdict, model::verdict::Verdict::Malformed);
}

#[test]
fn capture_truncated_file_header_says_so() {
    let whole = classic(false, false, 1, &[]);
    for cut in [10, 23] {
        let path = tmp("cut-header.pcap");
        std::fs::write(&path, &whole[..cut]).unwrap();
        let e = capture::open(&path).unwrap_err().to_string();
        assert!(e.contains("ends inside its file header"), "{e}");
    }
}

#[test]
fn capture_pcapng_non_ethernet_interface_is_an_error() {
    let fr = frames();
    let bytes = pcapng(&[(DataLink::ETHERNET, None), (DataLink::LINUX_SLL, None)], &[(0, 1, &fr[0])]);
    let path = tmp("sll.pcapng");
    std::fs::write(&path, bytes).unwrap();
    let e = capture::read_all(&path).unwrap_err().to_string();
    assert!(e.contains("interface 1") && e.contains("113"), "{e}");
    // A packet naming an interface that was never described.
    // (pcap-file will not write one: patch the second packet block's id.)
    let mut bytes = pcapng(&[(DataLink::ETHERNET, None)], &[(0, 1, &fr[0]), (0, 1, &fr[1])]);
    let big = bytes[8..12] == [0x1a, 0x2b, 0x3c, 0x4d];
    let u32_at = |b: &[u8], at: usize| {
        let w = [b[at], b[at + 1], b[at + 2], b[at + 3]];
        if big { u32::from_be_bytes(w) } else { u32::from_le_bytes(w) }
    };
    let (mut at, mut packets) = (0usize, 0);
    while at < bytes.len() {
        if u32_at(&bytes, at) == 6 {
            packets += 1;
            if packets == 2 {
                let id = if big { 4u32.to_be_bytes() } else { 4u32.to_le_bytes() };
                bytes[at + 8..at + 12].copy_from_slice(&id);
            }
        }
        at += u32_at(&bytes, at + 4) as usize;
    }
    assert_eq!(packets, 2);
    std::fs::write(&path, bytes).unwrap();
    let mut it = capture::open(&path).unwrap();
    assert!(it.next().unwrap().is_ok());
    let e = it.next().unwrap().unwrap_err();
    assert!(e.reason.contains("interface 4") && e.reason.contains("only interface 0"), "{e}");
    assert!(it.next().is_none(), "nothing after an error");
}

#[test]
fn capture_writer_round_trips_and_leaves_nothing_on_failure() {
    let fr = frames();
    let path = tmp("written.pcap");
    write_all(&path, fr.iter().map(|f| f.as_slice())).unwrap();
    let got = capture::read_all(&path).unwrap();
    assert_eq!(got.iter().map(|g| g.data.clone()).collect::<Vec<_>>(), fr);
    // Dropped before finish: neither the file nor its temporary remains.
    let path = tmp("abandoned.pcap");
    {
        let mut w = CaptureWriter::create(&path).unwrap();
        w.write(0, 60, &fr[0]).unwrap();
    }
    assert!(!path.exists());
    assert!(!tmp("abandoned.pcap.partial").exists());
}
