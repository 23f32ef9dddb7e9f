//! Goal tracking over a monthly history of tallies.

use nps_core::goal::{track, GoalOptions};

use crate::ffi;
use crate::ffi::{FfiError, NpsStatus};
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
    /// Confidence level of the last change's test and of the minimum
    /// detectable change (default: `nps_default_confidence()`).
    pub confidence: f64,
}

impl NpsGoalOptions {
    fn to_core(self) -> GoalOptions {
        GoalOptions {
            confidence: self.confidence,
        }
    }

    fn default_value() -> NpsGoalOptions {
        NpsGoalOptions {
            confidence: GoalOptions::default().confidence,
        }
    }
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
