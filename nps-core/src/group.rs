//! One-pass grouping of whole columns into tallies.
//!
//! [`group_by`] tallies a score column by key (integer or string), by
//! calendar period of Unix-second timestamps in an IANA time zone, or both
//! (key × period), optionally keeping only each respondent's latest
//! response, and flags thin groups (n below a minimum). Results are exact
//! and independent of the number of threads. [`Grouped::rolling`] turns
//! period groups into rolling windows.
//!
//! ```
//! use nps_core::group::{group_by, GroupKey, GroupOptions, Keys};
//! use nps_core::period::Period;
//! use nps_core::NpsSample;
//!
//! let scores = [10u8, 9, 3, 8, 10, 0];
//! let dealers = [7u32, 7, 7, 9, 9, 9];
//! // 2025-01-31 20:00 UTC is already February 1st in Shanghai.
//! let ts = [1738353600i64, 1735700000, 1735700000, 1735700000, 1735700000, 1738353600];
//! let g = group_by(&scores, &GroupOptions {
//!     keys: Some(Keys::U32(&dealers)),
//!     timestamps: Some(&ts),
//!     period: Some(Period::Month),
//!     tz: Some("Asia/Shanghai"),
//!     min_n: 2,
//!     ..Default::default()
//! })?;
//! assert_eq!(g.groups.len(), 4);
//! let first = &g.groups[0];
//! assert_eq!(first.key, GroupKey::UInt(7));
//! assert_eq!(first.label(g.period), "2025-01");
//! assert_eq!(first.tally.n(), 2);
//! assert_eq!(first.tally.nps()?, 0.0);
//! assert!(g.groups[1].thin); // dealer 7, February: n = 1 < 2
//! # Ok::<(), nps_core::Error>(())
//! ```

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::parallel::map_parts;
use crate::period::{parse_tz, Period, PeriodIndex, MAX_TS, MIN_TS};
use crate::score::ScoreValue;
use crate::tally::{InvalidPolicy, Tally};

/// A key column.
#[derive(Debug, Clone, Copy)]
pub enum Keys<'a> {
    /// Unsigned 32-bit keys (e.g. dealer codes).
    U32(&'a [u32]),
    /// Unsigned 64-bit keys.
    U64(&'a [u64]),
    /// Signed 64-bit keys.
    I64(&'a [i64]),
    /// String keys (e.g. advisor names).
    Str(&'a [&'a str]),
}

impl Keys<'_> {
    fn len(&self) -> usize {
        match self {
            Keys::U32(k) => k.len(),
            Keys::U64(k) => k.len(),
            Keys::I64(k) => k.len(),
            Keys::Str(k) => k.len(),
        }
    }
}

/// A respondent-id column, for keeping each respondent's latest response.
#[derive(Debug, Clone, Copy)]
pub enum Respondents<'a> {
    /// Unsigned ids.
    U64(&'a [u64]),
    /// Signed ids.
    I64(&'a [i64]),
    /// String ids.
    Str(&'a [&'a str]),
}

/// What to group by. All columns must have the score column's length.
#[derive(Debug, Clone, Default)]
pub struct GroupOptions<'a> {
    /// Group key per row; `None` puts every row in one key ([`GroupKey::All`]).
    pub keys: Option<Keys<'a>>,
    /// Unix seconds (UTC instants) per row; needed by `period`, and used by
    /// `respondents` to find the latest response.
    pub timestamps: Option<&'a [i64]>,
    /// Calendar period to group by (requires `timestamps`).
    pub period: Option<Period>,
    /// IANA time zone of the calendar periods; `None` means UTC.
    pub tz: Option<&'a str>,
    /// Keep only each respondent's latest response (latest timestamp; on a
    /// tie, or without timestamps, the last row).
    pub respondents: Option<Respondents<'a>>,
    /// Groups with fewer responses are flagged `thin`.
    pub min_n: u64,
    /// Reject the batch at the first invalid score, or skip and count.
    pub invalid: InvalidPolicy,
}

/// The key of a group.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum GroupKey {
    /// No key column was given: one key for all rows.
    All,
    /// A signed integer key.
    Int(i64),
    /// An unsigned integer key.
    UInt(u64),
    /// A string key.
    Str(String),
}

impl std::fmt::Display for GroupKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GroupKey::All => f.write_str("all"),
            GroupKey::Int(k) => write!(f, "{k}"),
            GroupKey::UInt(k) => write!(f, "{k}"),
            GroupKey::Str(k) => f.write_str(k),
        }
    }
}

/// One group: a key, a period (if grouping by period) and its tally.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// The group's key.
    pub key: GroupKey,
    /// Local first day of the group's period (or of the last period of a
    /// rolling window).
    pub period_start: Option<NaiveDate>,
    /// The responses of the group.
    pub tally: Tally,
    /// True when `tally.n() < min_n`.
    pub thin: bool,
}

impl Group {
    /// The period label (`2025-03`, `2025-W09`, ...) or an empty string.
    pub fn label(&self, period: Option<Period>) -> String {
        match (period, self.period_start) {
            (Some(p), Some(d)) => p.label(d),
            _ => String::new(),
        }
    }
}

/// The result of [`group_by`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grouped {
    /// Non-empty groups, sorted by key then period.
    pub groups: Vec<Group>,
    /// Invalid scores skipped under [`InvalidPolicy::Skip`].
    pub skipped: u64,
    /// Rows dropped because the respondent answered again later.
    pub dropped_repeats: u64,
    /// The period grouped by, if any.
    pub period: Option<Period>,
    /// The thin-sample threshold used.
    pub min_n: u64,
    /// Rolling window length in periods (1 for plain period groups).
    pub window: usize,
}

/// A small, fast multiplicative hasher for integer and string keys
/// (Fx-style: rotate, xor, multiply). Not DoS-resistant, which is fine for
/// local columns.
#[derive(Default, Clone, Copy)]
struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u32(&mut self, v: u32) {
        self.write_u64(u64::from(v));
    }
    fn write_i64(&mut self, v: i64) {
        self.write_u64(v as u64);
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// Integer type of the counter indices computed for a block of rows:
/// `u32` whenever the counters fit (8 lanes per AVX2 instruction, and no
/// 64-bit multiplies, which AVX2 lacks), else `usize`.
trait Idx:
    Copy + Default + Send + Sync + std::ops::Mul<Output = Self> + std::ops::Add<Output = Self>
{
    /// `x` is below the number of counters, so it fits.
    fn from_usize(x: usize) -> Self;
    fn to_usize(self) -> usize;
}

impl Idx for u32 {
    #[inline(always)]
    fn from_usize(x: usize) -> u32 {
        x as u32
    }
    #[inline(always)]
    fn to_usize(self) -> usize {
        self as usize
    }
}

impl Idx for usize {
    #[inline(always)]
    fn from_usize(x: usize) -> usize {
        x
    }
    #[inline(always)]
    fn to_usize(self) -> usize {
        self
    }
}

/// Maps rows to slot indices, a block of rows at a time.
///
/// Working in blocks splits the row loop of [`count`] into passes over one
/// column each (which the compiler vectorises for dense integer keys and
/// `u8` scores) and a final pass that only increments counters; that pass
/// has no dependency on decoding, so the CPU overlaps the random-access
/// increments of many rows.
trait Slot: Sync {
    /// True when every row maps to slot 0, so there is nothing to compute.
    const ZERO: bool = false;

    /// For each `j`: `out[j] = out[j] * scale + slot(start + j)`, or
    /// `out[j] = slot(start + j)` when `scale` is `None`.
    fn fill<I: Idx>(&self, start: usize, scale: Option<I>, out: &mut [I]);
}

/// Applies `slot` to the rows `start..start + out.len()` of `col`.
#[inline(always)]
fn fill_with<K: Copy, I: Idx>(
    col: &[K],
    start: usize,
    scale: Option<I>,
    out: &mut [I],
    slot: impl Fn(K) -> usize,
) {
    let col = &col[start..start + out.len()];
    match scale {
        None => {
            for (o, &k) in out.iter_mut().zip(col) {
                *o = I::from_usize(slot(k));
            }
        }
        Some(scale) => {
            for (o, &k) in out.iter_mut().zip(col) {
                *o = *o * scale + I::from_usize(slot(k));
            }
        }
    }
}

struct Zero;
impl Slot for Zero {
    const ZERO: bool = true;
    #[inline(always)]
    fn fill<I: Idx>(&self, _: usize, scale: Option<I>, out: &mut [I]) {
        let scale = scale.unwrap_or_default();
        out.iter_mut().for_each(|o| *o = *o * scale);
    }
}

struct DenseU32<'a>(&'a [u32], u32);
impl Slot for DenseU32<'_> {
    #[inline(always)]
    fn fill<I: Idx>(&self, start: usize, scale: Option<I>, out: &mut [I]) {
        // Keys lie in min..=max (the plan's range), so this never wraps.
        fill_with(self.0, start, scale, out, |k| {
            k.wrapping_sub(self.1) as usize
        })
    }
}

struct DenseU64<'a>(&'a [u64], u64);
impl Slot for DenseU64<'_> {
    #[inline(always)]
    fn fill<I: Idx>(&self, start: usize, scale: Option<I>, out: &mut [I]) {
        fill_with(self.0, start, scale, out, |k| {
            k.wrapping_sub(self.1) as usize
        })
    }
}

struct DenseI64<'a>(&'a [i64], i64);
impl Slot for DenseI64<'_> {
    #[inline(always)]
    fn fill<I: Idx>(&self, start: usize, scale: Option<I>, out: &mut [I]) {
        fill_with(self.0, start, scale, out, |k| {
            k.wrapping_sub(self.1) as usize
        })
    }
}

struct Indexed<'a>(&'a [u32]);
impl Slot for Indexed<'_> {
    #[inline(always)]
    fn fill<I: Idx>(&self, start: usize, scale: Option<I>, out: &mut [I]) {
        fill_with(self.0, start, scale, out, |k| k as usize)
    }
}

struct PeriodSlot<'a>(&'a [i64], &'a PeriodIndex);
impl Slot for PeriodSlot<'_> {
    #[inline(always)]
    fn fill<I: Idx>(&self, start: usize, scale: Option<I>, out: &mut [I]) {
        fill_with(self.0, start, scale, out, |t| self.1.index(t))
    }
}

/// How keys map to slots, plus the key of each slot.
enum KeyPlan<'a> {
    None,
    DenseU32(&'a [u32], u32, usize),
    DenseU64(&'a [u64], u64, usize),
    DenseI64(&'a [i64], i64, usize),
    Indexed(Vec<u32>, Vec<GroupKey>),
}

impl KeyPlan<'_> {
    fn slots(&self) -> usize {
        match self {
            KeyPlan::None => 1,
            KeyPlan::DenseU32(.., n) | KeyPlan::DenseU64(.., n) | KeyPlan::DenseI64(.., n) => *n,
            KeyPlan::Indexed(_, keys) => keys.len(),
        }
    }

    fn key(&self, slot: usize) -> GroupKey {
        match self {
            KeyPlan::None => GroupKey::All,
            KeyPlan::DenseU32(_, min, _) => GroupKey::UInt(u64::from(*min) + slot as u64),
            KeyPlan::DenseU64(_, min, _) => GroupKey::UInt(*min + slot as u64),
            KeyPlan::DenseI64(_, min, _) => GroupKey::Int(min.wrapping_add(slot as i64)),
            KeyPlan::Indexed(_, keys) => keys[slot].clone(),
        }
    }
}

/// Largest dense key range; wider ranges are hashed.
const DENSE_MAX: u64 = 1 << 20;

fn dense_ok(range: u64, periods: usize, rows: usize) -> bool {
    range < DENSE_MAX && (range + 1) * periods as u64 <= 4 * rows as u64 + 65_536
}

fn index_keys<K: Copy + Eq + Hash>(
    keys: &[K],
    to_key: impl Fn(K) -> GroupKey,
) -> (Vec<u32>, Vec<GroupKey>) {
    let mut map: FastMap<K, u32> = FastMap::default();
    let mut uniq = Vec::new();
    let idx = keys
        .iter()
        .map(|&k| {
            *map.entry(k).or_insert_with(|| {
                uniq.push(to_key(k));
                (uniq.len() - 1) as u32
            })
        })
        .collect();
    (idx, uniq)
}

fn plan_keys<'a>(keys: &Keys<'a>, periods: usize, rows: usize) -> KeyPlan<'a> {
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
    match *keys {
        Keys::U32(k) => match min_max(k) {
            Some((lo, hi)) if dense_ok(u64::from(hi - lo), periods, rows) => {
                KeyPlan::DenseU32(k, lo, (hi - lo) as usize + 1)
            }
            _ => {
                let (i, u) = index_keys(k, |x| GroupKey::UInt(u64::from(x)));
                KeyPlan::Indexed(i, u)
            }
        },
        Keys::U64(k) => match min_max(k) {
            Some((lo, hi)) if dense_ok(hi - lo, periods, rows) => {
                KeyPlan::DenseU64(k, lo, (hi - lo) as usize + 1)
            }
            _ => {
                let (i, u) = index_keys(k, GroupKey::UInt);
                KeyPlan::Indexed(i, u)
            }
        },
        Keys::I64(k) => match min_max(k) {
            Some((lo, hi)) if dense_ok(hi.abs_diff(lo), periods, rows) => {
                KeyPlan::DenseI64(k, lo, hi.abs_diff(lo) as usize + 1)
            }
            _ => {
                let (i, u) = index_keys(k, GroupKey::Int);
                KeyPlan::Indexed(i, u)
            }
        },
        Keys::Str(k) => {
            let (i, u) = index_keys(k, |s: &str| GroupKey::Str(s.to_owned()));
            KeyPlan::Indexed(i, u)
        }
    }
}

/// Rows to keep: each respondent's latest response.
fn latest_rows(resp: &Respondents<'_>, ts: Option<&[i64]>) -> Vec<bool> {
    fn pick<K: Copy + Eq + Hash>(ids: &[K], ts: Option<&[i64]>) -> Vec<bool> {
        let mut best: FastMap<K, usize> = FastMap::default();
        for (row, &id) in ids.iter().enumerate() {
            best.entry(id)
                .and_modify(|b| {
                    // Rows come in order, so ">=" prefers the later row on a tie.
                    if ts.is_none_or(|t| t[row] >= t[*b]) {
                        *b = row;
                    }
                })
                .or_insert(row);
        }
        let mut keep = vec![false; ids.len()];
        for &row in best.values() {
            keep[row] = true;
        }
        keep
    }
    match *resp {
        Respondents::U64(r) => pick(r, ts),
        Respondents::I64(r) => pick(r, ts),
        Respondents::Str(r) => pick(r, ts),
    }
}

/// The smallest and largest kept timestamp (`(i64::MAX, i64::MIN)` when no
/// row is kept), or [`Error::InvalidTimestamp`] for the first kept row
/// outside years 1..=9999.
fn timestamp_range(ts: &[i64], keep: Option<&[bool]>) -> Result<(i64, i64)> {
    // Range over the kept rows, split across threads; the row loop is
    // branch-free (vectorised) when every row is kept.
    #[inline(always)]
    fn range(part: &[i64], keep: Option<&[bool]>) -> (i64, i64) {
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        match keep {
            None => {
                for &t in part {
                    lo = lo.min(t);
                    hi = hi.max(t);
                }
            }
            Some(keep) => {
                for (&t, &k) in part.iter().zip(keep) {
                    if k {
                        lo = lo.min(t);
                        hi = hi.max(t);
                    }
                }
            }
        }
        (lo, hi)
    }
    /// `range` compiled for AVX2 (64-bit vector compares).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn range_avx2(part: &[i64], keep: Option<&[bool]>) -> (i64, i64) {
        range(part, keep)
    }
    let parts = map_parts(ts, 1 << 18, |offset, part| {
        let keep = keep.map(|k| &k[offset..offset + part.len()]);
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { range_avx2(part, keep) };
        }
        range(part, keep)
    });
    let (lo, hi) = parts
        .into_iter()
        .fold((i64::MAX, i64::MIN), |(lo, hi), (l, h)| {
            (lo.min(l), hi.max(h))
        });
    if lo <= hi && (lo < MIN_TS || hi > MAX_TS) {
        // Error path only: the first kept row out of range.
        let bad = ts
            .iter()
            .enumerate()
            .find(|&(row, t)| keep.is_none_or(|k| k[row]) && !(MIN_TS..=MAX_TS).contains(t));
        if let Some((index, &value)) = bad {
            return Err(Error::InvalidTimestamp { index, value });
        }
    }
    Ok((lo, hi))
}

/// Rows per block of [`count`]: the block's counter indices stay in L1.
const BLOCK: usize = 1024;

/// Counts `[slot][score]` over rows (slot = key slot * `n_periods` + period
/// slot); returns the `n_slots * 11` counts and the number of invalid
/// scores among the kept rows.
///
/// Each thread counts its contiguous part of the rows into its own `u32`
/// counters (half the cache footprint of `u64`); a part longer than
/// `u32::MAX` rows flushes them into `u64` totals every `u32::MAX` rows, so
/// no counter can overflow. The per-thread counts are then added up, so the
/// result does not depend on the number of threads.
fn count<T: ScoreValue, K: Slot, P: Slot>(
    scores: &[T],
    keys: &K,
    periods: &P,
    n_periods: usize,
    n_slots: usize,
    keep: Option<&[bool]>,
) -> (Vec<u64>, u64) {
    // Two extra counters: invalid scores, and rows not kept.
    if n_slots * 11 + 2 <= u32::MAX as usize {
        count_as::<u32, T, K, P>(scores, keys, periods, n_periods, n_slots, keep)
    } else {
        count_as::<usize, T, K, P>(scores, keys, periods, n_periods, n_slots, keep)
    }
}

fn count_as<I: Idx, T: ScoreValue, K: Slot, P: Slot>(
    scores: &[T],
    keys: &K,
    periods: &P,
    n_periods: usize,
    n_slots: usize,
    keep: Option<&[bool]>,
) -> (Vec<u64>, u64) {
    let len = n_slots * 11;
    let job = Counting {
        keys,
        periods,
        keep,
        len,
        n_periods: I::from_usize(n_periods),
    };
    let parts = map_parts(scores, 1 << 18, |offset, part| {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { job.part_avx2(offset, part) };
        }
        job.part(offset, part)
    });
    let mut total = vec![0u64; len + 2];
    for (c, flushed) in parts {
        for (t, x) in total.iter_mut().zip(&c) {
            *t += u64::from(*x);
        }
        for (t, x) in total.iter_mut().zip(&flushed) {
            *t += x;
        }
    }
    let invalid = total[len];
    total.truncate(len);
    (total, invalid)
}

/// One counting pass (see [`count`]), shared by the threads.
struct Counting<'a, K, P, I> {
    keys: &'a K,
    periods: &'a P,
    keep: Option<&'a [bool]>,
    /// `n_slots * 11`; counters `len` and `len + 1` take invalid scores
    /// and rows that are not kept.
    len: usize,
    n_periods: I,
}

impl<K: Slot, P: Slot, I: Idx> Counting<'_, K, P, I> {
    /// [`Counting::part`] compiled for AVX2: the block passes are then
    /// vectorised 256 bits wide (the x86-64 baseline is SSE2).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn part_avx2<T: ScoreValue>(&self, offset: usize, part: &[T]) -> (Vec<u32>, Vec<u64>) {
        self.part(offset, part)
    }

    /// Counts the rows `offset..offset + part.len()`: `u32` counters, and
    /// `u64` totals flushed every `u32::MAX` rows (empty if never needed).
    #[inline(always)]
    fn part<T: ScoreValue>(&self, offset: usize, part: &[T]) -> (Vec<u32>, Vec<u64>) {
        let len = self.len;
        let (invalid_at, dropped_at) = (I::from_usize(len), I::from_usize(len + 1));
        let eleven = I::from_usize(11);
        let mut c = vec![0u32; len + 2];
        let mut flushed: Vec<u64> = Vec::new();
        let mut idx = [I::default(); BLOCK];
        for (ci, chunk) in part.chunks(u32::MAX as usize).enumerate() {
            if ci > 0 {
                flushed.resize(len + 2, 0);
                for (t, x) in flushed.iter_mut().zip(c.iter_mut()) {
                    *t += u64::from(std::mem::take(x));
                }
            }
            let chunk_start = offset + ci * (u32::MAX as usize);
            for (bi, block) in chunk.chunks(BLOCK).enumerate() {
                let start = chunk_start + bi * BLOCK;
                let out = &mut idx[..block.len()];
                // Pass 1: the slot of every row (0 without keys or periods).
                match (K::ZERO, P::ZERO) {
                    (true, true) => out.fill(I::default()),
                    (true, false) => self.periods.fill(start, None, out),
                    (false, true) => self.keys.fill(start, None, out),
                    (false, false) => {
                        self.keys.fill(start, None, out);
                        self.periods.fill(start, Some(self.n_periods), out);
                    }
                }
                // Pass 2: the counter of every row: slot * 11 + score, or
                // one of the two extra counters (branch-free).
                match self.keep {
                    None => {
                        for (o, v) in out.iter_mut().zip(block) {
                            *o = match v.to_score() {
                                Some(s) => *o * eleven + I::from_usize(usize::from(s)),
                                None => invalid_at,
                            };
                        }
                    }
                    Some(keep) => {
                        let keep = &keep[start..start + block.len()];
                        for ((o, v), &k) in out.iter_mut().zip(block).zip(keep) {
                            *o = match v.to_score() {
                                _ if !k => dropped_at,
                                Some(s) => *o * eleven + I::from_usize(usize::from(s)),
                                None => invalid_at,
                            };
                        }
                    }
                }
                // Pass 3: nothing but increments.
                for &i in out.iter() {
                    c[i.to_usize()] += 1;
                }
            }
        }
        (c, flushed)
    }
}

fn count_with_keys<T: ScoreValue, P: Slot>(
    scores: &[T],
    plan: &KeyPlan<'_>,
    periods: &P,
    n_periods: usize,
    keep: Option<&[bool]>,
) -> (Vec<u64>, u64) {
    let slots = plan.slots() * n_periods;
    match plan {
        KeyPlan::None => count(scores, &Zero, periods, n_periods, slots, keep),
        KeyPlan::DenseU32(k, min, _) => {
            count(scores, &DenseU32(k, *min), periods, n_periods, slots, keep)
        }
        KeyPlan::DenseU64(k, min, _) => {
            count(scores, &DenseU64(k, *min), periods, n_periods, slots, keep)
        }
        KeyPlan::DenseI64(k, min, _) => {
            count(scores, &DenseI64(k, *min), periods, n_periods, slots, keep)
        }
        KeyPlan::Indexed(idx, _) => count(scores, &Indexed(idx), periods, n_periods, slots, keep),
    }
}

/// Groups a score column into tallies in one pass; see the module docs.
///
/// Errors: [`Error::LengthMismatch`] for columns of different lengths,
/// [`Error::InvalidArgument`] for a period without timestamps,
/// [`Error::UnknownTimeZone`], [`Error::InvalidTimestamp`] (outside years
/// 1..=9999, with its row) and, under [`InvalidPolicy::Raise`],
/// [`Error::InvalidScore`] with the row of the first invalid kept score.
pub fn group_by<T: ScoreValue>(scores: &[T], opts: &GroupOptions<'_>) -> Result<Grouped> {
    let rows = scores.len();
    if let Some(k) = &opts.keys {
        Error::check_len("keys", k.len(), "scores", rows)?;
    }
    if let Some(t) = opts.timestamps {
        Error::check_len("timestamps", t.len(), "scores", rows)?;
    }
    if let Some(r) = &opts.respondents {
        let len = match r {
            Respondents::U64(x) => x.len(),
            Respondents::I64(x) => x.len(),
            Respondents::Str(x) => x.len(),
        };
        Error::check_len("respondents", len, "scores", rows)?;
    }
    let tz = parse_tz(opts.tz.unwrap_or("UTC"))?;
    if opts.period.is_some() && opts.timestamps.is_none() {
        return Err(Error::arg(
            "period",
            "grouping by period needs a timestamps column",
        ));
    }
    let keep = opts
        .respondents
        .as_ref()
        .map(|r| latest_rows(r, opts.timestamps));
    let keep = keep.as_deref();
    let dropped_repeats = keep.map_or(0, |k| k.iter().filter(|&&x| !x).count() as u64);

    // Period index over the range of the kept rows' timestamps.
    let index = match (opts.period, opts.timestamps) {
        (Some(period), Some(ts)) => {
            let (lo, hi) = timestamp_range(ts, keep)?;
            if lo > hi {
                None // no rows
            } else {
                Some(PeriodIndex::new(period, tz, lo, hi)?)
            }
        }
        _ => None,
    };
    let n_periods = index.as_ref().map_or(1, PeriodIndex::len);
    let plan = match &opts.keys {
        Some(k) => plan_keys(k, n_periods, rows),
        None => KeyPlan::None,
    };
    let (counts, invalid) = match (&index, opts.timestamps) {
        (Some(ix), Some(ts)) => {
            count_with_keys(scores, &plan, &PeriodSlot(ts, ix), n_periods, keep)
        }
        _ => count_with_keys(scores, &plan, &Zero, 1, keep),
    };
    if invalid > 0 && opts.invalid == InvalidPolicy::Raise {
        let bad = (0..rows).find(|&r| keep.is_none_or(|k| k[r]) && scores[r].to_score().is_none());
        if let Some(index) = bad {
            return Err(Error::InvalidScore {
                index,
                value: scores[index].to_report(),
                min: 0,
                max: 10,
            });
        }
    }
    let mut groups = Vec::new();
    for (slot, c) in counts.chunks_exact(11).enumerate() {
        if c.iter().all(|&x| x == 0) {
            continue;
        }
        let mut arr = [0u64; 11];
        arr.copy_from_slice(c);
        let tally = Tally::from_counts(arr)?;
        groups.push(Group {
            key: plan.key(slot / n_periods),
            period_start: index.as_ref().map(|ix| ix.dates[slot % n_periods]),
            thin: tally.n() < opts.min_n,
            tally,
        });
    }
    if matches!(plan, KeyPlan::Indexed(..)) {
        groups.sort_by(|a, b| (&a.key, a.period_start).cmp(&(&b.key, b.period_start)));
    }
    Ok(Grouped {
        groups,
        skipped: invalid,
        dropped_repeats,
        period: opts.period.filter(|_| index.is_some()).or(opts.period),
        min_n: opts.min_n,
        window: 1,
    })
}

impl Grouped {
    /// Merges all groups into one tally.
    pub fn total(&self) -> Result<Tally> {
        self.groups
            .iter()
            .try_fold(Tally::EMPTY, |acc, g| acc.merge(&g.tally))
    }

    /// Rolling windows over period groups: for each key and each period from
    /// the key's first period to the last period of the whole result, the
    /// merged tally of the last `window` periods (empty periods included, so
    /// a window of 3 months is always 3 calendar months). Thin flags use the
    /// same `min_n`. Errors unless the result was grouped by period and
    /// `window >= 1`.
    ///
    /// ```
    /// use nps_core::group::{group_by, GroupOptions};
    /// use nps_core::period::Period;
    /// // One response in each of Jan, Feb and Apr 2025 (UTC).
    /// let ts = [1736000000i64, 1738700000, 1744000000];
    /// let g = group_by(&[10u8, 0, 10], &GroupOptions {
    ///     timestamps: Some(&ts), period: Some(Period::Month), ..Default::default()
    /// })?;
    /// let r = g.rolling(2)?;
    /// let n: Vec<u64> = r.groups.iter().map(|g| g.tally.n()).collect();
    /// assert_eq!(n, vec![1, 2, 1, 1]); // Jan, Jan+Feb, Feb+Mar, Mar+Apr
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn rolling(&self, window: usize) -> Result<Grouped> {
        let period = self
            .period
            .ok_or_else(|| Error::arg("window", "rolling windows need groups by period"))?;
        if window == 0 {
            return Err(Error::arg("window", "must be at least 1 period"));
        }
        let Some(last) = self.groups.iter().filter_map(|g| g.period_start).max() else {
            return Ok(Grouped {
                groups: Vec::new(),
                window,
                ..self.clone()
            });
        };
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.groups.len() {
            let key = &self.groups[i].key;
            let mut j = i;
            while j < self.groups.len() && &self.groups[j].key == key {
                j += 1;
            }
            let own = &self.groups[i..j];
            let mut date = own[0].period_start.unwrap_or(last);
            let mut recent: Vec<Tally> = Vec::new(); // last `window` periods
            let mut k = 0;
            loop {
                let t = if k < own.len() && own[k].period_start == Some(date) {
                    k += 1;
                    own[k - 1].tally
                } else {
                    Tally::EMPTY
                };
                recent.push(t);
                if recent.len() > window {
                    recent.remove(0);
                }
                let tally = recent.iter().try_fold(Tally::EMPTY, |a, b| a.merge(b))?;
                out.push(Group {
                    key: key.clone(),
                    period_start: Some(date),
                    thin: tally.n() < self.min_n,
                    tally,
                });
                if date >= last {
                    break;
                }
                match period.next(date) {
                    Some(d) => date = d,
                    None => break,
                }
            }
            i = j;
        }
        Ok(Grouped {
            groups: out,
            window,
            ..self.clone()
        })
    }
}

// GROUP_API_COMPLETE

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NpsSample;

    #[test]
    fn dense_and_hashed_keys_agree() {
        let scores: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 11) as u8).collect();
        let small: Vec<u32> = (0..5000u32).map(|i| i % 13).collect();
        let sparse: Vec<u64> = small.iter().map(|&k| u64::from(k) << 40).collect();
        let a = group_by(
            &scores,
            &GroupOptions {
                keys: Some(Keys::U32(&small)),
                ..Default::default()
            },
        )
        .unwrap();
        let b = group_by(
            &scores,
            &GroupOptions {
                keys: Some(Keys::U64(&sparse)),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(a.groups.len(), 13);
        assert_eq!(b.groups.len(), 13);
        for (x, y) in a.groups.iter().zip(&b.groups) {
            assert_eq!(x.tally, y.tally);
            let (GroupKey::UInt(kx), GroupKey::UInt(ky)) = (&x.key, &y.key) else {
                panic!("unexpected key types")
            };
            assert_eq!(kx << 40, *ky);
        }
    }

    #[test]
    fn string_keys_sorted_and_latest_response() {
        let scores = [0u8, 10, 9, 3];
        let keys = ["b", "a", "b", "a"];
        let who = [1u64, 2, 1, 3];
        let ts = [100i64, 50, 90, 10];
        let g = group_by(
            &scores,
            &GroupOptions {
                keys: Some(Keys::Str(&keys)),
                timestamps: Some(&ts),
                respondents: Some(Respondents::U64(&who)),
                ..Default::default()
            },
        )
        .unwrap();
        // Respondent 1 answered at t=100 (score 0) and t=90 (score 9): keep t=100.
        assert_eq!(g.dropped_repeats, 1);
        assert_eq!(g.groups[0].key, GroupKey::Str("a".into()));
        assert_eq!(g.groups[0].tally.n(), 2);
        assert_eq!(g.groups[1].tally.nps().unwrap(), -100.0);
    }

    #[test]
    fn errors_name_the_row() {
        let e = group_by(&[1.0f64, f64::NAN], &GroupOptions::default()).unwrap_err();
        assert_eq!(e.index(), Some(1));
        let ts = [0i64, i64::MAX];
        let e = group_by(
            &[1u8, 2],
            &GroupOptions {
                timestamps: Some(&ts),
                period: Some(Period::Day),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(matches!(e, Error::InvalidTimestamp { index: 1, .. }));
        let e = group_by(
            &[1u8],
            &GroupOptions {
                tz: Some("Nowhere/Land"),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::UnknownTimeZone);
        let k = [1u32];
        let e = group_by(
            &[1u8, 2],
            &GroupOptions {
                keys: Some(Keys::U32(&k)),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::LengthMismatch);
    }

    #[test]
    fn skip_counts_invalid() {
        let g = group_by(
            &[1i64, 11, -1, 9],
            &GroupOptions {
                invalid: InvalidPolicy::Skip,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(g.skipped, 2);
        assert_eq!(g.total().unwrap().n(), 2);
    }
}
