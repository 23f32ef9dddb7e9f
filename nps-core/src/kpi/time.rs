//! Time-based KPIs (SPEC §6): reception response time, delivery time, any
//! "start → end within a target" service level.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{assign, check_ts_col, Grouping, Kpi};
use crate::error::{Error, Result};
use crate::group::GroupKey;
use crate::period::Period;

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
    /// The mean in minutes, the unit of the policy's time benchmarks
    /// (`reception_response_minutes`, `delivery_minutes`).
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

fn summarize(mut d: Vec<i64>, rows: usize, target: i64) -> TimeKpi {
    d.sort_unstable();
    let within = d.iter().filter(|&&x| x <= target).count();
    let sum: i128 = d.iter().map(|&x| i128::from(x)).sum();
    let f: Vec<f64> = d.iter().map(|&x| x as f64).collect();
    TimeKpi {
        n: d.len() as u64,
        mean: (!d.is_empty()).then(|| sum as f64 / d.len() as f64),
        median: quantile(&f, 0.5),
        p90: quantile(&f, 0.9),
        target_seconds: target,
        within_target: Kpi::ratio(
            within as f64,
            d.len() as f64,
            (rows > 0).then(|| d.len() as f64 / rows as f64),
        ),
    }
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeTable {
    /// Over every row.
    pub overall: TimeKpi,
    /// The period grouped by, if any.
    pub period: Option<Period>,
    /// Non-empty groups sorted by key then period.
    pub groups: Vec<TimeGroup>,
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
    let mut per: Vec<Vec<i64>> = vec![Vec::new(); labels.len()];
    for (&s, &r) in seconds.iter().zip(&rows) {
        per[r].push(s);
    }
    Ok(TimeTable {
        overall: summarize(seconds.to_vec(), seconds.len(), target_seconds),
        period: grouping.period,
        groups: labels
            .into_iter()
            .zip(per)
            .map(|((key, period_start), d)| {
                let n = d.len();
                TimeGroup {
                    key,
                    period_start,
                    kpi: summarize(d, n, target_seconds),
                }
            })
            .collect(),
    })
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
