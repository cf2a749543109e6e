//! Source-NAT port choice (the patent's FIGURE 9).
//!
//! A TMM that rewrites a server-side connection must pick its source so
//! that the server's reply (server:P → S:X) is distributed back to itself:
//! X > P, so the distributor hashes the reply's destination (S, X), and
//! `table[group][Toeplitz(S‖X) & 0xFFF]` is this TMM, where the group is
//! the one the reply gets (first rule naming P *or* X).
//!
//! Toeplitz is linear in its input, so index(S‖X) = index(S‖0) XOR
//! index(0‖X): one 65,536-entry port table ([`PortTable`]) serves every
//! address, and testing a candidate port costs one load instead of a hash.
//! The iterative search (hash every candidate) is kept as the cross-check
//! (`*_by_search`).
//!
//! FIGURE 9's branches ([`server_side_source`]): source translated → a port
//! from the per-(address, TMM) allocator, trying the next pool address when
//! one is exhausted and refusing the connection when all are; destination
//! translated only → keep the client's port if the reply still reaches
//! this TMM, else a new client-side port; neither → nothing to choose.

use std::collections::VecDeque;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ahash::{AHashMap, AHashSet};

use crate::alloc_table::{AllocTable, INDEX_MASK, TABLE_ENTRIES};
use crate::config::{Config, Rule};
use crate::flow_key::{Addr16, FlowKey};
use crate::port_compare::{port_compare, rule_group, KeyChoice};
use crate::toeplitz::Toeplitz;

/// Number of port values.
pub const PORTS: usize = 1 << 16;

/// index(0‖X) for every port X, and the inverse: the ports grouped by it.
#[derive(Clone)]
pub struct PortTable {
    term: Box<[u16]>,
    /// Ports ordered by term (ascending within one term value).
    by_term: Box<[u16]>,
    /// `by_term[start[v]..start[v + 1]]` are the ports whose term is v.
    start: Box<[u32]>,
}

impl fmt::Debug for PortTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PortTable").finish_non_exhaustive()
    }
}

impl PortTable {
    /// Built from the two per-byte terms of the port bytes (positions 16, 17).
    pub fn new(toeplitz: &Toeplitz) -> Self {
        let hi: Vec<u32> = (0..=255u8).map(|b| toeplitz.byte_term(16, b)).collect();
        let lo: Vec<u32> = (0..=255u8).map(|b| toeplitz.byte_term(17, b)).collect();
        let term: Box<[u16]> = (0..PORTS).map(|x| ((hi[x >> 8] ^ lo[x & 0xff]) & INDEX_MASK) as u16).collect();
        let mut start = vec![0u32; TABLE_ENTRIES + 1];
        for &t in term.iter() {
            start[t as usize + 1] += 1;
        }
        for v in 0..TABLE_ENTRIES {
            start[v + 1] += start[v];
        }
        let mut fill: Vec<u32> = start[..TABLE_ENTRIES].to_vec();
        let mut by_term = vec![0u16; PORTS];
        for (x, &t) in term.iter().enumerate() {
            by_term[fill[t as usize] as usize] = x as u16;
            fill[t as usize] += 1;
        }
        PortTable { term, by_term: by_term.into(), start: start.into() }
    }

    /// index(0‖X).
    #[inline]
    pub fn term(&self, port: u16) -> u16 {
        self.term[port as usize]
    }

    /// The ports X with index(0‖X) == `value`, ascending.
    pub fn ports_with_term(&self, value: u16) -> &[u16] {
        let v = (value as u32 & INDEX_MASK) as usize;
        &self.by_term[self.start[v] as usize..self.start[v + 1] as usize]
    }
}

/// index(addr‖0): the address's part of every index on that address.
#[inline]
pub fn address_base(toeplitz: &Toeplitz, addr: &Addr16) -> u16 {
    (toeplitz.hash(&FlowKey::endpoint(addr, 0).0) & INDEX_MASK) as u16
}

/// An inclusive range of ports the allocator may hand out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortRange {
    pub lo: u16,
    pub hi: u16,
}

impl PortRange {
    /// Every non-privileged port: the most room above any server port.
    pub const DEFAULT: PortRange = PortRange { lo: 1024, hi: 65535 };

    pub fn contains(&self, port: u16) -> bool {
        (self.lo..=self.hi).contains(&port)
    }
}

impl Default for PortRange {
    fn default() -> Self {
        PortRange::DEFAULT
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.lo, self.hi)
    }
}

impl FromStr for PortRange {
    type Err = String;
    /// `LO-HI`, both 1–65535, LO ≤ HI (port 0 is not a usable source port).
    fn from_str(s: &str) -> Result<Self, String> {
        let (lo, hi) = s.split_once('-').ok_or_else(|| format!("port range {s:?} is not LO-HI"))?;
        let num = |p: &str| -> Result<u16, String> {
            p.trim().parse::<u16>().ok().filter(|&v| v > 0).ok_or_else(|| format!("port range {s:?}: {p:?} is not a port 1-65535"))
        };
        let (lo, hi) = (num(lo)?, num(hi)?);
        if lo > hi {
            return Err(format!("port range {s:?} is empty (LO > HI)"));
        }
        Ok(PortRange { lo, hi })
    }
}

/// Why no source could be chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnatError {
    /// No port of the range lies above the server port.
    NoPortAbove { server_port: u16, range: PortRange },
    /// Every fitting port of the range on this address is in use (or none
    /// fits: the TMM owns no entry of the reply's table).
    Exhausted { addr: IpAddr, tmm: u8, server_port: u16, group: u8, range: PortRange, in_use: usize },
    /// Source translation: every pool address is exhausted — the patent's
    /// last resort, the connection is refused.
    Refused { tmm: u8, server_port: u16, addresses: usize },
}

impl fmt::Display for SnatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnatError::NoPortAbove { server_port, range } => {
                write!(f, "no port of the range {range} is above the server port {server_port}")
            }
            SnatError::Exhausted { addr, tmm, server_port, group, range, in_use } => write!(
                f,
                "no free port in {range} on {addr} maps to TMM {tmm} above server port {server_port} (group {group}; {in_use} ports of this address and TMM in use)"
            ),
            SnatError::Refused { tmm, server_port, addresses } => write!(
                f,
                "connection refused: all {addresses} pool addresses are exhausted for TMM {tmm} toward server port {server_port}"
            ),
        }
    }
}

impl std::error::Error for SnatError {}

/// The port-choice view of a configured distributor: the tables, rules and
/// fixed TMMs the replies meet, plus the port table.
#[derive(Clone, Debug)]
pub struct SnatPorts {
    toeplitz: Toeplitz,
    ports: PortTable,
    tables: Vec<AllocTable>,
    rules: Vec<Rule>,
    fixed_tmm: Vec<u8>,
}

impl SnatPorts {
    pub fn new(config: &Config) -> Self {
        Self::with_tables(config, config.tables())
    }

    /// With given tables (one per group), as `Distributor::with_tables`.
    pub fn with_tables(config: &Config, tables: Vec<AllocTable>) -> Self {
        assert_eq!(tables.len(), config.groups.len(), "one table per group");
        let toeplitz = Toeplitz::new(&config.rss_key).expect("config validated the key length");
        SnatPorts {
            ports: PortTable::new(&toeplitz),
            toeplitz,
            tables,
            rules: config.rules.clone(),
            fixed_tmm: config.groups.iter().map(|g| g.fixed_tmm).collect(),
        }
    }

    pub fn port_table(&self) -> &PortTable {
        &self.ports
    }

    pub fn tables(&self) -> &[AllocTable] {
        &self.tables
    }

    pub fn toeplitz(&self) -> &Toeplitz {
        &self.toeplitz
    }

    pub fn base(&self, addr: &Addr16) -> u16 {
        address_base(&self.toeplitz, addr)
    }

    /// The group of a reply from server port `server_port` to port `x`.
    #[inline]
    pub fn reply_group(&self, server_port: u16, x: u16) -> u8 {
        rule_group(&self.rules, server_port, x)
    }

    /// The group of a reply from `server_port` to a port no rule names.
    #[inline]
    pub fn usual_group(&self, server_port: u16) -> u8 {
        self.rules.iter().find(|r| r.port == server_port).map_or(0, |r| r.group)
    }

    /// The TMM the distributor sends the reply server:server_port →
    /// addr:port to (SPEC steps 7 and 9, whichever side is hashed).
    pub fn reply_tmm(&self, server: &Addr16, server_port: u16, addr: &Addr16, port: u16) -> u8 {
        match port_compare(&self.rules, server, addr, server_port, port) {
            KeyChoice::Fixed { group } => self.fixed_tmm[group as usize],
            KeyChoice::Hashed { group, key } => {
                self.tables[group as usize].get((self.toeplitz.hash(&key.0) & INDEX_MASK) as usize)
            }
        }
    }

    /// Table path: does source port `x` on the address with index base
    /// `base` bring replies from `server_port` back to `tmm`?
    #[inline]
    pub fn fits(&self, base: u16, tmm: u8, server_port: u16, x: u16) -> bool {
        x > server_port
            && self.tables[self.reply_group(server_port, x) as usize].get((base ^ self.ports.term(x)) as usize) == tmm
    }

    /// Iterative path: the same question answered by hashing (S, X).
    #[inline]
    pub fn fits_by_search(&self, addr: &Addr16, tmm: u8, server_port: u16, x: u16) -> bool {
        x > server_port
            && self.tables[self.reply_group(server_port, x) as usize]
                .get((self.toeplitz.hash(&FlowKey::endpoint(addr, x).0) & INDEX_MASK) as usize)
                == tmm
    }

    /// Every fitting port in `range`, ascending (table path): the buckets
    /// of the indices `tmm` owns in the reply's usual group, re-checked
    /// where a port is itself a rule port (its reply may change group),
    /// plus the rule ports that fit through their own group.
    pub fn candidates(&self, addr: &Addr16, tmm: u8, server_port: u16, range: PortRange) -> Vec<u16> {
        let base = self.base(addr);
        let table = &self.tables[self.usual_group(server_port) as usize];
        let is_rule_port = |x: u16| self.rules.iter().any(|r| r.port == x);
        let mut out: Vec<u16> = Vec::new();
        for index in 0..TABLE_ENTRIES {
            if table.get(index) != tmm {
                continue;
            }
            for &x in self.ports.ports_with_term(base ^ index as u16) {
                if range.contains(x) && x > server_port && !is_rule_port(x) {
                    out.push(x);
                }
            }
        }
        out.extend(self.rules.iter().map(|r| r.port).filter(|&x| range.contains(x) && self.fits(base, tmm, server_port, x)));
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The same set by hashing every port of the range (the cross-check).
    pub fn candidates_by_search(&self, addr: &Addr16, tmm: u8, server_port: u16, range: PortRange) -> Vec<u16> {
        self.fitting_ports_by_search(addr, tmm, server_port, range).collect()
    }

    /// The fitting ports in `range`, ascending (stateless, table path).
    pub fn fitting_ports<'a>(&'a self, addr: &Addr16, tmm: u8, server_port: u16, range: PortRange) -> impl Iterator<Item = u16> + 'a {
        let base = self.base(addr);
        let from = range.lo.max(server_port.saturating_add(1));
        let to = if server_port >= range.hi { 0 } else { range.hi };
        (from..=to).filter(move |&x| self.fits(base, tmm, server_port, x))
    }

    /// The same by hashing every candidate (the patent's iterative search).
    pub fn fitting_ports_by_search<'a>(&'a self, addr: &Addr16, tmm: u8, server_port: u16, range: PortRange) -> impl Iterator<Item = u16> + 'a {
        let addr = *addr;
        let from = range.lo.max(server_port.saturating_add(1));
        let to = if server_port >= range.hi { 0 } else { range.hi };
        (from..=to).filter(move |&x| self.fits_by_search(&addr, tmm, server_port, x))
    }

    /// The lowest `count` fitting ports in `range` (table path).
    pub fn first_ports(&self, addr: &Addr16, tmm: u8, server_port: u16, range: PortRange, count: usize) -> Vec<u16> {
        self.fitting_ports(addr, tmm, server_port, range).take(count).collect()
    }

    /// Ports on `addr` per TMM in each group, over every port 0–65535 (the
    /// reply's group as the group's table alone decides it: no rules).
    pub fn ports_per_tmm(&self, addr: &Addr16) -> Vec<[u32; 256]> {
        let base = self.base(addr);
        self.tables
            .iter()
            .map(|table| {
                let mut per = [0u32; 256];
                for x in 0..PORTS {
                    per[table.get((base ^ self.ports.term[x]) as usize) as usize] += 1;
                }
                per
            })
            .collect()
    }
}

/// Ports handed out on one (address, TMM): next-fit from a cursor, so
/// consecutive choices spread over the range and a freed port is reused
/// late (as operating systems do with ephemeral ports). Once a short scan
/// finds nothing (the address is filling up), the allocator switches to a
/// queue of the ports that fit the reply's group, built from the port
/// table's buckets, so a busy address does not rescan its used ports.
#[derive(Clone, Debug)]
pub struct PortAllocator {
    addr: Addr16,
    base: u16,
    tmm: u8,
    range: PortRange,
    used: AHashSet<u16>,
    cursor: u16,
    /// Per usual group: fitting ports not ruled by a rule, in range, in the
    /// order to hand them out (lazily checked: a popped port may be used).
    queues: AHashMap<u8, VecDeque<u16>>,
}

/// Candidates a next-fit scan tries before the allocator builds a queue:
/// a free address yields a port within about N tries for N TMMs.
const SHORT_SCAN: u32 = 64;

impl PortAllocator {
    pub fn new(snat: &SnatPorts, addr: Addr16, tmm: u8, range: PortRange) -> Self {
        PortAllocator { base: snat.base(&addr), addr, tmm, range, used: AHashSet::new(), cursor: range.lo, queues: AHashMap::new() }
    }

    pub fn addr(&self) -> &Addr16 {
        &self.addr
    }

    pub fn in_use(&self) -> usize {
        self.used.len()
    }

    pub fn is_used(&self, port: u16) -> bool {
        self.used.contains(&port)
    }

    /// A free fitting port toward `server_port` (table path).
    pub fn alloc(&mut self, snat: &SnatPorts, server_port: u16) -> Result<u16, SnatError> {
        let (base, tmm) = (self.base, self.tmm);
        let fits = |x: u16| snat.fits(base, tmm, server_port, x);
        let group = snat.usual_group(server_port);
        // The queue serves only server ports below the range (then every
        // queued port is above them: the common case).
        if server_port < self.range.lo {
            if !self.queues.contains_key(&group) {
                if let Some(x) = self.scan(server_port, SHORT_SCAN, fits) {
                    return Ok(x);
                }
                let queue = self.build_queue(snat, group);
                self.queues.insert(group, queue);
            }
            let queue = self.queues.get_mut(&group).expect("built above");
            while let Some(x) = queue.pop_front() {
                if !self.used.contains(&x) && fits(x) {
                    self.used.insert(x);
                    return Ok(x);
                }
            }
            // The queue holds every free fitting port but the rule ports.
            for x in snat.rules.iter().map(|r| r.port) {
                if self.range.contains(x) && !self.used.contains(&x) && fits(x) {
                    self.used.insert(x);
                    return Ok(x);
                }
            }
            return Err(self.exhausted(snat, server_port));
        }
        // Server ports inside the range: the full scan.
        self.next_fit(snat, server_port, fits)
    }

    fn exhausted(&self, snat: &SnatPorts, server_port: u16) -> SnatError {
        SnatError::Exhausted {
            addr: to_ip(&self.addr),
            tmm: self.tmm,
            server_port,
            group: snat.usual_group(server_port),
            range: self.range,
            in_use: self.used.len(),
        }
    }

    /// Ports of the range whose reply index belongs to this TMM in
    /// `group`'s table, rule ports left out, from the cursor on.
    fn build_queue(&self, snat: &SnatPorts, group: u8) -> VecDeque<u16> {
        let table = &snat.tables[group as usize];
        let mut ports: Vec<u16> = (0..TABLE_ENTRIES)
            .filter(|&i| table.get(i) == self.tmm)
            .flat_map(|i| snat.ports.ports_with_term(self.base ^ i as u16).iter().copied())
            .filter(|&x| self.range.contains(x) && !snat.rules.iter().any(|r| r.port == x) && !self.used.contains(&x))
            .collect();
        ports.sort_unstable();
        let split = ports.partition_point(|&x| x < self.cursor);
        ports.rotate_left(split);
        ports.into()
    }

    /// Next-fit over at most `tries` ports from the cursor.
    fn scan(&mut self, server_port: u16, tries: u32, fits: impl Fn(u16) -> bool) -> Option<u16> {
        if server_port >= self.range.hi {
            return None;
        }
        let start = self.range.lo.max(server_port + 1);
        let hi = self.range.hi;
        let mut x = if (start..=hi).contains(&self.cursor) { self.cursor } else { start };
        for _ in 0..tries.min(u32::from(hi - start) + 1) {
            if !self.used.contains(&x) && fits(x) {
                self.used.insert(x);
                self.cursor = if x == hi { start } else { x + 1 };
                return Some(x);
            }
            x = if x == hi { start } else { x + 1 };
        }
        None
    }

    /// The same with every candidate hashed (the patent's iterative
    /// search; the cross-check and the benchmark's baseline).
    pub fn alloc_by_search(&mut self, snat: &SnatPorts, server_port: u16) -> Result<u16, SnatError> {
        let (addr, tmm) = (self.addr, self.tmm);
        self.next_fit(snat, server_port, |x| snat.fits_by_search(&addr, tmm, server_port, x))
    }

    fn next_fit(&mut self, snat: &SnatPorts, server_port: u16, fits: impl Fn(u16) -> bool) -> Result<u16, SnatError> {
        if server_port >= self.range.hi {
            return Err(SnatError::NoPortAbove { server_port, range: self.range });
        }
        if let Some(x) = self.scan(server_port, u32::MAX, fits) {
            return Ok(x);
        }
        Err(self.exhausted(snat, server_port))
    }

    /// Mark a port chosen elsewhere (a kept client port) as in use; false
    /// if it already was.
    pub fn reserve(&mut self, port: u16) -> bool {
        self.used.insert(port)
    }

    /// Give a port back (connection closed); false if it was not in use.
    pub fn release(&mut self, port: u16) -> bool {
        let was = self.used.remove(&port);
        if was {
            // Back to the end of every queue (a port fitting another group
            // is dropped when popped there).
            for queue in self.queues.values_mut() {
                queue.push_back(port);
            }
        }
        was
    }
}

/// The 16-byte form back to an address (IPv4-mapped → IPv4).
pub fn to_ip(addr: &Addr16) -> IpAddr {
    if addr[..10].iter().all(|&b| b == 0) && addr[10] == 0xff && addr[11] == 0xff {
        IpAddr::from([addr[12], addr[13], addr[14], addr[15]])
    } else {
        IpAddr::from(*addr)
    }
}

/// Every (address, TMM) allocator of one distributor's TMMs, made on
/// first use.
#[derive(Clone, Debug, Default)]
pub struct PortAllocators {
    range: PortRange,
    map: AHashMap<(Addr16, u8), PortAllocator>,
}

impl PortAllocators {
    pub fn new(range: PortRange) -> Self {
        PortAllocators { range, map: AHashMap::new() }
    }

    pub fn range(&self) -> PortRange {
        self.range
    }

    pub fn get_mut(&mut self, snat: &SnatPorts, addr: &Addr16, tmm: u8) -> &mut PortAllocator {
        let range = self.range;
        self.map.entry((*addr, tmm)).or_insert_with(|| PortAllocator::new(snat, *addr, tmm, range))
    }

    /// Source translation: a port on the first pool address that has one
    /// (the patent's fallback to another address), else refuse.
    pub fn alloc_from_pool(&mut self, snat: &SnatPorts, pool: &[Addr16], tmm: u8, server_port: u16) -> Result<Endpoint, SnatError> {
        for addr in pool {
            match self.get_mut(snat, addr, tmm).alloc(snat, server_port) {
                Ok(port) => return Ok(Endpoint { addr: *addr, port }),
                Err(SnatError::Exhausted { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(SnatError::Refused { tmm, server_port, addresses: pool.len() })
    }

    /// Give back a port handed out (or reserved) on (addr, TMM).
    pub fn release(&mut self, addr: &Addr16, tmm: u8, port: u16) -> bool {
        self.map.get_mut(&(*addr, tmm)).is_some_and(|a| a.release(port))
    }

    /// Ports in use over every allocator.
    pub fn in_use(&self) -> usize {
        self.map.values().map(PortAllocator::in_use).sum()
    }
}

/// One end of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    pub addr: Addr16,
    pub port: u16,
}

/// What a TMM rewrites on the server side (FIGURE 9's branches).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Translation {
    /// Neither address changes (a firewall): the reply is the exact reverse.
    None,
    /// Destination only (DNAT to a real server); the client's source stays.
    Destination,
    /// Source only (SNAT): the TMM's pool address and a chosen port.
    Source,
    /// Both (a full proxy): handled as source translation.
    Both,
}

/// The server-side source and whether a port was taken from (or reserved
/// in) an allocator, to be released when the connection closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceChoice {
    pub source: Endpoint,
    pub held: bool,
}

/// FIGURE 9: the source TMM `tmm` uses toward `server` (the destination
/// after any DNAT) for a connection from `client`. `pool` holds the source
/// addresses of the server's family, tried in order.
///
/// Destination only: the client's port is kept when the reply (server →
/// client) still reaches this TMM — always so when the client endpoint is
/// hashed on both legs in the same group, which is the patent's "the port
/// comparison picks the same side"; the model checks the outcome itself,
/// which also catches a group change (e.g. VIP port 443 in group 1, server
/// port 8443 in group 0). Otherwise a new client-side port above the
/// server port is allocated on the client's address.
pub fn server_side_source(
    snat: &SnatPorts,
    allocs: &mut PortAllocators,
    pool: &[Addr16],
    tmm: u8,
    translation: Translation,
    client: Endpoint,
    server: Endpoint,
) -> Result<SourceChoice, SnatError> {
    match translation {
        Translation::None => Ok(SourceChoice { source: client, held: false }),
        Translation::Destination => {
            let allocator = allocs.get_mut(snat, &client.addr, tmm);
            if snat.reply_tmm(&server.addr, server.port, &client.addr, client.port) == tmm && allocator.reserve(client.port) {
                return Ok(SourceChoice { source: client, held: true });
            }
            let port = allocator.alloc(snat, server.port)?;
            Ok(SourceChoice { source: Endpoint { addr: client.addr, port }, held: true })
        }
        Translation::Source | Translation::Both => {
            Ok(SourceChoice { source: allocs.alloc_from_pool(snat, pool, tmm, server.port)?, held: true })
        }
    }
}
