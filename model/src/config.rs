//! The distributor's configuration (TOML, see SPEC.md), validated.
//!
//! Every problem is reported with what is wrong and where, never a panic.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::alloc_table::{AllocTable, Profile};
use crate::toeplitz::{DEFAULT_RSS_KEY, KEY_BYTES};

pub type Mac = [u8; 6];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tmm {
    pub id: u8,
    pub port: u8,
    /// Destination MAC written into frames sent to this TMM.
    pub mac: Option<Mac>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub fixed_tmm: u8,
    /// (TMM id, weight), in TMM id order.
    pub weights: Vec<(u8, f64)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub port: u16,
    pub group: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ingress {
    pub port: u8,
    pub forward_to: u8,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub group_mac: Option<Mac>,
    pub rss_key: Vec<u8>,
    pub bridge_port: u8,
    pub control_port: u8,
    pub fragment_port: u8,
    pub malformed_port: u8,
    pub tmms: Vec<Tmm>,
    pub groups: Vec<Group>,
    pub rules: Vec<Rule>,
    pub ingress: Vec<Ingress>,
    /// Keys this version does not know (kept so callers can warn).
    pub unknown_keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

fn err<T>(msg: impl Into<String>) -> Result<T, ConfigError> {
    Err(ConfigError(msg.into()))
}

type Extra = BTreeMap<String, toml::Value>;

#[derive(Deserialize)]
struct RawConfig {
    group_mac: Option<String>,
    rss_key: Option<String>,
    bridge_port: Option<i64>,
    control_port: Option<i64>,
    fragment_port: Option<i64>,
    malformed_port: Option<i64>,
    #[serde(default)]
    tmm: Vec<RawTmm>,
    #[serde(default)]
    group: Vec<RawGroup>,
    #[serde(default)]
    rule: Vec<RawRule>,
    #[serde(default)]
    ingress: Vec<RawIngress>,
    #[serde(flatten)]
    extra: Extra,
}

#[derive(Deserialize)]
struct RawTmm {
    id: Option<i64>,
    port: Option<i64>,
    mac: Option<String>,
    #[serde(flatten)]
    extra: Extra,
}

#[derive(Deserialize)]
struct RawGroup {
    fixed_tmm: Option<i64>,
    weights: Option<BTreeMap<String, f64>>,
    /// `uniform`, `gaussian` or `rayleigh` over `tmms` (default: every TMM).
    profile: Option<String>,
    sigma: Option<f64>,
    tmms: Option<Vec<i64>>,
    #[serde(flatten)]
    extra: Extra,
}

#[derive(Deserialize)]
struct RawRule {
    port: Option<i64>,
    group: Option<i64>,
    #[serde(flatten)]
    extra: Extra,
}

#[derive(Deserialize)]
struct RawIngress {
    port: Option<i64>,
    forward_to: Option<i64>,
    #[serde(flatten)]
    extra: Extra,
}

/// Parse `aa:bb:cc:dd:ee:ff` (or with `-`).
pub fn parse_mac(s: &str) -> Option<Mac> {
    let parts: Vec<&str> = s.split([':', '-']).collect();
    if parts.len() != 6 {
        return None;
    }
    let mut mac = [0u8; 6];
    for (m, p) in mac.iter_mut().zip(parts) {
        if p.len() != 2 {
            return None;
        }
        *m = u8::from_str_radix(p, 16).ok()?;
    }
    Some(mac)
}

pub fn format_mac(mac: &Mac) -> String {
    mac.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
}

/// Parse a string of hex digit pairs.
pub fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    let s = s.trim();
    if s.len() % 2 != 0 {
        return Err(format!("odd number of hex digits ({})", s.len()));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or_else(|| format!("not hex at character {}", i + 1))
        })
        .collect()
}

fn ranged<T: TryFrom<i64>>(v: Option<i64>, what: &str, max: i64) -> Result<T, ConfigError> {
    match v {
        None => err(format!("{what} is missing")),
        Some(n) => T::try_from(n).or_else(|_| err(format!("{what} = {n} is out of range 0-{max}"))),
    }
}

fn port8(v: Option<i64>, what: &str) -> Result<u8, ConfigError> {
    ranged(v, what, 255)
}

fn note_extra(unknown: &mut Vec<String>, at: &str, extra: &Extra) {
    unknown.extend(extra.keys().map(|k| format!("{at}{k}")));
}

impl Config {
    pub fn from_toml(text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError(format!("not valid config TOML: {}", e.message().trim())))?;
        let mut unknown = Vec::new();
        note_extra(&mut unknown, "", &raw.extra);

        let group_mac = match &raw.group_mac {
            None => None,
            Some(s) => Some(parse_mac(s).ok_or_else(|| ConfigError(format!("group_mac = {s:?} is not a MAC address (aa:bb:cc:dd:ee:ff)")))?),
        };
        let rss_key = match &raw.rss_key {
            None => DEFAULT_RSS_KEY.to_vec(),
            Some(s) => {
                let key = parse_hex(s).map_err(|e| ConfigError(format!("rss_key: {e}")))?;
                if key.len() < KEY_BYTES + 4 {
                    return err(format!(
                        "rss_key has {} bytes: the 18-byte flow key needs at least {}",
                        key.len(),
                        KEY_BYTES + 4
                    ));
                }
                key
            }
        };
        let special = |v: Option<i64>, name: &str| port8(v, name);

        let mut tmms: Vec<Tmm> = Vec::new();
        for (i, t) in raw.tmm.iter().enumerate() {
            let at = format!("tmm #{}", i + 1);
            note_extra(&mut unknown, &format!("{at}."), &t.extra);
            let id: u8 = ranged(t.id, &format!("{at}: id"), 255)?;
            if tmms.iter().any(|x| x.id == id) {
                return err(format!("{at}: duplicate TMM id {id}"));
            }
            let port = port8(t.port, &format!("{at} (id {id}): port"))?;
            let mac = match &t.mac {
                None => None,
                Some(s) => Some(parse_mac(s).ok_or_else(|| ConfigError(format!("{at} (id {id}): mac = {s:?} is not a MAC address")))?),
            };
            tmms.push(Tmm { id, port, mac });
        }
        if tmms.is_empty() {
            return err("no [[tmm]] is defined");
        }
        let known = |id: i64| tmms.iter().any(|t| i64::from(t.id) == id);

        let mut groups = Vec::new();
        for (g, raw_group) in raw.group.iter().enumerate() {
            let at = format!("group {g}");
            note_extra(&mut unknown, &format!("{at}."), &raw_group.extra);
            let weights = group_weights(raw_group, &at, &tmms)?;
            let fixed: u8 = ranged(raw_group.fixed_tmm, &format!("{at}: fixed_tmm"), 255)?;
            if !known(i64::from(fixed)) {
                return err(format!("{at}: fixed_tmm = {fixed} names a TMM that no [[tmm]] defines"));
            }
            AllocTable::from_weights(&weights).map_err(|e| ConfigError(format!("{at}: {e}")))?;
            groups.push(Group { fixed_tmm: fixed, weights });
        }
        if groups.is_empty() {
            return err("no [[group]] is defined: group 0 is needed");
        }
        if groups.len() > 256 {
            return err(format!("{} groups defined: at most 256", groups.len()));
        }

        let mut rules = Vec::new();
        for (i, r) in raw.rule.iter().enumerate() {
            let at = format!("rule #{}", i + 1);
            note_extra(&mut unknown, &format!("{at}."), &r.extra);
            let port: u16 = ranged(r.port, &format!("{at}: port"), 65535)?;
            let group: u8 = ranged(r.group, &format!("{at}: group"), 255)?;
            if group as usize >= groups.len() {
                return err(format!("{at} (port {port}): group {group} does not exist ({} groups defined)", groups.len()));
            }
            rules.push(Rule { port, group });
        }

        let mut ingress: Vec<Ingress> = Vec::new();
        for (i, r) in raw.ingress.iter().enumerate() {
            let at = format!("ingress #{}", i + 1);
            note_extra(&mut unknown, &format!("{at}."), &r.extra);
            let port = port8(r.port, &format!("{at}: port"))?;
            let forward_to = port8(r.forward_to, &format!("{at}: forward_to"))?;
            if ingress.iter().any(|x| x.port == port) {
                return err(format!("{at}: ingress port {port} is listed twice"));
            }
            ingress.push(Ingress { port, forward_to });
        }

        Ok(Config {
            group_mac,
            rss_key,
            bridge_port: special(raw.bridge_port, "bridge_port")?,
            control_port: special(raw.control_port, "control_port")?,
            fragment_port: special(raw.fragment_port, "fragment_port")?,
            malformed_port: special(raw.malformed_port, "malformed_port")?,
            tmms,
            groups,
            rules,
            ingress,
            unknown_keys: unknown,
        })
    }

    /// Read and validate a config file; errors name the file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError(format!("{}: {e}", path.display())))?;
        Config::from_toml(&text).map_err(|e| ConfigError(format!("{}: {e}", path.display())))
    }

    /// The built-in configuration: four TMMs on ports 1–4, group 0 spread
    /// evenly over all four, TLS (port 443) in group 1 on TMMs 2 and 3.
    pub fn builtin() -> Config {
        Config::from_toml(BUILTIN_CONFIG).expect("built-in config is valid")
    }

    pub fn tmm(&self, id: u8) -> Option<&Tmm> {
        self.tmms.iter().find(|t| t.id == id)
    }

    /// One table per group, from its weights.
    pub fn tables(&self) -> Vec<AllocTable> {
        self.groups
            .iter()
            .map(|g| AllocTable::from_weights(&g.weights).expect("weights validated"))
            .collect()
    }
}

fn group_weights(raw: &RawGroup, at: &str, tmms: &[Tmm]) -> Result<Vec<(u8, f64)>, ConfigError> {
    let weights: Vec<(u8, f64)> = match (&raw.weights, &raw.profile) {
        (Some(_), Some(_)) => return err(format!("{at}: give weights or profile, not both")),
        (None, None) => return err(format!("{at} has no weights (give weights = {{ \"0\" = 1, … }} or profile = \"uniform\")")),
        (Some(w), None) => {
            let mut out = Vec::new();
            for (k, &v) in w {
                let id: u8 = k
                    .trim()
                    .parse()
                    .map_err(|_| ConfigError(format!("{at}: weights key {k:?} is not a TMM id 0-255")))?;
                if !tmms.iter().any(|t| t.id == id) {
                    return err(format!("{at}: weights name TMM {id}, which no [[tmm]] defines"));
                }
                if out.iter().any(|&(t, _)| t == id) {
                    return err(format!("{at}: TMM {id} is weighted twice"));
                }
                out.push((id, v));
            }
            out
        }
        (None, Some(name)) => {
            let ids: Vec<u8> = match &raw.tmms {
                None => tmms.iter().map(|t| t.id).collect(),
                Some(list) => {
                    let mut ids = Vec::new();
                    for &id in list {
                        if !tmms.iter().any(|t| i64::from(t.id) == id) {
                            return err(format!("{at}: tmms lists TMM {id}, which no [[tmm]] defines"));
                        }
                        ids.push(id as u8);
                    }
                    ids
                }
            };
            if let Some(s) = raw.sigma {
                if !(s.is_finite() && s > 0.0) {
                    return err(format!("{at}: sigma = {s} must be positive"));
                }
            }
            let profile = Profile::parse(name, raw.sigma, ids.len())
                .ok_or_else(|| ConfigError(format!("{at}: profile {name:?} is not uniform, gaussian or rayleigh")))?;
            profile.weights(&ids)
        }
    };
    if weights.is_empty() {
        return err(format!("{at} has no weights"));
    }
    let mut weights = weights;
    weights.sort_by_key(|w| w.0);
    Ok(weights)
}

/// The built-in configuration's text (also shipped as `configs/default.toml`).
pub const BUILTIN_CONFIG: &str = include_str!("../../configs/default.toml");
