//! `nps.track_goal` and `nps.GoalReport` (`nps_core::goal`).

use crate::errors::Int;
use crate::errors::{invalid_argument, CoreResult};
use crate::names::repr_f64;
use crate::stats::PyTestResult;
use crate::tally::{PyTally, Sample};
use nps_core::goal::{track, GoalOptions, GoalReport};
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

/// Tracks a goal over a monthly history of tallies (oldest first): the gap,
/// the monthly path needed, and whether the last change is distinguishable
/// from noise at the observed sample sizes. `months` is 1..=1200;
/// `confidence` not given is nps-core's `GoalOptions::default()` (0.95).
///
/// >>> g = nps.track_goal([nps.Tally(30, 20, 50), nps.Tally(28, 20, 52)], target=65, months=12)
/// >>> g.target, g.months, g.gap
/// (65.0, 12, 41.0)
#[pyfunction]
#[pyo3(signature = (history, *, target, months, confidence = None))]
pub(crate) fn track_goal(
    history: &Bound<'_, PyAny>,
    target: f64,
    months: Int,
    confidence: Option<f64>,
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
            },
        )
        .py()?,
    })
}
