//! Key columns to slots: dense offsets for narrow integer ranges, compact
//! ids numbered in key order otherwise (hashed while few keys occur; with
//! many distinct values, integer keys sorted by value and texts sorted by
//! hash instead), for one key column or several at once.

use std::borrow::Cow;
use std::hash::Hash;

use super::column::{each_text, each_text_while, text_at, with_codes, Code, RowTexts, TextColumn};
use super::count::{self, Idx, Slot};
use super::hash::{hash_of, map_with_capacity, FastMap};
use super::{Codes, GroupKey, Keys};
use crate::error::{Error, Result};
use crate::parallel::{for_each_part_mut, map_each, map_parts, max_threads, Shared};
use crate::sort::{bits_of, radix_sort_by, radix_sort_with};

/// How keys map to slots, plus the key of each slot.
pub(super) enum KeyPlan<'a> {
    None,
    DenseU32(&'a [u32], u32, usize),
    DenseU64(&'a [u64], u64, usize),
    DenseI64(&'a [i64], i64, usize),
    /// Codes read in place; slot `s` is label `min + s` (or the code
    /// `min + s` itself without labels).
    DenseCoded(Codes<'a>, usize, usize, Option<&'a [&'a str]>),
    /// Strings read in place; slot `s` is `labels[s]` (in byte
    /// order), found through `slots`.
    Text(&'a dyn TextColumn, TextSlots<'a>),
    /// A compact id per row, in the order of the keys (built by
    /// [`KeyPlan::indexed`]): id `s` is `keys[s]`.
    Indexed(Vec<u32>, Vec<GroupKey>),
    /// Several key columns, each planned in place (none `Indexed`): slot
    /// `((s0 * n1) + s1) * n2 + s2 ...` from the columns' own slots.
    Product(Vec<KeyPlan<'a>>),
}

impl KeyPlan<'_> {
    /// The plan of compact ids `ids` of the distinct `keys`, renumbered so
    /// that ids follow the order of their keys (then the slots of a count
    /// are already in key order: no sort of the groups, no random access
    /// when they are built).
    fn indexed(mut ids: Vec<u32>, keys: Vec<GroupKey>) -> KeyPlan<'static> {
        let keys = rank(&mut ids, keys);
        KeyPlan::Indexed(ids, keys)
    }

    /// The key of `slot`, moved out of an [`KeyPlan::Indexed`] plan (which
    /// must not be asked for it again), else as [`KeyPlan::key`].
    pub(super) fn take_key(&mut self, slot: usize) -> GroupKey {
        match self {
            KeyPlan::Indexed(_, keys) => std::mem::replace(&mut keys[slot], GroupKey::All),
            p => p.key(slot),
        }
    }

    /// The keys of an [`KeyPlan::Indexed`] plan (one per slot, in slot
    /// order), moved out: the plan must not be asked for a key again.
    pub(super) fn take_keys(&mut self) -> Option<Vec<GroupKey>> {
        match self {
            KeyPlan::Indexed(_, keys) => Some(std::mem::take(keys)),
            _ => None,
        }
    }

    pub(super) fn slots(&self) -> usize {
        match self {
            KeyPlan::None => 1,
            KeyPlan::DenseU32(.., n) | KeyPlan::DenseU64(.., n) | KeyPlan::DenseI64(.., n) => *n,
            KeyPlan::DenseCoded(_, _, n, _) => *n,
            KeyPlan::Text(_, t) => t.labels.len(),
            KeyPlan::Indexed(_, keys) => keys.len(),
            KeyPlan::Product(cols) => cols.iter().map(KeyPlan::slots).product(),
        }
    }

    pub(super) fn key(&self, slot: usize) -> GroupKey {
        match self {
            KeyPlan::None => GroupKey::All,
            KeyPlan::DenseU32(_, min, _) => GroupKey::UInt(u64::from(*min) + slot as u64),
            KeyPlan::DenseU64(_, min, _) => GroupKey::UInt(*min + slot as u64),
            KeyPlan::DenseI64(_, min, _) => GroupKey::Int(min.wrapping_add(slot as i64)),
            KeyPlan::DenseCoded(_, min, _, Some(labels)) => {
                GroupKey::Str(labels[min + slot].to_owned())
            }
            KeyPlan::DenseCoded(_, min, _, None) => GroupKey::UInt((min + slot) as u64),
            KeyPlan::Text(_, t) => GroupKey::Str(t.labels[slot].to_owned()),
            KeyPlan::Indexed(_, keys) => keys[slot].clone(),
            KeyPlan::Product(cols) => {
                let mut rest = slot;
                let mut parts: Vec<GroupKey> = cols
                    .iter()
                    .rev()
                    .map(|c| {
                        let n = c.slots();
                        let k = c.key(rest % n);
                        rest /= n;
                        k
                    })
                    .collect();
                parts.reverse();
                GroupKey::Tuple(parts)
            }
        }
    }

    /// The slots in the order of their keys, or `None` when that is the
    /// slots' own order (integer offsets, codes as keys). Keys are
    /// distinct, so the order is total.
    pub(super) fn key_order(&self) -> Option<Vec<u32>> {
        match self {
            KeyPlan::None
            | KeyPlan::DenseU32(..)
            | KeyPlan::DenseU64(..)
            | KeyPlan::DenseI64(..)
            | KeyPlan::DenseCoded(_, _, _, None)
            | KeyPlan::Text(..)
            | KeyPlan::Indexed(..) => None,
            KeyPlan::DenseCoded(_, min, n, Some(labels)) => {
                Some(order_of_strs(&labels[*min..*min + *n]))
            }
            KeyPlan::Product(cols) => {
                let orders: Vec<Option<Vec<u32>>> = cols.iter().map(KeyPlan::key_order).collect();
                if orders.iter().all(Option::is_none) {
                    return None;
                }
                // Tuples sort column by column: nest the columns' orders.
                let mut out: Vec<u32> = vec![0];
                for (c, o) in cols.iter().zip(&orders) {
                    let n = c.slots() as u32;
                    let own: Vec<u32> = o.clone().unwrap_or_else(|| (0..n).collect());
                    out = out
                        .iter()
                        .flat_map(|&hi| own.iter().map(move |&s| hi * n + s))
                        .collect();
                }
                Some(out)
            }
        }
    }

    /// A compact id of every row, in the order of the keys (materialised;
    /// dense plans are offsets), and the key of each id.
    pub(super) fn into_ids(self, rows: usize) -> (Vec<u32>, Vec<GroupKey>) {
        if let KeyPlan::Indexed(ids, keys) = self {
            return (ids, keys);
        }
        let order = self.key_order();
        let keys: Vec<GroupKey> = (0..self.slots()).map(|s| self.key(s)).collect();
        let mut ids = match self {
            KeyPlan::None => vec![0; rows],
            KeyPlan::DenseU32(k, min, _) => k.iter().map(|&x| x.wrapping_sub(min)).collect(),
            KeyPlan::DenseCoded(codes, min, _, _) => {
                with_codes!(codes, |c| c
                    .iter()
                    .map(|&x| (x.index() - min) as u32)
                    .collect())
            }
            KeyPlan::Text(col, t) => {
                let mut ids = Vec::with_capacity(rows);
                each_text(col, 0, rows, |_, s| ids.push(t.slot(s)));
                ids
            }
            KeyPlan::DenseU64(k, min, _) => k.iter().map(|&x| x.wrapping_sub(min) as u32).collect(),
            KeyPlan::DenseI64(k, min, _) => k.iter().map(|&x| x.wrapping_sub(min) as u32).collect(),
            KeyPlan::Indexed(ids, _) => ids,
            p @ KeyPlan::Product(_) => {
                let mut ids = vec![0u32; rows];
                for (b, out) in ids.chunks_mut(1024).enumerate() {
                    p.fill(b * 1024, None, out);
                }
                ids
            }
        };
        match order {
            Some(o) => {
                let keys = reorder(&mut ids, keys, &o);
                (ids, keys)
            }
            None => (ids, keys),
        }
    }
}

/// The positions `0..labels.len()` in the order of their texts (byte
/// order, as `str` compares): a radix sort of each text's first 8 bytes
/// (big-endian, zero-padded, so their order is the texts' order up to
/// ties), then a comparison sort of the texts within each run of equal
/// prefixes only.
pub(super) fn order_of_strs(labels: &[&str]) -> Vec<u32> {
    let mut pairs: Vec<(u64, u32)> = labels
        .iter()
        .enumerate()
        .map(|(i, s)| (prefix_of(s), i as u32))
        .collect();
    radix_sort_by(&mut pairs, u64::BITS, |p| p.0);
    for run in pairs.chunk_by_mut(|a, b| a.0 == b.0) {
        if run.len() > 1 {
            run.sort_unstable_by(|a, b| labels[a.1 as usize].cmp(labels[b.1 as usize]));
        }
    }
    pairs.into_iter().map(|(_, i)| i).collect()
}

/// The positions `0..keys.len()` in the order of the (distinct) keys:
/// integers and texts without comparisons ([`radix_sort_by`],
/// [`order_of_strs`]), other keys (tuples, a mix) by comparing them.
fn order_of(keys: &[GroupKey]) -> Vec<u32> {
    let ints: Option<Vec<(u64, u32)>> = match keys.first() {
        // Signed keys: flip the sign bit, so that their order is unsigned.
        Some(GroupKey::Int(_)) => keys
            .iter()
            .zip(0u32..)
            .map(|(k, i)| match k {
                GroupKey::Int(x) => Some((signed(*x), i)),
                _ => None,
            })
            .collect(),
        Some(GroupKey::UInt(_)) => keys
            .iter()
            .zip(0u32..)
            .map(|(k, i)| match k {
                GroupKey::UInt(x) => Some((*x, i)),
                _ => None,
            })
            .collect(),
        _ => None,
    };
    if let Some(mut v) = ints {
        let lo = v.iter().map(|p| p.0).min().unwrap_or(0);
        let hi = v.iter().map(|p| p.0).max().unwrap_or(0);
        v.iter_mut().for_each(|p| p.0 -= lo);
        radix_sort_by(&mut v, bits_of(hi - lo), |p| p.0);
        return v.into_iter().map(|(_, i)| i).collect();
    }
    let strs: Option<Vec<&str>> = keys
        .iter()
        .map(|k| match k {
            GroupKey::Str(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    if let Some(s) = strs {
        return order_of_strs(&s);
    }
    let mut o: Vec<u32> = (0..keys.len() as u32).collect();
    o.sort_unstable_by(|&a, &b| keys[a as usize].cmp(&keys[b as usize]));
    o
}

/// Renumbers the compact ids `ids` of the distinct `keys` in the order of
/// the keys; returns the keys in that order.
fn rank(ids: &mut [u32], keys: Vec<GroupKey>) -> Vec<GroupKey> {
    let order = order_of(&keys);
    reorder(ids, keys, &order)
}

/// Renumbers `ids` so that id `order[pos]` becomes `pos`; returns the keys
/// in that order.
fn reorder(ids: &mut [u32], mut keys: Vec<GroupKey>, order: &[u32]) -> Vec<GroupKey> {
    if order.iter().zip(0u32..).all(|(&o, i)| o == i) {
        return keys;
    }
    let mut rank = vec![0u32; order.len()];
    for (pos, &id) in order.iter().enumerate() {
        rank[id as usize] = pos as u32;
    }
    for_each_part_mut(ids, 1 << 18, |_, part| {
        for id in part {
            *id = rank[*id as usize];
        }
    });
    order
        .iter()
        .map(|&id| std::mem::replace(&mut keys[id as usize], GroupKey::All))
        .collect()
}

/// A signed key as an unsigned value in the same order (sign bit flipped).
#[inline(always)]
fn signed(x: i64) -> u64 {
    (x as u64) ^ (1 << 63)
}

/// Largest dense key range; wider ranges are hashed.
const DENSE_MAX: u64 = 1 << 20;

/// True when `slots` counters (or slot ids) are cheap next to the rows:
/// memory stays O(rows), never O(key range × period range).
pub(super) fn small_enough(slots: u64, rows: usize) -> bool {
    slots <= 4 * rows as u64 + 65_536
}

fn dense_ok(range: u64, periods: usize, rows: usize) -> bool {
    range < DENSE_MAX && small_enough((range + 1).saturating_mul(periods as u64), rows)
}

/// Compact ids in first-occurrence order, and the key of each id; `None`
/// as soon as more than `limit` distinct keys occur.
fn index_keys<K: Copy + Eq + Hash>(
    keys: &[K],
    limit: usize,
    to_key: impl Fn(K) -> GroupKey,
) -> Result<Option<(Vec<u32>, Vec<GroupKey>)>> {
    let mut map: FastMap<K, u32> = map_with_capacity(1024);
    let mut uniq = Vec::new();
    let mut idx = Vec::with_capacity(keys.len());
    for &k in keys {
        let next = uniq.len();
        let id = *map.entry(k).or_insert_with(|| {
            uniq.push(to_key(k));
            next as u32
        });
        idx.push(id);
        if uniq.len() > limit.min(MAX_GROUPS) {
            if limit < MAX_GROUPS {
                return Ok(None);
            }
            return Err(too_many_groups());
        }
    }
    Ok(Some((idx, uniq)))
}

/// As [`index_keys`] without a limit below [`MAX_GROUPS`]: the plan of the
/// compact ids.
fn index_all<K: Copy + Eq + Hash>(
    keys: &[K],
    to_key: impl Fn(K) -> GroupKey,
) -> Result<KeyPlan<'static>> {
    let (ids, uniq) = index_keys(keys, MAX_GROUPS, to_key)?.ok_or_else(too_many_groups)?;
    Ok(KeyPlan::indexed(ids, uniq))
}

/// Distinct integer keys a hash map numbers; beyond them the map leaves
/// the cache, and sorting the rows ([`index_sorted`]) is faster.
const HASHED_MAX: usize = 1 << 16;

/// Integer keys too wide for dense slots, seen as `u64` values in the same
/// order through `value` (between `lo` and `hi`): hashed while at most
/// [`HASHED_MAX`] distinct keys occur, else sorted. `key` is the group key
/// of a value.
fn index_ints<K: Copy + Eq + Hash + Sync>(
    keys: &[K],
    (lo, hi): (u64, u64),
    value: impl Fn(K) -> u64 + Sync,
    key: impl Fn(u64) -> GroupKey,
) -> Result<KeyPlan<'static>> {
    if keys.len() <= u32::MAX as usize {
        if let Some((ids, uniq)) = index_keys(keys, HASHED_MAX, |k| key(value(k)))? {
            return Ok(KeyPlan::indexed(ids, uniq));
        }
        let (ids, values) = index_sorted(keys, lo, hi, value)?;
        // Numbered in the order of the values, which is the keys' order.
        return Ok(KeyPlan::Indexed(ids, values.into_iter().map(key).collect()));
    }
    index_all(keys, |k| key(value(k)))
}

/// Rows of a bucket of [`index_sorted`]: 2^13 (128 KiB of pairs), sorted
/// within the per-core cache.
const BUCKET_BITS: u32 = 13;

/// Rows partitioned by the high bits of a `u64` value of theirs into
/// buckets of about 2^13 rows (one scattering pass, split across threads),
/// each bucket then sorted by the remaining bits within the cache: the
/// common first step of [`index_sorted`] and [`index_texts`].
struct Buckets {
    /// `(value - lo, row)`, bucket after bucket (rows in order within a
    /// bucket until [`Buckets::sort`]).
    pairs: Vec<(u64, u32)>,
    /// Bucket `b` is `pairs[bounds[b]..bounds[b + 1]]`.
    bounds: Vec<usize>,
    /// Thread `t` takes buckets `cuts[t]..cuts[t + 1]` (about equal rows).
    cuts: Vec<usize>,
    /// Bits of a value below its bucket's.
    shift: u32,
}

impl Buckets {
    /// Partitions the rows of `keys` by `value(key) - lo` (all values
    /// between `lo` and `hi`). At most `u32::MAX` rows.
    fn of<K: Copy + Sync>(
        keys: &[K],
        lo: u64,
        hi: u64,
        value: impl Fn(K) -> u64 + Sync,
    ) -> Buckets {
        let n = keys.len();
        let bits = bits_of(hi - lo);
        let high = bits_of(n as u64)
            .saturating_sub(BUCKET_BITS)
            .min(bits)
            .min(16);
        let shift = bits - high;
        let bucket = |k: K| ((value(k) - lo).checked_shr(shift).unwrap_or(0)) as usize;
        let n_buckets = 1usize << high;

        // The rows split across threads; each counts its rows per bucket.
        let threads = max_threads().min(n / (1 << 16)).max(1);
        let per = n.div_ceil(threads).max(1);
        let parts: Vec<(usize, &[K])> = keys.chunks(per).enumerate().collect();
        let hists = map_each(parts.clone(), |(_, part)| {
            let mut h = vec![0usize; n_buckets];
            for &k in part {
                h[bucket(k)] += 1;
            }
            h
        });
        // Where each part writes in each bucket: the buckets in order, the
        // parts in row order within them.
        let mut bounds = Vec::with_capacity(n_buckets + 1);
        let mut starts = vec![vec![0usize; n_buckets]; hists.len()];
        let mut at = 0;
        for b in 0..n_buckets {
            bounds.push(at);
            for (p, h) in hists.iter().enumerate() {
                starts[p][b] = at;
                at += h[b];
            }
        }
        bounds.push(n);

        let mut pairs: Vec<(u64, u32)> = Vec::new();
        let out = Shared::new(&mut pairs, n);
        map_each(
            parts.into_iter().zip(starts).collect(),
            |((p, part), mut next)| {
                for (i, &k) in part.iter().enumerate() {
                    let b = bucket(k);
                    // SAFETY: the parts' offsets partition 0..n by bucket,
                    // so each position is written once, by one thread.
                    unsafe { out.write(next[b], (value(k) - lo, (p * per + i) as u32)) };
                    next[b] += 1;
                }
            },
        );
        // SAFETY: every position of 0..n was written above.
        unsafe { pairs.set_len(n) };

        let mut cuts = vec![0usize];
        for (b, &at) in bounds.iter().enumerate().take(n_buckets).skip(1) {
            if at >= n * cuts.len() / threads && cuts.len() < threads {
                cuts.push(b);
            }
        }
        cuts.push(n_buckets);
        Buckets {
            pairs,
            bounds,
            cuts,
            shift,
        }
    }

    /// Each thread's pairs.
    fn chunks(&self) -> Vec<&[(u64, u32)]> {
        let mut chunks = Vec::with_capacity(self.cuts.len() - 1);
        let mut rest: &[(u64, u32)] = &self.pairs;
        for w in self.cuts.windows(2) {
            let (chunk, tail) = rest.split_at(self.bounds[w[1]] - self.bounds[w[0]]);
            chunks.push(chunk);
            rest = tail;
        }
        chunks
    }

    /// Sorts each bucket by value (on its thread, within the cache) and
    /// calls `after(state, bucket)` with each sorted bucket, in order, with
    /// a state per thread (from `state()`); returns the threads' states.
    fn sort<S: Send>(
        &mut self,
        state: impl Fn() -> S + Sync,
        after: impl Fn(&mut S, &mut [(u64, u32)]) + Sync,
    ) -> Vec<S> {
        let Buckets {
            pairs,
            bounds,
            cuts,
            shift,
        } = self;
        let (bounds, shift) = (&*bounds, *shift);
        let low_mask = u64::MAX.checked_shr(64 - shift).unwrap_or(0);
        let mut chunks = Vec::with_capacity(cuts.len() - 1);
        let mut rest: &mut [(u64, u32)] = pairs;
        for w in cuts.windows(2) {
            let (chunk, tail) = rest.split_at_mut(bounds[w[1]] - bounds[w[0]]);
            chunks.push((chunk, w[0], w[1]));
            rest = tail;
        }
        map_each(chunks, |(chunk, b0, b1)| {
            let (mut a, mut scratch) = (Vec::new(), Vec::new());
            let mut s = state();
            for b in b0..b1 {
                let run = &mut chunk[bounds[b] - bounds[b0]..bounds[b + 1] - bounds[b0]];
                if run.len() > 1 {
                    a.clear();
                    a.extend_from_slice(run);
                    radix_sort_with(&mut a, &mut scratch, shift, 11, |p| p.0 & low_mask);
                    run.copy_from_slice(&a);
                }
                after(&mut s, run);
            }
            s
        })
    }
}

/// Compact ids in key order for integer keys with many distinct values,
/// without a hash map: the rows are bucketed and sorted ([`Buckets`]), and
/// the runs of equal values are numbered in order. Returns the id of each
/// row and the distinct values in order. Memory O(rows); at most
/// `u32::MAX` rows.
fn index_sorted<K: Copy + Sync>(
    keys: &[K],
    lo: u64,
    hi: u64,
    value: impl Fn(K) -> u64 + Sync,
) -> Result<(Vec<u32>, Vec<u64>)> {
    let mut b = Buckets::of(keys, lo, hi, value);
    let distinct = b.sort(
        || 0usize,
        |d, run| *d += run.chunk_by(|x, y| x.0 == y.0).count(),
    );
    let total: usize = distinct.iter().sum();
    if total > MAX_GROUPS {
        return Err(too_many_groups());
    }

    // Number the runs: each thread writes the ids of its rows and its
    // distinct values.
    let n = keys.len();
    let mut ids: Vec<u32> = Vec::new();
    let id_out = Shared::new(&mut ids, n);
    let mut values = vec![0u64; total];
    let mut jobs = Vec::with_capacity(distinct.len());
    let mut values_rest = &mut values[..];
    let mut base = 0usize;
    for (chunk, &d) in b.chunks().into_iter().zip(&distinct) {
        let (vals, vtail) = values_rest.split_at_mut(d);
        jobs.push((chunk, vals, base));
        values_rest = vtail;
        base += d;
    }
    map_each(jobs, |(chunk, vals, base)| {
        for (j, run) in chunk.chunk_by(|x, y| x.0 == y.0).enumerate() {
            vals[j] = run[0].0 + lo;
            let id = (base + j) as u32;
            for &(_, row) in run {
                // SAFETY: each row occurs in exactly one pair, so each
                // position is written once, by one thread.
                unsafe { id_out.write(row as usize, id) };
            }
        }
    });
    // SAFETY: every row's position was written above.
    unsafe { ids.set_len(n) };
    Ok((ids, values))
}

/// Values of [`text_value`] below this are texts of at most 8 ASCII bytes,
/// one value per text.
const SHORT_TEXTS: u64 = 1 << 60;

/// The value a text is bucketed and sorted by in [`index_texts`]: for a
/// text of at most 8 ASCII bytes, its bytes (7 bits each) and length
/// packed into 60 bits and mixed by a bijection of `0..2^60` (so the values
/// spread over the buckets, and equal values are equal texts: no text is
/// read again to compare it); for any other text its `hash`, in
/// `15 * 2^60..2^64` (equal values must then be compared).
#[inline(always)]
fn text_value(s: &str, hash: impl Fn(&str) -> u64) -> u64 {
    let b = s.as_bytes();
    if b.len() > 8 || !b.is_ascii() {
        return hash(s) | (0xF << 60);
    }
    let mut x = b.iter().fold(0u64, |p, &c| p << 7 | u64::from(c)) << 4 | b.len() as u64;
    // Odd multipliers and right shifts by less than 60 are bijections of
    // 60-bit values.
    x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15) & (SHORT_TEXTS - 1);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9) & (SHORT_TEXTS - 1);
    x ^ (x >> 29)
}

/// The inverse of an odd number modulo 2^64 (so also modulo 2^60).
const fn inverse(c: u64) -> u64 {
    let mut x = c;
    let mut i = 0;
    // Newton's iteration doubles the correct low bits: 3, 6, ..., 96.
    while i < 5 {
        x = x.wrapping_mul(2u64.wrapping_sub(c.wrapping_mul(x)));
        i += 1;
    }
    x
}

/// The bytes of a value below [`SHORT_TEXTS`] ([`text_value`] undone):
/// a text of at most 8 ASCII bytes, as a big-endian `u64` padded with
/// zeros (so its order is the texts' order up to ties) and its length; or
/// `None` for a value of a longer text.
fn short_bytes(v: u64) -> Option<(u64, usize)> {
    if v >= SHORT_TEXTS {
        return None;
    }
    const MASK: u64 = SHORT_TEXTS - 1;
    let mut x = v ^ (v >> 29) ^ (v >> 58);
    x = x.wrapping_mul(inverse(0xBF58_476D_1CE4_E5B9)) & MASK;
    x ^= x >> 31;
    x = x.wrapping_mul(inverse(0x9E37_79B9_7F4A_7C15)) & MASK;
    let len = ((x & 15) as usize).min(8);
    let be = (0..len).fold(0u64, |p, i| {
        p | ((x >> (4 + 7 * (len - 1 - i))) & 0x7f) << (56 - 8 * i)
    });
    Some((be, len))
}

/// The first 8 bytes of a short text's value ([`short_bytes`]) as
/// [`prefix_of`] gives them, or `None` for a value of a longer text.
fn short_prefix(v: u64) -> Option<u64> {
    short_bytes(v).map(|(be, _)| be)
}

/// The text of a value below [`SHORT_TEXTS`] ([`text_value`] undone), or
/// `None` for a value of a longer text.
fn short_text(v: u64) -> Option<String> {
    let (be, len) = short_bytes(v)?;
    // Seven-bit bytes are ASCII, so always UTF-8.
    String::from_utf8(be.to_be_bytes()[..len].to_vec()).ok()
}

/// A text's first 8 bytes as a big-endian `u64`, padded with zeros: their
/// order is the texts' byte order up to ties (equal prefixes).
fn prefix_of(s: &str) -> u64 {
    let mut b = [0u8; 8];
    let n = s.len().min(8);
    b[..n].copy_from_slice(&s.as_bytes()[..n]);
    u64::from_be_bytes(b)
}

/// Compact ids in byte order for texts with many distinct values, without
/// a map of them: each row's text is hashed (`hash`), the rows are bucketed
/// and sorted by hash ([`Buckets`]), and the texts of each run of equal
/// hashes are compared: a run of one row needs no text at all, and rows
/// whose hashes collide but whose texts differ are sorted apart by text
/// (a comparison sort of that run, never a quadratic scan, whatever the
/// texts). The distinct texts are then put in byte order by their first 8
/// bytes (bucketed and sorted the same way, texts compared only within a
/// run of equal prefixes), each row's id is written once, and each
/// distinct text is made once, in order, as `make(text)` (`empty` fills
/// the vector first). Returns the id of each row and the keys in order.
/// Memory O(rows); at most `u32::MAX` rows.
fn index_texts<T: Clone + Send>(
    col: &dyn TextColumn,
    hash: impl Fn(&str) -> u64 + Sync,
    empty: T,
    make: impl Fn(String) -> T + Sync,
) -> Result<(Vec<u32>, Vec<T>)> {
    let n = col.len();
    let mut hashes = vec![0u64; n];
    for_each_part_mut(&mut hashes, 1 << 16, |start, part| {
        each_text(col, start, start + part.len(), |row, s| {
            part[row - start] = text_value(s, &hash)
        });
    });
    let (lo, hi) = min_max(&hashes).unwrap_or((0, 0));
    let mut b = Buckets::of(&hashes, lo, hi, |h| h);
    drop(hashes);
    let text = |row: u32| text_at(col, row as usize);

    // Each thread numbers the distinct texts of its buckets from 0: each
    // pair's value becomes the number of its text, and the thread keeps a
    // row of each text.
    let reps = b.sort(Vec::<(u32, u64)>::new, |reps, bucket| {
        for run in bucket.chunk_by_mut(|x, y| x.0 == y.0) {
            // Almost every run is of one text: its first row stands for it.
            // Values below `1 << 60` are short texts, exactly.
            let one_text = run.len() == 1 || run[0].0 + lo < SHORT_TEXTS || {
                let first = text(run[0].1);
                run[1..].iter().all(|p| text(p.1) == first)
            };
            if one_text {
                reps.push((run[0].1, run[0].0 + lo));
                let v = (reps.len() - 1) as u64;
                run.iter_mut().for_each(|p| p.0 = v);
                continue;
            }
            run.sort_unstable_by(|x, y| text(x.1).cmp(text(y.1)));
            let mut last: Option<&str> = None;
            for p in run.iter_mut() {
                let t = text(p.1);
                if last != Some(t) {
                    reps.push((p.1, p.0 + lo));
                    last = Some(t);
                }
                p.0 = (reps.len() - 1) as u64;
            }
        }
    });
    let per_thread: Vec<usize> = reps.iter().map(Vec::len).collect();
    let total: usize = per_thread.iter().sum();
    if total > MAX_GROUPS {
        return Err(too_many_groups());
    }
    // The distinct texts in byte order, without making them first: each
    // one's first 8 bytes (a short text's from its value: the column is not
    // read again) bucketed and sorted as the hashes were, and the texts of
    // a run of equal prefixes compared.
    let reps: Vec<(u32, u64)> = reps.into_iter().flatten().collect();
    let label = |&(row, v): &(u32, u64)| match short_text(v) {
        Some(t) => Cow::Owned(t),
        None => Cow::Borrowed(text(row)),
    };
    let mut prefixes = vec![0u64; total];
    for_each_part_mut(&mut prefixes, 1 << 16, |start, part| {
        for (p, &(row, v)) in part.iter_mut().zip(&reps[start..]) {
            *p = short_prefix(v).unwrap_or_else(|| prefix_of(text(row)));
        }
    });
    let (plo, phi) = min_max(&prefixes).unwrap_or((0, 0));
    let mut by_text = Buckets::of(&prefixes, plo, phi, |p| p);
    drop(prefixes);
    by_text.sort(
        || (),
        |(), bucket| {
            for run in bucket.chunk_by_mut(|x, y| x.0 == y.0) {
                if run.len() > 1 {
                    run.sort_unstable_by(|x, y| {
                        label(&reps[x.1 as usize]).cmp(&label(&reps[y.1 as usize]))
                    });
                }
            }
        },
    );
    let order = &by_text.pairs;
    let mut rank = vec![0u32; total];
    for (pos, &(_, id)) in order.iter().enumerate() {
        rank[id as usize] = pos as u32;
    }

    // Each thread writes the ids of its rows: its texts' ranks.
    let mut ids: Vec<u32> = Vec::new();
    let id_out = Shared::new(&mut ids, n);
    let mut jobs = Vec::with_capacity(per_thread.len());
    let mut base = 0usize;
    for (chunk, &d) in b.chunks().into_iter().zip(&per_thread) {
        jobs.push((chunk, &rank[base..base + d]));
        base += d;
    }
    map_each(jobs, |(chunk, rank)| {
        for &(local, row) in chunk {
            // SAFETY: each row occurs in exactly one pair, so each
            // position is written once, by one thread.
            unsafe { id_out.write(row as usize, rank[local as usize]) };
        }
    });
    // SAFETY: every row's position was written above.
    unsafe { ids.set_len(n) };
    // The keys, made in order on every core.
    let mut labels = vec![empty; total];
    for_each_part_mut(&mut labels, 1 << 16, |start, part| {
        // The distinct texts are read in blocks: first gathered (loads
        // that do not wait for one another), then made.
        let mut block = Vec::with_capacity(1 << 12);
        for (part, order) in part.chunks_mut(1 << 12).zip(order[start..].chunks(1 << 12)) {
            block.clear();
            block.extend(order.iter().map(|&(_, id)| reps[id as usize]));
            for (l, rep) in part.iter_mut().zip(&block) {
                *l = make(label(rep).into_owned());
            }
        }
    });
    Ok((ids, labels))
}

/// Most distinct groups one call may form (ids are `u32`).
pub(super) const MAX_GROUPS: usize = u32::MAX as usize - 1;

pub(super) fn too_many_groups() -> Error {
    Error::arg(
        "keys",
        format!("more than {MAX_GROUPS} distinct groups in one call"),
    )
}

/// Combines per-column ids into compact ids of the key tuple
/// (first-occurrence order); the tuple of each id comes from the first row
/// that has it.
fn index_tuple(cols: &[Keys<'_>], rows: usize) -> Result<(Vec<u32>, Vec<GroupKey>)> {
    let mut acc: Vec<u32> = vec![0; rows];
    let mut n_acc: u64 = 1;
    for col in cols {
        let (ids, keys) = plan_keys(col, 1, rows)?.into_ids(rows);
        let n = keys.len() as u64;
        if small_enough(n_acc.saturating_mul(n), rows) {
            for (a, &i) in acc.iter_mut().zip(&ids) {
                *a = (u64::from(*a) * n + u64::from(i)) as u32;
            }
            n_acc *= n;
        } else {
            // Pack the pair and compact it by hashing.
            let mut map: FastMap<u64, u32> = map_with_capacity(1024);
            for (a, &i) in acc.iter_mut().zip(&ids) {
                let packed = (u64::from(*a) << 32) | u64::from(i);
                let next = map.len() as u32;
                *a = *map.entry(packed).or_insert(next);
            }
            n_acc = map.len() as u64;
        }
    }
    // Renumber in first-occurrence order, remembering the first row of each.
    let mut first_row: Vec<usize> = Vec::new();
    let mut seen: FastMap<u32, u32> = map_with_capacity(1024);
    for (row, a) in acc.iter_mut().enumerate() {
        let next = first_row.len() as u32;
        let id = *seen.entry(*a).or_insert_with(|| {
            first_row.push(row);
            next
        });
        *a = id;
    }
    let keys = first_row
        .iter()
        .map(|&row| GroupKey::Tuple(cols.iter().map(|c| c.key_at(row)).collect()))
        .collect();
    Ok((acc, keys))
}

#[inline(always)]
fn fold<T: Copy + Ord>(part: &[T]) -> Option<(T, T)> {
    let first = *part.first()?;
    Some(
        part.iter()
            .fold((first, first), |(lo, hi), &x| (lo.min(x), hi.max(x))),
    )
}
/// `fold` compiled for AVX2, which has the vector min/max instructions
/// for 32- and 64-bit integers that the x86-64 baseline lacks.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn fold_avx2<T: Copy + Ord>(part: &[T]) -> Option<(T, T)> {
    fold(part)
}
/// The smallest and largest value (`None` without rows), split across
/// threads and vectorised (AVX2 where the CPU has it).
pub(crate) fn min_max<T: Copy + Ord + Send + Sync>(v: &[T]) -> Option<(T, T)> {
    // Split across threads like the counting pass.
    let parts = map_parts(v, 1 << 18, |_, part| {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { fold_avx2(part) };
        }
        fold(part)
    });
    parts
        .into_iter()
        .flatten()
        .reduce(|(lo, hi), (l, h)| (lo.min(l), hi.max(h)))
}

pub(super) fn plan_keys<'a>(keys: &Keys<'a>, periods: usize, rows: usize) -> Result<KeyPlan<'a>> {
    /// Codes (with their labels, or as the keys themselves): dense over the
    /// codes that occur, so no per-row id is built.
    fn plan_codes<'a, T: Code>(
        c: &'a [T],
        codes: Codes<'a>,
        labels: Option<&'a [&'a str]>,
        periods: usize,
        rows: usize,
    ) -> Result<KeyPlan<'a>> {
        Ok(match min_max(c) {
            Some((lo, hi)) if dense_ok((hi.index() - lo.index()) as u64, periods, rows) => {
                KeyPlan::DenseCoded(codes, lo.index(), hi.index() - lo.index() + 1, labels)
            }
            _ => index_all(c, |x| match labels {
                Some(l) => GroupKey::Str(l[x.index()].to_owned()),
                None => GroupKey::UInt(x.index() as u64),
            })?,
        })
    }
    Ok(match *keys {
        Keys::U32(k) => match min_max(k) {
            Some((lo, hi)) if dense_ok(u64::from(hi - lo), periods, rows) => {
                KeyPlan::DenseU32(k, lo, (hi - lo) as usize + 1)
            }
            Some((lo, hi)) => index_ints(k, (lo.into(), hi.into()), u64::from, GroupKey::UInt)?,
            None => KeyPlan::Indexed(Vec::new(), Vec::new()),
        },
        Keys::U64(k) => match min_max(k) {
            Some((lo, hi)) if dense_ok(hi - lo, periods, rows) => {
                KeyPlan::DenseU64(k, lo, (hi - lo) as usize + 1)
            }
            Some((lo, hi)) => index_ints(k, (lo, hi), |x| x, GroupKey::UInt)?,
            None => KeyPlan::Indexed(Vec::new(), Vec::new()),
        },
        Keys::I64(k) => match min_max(k) {
            Some((lo, hi)) if dense_ok(hi.abs_diff(lo), periods, rows) => {
                KeyPlan::DenseI64(k, lo, hi.abs_diff(lo) as usize + 1)
            }
            Some((lo, hi)) => index_ints(k, (signed(lo), signed(hi)), signed, |v| {
                GroupKey::Int((v ^ (1 << 63)) as i64)
            })?,
            None => KeyPlan::Indexed(Vec::new(), Vec::new()),
        },
        Keys::Str(k) => index_text(&RowTexts(k))?,
        // Codes index `labels` (checked by `Keys::check`): dense over the
        // codes that occur, so no per-row id is built.
        Keys::Coded { codes, labels } => {
            with_codes!(codes, |c| plan_codes(
                c,
                codes,
                Some(labels),
                periods,
                rows
            )?)
        }
        Keys::Codes(codes) => with_codes!(codes, |c| plan_codes(c, codes, None, periods, rows)?),
        // The slot of each row is noted as the texts are collected: no text
        // is looked up twice (as counting in place would).
        Keys::Text(col) => index_text(col)?,
        Keys::Multi(cols) => {
            // Every column in place when their product of slots is small:
            // no id per row. Otherwise compact ids of the tuples.
            let mut plans = Vec::with_capacity(cols.len());
            let mut slots: u64 = 1;
            for c in cols {
                // Texts in place here: a column of compact ids is no use to
                // a product.
                let p = match c {
                    Keys::Text(col) => KeyPlan::Text(*col, TextSlots::of(*col)?),
                    c => plan_keys(c, 1, rows)?,
                };
                slots = slots.saturating_mul(p.slots() as u64);
                if matches!(p, KeyPlan::Indexed(..))
                    || !small_enough(slots.saturating_mul(periods as u64), rows)
                {
                    plans.clear();
                    break;
                }
                plans.push(p);
            }
            if plans.len() == cols.len() {
                KeyPlan::Product(plans)
            } else {
                let (i, u) = index_tuple(cols, rows)?;
                KeyPlan::indexed(i, u)
            }
        }
    })
}

/// Compact ids of a text column's rows, in the order of the texts: hashed
/// while each thread meets at most [`HASHED_MAX`] distinct texts (its map
/// stays in cache), else sorted by hash ([`index_texts`]).
fn index_text(col: &dyn TextColumn) -> Result<KeyPlan<'static>> {
    let (ids, labels) = match TextSlots::read(col, true, HASHED_MAX)? {
        Some((t, ids)) => (ids.unwrap_or_default(), t.labels),
        None if col.len() <= u32::MAX as usize => {
            let (ids, keys) = index_texts(col, hash_of, GroupKey::All, GroupKey::Str)?;
            return Ok(KeyPlan::Indexed(ids, keys));
        }
        None => {
            let (t, ids) = TextSlots::read(col, true, MAX_GROUPS)?.ok_or_else(too_many_groups)?;
            (ids.unwrap_or_default(), t.labels)
        }
    };
    // Owned keys made on every core: the labels are in key order, so each
    // copy reads the column at a random place.
    let mut keys = vec![GroupKey::All; labels.len()];
    for_each_part_mut(&mut keys, 1 << 16, |start, part| {
        for (k, s) in part.iter_mut().zip(&labels[start..]) {
            *k = GroupKey::Str((*s).to_owned());
        }
    });
    Ok(KeyPlan::Indexed(ids, keys))
}

/// The distinct texts of a [`TextColumn`] in byte order, and the slot of
/// each (memory O(distinct texts), borrowed from the column).
pub(super) struct TextSlots<'a> {
    pub(super) labels: Vec<&'a str>,
    slots: FastMap<&'a str, u32>,
}

impl<'a> TextSlots<'a> {
    /// Reads the column once: each thread collects the distinct texts of its
    /// part of the rows, then the parts are joined in row order (so the
    /// order of first occurrence does not depend on the number of threads).
    fn of(col: &'a dyn TextColumn) -> Result<TextSlots<'a>> {
        Ok(Self::read(col, false, MAX_GROUPS)?
            .ok_or_else(too_many_groups)?
            .0)
    }

    /// As [`TextSlots::of`], and with `ids` the slot of every row, noted
    /// as each row is read (so no text is looked up twice); `None` as soon
    /// as a thread's part of the rows has more than `limit` distinct texts.
    fn read(
        col: &'a dyn TextColumn,
        ids: bool,
        limit: usize,
    ) -> Result<Option<(TextSlots<'a>, Option<Vec<u32>>)>> {
        let rows = col.len();
        let mut row_ids: Vec<u32> = if ids { vec![0; rows] } else { Vec::new() };
        let threads = max_threads().min(rows / (1 << 16)).max(1);
        let per = rows.div_ceil(threads).max(1);
        let mut parts: Vec<(usize, Option<&mut [u32]>)> = Vec::with_capacity(threads);
        let mut rest = &mut row_ids[..];
        for start in (0..rows).step_by(per) {
            let part = if ids {
                let (mine, tail) = rest.split_at_mut(per.min(rows - start));
                rest = tail;
                Some(mine)
            } else {
                None
            };
            parts.push((start, part));
        }
        // Each part: its distinct texts in first-occurrence order, and the
        // local number of each row's text.
        let parts = map_each(parts, |(start, mut local)| {
            let mut seen: FastMap<&'a str, u32> = map_with_capacity(1024);
            let mut order: Vec<&'a str> = Vec::new();
            // Past the limit the part stops reading (the column is then
            // numbered by sorting, `index_texts`).
            each_text_while(col, start, (start + per).min(rows), |row, s| {
                if order.len() > limit {
                    return false;
                }
                let next = order.len() as u32;
                let id = *seen.entry(s).or_insert_with(|| {
                    order.push(s);
                    next
                });
                if let Some(l) = local.as_deref_mut() {
                    l[row - start] = id;
                }
                true
            });
            (order, local)
        });
        if parts.iter().any(|(order, _)| order.len() > limit) {
            return Ok(None);
        }
        let mut slots: FastMap<&'a str, u32> =
            map_with_capacity(parts.first().map_or(0, |p| p.0.len()));
        let mut labels = Vec::new();
        let mut remaps: Vec<Vec<u32>> = Vec::with_capacity(parts.len());
        for (order, _) in &parts {
            let mut remap = Vec::with_capacity(if ids { order.len() } else { 0 });
            for &s in order {
                let next = labels.len() as u32;
                let slot = *slots.entry(s).or_insert_with(|| {
                    labels.push(s);
                    next
                });
                if ids {
                    remap.push(slot);
                }
                if labels.len() > MAX_GROUPS {
                    return Err(too_many_groups());
                }
            }
            remaps.push(remap);
        }
        // Slots in the order of the texts: counts come out in key order,
        // so the groups are built by one sequential walk.
        let order = order_of_strs(&labels);
        if !order.iter().zip(0u32..).all(|(&o, i)| o == i) {
            let mut rank = vec![0u32; order.len()];
            for (pos, &id) in order.iter().enumerate() {
                rank[id as usize] = pos as u32;
            }
            if ids {
                remaps
                    .iter_mut()
                    .flatten()
                    .for_each(|v| *v = rank[*v as usize]);
            } else {
                slots.values_mut().for_each(|v| *v = rank[*v as usize]);
            }
            labels = order.iter().map(|&id| labels[id as usize]).collect();
        }
        if ids {
            let jobs: Vec<_> = parts
                .into_iter()
                .zip(&remaps)
                .filter_map(|((_, local), remap)| Some((local?, remap)))
                .collect();
            map_each(jobs, |(local, remap)| {
                local.iter_mut().for_each(|id| *id = remap[*id as usize]);
            });
            slots = map_with_capacity(0);
        }
        Ok(Some((TextSlots { labels, slots }, ids.then_some(row_ids))))
    }

    /// The slot of a text of the column.
    #[inline(always)]
    pub(super) fn slot(&self, s: &str) -> u32 {
        // Every text of the column was collected by `of`.
        self.slots.get(s).copied().unwrap_or(0)
    }
}

impl Slot for KeyPlan<'_> {
    /// One match per block of rows; the row loops are those of the
    /// column's own slot type.
    #[inline(always)]
    fn fill<I: Idx>(&self, start: usize, scale: Option<I>, out: &mut [I]) {
        match self {
            KeyPlan::None => count::Zero.fill(start, scale, out),
            KeyPlan::DenseU32(k, min, _) => count::DenseU32(k, *min).fill(start, scale, out),
            KeyPlan::DenseU64(k, min, _) => count::DenseU64(k, *min).fill(start, scale, out),
            KeyPlan::DenseI64(k, min, _) => count::DenseI64(k, *min).fill(start, scale, out),
            KeyPlan::DenseCoded(codes, min, _, _) => {
                with_codes!(*codes, |c| count::DenseCodes(c, *min)
                    .fill(start, scale, out))
            }
            KeyPlan::Text(col, t) => count::TextSlot(*col, t).fill(start, scale, out),
            KeyPlan::Indexed(ids, _) => count::Indexed(ids).fill(start, scale, out),
            KeyPlan::Product(cols) => {
                for (i, c) in cols.iter().enumerate() {
                    let s = if i == 0 {
                        scale
                    } else {
                        Some(I::from_usize(c.slots()))
                    };
                    c.fill(start, s, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::group::{group_by, GroupOptions, Grouping, TextColumn};
    use crate::period::Period;
    use crate::Tally;

    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    /// Texts that tie on their first 8 bytes, differ only after them, hold
    /// NUL bytes (which zero padding must not confuse with shorter texts)
    /// and multi-byte characters.
    fn texts(rng: &mut Rng, n: usize) -> Vec<String> {
        let parts = [
            "",
            "\0",
            "a",
            "ab",
            "abcdefgh",
            "abcdefgh\0",
            "é",
            "z",
            "00000000",
            "9",
        ];
        let mut set = std::collections::BTreeSet::new();
        while set.len() < n {
            let k = 1 + rng.below(4) as usize;
            let mut s: String = (0..k)
                .map(|_| parts[rng.below(parts.len() as u64) as usize])
                .collect();
            if rng.below(2) == 0 {
                // Digits after the shared parts: as many texts as wanted.
                s.push_str(&rng.below(1 << 20).to_string());
            }
            set.insert(s);
        }
        let mut v: Vec<String> = set.into_iter().collect();
        // Shuffle: the order must come from the sort, not the input.
        for i in (1..v.len()).rev() {
            v.swap(i, rng.below(i as u64 + 1) as usize);
        }
        v
    }

    #[test]
    fn order_of_strs_is_byte_order() {
        let mut rng = Rng(5);
        for n in [0, 1, 2, 300, 3_000] {
            let t = texts(&mut rng, n);
            let labels: Vec<&str> = t.iter().map(String::as_str).collect();
            let got: Vec<&str> = order_of_strs(&labels)
                .iter()
                .map(|&i| labels[i as usize])
                .collect();
            let mut want = labels.clone();
            want.sort_unstable();
            assert_eq!(got, want, "n {n}");
        }
    }

    #[test]
    fn order_of_keys_matches_their_ord() {
        let mut rng = Rng(17);
        let edge = [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1, i64::MAX];
        let mut ints: Vec<i64> = edge.to_vec();
        ints.extend((0..2_000).map(|_| rng.below(u64::MAX) as i64));
        ints.sort_unstable();
        ints.dedup();
        let uints: Vec<u64> = ints.iter().map(|&x| x as u64).collect();
        let t = texts(&mut rng, 500);
        let cases: Vec<Vec<GroupKey>> = vec![
            ints.iter().rev().map(|&x| GroupKey::Int(x)).collect(),
            uints.iter().rev().map(|&x| GroupKey::UInt(x)).collect(),
            t.iter().map(|s| GroupKey::Str(s.clone())).collect(),
            vec![
                GroupKey::Tuple(vec![GroupKey::Int(2), GroupKey::Str("a".into())]),
                GroupKey::Tuple(vec![GroupKey::Int(-1), GroupKey::Str("b".into())]),
                GroupKey::Tuple(vec![GroupKey::Int(2), GroupKey::Str("".into())]),
            ],
        ];
        for keys in cases {
            let got: Vec<&GroupKey> = order_of(&keys).iter().map(|&i| &keys[i as usize]).collect();
            let mut want: Vec<&GroupKey> = keys.iter().collect();
            want.sort();
            assert_eq!(got, want);
        }
    }

    struct Owned(Vec<String>);
    impl TextColumn for Owned {
        fn len(&self) -> usize {
            self.0.len()
        }
        fn read<'s>(&'s self, start: usize, out: &mut [&'s str]) {
            for (j, o) in out.iter_mut().enumerate() {
                *o = &self.0[start + j];
            }
        }
    }

    /// The straightforward per-key tallies, in key order.
    fn want<K: Ord + Clone>(
        keys: &[K],
        scores: &[u8],
        to: impl Fn(&K) -> GroupKey,
    ) -> Vec<(GroupKey, Tally)> {
        let mut m: BTreeMap<K, Vec<u8>> = BTreeMap::new();
        for (k, &s) in keys.iter().zip(scores) {
            m.entry(k.clone()).or_default().push(s);
        }
        m.into_iter()
            .map(|(k, v)| (to(&k), Tally::from_scores(&v).unwrap()))
            .collect()
    }

    fn groups_of(keys: Keys<'_>, scores: &[u8]) -> Vec<(GroupKey, Tally)> {
        let g = group_by(
            scores,
            &GroupOptions {
                keys: Some(keys),
                ..Default::default()
            },
        )
        .unwrap();
        g.groups.into_iter().map(|g| (g.key, g.tally)).collect()
    }

    /// More distinct integer keys than a hash map numbers (so the rows are
    /// partitioned and sorted, in parts on several threads), and more
    /// distinct texts than a thread hashes (so they are sorted by hash), as
    /// a column and as a slice: the groups are the per-key tallies
    /// in key order, for keys spread evenly, keys crowded into one bucket
    /// by a far outlier, negative keys and 32-bit keys.
    #[test]
    fn sorted_ids_match_a_map_of_tallies() {
        let mut rng = Rng(7);
        let rows = 300_000;
        let scores: Vec<u8> = (0..rows).map(|_| rng.below(11) as u8).collect();
        let draw: Vec<u64> = (0..rows).map(|_| rng.below(200_000)).collect();
        assert!(draw.iter().collect::<std::collections::BTreeSet<_>>().len() > HASHED_MAX);
        let spread: Vec<i64> = draw
            .iter()
            .map(|&d| (d as i64 - 100_000).wrapping_mul(0x9E37_79B9_7F4A_7C15u64 as i64))
            .collect();
        let mut crowded: Vec<u64> = draw.iter().map(|&d| d * 977).collect();
        crowded[rows / 2] = u64::MAX;
        let narrow: Vec<u32> = draw.iter().map(|&d| (d * 20_011) as u32).collect();
        let labels: Vec<String> = draw.iter().map(|&d| format!("r{d}")).collect();
        let strs: Vec<&str> = labels.iter().map(String::as_str).collect();
        let owned = Owned(labels.clone());
        assert_eq!(
            groups_of(Keys::I64(&spread), &scores),
            want(&spread, &scores, |&k| GroupKey::Int(k))
        );
        assert_eq!(
            groups_of(Keys::U64(&crowded), &scores),
            want(&crowded, &scores, |&k| GroupKey::UInt(k))
        );
        assert_eq!(
            groups_of(Keys::U32(&narrow), &scores),
            want(&narrow, &scores, |&k| GroupKey::UInt(k.into()))
        );
        let texts = want(&strs, &scores, |k| GroupKey::Str(k.to_string()));
        assert_eq!(groups_of(Keys::Text(&owned), &scores), texts);
        assert_eq!(groups_of(Keys::Str(&strs), &scores), texts);
    }

    /// Texts of at most 8 ASCII bytes have values of their own below
    /// [`SHORT_TEXTS`] (every text over a small alphabet of edge bytes, and
    /// random ones); any other text is at or above `15 * 2^60`.
    #[test]
    fn short_texts_have_values_of_their_own() {
        let alphabet = ["\0", "a", "\x7f", "0"];
        let mut all: Vec<String> = vec![String::new()];
        let mut last = all.clone();
        for _ in 0..6 {
            last = last
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            all.extend(last.iter().cloned());
        }
        let mut rng = Rng(99);
        for len in [7, 8] {
            all.extend((0..20_000).map(|_| {
                (0..len)
                    .map(|_| char::from(rng.below(128) as u8))
                    .collect::<String>()
            }));
        }
        all.sort_unstable();
        all.dedup();
        let mut values: Vec<u64> = all.iter().map(|t| text_value(t, hash_of::<str>)).collect();
        assert!(values.iter().all(|&v| v < SHORT_TEXTS));
        for (t, &v) in all.iter().zip(&values) {
            assert_eq!(short_text(v).as_deref(), Some(t.as_str()));
            // The first 8 bytes, as the texts are put in order by.
            assert_eq!(short_prefix(v), Some(prefix_of(t)), "{t:?}");
        }
        values.sort_unstable();
        values.dedup();
        assert_eq!(values.len(), all.len());
        for long in ["abcdefghi", "é", "\u{80}", "aaaaaaaa\0"] {
            let v = text_value(long, hash_of::<str>);
            assert!(v >= 0xF << 60, "{long:?}");
            assert_eq!(short_text(v), None);
            assert_eq!(short_prefix(v), None);
        }
    }

    /// Texts numbered by hash ([`index_texts`]) with hashes that collide
    /// (a hash of a text's length and last byte only, or one hash for
    /// every text): the ids are those of the texts in byte order, exactly,
    /// whatever the collisions.
    #[test]
    fn texts_numbered_by_hash_survive_collisions() {
        let mut rng = Rng(23);
        let t = texts(&mut rng, 3_000);
        let rows: Vec<String> = (0..50_000)
            .map(|_| t[rng.below(t.len() as u64) as usize].clone())
            .collect();
        let col = Owned(rows.clone());
        let mut want: Vec<&str> = rows.iter().map(String::as_str).collect();
        want.sort_unstable();
        want.dedup();
        let poor = |s: &str| (s.len() as u64) << 8 | u64::from(*s.as_bytes().last().unwrap_or(&0));
        let hashes: [&(dyn Fn(&str) -> u64 + Sync); 3] = [&hash_of::<str>, &poor, &|_| 7];
        for (h, hash) in hashes.iter().enumerate() {
            let (ids, labels) = index_texts(&col, hash, String::new(), |s| s).unwrap();
            assert_eq!(labels, want, "hash {h}");
            for (row, &id) in ids.iter().enumerate() {
                assert_eq!(labels[id as usize], rows[row], "hash {h}, row {row}");
            }
        }
        let empty = Owned(Vec::new());
        assert_eq!(
            index_texts(&empty, hash_of::<str>, String::new(), |s| s).unwrap(),
            (vec![], vec![])
        );
    }

    /// Many groups (as many keys as rows, wide integer ranges, texts with
    /// shared prefixes), every key form: the groups are the straightforward
    /// per-key tallies, in key order, and the engine's assignment agrees.
    #[test]
    fn many_groups_match_a_map_of_tallies() {
        let mut rng = Rng(41);
        let rows = 30_000;
        let t = texts(&mut rng, 20_000);
        let pick: Vec<usize> = (0..rows)
            .map(|_| rng.below(t.len() as u64) as usize)
            .collect();
        let scores: Vec<u8> = (0..rows).map(|_| rng.below(11) as u8).collect();
        let ints: Vec<i64> = pick
            .iter()
            .map(|&i| (i as i64 - 10_000).wrapping_mul(0x9E37_79B9_7F4A_7C15u64 as i64))
            .collect();
        let uints: Vec<u64> = ints.iter().map(|&x| x as u64).collect();
        let strs: Vec<&str> = pick.iter().map(|&i| t[i].as_str()).collect();
        let owned = Owned(strs.iter().map(|s| s.to_string()).collect());
        let ts: Vec<i64> = (0..rows)
            .map(|_| 1_700_000_000 + rng.below(40_000_000) as i64)
            .collect();

        let cases: Vec<(Keys<'_>, Vec<(GroupKey, Tally)>)> = vec![
            (
                Keys::I64(&ints),
                want(&ints, &scores, |&k| GroupKey::Int(k)),
            ),
            (
                Keys::U64(&uints),
                want(&uints, &scores, |&k| GroupKey::UInt(k)),
            ),
            (
                Keys::Str(&strs),
                want(&strs, &scores, |k| GroupKey::Str(k.to_string())),
            ),
            (
                Keys::Text(&owned),
                want(&strs, &scores, |k| GroupKey::Str(k.to_string())),
            ),
        ];
        for (keys, want) in &cases {
            assert_eq!(&groups_of(*keys, &scores), want);
            // The engine's assignment: labels in (key, period) order, every
            // row in the group of its key and month.
            let a = Grouping {
                keys: Some(*keys),
                timestamps: Some(&ts),
                period: Some(Period::Month),
                tz: Some("Europe/Berlin"),
            }
            .assign(rows)
            .unwrap();
            assert!(a.labels.windows(2).all(|w| w[0] < w[1]));
            for (row, &id) in a.rows.iter().enumerate() {
                let (k, _) = &a.labels[id as usize];
                assert_eq!(k, &keys.key_at(row));
            }
            let mut sizes = vec![0usize; a.labels.len()];
            a.rows.iter().for_each(|&id| sizes[id as usize] += 1);
            assert!(sizes.iter().all(|&n| n > 0));
        }
    }
}
