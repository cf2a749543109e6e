//! The decision for one frame, as every implementation must report it.

use std::fmt;

use crate::flow_key::FlowKey;

/// Only the first `WINDOW` bytes of a frame are examined.
pub const WINDOW: usize = 128;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    Bridge,
    Control,
    Malformed,
    Fragment,
    Fixed,
    L4,
    L3,
    Bypass,
}

impl Verdict {
    pub const ALL: [Verdict; 8] = [
        Verdict::Bridge,
        Verdict::Control,
        Verdict::Malformed,
        Verdict::Fragment,
        Verdict::Fixed,
        Verdict::L4,
        Verdict::L3,
        Verdict::Bypass,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Bridge => "bridge",
            Verdict::Control => "control",
            Verdict::Malformed => "malformed",
            Verdict::Fragment => "fragment",
            Verdict::Fixed => "fixed",
            Verdict::L4 => "l4",
            Verdict::L3 => "l3",
            Verdict::Bypass => "bypass",
        }
    }

    /// Verdicts that send the frame to a TMM (and so may rewrite its MAC).
    pub fn to_tmm(self) -> bool {
        matches!(self, Verdict::Fixed | Verdict::L4 | Verdict::L3)
    }

    /// Verdicts that carry a key, hash and table index.
    pub fn hashed(self) -> bool {
        matches!(self, Verdict::L4 | Verdict::L3)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything SPEC's CSV row says about one frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    pub verdict: Verdict,
    /// Decided on the inner header of an ICMP error.
    pub inner: bool,
    pub group: Option<u8>,
    pub key: Option<FlowKey>,
    pub hash: Option<u32>,
    pub index: Option<u16>,
    pub tmm: Option<u8>,
    pub port: u8,
}

impl Decision {
    /// A decision with no group, key or TMM (bridge, control, …).
    pub fn plain(verdict: Verdict, port: u8) -> Self {
        Decision { verdict, inner: false, group: None, key: None, hash: None, index: None, tmm: None, port }
    }

    pub const CSV_HEADER: &'static str = "frame,verdict,inner,group,key,hash,index,tmm,port";

    /// SPEC's CSV row, `frame` 1-based.
    pub fn csv_row(&self, frame: u64) -> String {
        fn opt<T: fmt::Display>(v: Option<T>) -> String {
            v.map(|v| v.to_string()).unwrap_or_default()
        }
        format!(
            "{},{},{},{},{},{},{},{},{}",
            frame,
            self.verdict,
            u8::from(self.inner),
            opt(self.group),
            opt(self.key),
            self.hash.map(|h| format!("{h:08x}")).unwrap_or_default(),
            opt(self.index),
            opt(self.tmm),
            self.port
        )
    }
}
