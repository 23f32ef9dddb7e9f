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
use crate::parallel::{map_each, max_threads};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicU32, AtomicU8};

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

/// One job as the chains see it.
#[derive(Clone, Copy, Default)]
struct ChainJob {
    opened: i64,
    closed: i64,
    row: u32,
    comp: u32,
    veh: u32,
}

/// A [`ChainJob`] in four words, as the first pass of [`for_each_chain`]
/// stores it: an array of them is allocated zeroed (fresh pages from the
/// kernel, no fill pass).
type Packed = [u64; 4];

impl ChainJob {
    #[inline(always)]
    fn pack(self) -> Packed {
        [
            self.opened as u64,
            self.closed as u64,
            u64::from(self.row) | u64::from(self.comp) << 32,
            u64::from(self.veh),
        ]
    }

    #[inline(always)]
    fn unpack(p: &Packed) -> ChainJob {
        ChainJob {
            opened: p[0] as i64,
            closed: p[1] as i64,
            row: p[2] as u32,
            comp: (p[2] >> 32) as u32,
            veh: p[3] as u32,
        }
    }
}

/// Rows per part of [`for_each_chain`]'s first pass: a part's jobs fit in
/// the L2 cache while its vehicles' buckets are filled.
const PART_ROWS: usize = 2048;

/// Fewest rows per thread of [`for_each_chain`] in [`judge_linked`].
const CHAIN_ROWS_PER_THREAD: usize = 1 << 16;

/// Calls `f` with the jobs of each vehicle (in vehicle-rank order, each
/// chain's jobs in row order; `f` may reorder them) and a state of the
/// thread it runs on; returns the states in order (the chains `f` saw
/// with the first state come before those of the second, and so on).
///
/// A counting sort of all rows by vehicle rank scatters its writes over
/// the whole input (a cache miss per row at millions of rows). Instead
/// the rows are first partitioned by the high bits of their vehicle rank
/// (a few hundred sequential write streams), then each part, small enough
/// for the cache, is bucketed by vehicle. Both passes are stable, so the
/// order is the counting sort's. Both run on up to `threads` threads: the
/// first over contiguous row ranges, each writing its own stretch of
/// every part (so the parts keep row order), the second over contiguous
/// ranges of parts. `part_rows` is the target part size (tests make it
/// small to have many parts); `threads` is at least 1.
fn for_each_chain<W: Default + Send>(
    veh: &Ranks,
    comp: Option<&Ranks>,
    jobs: &Jobs<'_>,
    part_rows: usize,
    threads: usize,
    f: impl Fn(&mut [ChainJob], &mut W) + Sync,
) -> Vec<W> {
    let n = veh.ranks.len();
    let nv = veh.distinct();
    if n == 0 {
        return Vec::new();
    }
    let bits = crate::sort::bits_of((nv - 1) as u64);
    let want = (n / part_rows.max(1)).max(1).ilog2().min(10);
    let part_bits = want.min(bits);
    let shift = bits - part_bits;
    let parts = 1usize << part_bits;
    let part_of = |r: u32| (r >> shift) as usize;
    let threads = threads.max(1);
    let per = n.div_ceil(threads);
    let ranges: Vec<std::ops::Range<usize>> = (0..threads)
        .map(|t| (t * per).min(n)..((t + 1) * per).min(n))
        .collect();
    // counts[t][p]: the rows of range t in part p.
    let counts = map_each(ranges.clone(), |rows| {
        let mut c = vec![0usize; parts];
        for &r in &veh.ranks[rows] {
            c[part_of(r)] += 1;
        }
        c
    });
    let mut all: Vec<Packed> = vec![[0; 4]; n];
    // start[p]: where part p begins; dst[t][p]: range t's stretch of it.
    let mut start = Vec::with_capacity(parts + 1);
    let mut dst: Vec<Vec<&mut [Packed]>> =
        (0..threads).map(|_| Vec::with_capacity(parts)).collect();
    let mut rest: &mut [Packed] = &mut all;
    let mut at = 0;
    for p in 0..parts {
        start.push(at);
        for (d, c) in dst.iter_mut().zip(&counts) {
            let (piece, tail) = std::mem::take(&mut rest).split_at_mut(c[p]);
            d.push(piece);
            rest = tail;
            at += c[p];
        }
    }
    start.push(n);
    map_each(dst.into_iter().zip(ranges).collect(), |(mut d, rows)| {
        let mut fill = vec![0usize; parts];
        for i in rows {
            let r = veh.ranks[i];
            let p = part_of(r);
            d[p][fill[p]] = ChainJob {
                opened: jobs.opened[i],
                closed: jobs.closed[i],
                row: i as u32,
                comp: comp.map_or(0, |c| c.ranks[i]),
                veh: r,
            }
            .pack();
            fill[p] += 1;
        }
    });
    // Contiguous ranges of parts of about `per` rows each.
    let mut cuts: Vec<usize> = (0..threads)
        .map(|t| start.partition_point(|&s| s < t * per).min(parts))
        .collect();
    cuts.push(parts);
    let span = 1usize << shift;
    let (all, start, f) = (&all, &start, &f);
    map_each(cuts.windows(2).map(|w| w[0]..w[1]).collect(), |mine| {
        let mut state = W::default();
        let mut bucket = vec![0usize; span + 1];
        let mut local: Vec<ChainJob> = Vec::new();
        let mut slot: Vec<usize> = Vec::with_capacity(span + 1);
        for p in mine {
            let part = &all[start[p]..start[p + 1]];
            if part.is_empty() {
                continue;
            }
            let base = (p << shift) as u32;
            bucket.fill(0);
            for j in part {
                bucket[(j[3] as u32 - base) as usize + 1] += 1;
            }
            for v in 0..span {
                bucket[v + 1] += bucket[v];
            }
            local.clear();
            local.resize(part.len(), ChainJob::default());
            slot.clear();
            slot.extend_from_slice(&bucket);
            for j in part {
                let s = &mut slot[(j[3] as u32 - base) as usize];
                local[*s] = ChainJob::unpack(j);
                *s += 1;
            }
            for v in 0..span {
                let (a, b) = (bucket[v], bucket[v + 1]);
                if a < b {
                    f(&mut local[a..b], &mut state);
                }
            }
        }
        state
    })
}

/// Sorts a chain by (complaint rank, opened, row): most chains are a
/// few jobs, sorted in place by insertion; long ones by the library sort.
#[inline]
fn sort_chain(chain: &mut [ChainJob]) {
    let key = |j: &ChainJob| (j.comp, j.opened, j.row);
    if chain.len() > 16 {
        return chain.sort_unstable_by_key(key);
    }
    for i in 1..chain.len() {
        let mut k = i;
        while k > 0 && key(&chain[k - 1]) > key(&chain[k]) {
            chain.swap(k - 1, k);
            k -= 1;
        }
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
    let threads = max_threads().min(jobs.vehicles.len() / CHAIN_ROWS_PER_THREAD);
    judge_on(jobs, window, as_of, subjects, links, threads)
}

/// [`judge_linked`] on up to `threads` threads (the answer is the same).
fn judge_on(
    jobs: &Jobs<'_>,
    window: i64,
    as_of: Option<i64>,
    subjects: bool,
    links: bool,
    threads: usize,
) -> (Vec<JobOutcome>, Vec<GroupKey>, Option<Links>) {
    let n = jobs.vehicles.len();
    let veh = rank_keys(&jobs.vehicles);
    let comp = jobs.complaints.as_ref().map(rank_keys);
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
    // Each row is written once, by the thread that holds its chain.
    let out: Vec<AtomicU8> = (0..n).map(|_| AtomicU8::new(0)).collect();
    let next: Vec<AtomicU32> = if links {
        (0..n).map(|_| AtomicU32::new(u32::MAX)).collect()
    } else {
        Vec::new()
    };
    let set = |row: u32, o: JobOutcome| out[row as usize].store(o as u8, Relaxed);
    let walks = for_each_chain(
        &veh,
        comp.as_ref(),
        jobs,
        PART_ROWS,
        threads,
        |chain, walk: &mut Vec<u32>| {
            if let [job] = *chain {
                set(job.row, verdict(job.closed, None));
                if links {
                    walk.push(job.row);
                }
                return;
            }
            // By (complaint rank, opened, row); rows are distinct.
            sort_chain(chain);
            // Walking backwards, `next_open` is the opening instant of the
            // first job of the same complaint opened strictly later (jobs
            // opened at the same instant are not comebacks of each other),
            // and `next_row` that job.
            let mut next_open: Option<i64> = None;
            let mut next_row = u32::MAX;
            for pos in (0..chain.len()).rev() {
                let job = chain[pos];
                match chain.get(pos + 1) {
                    Some(later) if later.comp != job.comp => {
                        next_open = None;
                        next_row = u32::MAX;
                    }
                    Some(later) if later.opened > job.opened => {
                        next_open = Some(later.opened);
                        next_row = later.row;
                    }
                    _ => {}
                }
                set(job.row, verdict(job.closed, next_open));
                if links {
                    next[job.row as usize].store(next_row, Relaxed);
                }
            }
            if links {
                walk.extend(chain.iter().map(|j| j.row));
            }
        },
    );
    let out = out
        .into_iter()
        .map(|o| match o.into_inner() {
            x if x == JobOutcome::CameBack as u8 => JobOutcome::CameBack,
            x if x == JobOutcome::Incomplete as u8 => JobOutcome::Incomplete,
            _ => JobOutcome::Fixed,
        })
        .collect();
    let next = next.into_iter().map(AtomicU32::into_inner).collect();
    let walk = walks.concat();
    let links = links.then_some(Links { next, walk });
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

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64 from `seed`: `below(n)` draws in `0..n`.
    fn split_mix(seed: u64) -> impl FnMut(u64) -> u64 {
        let mut x = seed;
        move |n| {
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) % n
        }
    }

    /// The two-pass bucketing hands over the chains of a stable counting
    /// sort by vehicle rank, whatever the part size (one row per part,
    /// odd sizes, one part), the vehicles (one, a few with thousands of
    /// jobs, many) and their spread over the parts.
    #[test]
    fn chains_are_the_counting_sort() {
        let mut below = split_mix(17);
        for (n, nv) in [
            (1, 1),
            (5_000, 1),
            (5_000, 3),
            (20_000, 9_000),
            (20_000, 70_000),
        ] {
            let cars: Vec<u64> = (0..n).map(|_| below(nv) * 3).collect();
            let fam: Vec<u32> = (0..n).map(|_| below(3) as u32).collect();
            let opened: Vec<i64> = (0..n).map(|i| i as i64 * 7).collect();
            let closed: Vec<i64> = opened.iter().map(|&o| o + 5).collect();
            let jobs = Jobs {
                vehicles: Keys::U64(&cars),
                complaints: Some(Keys::U32(&fam)),
                opened: &opened,
                closed: &closed,
            };
            let veh = rank_keys(&jobs.vehicles);
            let comp = rank_keys(jobs.complaints.as_ref().unwrap());
            let mut expect: Vec<u32> = (0..n as u32).collect();
            expect.sort_by_key(|&i| veh.ranks[i as usize]);
            for (part_rows, threads) in [
                (1, 1),
                (3, 2),
                (100, 3),
                (2048, 1),
                (2048, 2),
                (usize::MAX, 3),
            ] {
                let states = for_each_chain(
                    &veh,
                    Some(&comp),
                    &jobs,
                    part_rows,
                    threads,
                    |chain, seen: &mut Vec<(u32, Vec<u32>)>| {
                        let v = chain[0].veh;
                        for j in chain.iter() {
                            let i = j.row as usize;
                            assert_eq!(j.veh, v);
                            assert_eq!(j.veh, veh.ranks[i]);
                            assert_eq!(j.comp, comp.ranks[i]);
                            assert_eq!((j.opened, j.closed), (opened[i], closed[i]));
                        }
                        seen.push((v, chain.iter().map(|j| j.row).collect()));
                    },
                );
                let chains = states.concat();
                assert!(
                    chains.windows(2).all(|w| w[0].0 < w[1].0),
                    "chains out of order"
                );
                let got: Vec<u32> = chains.into_iter().flat_map(|(_, rows)| rows).collect();
                assert_eq!(
                    got, expect,
                    "n {n}, vehicles {nv}, part_rows {part_rows}, threads {threads}"
                );
            }
        }
    }

    /// On several threads the outcomes, the links and the walk are those
    /// of one thread (rows written by whichever thread holds their chain,
    /// walks joined in part order).
    #[test]
    fn threads_do_not_change_the_chains() {
        let mut below = split_mix(5);
        let n = 30_000;
        let cars: Vec<u64> = (0..n).map(|_| below(9_000)).collect();
        let fam: Vec<u32> = (0..n).map(|_| below(3) as u32).collect();
        let opened: Vec<i64> = (0..n).map(|_| below(200) as i64 * 43_200).collect();
        let closed: Vec<i64> = opened.iter().map(|&o| o + 3_600).collect();
        let jobs = Jobs {
            vehicles: Keys::U64(&cars),
            complaints: Some(Keys::U32(&fam)),
            opened: &opened,
            closed: &closed,
        };
        let as_of = Some(150 * 43_200);
        let (out, cars1, links) = judge_on(&jobs, 86_400 * 3, as_of, true, true, 1);
        let links = links.unwrap();
        assert!(out.contains(&JobOutcome::CameBack) && out.contains(&JobOutcome::Incomplete));
        for threads in [2, 3, 7] {
            let (o, c, l) = judge_on(&jobs, 86_400 * 3, as_of, true, true, threads);
            let l = l.unwrap();
            assert!(o == out && c == cars1, "threads {threads}");
            assert!(
                l.next == links.next && l.walk == links.walk,
                "threads {threads}"
            );
        }
    }
}
