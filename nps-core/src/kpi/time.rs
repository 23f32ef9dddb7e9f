//! Time-based KPIs (SPEC §6): reception response time, delivery time, any
//! "start → end within a target" service level.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::merge::{
    bad_state, check_sorted, labelled, merge_sorted, other, same_shape, uniform_shape, Label,
    Periods,
};
use super::{assign, check_ts_col, slots, Grouping, Kpi};
use crate::error::{Error, Result};
use crate::group::{min_max, Cells, Counted, GroupKey, Slots};
use crate::period::Period;
use crate::sort::radix_sort;

/// The distribution of a duration and the share within a target.
///
/// Quantiles interpolate linearly between order statistics (Hyndman & Fan
/// type 7, numpy's and pandas' default): see [`quantile`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimeKpi {
    /// Number of durations.
    pub n: u64,
    /// Mean, seconds (`None` without data).
    pub mean: Option<f64>,
    /// Median, seconds.
    pub median: Option<f64>,
    /// 90th percentile, seconds.
    pub p90: Option<f64>,
    /// The target in seconds (inclusive).
    pub target_seconds: i64,
    /// Durations `<= target_seconds` / durations; coverage = durations / rows.
    pub within_target: Kpi,
}

impl TimeKpi {
    /// The mean in minutes, the unit of the per-visit standards of the
    /// policy's time benchmarks (`reception_response_minutes`,
    /// `delivery_minutes`; the scorecard judges the share within target,
    /// not this mean).
    pub fn mean_minutes(&self) -> Option<f64> {
        self.mean.map(|m| m / 60.0)
    }
}

/// The `p` quantile (0..=1) of sorted values by linear interpolation:
/// `h = (n − 1)·p`, `x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])`. `None` when
/// empty.
///
/// ```
/// use nps_core::kpi::quantile;
/// assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), Some(2.5));
/// assert_eq!(quantile(&[10.0, 20.0], 0.9), Some(19.0));
/// ```
pub fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = last as f64 * p.clamp(0.0, 1.0);
    let lo = (h.floor() as usize).min(last);
    let hi = (lo + 1).min(last);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// A histogram of durations: `(seconds, count)` sorted by seconds, each
/// count at least 1. O(distinct durations) memory, and what a median or a
/// p90 of merged parts needs.
pub(crate) type Histogram = Vec<(i64, u64)>;

/// The histogram of durations (sorted in place).
fn histogram(d: &mut [i64]) -> Histogram {
    d.sort_unstable();
    let mut h: Histogram = Vec::new();
    for &x in d.iter() {
        match h.last_mut() {
            Some((v, c)) if *v == x => *c += 1,
            _ => h.push((x, 1)),
        }
    }
    h
}

/// The histograms of every group and of all durations: `d[i] >= 0` is in
/// group `rows[i] < groups`.
///
/// Counted in a dense table of (group, duration) cells when there are few
/// of them next to the rows (reception and delivery times in seconds across
/// a dealer network); otherwise (group, duration) keys are radix-sorted and
/// run-length encoded. Memory is O(rows) either way, never O(range) alone.
fn group_histograms(d: &[i64], rows: &[u32], groups: usize) -> (Vec<Histogram>, Histogram) {
    let n = d.len();
    let mut per: Vec<Histogram> = vec![Vec::new(); groups];
    let (Some(&lo), Some(&hi)) = (d.iter().min(), d.iter().max()) else {
        return (per, Vec::new());
    };
    // Durations are >= 0, so `hi - lo` cannot overflow.
    let range = (hi - lo) as u64 + 1;
    let budget = 4 * n as u64 + 65_536;
    let cells = range.checked_mul(groups as u64).filter(|&c| c <= budget);
    if let (Some(cells), true) = (cells, n < u32::MAX as usize) {
        let range = range as usize;
        let mut counts = vec![0u32; cells as usize];
        for (&x, &r) in d.iter().zip(rows) {
            counts[r as usize * range + (x - lo) as usize] += 1;
        }
        let mut total = vec![0u64; range];
        for (g, h) in per.iter_mut().enumerate() {
            let row = &counts[g * range..(g + 1) * range];
            for (v, &c) in row.iter().enumerate() {
                if c > 0 {
                    h.push((lo + v as i64, u64::from(c)));
                    total[v] += u64::from(c);
                }
            }
        }
        let overall = total
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(|(v, &c)| (lo + v as i64, c))
            .collect();
        return (per, overall);
    }
    let vbits = u64::BITS - (range - 1).leading_zeros();
    let gbits = u64::BITS - (groups.saturating_sub(1) as u64).leading_zeros();
    if vbits + gbits > u64::BITS {
        // Durations spanning almost all of i64 in several groups: sort
        // each group's durations.
        let mut each: Vec<Vec<i64>> = vec![Vec::new(); groups];
        for (&x, &r) in d.iter().zip(rows) {
            each[r as usize].push(x);
        }
        let per: Vec<Histogram> = each.iter_mut().map(|e| histogram(e)).collect();
        let mut all = d.to_vec();
        return (per, histogram(&mut all));
    }
    let mask = if vbits == u64::BITS {
        u64::MAX
    } else {
        (1u64 << vbits) - 1
    };
    let key = |x: i64, r: u32| {
        let v = (x - lo) as u64;
        if gbits == 0 {
            v
        } else {
            ((r as u64) << vbits) | v
        }
    };
    let mut keys: Vec<u64> = d.iter().zip(rows).map(|(&x, &r)| key(x, r)).collect();
    radix_sort(&mut keys, vbits + gbits);
    for run in keys.chunk_by(|a, b| a == b) {
        let k = run[0];
        let g = if gbits == 0 { 0 } else { (k >> vbits) as usize };
        per[g].push((lo + (k & mask) as i64, run.len() as u64));
    }
    let overall = if gbits == 0 {
        per[0].clone()
    } else if range <= budget {
        // Few distinct durations next to the rows: count them densely.
        let mut total = vec![0u64; range as usize];
        for &x in d {
            total[(x - lo) as usize] += 1;
        }
        total
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(|(v, &c)| (lo + v as i64, c))
            .collect()
    } else {
        for k in keys.iter_mut() {
            *k &= mask;
        }
        radix_sort(&mut keys, vbits);
        keys.chunk_by(|a, b| a == b)
            .map(|run| (lo + run[0] as i64, run.len() as u64))
            .collect()
    };
    (per, overall)
}

/// Durations as cells of a dense `[slot][duration - lo]` table.
struct Durations<'a> {
    d: &'a [i64],
    lo: i64,
    range: usize,
}
impl Cells for Durations<'_> {
    fn cats(&self) -> usize {
        self.range
    }
    #[inline(always)]
    fn fill(&self, start: usize, out: &mut [u32]) {
        let d = &self.d[start..start + out.len()];
        let range = self.range as u32;
        for (o, &x) in out.iter_mut().zip(d) {
            // `lo <= x` and `x - lo < range <= u32::MAX`.
            *o = *o * range + (x - self.lo) as u32;
        }
    }
}

/// One category: counting gives the rows of every slot.
struct Rows;
impl Cells for Rows {
    fn cats(&self) -> usize {
        1
    }
    #[inline(always)]
    fn fill(&self, _: usize, _: &mut [u32]) {}
}

/// Most cells (2²⁰, 4 MiB of `u32`) of the per-bucket table of
/// [`bucketed`]; more go through [`sorted_per_slot`].
const BUCKET_CELLS_BITS: u32 = 20;

/// Most buckets [`bucketed`] scatters the rows into (one write stream
/// each, so the scatter stays in cache).
const MAX_BUCKETS: usize = 1024;

/// The groups of a time table as [`slot_histograms`] gives them: every
/// non-empty group's label, histogram and time KPI (computed while the
/// histogram is in cache), in group order.
struct Hists {
    labels: Vec<Label>,
    hists: Vec<Histogram>,
    kpis: Vec<TimeKpi>,
    /// The overall histogram, when it was counted on the way.
    overall: Option<Histogram>,
}

#[cfg(test)]
static PATHS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Records (in tests) that path `bit` of [`slot_histograms`] ran.
fn took(_bit: u32) {
    #[cfg(test)]
    PATHS.fetch_or(1 << _bit, std::sync::atomic::Ordering::Relaxed);
}

/// The histograms and time KPIs of every group of `slots`, and the overall
/// histogram, `d[i]` (in `lo..=hi`, `lo >= 0`) in the slot of row `i`;
/// counted straight from the grouping engine's blocks, with no group
/// column per row:
///
/// - few (slot, duration) cells next to the rows: one dense count of the
///   cells across threads, then each slot's row of the table ([`dense`]);
/// - else, when the slots' durations fit a small table once the slots
///   are cut into at most [`MAX_BUCKETS`] buckets: the rows scattered
///   into their buckets (one write stream per bucket), then each bucket
///   counted in its table, whose bitmap of occupied cells gives the
///   histograms in order ([`bucketed`]);
/// - else, durations up to 2³² apart: the rows scattered by slot and
///   each slot's durations sorted ([`sorted_per_slot`]);
/// - wider ranges: `None`, for [`group_histograms`] over an assignment.
fn slot_histograms(
    d: &[i64],
    (lo, hi): (i64, i64),
    target: i64,
    slots: &mut Slots<'_>,
) -> Result<Option<Hists>> {
    let n = d.len() as u64;
    let s = slots.len();
    let range = (hi - lo) as u64 + 1;
    let budget = n + 65_536;
    if (s as u64)
        .checked_mul(range)
        .is_some_and(|c| c <= budget && c <= u32::MAX as u64)
    {
        took(0);
        return dense(d, lo, range as usize, target, slots).map(Some);
    }
    if range > u32::MAX as u64 {
        took(3);
        return Ok(None);
    }
    let per = slots.count(&Rows);
    let vbits = u64::BITS - (range - 1).leading_zeros();
    let bbits = (0..)
        .find(|&b| s.div_ceil(1 << b) <= MAX_BUCKETS)
        .unwrap_or(0);
    let words = (s.div_ceil(1 << bbits) as u64) << (bbits + vbits).saturating_sub(6);
    let total = (range <= budget).then(|| vec![0u64; range as usize]);
    if bbits + vbits <= BUCKET_CELLS_BITS && words <= budget {
        took(1);
        bucketed(d, lo, (bbits, vbits), &per, target, slots, total)
    } else {
        took(2);
        sorted_per_slot(d, lo, &per, target, slots, total)
    }
    .map(Some)
}

/// The dense path of [`slot_histograms`]: `[slot][duration - lo]` counts.
fn dense(d: &[i64], lo: i64, range: usize, target: i64, slots: &mut Slots<'_>) -> Result<Hists> {
    let counts = slots.count(&Durations { d, lo, range });
    let groups = slots.groups(|g| !counts.all_zero(g * range..(g + 1) * range));
    let mut out = Hists::with_capacity(groups.len());
    let mut total = vec![0u64; range];
    for (g, label) in groups {
        let mut h = Vec::new();
        let cells = g * range..(g + 1) * range;
        let mut push = |v: usize, c: u64| {
            h.push((lo + v as i64, c));
            total[v] += c;
        };
        match counts.narrow() {
            Some(c) => c[cells]
                .iter()
                .enumerate()
                .filter(|(_, &c)| c > 0)
                .for_each(|(v, &c)| push(v, u64::from(c))),
            None => cells
                .enumerate()
                .map(|(v, i)| (v, counts.get(i)))
                .filter(|&(_, c)| c > 0)
                .for_each(|(v, c)| push(v, c)),
        }
        out.push(label, h, target)?;
    }
    out.overall = Some(dense_histogram(&total, lo));
    Ok(out)
}

/// The bucketed path of [`slot_histograms`]: slots cut into buckets of
/// `2^bbits` consecutive slots, a row packed as (slot within its bucket,
/// duration − lo) in `bbits + vbits` bits.
fn bucketed(
    d: &[i64],
    lo: i64,
    (bbits, vbits): (u32, u32),
    per: &Counted,
    target: i64,
    slots: &mut Slots<'_>,
    mut total: Option<Vec<u64>>,
) -> Result<Hists> {
    let (n, s) = (d.len(), slots.len());
    let nb = s.div_ceil(1 << bbits);
    // Each bucket's first position in `vals`.
    let mut next = vec![0usize; nb + 1];
    for g in 0..s {
        next[(g >> bbits) + 1] += per.get(g) as usize;
    }
    for b in 0..nb {
        next[b + 1] += next[b];
    }
    let starts = next.clone();
    let local = (1u32 << bbits) - 1;
    let mut vals = vec![0u32; n];
    let mut block = [0u32; 1024];
    for start in (0..n).step_by(1024) {
        let m = 1024.min(n - start);
        let b = &mut block[..m];
        slots.fill(start, b);
        for (&g, &x) in b.iter().zip(&d[start..start + m]) {
            let p = &mut next[(g >> bbits) as usize];
            // `x - lo < 2^vbits` and `bbits + vbits <= 20`.
            vals[*p] = ((g & local) << vbits) | (x - lo) as u32;
            *p += 1;
        }
    }
    let groups = slots.groups(|g| per.get(g) > 0);
    let mut pos = vec![u32::MAX; s];
    for (i, (g, _)) in groups.iter().enumerate() {
        pos[*g] = i as u32;
    }
    let mut hists: Vec<Histogram> = vec![Vec::new(); groups.len()];
    let mut kpis: Vec<Option<TimeKpi>> = vec![None; groups.len()];
    let cells = 1usize << (bbits + vbits);
    let mut count = vec![0u32; cells];
    let mut bits = vec![0u64; cells.div_ceil(64)];
    let vmask = (1usize << vbits) - 1;
    let range = (1u64 << vbits) as usize;
    for b in 0..nb {
        let v = &vals[starts[b]..starts[b + 1]];
        if v.is_empty() {
            continue;
        }
        for &x in v {
            count[x as usize] += 1;
            bits[x as usize / 64] |= 1 << (x % 64);
        }
        let mut cur = usize::MAX;
        let mut h: Histogram = Vec::new();
        for (w, word) in bits.iter_mut().enumerate() {
            while *word != 0 {
                let x = w * 64 + word.trailing_zeros() as usize;
                *word &= *word - 1;
                let g = (b << bbits) + (x >> vbits);
                if g != cur {
                    if cur != usize::MAX {
                        let i = pos[cur] as usize;
                        kpis[i] = Some(summarize(&h, target)?);
                        hists[i] = std::mem::take(&mut h);
                    }
                    cur = g;
                    h.reserve_exact((per.get(g) as usize).min(range));
                }
                let c = std::mem::take(&mut count[x]);
                let v = x & vmask;
                h.push((lo + v as i64, u64::from(c)));
                if let Some(t) = total.as_mut() {
                    t[v] += u64::from(c);
                }
            }
        }
        let i = pos[cur] as usize;
        kpis[i] = Some(summarize(&h, target)?);
        hists[i] = h;
    }
    Ok(Hists {
        labels: groups.into_iter().map(|(_, l)| l).collect(),
        hists,
        kpis: kpis
            .into_iter()
            .map(|k| k.expect("every group has rows"))
            .collect(),
        overall: total.map(|t| dense_histogram(&t, lo)),
    })
}

/// The last path of [`slot_histograms`] before an assignment: the rows
/// scattered by slot, each slot's durations (`< 2^32` apart) sorted.
fn sorted_per_slot(
    d: &[i64],
    lo: i64,
    per: &Counted,
    target: i64,
    slots: &mut Slots<'_>,
    mut total: Option<Vec<u64>>,
) -> Result<Hists> {
    let (n, s) = (d.len(), slots.len());
    let mut next = Vec::with_capacity(s + 1);
    let mut at = 0usize;
    for g in 0..s {
        next.push(at);
        at += per.get(g) as usize;
    }
    next.push(at);
    let starts = next.clone();
    let mut vals = vec![0u32; n];
    let mut block = [0u32; 1024];
    for start in (0..n).step_by(1024) {
        let m = 1024.min(n - start);
        let b = &mut block[..m];
        slots.fill(start, b);
        for (&g, &x) in b.iter().zip(&d[start..start + m]) {
            let p = &mut next[g as usize];
            vals[*p] = (x - lo) as u32;
            *p += 1;
        }
    }
    let groups = slots.groups(|g| per.get(g) > 0);
    let mut out = Hists::with_capacity(groups.len());
    for (g, label) in groups {
        let v = &mut vals[starts[g]..starts[g + 1]];
        v.sort_unstable();
        let h: Histogram = v
            .chunk_by(|a, b| a == b)
            .map(|run| (lo + i64::from(run[0]), run.len() as u64))
            .collect();
        if let Some(t) = total.as_mut() {
            h.iter().for_each(|&(v, c)| t[(v - lo) as usize] += c);
        }
        out.push(label, h, target)?;
    }
    out.overall = total.map(|t| dense_histogram(&t, lo));
    Ok(out)
}

impl Hists {
    fn with_capacity(n: usize) -> Hists {
        Hists {
            labels: Vec::with_capacity(n),
            hists: Vec::with_capacity(n),
            kpis: Vec::with_capacity(n),
            overall: None,
        }
    }

    /// Adds a group, summarised while its histogram is in cache.
    fn push(&mut self, label: Label, h: Histogram, target: i64) -> Result<()> {
        self.kpis.push(summarize(&h, target)?);
        self.labels.push(label);
        self.hists.push(h);
        Ok(())
    }
}

/// The histogram of dense counts (`counts[v]` durations of `lo + v`).
fn dense_histogram(counts: &[u64], lo: i64) -> Histogram {
    counts
        .iter()
        .enumerate()
        .filter(|(_, &c)| c > 0)
        .map(|(v, &c)| (lo + v as i64, c))
        .collect()
}

fn overflow() -> Error {
    Error::Overflow {
        what: "the durations of a time KPI",
    }
}

/// The sum of two histograms.
fn add_histograms(a: &Histogram, b: &Histogram) -> Result<Histogram> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push((a[i].0, a[i].1.checked_add(b[j].1).ok_or_else(overflow)?));
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    Ok(out)
}

/// The `p` quantile of a histogram of `n >= 1` durations, as [`quantile`]
/// computes it on the sorted durations (the same two order statistics, the
/// same arithmetic: bit for bit the same value). The oracle of
/// [`summarize`], which finds the median's and the p90's order statistics
/// in one walk.
#[cfg(test)]
fn histogram_quantile(h: &[(i64, u64)], n: u64, p: f64) -> f64 {
    let last = n - 1;
    let pos = last as f64 * p.clamp(0.0, 1.0);
    let lo = (pos.floor() as u64).min(last);
    let hi = (lo + 1).min(last);
    let (mut x_lo, mut x_hi) = (None, None);
    let mut seen = 0u64; // durations before the current entry
    for &(v, c) in h {
        let end = seen + c; // ranks seen..end hold v
        if x_lo.is_none() && lo < end {
            x_lo = Some(v as f64);
        }
        if hi < end {
            x_hi = Some(v as f64);
            break;
        }
        seen = end;
    }
    let (a, b) = (x_lo.unwrap_or(0.0), x_hi.unwrap_or(0.0)); // ranks < n: both found
    a + (pos - lo as f64) * (b - a)
}

/// The time KPI of a histogram (every duration a row).
///
/// Two walks: the count, the durations within target and the sum; then
/// the four order statistics of the median and the p90 (linear
/// interpolation as [`quantile`]: the same ranks, the same arithmetic, bit
/// for bit the same values).
fn summarize(h: &[(i64, u64)], target: i64) -> Result<TimeKpi> {
    let mut n = 0u64;
    let mut within = 0u64;
    let mut sum = 0i128;
    for &(v, c) in h {
        n = n.checked_add(c).ok_or_else(overflow)?;
        // <= n; branch-free.
        within += if v <= target { c } else { 0 };
        // |v| < 2^63 and n < 2^64: the sum stays below 2^127.
        sum += i128::from(v) * i128::from(c);
    }
    let (median, p90) = match n.checked_sub(1) {
        None => (None, None),
        Some(last) => {
            // (position, lower rank, upper rank) of each quantile.
            let at = |p: f64| {
                let pos = last as f64 * p;
                let lo = (pos.floor() as u64).min(last);
                (pos, lo, (lo + 1).min(last))
            };
            let (m, q) = (at(0.5), at(0.9));
            let mut ranks = [(m.1, 0), (m.2, 1), (q.1, 2), (q.2, 3)];
            ranks.sort_unstable();
            let mut x = [0.0f64; 4];
            let (mut k, mut seen) = (0, 0u64);
            for &(v, c) in h {
                let end = seen + c; // ranks seen..end hold v
                while k < 4 && ranks[k].0 < end {
                    x[ranks[k].1] = v as f64;
                    k += 1;
                }
                if k == 4 {
                    break;
                }
                seen = end;
            }
            let value =
                |(pos, lo, _): (f64, u64, u64), a: f64, b: f64| a + (pos - lo as f64) * (b - a);
            (Some(value(m, x[0], x[1])), Some(value(q, x[2], x[3])))
        }
    };
    Ok(TimeKpi {
        n,
        mean: (n > 0).then(|| sum as f64 / n as f64),
        median,
        p90,
        target_seconds: target,
        within_target: Kpi::ratio(within as f64, n as f64, (n > 0).then_some(1.0)),
    })
}

/// One group of a [`TimeTable`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeGroup {
    /// Group key.
    pub key: GroupKey,
    /// Local first day of the period, when grouping by period.
    pub period_start: Option<NaiveDate>,
    /// The time KPI of the group.
    pub kpi: TimeKpi,
}

/// A time KPI overall and per group.
///
/// A table is also a partial result: it keeps the histogram of durations
/// of every group (`(seconds, count)` pairs: memory O(distinct durations),
/// not O(rows)), so [`TimeTable::merge`] gives exactly the table of all
/// the rows — mean, median and p90 included — and a table saves and loads
/// exactly ([`Saved`](crate::state::Saved)). The serde form is that saved
/// state; the fields below are computed from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "TimeState", try_from = "TimeState")]
pub struct TimeTable {
    /// Over every row.
    pub overall: TimeKpi,
    /// The period grouped by, if any.
    pub period: Option<Period>,
    /// Non-empty groups sorted by key then period.
    pub groups: Vec<TimeGroup>,
    state: TimeState,
}

/// The saved state of a [`TimeTable`]: its serde form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct TimeState {
    /// The target, seconds.
    target_seconds: i64,
    /// The period and time zone grouped by.
    periods: Periods,
    /// The histogram of every non-empty group, sorted by key then period.
    #[serde(with = "labelled")]
    groups: Vec<(Label, Histogram)>,
}

impl TimeState {
    fn check(&self) -> Result<()> {
        if self.target_seconds < 0 {
            return Err(bad_state("target_seconds must be >= 0"));
        }
        self.periods.check()?;
        check_sorted(self.groups.iter().map(|(l, _)| l))?;
        uniform_shape("group", self.groups.iter().map(|((k, _), _)| k))?;
        let mut n = 0u64;
        for (i, ((_, start), h)) in self.groups.iter().enumerate() {
            self.periods.check_start(i, *start)?;
            if h.is_empty() {
                return Err(bad_state(format!("group {i}: a group has durations")));
            }
            for (j, &(v, c)) in h.iter().enumerate() {
                if v < 0 || c == 0 || (j > 0 && h[j - 1].0 >= v) {
                    return Err(bad_state(format!(
                        "group {i}: a histogram holds durations >= 0 in increasing order, each counted at least once (entry {j})"
                    )));
                }
                n = n.checked_add(c).ok_or_else(overflow)?;
            }
        }
        Ok(())
    }
}

impl From<TimeTable> for TimeState {
    fn from(t: TimeTable) -> TimeState {
        t.state
    }
}

impl TryFrom<TimeState> for TimeTable {
    type Error = Error;
    fn try_from(s: TimeState) -> Result<TimeTable> {
        s.check()?;
        TimeTable::from_state(s)
    }
}

impl TimeTable {
    /// The table of a state: every group's time KPI and the overall one of
    /// all their durations.
    fn from_state(state: TimeState) -> Result<TimeTable> {
        TimeTable::from_parts(state, None)
    }

    /// As [`from_state`](TimeTable::from_state), with the overall
    /// histogram when it is known (else the sum of the groups').
    fn from_parts(state: TimeState, overall: Option<Histogram>) -> Result<TimeTable> {
        let target = state.target_seconds;
        let groups = state
            .groups
            .iter()
            .map(|((key, period_start), h)| {
                Ok(TimeGroup {
                    key: key.clone(),
                    period_start: *period_start,
                    kpi: summarize(h, target)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        TimeTable::with_groups(state, overall, groups)
    }

    /// As [`from_parts`](TimeTable::from_parts), with the groups' time
    /// KPIs already computed (the summaries of the state's histograms).
    fn with_groups(
        state: TimeState,
        overall: Option<Histogram>,
        groups: Vec<TimeGroup>,
    ) -> Result<TimeTable> {
        let target = state.target_seconds;
        let overall = match overall {
            Some(h) => h,
            None => {
                let mut all: Vec<(i64, u64)> = state
                    .groups
                    .iter()
                    .flat_map(|(_, h)| h.iter().copied())
                    .collect();
                all.sort_unstable_by_key(|&(v, _)| v);
                let mut overall: Histogram = Vec::new();
                for (v, c) in all {
                    match overall.last_mut() {
                        Some((w, d)) if *w == v => *d = d.checked_add(c).ok_or_else(overflow)?,
                        _ => overall.push((v, c)),
                    }
                }
                overall
            }
        };
        Ok(TimeTable {
            overall: summarize(&overall, target)?,
            period: state.periods.period,
            groups,
            state,
        })
    }

    /// The table of the rows of `self` followed by those of `later`: equal
    /// to the table computed in one pass over all of them, mean, median and
    /// p90 included (the histograms of every group add up). Associative:
    /// partial tables may be merged in any tree.
    ///
    /// Errors: [`Error::InvalidArgument`] naming `other` when the tables
    /// were computed with another target, period, time zone or type of key
    /// column; [`Error::Overflow`] past `u64::MAX` durations.
    ///
    /// ```
    /// use nps_core::kpi::{time_kpi_durations, Grouping};
    /// let d = [60, 120, 240, 600, 30];
    /// let g = Grouping::default();
    /// let whole = time_kpi_durations(&d, 180, &g)?;
    /// let merged = time_kpi_durations(&d[..2], 180, &g)?.merge(&time_kpi_durations(&d[2..], 180, &g)?)?;
    /// assert_eq!(merged, whole);
    /// assert_eq!(merged.overall.median, Some(120.0));
    /// # Ok::<(), nps_core::Error>(())
    /// ```
    pub fn merge(&self, later: &TimeTable) -> Result<TimeTable> {
        let (a, b) = (&self.state, &later.state);
        if a.target_seconds != b.target_seconds {
            return Err(other(format!(
                "target_seconds differs: {} here, {} in other (merge results computed with the same options)",
                a.target_seconds, b.target_seconds
            )));
        }
        a.periods.check_merge(&b.periods)?;
        let shape = |s: &TimeState| uniform_shape("group", s.groups.iter().map(|((k, _), _)| k));
        same_shape("key columns", shape(a)?, shape(b)?)?;
        let groups = merge_sorted(&a.groups, &b.groups, add_histograms)?;
        TimeTable::from_state(TimeState {
            target_seconds: a.target_seconds,
            periods: a.periods.clone(),
            groups,
        })
    }
}

impl crate::state::Saved for TimeTable {
    const KIND: &'static str = "TimeTable";
}

impl TimeKpi {
    /// Checks the rules of a computed time KPI (used on load): a target
    /// `>= 0`; mean, median and p90 exactly with durations, finite, with
    /// median <= p90; `within_target` a valid [`Kpi`] over the `n`
    /// durations.
    pub fn check(&self) -> Result<()> {
        self.within_target.check()?;
        let stats = [self.mean, self.median, self.p90];
        let ok = self.target_seconds >= 0
            && stats.iter().all(|s| s.is_some() == (self.n > 0))
            && stats.iter().flatten().all(|s| s.is_finite())
            && self.median <= self.p90
            && self.within_target.denominator == self.n as f64
            && self.within_target.numerator <= self.within_target.denominator;
        if !ok {
            return Err(bad_state(
                "a time KPI has a target >= 0, statistics exactly with durations, median <= p90, and within_target over its n durations",
            ));
        }
        Ok(())
    }
}

impl crate::state::Saved for TimeKpi {
    const KIND: &'static str = "TimeKpi";
    fn check(&self) -> Result<()> {
        TimeKpi::check(self)
    }
}

/// A time KPI from durations in seconds (each `>= 0`), e.g. queue times.
/// `target_seconds` is inclusive.
///
/// ```
/// use nps_core::kpi::{time_kpi_durations, Grouping};
/// let t = time_kpi_durations(&[60, 120, 240, 600], 180, &Grouping::default())?;
/// assert_eq!(t.overall.mean, Some(255.0));
/// assert_eq!(t.overall.median, Some(180.0));
/// assert_eq!(t.overall.within_target.value, Some(0.5));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn time_kpi_durations(
    seconds: &[i64],
    target_seconds: i64,
    grouping: &Grouping<'_>,
) -> Result<TimeTable> {
    if target_seconds < 0 {
        return Err(Error::arg("target_seconds", "must be >= 0"));
    }
    let range = min_max(seconds);
    if range.is_some_and(|(lo, _)| lo < 0) {
        let i = seconds.iter().position(|&s| s < 0).unwrap_or(0);
        return Err(Error::value(
            "seconds",
            i,
            format!("a duration must be >= 0, got {}", seconds[i]),
        ));
    }
    let mut slots = slots(grouping, seconds.len())?;
    let periods = Periods::of(grouping)?;
    let fused = match range {
        Some(range) => slot_histograms(seconds, range, target_seconds, &mut slots)?,
        None => Some(Hists::with_capacity(0)),
    };
    let Some(c) = fused else {
        let (labels, rows) = assign(grouping, seconds.len())?;
        let (per, overall) = group_histograms(seconds, &rows, labels.len());
        return TimeTable::from_parts(
            TimeState {
                target_seconds,
                periods,
                groups: labels.into_iter().zip(per).collect(),
            },
            Some(overall),
        );
    };
    let groups = c
        .labels
        .iter()
        .zip(c.kpis)
        .map(|((key, period_start), kpi)| TimeGroup {
            key: key.clone(),
            period_start: *period_start,
            kpi,
        })
        .collect();
    let state = TimeState {
        target_seconds,
        periods,
        groups: c.labels.into_iter().zip(c.hists).collect(),
    };
    TimeTable::with_groups(state, c.overall, groups)
}

/// A time KPI from two timestamp columns: `end − start` per row (an end
/// before its start is an error naming the row). Reception response time
/// is arrival → greeted (policy benchmark `reception_response_minutes`,
/// ≤ 3 min); delivery time is repair finished → customer leaves
/// (`delivery_minutes`, ≤ 15 min).
///
/// ```
/// use nps_core::kpi::{time_kpi, Grouping};
/// let t = time_kpi(&[0, 100], &[120, 400], 180, &Grouping::default())?;
/// assert_eq!(t.overall.within_target.value, Some(0.5));
/// # Ok::<(), nps_core::Error>(())
/// ```
pub fn time_kpi(
    start: &[i64],
    end: &[i64],
    target_seconds: i64,
    grouping: &Grouping<'_>,
) -> Result<TimeTable> {
    Error::check_len("end", end.len(), "start", start.len())?;
    check_ts_col("start", start)?;
    check_ts_col("end", end)?;
    let d: Vec<i64> = start.iter().zip(end).map(|(&a, &b)| b - a).collect();
    if let Some(i) = d.iter().position(|&x| x < 0) {
        return Err(Error::value("end", i, "ends before it starts"));
    }
    time_kpi_durations(&d, target_seconds, grouping)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64 for the random inputs.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) % n
        }
    }

    /// The straightforward time table: every row assigned a group, then
    /// the histograms of the assigned rows.
    fn per_row(seconds: &[i64], target: i64, g: &Grouping<'_>) -> Result<TimeTable> {
        if target < 0 {
            return Err(Error::arg("target_seconds", "must be >= 0"));
        }
        if let Some(i) = seconds.iter().position(|&s| s < 0) {
            return Err(Error::value(
                "seconds",
                i,
                format!("a duration must be >= 0, got {}", seconds[i]),
            ));
        }
        let (labels, rows) = assign(g, seconds.len())?;
        let (per, overall) = group_histograms(seconds, &rows, labels.len());
        TimeTable::from_parts(
            TimeState {
                target_seconds: target,
                periods: Periods::of(g)?,
                groups: labels.into_iter().zip(per).collect(),
            },
            Some(overall),
        )
    }

    /// The histograms counted from the engine's slots (a dense table; the
    /// durations of each slot counted in a small table or sorted; wide
    /// ranges through an assignment) equal the per-row ones for every key
    /// form and range, across threads and without rows.
    #[test]
    fn fused_time_tables_equal_per_row() {
        use crate::kpi::forms;
        let cases: [(usize, u64, u64); 7] = [
            (0, 1, 900),
            (1, 2, 900),
            (5_000, 3, 1),
            (40_000, 4, 900),
            (40_000, 5, 3 * 86_400),
            (40_000, 6, 1 << 30),
            (20_000, 7, 1 << 40),
        ];
        for (n, seed, range) in cases {
            let mut rng = forms::Rng(seed);
            let d: Vec<i64> = (0..n).map(|_| rng.below(range) as i64).collect();
            forms::each(n, seed, |name, _, g| {
                assert_eq!(
                    time_kpi_durations(&d, 180, g),
                    per_row(&d, 180, g),
                    "{name} n {n} range {range}"
                );
            });
        }
        // Every path ran (dense, bucketed, sorted per slot, assignment).
        assert_eq!(PATHS.load(std::sync::atomic::Ordering::Relaxed), 0b1111);
        // Across threads: two parts of counters added up, dense and not.
        let n = 600_000;
        let mut rng = forms::Rng(8);
        let d: Vec<i64> = (0..n).map(|_| 60 + rng.below(900) as i64).collect();
        forms::each(n, 8, |name, _, g| {
            if matches!(name, "none" | "u32" | "u32 month" | "text month") {
                assert_eq!(
                    time_kpi_durations(&d, 300, g),
                    per_row(&d, 300, g),
                    "{name}"
                );
            }
        });
    }

    /// The median and p90 of one walk are those of [`histogram_quantile`]
    /// and of [`quantile`] on the sorted durations, bit for bit.
    #[test]
    fn summary_quantiles_match_sorted_durations() {
        let mut rng = forms_rng(11);
        for case in 0..2_000u64 {
            let n = 1 + rng.below(if case % 2 == 0 { 6 } else { 300 }) as usize;
            let spread = [1u64, 3, 50, 1 << 40][case as usize % 4];
            let mut d: Vec<i64> = (0..n).map(|_| rng.below(spread) as i64).collect();
            let h = histogram(&mut d);
            let t = summarize(&h, 1).unwrap();
            let n = n as u64;
            let sorted: Vec<f64> = d.iter().map(|&x| x as f64).collect();
            for (got, p) in [(t.median, 0.5), (t.p90, 0.9)] {
                let want = histogram_quantile(&h, n, p);
                assert_eq!(got.map(f64::to_bits), Some(want.to_bits()), "{h:?} {p}");
                assert_eq!(quantile(&sorted, p).map(f64::to_bits), Some(want.to_bits()));
            }
        }
        assert_eq!(summarize(&[], 1).unwrap().median, None);
    }

    fn forms_rng(seed: u64) -> crate::kpi::forms::Rng {
        crate::kpi::forms::Rng(seed)
    }

    /// Bad input: the same typed errors with the same rows.
    #[test]
    fn fused_time_tables_fail_as_per_row() {
        use crate::group::Keys;
        let n = 3_000;
        let mut d: Vec<i64> = (0..n).map(|i| (i % 700) as i64).collect();
        let dealer: Vec<u32> = (0..n).map(|i| (i % 9) as u32).collect();
        let mut ts: Vec<i64> = (0..n).map(|i| 1_700_000_000 + i as i64 * 999).collect();
        ts[2_500] = i64::MIN;
        let g = Grouping {
            keys: Some(Keys::U32(&dealer)),
            timestamps: Some(&ts),
            period: Some(Period::Month),
            tz: None,
        };
        let short = Grouping {
            keys: Some(Keys::U32(&dealer[..5])),
            ..Grouping::default()
        };
        for g in [&g, &short] {
            for target in [-1, 180] {
                assert_eq!(
                    format!("{:?}", time_kpi_durations(&d, target, g)),
                    format!("{:?}", per_row(&d, target, g))
                );
            }
        }
        let e = time_kpi_durations(&d, 180, &g).unwrap_err();
        assert_eq!(e.index(), Some(2_500));
        d[1_234] = -5;
        d[2_000] = -1;
        assert_eq!(
            format!("{:?}", time_kpi_durations(&d, 180, &g)),
            format!("{:?}", per_row(&d, 180, &g))
        );
        assert_eq!(
            time_kpi_durations(&d, 180, &g).unwrap_err().index(),
            Some(1_234)
        );
    }

    /// The dense table, the radix sort (one group and many) and the
    /// per-group sort for wide ranges all give the histograms of sorting
    /// each group's durations.
    #[test]
    fn group_histograms_match_sorting_each_group() {
        let mut rng = Rng(5);
        let cases: [(usize, usize, u64); 8] = [
            (0, 1, 10),
            (1, 1, 1),
            (5_000, 1, 900),
            (5_000, 40, 900),
            (5_000, 40, 3 * 86_400),
            (20_000, 1, 1 << 40),
            (20_000, 500, 1 << 50),
            (3_000, 7, i64::MAX as u64),
        ];
        for (n, groups, range) in cases {
            let d: Vec<i64> = (0..n).map(|_| rng.below(range) as i64).collect();
            let rows: Vec<u32> = (0..n).map(|_| rng.below(groups as u64) as u32).collect();
            let (per, overall) = group_histograms(&d, &rows, groups);
            for (g, h) in per.iter().enumerate() {
                let mut mine: Vec<i64> = (0..n)
                    .filter(|&i| rows[i] as usize == g)
                    .map(|i| d[i])
                    .collect();
                assert_eq!(
                    *h,
                    histogram(&mut mine),
                    "n {n} groups {groups} range {range}"
                );
            }
            assert_eq!(
                overall,
                histogram(&mut d.clone()),
                "n {n} groups {groups} range {range}"
            );
        }
    }
}
