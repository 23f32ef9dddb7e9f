//! Time-based KPIs (SPEC §6): reception response time, delivery time, any
//! "start → end within a target" service level.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::merge::{
    bad_state, check_sorted, labelled, merge_sorted, other, same_shape, uniform_shape, Label,
    Periods,
};
use super::{assign, check_ts_col, Grouping, Kpi};
use crate::error::{Error, Result};
use crate::group::GroupKey;
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
/// same arithmetic: bit for bit the same value).
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
fn summarize(h: &[(i64, u64)], target: i64) -> Result<TimeKpi> {
    let mut n = 0u64;
    let mut within = 0u64;
    let mut sum = 0i128;
    for &(v, c) in h {
        n = n.checked_add(c).ok_or_else(overflow)?;
        if v <= target {
            within += c; // <= n
        }
        // |v| < 2^63 and n < 2^64: the sum stays below 2^127.
        sum += i128::from(v) * i128::from(c);
    }
    Ok(TimeKpi {
        n,
        mean: (n > 0).then(|| sum as f64 / n as f64),
        median: (n > 0).then(|| histogram_quantile(h, n, 0.5)),
        p90: (n > 0).then(|| histogram_quantile(h, n, 0.9)),
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
    if let Some(i) = seconds.iter().position(|&s| s < 0) {
        return Err(Error::value(
            "seconds",
            i,
            format!("a duration must be >= 0, got {}", seconds[i]),
        ));
    }
    let (labels, rows) = assign(grouping, seconds.len())?;
    let (per, overall) = group_histograms(seconds, &rows, labels.len());
    TimeTable::from_parts(
        TimeState {
            target_seconds,
            periods: Periods::of(grouping)?,
            groups: labels.into_iter().zip(per).collect(),
        },
        Some(overall),
    )
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
