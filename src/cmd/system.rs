//! `flowdist system`: the whole system simulated — clients, the
//! distributor (the model), TMMs that proxy with NAT, servers that answer —
//! and whether every answer reaches the TMM that owns its connection.
//!
//! `--change-weights W` then changes group weights and counts the open
//! connections that move. W is one or more groups separated by `;`, each
//! `[G:]T=W,T=W,…` — group G (default 0), TMM id T, weight W ≥ 0; a TMM of
//! the group left out gets weight 0 (removed). Groups not named keep their
//! weights. Example: `0=1,1=1,2=2;1:2=1,3=3`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use model::capture::read_all;
use model::snat::Translation;
use model::system_sim::{conversations_from_frames, conversations_random, PortPolicy, SimOptions, SimStats, System, WeightChange};
use model::{Config, TABLE_ENTRIES};

use super::snat_port::parse_range;
use super::{ConfigArg, CliError, CliResult, Out};

/// Simulate clients, distributor, NAT-ing TMMs and servers; report the
/// share of answers that reach the TMM owning the connection (exit 1 if
/// not all do), against a baseline of random NAT ports.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Take the conversations (TCP, UDP, SCTP) from this capture.
    #[arg(long)]
    pub pcap: Option<PathBuf>,
    /// Random conversations to simulate (default 10000).
    #[arg(long)]
    pub flows: Option<String>,
    /// What the TMMs translate: snat (source), dnat (destination),
    /// full-proxy (both) or none.
    #[arg(long, default_value = "snat")]
    pub nat: String,
    /// New group weights: `[G:]T=W,T=W,…` for group G (default 0), TMM T,
    /// weight W ≥ 0; more groups separated by `;`. A TMM of the group left
    /// out gets weight 0; groups not named keep their weights.
    /// Example: `0=1,1=1,2=2;1:2=1,3=3`.
    #[arg(long)]
    pub change_weights: Option<String>,
    /// Source ports the TMMs may choose, LO-HI.
    #[arg(long, default_value = "1024-65535")]
    pub range: String,
    /// Connections open at once; older ones close and free their ports.
    #[arg(long, default_value = "10000")]
    pub open: String,
    /// Seed of the random conversations and baseline ports.
    #[arg(long, default_value = "1")]
    pub seed: String,
}

fn parse_nat(s: &str) -> Result<Translation, CliError> {
    match s.trim() {
        "snat" => Ok(Translation::Source),
        "dnat" => Ok(Translation::Destination),
        "full-proxy" => Ok(Translation::Both),
        "none" => Ok(Translation::None),
        _ => Err(CliError::input(format!("--nat {s:?} is not snat, dnat, full-proxy or none"))),
    }
}

fn number<T: std::str::FromStr>(s: &str, what: &str) -> Result<T, CliError> {
    s.trim().parse().map_err(|_| CliError::input(format!("--{what} {s:?} is not a number")))
}

/// Parse W (see the module notes) into new weights per group.
pub fn parse_weights(s: &str, config: &Config) -> Result<Box<WeightChange>, CliError> {
    let bad = |why: String| CliError::input(format!("--change-weights {s:?}: {why}"));
    let mut out: Vec<Option<Vec<(u8, f64)>>> = vec![None; config.groups.len()];
    for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (group, list) = match part.split_once(':') {
            Some((g, l)) => (g.trim().parse::<usize>().map_err(|_| bad(format!("{g:?} is not a group number")))?, l),
            None => (0, part),
        };
        if group >= out.len() {
            return Err(bad(format!("group {group} does not exist ({} groups)", out.len())));
        }
        if out[group].is_some() {
            return Err(bad(format!("group {group} is given twice")));
        }
        let mut weights: Vec<(u8, f64)> = Vec::new();
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (t, w) = item.split_once('=').ok_or_else(|| bad(format!("{item:?} is not TMM=WEIGHT")))?;
            let tmm: u8 = t.trim().parse().map_err(|_| bad(format!("{t:?} is not a TMM id 0-255")))?;
            if config.tmm(tmm).is_none() {
                return Err(bad(format!("TMM {tmm} is not in the config")));
            }
            let w: f64 = w.trim().parse().ok().filter(|w: &f64| w.is_finite() && *w >= 0.0).ok_or_else(|| bad(format!("weight {w:?} of TMM {tmm} is not a number >= 0")))?;
            if weights.iter().any(|x| x.0 == tmm) {
                return Err(bad(format!("TMM {tmm} is weighted twice in group {group}")));
            }
            weights.push((tmm, w));
        }
        if !weights.iter().any(|w| w.1 > 0.0) {
            return Err(bad(format!("group {group} has no TMM with a positive weight")));
        }
        weights.sort_by_key(|w| w.0);
        out[group] = Some(weights);
    }
    if out.iter().all(Option::is_none) {
        return Err(bad("no group given".into()));
    }
    Ok(out.into())
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "n/a".into()
    } else {
        format!("{:.3}%", 100.0 * part as f64 / whole as f64)
    }
}

pub fn run(a: &Args) -> CliResult {
    let config = a.config.load()?;
    let translation = parse_nat(&a.nat)?;
    let range = parse_range(&a.range)?;
    let open: usize = number(&a.open, "open")?;
    if open == 0 {
        return Err(CliError::input("--open must be at least 1"));
    }
    let seed: u64 = number(&a.seed, "seed")?;
    if a.pcap.is_some() && a.flows.is_some() {
        return Err(CliError::input("give --pcap or --flows, not both"));
    }
    let change = a.change_weights.as_deref().map(|w| parse_weights(w, &config)).transpose()?;
    let (conversations, source) = match &a.pcap {
        Some(path) => {
            let frames = read_all(path)?;
            let (c, skipped) = conversations_from_frames(frames.iter().map(|f| f.data.as_slice()));
            let what = format!("{} ({} frames, {skipped} without TCP/UDP/SCTP ports)", path.display(), frames.len());
            (c, what)
        }
        None => {
            let n: usize = number(a.flows.as_deref().unwrap_or("10000"), "flows")?;
            (conversations_random(seed, n), format!("random, seed {seed}"))
        }
    };
    let options = SimOptions { translation, policy: PortPolicy::Table, range, open, seed };
    let mut system = System::new(&config, options);
    let started = Instant::now();
    system.run(&conversations);
    let elapsed = started.elapsed().as_secs_f64();
    let mut baseline = System::new(&config, SimOptions { policy: PortPolicy::Random, ..options });
    baseline.run(&conversations);

    let s: &SimStats = system.stats();
    let b: &SimStats = baseline.stats();
    let mut out = Out::new();
    out.line(&format!("conversations: {} from {source}", conversations.len()))?;
    out.line(&format!("translation: {} ({} TMMs, source ports {range})", a.nat.trim(), config.tmms.len()))?;
    out.line(&format!("connections: {} (refused {}, closed {}, open {})", s.connections, s.refused, s.closed, system.open_connections().len()))?;
    if let Some(why) = &s.first_refusal {
        out.line(&format!("first refusal: {why}"))?;
    }
    out.line(&format!("client->server packets: {}, on the owning TMM: {} ({})", s.to_server, s.to_server_on_owner, pct(s.to_server_on_owner, s.to_server)))?;
    out.line(&format!("server->client packets: {}, on the owning TMM: {} ({})", s.to_client, s.to_client_on_owner, pct(s.to_client_on_owner, s.to_client)))?;
    if translation == Translation::Destination {
        out.line(&format!("client ports kept: {}, replaced: {}", s.ports_kept, s.ports_replaced))?;
    }
    out.line(&format!("server-side address/port clashes: {}", s.tuple_clashes))?;
    let baseline_is = match translation {
        Translation::Source | Translation::Both => {
            let expect = if b.to_client == 0 { 0.0 } else { 100.0 * b.to_client_owner_share / b.to_client as f64 };
            format!("random NAT ports; the owner's table share predicts {expect:.3}%")
        }
        Translation::Destination => "NAT keeping every client port".to_string(),
        Translation::None => "no translation: the same as above".to_string(),
    };
    out.line(&format!(
        "baseline ({baseline_is}): server->client on the owning TMM: {} of {} ({})",
        b.to_client_on_owner,
        b.to_client,
        pct(b.to_client_on_owner, b.to_client)
    ))?;
    out.line(&format!(
        "simulated: {} packets in {elapsed:.3} s ({:.0} packets/s)",
        s.packets(),
        s.packets() as f64 / elapsed.max(1e-9)
    ))?;
    if let Some(weights) = &change {
        let r = system.weights_change(weights).map_err(|e| CliError::input(format!("--change-weights: {e}")))?;
        for g in &r.groups {
            out.line(&format!(
                "weights change, group {}: entries moved {} of {TABLE_ENTRIES} (minimum possible {}), a table rebuilt from scratch differs in {}",
                g.group, g.moved, g.lower_bound, g.rebuilt
            ))?;
        }
        let n = r.connections as u64;
        out.line(&format!(
            "open connections moved: {} of {n} ({}); minimum possible (expected) {:.3}%; with a rebuilt table {} ({})",
            r.moved_changed,
            pct(r.moved_changed as u64, n),
            100.0 * r.expected_minimum,
            r.moved_rebuilt,
            pct(r.moved_rebuilt as u64, n)
        ))?;
    }
    out.flush()?;
    let all_home = s.to_client_on_owner == s.to_client && s.to_server_on_owner == s.to_server && s.tuple_clashes == 0;
    Ok(if all_home { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
