//! The whole decision for one frame (SPEC's decision order, steps 1–9).
//!
//! Composes the stages, each in its own file: `eth_parse` → `ip_parse` →
//! `icmp_error` → `port_compare` → `toeplitz` → `alloc_table` →
//! `egress_select`.

use crate::alloc_table::{AllocTable, INDEX_MASK};
use crate::config::{Config, Mac, Rule};
use crate::egress_select::EgressSelect;
use crate::eth_parse::{be16, eth_parse};
use crate::flow_key::{Addr16, FlowKey};
use crate::icmp_error::icmp_error;
use crate::ip_parse::ip_parse;
use crate::port_compare::{has_ports, port_compare, KeyChoice};
use crate::toeplitz::{Toeplitz, KEY_BYTES};
use crate::verdict::{Decision, Verdict, WINDOW};

/// A configured distributor: the model of the device.
#[derive(Clone, Debug)]
pub struct Distributor {
    config: Config,
    group_mac: Option<Mac>,
    toeplitz: Toeplitz,
    tables: Vec<AllocTable>,
    rules: Vec<Rule>,
    fixed_tmm: Vec<u8>,
    egress: EgressSelect,
}

impl Distributor {
    /// A distributor with each group's table built from its weights.
    pub fn new(config: &Config) -> Self {
        Self::with_tables(config, config.tables())
    }

    /// A distributor with given tables (one per group, validated config).
    pub fn with_tables(config: &Config, tables: Vec<AllocTable>) -> Self {
        assert_eq!(tables.len(), config.groups.len(), "one table per group");
        Distributor {
            config: config.clone(),
            group_mac: config.group_mac,
            toeplitz: Toeplitz::new(&config.rss_key).expect("config validated the key length"),
            tables,
            rules: config.rules.clone(),
            fixed_tmm: config.groups.iter().map(|g| g.fixed_tmm).collect(),
            egress: EgressSelect::new(config),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn tables(&self) -> &[AllocTable] {
        &self.tables
    }

    /// Replace the tables (a committed table change).
    pub fn set_tables(&mut self, tables: Vec<AllocTable>) {
        assert_eq!(tables.len(), self.tables.len(), "one table per group");
        self.tables = tables;
    }

    pub fn toeplitz(&self) -> &Toeplitz {
        &self.toeplitz
    }

    pub fn egress(&self) -> &EgressSelect {
        &self.egress
    }

    /// The decision for a frame as a MAC delivers it: a frame the MAC flags
    /// as errored (bad FCS, PHY error) is `malformed` whatever its port or
    /// bytes, so a corrupted frame never reaches a TMM or the network.
    pub fn classify_rx(&self, frame: &[u8], ingress_port: u8, mac_error: bool) -> Decision {
        if mac_error {
            return Decision::plain(Verdict::Malformed, self.egress.special_port(Verdict::Malformed));
        }
        self.classify(frame, ingress_port)
    }

    /// The decision for `frame` arriving on `ingress_port`.
    #[inline]
    pub fn classify(&self, frame: &[u8], ingress_port: u8) -> Decision {
        self.classify_with(frame, ingress_port, |k| self.toeplitz.hash(k))
    }

    /// `classify` with another implementation of the Toeplitz hash (the
    /// bit-serial reference, in benchmarks and cross-checks).
    #[inline]
    pub fn classify_with(&self, frame: &[u8], ingress_port: u8, hash: impl Fn(&[u8; KEY_BYTES]) -> u32) -> Decision {
        if let Some(to) = self.egress.bypass(ingress_port) {
            return Decision::plain(Verdict::Bypass, to);
        }
        let special = |v: Verdict| Decision::plain(v, self.egress.special_port(v));
        let eth = match eth_parse(frame, self.group_mac.as_ref()) {
            Ok(eth) => eth,
            Err(v) => return special(v),
        };
        let ip = match ip_parse(frame, eth.family, eth.l3) {
            Ok(ip) => ip,
            Err(v) => return special(v),
        };
        if let Some(inner) = icmp_error(frame, &ip) {
            let mut d = match inner.ports {
                Some((sport, dport)) => self.l4(&inner.src, &inner.dst, sport, dport, &hash),
                None => self.l3(&inner.src, &inner.dst, inner.proto, &hash),
            };
            d.inner = true;
            return d;
        }
        if has_ports(ip.proto) {
            let ports_end = ip.l4 + 4;
            if frame.len() < ports_end || ip.end < ports_end {
                return special(Verdict::Malformed);
            }
            if WINDOW < ports_end {
                return special(Verdict::Control);
            }
            return self.l4(&ip.src, &ip.dst, be16(frame, ip.l4), be16(frame, ip.l4 + 2), &hash);
        }
        self.l3(&ip.src, &ip.dst, ip.proto, &hash)
    }

    #[inline]
    fn l4(&self, src: &Addr16, dst: &Addr16, sport: u16, dport: u16, hash: &impl Fn(&[u8; KEY_BYTES]) -> u32) -> Decision {
        match port_compare(&self.rules, src, dst, sport, dport) {
            KeyChoice::Fixed { group } => {
                let tmm = self.fixed_tmm[group as usize];
                Decision {
                    verdict: Verdict::Fixed,
                    inner: false,
                    group: Some(group),
                    key: None,
                    hash: None,
                    index: None,
                    tmm: Some(tmm),
                    port: self.egress.tmm_port(tmm),
                }
            }
            KeyChoice::Hashed { group, key } => self.lookup(Verdict::L4, group, key, hash),
        }
    }

    #[inline]
    fn l3(&self, src: &Addr16, dst: &Addr16, proto: u8, hash: &impl Fn(&[u8; KEY_BYTES]) -> u32) -> Decision {
        self.lookup(Verdict::L3, 0, FlowKey::l3(src, dst, proto), hash)
    }

    /// Step 9: hash, index, table, port.
    #[inline]
    fn lookup(&self, verdict: Verdict, group: u8, key: FlowKey, hash: &impl Fn(&[u8; KEY_BYTES]) -> u32) -> Decision {
        let hash = hash(&key.0);
        let index = (hash & INDEX_MASK) as u16;
        let tmm = self.tables[group as usize].get(index as usize);
        Decision {
            verdict,
            inner: false,
            group: Some(group),
            key: Some(key),
            hash: Some(hash),
            index: Some(index),
            tmm: Some(tmm),
            port: self.egress.tmm_port(tmm),
        }
    }
}
