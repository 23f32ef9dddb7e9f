//! The scorecard status of a KPI value against the policy's benchmarks
//! (`nps_core::kpi::scorecard`).

use std::ffi::c_char;

use nps_core::kpi::{self, Kpi, ScoreInput, ScoreLine, Status, TimeKpi, TimeMeasure, Unit};

use crate::ffi::{self, CEnum, FfiError, NpsStatus};
use crate::kpi::{NpsKpi, NpsTimeKpi};
use crate::policy::{policy_or_default, NpsPolicy};

/// Scorecard status. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsKpiStatus {
    /// Within the line's `[min, max]` (a time benchmark: at least the
    /// required share of visits within the per-visit standard).
    Meets = 0,
    /// Below `min` or above `max`.
    Misses = 1,
    /// The KPI has no value.
    NoData = 2,
    /// The policy has no benchmark of that name.
    NoBenchmark = 3,
}

c_enum!(NpsKpiStatus {
    Meets,
    Misses,
    NoData,
    NoBenchmark
});

impl From<Status> for NpsKpiStatus {
    fn from(s: Status) -> NpsKpiStatus {
        match s {
            Status::Meets => NpsKpiStatus::Meets,
            Status::Misses => NpsKpiStatus::Misses,
            Status::NoData => NpsKpiStatus::NoData,
            Status::NoBenchmark => NpsKpiStatus::NoBenchmark,
        }
    }
}

/// The unit of the value a benchmark judges (nps-core's `kpi::Unit`; the
/// time benchmarks judge a share of visits: `NPS_KPI_UNIT_FRACTION`).
/// Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsKpiUnit {
    /// A share, rate or ratio as a fraction (0.85 is 85 %).
    Fraction = 0,
    /// Minutes (a per-visit standard).
    Minutes = 1,
    /// Hours.
    Hours = 2,
    /// Money in minor units.
    MinorUnits = 3,
    /// Money in minor units per hour.
    MinorUnitsPerHour = 4,
    /// Visits per unit (visits per resolution).
    Visits = 5,
}

c_enum!(NpsKpiUnit {
    Fraction,
    Minutes,
    Hours,
    MinorUnits,
    MinorUnitsPerHour,
    Visits
});

impl From<Unit> for NpsKpiUnit {
    fn from(u: Unit) -> NpsKpiUnit {
        match u {
            Unit::Fraction => NpsKpiUnit::Fraction,
            Unit::Minutes => NpsKpiUnit::Minutes,
            Unit::Hours => NpsKpiUnit::Hours,
            Unit::MinorUnits => NpsKpiUnit::MinorUnits,
            Unit::MinorUnitsPerHour => NpsKpiUnit::MinorUnitsPerHour,
            Unit::Visits => NpsKpiUnit::Visits,
        }
    }
}

/// The stable name of an `NpsKpiUnit` (`"fraction"`, `"minutes"`,
/// `"hours"`, `"minor_units"`, `"minor_units_per_hour"`), or `"unknown"`.
/// Static: do not free.
#[no_mangle]
pub extern "C" fn nps_kpi_unit_name(unit: u32) -> *const c_char {
    ffi_value!(ffi::text::static_c_str("unknown"), {
        let name = match NpsKpiUnit::parse(unit, "unit") {
            Ok(NpsKpiUnit::Fraction) => Unit::Fraction.name(),
            Ok(NpsKpiUnit::Minutes) => Unit::Minutes.name(),
            Ok(NpsKpiUnit::Hours) => Unit::Hours.name(),
            Ok(NpsKpiUnit::MinorUnits) => Unit::MinorUnits.name(),
            Ok(NpsKpiUnit::MinorUnitsPerHour) => Unit::MinorUnitsPerHour.name(),
            Ok(NpsKpiUnit::Visits) => Unit::Visits.name(),
            Err(_) => "unknown",
        };
        ffi::text::static_c_str(name)
    })
}

/// The scorecard status of one KPI value against the benchmark named
/// `kpi` (NUL-terminated UTF-8) in `policy` (NULL = the default policy).
/// The value is in the unit the benchmark judges: for the time benchmarks
/// (`"reception_response_minutes"`, `"delivery_minutes"`) the share of
/// visits within the per-visit standard. `has_value == false` gives
/// `NPS_KPI_STATUS_NO_DATA`. The status is written to `status` as an
/// `NpsKpiStatus` value.
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
        // SAFETY: caller guarantee.
        let p = unsafe { policy_or_default(policy) }?;
        let line = kpi::scorecard(&[(name, has_value.then_some(value))], &p.benchmarks);
        let s = line.first().map_or(Status::NoData, |l| l.status);
        // SAFETY: checked by ffi::out.
        unsafe { out.write(NpsKpiStatus::from(s).to_u32()) };
        Ok(())
    })
}

/// A named time KPI of SPEC §6 (nps-core's `kpi::TimeMeasure`), whose
/// default target comes from a policy benchmark. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsTimeMeasure {
    /// Arrival → greeted by an advisor (`"reception_response_time"`,
    /// benchmark `"reception_response_minutes"`).
    ReceptionResponse = 0,
    /// Repair finished → customer leaves (`"delivery_time"`, benchmark
    /// `"delivery_minutes"`).
    Delivery = 1,
}

c_enum!(NpsTimeMeasure {
    ReceptionResponse,
    Delivery
});

fn time_measure(v: u32) -> Result<TimeMeasure, FfiError> {
    Ok(match NpsTimeMeasure::parse(v, "measure")? {
        NpsTimeMeasure::ReceptionResponse => TimeMeasure::ReceptionResponse,
        NpsTimeMeasure::Delivery => TimeMeasure::Delivery,
    })
}

/// The default target of a time KPI (an `NpsTimeMeasure`) in seconds: the
/// per-visit standard (the maximum) of its benchmark in `policy` (NULL =
/// the default policy), for
/// the `target_seconds` of `nps_kpi_time*`. A policy without that
/// benchmark (or without a maximum) is `NPS_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `policy` NULL or a live handle; `target_seconds` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_time_target(
    policy: *const NpsPolicy,
    measure: u32,
    target_seconds: *mut i64,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(target_seconds, "target_seconds")?;
        let m = time_measure(measure)?;
        // SAFETY: caller guarantee.
        let p = unsafe { policy_or_default(policy) }?;
        let t = m.target_seconds(&p.benchmarks)?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(t) };
        Ok(())
    })
}

/// The stable name of an `NpsTimeMeasure` (`"reception_response_time"`,
/// `"delivery_time"`), or `"unknown"`. Static: do not free.
#[no_mangle]
pub extern "C" fn nps_time_measure_name(measure: u32) -> *const c_char {
    ffi_value!(ffi::text::static_c_str("unknown"), {
        let name = time_measure(measure).map_or("unknown", TimeMeasure::name);
        ffi::text::static_c_str(name)
    })
}

/// The name of the policy benchmark of an `NpsTimeMeasure`
/// (`"reception_response_minutes"`, `"delivery_minutes"`), or
/// `"unknown"`. Static: do not free.
#[no_mangle]
pub extern "C" fn nps_time_measure_benchmark(measure: u32) -> *const c_char {
    ffi_value!(ffi::text::static_c_str("unknown"), {
        let name = time_measure(measure).map_or("unknown", TimeMeasure::benchmark);
        ffi::text::static_c_str(name)
    })
}

/// One line of a scorecard (nps-core's `kpi::ScoreLine`): the value judged
/// and the bounds it was judged against. Optional values have a `has_`
/// flag; when the flag is false the value is 0 and must be ignored.
///
/// A time benchmark (`"reception_response_minutes"`, `"delivery_minutes"`)
/// is a per-visit standard: `value` is the share of visits within
/// `standard_minutes` (a fraction), `min` the share required (default 0.9)
/// and `max` unset.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsScoreLine {
    /// An `NpsKpiStatus`.
    pub status: u32,
    /// Whether `value` is set (false: no data).
    pub has_value: bool,
    /// The value judged, in `unit` (a rate's value, a time KPI's share of
    /// visits within target, or the plain value).
    pub value: f64,
    /// Whether the policy has a benchmark of that name.
    pub has_benchmark: bool,
    /// Whether `min` is set.
    pub has_min: bool,
    /// The lowest acceptable value (inclusive; a time benchmark's required
    /// share of visits within the standard).
    pub min: f64,
    /// Whether `max` is set.
    pub has_max: bool,
    /// The highest acceptable value (inclusive).
    pub max: f64,
    /// Whether `unit` is set (false: the name is not a benchmark name).
    pub has_unit: bool,
    /// The unit of `value`, `min` and `max`: an `NpsKpiUnit`.
    pub unit: u32,
    /// Whether `standard_minutes` is set (a time benchmark).
    pub has_standard: bool,
    /// A time benchmark's per-visit standard in minutes (3 for reception,
    /// 15 for delivery by default).
    pub standard_minutes: f64,
}

fn line_to_c(l: &ScoreLine) -> NpsScoreLine {
    let (min, max) = (l.min, l.max);
    NpsScoreLine {
        status: NpsKpiStatus::from(l.status).to_u32(),
        has_value: l.value.is_some(),
        value: l.value.unwrap_or(0.0),
        has_benchmark: l.benchmark.is_some(),
        has_min: min.is_some(),
        min: min.unwrap_or(0.0),
        has_max: max.is_some(),
        max: max.unwrap_or(0.0),
        has_unit: l.unit.is_some(),
        unit: l.unit.map_or(0, |u| NpsKpiUnit::from(u).to_u32()),
        has_standard: l.standard_minutes.is_some(),
        standard_minutes: l.standard_minutes.unwrap_or(0.0),
    }
}

pub(crate) fn kpi_from_c(k: &NpsKpi) -> Kpi {
    Kpi {
        value: k.has_value.then_some(k.value),
        numerator: k.numerator,
        denominator: k.denominator,
        coverage: k.has_coverage.then_some(k.coverage),
    }
}

/// Judges `input` against the benchmark `kpi_name` of `policy` by the
/// rules of nps-core's `kpi::ScoreInput`.
///
/// # Safety
/// As the exported scorecard functions.
unsafe fn score_line(
    policy: *const NpsPolicy,
    kpi_name: *const c_char,
    input: impl FnOnce() -> Result<ScoreInput, FfiError>,
    out: *mut NpsScoreLine,
) -> Result<(), FfiError> {
    let out = ffi::out(out, "out")?;
    // SAFETY: caller guarantee.
    let name = unsafe { ffi::text(kpi_name, "kpi_name", None) }?;
    // SAFETY: caller guarantee.
    let p = unsafe { policy_or_default(policy) }?;
    let lines = kpi::scorecard_of(&[(name, input()?)], &p.benchmarks)?;
    let line = lines
        .first()
        .ok_or_else(|| FfiError::arg("kpi_name", "no scorecard line"))?;
    // SAFETY: checked by ffi::out.
    unsafe { out.write(line_to_c(line)) };
    Ok(())
}

/// The scorecard line of a rate KPI (judged by its value) against the
/// benchmark named `kpi_name` in `policy` (NULL = the default policy).
///
/// # Safety
///
/// `policy` NULL or a live handle; `kpi_name` a NUL-terminated string;
/// `kpi` readable; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_scorecard_rate(
    policy: *const NpsPolicy,
    kpi_name: *const c_char,
    kpi: *const NpsKpi,
    out: *mut NpsScoreLine,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        unsafe {
            score_line(
                policy,
                kpi_name,
                || Ok(ScoreInput::Rate(kpi_from_c(ffi::reference(kpi, "kpi")?))),
                out,
            )
        }
    })
}

/// The scorecard line of a time KPI, judged by its **share of visits
/// within target** (`time->within_target`; the time benchmarks are
/// per-visit standards, never judged by the mean), against the benchmark
/// named `kpi_name` in `policy` (NULL = the default policy). Against a time
/// benchmark, `time->target_seconds` must be its per-visit standard
/// (`nps_kpi_time_target`); another target is
/// `NPS_STATUS_INVALID_ARGUMENT` naming `target_seconds`.
///
/// # Safety
///
/// As `nps_kpi_scorecard_rate`, with `time` readable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_scorecard_time(
    policy: *const NpsPolicy,
    kpi_name: *const c_char,
    time: *const NpsTimeKpi,
    out: *mut NpsScoreLine,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        unsafe {
            score_line(
                policy,
                kpi_name,
                || {
                    let t = ffi::reference(time, "time")?;
                    let stat = |v: f64| t.has_stats.then_some(v);
                    Ok(ScoreInput::Time(TimeKpi {
                        n: t.n,
                        mean: stat(t.mean),
                        median: stat(t.median),
                        p90: stat(t.p90),
                        target_seconds: t.target_seconds,
                        within_target: kpi_from_c(&t.within_target),
                    }))
                },
                out,
            )
        }
    })
}

/// The scorecard line of a plain value already in the benchmark's unit
/// (`has_value == false`: no data) against the benchmark named `kpi_name`
/// in `policy` (NULL = the default policy).
///
/// # Safety
///
/// `policy` NULL or a live handle; `kpi_name` a NUL-terminated string;
/// `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_scorecard_value(
    policy: *const NpsPolicy,
    kpi_name: *const c_char,
    has_value: bool,
    value: f64,
    out: *mut NpsScoreLine,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        unsafe {
            score_line(
                policy,
                kpi_name,
                || Ok(ScoreInput::Value(has_value.then_some(value))),
                out,
            )
        }
    })
}
