//! Goal tracking: from a monthly history and a target, the gap, the monthly
//! path needed, and whether changes are distinguishable from noise at the
//! observed sample sizes.
//!
//! The seed case: a department whose NPS fell from 60 to 45 must reach ≥ 65
//! within 12 months — a monthly step of 1.67 points. Whether a month-on-month
//! move of that size can even be seen depends on n: with ~200 responses a
//! month the minimum detectable change is near 15 points, so progress must
//! be judged over quarters or with larger samples.
//!
//! With a plan start ([`GoalOptions::plan_start`]) the report also tracks
//! the plan month by month ([`GoalPlan`]): the planned value on the straight
//! path from the value at the plan start to the target `months` later, the
//! actual NPS with its interval, whether the month is ahead, on track or
//! behind (beyond noise only: the interval excludes the planned value), and
//! the month the target is reached at the observed trend, with an interval
//! — or the explicit answer that it is not reachable at that trend.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stats::{
    compare, z_value, IntervalMethod, NpsSample, TestMethod, TestOptions, TestResult,
    DEFAULT_CONFIDENCE, MAX_SAMPLE_SIZE,
};
use crate::table::{Column, Table};
use crate::tally::Tally;

/// The answer of [`track`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalReport {
    /// NPS of the last month of the history, in points.
    pub current: f64,
    /// The target NPS.
    pub target: f64,
    /// `target − current` (negative when already above target).
    pub gap: f64,
    /// Months to reach the target.
    pub months: u32,
    /// `gap / months`: the linear monthly improvement needed.
    pub monthly_step: f64,
    /// Planned NPS at the end of each of the next `months` months.
    pub path: Vec<f64>,
    /// Last month against the month before (two-sided; Wald, or adjusted
    /// Wald when a month has zero variance). `None` with fewer than two
    /// months of data.
    pub last_change: Option<TestResult>,
    /// Whether the confidence interval of the last change excludes 0.
    pub last_change_significant: Option<bool>,
    /// The smallest month-on-month change that would be significant at the
    /// last two months' sample sizes and variances (z · SE of a difference).
    pub minimum_detectable_change: Option<f64>,
    /// Whether `|monthly_step|` is at least the minimum detectable change.
    pub step_detectable: Option<bool>,
    /// Responses needed per month for a change of `|monthly_step|` to be
    /// significant at the last month's variance (`2·z²·V / step²`); `None`
    /// when there is no step, no variance, or more than
    /// [`MAX_SAMPLE_SIZE`] would be needed.
    pub n_per_month_to_detect_step: Option<u64>,
    /// NPS of each month of the history, oldest first (`None` for a month
    /// without responses): the actuals to draw against `path`.
    pub actuals: Vec<Option<f64>>,
    /// The trend of the actuals in points per month: the slope of the
    /// least-squares line through the months with responses (month index
    /// against NPS, each month weighted equally). `None` with fewer than
    /// two such months.
    pub trend: Option<f64>,
    /// The projected month of reaching the target at `trend`, counted from
    /// the last month of the history: `Some(0)` when `current` already
    /// reaches the target; else the first month `k ≥ 1` where the trend
    /// line (fitted value at the last month + `trend`·k) reaches the
    /// target. `None` when there is no trend, it does not rise, or the
    /// target would take more than [`MAX_MONTHS`] months.
    pub projected_months: Option<u32>,
    /// The plan against the actuals, when [`GoalOptions::plan_start`] is
    /// given.
    pub plan: Option<GoalPlan>,
}

/// Where a month stands against the plan ([`PlanMonth::status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// The interval of the actual lies above the planned value.
    Ahead,
    /// The interval of the actual contains the planned value: any gap is
    /// within noise.
    OnTrack,
    /// The interval of the actual lies below the planned value.
    Behind,
    /// No responses that month.
    NoData,
}

impl PlanStatus {
    /// The snake_case name (`ahead`, `on_track`, `behind`, `no_data`).
    pub fn name(self) -> &'static str {
        match self {
            PlanStatus::Ahead => "ahead",
            PlanStatus::OnTrack => "on_track",
            PlanStatus::Behind => "behind",
            PlanStatus::NoData => "no_data",
        }
    }
}

/// One month of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PlanMonth {
    /// Months since the plan start (0 = the month the plan started).
    pub month: u32,
    /// The planned NPS: the value at the plan start plus
    /// `(target − start value) · min(month, months) / months`.
    pub planned: f64,
    /// The month's NPS, `None` without responses.
    pub actual: Option<f64>,
    /// Lower bound of the actual's interval (the score interval at the
    /// options' confidence).
    pub low: Option<f64>,
    /// Upper bound of the actual's interval.
    pub high: Option<f64>,
    /// Responses that month.
    pub n: u64,
    /// Ahead, on track or behind the plan (beyond noise only).
    pub status: PlanStatus,
}

/// The answer to "when is the target reached at the observed trend?"
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectionStatus {
    /// The last month already reaches the target.
    Reached,
    /// The trend line reaches the target in [`Projection::month`].
    Projected,
    /// Not reachable at the current trend: it does not rise, or it would
    /// take more than [`MAX_MONTHS`] months.
    NotReachable,
    /// Fewer than two months with responses since the plan start: no trend.
    NoTrend,
}

impl ProjectionStatus {
    /// The snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            ProjectionStatus::Reached => "reached",
            ProjectionStatus::Projected => "projected",
            ProjectionStatus::NotReachable => "not_reachable",
            ProjectionStatus::NoTrend => "no_trend",
        }
    }
}

/// The projected month of reaching the target ([`GoalPlan::projected`]),
/// in months since the plan start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Projection {
    /// Reached, projected, not reachable, or no trend.
    pub status: ProjectionStatus,
    /// `Reached`: the last month; `Projected`: the first month after the
    /// last one at which the trend line reaches the target; else `None`.
    pub month: Option<u32>,
    /// Lower bound of the interval of `month` (`Projected` only).
    pub low: Option<u32>,
    /// Upper bound (`Projected` only); `None` = unbounded: at the observed
    /// noise the trend may not reach the target at all.
    pub high: Option<u32>,
}

/// The plan against the actuals ([`GoalReport::plan`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalPlan {
    /// The plan start: an index of the history.
    pub start: usize,
    /// The NPS of the plan-start month (where the planned path starts).
    pub start_value: f64,
    /// The month the target is due, counted from the plan start (`months`).
    pub due: u32,
    /// Every month from the plan start to the last of the history.
    pub months: Vec<PlanMonth>,
    /// Slope of the least-squares line through the months since the plan
    /// start with responses, points per month (`None` with fewer than two).
    pub trend: Option<f64>,
    /// When the target is reached at that trend.
    pub projected: Projection,
}

impl GoalPlan {
    /// The months as a [`Table`]: `month`, `planned`, `actual`, `low`,
    /// `high`, `n`, `status`.
    pub fn to_table(&self) -> Table {
        let m = &self.months;
        let f = |g: fn(&PlanMonth) -> Option<f64>| Column::F64(m.iter().map(g).collect());
        Table {
            columns: vec![
                (
                    "month".into(),
                    Column::U64(m.iter().map(|x| Some(u64::from(x.month))).collect()),
                ),
                ("planned".into(), f(|x| Some(x.planned))),
                ("actual".into(), f(|x| x.actual)),
                ("low".into(), f(|x| x.low)),
                ("high".into(), f(|x| x.high)),
                (
                    "n".into(),
                    Column::U64(m.iter().map(|x| Some(x.n)).collect()),
                ),
                (
                    "status".into(),
                    Column::Str(m.iter().map(|x| Some(x.status.name().into())).collect()),
                ),
            ],
            n_keys: 1,
            period: None,
        }
    }
}

/// The longest goal horizon [`track`] accepts, in months (100 years): the
/// planned path has one value per month.
pub const MAX_MONTHS: u32 = 1200;

/// Options of [`track`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GoalOptions {
    /// Confidence level of the last change's test, of the minimum
    /// detectable change and of the plan's intervals (default
    /// [`DEFAULT_CONFIDENCE`], 0.95).
    pub confidence: f64,
    /// The month the plan started, as an index of the history (default
    /// `None`: no plan tracking, [`GoalReport::plan`] is `None`).
    pub plan_start: Option<usize>,
}

impl Default for GoalOptions {
    fn default() -> GoalOptions {
        GoalOptions {
            confidence: DEFAULT_CONFIDENCE,
            plan_start: None,
        }
    }
}

/// Tracks a goal over a monthly history of tallies (oldest first), to reach
/// `target` (points) in `months` months (1..=[`MAX_MONTHS`]).
///
/// ```
/// use nps_core::{goal, Tally};
/// let history = [
///     Tally::from_categories(20, 40, 140).unwrap(), // NPS 60
///     Tally::from_categories(30, 50, 120).unwrap(), // NPS 45
/// ];
/// let r = goal::track(&history, 65.0, 12, &goal::GoalOptions::default()).unwrap();
/// assert_eq!(r.current, 45.0);
/// assert_eq!(r.gap, 20.0);
/// assert!((r.monthly_step - 20.0 / 12.0).abs() < 1e-12);
/// assert_eq!(r.path.len(), 12);
/// assert_eq!(r.path[11], 65.0);
/// assert_eq!(r.last_change_significant, Some(true)); // 60 -> 45 at n = 200 is real
/// assert_eq!(r.step_detectable, Some(false)); // a 1.7-point monthly step is not visible
/// ```
///
/// Errors: [`Error::InvalidArgument`] for a target outside [−100, 100], or
/// `months` outside 1..=[`MAX_MONTHS`], or a confidence out of range;
/// [`Error::NoData`] for an empty history or an empty last month.
pub fn track(
    history: &[Tally],
    target: f64,
    months: u32,
    options: &GoalOptions,
) -> Result<GoalReport> {
    let confidence = options.confidence;
    if !(-100.0..=100.0).contains(&target) {
        return Err(Error::arg(
            "target",
            format!("must be an NPS in [-100, 100] points, got {target}"),
        ));
    }
    if !(1..=MAX_MONTHS).contains(&months) {
        return Err(Error::arg(
            "months",
            format!("must be in 1..={MAX_MONTHS}, got {months}"),
        ));
    }
    let z = z_value(confidence)?;
    let last = history.last().ok_or(Error::NoData {
        what: "goal tracking (empty history)",
    })?;
    let current = last.nps()?;
    let gap = target - current;
    let monthly_step = gap / f64::from(months);
    let path = (1..=months)
        .map(|k| {
            if k == months {
                target // exact, not current + months·step with rounding
            } else {
                current + monthly_step * f64::from(k)
            }
        })
        .collect();
    let previous = history
        .len()
        .checked_sub(2)
        .map(|i| &history[i])
        .filter(|t| !t.is_empty());
    let last_change = match previous {
        Some(prev) => Some(
            match compare(
                last,
                prev,
                &TestOptions {
                    confidence,
                    ..TestOptions::from(TestMethod::Wald)
                },
            ) {
                Err(Error::Degenerate { .. }) => compare(
                    last,
                    prev,
                    &TestOptions {
                        confidence,
                        ..TestOptions::from(TestMethod::default())
                    },
                )?,
                other => other?,
            },
        ),
        None => None,
    };
    let last_change_significant = last_change
        .as_ref()
        .map(|r| r.interval.low > 0.0 || r.interval.high < 0.0);
    let minimum_detectable_change = match previous {
        Some(prev) => {
            let se2 = last.se()?.powi(2) + prev.se()?.powi(2);
            Some(z * se2.sqrt())
        }
        None => None,
    };
    let step_detectable = minimum_detectable_change.map(|m| monthly_step.abs() >= m);
    let v = last.variance()?; // points²
    let n_per_month_to_detect_step = if monthly_step != 0.0 && v > 0.0 {
        let n = (2.0 * z * z * v / (monthly_step * monthly_step) - 1e-9).ceil();
        // A step so small that more than MAX_SAMPLE_SIZE responses would be
        // needed is undetectable: None, never a saturated u64::MAX.
        (n <= MAX_SAMPLE_SIZE as f64).then_some(n as u64)
    } else {
        None
    };
    let actuals: Vec<Option<f64>> = history
        .iter()
        .map(|t| (!t.is_empty()).then(|| t.nps()).transpose())
        .collect::<Result<_>>()?;
    let (trend, line_last) = least_squares(&actuals);
    let projected_months = projected_months(current, target, trend, line_last);
    let plan = options
        .plan_start
        .map(|start| plan(history, target, months, start, z, confidence))
        .transpose()?;
    Ok(GoalReport {
        current,
        target,
        gap,
        months,
        monthly_step,
        path,
        last_change,
        last_change_significant,
        minimum_detectable_change,
        step_detectable,
        n_per_month_to_detect_step,
        actuals,
        trend,
        projected_months,
        plan,
    })
}

/// The plan from `start` (see [`GoalPlan`]).
fn plan(
    history: &[Tally],
    target: f64,
    months: u32,
    start: usize,
    z: f64,
    confidence: f64,
) -> Result<GoalPlan> {
    if start >= history.len() {
        return Err(Error::arg(
            "plan_start",
            format!(
                "{start} is not a month of the history (0..={})",
                history.len() - 1
            ),
        ));
    }
    let since = &history[start..];
    if since.len() > MAX_MONTHS as usize + 1 {
        return Err(Error::arg(
            "plan_start",
            format!("more than {MAX_MONTHS} months since the plan start"),
        ));
    }
    let first = &since[0];
    if first.is_empty() {
        return Err(Error::arg(
            "plan_start",
            format!("month {start} of the history has no responses: the plan starts from its NPS"),
        ));
    }
    let v0 = first.nps()?;
    let step = (target - v0) / f64::from(months);
    let method = IntervalMethod::default();
    let mut rows = Vec::with_capacity(since.len());
    // (month, NPS, sampling variance of the NPS) of the months with responses
    let mut points: Vec<(f64, f64, f64)> = Vec::new();
    for (k, t) in since.iter().enumerate() {
        // k <= MAX_MONTHS (checked above)
        let k = k as u32;
        let planned = if k >= months {
            target
        } else {
            v0 + step * f64::from(k)
        };
        let n = t.n();
        let row = if t.is_empty() {
            PlanMonth {
                month: k,
                planned,
                actual: None,
                low: None,
                high: None,
                n,
                status: PlanStatus::NoData,
            }
        } else {
            let y = t.nps()?;
            let ci = t.interval(&method, confidence)?;
            points.push((f64::from(k), y, t.se()?.powi(2)));
            let status = if ci.low > planned {
                PlanStatus::Ahead
            } else if ci.high < planned {
                PlanStatus::Behind
            } else {
                PlanStatus::OnTrack
            };
            PlanMonth {
                month: k,
                planned,
                actual: Some(y),
                low: Some(ci.low),
                high: Some(ci.high),
                n,
                status,
            }
        };
        rows.push(row);
    }
    let last = (since.len() - 1) as u32;
    let current = rows[rows.len() - 1].actual;
    let (trend, projected) = project(&points, target, last, current, z);
    Ok(GoalPlan {
        start,
        start_value: v0,
        due: months,
        months: rows,
        trend,
        projected,
    })
}

/// The trend through `points` (month, NPS, variance) and the month the
/// target is reached: ordinary least squares, each month weighted equally;
/// the interval of the crossing month by Fieller's method with the
/// months' sampling variances (the coefficients' covariance is
/// `Σ wᵢ wⱼ var_i` of their linear weights), at the quantile `z`.
fn project(
    points: &[(f64, f64, f64)],
    target: f64,
    last: u32,
    current: Option<f64>,
    z: f64,
) -> (Option<f64>, Projection) {
    let none = |status| Projection {
        status,
        month: None,
        low: None,
        high: None,
    };
    let reached = current.is_some_and(|c| c >= target);
    if points.len() < 2 {
        let p = if reached {
            Projection {
                month: Some(last),
                ..none(ProjectionStatus::Reached)
            }
        } else {
            none(ProjectionStatus::NoTrend)
        };
        return (None, p);
    }
    let m = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / m;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / m;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    // sxx > 0: at least two distinct months.
    let c = |x: f64| (x - mean_x) / sxx; // weight of y at x in the slope
    let b: f64 = points.iter().map(|p| c(p.0) * p.1).sum();
    let a = mean_y - b * mean_x; // the line at month 0
    if reached {
        return (
            Some(b),
            Projection {
                month: Some(last),
                ..none(ProjectionStatus::Reached)
            },
        );
    }
    if b <= 0.0 {
        return (Some(b), none(ProjectionStatus::NotReachable));
    }
    let x = (target - a) / b;
    let next = f64::from(last) + 1.0;
    let month_of = |x: f64| (x - 1e-9).ceil().max(next);
    let k = month_of(x);
    if k > f64::from(MAX_MONTHS) {
        return (Some(b), none(ProjectionStatus::NotReachable));
    }
    // Var(b), Var(a), Cov(a, b) from the sampling variances.
    let (mut vb, mut va, mut cab) = (0.0, 0.0, 0.0);
    for &(xi, _, v) in points {
        let wb = c(xi);
        let wa = 1.0 / m - mean_x * wb;
        vb += wb * wb * v;
        va += wa * wa * v;
        cab += wa * wb * v;
    }
    let z2 = z * z;
    let qa = b * b - z2 * vb;
    let qb = 2.0 * ((a - target) * b - z2 * cab);
    let qc = (a - target).powi(2) - z2 * va;
    let (low, high) = if qa > 0.0 {
        // The crossing month satisfies the inequality, so the roots are real.
        let disc = (qb * qb - 4.0 * qa * qc).max(0.0).sqrt();
        let (r1, r2) = ((-qb - disc) / (2.0 * qa), (-qb + disc) / (2.0 * qa));
        let hi = month_of(r2);
        (
            month_of(r1) as u32,
            (hi <= f64::from(MAX_MONTHS)).then_some(hi as u32),
        )
    } else {
        // The slope is within noise of 0: the target may never be reached.
        (next as u32, None)
    };
    (
        Some(b),
        Projection {
            status: ProjectionStatus::Projected,
            month: Some(k as u32),
            low: Some(low),
            high,
        },
    )
}

/// Slope of the least-squares line through `(i, y_i)` for the months `i`
/// with a value, and the line's value at the last month of the history;
/// `(None, None)` with fewer than two such months.
fn least_squares(values: &[Option<f64>]) -> (Option<f64>, Option<f64>) {
    let points: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|y| (i as f64, y)))
        .collect();
    if points.len() < 2 {
        return (None, None);
    }
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let slope = sxy / sxx; // sxx > 0: at least two distinct month indexes
    let last = (values.len() - 1) as f64;
    (Some(slope), Some(mean_y + slope * (last - mean_x)))
}

/// See [`GoalReport::projected_months`].
fn projected_months(
    current: f64,
    target: f64,
    trend: Option<f64>,
    line_last: Option<f64>,
) -> Option<u32> {
    if current >= target {
        return Some(0);
    }
    let (slope, base) = (trend?, line_last?);
    if slope <= 0.0 {
        return None;
    }
    // Tolerance: a step landing on the target up to rounding counts.
    let k = ((target - base) / slope - 1e-9).ceil().max(1.0);
    (k <= f64::from(MAX_MONTHS)).then_some(k as u32)
}

// GOAL_API_COMPLETE

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mdc_and_required_n_by_hand() {
        // Both months: 50 promoters, 30 passives, 20 detractors of 100:
        // V = .7 - .09 = .61 -> 6100 points²; SE² = 61 per month.
        let t = Tally::from_categories(20, 30, 50).unwrap();
        let r = track(&[t, t], 40.0, 10, &GoalOptions::default()).unwrap();
        let z = 1.959963984540054;
        assert!((r.minimum_detectable_change.unwrap() - z * (122.0f64).sqrt()).abs() < 1e-9);
        assert_eq!(r.monthly_step, 1.0);
        // n = 2 · 3.8414588207 · 6100 / 1² = 46865.8976 -> 46866
        assert_eq!(r.n_per_month_to_detect_step, Some(46866));
        assert_eq!(r.last_change.unwrap().difference, 0.0);
        assert_eq!(r.last_change_significant, Some(false));
    }

    #[test]
    fn actuals_trend_and_projection_by_hand() {
        // NPS 10, (empty), 20, 40 at months 0, 2, 3 (the empty month is
        // left out of the fit): mean x = 5/3, mean y = 70/3;
        // sxx = 25/9 + 1/9 + 16/9 = 42/9, sxy = (-5/3)(-40/3) + (1/3)(-10/3)
        // + (4/3)(50/3) = (200 - 10 + 200)/9 = 390/9 -> slope 390/42 = 65/7.
        // Line at month 3: 70/3 + 65/7 * 4/3 = (490 + 260)/21 = 250/7.
        // Target 60: (60 - 250/7) / (65/7) = 170/65 = 2.615... -> month 3.
        let h = [
            Tally::from_categories(40, 10, 50).unwrap(),
            Tally::default(),
            Tally::from_categories(30, 20, 50).unwrap(),
            Tally::from_categories(20, 20, 60).unwrap(),
        ];
        let r = track(&h, 60.0, 10, &GoalOptions::default()).unwrap();
        assert_eq!(r.actuals, vec![Some(10.0), None, Some(20.0), Some(40.0)]);
        assert!((r.trend.unwrap() - 65.0 / 7.0).abs() < 1e-12);
        assert_eq!(r.projected_months, Some(3));
        // Already at the target: month 0; falling trend: no projection.
        let r = track(&h, 40.0, 10, &GoalOptions::default()).unwrap();
        assert_eq!(r.projected_months, Some(0));
        let down = [h[3], h[0]];
        let r = track(&down, 60.0, 10, &GoalOptions::default()).unwrap();
        assert_eq!(r.trend, Some(-30.0));
        assert_eq!(r.projected_months, None);
        // One month: no trend, no projection.
        let r = track(&h[..1], 60.0, 10, &GoalOptions::default()).unwrap();
        assert_eq!((r.trend, r.projected_months), (None, None));
        // Exactly on the line: 0 -> 10 -> 20, target 50 at month 3 from the last.
        let t = |d, p| Tally::from_categories(d, 100 - d - p, p).unwrap();
        let r = track(
            &[t(40, 40), t(35, 45), t(30, 50)],
            50.0,
            10,
            &GoalOptions::default(),
        );
        assert_eq!(r.unwrap().projected_months, Some(3));
        // A trend so slow the target is beyond MAX_MONTHS: None. NPS 0, 0,
        // 0, 0.1 of 1000 answers: slope 0.03, line at the last month 0.07,
        // (100 - 0.07) / 0.03 = 3331 months > 1200.
        let k = |d| Tally::from_categories(d, 600 - d, 400).unwrap();
        let r = track(
            &[k(400), k(400), k(400), k(399)],
            100.0,
            12,
            &GoalOptions::default(),
        );
        let r = r.unwrap();
        assert!((r.trend.unwrap() - 0.03).abs() < 1e-12);
        assert_eq!(r.projected_months, None);
    }

    #[test]
    fn one_month_and_errors() {
        let t = Tally::from_categories(0, 0, 10).unwrap();
        let r = track(&[t], 100.0, 3, &GoalOptions::default()).unwrap();
        assert_eq!(r.gap, 0.0);
        assert!(r.last_change.is_none() && r.step_detectable.is_none());
        assert_eq!(r.n_per_month_to_detect_step, None);
        assert_eq!(
            track(&[], 65.0, 12, &GoalOptions::default())
                .unwrap_err()
                .kind(),
            crate::ErrorKind::NoData
        );
        assert!(track(&[t], 65.0, 0, &GoalOptions::default()).is_err());
        // Issue 10 (3): a size argument is bounded, not allocated.
        let e = track(&[t], 65.0, u32::MAX, &GoalOptions::default()).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
        assert_eq!(
            track(&[t], 65.0, MAX_MONTHS, &GoalOptions::default())
                .unwrap()
                .path
                .len(),
            1200
        );
        assert!(track(&[t], 165.0, 1, &GoalOptions::default()).is_err());
        // Issue 10 (6): a vanishing step needs "too many", never u64::MAX;
        // a confidence outside CONFIDENCE_RANGE is rejected.
        let mixed = Tally::from_categories(3, 4, 5).unwrap();
        let now = mixed.nps().unwrap();
        let r = track(&[mixed], now + 1e-9, MAX_MONTHS, &GoalOptions::default()).unwrap();
        assert_eq!(r.n_per_month_to_detect_step, None);
        let near_one = GoalOptions {
            confidence: 0.999_999_999_999_999_9,
            ..GoalOptions::default()
        };
        let e = track(&[mixed], 65.0, 12, &near_one).unwrap_err();
        assert_eq!(e.argument(), Some("confidence"));
        // All promoters both months: Wald is degenerate, adjusted Wald is used.
        let r = track(&[t, t], 100.0, 1, &GoalOptions::default()).unwrap();
        assert_eq!(r.last_change.unwrap().interval.method, "adjusted_wald");
    }
}
