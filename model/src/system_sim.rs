//! Whole-system simulation: clients, the distributor, N TMMs that proxy
//! with NAT, and servers that answer.
//!
//! Each conversation: the client's packets (client → service) go through
//! the distributor; the TMM that receives the first one owns the
//! connection. It translates per FIGURE 9 ([`crate::snat`]) and sends to
//! the server; every server answer (server → the translated source) goes
//! through the distributor again and must reach the owner. TMM → server and
//! TMM → client packets leave on the TMM-side path (the distributor's
//! bypass ports) and are not classified.
//!
//! The same run with [`PortPolicy::Random`] is the baseline of a NAT that
//! ignores the distributor. [`System::weights_change`] measures how many of
//! the open connections a table change breaks.

use std::collections::VecDeque;
use std::net::IpAddr;

use ahash::AHashSet;

use crate::alloc_table::{target_counts, AllocTable, TableError, Weights, TABLE_ENTRIES};
use crate::classify::Distributor;
use crate::config::{Config, Mac};
use crate::eth_parse::{be16, eth_parse, ETHERTYPE_IPV4, ETHERTYPE_IPV6};
use crate::flow_key::{addr16, Addr16};
use crate::frame_build::{ethernet, random_flow, Flow, Rng, CLIENT_MAC, SERVER_MAC};
use crate::ip_parse::ip_parse;
use crate::port_compare::has_ports;
use crate::snat::{server_side_source, to_ip, Endpoint, PortAllocators, PortRange, SnatError, SnatPorts, Translation};
use crate::verdict::Decision;

/// One client connection and how many packets go each way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conversation {
    /// The client's direction: client → service address and port.
    pub flow: Flow,
    pub to_server: u32,
    pub to_client: u32,
}

/// `n` random conversations (client ephemeral port → well-known service),
/// 1–4 packets each way.
pub fn conversations_random(seed: u64, n: usize) -> Vec<Conversation> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let flow = random_flow(&mut rng);
            Conversation { flow, to_server: 1 + rng.below(4) as u32, to_client: 1 + rng.below(4) as u32 }
        })
        .collect()
}

/// The conversations of a capture: TCP, UDP and SCTP packets grouped by
/// their address and port pairs, the client being the source of the first
/// packet seen. A conversation seen one way only gets one answer from the
/// simulated server. Returns them in order of first packet, and the number
/// of frames that carry no such packet (ARP, ICMP, fragments, runts …).
pub fn conversations_from_frames<'a>(frames: impl IntoIterator<Item = &'a [u8]>) -> (Vec<Conversation>, usize) {
    let mut index: ahash::AHashMap<(u8, Endpoint, Endpoint), usize> = ahash::AHashMap::new();
    let mut out: Vec<Conversation> = Vec::new();
    let mut skipped = 0;
    for frame in frames {
        let Some((proto, src, dst)) = transport_endpoints(frame) else {
            skipped += 1;
            continue;
        };
        if let Some(&i) = index.get(&(proto, src, dst)) {
            out[i].to_server += 1;
        } else if let Some(&i) = index.get(&(proto, dst, src)) {
            out[i].to_client += 1;
        } else {
            index.insert((proto, src, dst), out.len());
            let flow = Flow { src: to_ip(&src.addr), dst: to_ip(&dst.addr), proto, sport: src.port, dport: dst.port };
            out.push(Conversation { flow, to_server: 1, to_client: 0 });
        }
    }
    for c in &mut out {
        c.to_client = c.to_client.max(1);
    }
    (out, skipped)
}

fn transport_endpoints(frame: &[u8]) -> Option<(u8, Endpoint, Endpoint)> {
    let eth = eth_parse(frame, None).ok()?;
    let ip = ip_parse(frame, eth.family, eth.l3).ok()?;
    if !has_ports(ip.proto) || frame.len() < ip.l4 + 4 {
        return None;
    }
    Some((
        ip.proto,
        Endpoint { addr: ip.src, port: be16(frame, ip.l4) },
        Endpoint { addr: ip.dst, port: be16(frame, ip.l4 + 2) },
    ))
}

/// How TMMs choose the server-side source port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortPolicy {
    /// FIGURE 9 with the port table: replies come back to the owner.
    Table,
    /// Baseline: a random free port (source translation) or always the
    /// client's port (destination only), as a NAT unaware of the
    /// distributor would do.
    Random,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SimOptions {
    pub translation: Translation,
    pub policy: PortPolicy,
    pub range: PortRange,
    /// Connections open at once; the oldest closes (its port is released)
    /// when another opens beyond this.
    pub open: usize,
    pub seed: u64,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions { translation: Translation::Both, policy: PortPolicy::Table, range: PortRange::DEFAULT, open: 10_000, seed: 1 }
    }
}

/// Counts of one run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SimStats {
    pub connections: u64,
    /// Connections the owner could not translate (no port left anywhere).
    pub refused: u64,
    pub first_refusal: Option<String>,
    /// Client packets through the distributor, and those that reached the owner.
    pub to_server: u64,
    pub to_server_on_owner: u64,
    /// Server answers through the distributor, and those that reached the owner.
    pub to_client: u64,
    pub to_client_on_owner: u64,
    /// Σ over answers of the owner's share of the answer's table: the
    /// answers expected on the owner if ports were random.
    pub to_client_owner_share: f64,
    /// Destination-only translation: client ports kept / replaced.
    pub ports_kept: u64,
    pub ports_replaced: u64,
    /// Server-side address and port pairs used by two open connections.
    pub tuple_clashes: u64,
    pub closed: u64,
}

impl SimStats {
    pub fn packets(&self) -> u64 {
        self.to_server + self.to_client
    }
}

/// An open connection as the TMMs hold it.
#[derive(Clone, Copy, Debug)]
pub struct OpenConnection {
    pub owner: u8,
    /// Client → service, as the client sends it.
    pub client_flow: Flow,
    /// Server → translated source, as the server answers.
    pub reply_flow: Flow,
    /// The table entries (group, index) the two directions use, if hashed.
    pub entries: [Option<(u8, u16)>; 2],
    source: Endpoint,
    held: bool,
}

/// Source addresses for translation: a small pool per family, shared by
/// every TMM (the port table splits each address's ports among them).
pub const POOL_SIZE: u8 = 4;
/// Real servers behind each service address for destination translation.
pub const BACKENDS: u8 = 8;

fn pool(v6: bool) -> Vec<Addr16> {
    (1..=POOL_SIZE)
        .map(|i| {
            if v6 {
                addr16(IpAddr::from([0x2001, 0xdb8, 0x100, 0, 0, 0, 0, u16::from(i)]))
            } else {
                addr16(IpAddr::from([198, 51, 100, i]))
            }
        })
        .collect()
}

/// Destination translation: the real server for a service, and its port
/// (80 → 8080 and 443 → 8443, so the port comparison and the group can
/// change between the two legs; other ports kept).
pub fn backend(service: IpAddr, port: u16, n: u64) -> (IpAddr, u16) {
    let i = (n % u64::from(BACKENDS)) as u8 + 1;
    let addr = match service {
        IpAddr::V4(_) => IpAddr::from([10, 3, 0, i]),
        IpAddr::V6(_) => IpAddr::from([0x2001, 0xdb8, 3, 0, 0, 0, 0, u16::from(i)]),
    };
    let port = match port {
        80 => 8080,
        443 => 8443,
        p => p,
    };
    (addr, port)
}

/// New weights per group (`None`: the group keeps its table).
pub type WeightChange = [Option<Vec<(u8, f64)>>];

/// One table change, measured on one group.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupChange {
    pub group: u8,
    /// The fewest entries any table within 1 of the new shares can move.
    pub lower_bound: usize,
    /// Entries `AllocTable::change` moved.
    pub moved: usize,
    /// Entries that differ in a table rebuilt from the new weights.
    pub rebuilt: usize,
}

/// The open connections a weights change breaks.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeReport {
    pub groups: Vec<GroupChange>,
    pub connections: usize,
    /// Connections whose client packets or answers now reach another TMM.
    pub moved_changed: usize,
    pub moved_rebuilt: usize,
    /// The expected share at the lower bound: each entry a connection uses
    /// (all its owner's) moving with probability must-lose / count of the
    /// owner in that group.
    pub expected_minimum: f64,
}

/// What the simulated network sends its frames through: the model, or
/// (in the hdl tests) the rust-hdl core.
pub trait Distribute {
    /// The decision for `frame` arriving on `ingress`.
    fn decide(&mut self, frame: &[u8], ingress: u8) -> Decision;
}

impl Distribute for Distributor {
    fn decide(&mut self, frame: &[u8], ingress: u8) -> Decision {
        self.classify(frame, ingress)
    }
}

/// Clients, distributor, TMMs and servers.
pub struct System<D: Distribute = Distributor> {
    config: Config,
    dist: D,
    /// The tables the distributor starts with (the weights change's base).
    tables: Vec<AllocTable>,
    snat: SnatPorts,
    allocs: PortAllocators,
    pools: [Vec<Addr16>; 2],
    options: SimOptions,
    rng: Rng,
    open: VecDeque<OpenConnection>,
    tuples: AHashSet<(u8, Endpoint, Endpoint)>,
    stats: SimStats,
    /// Each TMM's share of each group's table.
    shares: Vec<[f32; 256]>,
    dst_mac: Mac,
    ingress: u8,
}

impl System {
    pub fn new(config: &Config, options: SimOptions) -> Self {
        System::with_distributor(config, options, Distributor::new(config))
    }
}

impl<D: Distribute> System<D> {
    /// With another distributor, which must hold `config`'s tables.
    pub fn with_distributor(config: &Config, options: SimOptions, dist: D) -> Self {
        System {
            config: config.clone(),
            dist,
            tables: config.tables(),
            snat: SnatPorts::new(config),
            allocs: PortAllocators::new(options.range),
            pools: [pool(false), pool(true)],
            options,
            rng: Rng::new(options.seed),
            open: VecDeque::new(),
            tuples: AHashSet::new(),
            stats: SimStats::default(),
            shares: config
                .tables()
                .iter()
                .map(|t| t.counts().map(|c| c as f32 / TABLE_ENTRIES as f32))
                .collect(),
            // Frames reach the distributor addressed to it.
            dst_mac: config.group_mac.unwrap_or(SERVER_MAC),
            // A network-side port: one the config does not bypass.
            ingress: (0..=255u8).find(|p| config.ingress.iter().all(|i| i.port != *p)).unwrap_or(0),
        }
    }

    pub fn stats(&self) -> &SimStats {
        &self.stats
    }

    pub fn open_connections(&self) -> &VecDeque<OpenConnection> {
        &self.open
    }

    pub fn run(&mut self, conversations: &[Conversation]) {
        for c in conversations {
            self.converse(c);
        }
    }

    /// The distributor (to inspect it after a run).
    pub fn distributor(&self) -> &D {
        &self.dist
    }

    /// A frame of `flow` as it reaches the distributor.
    pub fn frame(&self, flow: &Flow) -> Vec<u8> {
        let ethertype = if flow.src.is_ipv4() { ETHERTYPE_IPV4 } else { ETHERTYPE_IPV6 };
        ethernet(self.dst_mac, CLIENT_MAC, &[], ethertype, &flow.ip_packet(&[], &[]))
    }

    fn converse(&mut self, c: &Conversation) {
        let client_frame = self.frame(&c.flow);
        let first = self.dist.decide(&client_frame, self.ingress);
        let Some(owner) = first.tmm else {
            return;
        };
        self.stats.connections += 1;
        let n = self.stats.connections;
        let translation = self.options.translation;
        let (server_ip, server_port) = match translation {
            Translation::Destination | Translation::Both => backend(c.flow.dst, c.flow.dport, n),
            Translation::None | Translation::Source => (c.flow.dst, c.flow.dport),
        };
        let client = Endpoint { addr: addr16(c.flow.src), port: c.flow.sport };
        let server = Endpoint { addr: addr16(server_ip), port: server_port };
        let choice = match self.options.policy {
            PortPolicy::Table => {
                let pool = &self.pools[usize::from(server_ip.is_ipv6())];
                server_side_source(&self.snat, &mut self.allocs, pool, owner, translation, client, server)
            }
            PortPolicy::Random => self.random_source(owner, client, server, server_ip.is_ipv6()),
        };
        let choice = match choice {
            Ok(choice) => choice,
            Err(e) => {
                self.stats.refused += 1;
                self.stats.first_refusal.get_or_insert_with(|| e.to_string());
                return;
            }
        };
        if translation == Translation::Destination {
            if choice.source == client {
                self.stats.ports_kept += 1;
            } else {
                self.stats.ports_replaced += 1;
            }
        }
        let reply_flow =
            Flow { src: server_ip, dst: to_ip(&choice.source.addr), proto: c.flow.proto, sport: server_port, dport: choice.source.port };
        let reply_frame = self.frame(&reply_flow);
        let mut reply_entry = None;
        for i in 0..c.to_server.max(c.to_client) {
            if i < c.to_server {
                let d = self.dist.decide(&client_frame, self.ingress);
                self.stats.to_server += 1;
                self.stats.to_server_on_owner += u64::from(d.tmm == Some(owner));
            }
            if i < c.to_client {
                let d = self.dist.decide(&reply_frame, self.ingress);
                self.stats.to_client += 1;
                self.stats.to_client_on_owner += u64::from(d.tmm == Some(owner));
                if let Some(g) = d.group {
                    self.stats.to_client_owner_share += f64::from(self.shares[usize::from(g)][usize::from(owner)]);
                }
                reply_entry = entry(&d);
            }
        }
        if !self.tuples.insert((c.flow.proto, choice.source, server)) {
            self.stats.tuple_clashes += 1;
        }
        self.open.push_back(OpenConnection {
            owner,
            client_flow: c.flow,
            reply_flow,
            entries: [entry(&first), reply_entry],
            source: choice.source,
            held: choice.held,
        });
        while self.open.len() > self.options.open {
            self.close_oldest();
        }
    }

    fn close_oldest(&mut self) {
        let Some(c) = self.open.pop_front() else { return };
        if c.held {
            self.allocs.release(&c.source.addr, c.owner, c.source.port);
        }
        let server = Endpoint { addr: addr16(c.reply_flow.src), port: c.reply_flow.sport };
        self.tuples.remove(&(c.client_flow.proto, c.source, server));
        self.stats.closed += 1;
    }

    /// The baseline: a random free port above the server port on the
    /// first pool address with one, or the client's own port for
    /// destination-only translation.
    fn random_source(&mut self, owner: u8, client: Endpoint, server: Endpoint, v6: bool) -> Result<crate::snat::SourceChoice, SnatError> {
        use crate::snat::SourceChoice;
        match self.options.translation {
            Translation::None | Translation::Destination => Ok(SourceChoice { source: client, held: false }),
            Translation::Source | Translation::Both => {
                let range = self.options.range;
                if server.port >= range.hi {
                    return Err(SnatError::NoPortAbove { server_port: server.port, range });
                }
                let lo = range.lo.max(server.port + 1);
                let span = u64::from(range.hi - lo) + 1;
                for addr in self.pools[usize::from(v6)].clone() {
                    let allocator = self.allocs.get_mut(&self.snat, &addr, owner);
                    for _ in 0..64 {
                        let port = lo + self.rng.below(span) as u16;
                        if allocator.reserve(port) {
                            return Ok(SourceChoice { source: Endpoint { addr, port }, held: true });
                        }
                    }
                }
                Err(SnatError::Refused { tmm: owner, server_port: server.port, addresses: POOL_SIZE as usize })
            }
        }
    }

    /// Change group weights (`None` keeps a group as it is) and count the
    /// open connections that would now reach another TMM, with the tables
    /// `AllocTable::change` gives and with tables rebuilt from scratch.
    pub fn weights_change(&self, weights: &WeightChange) -> Result<ChangeReport, TableError> {
        let old = &self.tables;
        let mut changed = Vec::new();
        let mut rebuilt = Vec::new();
        let mut groups = Vec::new();
        // Per group and TMM, the chance that one of its entries must move.
        let mut loss = vec![[0f64; 256]; old.len()];
        for (g, table) in old.iter().enumerate() {
            match weights.get(g).and_then(Option::as_ref) {
                None => {
                    changed.push(table.clone());
                    rebuilt.push(table.clone());
                }
                Some(w) => {
                    let (t, moved) = table.change(w)?;
                    let r = AllocTable::from_weights(w)?;
                    let differ = table.entries().iter().zip(r.entries().iter()).filter(|(a, b)| a != b).count();
                    let lose = min_loss(table, w)?;
                    let counts = table.counts();
                    for t in 0..256 {
                        if counts[t] > 0 {
                            loss[g][t] = lose[t] as f64 / f64::from(counts[t]);
                        }
                    }
                    groups.push(GroupChange { group: g as u8, lower_bound: lose.iter().sum(), moved, rebuilt: differ });
                    changed.push(t);
                    rebuilt.push(r);
                }
            }
        }
        let with_changed = Distributor::with_tables(&self.config, changed);
        let with_rebuilt = Distributor::with_tables(&self.config, rebuilt);
        let (mut moved_changed, mut moved_rebuilt, mut expected) = (0, 0, 0.0);
        for c in &self.open {
            let (client, reply) = (self.frame(&c.client_flow), self.frame(&c.reply_flow));
            let moved = |d: &Distributor| {
                d.classify(&client, self.ingress).tmm != Some(c.owner) || d.classify(&reply, self.ingress).tmm != Some(c.owner)
            };
            moved_changed += usize::from(moved(&with_changed));
            moved_rebuilt += usize::from(moved(&with_rebuilt));
            let mut distinct: Vec<(u8, u16)> = c.entries.iter().flatten().copied().collect();
            distinct.dedup();
            // Every entry a connection uses belongs to its owner.
            expected += 1.0 - distinct.iter().map(|&(g, _)| 1.0 - loss[usize::from(g)][usize::from(c.owner)]).product::<f64>();
        }
        let connections = self.open.len();
        Ok(ChangeReport {
            groups,
            connections,
            moved_changed,
            moved_rebuilt,
            expected_minimum: if connections == 0 { 0.0 } else { expected / connections as f64 },
        })
    }
}

fn entry(d: &Decision) -> Option<(u8, u16)> {
    Some((d.group?, d.index?))
}

/// Per TMM, the entries it gives up in a change that moves the fewest
/// possible: new counts n within 1 of the exact shares summing to 4096,
/// minimising Σ max(0, old − n). Start every n at its ceiling; the excess
/// over 4096 is taken first from TMMs that lose nothing by it (old below
/// the ceiling), then from the others (lowest id first: any choice gives
/// the same total).
fn min_loss(old: &AllocTable, weights: &Weights) -> Result<[usize; 256], TableError> {
    target_counts(weights)?;
    let sum: f64 = weights.iter().map(|w| w.1).sum();
    let counts = old.counts().map(|c| c as usize);
    let mut lo = [0usize; 256];
    let mut hi = [0usize; 256];
    for &(t, w) in weights {
        let share = TABLE_ENTRIES as f64 * w / sum;
        (lo[usize::from(t)], hi[usize::from(t)]) = (share.floor() as usize, share.ceil() as usize);
    }
    let mut n = hi;
    let mut excess = n.iter().sum::<usize>() - TABLE_ENTRIES;
    for free_first in [true, false] {
        for t in 0..256 {
            if excess > 0 && n[t] > lo[t] && (counts[t] < hi[t]) == free_first {
                n[t] -= 1;
                excess -= 1;
            }
        }
    }
    Ok(std::array::from_fn(|t| counts[t].saturating_sub(n[t])))
}
