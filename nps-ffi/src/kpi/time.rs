//! Time KPIs (`nps_core::kpi::time`): mean, median, p90 and the share
//! within a target of durations.

use nps_core::kpi::{self, Grouping, TimeKpi};

use crate::ffi::{self, NpsStatus};
use crate::kpi::{kpi_to_c, NpsKpi};

/// A time KPI. Without data (`n == 0`) `has_stats` is false and mean,
/// median and p90 are 0. Quantiles interpolate linearly (numpy's default).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsTimeKpi {
    /// Number of durations.
    pub n: u64,
    /// Whether mean, median and p90 are set.
    pub has_stats: bool,
    /// Mean, seconds.
    pub mean: f64,
    /// Median, seconds.
    pub median: f64,
    /// 90th percentile, seconds.
    pub p90: f64,
    /// The target, seconds (inclusive).
    pub target_seconds: i64,
    /// Durations within the target / durations.
    pub within_target: NpsKpi,
}

pub(crate) fn time_to_c(t: &TimeKpi) -> NpsTimeKpi {
    NpsTimeKpi {
        n: t.n,
        has_stats: t.mean.is_some(),
        mean: t.mean.unwrap_or(0.0),
        median: t.median.unwrap_or(0.0),
        p90: t.p90.unwrap_or(0.0),
        target_seconds: t.target_seconds,
        within_target: kpi_to_c(&t.within_target),
    }
}

/// Time KPI from `len` durations in seconds (each >= 0) and an inclusive
/// target. `NULL, 0` gives a result without data.
///
/// # Safety
///
/// `seconds` NULL (with `len == 0`) or readable for `len` values; `out`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_time_durations(
    seconds: *const i64,
    len: usize,
    target_seconds: i64,
    out: *mut NpsTimeKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let s = unsafe { ffi::slice(seconds, len, "seconds") }?;
        let t = kpi::time_kpi_durations(s, target_seconds, &Grouping::default())?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(time_to_c(&t.overall)) };
        Ok(())
    })
}

/// Time KPI from `start` / `end` timestamps (`end − start` per row; an end
/// before its start is `NPS_STATUS_INVALID_VALUE` naming the row), e.g.
/// reception response (arrival → greeted) or delivery (finished → left),
/// whose default targets come from the policy: `nps_kpi_time_target`.
///
/// # Safety
///
/// `start` and `end` NULL (with `len == 0`) or readable for `len` values;
/// `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_time(
    start: *const i64,
    end: *const i64,
    len: usize,
    target_seconds: i64,
    out: *mut NpsTimeKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (s, e) = unsafe {
            (
                ffi::slice(start, len, "start")?,
                ffi::slice(end, len, "end")?,
            )
        };
        let t = kpi::time_kpi(s, e, target_seconds, &Grouping::default())?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(time_to_c(&t.overall)) };
        Ok(())
    })
}
