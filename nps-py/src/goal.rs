//! `nps.track_goal` and `nps.GoalReport` (`nps_core::goal`).

use crate::errors::Int;
use crate::errors::{invalid_argument, CoreResult};
use crate::names::repr_f64;
use crate::stats::PyTestResult;
use crate::tally::{PyTally, Sample};
use nps_core::goal::{track, GoalOptions, GoalPlan, GoalReport, PlanMonth, Projection};
use nps_core::Tally;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// The answer of `track_goal`.
///
/// >>> g = nps.track_goal([nps.Tally(30, 20, 50), nps.Tally(28, 20, 52)], target=65, months=12)
/// >>> g.current, g.gap, round(g.monthly_step, 4)  # 52 - 28; 65 - 24; 41 / 12
/// (24.0, 41.0, 3.4167)
#[pyclass(frozen, module = "nps", name = "GoalReport")]
pub(crate) struct PyGoalReport {
    report: GoalReport,
}

#[pymethods]
impl PyGoalReport {
    /// NPS of the last month, in points.
    #[getter]
    fn current(&self) -> f64 {
        self.report.current
    }
    /// The target NPS.
    #[getter]
    fn target(&self) -> f64 {
        self.report.target
    }
    /// target - current.
    #[getter]
    fn gap(&self) -> f64 {
        self.report.gap
    }
    /// Months to reach the target.
    #[getter]
    fn months(&self) -> u32 {
        self.report.months
    }
    /// gap / months.
    #[getter]
    fn monthly_step(&self) -> f64 {
        self.report.monthly_step
    }
    /// Planned NPS at the end of each of the next `months` months.
    #[getter]
    fn path<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.report.path)
    }
    /// Last month against the month before, or None with fewer than two months.
    #[getter]
    fn last_change(&self) -> Option<PyTestResult> {
        self.report.last_change.map(PyTestResult::from)
    }
    /// Whether the last change's confidence interval excludes 0.
    #[getter]
    fn last_change_significant(&self) -> Option<bool> {
        self.report.last_change_significant
    }
    /// Smallest significant month-on-month change at the last two months' sizes.
    #[getter]
    fn minimum_detectable_change(&self) -> Option<f64> {
        self.report.minimum_detectable_change
    }
    /// Whether |monthly_step| >= minimum_detectable_change.
    #[getter]
    fn step_detectable(&self) -> Option<bool> {
        self.report.step_detectable
    }
    /// Responses per month needed for a change of |monthly_step| to be significant.
    #[getter]
    fn n_per_month_to_detect_step(&self) -> Option<u64> {
        self.report.n_per_month_to_detect_step
    }
    /// NPS of each month of the history, oldest first (None for a month without responses).
    #[getter]
    fn actuals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.report.actuals)
    }
    /// Trend of the actuals in points per month (least-squares slope over the
    /// months with responses), or None with fewer than two such months.
    #[getter]
    fn trend(&self) -> Option<f64> {
        self.report.trend
    }
    /// Projected month of reaching the target at `trend`, counted from the
    /// last month (0: already reached), or None when the trend does not get there.
    #[getter]
    fn projected_months(&self) -> Option<u32> {
        self.report.projected_months
    }
    /// The plan against the actuals (a `GoalPlan`) when `plan_start` was
    /// given, else None.
    #[getter]
    fn plan(&self) -> Option<PyGoalPlan> {
        self.report.plan.clone().map(PyGoalPlan)
    }

    fn __repr__(&self) -> String {
        let opt = |v: Option<f64>| v.map_or("None".into(), repr_f64);
        let optb = |v: Option<bool>| v.map_or("None", |b| if b { "True" } else { "False" });
        format!(
            "GoalReport(current={}, target={}, gap={}, months={}, monthly_step={}, last_change_significant={}, minimum_detectable_change={}, step_detectable={}, n_per_month_to_detect_step={})",
            repr_f64(self.report.current),
            repr_f64(self.report.target),
            repr_f64(self.report.gap),
            self.report.months,
            repr_f64(self.report.monthly_step),
            optb(self.report.last_change_significant),
            opt(self.report.minimum_detectable_change),
            optb(self.report.step_detectable),
            self.report
                .n_per_month_to_detect_step
                .map_or("None".into(), |n| n.to_string()),
        )
    }
}

/// One month of a goal plan: `month` (since the plan start, 0 = the start),
/// `planned`, `actual` (None without responses), `low`, `high` (its
/// interval), `n` and `status` ("ahead", "on_track", "behind" beyond noise
/// only, or "no_data").
///
/// >>> h = [nps.Tally(50, 30, 120), nps.Tally(20, 20, 160)]
/// >>> m = nps.track_goal(h, target=65, months=12, plan_start=0).plan.months[1]
/// >>> m.month, round(m.planned, 2), m.actual, m.status  # 35 -> 70 is beyond noise
/// (1, 37.5, 70.0, 'ahead')
#[pyclass(frozen, module = "nps", name = "PlanMonth")]
pub(crate) struct PyPlanMonth(PlanMonth);

#[pymethods]
impl PyPlanMonth {
    /// Months since the plan start (0 = the plan-start month).
    #[getter]
    fn month(&self) -> u32 {
        self.0.month
    }
    /// The planned NPS on the straight path to the target.
    #[getter]
    fn planned(&self) -> f64 {
        self.0.planned
    }
    /// The month's NPS, or None without responses.
    #[getter]
    fn actual(&self) -> Option<f64> {
        self.0.actual
    }
    /// Lower bound of the actual's interval (score interval).
    #[getter]
    fn low(&self) -> Option<f64> {
        self.0.low
    }
    /// Upper bound of the actual's interval.
    #[getter]
    fn high(&self) -> Option<f64> {
        self.0.high
    }
    /// Responses that month.
    #[getter]
    fn n(&self) -> u64 {
        self.0.n
    }
    /// "ahead", "on_track", "behind" or "no_data".
    #[getter]
    fn status(&self) -> &'static str {
        self.0.status.name()
    }

    fn __repr__(&self) -> String {
        let opt = |v: Option<f64>| v.map_or("None".into(), repr_f64);
        format!(
            "PlanMonth(month={}, planned={}, actual={}, low={}, high={}, n={}, status={:?})",
            self.0.month,
            repr_f64(self.0.planned),
            opt(self.0.actual),
            opt(self.0.low),
            opt(self.0.high),
            self.0.n,
            self.0.status.name()
        )
    }
}

/// When the target is reached at the observed trend: `status` ("reached",
/// "projected", "not_reachable" — the trend does not rise, or would take
/// more than 1200 months — or "no_trend"), `month` (since the plan start;
/// None unless reached or projected), and its interval `low`, `high`
/// (`high` None = unbounded: at the observed noise the target may never be
/// reached).
///
/// >>> h = [nps.Tally(40, 30, 130), nps.Tally(50, 30, 120)]  # 45, then 35
/// >>> nps.track_goal(h, target=65, months=12, plan_start=0).plan.projected
/// Projection(status="not_reachable", month=None, low=None, high=None)
#[pyclass(frozen, module = "nps", name = "Projection")]
pub(crate) struct PyProjection(Projection);

#[pymethods]
impl PyProjection {
    /// "reached", "projected", "not_reachable" or "no_trend".
    #[getter]
    fn status(&self) -> &'static str {
        self.0.status.name()
    }
    /// The month (since the plan start) the target is reached, or None.
    #[getter]
    fn month(&self) -> Option<u32> {
        self.0.month
    }
    /// Lower bound of the projected month, or None.
    #[getter]
    fn low(&self) -> Option<u32> {
        self.0.low
    }
    /// Upper bound of the projected month, or None (unbounded, or not projected).
    #[getter]
    fn high(&self) -> Option<u32> {
        self.0.high
    }

    fn __repr__(&self) -> String {
        let opt = |v: Option<u32>| v.map_or("None".into(), |x| x.to_string());
        format!(
            "Projection(status={:?}, month={}, low={}, high={})",
            self.0.status.name(),
            opt(self.0.month),
            opt(self.0.low),
            opt(self.0.high)
        )
    }
}

/// A goal plan against the actuals (`GoalReport.plan`): `months` (one
/// `PlanMonth` per month since the plan start), `projected` (a
/// `Projection`), `trend`, `start`, `start_value`, `due`; `to_pandas()`,
/// `to_polars()`, `to_arrow()` give the months as a table.
///
/// >>> h = [nps.Tally(40, 30, 130), nps.Tally(50, 30, 120), nps.Tally(45, 30, 125)]
/// >>> p = nps.track_goal(h, target=65, months=12, plan_start=1).plan
/// >>> [(m.month, round(m.planned, 2), m.actual, m.status) for m in p.months]
/// [(0, 35.0, 35.0, 'on_track'), (1, 37.5, 40.0, 'on_track')]
/// >>> p.projected.status, p.projected.month
/// ('projected', 6)
#[pyclass(frozen, module = "nps", name = "GoalPlan")]
pub(crate) struct PyGoalPlan(GoalPlan);

#[pymethods]
impl PyGoalPlan {
    /// The plan start (an index of the history).
    #[getter]
    fn start(&self) -> usize {
        self.0.start
    }
    /// The NPS of the plan-start month.
    #[getter]
    fn start_value(&self) -> f64 {
        self.0.start_value
    }
    /// The month the target is due, counted from the plan start.
    #[getter]
    fn due(&self) -> u32 {
        self.0.due
    }
    /// Every month from the plan start to the last of the history.
    #[getter]
    fn months(&self) -> Vec<PyPlanMonth> {
        self.0.months.iter().copied().map(PyPlanMonth).collect()
    }
    /// Least-squares slope since the plan start, points per month, or None.
    #[getter]
    fn trend(&self) -> Option<f64> {
        self.0.trend
    }
    /// When the target is reached at that trend.
    #[getter]
    fn projected(&self) -> PyProjection {
        PyProjection(self.0.projected)
    }

    fn __len__(&self) -> usize {
        self.0.months.len()
    }

    /// The months as columns for `nps/_table.py`.
    fn _table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::table::columns(py, self.0.to_table())
    }

    fn __repr__(&self) -> String {
        format!(
            "GoalPlan(start={}, start_value={}, due={}, months={}, projected={:?})",
            self.0.start,
            repr_f64(self.0.start_value),
            self.0.due,
            self.0.months.len(),
            self.0.projected.status.name()
        )
    }
}

/// Tracks a goal over a monthly history of tallies (oldest first): the gap,
/// the monthly path needed, and whether the last change is distinguishable
/// from noise at the observed sample sizes. `months` is 1..=1200;
/// `confidence` not given is nps-core's `GoalOptions::default()` (0.95).
/// `plan_start` (an index of the history: the month the plan started; not
/// given = no plan, nps-core's default) adds `GoalReport.plan`: month by
/// month the planned value on the straight path from that month's NPS to
/// `target` at `months`, the actual with its interval, ahead / on track /
/// behind beyond noise, and the projected month of reaching the target.
///
/// >>> g = nps.track_goal([nps.Tally(30, 20, 50), nps.Tally(28, 20, 52)], target=65, months=12)
/// >>> g.target, g.months, g.gap, g.plan
/// (65.0, 12, 41.0, None)
#[pyfunction]
#[pyo3(signature = (history, *, target, months, confidence = None, plan_start = None))]
pub(crate) fn track_goal(
    history: &Bound<'_, PyAny>,
    target: f64,
    months: Int,
    confidence: Option<f64>,
    plan_start: Option<usize>,
) -> PyResult<PyGoalReport> {
    let mut tallies: Vec<Tally> = Vec::new();
    for (i, item) in history.try_iter()?.enumerate() {
        let item = item?;
        let t = item
            .cast::<PyTally>()
            .map_err(|_| PyTypeError::new_err(format!("history[{i}] must be an nps.Tally")))?;
        match t.get().sample {
            Sample::Plain(t) => tallies.push(t),
            Sample::Weighted(_) => {
                return Err(invalid_argument(
                    "history",
                    format!("history[{i}] is weighted; goal tracking takes unweighted tallies"),
                ))
            }
        }
    }
    let months = u32::try_from(months.0).map_err(|_| {
        invalid_argument(
            "months",
            format!("must be an integer in 1..2**32, got {}", months.0),
        )
    })?;
    Ok(PyGoalReport {
        report: track(
            &tallies,
            target,
            months,
            &GoalOptions {
                confidence: confidence.unwrap_or(GoalOptions::default().confidence),
                plan_start: plan_start.or(GoalOptions::default().plan_start),
            },
        )
        .py()?,
    })
}
