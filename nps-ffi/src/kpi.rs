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
/// every row). Appointment fulfillment (kept / booked), pre-service
/// inspection (inspected / receptions), repeat visit (booked / follow-ups)
/// and first-contact resolution (`flags` = no further contact, `eligible` =
/// resolved) are exactly this rate in `nps_core`, so they have no separate
/// C function; CSAT from ratings is `nps_kpi_csat`.
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

// ---------------------------------------------------------------------------
// More KPIs over arrays: SRT catalog, labour rate, hours per RO, dedicated
// rates, grouped tables.

/// A writable caller array of `len` values (NULL only with `len == 0`).
///
/// # Safety
///
/// `ptr` NULL or writable for `len` values and not aliased meanwhile.
unsafe fn out_slice<'a, T>(
    ptr: *mut T,
    len: usize,
    name: &'static str,
) -> Result<&'a mut [T], FfiError> {
    if len == 0 {
        return Ok(&mut []);
    }
    ffi::check_ptr(ptr.cast_const(), name)?;
    if len
        .checked_mul(size_of::<T>())
        .is_none_or(|bytes| bytes > isize::MAX as usize)
    {
        return Err(FfiError::arg(name, format!("length {len} is too large")));
    }
    // SAFETY: non-NULL, aligned, size checked; the caller guarantees it is
    // writable for len values.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

/// Optional values: `values[i]` where `present` (0/1 flags, NULL = all
/// present) is 1, else none.
fn optional<T: Copy>(
    values: &[T],
    present: Option<&[u8]>,
    name: &'static str,
) -> Result<Vec<Option<T>>, FfiError> {
    let p = present.map(|p| to_flags(p, name)).transpose()?;
    Ok(values
        .iter()
        .enumerate()
        .map(|(i, &x)| p.as_ref().is_none_or(|p| p[i]).then_some(x))
        .collect())
}

/// A standard repair time (SRT, flat-rate) catalog: operation code → standard
/// hours. An opaque, immutable handle; create it with
/// `nps_srt_catalog_new` or `nps_srt_catalog_from_json`, release it with
/// `nps_srt_catalog_free` exactly once. Immutable, so threads may share it.
pub struct NpsSrtCatalog {
    inner: kpi::SrtCatalog,
}

/// # Safety
/// `c` NULL or a live handle.
unsafe fn catalog_ref<'a>(c: *const NpsSrtCatalog) -> Result<&'a kpi::SrtCatalog, FfiError> {
    // SAFETY: forwarded caller guarantee.
    Ok(&unsafe { ffi::reference(c, "catalog") }?.inner)
}

/// Builds a catalog from `len` operation codes (NUL-terminated UTF-8,
/// non-empty, unique) and their standard hours (finite, >= 0). A bad
/// element is `NPS_STATUS_INVALID_VALUE` (or `NULL_POINTER` /
/// `INVALID_UTF8`) naming its row. Writes a new handle to `*out`.
///
/// # Safety
///
/// `codes` and `hours` NULL (with `len == 0`) or readable for `len` values,
/// each code a NUL-terminated string; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_srt_catalog_new(
    codes: *const *const std::ffi::c_char,
    hours: *const f64,
    len: usize,
    out: *mut *mut NpsSrtCatalog,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (c, h) = unsafe {
            (
                crate::group::str_column(codes, len, "codes")?.unwrap_or_default(),
                ffi::slice(hours, len, "hours")?,
            )
        };
        if len > 0 && codes.is_null() {
            return Err(FfiError::null("codes"));
        }
        let cat = kpi::SrtCatalog::new(c.into_iter().zip(h.iter().copied()))?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(Box::into_raw(Box::new(NpsSrtCatalog { inner: cat }))) };
        Ok(())
    })
}

/// Builds a catalog from JSON text (`len` bytes of UTF-8, no NUL needed):
/// an object `{"WHEEL_ALIGN": 0.8, "OIL": 0.5}`. Writes a new handle to
/// `*out`.
///
/// # Safety
///
/// `json` NULL or readable for `len` bytes; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_srt_catalog_from_json(
    json: *const std::ffi::c_char,
    len: usize,
    out: *mut *mut NpsSrtCatalog,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let text = unsafe { crate::policy::json_text(json, len) }?;
        let cat = kpi::SrtCatalog::from_json(text)?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(Box::into_raw(Box::new(NpsSrtCatalog { inner: cat }))) };
        Ok(())
    })
}

/// Number of codes in the catalog; 0 for NULL.
///
/// # Safety
///
/// `catalog` NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nps_srt_catalog_len(catalog: *const NpsSrtCatalog) -> usize {
    ffi_value!(0, {
        // SAFETY: caller guarantee.
        unsafe { catalog_ref(catalog) }.map_or(0, kpi::SrtCatalog::len)
    })
}

/// Looks up `len` operation codes: `out_hours[i]` receives the standard
/// hours and `out_has_srt[i]` 1, or 0 and 0 for an unknown code. The
/// outputs feed `nps_kpi_technician` / `nps_kpi_hours_per_ro` directly.
///
/// # Safety
///
/// `catalog` a live handle; `codes` NULL (with `len == 0`) or readable for
/// `len` NUL-terminated strings; `out_hours` and `out_has_srt` writable
/// for `len` values.
#[no_mangle]
pub unsafe extern "C" fn nps_srt_catalog_lookup(
    catalog: *const NpsSrtCatalog,
    codes: *const *const std::ffi::c_char,
    len: usize,
    out_hours: *mut f64,
    out_has_srt: *mut u8,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        let cat = unsafe { catalog_ref(catalog) }?;
        // SAFETY: caller guarantee.
        let c = unsafe { crate::group::str_column(codes, len, "codes") }?.unwrap_or_default();
        if len > 0 && codes.is_null() {
            return Err(FfiError::null("codes"));
        }
        // SAFETY: caller guarantee.
        let (h, f) = unsafe {
            (
                out_slice(out_hours, len, "out_hours")?,
                out_slice(out_has_srt, len, "out_has_srt")?,
            )
        };
        for (i, v) in cat.lookup(&c).into_iter().enumerate() {
            h[i] = v.unwrap_or(0.0);
            f[i] = u8::from(v.is_some());
        }
        Ok(())
    })
}

/// Releases a catalog. NULL is accepted (and ignored).
///
/// # Safety
///
/// `catalog` NULL or a handle from this library not yet freed, used by no
/// other thread.
#[no_mangle]
pub unsafe extern "C" fn nps_srt_catalog_free(catalog: *mut NpsSrtCatalog) {
    ffi_value!((), {
        if !catalog.is_null() {
            // SAFETY: made by Box::into_raw here, freed once (caller).
            drop(unsafe { Box::from_raw(catalog) });
        }
    })
}

/// Pay type of labour sold. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsPayType {
    /// Paid by the customer.
    Customer = 0,
    /// Paid by the manufacturer under warranty.
    Warranty = 1,
    /// Internal work.
    Internal = 2,
}

/// Which hours `nps_kpi_hours_per_ro` counts. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsHoursBasis {
    /// SRT (flat-rate) hours sold; ROs without an SRT lower coverage.
    Srt = 0,
    /// Hours actually worked.
    Worked = 1,
}

/// Effective labour rate: labour sales (integer minor units of one
/// currency; the caller keeps the currency) / labour hours sold, over
/// `len` rows with a pay type each (`NpsPayType`; another value is
/// `NPS_STATUS_INVALID_VALUE` naming its row). `overall` (may be NULL)
/// receives the rate over every row; `by_pay_type` (may be NULL) an array
/// of 3 indexed by `NpsPayType`, a pay type without rows getting
/// `has_value = has_coverage = false`. Values are minor units per hour.
///
/// # Safety
///
/// Arrays NULL (with `len == 0`) or readable for `len` values; `overall`
/// NULL or writable; `by_pay_type` NULL or writable for 3 values.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_effective_labour_rate(
    sales_minor: *const i64,
    hours_sold: *const f64,
    pay_types: *const u32,
    len: usize,
    overall: *mut NpsKpi,
    by_pay_type: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let overall = ffi::opt_out(overall, "overall")?;
        // SAFETY: caller guarantee.
        let (s, h, p) = unsafe {
            (
                ffi::slice(sales_minor, len, "sales_minor")?,
                ffi::slice(hours_sold, len, "hours_sold")?,
                ffi::slice(pay_types, len, "pay_types")?,
            )
        };
        let by = if by_pay_type.is_null() {
            None
        } else {
            // SAFETY: caller guarantee (3 values).
            Some(unsafe { out_slice(by_pay_type, 3, "by_pay_type") }?)
        };
        let types = p
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                kpi::PayType::ALL
                    .into_iter()
                    .find(|t| *t as u32 == v)
                    .ok_or_else(|| Error::InvalidValue {
                        name: "pay_types".into(),
                        index: i,
                        reason: format!("unknown NpsPayType {v}"),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let r = kpi::effective_labour_rate(s, h, &types)?;
        if let Some(o) = overall {
            // SAFETY: checked by ffi::opt_out.
            unsafe { o.write(kpi_to_c(&r.overall)) };
        }
        if let Some(by) = by {
            let empty = kpi_to_c(&Kpi::ratio(0.0, 0.0, None));
            for (slot, t) in by.iter_mut().zip(kpi::PayType::ALL) {
                *slot = r
                    .by_pay_type
                    .iter()
                    .find(|(p, _)| *p == t)
                    .map_or(empty, |(_, k)| kpi_to_c(k));
            }
        }
        Ok(())
    })
}

/// Hours per repair order over `len` ROs: SRT hours (`has_srt[i] == 0`:
/// no SRT, `srt_hours[i]` ignored; `has_srt` NULL = every RO has one)
/// or hours worked, by `basis` (`NpsHoursBasis`). With the SRT basis ROs
/// without an SRT are left out of both sides (coverage).
///
/// # Safety
///
/// Arrays NULL (with `len == 0`; `has_srt` may always be NULL) or readable
/// for `len` values; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_hours_per_ro(
    srt_hours: *const f64,
    has_srt: *const u8,
    worked_hours: *const f64,
    len: usize,
    basis: u32,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        let basis = match basis {
            0 => kpi::HoursBasis::Srt,
            1 => kpi::HoursBasis::Worked,
            v => return Err(FfiError::arg("basis", format!("unknown NpsHoursBasis {v}"))),
        };
        // SAFETY: caller guarantee.
        let (s, h, w) = unsafe {
            (
                ffi::slice(srt_hours, len, "srt_hours")?,
                ffi::opt_slice(has_srt, len, "has_srt")?,
                ffi::slice(worked_hours, len, "worked_hours")?,
            )
        };
        let srt = optional(s, h, "has_srt")?;
        let k = kpi::hours_per_ro(&srt, w, basis)?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&k)) };
        Ok(())
    })
}

/// Ready when promised: ROs delivered by the promised instant (inclusive)
/// / ROs with a promise (`has_promise[i] == 0`: no promise, left out;
/// `has_promise` NULL = every RO has one).
///
/// # Safety
///
/// Arrays NULL (with `len == 0`; `has_promise` may always be NULL) or
/// readable for `len` values; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_ready_when_promised(
    delivered: *const i64,
    promised: *const i64,
    has_promise: *const u8,
    len: usize,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (d, p, h) = unsafe {
            (
                ffi::slice(delivered, len, "delivered")?,
                ffi::slice(promised, len, "promised")?,
                ffi::opt_slice(has_promise, len, "has_promise")?,
            )
        };
        let p = optional(p, h, "has_promise")?;
        let t = kpi::ready_when_promised(d, &p, &Grouping::default())?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&t.overall)) };
        Ok(())
    })
}

/// Follow-up completion: services followed up within `window_seconds` of
/// the service end (`0 <= follow_up − service_end <= window`) / services.
/// `has_follow_up[i] == 0`: no call made (`has_follow_up` NULL = a call
/// for every service).
///
/// # Safety
///
/// Arrays NULL (with `len == 0`; `has_follow_up` may always be NULL) or
/// readable for `len` values; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_follow_up_completion(
    service_end: *const i64,
    follow_up: *const i64,
    has_follow_up: *const u8,
    len: usize,
    window_seconds: i64,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (e, f, h) = unsafe {
            (
                ffi::slice(service_end, len, "service_end")?,
                ffi::slice(follow_up, len, "follow_up")?,
                ffi::opt_slice(has_follow_up, len, "has_follow_up")?,
            )
        };
        let f = optional(f, h, "has_follow_up")?;
        let opts = kpi::FollowUpOptions { window_seconds };
        let t = kpi::follow_up_completion_rate(e, &f, &opts, &Grouping::default())?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&t.overall)) };
        Ok(())
    })
}

/// Repeat-complaint rate: complaints of a subject (customer or vehicle
/// id) raised again within `window_days` after one was closed / complaints
/// judged. With `has_as_of`, complaints whose window is not over at
/// `as_of` are left out (coverage).
///
/// # Safety
///
/// Arrays NULL (with `len == 0`) or readable for `len` values; `out`
/// writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_kpi_repeat_complaint(
    subjects: *const u64,
    raised: *const i64,
    closed: *const i64,
    len: usize,
    window_days: u32,
    has_as_of: bool,
    as_of: i64,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (s, r, c) = unsafe {
            (
                ffi::slice(subjects, len, "subjects")?,
                ffi::slice(raised, len, "raised")?,
                ffi::slice(closed, len, "closed")?,
            )
        };
        let t = kpi::repeat_complaint_rate(
            Keys::U64(s),
            r,
            c,
            &ComebackOptions {
                as_of: has_as_of.then_some(as_of),
                ..ComebackOptions::window_days(window_days)
            },
            &Grouping::default(),
        )?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&t.overall)) };
        Ok(())
    })
}

/// CSAT: ratings `>= satisfied_min` / ratings. Ratings and `satisfied_min`
/// must be finite (NaN is `NPS_STATUS_INVALID_VALUE` with its row, or
/// `NPS_STATUS_INVALID_ARGUMENT` for `satisfied_min`).
///
/// # Safety
///
/// `ratings` NULL (with `len == 0`) or readable for `len` values; `out`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_csat(
    ratings: *const f64,
    len: usize,
    satisfied_min: f64,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let r = unsafe { ffi::slice(ratings, len, "ratings") }?;
        let t = kpi::csat(r, &kpi::CsatOptions { satisfied_min }, &Grouping::default())?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&t.overall)) };
        Ok(())
    })
}

/// Service revenue per engineer: revenue (minor units, each >= 0) /
/// `engineers`; no data with 0 engineers.
///
/// # Safety
///
/// `revenue_minor` NULL (with `len == 0`) or readable for `len` values;
/// `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_service_revenue_per_engineer(
    revenue_minor: *const i64,
    len: usize,
    engineers: u32,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let r = unsafe { ffi::slice(revenue_minor, len, "revenue_minor") }?;
        let k = kpi::service_revenue_per_engineer(r, engineers)?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&k)) };
        Ok(())
    })
}

/// How a `*_table` KPI function groups its rows; pass NULL for no grouping
/// (the table then has one group). Every column has the rows' length.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsKpiGrouping {
    /// Group key per row (dealer, technician, advisor id), or NULL.
    pub keys: *const u32,
    /// Unix seconds per row; needed when `period` is not `NPS_PERIOD_NONE`.
    pub timestamps: *const i64,
    /// `NpsPeriod` to group the timestamps by.
    pub period: u32,
    /// IANA time zone of the periods (NUL-terminated), NULL = UTC.
    pub tz: *const std::ffi::c_char,
}

/// One row of an `NpsKpiTable`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsKpiGroup {
    /// Whether the table is grouped by key (`key` is then set).
    pub has_key: bool,
    /// The group key.
    pub key: u32,
    /// Whether the table is grouped by period (`year`, `month`, `day` set).
    pub has_period: bool,
    /// Local first day of the period: year.
    pub year: i32,
    /// Month, 1..=12.
    pub month: u32,
    /// Day of month, 1..=31.
    pub day: u32,
    /// The group's KPI; for a time table its within-target share, for a
    /// technician table its efficiency.
    pub kpi: NpsKpi,
}

enum Figures {
    Kpi(Kpi),
    Time(TimeKpi),
    Tech(kpi::TechnicianFigures),
}

impl Figures {
    fn main(&self) -> &Kpi {
        match self {
            Figures::Kpi(k) => k,
            Figures::Time(t) => &t.within_target,
            Figures::Tech(f) => &f.efficiency,
        }
    }
}

struct Row {
    key: Option<u32>,
    period_start: Option<chrono::NaiveDate>,
    figures: Figures,
}

/// KPIs grouped by key and/or period: an opaque, immutable handle made by
/// the `nps_kpi_*_table` functions and released with `nps_kpi_table_free`.
/// Rows are sorted by key, then period; only non-empty groups appear.
pub struct NpsKpiTable {
    overall: Figures,
    rows: Vec<Row>,
}

fn key_to_c(k: &nps_core::group::GroupKey) -> Option<u32> {
    match k {
        // Keys come from a u32 column.
        nps_core::group::GroupKey::UInt(v) => u32::try_from(*v).ok(),
        _ => None,
    }
}

/// # Safety
/// `g` NULL or a readable `NpsKpiGrouping` whose columns are NULL or
/// readable for `len` values and `tz` NULL or a NUL-terminated string.
unsafe fn grouping<'a>(g: *const NpsKpiGrouping, len: usize) -> Result<Grouping<'a>, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let Some(g) = (unsafe { ffi::opt_reference(g, "grouping") })? else {
        return Ok(Grouping::default());
    };
    // SAFETY: forwarded caller guarantee.
    unsafe {
        Ok(Grouping {
            keys: ffi::opt_slice(g.keys, len, "keys")?.map(Keys::U32),
            timestamps: ffi::opt_slice(g.timestamps, len, "timestamps")?,
            period: crate::group::period_of(g.period)?,
            tz: ffi::opt_text(g.tz, "tz")?,
        })
    }
}

fn kpi_table(t: kpi::KpiTable) -> NpsKpiTable {
    NpsKpiTable {
        overall: Figures::Kpi(t.overall),
        rows: t
            .groups
            .into_iter()
            .map(|g| Row {
                key: key_to_c(&g.key),
                period_start: g.period_start,
                figures: Figures::Kpi(g.kpi),
            })
            .collect(),
    }
}

fn write_table(out: ffi::Out<*mut NpsKpiTable>, t: NpsKpiTable) {
    // SAFETY: out was checked by ffi::out; the caller guarantees it is
    // writable.
    unsafe { out.write(Box::into_raw(Box::new(t))) };
}

/// `nps_kpi_rate` per group (`grouping` NULL = one group). Writes a new
/// table to `*out`.
///
/// # Safety
///
/// As `nps_kpi_rate`; `grouping` NULL or readable, its columns NULL or
/// readable for `len` values; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_rate_table(
    flags: *const u8,
    eligible: *const u8,
    len: usize,
    grouping: *const NpsKpiGrouping,
    out: *mut *mut NpsKpiTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (f, e, g) = unsafe {
            (
                ffi::slice(flags, len, "flags")?,
                ffi::opt_slice(eligible, len, "eligible")?,
                self::grouping(grouping, len)?,
            )
        };
        let f = to_flags(f, "flags")?;
        let e = e.map(|e| to_flags(e, "eligible")).transpose()?;
        write_table(out, kpi_table(kpi::rate(&f, e.as_deref(), &g)?));
        Ok(())
    })
}

/// `nps_kpi_first_time_fix` per group (`grouping` NULL = one group).
/// Writes a new table to `*out`.
///
/// # Safety
///
/// As `nps_kpi_first_time_fix`; `grouping` as in `nps_kpi_rate_table`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_kpi_first_time_fix_table(
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
    grouping: *const NpsKpiGrouping,
    out: *mut *mut NpsKpiTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (v, c, o, cl, g) = unsafe {
            (
                ffi::slice(vehicles, len, "vehicles")?,
                ffi::opt_slice(complaints, len, "complaints")?,
                ffi::slice(opened, len, "opened")?,
                ffi::slice(closed, len, "closed")?,
                self::grouping(grouping, len)?,
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
        let t = if comeback {
            kpi::comeback_rate(&jobs, &opts, &g)?
        } else {
            kpi::first_time_fix_rate(&jobs, &opts, &g)?
        };
        write_table(out, kpi_table(t));
        Ok(())
    })
}

/// `nps_kpi_time` per group (`grouping` NULL = one group); read the rows
/// with `nps_kpi_table_time`. Writes a new table to `*out`.
///
/// # Safety
///
/// As `nps_kpi_time`; `grouping` as in `nps_kpi_rate_table`.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_time_table(
    start: *const i64,
    end: *const i64,
    len: usize,
    target_seconds: i64,
    grouping: *const NpsKpiGrouping,
    out: *mut *mut NpsKpiTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (s, e, g) = unsafe {
            (
                ffi::slice(start, len, "start")?,
                ffi::slice(end, len, "end")?,
                self::grouping(grouping, len)?,
            )
        };
        let t = kpi::time_kpi(s, e, target_seconds, &g)?;
        let table = NpsKpiTable {
            overall: Figures::Time(t.overall),
            rows: t
                .groups
                .into_iter()
                .map(|g| Row {
                    key: key_to_c(&g.key),
                    period_start: g.period_start,
                    figures: Figures::Time(g.kpi),
                })
                .collect(),
        };
        write_table(out, table);
        Ok(())
    })
}

/// Technician figures per technician: `jobs_len` jobs keyed by
/// `job_keys` (worked hours, SRT hours, `has_srt` as in
/// `nps_kpi_technician`) and `available_len` attendance rows keyed by
/// `available_keys` (summed per technician). Every technician of either
/// list gets a row (sorted by key); read it with `nps_kpi_table_technician`.
/// The overall row is left without data (figures are per technician).
///
/// # Safety
///
/// Job arrays NULL (with `jobs_len == 0`; `has_srt` may always be NULL)
/// or readable for `jobs_len` values; attendance arrays likewise for
/// `available_len`; `out` writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_kpi_technician_table(
    worked_hours: *const f64,
    srt_hours: *const f64,
    has_srt: *const u8,
    job_keys: *const u32,
    jobs_len: usize,
    available_hours: *const f64,
    available_keys: *const u32,
    available_len: usize,
    out: *mut *mut NpsKpiTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (w, s, h, jk, a, ak) = unsafe {
            (
                ffi::slice(worked_hours, jobs_len, "worked_hours")?,
                ffi::slice(srt_hours, jobs_len, "srt_hours")?,
                ffi::opt_slice(has_srt, jobs_len, "has_srt")?,
                ffi::slice(job_keys, jobs_len, "job_keys")?,
                ffi::slice(available_hours, available_len, "available_hours")?,
                ffi::slice(available_keys, available_len, "available_keys")?,
            )
        };
        let srt = optional(s, h, "has_srt")?;
        let by = kpi::technician_figures_by(w, &srt, Keys::U32(jk), a, Keys::U32(ak))?;
        let empty = Kpi::ratio(0.0, 0.0, None);
        let table = NpsKpiTable {
            overall: Figures::Tech(kpi::TechnicianFigures {
                efficiency: empty,
                productivity: empty,
                proficiency: empty,
            }),
            rows: by
                .into_iter()
                .map(|(k, f)| Row {
                    key: key_to_c(&k),
                    period_start: None,
                    figures: Figures::Tech(f),
                })
                .collect(),
        };
        write_table(out, table);
        Ok(())
    })
}

/// # Safety
/// `t` NULL or a live handle.
unsafe fn table_ref<'a>(t: *const NpsKpiTable) -> Result<&'a NpsKpiTable, FfiError> {
    // SAFETY: forwarded caller guarantee.
    unsafe { ffi::reference(t, "table") }
}

/// # Safety
/// `t` NULL or a live handle.
unsafe fn figures_at<'a>(t: *const NpsKpiTable, i: usize) -> Result<&'a Figures, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let t = unsafe { table_ref(t) }?;
    if i == usize::MAX {
        return Ok(&t.overall);
    }
    t.rows.get(i).map(|r| &r.figures).ok_or_else(|| {
        FfiError::arg(
            "index",
            format!("{i} is out of range (table has {} rows)", t.rows.len()),
        )
    })
}

/// Number of rows (groups) of a table; 0 for NULL.
///
/// # Safety
///
/// `table` NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_table_len(table: *const NpsKpiTable) -> usize {
    ffi_value!(0, {
        // SAFETY: caller guarantee.
        unsafe { table_ref(table) }.map_or(0, |t| t.rows.len())
    })
}

/// The overall KPI of a table (every row; for a time table the
/// within-target share).
///
/// # Safety
///
/// `table` a live handle; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_table_overall(
    table: *const NpsKpiTable,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let f = unsafe { figures_at(table, usize::MAX) }?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(f.main())) };
        Ok(())
    })
}

/// Row `index` (0-based, `< nps_kpi_table_len`; another index is
/// `NPS_STATUS_INVALID_ARGUMENT`) of a table: its key, period start and KPI.
///
/// # Safety
///
/// `table` a live handle; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_table_get(
    table: *const NpsKpiTable,
    index: usize,
    out: *mut NpsKpiGroup,
) -> NpsStatus {
    ffi_status!({
        use chrono::Datelike;
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { table_ref(table) }?;
        let r = t.rows.get(index).ok_or_else(|| {
            FfiError::arg(
                "index",
                format!("{index} is out of range (table has {} rows)", t.rows.len()),
            )
        })?;
        let g = NpsKpiGroup {
            has_key: r.key.is_some(),
            key: r.key.unwrap_or(0),
            has_period: r.period_start.is_some(),
            year: r.period_start.map_or(0, |d| d.year()),
            month: r.period_start.map_or(0, |d| d.month()),
            day: r.period_start.map_or(0, |d| d.day()),
            kpi: kpi_to_c(r.figures.main()),
        };
        // SAFETY: checked by ffi::out.
        unsafe { out.write(g) };
        Ok(())
    })
}

/// The time KPI of row `index` of a table made by `nps_kpi_time_table`
/// (`index == SIZE_MAX`: overall). Another table is
/// `NPS_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `table` a live handle; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_table_time(
    table: *const NpsKpiTable,
    index: usize,
    out: *mut NpsTimeKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        match unsafe { figures_at(table, index) }? {
            Figures::Time(t) => {
                // SAFETY: checked by ffi::out.
                unsafe { out.write(time_to_c(t)) };
                Ok(())
            }
            _ => Err(FfiError::arg("table", "not made by nps_kpi_time_table")),
        }
    })
}

/// Efficiency, productivity and proficiency of row `index` of a table made
/// by `nps_kpi_technician_table`. Any out pointer may be NULL. Another
/// table is `NPS_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `table` a live handle; non-NULL outs writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_table_technician(
    table: *const NpsKpiTable,
    index: usize,
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
        let Figures::Tech(f) = unsafe { figures_at(table, index) }? else {
            return Err(FfiError::arg(
                "table",
                "not made by nps_kpi_technician_table",
            ));
        };
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

/// Releases a table. NULL is accepted (and ignored).
///
/// # Safety
///
/// `table` NULL or a handle from this library not yet freed, used by no
/// other thread.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_table_free(table: *mut NpsKpiTable) {
    ffi_value!((), {
        if !table.is_null() {
            // SAFETY: made by Box::into_raw here, freed once (caller).
            drop(unsafe { Box::from_raw(table) });
        }
    })
}
