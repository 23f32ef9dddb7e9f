//! Key columns to slots: dense offsets for narrow integer ranges, compact
//! ids (hashed, first-occurrence order) otherwise, for one key column or
//! several at once.

use std::hash::Hash;

use super::column::{each_text, with_codes, Code, TextColumn};
use super::hash::{map_with_capacity, FastMap};
use super::{Codes, GroupKey, Keys};
use crate::error::{Error, Result};
use crate::parallel::map_parts;

/// How keys map to slots, plus the key of each slot.
pub(super) enum KeyPlan<'a> {
    None,
    DenseU32(&'a [u32], u32, usize),
    DenseU64(&'a [u64], u64, usize),
    DenseI64(&'a [i64], i64, usize),
    /// Codes read in place; slot `s` is label `min + s` (or the code
    /// `min + s` itself without labels).
    DenseCoded(Codes<'a>, usize, usize, Option<&'a [&'a str]>),
    /// Strings read in place; slot `s` is `labels[s]` (first-occurrence
    /// order), found through `slots`.
    Text(&'a dyn TextColumn, TextSlots<'a>),
    Indexed(Vec<u32>, Vec<GroupKey>),
}

impl KeyPlan<'_> {
    pub(super) fn slots(&self) -> usize {
        match self {
            KeyPlan::None => 1,
            KeyPlan::DenseU32(.., n) | KeyPlan::DenseU64(.., n) | KeyPlan::DenseI64(.., n) => *n,
            KeyPlan::DenseCoded(_, _, n, _) => *n,
            KeyPlan::Text(_, t) => t.labels.len(),
            KeyPlan::Indexed(_, keys) => keys.len(),
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
        }
    }

    /// The slots in the order of their keys, or `None` when that is the
    /// slots' own order (integer offsets, codes as keys). Keys are
    /// distinct, so the order is total.
    pub(super) fn key_order(&self) -> Option<Vec<u32>> {
        fn by<'k, T: Ord + ?Sized + 'k>(n: usize, key: impl Fn(usize) -> &'k T) -> Vec<u32> {
            let mut o: Vec<u32> = (0..n as u32).collect();
            o.sort_unstable_by(|&a, &b| key(a as usize).cmp(key(b as usize)));
            o
        }
        match self {
            KeyPlan::None
            | KeyPlan::DenseU32(..)
            | KeyPlan::DenseU64(..)
            | KeyPlan::DenseI64(..)
            | KeyPlan::DenseCoded(_, _, _, None) => None,
            KeyPlan::DenseCoded(_, min, n, Some(labels)) => Some(by(*n, |s| labels[min + s])),
            KeyPlan::Text(_, t) => Some(by(t.labels.len(), |s| t.labels[s])),
            KeyPlan::Indexed(_, keys) => {
                // Integer keys sort by their value (cheaper than comparing
                // `GroupKey`s); a column's keys are all of one kind.
                let ints: Option<Vec<i128>> = keys
                    .iter()
                    .map(|k| match k {
                        GroupKey::Int(i) => Some(i128::from(*i)),
                        GroupKey::UInt(u) => Some(i128::from(*u)),
                        _ => None,
                    })
                    .collect();
                Some(match ints {
                    Some(v) => by(v.len(), |s| &v[s]),
                    None => by(keys.len(), |s| &keys[s]),
                })
            }
        }
    }

    /// The slot of every row (materialised; dense plans are offsets).
    pub(super) fn into_ids(self, rows: usize) -> (Vec<u32>, Vec<GroupKey>) {
        let keys: Vec<GroupKey> = (0..self.slots()).map(|s| self.key(s)).collect();
        let ids = match self {
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
        };
        (ids, keys)
    }
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

pub(super) fn plan_keys<'a>(keys: &Keys<'a>, periods: usize, rows: usize) -> Result<KeyPlan<'a>> {
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
    fn min_max<T: Copy + Ord + Send + Sync>(v: &[T]) -> Option<(T, T)> {
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
                KeyPlan::Indexed(i, u)
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
                KeyPlan::Indexed(i, u)
            }
        },
        Keys::U64(k) => match min_max(k) {
            Some((lo, hi)) if dense_ok(hi - lo, periods, rows) => {
                KeyPlan::DenseU64(k, lo, (hi - lo) as usize + 1)
            }
            _ => {
                let (i, u) = index_keys(k, GroupKey::UInt)?;
                KeyPlan::Indexed(i, u)
            }
        },
        Keys::I64(k) => match min_max(k) {
            Some((lo, hi)) if dense_ok(hi.abs_diff(lo), periods, rows) => {
                KeyPlan::DenseI64(k, lo, hi.abs_diff(lo) as usize + 1)
            }
            _ => {
                let (i, u) = index_keys(k, GroupKey::Int)?;
                KeyPlan::Indexed(i, u)
            }
        },
        Keys::Str(k) => {
            let (i, u) = index_keys(k, |s: &str| GroupKey::Str(s.to_owned()))?;
            KeyPlan::Indexed(i, u)
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
                KeyPlan::Indexed(ids, keys)
            }
        }
        Keys::Multi(cols) => {
            let (i, u) = index_tuple(cols, rows)?;
            KeyPlan::Indexed(i, u)
        }
    })
}

/// The distinct texts of a [`TextColumn`] in first-occurrence order, and
/// the slot of each (memory O(distinct texts), borrowed from the column).
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
        Ok(TextSlots { labels, slots })
    }

    /// The slot of a text of the column.
    #[inline(always)]
    pub(super) fn slot(&self, s: &str) -> u32 {
        // Every text of the column was collected by `of`.
        self.slots.get(s).copied().unwrap_or(0)
    }
}
