//! Service KPIs (SPEC §6) over arrays: first-time fix / comeback, bay
//! utilization, technician figures, time KPIs, rates and the scorecard.
//! Every rule lives in `nps_core::kpi`; this file converts and checks
//! pointers. Flags cross as `uint8_t` 0/1 (any other value is
//! `NPS_STATUS_INVALID_VALUE` with its row). Timestamps are Unix seconds.

use nps_core::group::Keys;
use nps_core::kpi::{self, ComebackOptions, Grouping, Jobs, Kpi, Status, TimeKpi};
use nps_core::Error;

use crate::calendar::{calendar_ref, NpsCalendar};
use crate::error::{FfiError, NpsStatus};
use crate::ffi;
use crate::policy::{policy_ref, NpsPolicy};

/// A KPI result. `has_value` is false ("no data") when the denominator is
/// 0; `value` is then 0 and must be ignored. `has_coverage` is false when
/// there were no input rows.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsKpi {
    /// Whether `value` is set.
    pub has_value: bool,
    /// `numerator / denominator`.
    pub value: f64,
    /// Numerator (count, hours or minor units).
    pub numerator: f64,
    /// Denominator.
    pub denominator: f64,
    /// Whether `coverage` is set.
    pub has_coverage: bool,
    /// Share of the input rows that entered the KPI, 0..=1.
    pub coverage: f64,
}

fn kpi_to_c(k: &Kpi) -> NpsKpi {
    NpsKpi {
        has_value: k.value.is_some(),
        value: k.value.unwrap_or(0.0),
        numerator: k.numerator,
        denominator: k.denominator,
        has_coverage: k.coverage.is_some(),
        coverage: k.coverage.unwrap_or(0.0),
    }
}

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

fn time_to_c(t: &TimeKpi) -> NpsTimeKpi {
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

/// Scorecard status. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsKpiStatus {
    /// Within the benchmark's `[min, max]`.
    Meets = 0,
    /// Below `min` or above `max`.
    Misses = 1,
    /// The KPI has no value.
    NoData = 2,
    /// The policy has no benchmark of that name.
    NoBenchmark = 3,
}

fn to_flags(v: &[u8], name: &'static str) -> Result<Vec<bool>, FfiError> {
    v.iter()
        .enumerate()
        .map(|(i, &b)| match b {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Error::InvalidValue {
                name: name.into(),
                index: i,
                reason: format!("a flag must be 0 or 1, got {b}"),
            }
            .into()),
        })
        .collect()
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
/// reception response (arrival → greeted, target 180 s by default policy)
/// or delivery (finished → left, 900 s).
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

/// First-time-fix rate (`comeback = false`) or comeback rate (`true`) over
/// `len` jobs: vehicle ids, complaint keys (NULL = any return visit of the
/// vehicle counts), opened / closed instants. A job came back when the
/// same vehicle and key was opened again no later than `window_seconds`
/// after it closed (inclusive; 2592000 = 30 days). With `has_as_of`, jobs
/// whose window is not over at `as_of` are left out
/// (`exclude_incomplete`) or counted as fixed; coverage = jobs judged / jobs.
///
/// # Safety
///
/// Arrays NULL (with `len == 0`; `complaints` may always be NULL) or
/// readable for `len` values; `out` writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_kpi_first_time_fix(
    vehicles: *const u64,
    complaints: *const u64,
    opened: *const i64,
    closed: *const i64,
    len: usize,
    window_seconds: i64,
    has_as_of: bool,
    as_of: i64,
    exclude_incomplete: bool,
    comeback: bool,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (v, c, o, cl) = unsafe {
            (
                ffi::slice(vehicles, len, "vehicles")?,
                ffi::opt_slice(complaints, len, "complaints")?,
                ffi::slice(opened, len, "opened")?,
                ffi::slice(closed, len, "closed")?,
            )
        };
        let jobs = Jobs {
            vehicles: Keys::U64(v),
            complaints: c.map(Keys::U64),
            opened: o,
            closed: cl,
        };
        let opts = ComebackOptions {
            window_seconds,
            as_of: has_as_of.then_some(as_of),
            exclude_incomplete,
        };
        let g = Grouping::default();
        let t = if comeback {
            kpi::comeback_rate(&jobs, &opts, &g)?
        } else {
            kpi::first_time_fix_rate(&jobs, &opts, &g)?
        };
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&t.overall)) };
        Ok(())
    })
}

/// Bay utilization: occupied repair hours (`len` rows; `repair_bay` 0/1
/// per row, NULL = every row is a repair bay) / (`repair_bays` × open
/// hours of `calendar` in `[from, to)`, holidays and make-up days
/// included).
///
/// # Safety
///
/// `occupied_hours` NULL (with `len == 0`) or readable for `len` values;
/// `repair_bay` NULL or readable for `len` values; `calendar` a live handle;
/// `out` writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_kpi_bay_utilization(
    occupied_hours: *const f64,
    repair_bay: *const u8,
    len: usize,
    repair_bays: u32,
    calendar: *const NpsCalendar,
    from: i64,
    to: i64,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (occ, rb, cal) = unsafe {
            (
                ffi::slice(occupied_hours, len, "occupied_hours")?,
                ffi::opt_slice(repair_bay, len, "repair_bay")?,
                calendar_ref(calendar)?,
            )
        };
        let rb = rb.map(|r| to_flags(r, "repair_bay")).transpose()?;
        let k = kpi::bay_utilization(occ, rb.as_deref(), repair_bays, cal, from, to)?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&k)) };
        Ok(())
    })
}

/// Technician efficiency (SRT hours / hours worked on jobs with an SRT),
/// productivity (hours worked / `available_hours`) and proficiency (SRT
/// hours / `available_hours`) over `len` completed jobs. `has_srt[i] == 0`
/// marks a job without a standard time (`srt_hours[i]` is then ignored);
/// `has_srt` NULL means every job has one. Any of the three out pointers
/// may be NULL.
///
/// # Safety
///
/// Arrays NULL (with `len == 0`; `has_srt` may always be NULL) or readable
/// for `len` values; non-NULL outs writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_kpi_technician(
    worked_hours: *const f64,
    srt_hours: *const f64,
    has_srt: *const u8,
    len: usize,
    available_hours: f64,
    efficiency: *mut NpsKpi,
    productivity: *mut NpsKpi,
    proficiency: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let outs = (
            ffi::opt_out(efficiency, "efficiency")?,
            ffi::opt_out(productivity, "productivity")?,
            ffi::opt_out(proficiency, "proficiency")?,
        );
        // SAFETY: caller guarantee.
        let (w, s, h) = unsafe {
            (
                ffi::slice(worked_hours, len, "worked_hours")?,
                ffi::slice(srt_hours, len, "srt_hours")?,
                ffi::opt_slice(has_srt, len, "has_srt")?,
            )
        };
        let h = h.map(|h| to_flags(h, "has_srt")).transpose()?;
        let srt: Vec<Option<f64>> = s
            .iter()
            .enumerate()
            .map(|(i, &x)| h.as_ref().is_none_or(|h| h[i]).then_some(x))
            .collect();
        let f = kpi::technician_figures(w, &srt, available_hours)?;
        // SAFETY: checked by ffi::opt_out.
        unsafe {
            if let Some(o) = outs.0 {
                o.write(kpi_to_c(&f.efficiency));
            }
            if let Some(o) = outs.1 {
                o.write(kpi_to_c(&f.productivity));
            }
            if let Some(o) = outs.2 {
                o.write(kpi_to_c(&f.proficiency));
            }
        }
        Ok(())
    })
}

/// A rate: rows with `flags[i] == 1` / eligible rows (`eligible` NULL =
/// every row). Appointment fulfillment, pre-service inspection, repeat
/// visit, first-contact resolution and CSAT are rates of this form.
///
/// # Safety
///
/// `flags` NULL (with `len == 0`) or readable for `len` values; `eligible`
/// NULL or readable for `len` values; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_rate(
    flags: *const u8,
    eligible: *const u8,
    len: usize,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (f, e) = unsafe {
            (
                ffi::slice(flags, len, "flags")?,
                ffi::opt_slice(eligible, len, "eligible")?,
            )
        };
        let f = to_flags(f, "flags")?;
        let e = e.map(|e| to_flags(e, "eligible")).transpose()?;
        let t = kpi::rate(&f, e.as_deref(), &Grouping::default())?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&t.overall)) };
        Ok(())
    })
}

/// The scorecard status of one KPI value against the benchmark named
/// `kpi` (NUL-terminated UTF-8) in `policy` (NULL = the default policy).
/// `has_value == false` gives `NPS_KPI_STATUS_NO_DATA`. The status is
/// written to `status` as an `NpsKpiStatus` value.
///
/// # Safety
///
/// `policy` NULL or a live handle; `kpi_name` a NUL-terminated string;
/// `status` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_scorecard_status(
    policy: *const NpsPolicy,
    kpi_name: *const std::ffi::c_char,
    has_value: bool,
    value: f64,
    status: *mut u32,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(status, "status")?;
        // SAFETY: caller guarantee.
        let name = unsafe { ffi::text(kpi_name, "kpi_name", None) }?;
        let default;
        let p = if policy.is_null() {
            default = nps_core::policy::Policy::default();
            &default
        } else {
            // SAFETY: caller guarantee.
            unsafe { policy_ref(policy) }?
        };
        let line = kpi::scorecard(&[(name, has_value.then_some(value))], &p.benchmarks);
        let s = line.first().map_or(Status::NoData, |l| l.status);
        // SAFETY: checked by ffi::out.
        unsafe { out.write(s as u32) };
        Ok(())
    })
}
