//! Goal tracking over a monthly history of tallies.

use nps_core::goal::{track, GoalOptions, PlanStatus, ProjectionStatus};

use crate::ffi;
use crate::ffi::{CEnum, FfiError, NpsStatus};
use crate::stats::{test_result_to_c, NpsTestResult};
use crate::tally::NpsTally;

/// The answer of `nps_goal_track`. Each optional value has a `has_` flag;
/// when the flag is false the value is 0 / false and must be ignored.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsGoalReport {
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
    /// Whether `last_change` is set (needs two months, the earlier non-empty).
    pub has_last_change: bool,
    /// Last month against the month before (two-sided; Wald, or adjusted
    /// Wald when a month has zero variance).
    pub last_change: NpsTestResult,
    /// Whether `last_change_significant` is set.
    pub has_last_change_significant: bool,
    /// Whether the interval of the last change excludes 0.
    pub last_change_significant: bool,
    /// Whether `minimum_detectable_change` is set.
    pub has_minimum_detectable_change: bool,
    /// The smallest month-on-month change that would be significant at the
    /// last two months' sizes (points).
    pub minimum_detectable_change: f64,
    /// Whether `step_detectable` is set.
    pub has_step_detectable: bool,
    /// Whether `|monthly_step|` is at least the minimum detectable change.
    pub step_detectable: bool,
    /// Whether `n_per_month_to_detect_step` is set.
    pub has_n_per_month_to_detect_step: bool,
    /// Responses per month needed for a change of `|monthly_step|` to be
    /// significant.
    pub n_per_month_to_detect_step: u64,
    /// Whether `trend` is set (needs two months with responses).
    pub has_trend: bool,
    /// The trend of the history's monthly NPS in points per month: the
    /// slope of the least-squares line through the months with responses.
    pub trend: f64,
    /// Whether `projected_months` is set.
    pub has_projected_months: bool,
    /// The projected month of reaching the target at `trend`, counted from
    /// the last month of the history (0: `current` already reaches it).
    /// Unset when the trend does not rise or would take more than
    /// nps-core's `goal::MAX_MONTHS` months.
    pub projected_months: u32,
}

/// Options of `nps_goal_track` (nps-core's `goal::GoalOptions`). Start from
/// `nps_goal_options_default()`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsGoalOptions {
    /// Confidence level of the last change's test, of the minimum
    /// detectable change and of the plan's intervals (default:
    /// `nps_default_confidence()`).
    pub confidence: f64,
    /// Whether `plan_start` is set (default false: no plan tracking).
    pub has_plan_start: bool,
    /// The month the plan started, as an index of the history (read by
    /// `nps_goal_track_plan`).
    pub plan_start: usize,
}

impl NpsGoalOptions {
    fn to_core(self) -> GoalOptions {
        GoalOptions {
            confidence: self.confidence,
            plan_start: self.has_plan_start.then_some(self.plan_start),
        }
    }

    fn default_value() -> NpsGoalOptions {
        let d = GoalOptions::default();
        NpsGoalOptions {
            confidence: d.confidence,
            has_plan_start: d.plan_start.is_some(),
            plan_start: d.plan_start.unwrap_or(0),
        }
    }
}

/// Where a month stands against the plan. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsPlanStatus {
    /// The interval of the actual lies above the planned value.
    Ahead = 0,
    /// The interval of the actual contains the planned value.
    OnTrack = 1,
    /// The interval of the actual lies below the planned value.
    Behind = 2,
    /// No responses that month.
    NoData = 3,
}

c_enum!(NpsPlanStatus {
    Ahead,
    OnTrack,
    Behind,
    NoData
});

/// When the target is reached at the observed trend. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsProjectionStatus {
    /// The last month already reaches the target.
    Reached = 0,
    /// The trend line reaches the target in `projected_month`.
    Projected = 1,
    /// Not reachable at the current trend (it does not rise, or it would
    /// take more than nps-core's `goal::MAX_MONTHS` months).
    NotReachable = 2,
    /// Fewer than two months with responses since the plan start.
    NoTrend = 3,
}

c_enum!(NpsProjectionStatus {
    Reached,
    Projected,
    NotReachable,
    NoTrend
});

/// One month of the plan, filled by `nps_goal_track_plan`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsPlanMonth {
    /// Months since the plan start (0 = the plan-start month).
    pub month: u32,
    /// The planned NPS.
    pub planned: f64,
    /// Whether the month has responses (`actual`, `low`, `high` are set).
    pub has_actual: bool,
    /// The month's NPS.
    pub actual: f64,
    /// Lower bound of its interval (score interval).
    pub low: f64,
    /// Upper bound of its interval.
    pub high: f64,
    /// Responses that month.
    pub n: u64,
    /// An `NpsPlanStatus`.
    pub status: u32,
}

/// The plan against the actuals, filled by `nps_goal_track_plan`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsGoalPlan {
    /// The plan start (an index of the history).
    pub start: usize,
    /// The NPS of the plan-start month.
    pub start_value: f64,
    /// The month the target is due, counted from the plan start.
    pub due: u32,
    /// Months from the plan start to the last of the history (rows of
    /// `months`).
    pub month_count: usize,
    /// Whether `trend` is set (two months with responses since the start).
    pub has_trend: bool,
    /// Least-squares slope since the plan start, points per month.
    pub trend: f64,
    /// An `NpsProjectionStatus`.
    pub projection: u32,
    /// Whether `projected_month` is set (reached or projected).
    pub has_projected_month: bool,
    /// The month (since the plan start) the target is reached.
    pub projected_month: u32,
    /// Whether `projected_low` is set (projected only).
    pub has_projected_low: bool,
    /// Lower bound of the projected month's interval.
    pub projected_low: u32,
    /// Whether `projected_high` is set; false for a projection means the
    /// interval is unbounded (at the observed noise the target may never
    /// be reached).
    pub has_projected_high: bool,
    /// Upper bound of the projected month's interval.
    pub projected_high: u32,
}

/// The default goal options, converted from nps-core's
/// `GoalOptions::default()`.
#[no_mangle]
pub extern "C" fn nps_goal_options_default() -> NpsGoalOptions {
    ffi_value!(NpsGoalOptions::default_value(), {
        NpsGoalOptions::default_value()
    })
}

/// Tracks a goal: from `history` (`history_len` monthly tallies, oldest
/// first) and a `target` NPS to reach within `months` months (1 up to
/// nps-core's `goal::MAX_MONTHS`, else `NPS_STATUS_INVALID_ARGUMENT`), the
/// gap, the monthly step, and whether the last change and the step are
/// distinguishable from noise at the confidence of `options` (NULL =
/// `nps_goal_options_default()`).
///
/// The planned path (NPS at the end of each of the next `months` months)
/// is written to `path` when it is non-NULL: `path_len` must then be at
/// least `months` (else `NPS_STATUS_BUFFER_TOO_SMALL`) and the first
/// `months` entries are written. Pass `path = NULL, path_len = 0` to skip
/// it. `NPS_STATUS_NO_DATA` for an empty history or an empty last month.
///
/// # Safety
///
/// `history` must be NULL or readable for `history_len` tallies; `options`
/// NULL or valid; `out` NULL or writable; `path` NULL or writable for `path_len` values.
#[no_mangle]
pub unsafe extern "C" fn nps_goal_track(
    history: *const NpsTally,
    history_len: usize,
    target: f64,
    months: u32,
    options: *const NpsGoalOptions,
    out: *mut NpsGoalReport,
    path: *mut f64,
    path_len: usize,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        if path.is_null() && path_len > 0 {
            return Err(FfiError::null("path"));
        }
        if !path.is_null() && !path.is_aligned() {
            return Err(FfiError::Misaligned { name: "path" });
        }
        // SAFETY: caller guarantee on (history, history_len).
        let history = unsafe { ffi::slice(history, history_len, "history") }?
            .iter()
            .map(|t| t.to_core("history"))
            .collect::<Result<Vec<_>, _>>()?;
        // SAFETY: caller guarantee.
        let options =
            unsafe { ffi::options_or_default(options, |o: NpsGoalOptions| Ok(o.to_core())) }?;
        let r = track(&history, target, months, &options)?;
        if !path.is_null() && path_len < r.path.len() {
            return Err(FfiError::BufferTooSmall {
                name: "path",
                needed: r.path.len(),
                given: path_len,
                unit: "values",
            });
        }
        let report = NpsGoalReport {
            current: r.current,
            target: r.target,
            gap: r.gap,
            months: r.months,
            monthly_step: r.monthly_step,
            has_last_change: r.last_change.is_some(),
            last_change: r.last_change.as_ref().map_or(ZERO_TEST, test_result_to_c),
            has_last_change_significant: r.last_change_significant.is_some(),
            last_change_significant: r.last_change_significant.unwrap_or(false),
            has_minimum_detectable_change: r.minimum_detectable_change.is_some(),
            minimum_detectable_change: r.minimum_detectable_change.unwrap_or(0.0),
            has_step_detectable: r.step_detectable.is_some(),
            step_detectable: r.step_detectable.unwrap_or(false),
            has_n_per_month_to_detect_step: r.n_per_month_to_detect_step.is_some(),
            n_per_month_to_detect_step: r.n_per_month_to_detect_step.unwrap_or(0),
            has_trend: r.trend.is_some(),
            trend: r.trend.unwrap_or(0.0),
            has_projected_months: r.projected_months.is_some(),
            projected_months: r.projected_months.unwrap_or(0),
        };
        // SAFETY: out was checked; path is non-NULL, aligned and the caller
        // guarantees it is writable for path_len >= r.path.len() values.
        unsafe {
            if !path.is_null() {
                std::ptr::copy_nonoverlapping(r.path.as_ptr(), path, r.path.len());
            }
            out.write(report);
        }
        Ok(())
    })
}

const ZERO_TEST: NpsTestResult = NpsTestResult {
    difference: 0.0,
    se: 0.0,
    statistic: 0.0,
    p_value: 0.0,
    ln_p_value: 0.0,
    interval: crate::stats::NpsInterval {
        low: 0.0,
        high: 0.0,
        center: 0.0,
        confidence: 0.0,
        method: 0,
    },
    alternative: 0,
};

/// Tracks the plan of a goal (`nps_goal_track` with `options->plan_start`,
/// which must be set, else `NPS_STATUS_INVALID_ARGUMENT` naming
/// `plan_start`): the planned value of each month since the plan start on
/// the straight path from the plan-start month's NPS to `target` at
/// `months`, the actual with its interval and whether it is ahead, on
/// track or behind beyond noise, and the month the target is reached at
/// the observed trend with an interval, or "not reachable". The summary is
/// written to `*out`; the months to `months_out` (capacity `months_len`;
/// NULL with 0 = summary only). A `months_len` below `month_count` is
/// `NPS_STATUS_BUFFER_TOO_SMALL` (the summary is still written).
///
/// # Safety
///
/// As `nps_goal_track`; `out` NULL or writable; `months_out` NULL or
/// writable for `months_len` elements.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_goal_track_plan(
    history: *const NpsTally,
    history_len: usize,
    target: f64,
    months: u32,
    options: *const NpsGoalOptions,
    out: *mut NpsGoalPlan,
    months_out: *mut NpsPlanMonth,
    months_len: usize,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee on (history, history_len).
        let history = unsafe { ffi::slice(history, history_len, "history") }?
            .iter()
            .map(|t| t.to_core("history"))
            .collect::<Result<Vec<_>, _>>()?;
        // SAFETY: caller guarantee.
        let options =
            unsafe { ffi::options_or_default(options, |o: NpsGoalOptions| Ok(o.to_core())) }?;
        if options.plan_start.is_none() {
            return Err(FfiError::arg(
                "plan_start",
                "set options->has_plan_start and options->plan_start",
            ));
        }
        let r = track(&history, target, months, &options)?;
        let Some(plan) = r.plan else {
            return Err(FfiError::arg("plan_start", "no plan"));
        };
        let p = plan.projected;
        let summary = NpsGoalPlan {
            start: plan.start,
            start_value: plan.start_value,
            due: plan.due,
            month_count: plan.months.len(),
            has_trend: plan.trend.is_some(),
            trend: plan.trend.unwrap_or(0.0),
            projection: match p.status {
                ProjectionStatus::Reached => NpsProjectionStatus::Reached,
                ProjectionStatus::Projected => NpsProjectionStatus::Projected,
                ProjectionStatus::NotReachable => NpsProjectionStatus::NotReachable,
                ProjectionStatus::NoTrend => NpsProjectionStatus::NoTrend,
            }
            .to_u32(),
            has_projected_month: p.month.is_some(),
            projected_month: p.month.unwrap_or(0),
            has_projected_low: p.low.is_some(),
            projected_low: p.low.unwrap_or(0),
            has_projected_high: p.high.is_some(),
            projected_high: p.high.unwrap_or(0),
        };
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(summary) };
        if months_out.is_null() && months_len == 0 {
            return Ok(());
        }
        if months_len < plan.months.len() {
            return Err(FfiError::BufferTooSmall {
                name: "months_out",
                needed: plan.months.len(),
                given: months_len,
                unit: "months",
            });
        }
        // SAFETY: months_len >= the month count (checked); caller guarantee.
        let dst = unsafe { ffi::dst_slice(months_out, plan.months.len(), "months_out") }?;
        for (d, m) in dst.iter_mut().zip(&plan.months) {
            d.write(NpsPlanMonth {
                month: m.month,
                planned: m.planned,
                has_actual: m.actual.is_some(),
                actual: m.actual.unwrap_or(0.0),
                low: m.low.unwrap_or(0.0),
                high: m.high.unwrap_or(0.0),
                n: m.n,
                status: match m.status {
                    PlanStatus::Ahead => NpsPlanStatus::Ahead,
                    PlanStatus::OnTrack => NpsPlanStatus::OnTrack,
                    PlanStatus::Behind => NpsPlanStatus::Behind,
                    PlanStatus::NoData => NpsPlanStatus::NoData,
                }
                .to_u32(),
            });
        }
        Ok(())
    })
}
