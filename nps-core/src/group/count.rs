//! The NPS counting kernel: rows to `[slot][score]` counters in blocks,
//! split across threads. Slots come from a [`Slot`] mapping (dense key
//! offsets, compact group ids, period indices).

use super::column::{Code, TextColumn, TEXT_BLOCK};
use super::keys::TextSlots;
use crate::parallel::map_parts;
use crate::period::PeriodIndex;
use crate::score::ScoreValue;

/// Integer type of the counter indices computed for a block of rows:
/// `u32` whenever the counters fit (8 lanes per AVX2 instruction, and no
/// 64-bit multiplies, which AVX2 lacks), else `usize`.
pub(super) trait Idx:
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
pub(super) trait Slot: Sync {
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

pub(super) struct Zero;
impl Slot for Zero {
    const ZERO: bool = true;
    #[inline(always)]
    fn fill<I: Idx>(&self, _: usize, scale: Option<I>, out: &mut [I]) {
        let scale = scale.unwrap_or_default();
        out.iter_mut().for_each(|o| *o = *o * scale);
    }
}

pub(super) struct DenseU32<'a>(pub(super) &'a [u32], pub(super) u32);
impl Slot for DenseU32<'_> {
    #[inline(always)]
    fn fill<I: Idx>(&self, start: usize, scale: Option<I>, out: &mut [I]) {
        // Keys lie in min..=max (the plan's range), so this never wraps.
        fill_with(self.0, start, scale, out, |k| {
            k.wrapping_sub(self.1) as usize
        })
    }
}

pub(super) struct DenseU64<'a>(pub(super) &'a [u64], pub(super) u64);
impl Slot for DenseU64<'_> {
    #[inline(always)]
    fn fill<I: Idx>(&self, start: usize, scale: Option<I>, out: &mut [I]) {
        fill_with(self.0, start, scale, out, |k| {
            k.wrapping_sub(self.1) as usize
        })
    }
}

pub(super) struct DenseI64<'a>(pub(super) &'a [i64], pub(super) i64);
impl Slot for DenseI64<'_> {
    #[inline(always)]
    fn fill<I: Idx>(&self, start: usize, scale: Option<I>, out: &mut [I]) {
        fill_with(self.0, start, scale, out, |k| {
            k.wrapping_sub(self.1) as usize
        })
    }
}

/// Dictionary codes of any width, read in place (`min` = the smallest code).
pub(super) struct DenseCodes<'a, T>(pub(super) &'a [T], pub(super) usize);
impl<T: Code> Slot for DenseCodes<'_, T> {
    #[inline(always)]
    fn fill<I: Idx>(&self, start: usize, scale: Option<I>, out: &mut [I]) {
        fill_with(self.0, start, scale, out, |k| {
            k.index().wrapping_sub(self.1)
        })
    }
}

/// Strings read in place, a block at a time, and looked up by text.
pub(super) struct TextSlot<'a>(pub(super) &'a dyn TextColumn, pub(super) &'a TextSlots<'a>);
impl Slot for TextSlot<'_> {
    #[inline(always)]
    fn fill<I: Idx>(&self, start: usize, scale: Option<I>, out: &mut [I]) {
        let mut buf: [&str; TEXT_BLOCK] = [""; TEXT_BLOCK];
        for (b, out) in out.chunks_mut(TEXT_BLOCK).enumerate() {
            let text = &mut buf[..out.len()];
            self.0.read(start + b * TEXT_BLOCK, text);
            match scale {
                None => {
                    for (o, s) in out.iter_mut().zip(text.iter()) {
                        *o = I::from_usize(self.1.slot(s) as usize);
                    }
                }
                Some(scale) => {
                    for (o, s) in out.iter_mut().zip(text.iter()) {
                        *o = *o * scale + I::from_usize(self.1.slot(s) as usize);
                    }
                }
            }
        }
    }
}

pub(super) struct Indexed<'a>(pub(super) &'a [u32]);
impl Slot for Indexed<'_> {
    #[inline(always)]
    fn fill<I: Idx>(&self, start: usize, scale: Option<I>, out: &mut [I]) {
        fill_with(self.0, start, scale, out, |k| k as usize)
    }
}

pub(super) struct PeriodSlot<'a>(pub(super) &'a [i64], pub(super) &'a PeriodIndex);
impl Slot for PeriodSlot<'_> {
    #[inline(always)]
    fn fill<I: Idx>(&self, start: usize, scale: Option<I>, out: &mut [I]) {
        fill_with(self.0, start, scale, out, |t| self.1.index(t))
    }
}

/// The period of in-range timestamps by one lookup of two parallel
/// tables and one comparison, written so that the row loop has no branch,
/// no bounds check and no dependent load (AVX2 gathers): the same period
/// as [`PeriodIndex::index`] for every instant of the span it was built
/// for.
pub(super) struct PeriodTable {
    base: i64,
    shift: u32,
    /// `table[b]`: the period containing `base + (b << shift)`.
    table: Vec<u32>,
    /// `bound[b]`: the start of the period after `table[b]` (`i64::MAX`
    /// after the last): an instant of bucket `b` at or past it is in the
    /// next period (buckets are shorter than any period).
    bound: Vec<i64>,
}

impl PeriodTable {
    /// Longest table (12 MiB): wider spans keep [`PeriodIndex::index`].
    const MAX: i64 = 1 << 20;

    /// The table of the periods of `ix` for instants in `lo..=hi` (those
    /// `ix` was built for); `None` when it would be too long.
    pub(super) fn new(ix: &PeriodIndex, lo: i64, hi: i64) -> Option<PeriodTable> {
        // The index's own lookup table, built for the same span, with the
        // next period's start beside each bucket.
        let (base, shift, buckets, next) = ix.buckets();
        if buckets.is_empty() || buckets.len() as i64 > Self::MAX || lo < base {
            return None;
        }
        if ((hi - base) >> shift) >= buckets.len() as i64 {
            return None;
        }
        Some(PeriodTable {
            base,
            shift,
            table: buckets.to_vec(),
            bound: buckets.iter().map(|&i| next[i as usize]).collect(),
        })
    }
}

/// Timestamps (all in the span of the table) to periods through a
/// [`PeriodTable`].
pub(super) struct TableSlot<'a>(pub(super) &'a [i64], pub(super) &'a PeriodTable);
impl Slot for TableSlot<'_> {
    #[inline(always)]
    fn fill<I: Idx>(&self, start: usize, scale: Option<I>, out: &mut [I]) {
        let t = self.1;
        let (base, shift) = (t.base, t.shift);
        let table = t.table.as_slice();
        // The same length as `table`: one clamp bounds both lookups.
        let bound = &t.bound[..table.len()];
        let last_b = table.len() as i64 - 1;
        fill_with(self.0, start, scale, out, |ts| {
            // `ts >= base` in the span: no overflow; the clamp only
            // proves the index in bounds.
            let b = ((ts - base) >> shift).clamp(0, last_b) as usize;
            (table[b] + u32::from(ts >= bound[b])) as usize
        })
    }
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
/// `[slot][score]` counters: the `u32` counters of a single counting pass
/// as they are (no widened copy), or `u64` totals.
pub(super) enum Counts {
    Narrow(Vec<u32>),
    Wide(Vec<u64>),
}

impl Counts {
    /// The number of slots.
    pub(super) fn slots(&self) -> usize {
        match self {
            Counts::Narrow(c) => c.len() / 11,
            Counts::Wide(c) => c.len() / 11,
        }
    }

    /// The 11 score counts of `slot`.
    #[inline]
    /// True when no row counted in `slot`.
    pub(super) fn is_empty(&self, slot: usize) -> bool {
        match self {
            Counts::Narrow(c) => c[slot * 11..slot * 11 + 11].iter().all(|&x| x == 0),
            Counts::Wide(c) => c[slot * 11..slot * 11 + 11].iter().all(|&x| x == 0),
        }
    }

    pub(super) fn slot(&self, slot: usize) -> [u64; 11] {
        let mut out = [0u64; 11];
        match self {
            Counts::Narrow(c) => {
                for (o, &x) in out.iter_mut().zip(&c[slot * 11..slot * 11 + 11]) {
                    *o = u64::from(x);
                }
            }
            Counts::Wide(c) => out.copy_from_slice(&c[slot * 11..slot * 11 + 11]),
        }
        out
    }
}

pub(super) fn count<T: ScoreValue, K: Slot, P: Slot>(
    scores: &[T],
    keys: &K,
    periods: &P,
    n_periods: usize,
    n_slots: usize,
    keep: Option<&[bool]>,
) -> (Counts, u64) {
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
) -> (Counts, u64) {
    let len = n_slots * 11;
    let job = Counting {
        keys,
        periods,
        keep,
        len,
        n_periods: I::from_usize(n_periods),
    };
    // Counters outnumbering the rows (millions of small groups): one
    // pass, not one counter copy per thread to add up.
    let per_thread = if len > scores.len() {
        usize::MAX
    } else {
        1 << 18
    };
    let parts = map_parts(scores, per_thread, |offset, part| {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { job.part_avx2(offset, part) };
        }
        job.part(offset, part)
    });
    if let [(_, flushed)] = &parts[..] {
        if flushed.is_empty() {
            let (mut c, _) = parts.into_iter().next().expect("one part");
            let invalid = u64::from(c[len]);
            c.truncate(len);
            return (Counts::Narrow(c), invalid);
        }
    }
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
    (Counts::Wide(total), invalid)
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

/// The category of every row, a block at a time, for the fused counting
/// of [`Slots::count`](super::Slots::count): what a KPI counts per group
/// (flag and eligibility, a satisfied rating, a duration in seconds).
pub(crate) trait Cells: Sync {
    /// Categories per slot (each slot has this many counters).
    fn cats(&self) -> usize;

    /// For each `j`: `out[j] = out[j] * cats + c`, with `c < cats` the
    /// category of row `start + j`. Called with `out` holding the rows'
    /// slots; implementations should be `#[inline(always)]` so that the
    /// row loop is compiled (and vectorised) inside the counting pass.
    fn fill(&self, start: usize, out: &mut [u32]);
}

/// Counts `[slot][category]` cells over `rows` rows (slot = key slot *
/// `n_periods` + period slot; `n_slots * cells.cats()` must fit in `u32`).
///
/// As [`count`]: each thread counts its contiguous part of the rows into
/// its own `u32` counters (flushed to `u64` every `u32::MAX` rows), then
/// the parts add up, so the result does not depend on the threads; no
/// per-row slot or category column is built.
pub(super) fn count_cells<K: Slot, P: Slot, C: Cells>(
    keys: &K,
    periods: &P,
    n_periods: usize,
    n_slots: usize,
    cells: &C,
    rows: usize,
) -> Counted {
    let len = n_slots * cells.cats();
    debug_assert!(len <= u32::MAX as usize);
    let job = CellCounting {
        keys,
        periods,
        cells,
        len,
        n_periods: n_periods as u32,
    };
    // Counters outnumbering the rows: one pass, not one copy per thread.
    let per_thread = if len > rows { usize::MAX } else { 1 << 18 };
    let units = vec![(); rows];
    let mut parts = map_parts(&units, per_thread, |offset, part| {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { job.part_avx2(offset, part.len()) };
        }
        job.part(offset, part.len())
    });
    if parts.len() == 1 && parts[0].1.is_empty() {
        let (c, _) = parts.pop().expect("one part");
        return Counted::Narrow(c);
    }
    if rows <= u32::MAX as usize {
        // No counter can pass u32::MAX rows: add up into the first part's.
        let mut parts = parts.into_iter();
        let (mut c, _) = parts.next().expect("one part per thread");
        for (p, _) in parts {
            for (t, x) in c.iter_mut().zip(&p) {
                *t += x;
            }
        }
        return Counted::Narrow(c);
    }
    let mut total = vec![0u64; len];
    for (c, flushed) in parts {
        for (t, x) in total.iter_mut().zip(&c) {
            *t += u64::from(*x);
        }
        for (t, x) in total.iter_mut().zip(&flushed) {
            *t += x;
        }
    }
    Counted::Wide(total)
}

/// `[slot][category]` counters of [`count_cells`]: the `u32` counters of a
/// single pass as they are, or `u64` totals.
pub(crate) enum Counted {
    /// One pass's counters.
    Narrow(Vec<u32>),
    /// Totals of several parts.
    Wide(Vec<u64>),
}

impl Counted {
    /// Counter `i`.
    #[inline(always)]
    pub(crate) fn get(&self, i: usize) -> u64 {
        match self {
            Counted::Narrow(c) => u64::from(c[i]),
            Counted::Wide(c) => c[i],
        }
    }

    /// The counters when they are `u32`.
    pub(crate) fn narrow(&self) -> Option<&[u32]> {
        match self {
            Counted::Narrow(c) => Some(c),
            Counted::Wide(_) => None,
        }
    }

    /// True when counters `range` are all 0.
    pub(crate) fn all_zero(&self, range: std::ops::Range<usize>) -> bool {
        match self {
            Counted::Narrow(c) => c[range].iter().all(|&x| x == 0),
            Counted::Wide(c) => c[range].iter().all(|&x| x == 0),
        }
    }
}

/// One pass of [`count_cells`], shared by the threads.
struct CellCounting<'a, K, P, C> {
    keys: &'a K,
    periods: &'a P,
    cells: &'a C,
    len: usize,
    n_periods: u32,
}

impl<K: Slot, P: Slot, C: Cells> CellCounting<'_, K, P, C> {
    /// [`CellCounting::part`] compiled for AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn part_avx2(&self, offset: usize, rows: usize) -> (Vec<u32>, Vec<u64>) {
        self.part(offset, rows)
    }

    /// Counts the rows `offset..offset + rows`.
    #[inline(always)]
    fn part(&self, offset: usize, rows: usize) -> (Vec<u32>, Vec<u64>) {
        let len = self.len;
        let mut c = vec![0u32; len];
        let mut flushed: Vec<u64> = Vec::new();
        let mut idx = [0u32; BLOCK];
        let chunk = u32::MAX as usize;
        let mut done = 0;
        while done < rows {
            if done > 0 {
                flushed.resize(len, 0);
                for (t, x) in flushed.iter_mut().zip(c.iter_mut()) {
                    *t += u64::from(std::mem::take(x));
                }
            }
            let end = rows.min(done + chunk);
            let mut start = offset + done;
            while start < offset + end {
                let out = &mut idx[..BLOCK.min(offset + end - start)];
                match (K::ZERO, P::ZERO) {
                    (true, true) => out.fill(0),
                    (true, false) => self.periods.fill(start, None, out),
                    (false, true) => self.keys.fill(start, None, out),
                    (false, false) => {
                        self.keys.fill(start, None, out);
                        self.periods.fill(start, Some(self.n_periods), out);
                    }
                }
                self.cells.fill(start, out);
                for &i in out.iter() {
                    c[i as usize] += 1;
                }
                start += out.len();
            }
            done = end;
        }
        (c, flushed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::{parse_tz, Period, MAX_TS, MIN_TS};

    /// The branch-free table gives the period index's own period for every
    /// instant of the span: each period and zone (DST days of 23 and 25
    /// hours), spans of a day to the whole calendar, period boundaries
    /// and their neighbours.
    #[test]
    fn period_table_matches_the_period_index() {
        let mut x = 12345u64;
        let mut below = |n: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 11) % n
        };
        let spans = [
            (1_700_000_000i64, 1_700_000_000i64),
            (1_672_531_200, 1_672_531_200 + 730 * 86_400),
            (1_600_000_000, 1_900_000_000),
            (MIN_TS, MIN_TS + 40 * 86_400),
            (MAX_TS - 400 * 86_400, MAX_TS),
            (MIN_TS, MAX_TS),
        ];
        let mut tables = 0;
        for tz in [
            "UTC",
            "America/New_York",
            "Asia/Kathmandu",
            "Australia/Lord_Howe",
        ] {
            let tz = parse_tz(tz).unwrap();
            for period in [
                Period::Day,
                Period::Week,
                Period::Month,
                Period::Quarter,
                Period::Year,
            ] {
                for (lo, hi) in spans {
                    let Ok(ix) = PeriodIndex::new(period, tz, lo, hi) else {
                        continue; // too many periods for an index
                    };
                    let Some(t) = PeriodTable::new(&ix, lo, hi) else {
                        continue;
                    };
                    tables += 1;
                    let width = (hi - lo) as u64 + 1;
                    let mut ts: Vec<i64> = (0..3_000).map(|_| lo + below(width) as i64).collect();
                    ts.extend([lo, hi]);
                    for &s in ix.starts.iter().take(200) {
                        ts.extend(
                            [s - 1, s, s + 1]
                                .into_iter()
                                .filter(|t| (lo..=hi).contains(t)),
                        );
                    }
                    let mut got = vec![0u32; ts.len()];
                    for (b, out) in got.chunks_mut(BLOCK).enumerate() {
                        TableSlot(&ts, &t).fill(b * BLOCK, None, out);
                    }
                    for (&t, &g) in ts.iter().zip(&got) {
                        assert_eq!(g as usize, ix.index(t), "{period:?} {t}");
                    }
                }
            }
        }
        eprintln!("period tables checked: {tables}");
        // Every zone and period has a table for the spans up to decades.
        assert!(tables >= 4 * 5 * 4, "only {tables} tables built");
    }
}
