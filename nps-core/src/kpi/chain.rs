//! Dense ranks of key columns and the chains of the comeback rule, without
//! a comparison sort of per-row key tuples.
//!
//! A key column becomes one `u32` rank per row whose order is the key
//! order ([`KeyRef`]'s, which is [`GroupKey`]'s): integer keys in a narrow
//! range through an offset table, other keys factorised once by hashing
//! (each distinct key hashed, never copied per row) and the distinct keys
//! sorted. The rows are then bucketed by vehicle rank with a counting sort
//! (two linear passes); only the few jobs of one vehicle are sorted by
//! (complaint rank, opened).

use super::{JobOutcome, Jobs};
use crate::group::{map_with_capacity, FastMap, GroupKey, Keys};
use crate::kpi::KeyRef;

/// The rank of every row (`ranks[i] < distinct`; equal keys, equal ranks;
/// ranks ordered as the keys) and one row holding each rank.
pub(crate) struct Ranks {
    pub ranks: Vec<u32>,
    /// `rows[r]` is a row whose key has rank `r`.
    pub rows: Vec<u32>,
    /// For integer keys, the `u64` value of each rank (as `ranks_u64`
    /// saw it).
    pub values: Option<Vec<u64>>,
}

impl Ranks {
    pub fn distinct(&self) -> usize {
        self.rows.len()
    }
}

/// Largest offset table for integer keys, relative to the rows.
fn dense_range_ok(range: u64, rows: usize) -> bool {
    range < u64::from(u32::MAX) && range <= 4 * rows as u64 + 65_536
}

/// Ranks of `u64` values through an offset table (`hi - lo` small).
fn ranks_dense(n: usize, lo: u64, hi: u64, val: impl Fn(usize) -> u64) -> Ranks {
    let size = (hi - lo) as usize + 1;
    let mut table = vec![u32::MAX; size];
    for i in 0..n {
        table[(val(i) - lo) as usize] = i as u32;
    }
    let mut rows = Vec::new();
    let mut values = Vec::new();
    for (off, t) in table.iter_mut().enumerate() {
        if *t != u32::MAX {
            rows.push(*t);
            values.push(lo + off as u64);
            *t = (rows.len() - 1) as u32;
        }
    }
    let ranks = (0..n).map(|i| table[(val(i) - lo) as usize]).collect();
    Ranks {
        ranks,
        rows,
        values: Some(values),
    }
}

/// Ranks by factorising with a hash map of `key(i)`, then sorting the
/// distinct keys by `cmp`.
fn ranks_hashed<K: Copy + Eq + std::hash::Hash>(
    n: usize,
    key: impl Fn(usize) -> K,
    cmp: impl Fn(usize, usize) -> std::cmp::Ordering,
) -> Ranks {
    let mut map: FastMap<K, u32> = map_with_capacity(1024);
    let mut first: Vec<u32> = Vec::new();
    let mut ids: Vec<u32> = Vec::with_capacity(n);
    for i in 0..n {
        let next = first.len() as u32;
        let id = *map.entry(key(i)).or_insert_with(|| {
            first.push(i as u32);
            next
        });
        ids.push(id);
    }
    drop(map);
    let mut by_key: Vec<u32> = (0..first.len() as u32).collect();
    by_key.sort_unstable_by(|&a, &b| cmp(first[a as usize] as usize, first[b as usize] as usize));
    let mut rank_of = vec![0u32; first.len()];
    for (r, &id) in by_key.iter().enumerate() {
        rank_of[id as usize] = r as u32;
    }
    for id in ids.iter_mut() {
        *id = rank_of[*id as usize];
    }
    let rows = by_key.iter().map(|&id| first[id as usize]).collect();
    Ranks {
        ranks: ids,
        rows,
        values: None,
    }
}

/// Compact ids of the distinct strings of a column, in first-occurrence
/// order. Strings are hashed by content, after two small caches that
/// recognise most rows without hashing: by address and length (a row that
/// borrows the same text as an earlier one, as the bindings pass columns
/// of repeated labels; equal address and length is the same text: the
/// strings are borrowed, hence unchanged), then, for texts of at most 16
/// bytes, by content (two words read from the text, with its length:
/// copies of a text, e.g. Arrow `utf8_view` strings, which hold texts of
/// up to 12 bytes in each row's own view).
pub(crate) struct Interner<'a> {
    cache: Vec<(usize, usize, u32)>,
    short: Vec<(u64, u64, usize, u32)>,
    map: FastMap<&'a str, u32>,
    pub(crate) names: Vec<&'a str>,
}

impl Default for Interner<'_> {
    fn default() -> Self {
        Interner {
            cache: vec![(0, usize::MAX, 0); Interner::CACHE],
            short: vec![(0, 0, usize::MAX, 0); Interner::CACHE],
            map: map_with_capacity(64),
            names: Vec::new(),
        }
    }
}

/// The bytes of a text of at most 16 bytes as two words which, with the
/// length, identify the text (overlapping reads from both ends).
#[inline(always)]
fn short_words(b: &[u8]) -> Option<(u64, u64)> {
    let n = b.len();
    let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or_default());
    let u32_at = |i: usize| {
        u64::from(u32::from_le_bytes(
            b[i..i + 4].try_into().unwrap_or_default(),
        ))
    };
    match n {
        8..=16 => Some((u64_at(0), u64_at(n - 8))),
        4..=7 => Some((u32_at(0), u32_at(n - 4))),
        1..=3 => Some((
            u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16,
            0,
        )),
        0 => Some((0, 0)),
        _ => None,
    }
}

impl<'a> Interner<'a> {
    const CACHE: usize = 1 << 10;

    /// The id of `s` and whether it is new.
    #[inline]
    pub(crate) fn id(&mut self, s: &'a str) -> (u32, bool) {
        let (ptr, len) = (s.as_ptr() as usize, s.len());
        let h = ((ptr as u64 ^ (len as u64).rotate_left(32)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            >> 54) as usize;
        let c = self.cache[h];
        if c.0 == ptr && c.1 == len {
            return (c.2, false);
        }
        // Short texts by content (copies of a text), then by hashing.
        let short = short_words(s.as_bytes()).map(|(a, b)| {
            let hs = ((a ^ b.rotate_left(23) ^ (len as u64).rotate_left(47))
                .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                >> 54) as usize;
            (a, b, hs)
        });
        if let Some((a, b, hs)) = short {
            let c = self.short[hs];
            if c.0 == a && c.1 == b && c.2 == len {
                return (c.3, false);
            }
        }
        let (id, new) = self.lookup(s);
        self.cache[h] = (ptr, len, id);
        if let Some((a, b, hs)) = short {
            self.short[hs] = (a, b, len, id);
        }
        (id, new)
    }

    /// The id of `s` by hashing, and whether it is new.
    fn lookup(&mut self, s: &'a str) -> (u32, bool) {
        let next = self.names.len() as u32;
        let mut new = false;
        let id = *self.map.entry(s).or_insert_with(|| {
            new = true;
            next
        });
        if new {
            self.names.push(s);
        }
        (id, new)
    }
}

/// Ranks of string keys: ids from an [`Interner`], the distinct strings
/// sorted.
fn ranks_str(k: &[&str]) -> Ranks {
    let mut names = Interner::default();
    let mut first: Vec<u32> = Vec::new();
    let mut ids: Vec<u32> = Vec::with_capacity(k.len());
    for (i, &s) in k.iter().enumerate() {
        let (id, new) = names.id(s);
        if new {
            first.push(i as u32);
        }
        ids.push(id);
    }
    let mut by_key: Vec<u32> = (0..first.len() as u32).collect();
    by_key.sort_unstable_by_key(|&id| names.names[id as usize]);
    let mut rank_of = vec![0u32; first.len()];
    for (r, &id) in by_key.iter().enumerate() {
        rank_of[id as usize] = r as u32;
    }
    for id in ids.iter_mut() {
        *id = rank_of[*id as usize];
    }
    Ranks {
        ranks: ids,
        rows: by_key.iter().map(|&id| first[id as usize]).collect(),
        values: None,
    }
}

fn ranks_u64(n: usize, val: impl Fn(usize) -> u64 + Copy) -> Ranks {
    let (lo, hi) = (0..n).fold((u64::MAX, 0), |(lo, hi), i| {
        let v = val(i);
        (lo.min(v), hi.max(v))
    });
    if n > 0 && dense_range_ok(hi - lo, n) {
        ranks_dense(n, lo, hi, val)
    } else {
        let mut r = ranks_hashed(n, val, |a, b| val(a).cmp(&val(b)));
        r.values = Some(r.rows.iter().map(|&i| val(i as usize)).collect());
        r
    }
}

/// The ranks of a key column (checked: `keys.check(rows)` passed).
pub(crate) fn rank_keys(keys: &Keys<'_>) -> Ranks {
    let n = keys.len();
    match *keys {
        Keys::U32(k) => ranks_u64(n, |i| u64::from(k[i])),
        Keys::U64(k) => ranks_u64(n, |i| k[i]),
        // Flipping the sign bit keeps the order of signed values.
        Keys::I64(k) => ranks_u64(n, |i| (k[i] as u64) ^ (1 << 63)),
        Keys::Str(k) => ranks_str(k),
        Keys::Coded { codes, labels } => {
            // Labels are distinct, so codes rank as their labels.
            let mut r = ranks_u64(n, |i| codes.get(i) as u64);
            let mut by_label: Vec<u32> = (0..r.distinct() as u32).collect();
            by_label.sort_unstable_by_key(|&c| labels[codes.get(r.rows[c as usize] as usize)]);
            let mut rank_of = vec![0u32; by_label.len()];
            for (pos, &c) in by_label.iter().enumerate() {
                rank_of[c as usize] = pos as u32;
            }
            for x in r.ranks.iter_mut() {
                *x = rank_of[*x as usize];
            }
            r.rows = by_label.iter().map(|&c| r.rows[c as usize]).collect();
            r.values = None;
            r
        }
        // Codes as keys rank as the codes.
        Keys::Codes(codes) => ranks_u64(n, |i| codes.get(i) as u64),
        Keys::Text(_) | Keys::Multi(_) => ranks_hashed(
            n,
            |i| KeyRef::at(keys, i),
            |a, b| KeyRef::at(keys, a).cmp(&KeyRef::at(keys, b)),
        ),
    }
}

/// The links between the jobs of each chain (one vehicle and complaint
/// key), for the KPIs of resolution episodes.
pub(super) struct Links {
    /// `next[i]`: the job that follows job `i` in its chain — the first
    /// one, in (opened, row) order, opened strictly later — or `u32::MAX`.
    /// When job `i` came back, `next[i]` is its return visit.
    pub next: Vec<u32>,
    /// Every row once, chain by chain, each chain in (opened, row) order:
    /// walked backwards, a job's `next` is always seen before the job.
    pub walk: Vec<u32>,
}

/// The outcome of every job (columns checked) and, with `subjects`, the
/// distinct vehicles in ascending key order.
pub(super) fn judge_chains(
    jobs: &Jobs<'_>,
    window: i64,
    as_of: Option<i64>,
    subjects: bool,
) -> (Vec<JobOutcome>, Vec<GroupKey>) {
    let (out, vehicles, _) = judge_linked(jobs, window, as_of, subjects, false);
    (out, vehicles)
}

/// As [`judge_chains`], and with `links` the [`Links`] of the chains.
pub(super) fn judge_linked(
    jobs: &Jobs<'_>,
    window: i64,
    as_of: Option<i64>,
    subjects: bool,
    links: bool,
) -> (Vec<JobOutcome>, Vec<GroupKey>, Option<Links>) {
    let n = jobs.vehicles.len();
    let veh = rank_keys(&jobs.vehicles);
    let comp = jobs.complaints.as_ref().map(rank_keys);
    // Counting sort of the rows by vehicle rank (stable).
    let nv = veh.distinct();
    let mut start = vec![0u32; nv + 1];
    for &r in &veh.ranks {
        start[r as usize + 1] += 1;
    }
    for v in 0..nv {
        start[v + 1] += start[v];
    }
    // Each job's (complaint rank, opened, row, closed) scattered to its
    // vehicle's bucket: the writes are spread out, but every later read
    // is sequential.
    let mut next = start.clone();
    let mut order: Vec<(u32, i64, u32, i64)> = vec![(0, 0, 0, 0); n];
    for (i, &r) in veh.ranks.iter().enumerate() {
        let slot = &mut next[r as usize];
        let c = comp.as_ref().map_or(0, |c| c.ranks[i]);
        order[*slot as usize] = (c, jobs.opened[i], i as u32, jobs.closed[i]);
        *slot += 1;
    }
    drop(next);
    let verdict = |closed: i64, next_open: Option<i64>| {
        // Differences of in-range timestamps cannot overflow.
        if next_open.is_some_and(|o| o - closed <= window) {
            JobOutcome::CameBack
        } else if as_of.is_some_and(|a| a - closed < window) {
            JobOutcome::Incomplete
        } else {
            JobOutcome::Fixed
        }
    };
    let mut out = vec![JobOutcome::Fixed; n];
    let mut next = if links { vec![u32::MAX; n] } else { Vec::new() };
    for v in 0..nv {
        let chain = &mut order[start[v] as usize..start[v + 1] as usize];
        if let [(_, _, i, closed)] = *chain {
            out[i as usize] = verdict(closed, None);
            continue;
        }
        // By (complaint rank, opened, row); rows are distinct.
        chain.sort_unstable_by_key(|&(c, o, i, _)| (c, o, i));
        // Walking backwards, `next_open` is the opening instant of the
        // first job of the same complaint opened strictly later (jobs
        // opened at the same instant are not comebacks of each other),
        // and `next_row` that job.
        let mut next_open: Option<i64> = None;
        let mut next_row = u32::MAX;
        for pos in (0..chain.len()).rev() {
            let (c, opened, i, closed) = chain[pos];
            match chain.get(pos + 1) {
                Some(&(c2, ..)) if c2 != c => {
                    next_open = None;
                    next_row = u32::MAX;
                }
                Some(&(_, o2, i2, _)) if o2 > opened => {
                    next_open = Some(o2);
                    next_row = i2;
                }
                _ => {}
            }
            out[i as usize] = verdict(closed, next_open);
            if links {
                next[i as usize] = next_row;
            }
        }
    }
    let links = links.then(|| Links {
        next,
        walk: order.iter().map(|&(_, _, i, _)| i).collect(),
    });
    let vehicles = if subjects {
        // Integer keys from the values in rank order (sequential reads).
        match (jobs.vehicles, &veh.values) {
            (Keys::U32(_) | Keys::U64(_), Some(vals)) => {
                vals.iter().map(|&v| GroupKey::UInt(v)).collect()
            }
            (Keys::I64(_), Some(vals)) => vals
                .iter()
                .map(|&v| GroupKey::Int((v ^ (1 << 63)) as i64))
                .collect(),
            _ => veh
                .rows
                .iter()
                .map(|&r| jobs.vehicles.key_at(r as usize))
                .collect(),
        }
    } else {
        Vec::new()
    };
    (out, vehicles, links)
}
