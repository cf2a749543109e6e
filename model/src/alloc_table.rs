//! Allocation tables: 4096 entries of TMM id per group.
//!
//! Built from weights with each TMM's count within 1 of its exact share
//! (largest-remainder rounding) and its entries spread evenly through the
//! table; changed from an existing table moving the fewest entries possible:
//! only TMMs whose count must fall give entries up.

use std::cmp::Ordering;
use std::fmt;

pub const TABLE_ENTRIES: usize = 4096;
/// Table index = hash & INDEX_MASK.
pub const INDEX_MASK: u32 = (TABLE_ENTRIES as u32) - 1;

/// A TMM's weight in one group.
pub type Weights = [(u8, f64)];

#[derive(Clone, Debug, PartialEq)]
pub enum TableError {
    NoWeight,
    BadWeight { tmm: u8, weight: f64 },
    DuplicateTmm(u8),
    Length(usize),
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TableError::NoWeight => write!(f, "no TMM has a positive weight"),
            TableError::BadWeight { tmm, weight } => {
                write!(f, "TMM {tmm} has weight {weight}: weights must be finite and not negative")
            }
            TableError::DuplicateTmm(t) => write!(f, "TMM {t} is weighted twice"),
            TableError::Length(n) => write!(f, "a table has {n} entries, not {TABLE_ENTRIES}"),
        }
    }
}

impl std::error::Error for TableError {}

#[derive(Clone, PartialEq, Eq)]
pub struct AllocTable {
    entries: Box<[u8; TABLE_ENTRIES]>,
}

impl fmt::Debug for AllocTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AllocTable(counts {:?})", self.counts().iter().enumerate().filter(|c| *c.1 > 0).collect::<Vec<_>>())
    }
}

/// A TMM's exact share of the table, 4096·w/Σw.
struct Share {
    tmm: u8,
    exact: f64,
}

impl Share {
    fn floor(&self) -> u32 {
        self.exact.floor() as u32
    }
    fn ceil(&self) -> u32 {
        self.exact.ceil() as u32
    }
    fn frac(&self) -> f64 {
        self.exact - self.exact.floor()
    }
}

fn shares(weights: &Weights) -> Result<Vec<Share>, TableError> {
    let mut seen = [false; 256];
    for &(tmm, w) in weights {
        if !w.is_finite() || w < 0.0 {
            return Err(TableError::BadWeight { tmm, weight: w });
        }
        if std::mem::replace(&mut seen[tmm as usize], true) {
            return Err(TableError::DuplicateTmm(tmm));
        }
    }
    let sum: f64 = weights.iter().map(|w| w.1).sum();
    if sum <= 0.0 {
        return Err(TableError::NoWeight);
    }
    Ok(weights
        .iter()
        .map(|&(tmm, w)| Share { tmm, exact: TABLE_ENTRIES as f64 * w / sum })
        .collect())
}

/// Entry counts per TMM (indexed by id): floors, then one more for the
/// largest remainders (ties to the lower id) until they sum to 4096.
pub fn target_counts(weights: &Weights) -> Result<[u32; 256], TableError> {
    let shares = shares(weights)?;
    let mut counts = [0u32; 256];
    for s in &shares {
        counts[s.tmm as usize] = s.floor();
    }
    let mut order: Vec<&Share> = shares.iter().collect();
    order.sort_by(|a, b| b.frac().partial_cmp(&a.frac()).unwrap_or(Ordering::Equal).then(a.tmm.cmp(&b.tmm)));
    let mut left = TABLE_ENTRIES as u32 - counts.iter().sum::<u32>();
    for s in order {
        if left == 0 {
            break;
        }
        if counts[s.tmm as usize] < s.ceil() {
            counts[s.tmm as usize] += 1;
            left -= 1;
        }
    }
    Ok(counts)
}

/// Interleave `need[t]` slots per TMM evenly: slot j of a TMM with n slots
/// sits at (j + ½)/n; returns the TMM ids in slot order (ties to lower id).
fn spread(need: &[u32; 256]) -> Vec<u8> {
    let mut slots: Vec<(u32, u32, u8)> = Vec::new();
    for (tmm, &n) in need.iter().enumerate() {
        for j in 0..n {
            slots.push((2 * j + 1, 2 * n, tmm as u8));
        }
    }
    // Compare (a/b) with (c/d) exactly as a·d vs c·b.
    slots.sort_by(|x, y| {
        (u64::from(x.0) * u64::from(y.1))
            .cmp(&(u64::from(y.0) * u64::from(x.1)))
            .then(x.2.cmp(&y.2))
    });
    slots.into_iter().map(|s| s.2).collect()
}

impl AllocTable {
    /// A table from weights: counts within 1 of the exact shares, spread.
    pub fn from_weights(weights: &Weights) -> Result<Self, TableError> {
        let counts = target_counts(weights)?;
        let order = spread(&counts);
        let mut entries = Box::new([0u8; TABLE_ENTRIES]);
        entries.copy_from_slice(&order);
        Ok(AllocTable { entries })
    }

    pub fn from_entries(entries: &[u8]) -> Result<Self, TableError> {
        let entries: Box<[u8; TABLE_ENTRIES]> =
            entries.to_vec().into_boxed_slice().try_into().map_err(|e: Box<[u8]>| TableError::Length(e.len()))?;
        Ok(AllocTable { entries })
    }

    #[inline]
    pub fn get(&self, index: usize) -> u8 {
        self.entries[index & INDEX_MASK as usize]
    }

    pub fn entries(&self) -> &[u8; TABLE_ENTRIES] {
        &self.entries
    }

    /// Entries per TMM id.
    pub fn counts(&self) -> [u32; 256] {
        let mut c = [0u32; 256];
        for &t in self.entries.iter() {
            c[t as usize] += 1;
        }
        c
    }

    /// The table for new weights that moves the fewest entries from this
    /// one. Returns it and the number of entries that changed owner.
    ///
    /// Counts stay within 1 of the new exact shares; each TMM keeps as many
    /// of its entries as its new count allows, so a TMM whose count need not
    /// fall loses nothing, and only freed entries are handed to gainers.
    pub fn change(&self, weights: &Weights) -> Result<(Self, usize), TableError> {
        let shares = shares(weights)?;
        let old = self.counts();
        let mut lo = [0u32; 256];
        let mut hi = [0u32; 256];
        let mut frac = [0f64; 256];
        for s in &shares {
            lo[s.tmm as usize] = s.floor();
            hi[s.tmm as usize] = s.ceil();
            frac[s.tmm as usize] = s.frac();
        }
        let mut new: [u32; 256] = std::array::from_fn(|t| old[t].clamp(lo[t], hi[t]));
        let total: u32 = new.iter().sum();
        let ids = 0..=255u8;
        if total < TABLE_ENTRIES as u32 {
            // Raising a count never moves an entry: largest remainders first.
            let mut up: Vec<u8> = ids.filter(|&t| new[t as usize] < hi[t as usize]).collect();
            up.sort_by(|&a, &b| frac[b as usize].partial_cmp(&frac[a as usize]).unwrap_or(Ordering::Equal).then(a.cmp(&b)));
            for t in up.into_iter().take(TABLE_ENTRIES - total as usize) {
                new[t as usize] += 1;
            }
        } else if total > TABLE_ENTRIES as u32 {
            // Lowering a count costs a move unless the TMM was gaining
            // anyway; among the rest take those now above their share first.
            let cost = |t: usize| (new[t] <= old[t]) as u8;
            let within = |t: usize| (f64::from(old[t]) <= lo[t] as f64 + frac[t]) as u8;
            let mut down: Vec<u8> = ids.filter(|&t| new[t as usize] > lo[t as usize]).collect();
            down.sort_by(|&a, &b| {
                let (a, b) = (a as usize, b as usize);
                (cost(a), within(a))
                    .cmp(&(cost(b), within(b)))
                    .then(frac[a].partial_cmp(&frac[b]).unwrap_or(Ordering::Equal))
                    .then(a.cmp(&b))
            });
            for t in down.into_iter().take((total - TABLE_ENTRIES as u32) as usize) {
                new[t as usize] -= 1;
            }
        }
        Ok(self.reassign(&new))
    }

    /// Move entries so each TMM has `new[t]` entries, touching only the
    /// surplus of TMMs above their new count.
    fn reassign(&self, new: &[u32; 256]) -> (Self, usize) {
        let old = self.counts();
        let mut seen = [0u32; 256];
        let mut freed = Vec::new();
        for (index, &t) in self.entries.iter().enumerate() {
            let t = t as usize;
            let surplus = old[t].saturating_sub(new[t]);
            // Release `surplus` of the `old[t]` entries, evenly spaced.
            let j = seen[t];
            seen[t] += 1;
            if surplus > 0 && (j * surplus) / old[t] != ((j + 1) * surplus) / old[t] {
                freed.push(index);
            }
        }
        let gain: [u32; 256] = std::array::from_fn(|t| new[t].saturating_sub(old[t]));
        let owners = spread(&gain);
        debug_assert_eq!(owners.len(), freed.len());
        let mut entries = self.entries.clone();
        for (&index, &t) in freed.iter().zip(&owners) {
            entries[index] = t;
        }
        (AllocTable { entries }, freed.len())
    }
}

/// Weight profiles named in the patent, over TMMs in the order given.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Profile {
    Uniform,
    /// Bell over TMM index, centred on the middle; `sigma` in TMMs.
    Gaussian { sigma: f64 },
    /// Rayleigh over TMM index + 1; `sigma` in TMMs.
    Rayleigh { sigma: f64 },
}

impl Profile {
    /// Parse `uniform`, `gaussian` or `rayleigh`, with `sigma` or the
    /// default for `n` TMMs (n/4 for Gaussian, n/3 for Rayleigh).
    pub fn parse(name: &str, sigma: Option<f64>, n: usize) -> Option<Profile> {
        let n = n.max(1) as f64;
        match name {
            "uniform" => Some(Profile::Uniform),
            "gaussian" => Some(Profile::Gaussian { sigma: sigma.unwrap_or(n / 4.0) }),
            "rayleigh" => Some(Profile::Rayleigh { sigma: sigma.unwrap_or(n / 3.0) }),
            _ => None,
        }
    }

    pub fn weights(&self, tmms: &[u8]) -> Vec<(u8, f64)> {
        let n = tmms.len() as f64;
        tmms.iter()
            .enumerate()
            .map(|(i, &t)| {
                let x = i as f64;
                let w = match *self {
                    Profile::Uniform => 1.0,
                    Profile::Gaussian { sigma } => {
                        let z = (x - (n - 1.0) / 2.0) / sigma;
                        (-0.5 * z * z).exp()
                    }
                    Profile::Rayleigh { sigma } => {
                        let x = x + 1.0;
                        x / (sigma * sigma) * (-(x * x) / (2.0 * sigma * sigma)).exp()
                    }
                };
                (t, w)
            })
            .collect()
    }
}
