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
