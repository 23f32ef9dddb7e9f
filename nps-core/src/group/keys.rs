//! Key columns to slots: dense offsets for narrow integer ranges, compact
//! ids (hashed, then numbered in key order) otherwise, for one key column or
//! several at once.

use std::hash::Hash;

use super::column::{each_text, with_codes, Code, TextColumn};
use super::count::{self, Idx, Slot};
use super::hash::{map_with_capacity, FastMap};
use super::{Codes, GroupKey, Keys};
use crate::error::{Error, Result};
use crate::parallel::{for_each_part_mut, map_parts};
use crate::sort::{bits_of, radix_sort_by};

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
    let prefix = |s: &str| {
        let mut b = [0u8; 8];
        let n = s.len().min(8);
        b[..n].copy_from_slice(&s.as_bytes()[..n]);
        u64::from_be_bytes(b)
    };
    let mut pairs: Vec<(u64, u32)> = labels
        .iter()
        .enumerate()
        .map(|(i, s)| (prefix(s), i as u32))
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
                GroupKey::Int(x) => Some(((*x as u64) ^ (1 << 63), i)),
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

/// Compact ids in first-occurrence order, and the key of each id.
fn index_keys<K: Copy + Eq + Hash>(
    keys: &[K],
    to_key: impl Fn(K) -> GroupKey,
) -> Result<(Vec<u32>, Vec<GroupKey>)> {
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
        if uniq.len() > MAX_GROUPS {
            return Err(too_many_groups());
        }
    }
    Ok((idx, uniq))
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
            _ => {
                let (i, u) = index_keys(c, |x| match labels {
                    Some(l) => GroupKey::Str(l[x.index()].to_owned()),
                    None => GroupKey::UInt(x.index() as u64),
                })?;
                KeyPlan::indexed(i, u)
            }
        })
    }
    Ok(match *keys {
        Keys::U32(k) => match min_max(k) {
            Some((lo, hi)) if dense_ok(u64::from(hi - lo), periods, rows) => {
                KeyPlan::DenseU32(k, lo, (hi - lo) as usize + 1)
            }
            _ => {
                let (i, u) = index_keys(k, |x| GroupKey::UInt(u64::from(x)))?;
                KeyPlan::indexed(i, u)
            }
        },
        Keys::U64(k) => match min_max(k) {
            Some((lo, hi)) if dense_ok(hi - lo, periods, rows) => {
                KeyPlan::DenseU64(k, lo, (hi - lo) as usize + 1)
            }
            _ => {
                let (i, u) = index_keys(k, GroupKey::UInt)?;
                KeyPlan::indexed(i, u)
            }
        },
        Keys::I64(k) => match min_max(k) {
            Some((lo, hi)) if dense_ok(hi.abs_diff(lo), periods, rows) => {
                KeyPlan::DenseI64(k, lo, hi.abs_diff(lo) as usize + 1)
            }
            _ => {
                let (i, u) = index_keys(k, GroupKey::Int)?;
                KeyPlan::indexed(i, u)
            }
        },
        Keys::Str(k) => {
            let (i, u) = index_keys(k, |s: &str| GroupKey::Str(s.to_owned()))?;
            KeyPlan::indexed(i, u)
        }
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
        Keys::Text(col) => {
            let t = TextSlots::of(col)?;
            if small_enough((t.labels.len() as u64).saturating_mul(periods as u64), rows) {
                KeyPlan::Text(col, t)
            } else {
                // Too many key × period slots to count in place: compact ids.
                let mut ids = Vec::with_capacity(rows);
                each_text(col, 0, rows, |_, s| ids.push(t.slot(s)));
                let keys = t
                    .labels
                    .iter()
                    .map(|&s| GroupKey::Str(s.to_owned()))
                    .collect();
                KeyPlan::indexed(ids, keys)
            }
        }
        Keys::Multi(cols) => {
            // Every column in place when their product of slots is small:
            // no id per row. Otherwise compact ids of the tuples.
            let mut plans = Vec::with_capacity(cols.len());
            let mut slots: u64 = 1;
            for c in cols {
                let p = plan_keys(c, 1, rows)?;
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
        let rows = col.len();
        let units = vec![(); rows]; // zero-sized: only splits the rows
        let parts = map_parts(&units, 1 << 16, |start, part| {
            let mut seen: FastMap<&'a str, ()> = map_with_capacity(1024);
            let mut order: Vec<&'a str> = Vec::new();
            each_text(col, start, start + part.len(), |_, s| {
                if seen.insert(s, ()).is_none() {
                    order.push(s);
                }
            });
            order
        });
        let mut slots: FastMap<&'a str, u32> = map_with_capacity(parts.first().map_or(0, Vec::len));
        let mut labels = Vec::new();
        for s in parts.into_iter().flatten() {
            let next = labels.len() as u32;
            slots.entry(s).or_insert_with(|| {
                labels.push(s);
                next
            });
            if labels.len() > MAX_GROUPS {
                return Err(too_many_groups());
            }
        }
        // Slots in the order of the texts: counts come out in key order,
        // so the groups are built by one sequential walk.
        let order = order_of_strs(&labels);
        if !order.iter().zip(0u32..).all(|(&o, i)| o == i) {
            let mut rank = vec![0u32; order.len()];
            for (pos, &id) in order.iter().enumerate() {
                rank[id as usize] = pos as u32;
            }
            slots.values_mut().for_each(|v| *v = rank[*v as usize]);
            labels = order.iter().map(|&id| labels[id as usize]).collect();
        }
        Ok(TextSlots { labels, slots })
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
            let g = group_by(
                &scores,
                &GroupOptions {
                    keys: Some(*keys),
                    ..Default::default()
                },
            )
            .unwrap();
            let got: Vec<(GroupKey, Tally)> =
                g.groups.into_iter().map(|g| (g.key, g.tally)).collect();
            assert_eq!(&got, want);
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
