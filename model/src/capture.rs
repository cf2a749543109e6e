//! Packet captures in and out: classic pcap (either byte order, µs or ns)
//! and pcapng (any number of interfaces and sections, any timestamp
//! resolution), read through the pcap-file crate. Only Ethernet is
//! accepted. A frame is its captured bytes.

use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use pcap_file::pcap::{PcapHeader, PcapPacket, PcapReader, PcapWriter};
use pcap_file::pcapng::blocks::interface_description::InterfaceDescriptionOption;
use pcap_file::pcapng::{Block, PcapNgReader};
use pcap_file::{DataLink, Endianness, PcapError, TsResolution};

/// LINKTYPE_ETHERNET.
pub const LINKTYPE_ETHERNET: u32 = 1;
/// In classic pcap the link type is the low 26 bits; the upper bits
/// describe the FCS (libpcap's LT_LINKTYPE).
const LINKTYPE_MASK: u32 = 0x03ff_ffff;
/// Snap length written to the captures flowdist makes.
pub const WRITE_SNAPLEN: u32 = 262_144;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub data: Vec<u8>,
    /// Nanoseconds since the epoch.
    pub timestamp_ns: u64,
    pub orig_len: u32,
}

#[derive(Debug)]
pub struct CaptureError {
    pub path: PathBuf,
    /// Frames read whole before the problem.
    pub frames_read: u64,
    pub reason: String,
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

impl std::error::Error for CaptureError {}

fn link_name(lt: u32) -> String {
    let known = match lt {
        0 => "NULL (BSD loopback)",
        101 => "RAW (raw IP)",
        113 => "LINUX_SLL (Linux cooked v1)",
        228 => "IPV4",
        229 => "IPV6",
        276 => "LINUX_SLL2 (Linux cooked v2)",
        _ => "",
    };
    if known.is_empty() { format!("{lt}") } else { format!("{lt} {known}") }
}

struct Interface {
    /// Seconds per timestamp unit, as (numerator base, exponent): 10^-e or 2^-e.
    resol: (u64, u32),
    offset_s: u64,
    /// Bytes captured at most per packet; 0: no limit.
    snaplen: u32,
}

enum Inner {
    Pcap { reader: PcapReader<File>, nanos: bool },
    PcapNg { reader: PcapNgReader<File>, interfaces: Vec<Interface> },
}

/// A capture being read frame by frame.
pub struct CaptureReader {
    path: PathBuf,
    inner: Inner,
    frames: u64,
    failed: bool,
}

impl fmt::Debug for CaptureReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CaptureReader({})", self.path.display())
    }
}

/// `inside`: the part of the file being read ("a record", "its header").
fn pcap_reason(e: &PcapError, inside: &str) -> String {
    match e {
        PcapError::IncompleteBuffer => format!("truncated (the file ends inside {inside})"),
        PcapError::IoError(io) if io.kind() == io::ErrorKind::UnexpectedEof => {
            format!("truncated (the file ends inside {inside})")
        }
        PcapError::IoError(io) => format!("read error: {io}"),
        other => format!("corrupt: {other}"),
    }
}

/// Open a capture file, checking its header and link type.
pub fn open(path: &Path) -> Result<CaptureReader, CaptureError> {
    let fail = |reason: String| CaptureError { path: path.to_path_buf(), frames_read: 0, reason };
    let mut file = File::open(path).map_err(|e| fail(format!("cannot open: {e}")))?;
    let mut magic = [0u8; 4];
    let got = read_up_to(&mut file, &mut magic).map_err(|e| fail(format!("read error: {e}")))?;
    if got < 4 {
        return Err(fail(format!("not a capture: only {got} bytes")));
    }
    let file = File::open(path).map_err(|e| fail(format!("cannot open: {e}")))?;
    let inner = match magic {
        [0x0a, 0x0d, 0x0d, 0x0a] => {
            let reader = PcapNgReader::new(file).map_err(|e| fail(format!("not a valid pcapng file: {}", pcap_reason(&e, "its section header"))))?;
            // Interfaces follow the section header as blocks: checked when met.
            Inner::PcapNg { reader, interfaces: Vec::new() }
        }
        [0xa1, 0xb2, 0xc3, 0xd4] | [0xd4, 0xc3, 0xb2, 0xa1] | [0xa1, 0xb2, 0x3c, 0x4d] | [0x4d, 0x3c, 0xb2, 0xa1] => {
            let reader = PcapReader::new(file).map_err(|e| fail(format!("not a valid pcap file: {}", pcap_reason(&e, "its file header"))))?;
            let header = reader.header();
            let lt = u32::from(header.datalink) & LINKTYPE_MASK;
            if lt != LINKTYPE_ETHERNET {
                return Err(fail(format!("link type {} is not Ethernet (1): flowdist takes Ethernet frames only", link_name(lt))));
            }
            let nanos = header.ts_resolution == TsResolution::NanoSecond;
            Inner::Pcap { reader, nanos }
        }
        m => {
            return Err(fail(format!(
                "not a pcap or pcapng file (starts {:02x}{:02x}{:02x}{:02x})",
                m[0], m[1], m[2], m[3]
            )))
        }
    };
    Ok(CaptureReader { path: path.to_path_buf(), inner, frames: 0, failed: false })
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn scale_ts(units: u64, i: &Interface) -> u64 {
    let (base, exp) = i.resol;
    let per_second = (base as u128).pow(exp);
    let ns = (units as u128) * 1_000_000_000 / per_second.max(1);
    (ns as u64).wrapping_add(i.offset_s.wrapping_mul(1_000_000_000))
}

impl CaptureReader {
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&mut self, reason: String) -> Option<Result<Frame, CaptureError>> {
        self.failed = true;
        Some(Err(CaptureError { path: self.path.clone(), frames_read: self.frames, reason }))
    }

    fn next_frame(&mut self) -> Option<Result<Frame, CaptureError>> {
        if self.failed {
            return None;
        }
        match &mut self.inner {
            Inner::Pcap { reader, nanos } => {
                // Raw records: pcap-file's checked packets reject an
                // orig_len above the snap length, which real captures have.
                let nanos = *nanos;
                match reader.next_raw_packet()? {
                    Ok(raw) => {
                        let frac = if nanos { u64::from(raw.ts_frac) } else { u64::from(raw.ts_frac) * 1000 };
                        Some(Ok(Frame {
                            data: raw.data.into_owned(),
                            timestamp_ns: u64::from(raw.ts_sec) * 1_000_000_000 + frac,
                            orig_len: raw.orig_len,
                        }))
                    }
                    Err(e) => {
                        let reason = format!("record {}: {}", self.frames + 1, pcap_reason(&e, "a record"));
                        self.error(reason)
                    }
                }
            }
            Inner::PcapNg { reader, interfaces } => loop {
                let block = match reader.next_block()? {
                    Ok(b) => b,
                    Err(e) => {
                        let reason = format!("block after frame {}: {}", self.frames, pcap_reason(&e, "a block"));
                        return self.error(reason);
                    }
                };
                let (iface, units, orig_len, data) = match block {
                    Block::SectionHeader(_) => {
                        interfaces.clear();
                        continue;
                    }
                    Block::InterfaceDescription(idb) => {
                        let lt = u32::from(idb.linktype);
                        if lt != LINKTYPE_ETHERNET {
                            let reason = format!(
                                "interface {} has link type {}, not Ethernet (1): flowdist takes Ethernet frames only",
                                interfaces.len(),
                                link_name(lt)
                            );
                            return self.error(reason);
                        }
                        let mut resol = (10, 6);
                        let mut offset_s = 0;
                        for o in &idb.options {
                            match o {
                                InterfaceDescriptionOption::IfTsResol(r) => {
                                    resol = if r & 0x80 != 0 { (2, u32::from(r & 0x7f)) } else { (10, u32::from(*r)) };
                                }
                                InterfaceDescriptionOption::IfTsOffset(off) => offset_s = *off,
                                _ => {}
                            }
                        }
                        interfaces.push(Interface { resol, offset_s, snaplen: idb.snaplen });
                        continue;
                    }
                    // pcap-file stores the raw timestamp units as nanoseconds.
                    Block::EnhancedPacket(epb) => {
                        (Some(epb.interface_id as usize), epb.timestamp.as_nanos() as u64, epb.original_len, epb.data)
                    }
                    Block::Packet(pb) => (Some(pb.interface_id as usize), pb.timestamp, pb.original_len, pb.data),
                    Block::SimplePacket(spb) => (None, 0, spb.original_len, spb.data),
                    _ => continue,
                };
                let Some(i) = interfaces.get(iface.unwrap_or(0)) else {
                    let described = match interfaces.len() {
                        0 => "no interface".to_string(),
                        1 => "only interface 0".to_string(),
                        n => format!("only interfaces 0 to {}", n - 1),
                    };
                    let reason = format!(
                        "frame {} names interface {} but the section describes {described}",
                        self.frames + 1,
                        iface.unwrap_or(0)
                    );
                    return self.error(reason);
                };
                let mut data = data.into_owned();
                if iface.is_none() {
                    // A simple packet block has no captured length: its body
                    // is padded to 4 bytes, and the captured bytes are the
                    // original length cut to the interface's snap length.
                    let snap = if i.snaplen == 0 { u32::MAX } else { i.snaplen };
                    data.truncate(orig_len.min(snap) as usize);
                }
                let timestamp_ns = if iface.is_some() { scale_ts(units, i) } else { 0 };
                return Some(Ok(Frame { data, timestamp_ns, orig_len }));
            },
        }
    }
}

impl Iterator for CaptureReader {
    type Item = Result<Frame, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        let r = self.next_frame();
        if let Some(Ok(_)) = r {
            self.frames += 1;
        }
        r
    }
}

/// Read a whole capture into memory.
pub fn read_all(path: &Path) -> Result<Vec<Frame>, CaptureError> {
    open(path)?.collect()
}

/// A classic pcap (nanosecond, little-endian, Ethernet) written to a
/// temporary name and renamed into place only by `finish`, so a failed run
/// never leaves a file that looks complete.
pub struct CaptureWriter {
    path: PathBuf,
    tmp: PathBuf,
    writer: Option<PcapWriter<BufWriter<File>>>,
}

impl CaptureWriter {
    pub fn create(path: &Path) -> io::Result<Self> {
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".partial");
        let tmp = PathBuf::from(tmp);
        let file = BufWriter::new(File::create(&tmp)?);
        let header = PcapHeader {
            version_major: 2,
            version_minor: 4,
            ts_correction: 0,
            ts_accuracy: 0,
            snaplen: WRITE_SNAPLEN,
            datalink: DataLink::ETHERNET,
            ts_resolution: TsResolution::NanoSecond,
            endianness: Endianness::Little,
        };
        let writer = PcapWriter::with_header(file, header).map_err(|e| io::Error::other(e.to_string()))?;
        Ok(CaptureWriter { path: path.to_path_buf(), tmp, writer: Some(writer) })
    }

    pub fn write(&mut self, timestamp_ns: u64, orig_len: u32, data: &[u8]) -> io::Result<()> {
        let data = &data[..data.len().min(WRITE_SNAPLEN as usize)];
        let ts = std::time::Duration::from_nanos(timestamp_ns);
        let orig_len = orig_len.max(data.len() as u32);
        let writer = self.writer.as_mut().expect("not finished");
        writer
            .write_packet(&PcapPacket::new(ts, orig_len, data))
            .map(|_| ())
            .map_err(|e| io::Error::other(e.to_string()))
    }

    /// Flush and move the file into place.
    pub fn finish(mut self) -> io::Result<PathBuf> {
        let writer = self.writer.take().expect("finished once");
        writer.into_writer().flush()?;
        std::fs::rename(&self.tmp, &self.path)?;
        Ok(self.path.clone())
    }
}

impl Drop for CaptureWriter {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Write frames (already in memory) as a complete capture.
pub fn write_all<'a>(path: &Path, frames: impl IntoIterator<Item = &'a [u8]>) -> io::Result<()> {
    let mut w = CaptureWriter::create(path)?;
    for (i, f) in frames.into_iter().enumerate() {
        w.write(i as u64 * 1_000, f.len() as u32, f)?;
    }
    w.finish().map(|_| ())
}
