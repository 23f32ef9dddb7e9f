//! KPIs grouped by key and/or period, one opaque handle type per kind of
//! table, so that reading a table with the functions of another kind does
//! not compile in C:
//!
//! - `NpsKpiTable` (`nps_kpi_rate_table`, `nps_kpi_first_time_fix_table`):
//!   an `NpsKpi` per group, read with `nps_kpi_table_*`;
//! - `NpsKpiTimeTable` (`nps_kpi_time_table`): an `NpsTimeKpi` per group,
//!   read with `nps_kpi_time_table_*`;
//! - `NpsKpiTechnicianTable` (`nps_kpi_technician_table`): efficiency,
//!   productivity and proficiency per technician, read with
//!   `nps_kpi_technician_table_*`.
//!
//! Every table is immutable after creation (threads may read one at the
//! same time) and released with its own `_free` function exactly once.

use std::ffi::c_char;

use chrono::{Datelike, NaiveDate};
use nps_core::group::{GroupKey, Keys};
use nps_core::kpi::{self, Grouping, KpiTable, TechnicianFigures, TimeTable};

use crate::ffi::{self, FfiError, Handle, NpsStatus};
use crate::group::{self, key_columns, KeyColumn, NpsKeyColumn, NpsKeyValue};
use crate::kpi::comeback::{comeback_options, jobs_of, NpsComebackOptions};
use crate::kpi::time::{time_to_c, NpsTimeKpi};
use crate::kpi::{kpi_to_c, optional, to_flags, NpsKpi};
use crate::period::period_of;

/// How a `*_table` KPI function groups its rows; pass NULL for no grouping
/// (the table then has one group). Every column has the rows' length.
/// Zero-initialise it (`NpsKpiGrouping g = {0};`) and set what you need.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsKpiGrouping {
    /// Group key per row (dealer, technician, advisor id), or NULL (not
    /// together with `key_columns`).
    pub keys: *const u32,
    /// Unix seconds per row; needed when `period` is not `NPS_PERIOD_NONE`.
    pub timestamps: *const i64,
    /// `NpsPeriod` to group the timestamps by.
    pub period: u32,
    /// IANA time zone of the periods (NUL-terminated), NULL = UTC.
    pub tz: *const c_char,
    /// Several key columns at once (e.g. dealer × advisor), each with the
    /// rows' length; NULL (or `n_key_columns == 0`) = none. Rows of such a
    /// table have `has_key` false in `NpsKpiGroup`: read the keys from
    /// `nps_kpi_table_to_table` / `nps_kpi_time_table_to_table`.
    pub key_columns: *const NpsKeyColumn,
    /// Number of columns at `key_columns`.
    pub n_key_columns: usize,
}

/// One row of an `NpsKpiTable`, copied out by `nps_kpi_table_get`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsKpiGroup {
    /// Whether the row has one `uint32_t` key (`key` is then set): grouped
    /// by `keys` (not by `key_columns`).
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
    /// The group's KPI.
    pub kpi: NpsKpi,
}

/// One row of an `NpsKpiTimeTable`, copied out by
/// `nps_kpi_time_table_get`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsKpiTimeGroup {
    /// Whether the row has one `uint32_t` key (`key` is then set): grouped
    /// by `keys` (not by `key_columns`).
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
    /// The group's time KPI.
    pub time: NpsTimeKpi,
}

/// One technician of an `NpsKpiTechnicianTable`, copied out by
/// `nps_kpi_technician_table_get`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsKpiTechnicianGroup {
    /// The technician's key from `nps_kpi_technician_table`; `UINT32_MAX`
    /// for a table from `nps_kpi_technician_table_by` (read its keys with
    /// `nps_kpi_technician_table_key_part` / `_key_text`).
    pub key: u32,
    /// SRT hours / hours worked on jobs with an SRT.
    pub efficiency: NpsKpi,
    /// Hours worked / available hours.
    pub productivity: NpsKpi,
    /// SRT hours / available hours.
    pub proficiency: NpsKpi,
}

/// A table of `NpsKpi` per group (rates, first-time fix, comeback): an
/// opaque, immutable handle made by `nps_kpi_rate_table` or
/// `nps_kpi_first_time_fix_table` and released with `nps_kpi_table_free`
/// exactly once. Rows are sorted by key, then period; only non-empty
/// groups appear. Any number of threads may read one table at the same
/// time; freeing must not race with any other use.
pub struct NpsKpiTable {
    _private: [u8; 0],
}

impl Handle for NpsKpiTable {
    type RustType = KpiTable;
}

/// A table of `NpsTimeKpi` per group: an opaque, immutable handle made by
/// `nps_kpi_time_table` and released with `nps_kpi_time_table_free`
/// exactly once. Rows are sorted by key, then period; only non-empty
/// groups appear. Thread safety as `NpsKpiTable`.
pub struct NpsKpiTimeTable {
    _private: [u8; 0],
}

impl Handle for NpsKpiTimeTable {
    type RustType = TimeTable;
}

/// Technician figures per technician: an opaque, immutable handle made by
/// `nps_kpi_technician_table` and released with
/// `nps_kpi_technician_table_free` exactly once. Rows are sorted by key.
/// Thread safety as `NpsKpiTable`.
pub struct NpsKpiTechnicianTable {
    _private: [u8; 0],
}

impl Handle for NpsKpiTechnicianTable {
    type RustType = Vec<(GroupKey, TechnicianFigures)>;
}

pub(crate) fn key_to_c(k: &GroupKey) -> Option<u32> {
    match k {
        // Keys come from a u32 column.
        GroupKey::UInt(v) => u32::try_from(*v).ok(),
        _ => None,
    }
}

/// `(has_period, year, month, day)` of a period start.
pub(crate) fn period_to_c(d: Option<NaiveDate>) -> (bool, i32, u32, u32) {
    d.map_or((false, 0, 0, 0), |d| (true, d.year(), d.month(), d.day()))
}

/// Row `index` of a table; another index is
/// `NPS_STATUS_INDEX_OUT_OF_RANGE`, as for every handle.
pub(crate) fn row_at<T>(rows: &[T], index: usize) -> Result<&T, FfiError> {
    rows.get(index).ok_or(FfiError::IndexOutOfRange {
        index,
        len: rows.len(),
    })
}

/// A C grouping read: the key columns it owns, and the rest borrowed.
pub(crate) struct CGrouping<'a> {
    keys: Option<&'a [u32]>,
    multi: Vec<KeyColumn<'a>>,
    timestamps: Option<&'a [i64]>,
    period: Option<nps_core::period::Period>,
    tz: Option<&'a str>,
}

impl CGrouping<'_> {
    /// Calls `f` with the core grouping.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&Grouping<'_>) -> R) -> R {
        let multi: Vec<Keys> = self.multi.iter().map(KeyColumn::as_keys).collect();
        let keys = match self.keys {
            Some(k) => Some(Keys::U32(k)),
            None if !multi.is_empty() => Some(Keys::Multi(&multi)),
            None => None,
        };
        f(&Grouping {
            keys,
            timestamps: self.timestamps,
            period: self.period,
            tz: self.tz,
        })
    }
}

/// # Safety
/// `g` NULL or a readable `NpsKpiGrouping` whose columns are NULL or
/// readable for `len` values and `tz` NULL or a NUL-terminated string.
pub(crate) unsafe fn grouping<'a>(
    g: *const NpsKpiGrouping,
    len: usize,
) -> Result<CGrouping<'a>, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let Some(g) = (unsafe { ffi::opt_reference(g, "grouping") })? else {
        return Ok(CGrouping {
            keys: None,
            multi: Vec::new(),
            timestamps: None,
            period: None,
            tz: None,
        });
    };
    if !g.keys.is_null() && g.n_key_columns > 0 {
        return Err(FfiError::arg(
            "keys",
            "give at most one of keys and key_columns",
        ));
    }
    // SAFETY: forwarded caller guarantee.
    unsafe {
        Ok(CGrouping {
            keys: ffi::opt_slice(g.keys, len, "keys")?,
            multi: key_columns(g.key_columns, g.n_key_columns, len)?,
            timestamps: ffi::opt_slice(g.timestamps, len, "timestamps")?,
            period: period_of(g.period)?,
            tz: ffi::opt_text(g.tz, "tz")?,
        })
    }
}

/// `nps_kpi_rate` per group (`grouping` NULL = one group). Writes a new
/// `NpsKpiTable` to `*out`.
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
        let t = g.with(|g| kpi::rate(&f, e.as_deref(), g))?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsKpiTable::write_new(out, t) };
        Ok(())
    })
}

/// `nps_kpi_first_time_fix` per group (`grouping` NULL = one group).
/// Writes a new `NpsKpiTable` to `*out`.
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
    options: *const NpsComebackOptions,
    comeback: bool,
    grouping: *const NpsKpiGrouping,
    out: *mut *mut NpsKpiTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (jobs, opts, g) = unsafe {
            (
                jobs_of(vehicles, complaints, opened, closed, len)?,
                comeback_options(options)?,
                self::grouping(grouping, len)?,
            )
        };
        let t = g.with(|g| {
            if comeback {
                kpi::comeback_rate(&jobs, &opts, g)
            } else {
                kpi::first_time_fix_rate(&jobs, &opts, g)
            }
        })?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsKpiTable::write_new(out, t) };
        Ok(())
    })
}

/// `nps_kpi_diagnosis_accuracy` per group of the first visits (`grouping`
/// NULL = one group). Writes a new `NpsKpiTable` to `*out`.
///
/// # Safety
///
/// As `nps_kpi_diagnosis_accuracy`; `grouping` as in `nps_kpi_rate_table`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_kpi_diagnosis_accuracy_table(
    vehicles: *const u64,
    complaints: *const u64,
    operations: *const u64,
    opened: *const i64,
    closed: *const i64,
    len: usize,
    options: *const NpsComebackOptions,
    grouping: *const NpsKpiGrouping,
    out: *mut *mut NpsKpiTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (jobs, ops, opts, g) = unsafe {
            (
                jobs_of(vehicles, complaints, opened, closed, len)?,
                ffi::slice(operations, len, "operations")?,
                comeback_options(options)?,
                self::grouping(grouping, len)?,
            )
        };
        let t = g.with(|g| kpi::diagnosis_accuracy(&jobs, Keys::U64(ops), &opts, g))?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsKpiTable::write_new(out, t) };
        Ok(())
    })
}

/// `nps_kpi_visits_per_resolution` per group of the first visits
/// (`grouping` NULL = one group). Writes a new `NpsKpiTable` to `*out`.
///
/// # Safety
///
/// As `nps_kpi_visits_per_resolution`; `grouping` as in
/// `nps_kpi_rate_table`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_kpi_visits_per_resolution_table(
    vehicles: *const u64,
    complaints: *const u64,
    opened: *const i64,
    closed: *const i64,
    len: usize,
    options: *const NpsComebackOptions,
    grouping: *const NpsKpiGrouping,
    out: *mut *mut NpsKpiTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (jobs, opts, g) = unsafe {
            (
                jobs_of(vehicles, complaints, opened, closed, len)?,
                comeback_options(options)?,
                self::grouping(grouping, len)?,
            )
        };
        let t = g.with(|g| kpi::visits_per_resolution(&jobs, &opts, g))?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsKpiTable::write_new(out, t) };
        Ok(())
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
        unsafe { NpsKpiTable::try_ref(table, "table") }.map_or(0, |t| t.groups.len())
    })
}

/// The overall KPI of a table (every row).
///
/// # Safety
///
/// `table` NULL or a live handle; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_table_overall(
    table: *const NpsKpiTable,
    out: *mut NpsKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { NpsKpiTable::try_ref(table, "table") }?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(kpi_to_c(&t.overall)) };
        Ok(())
    })
}

/// Row `index` (0-based, `< nps_kpi_table_len`; another index is
/// `NPS_STATUS_INDEX_OUT_OF_RANGE`) of a table: its key, period start and KPI.
///
/// # Safety
///
/// `table` NULL or a live handle; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_table_get(
    table: *const NpsKpiTable,
    index: usize,
    out: *mut NpsKpiGroup,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { NpsKpiTable::try_ref(table, "table") }?;
        let r = row_at(&t.groups, index)?;
        let (has_period, year, month, day) = period_to_c(r.period_start);
        let key = key_to_c(&r.key);
        let g = NpsKpiGroup {
            has_key: key.is_some(),
            key: key.unwrap_or(0),
            has_period,
            year,
            month,
            day,
            kpi: kpi_to_c(&r.kpi),
        };
        // SAFETY: checked by ffi::out.
        unsafe { out.write(g) };
        Ok(())
    })
}

/// Releases an `NpsKpiTable`. NULL is accepted (and ignored).
///
/// # Safety
///
/// `table` NULL or a handle from this library not yet freed, used by no
/// other thread.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_table_free(table: *mut NpsKpiTable) {
    // SAFETY: forwarded caller guarantee.
    ffi_value!((), { unsafe { NpsKpiTable::free(table) } })
}

/// `nps_kpi_time` per group (`grouping` NULL = one group). Writes a new
/// `NpsKpiTimeTable` to `*out`; read it with `nps_kpi_time_table_*`.
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
    out: *mut *mut NpsKpiTimeTable,
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
        let t = g.with(|g| kpi::time_kpi(s, e, target_seconds, g))?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsKpiTimeTable::write_new(out, t) };
        Ok(())
    })
}

/// Number of rows (groups) of a time table; 0 for NULL.
///
/// # Safety
///
/// `table` NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_time_table_len(table: *const NpsKpiTimeTable) -> usize {
    ffi_value!(0, {
        // SAFETY: caller guarantee.
        unsafe { NpsKpiTimeTable::try_ref(table, "table") }.map_or(0, |t| t.groups.len())
    })
}

/// The overall time KPI of a time table (every row).
///
/// # Safety
///
/// `table` NULL or a live handle; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_time_table_overall(
    table: *const NpsKpiTimeTable,
    out: *mut NpsTimeKpi,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { NpsKpiTimeTable::try_ref(table, "table") }?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(time_to_c(&t.overall)) };
        Ok(())
    })
}

/// Row `index` (0-based, `< nps_kpi_time_table_len`; another index is
/// `NPS_STATUS_INDEX_OUT_OF_RANGE`) of a time table: its key, period start
/// and time KPI.
///
/// # Safety
///
/// `table` NULL or a live handle; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_time_table_get(
    table: *const NpsKpiTimeTable,
    index: usize,
    out: *mut NpsKpiTimeGroup,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { NpsKpiTimeTable::try_ref(table, "table") }?;
        let r = row_at(&t.groups, index)?;
        let (has_period, year, month, day) = period_to_c(r.period_start);
        let key = key_to_c(&r.key);
        let g = NpsKpiTimeGroup {
            has_key: key.is_some(),
            key: key.unwrap_or(0),
            has_period,
            year,
            month,
            day,
            time: time_to_c(&r.kpi),
        };
        // SAFETY: checked by ffi::out.
        unsafe { out.write(g) };
        Ok(())
    })
}

/// Releases an `NpsKpiTimeTable`. NULL is accepted (and ignored).
///
/// # Safety
///
/// `table` NULL or a handle from this library not yet freed, used by no
/// other thread.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_time_table_free(table: *mut NpsKpiTimeTable) {
    // SAFETY: forwarded caller guarantee.
    ffi_value!((), { unsafe { NpsKpiTimeTable::free(table) } })
}

/// Technician figures per technician: `jobs_len` jobs keyed by
/// `job_keys` (worked hours, SRT hours, `has_srt` as in
/// `nps_kpi_technician`) and `available_len` attendance rows keyed by
/// `available_keys` (summed per technician). Every technician of either
/// list gets a row (sorted by key). Writes a new `NpsKpiTechnicianTable`
/// to `*out`; read it with `nps_kpi_technician_table_*`.
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
    out: *mut *mut NpsKpiTechnicianTable,
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
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsKpiTechnicianTable::write_new(out, by) };
        Ok(())
    })
}

/// `nps_kpi_technician_table` keyed by `n_key_columns` (at least 1) key
/// columns of any type (`NpsKeyColumn`, e.g. dealer × technician code):
/// `job_key_columns` has `jobs_len` rows per column, `available_key_columns`
/// the same number of columns (of the same types) with `available_len`
/// rows each. A job and an attendance row belong to the same technician
/// when all their key parts are equal; every technician of either list
/// gets a row, sorted by key. Read the keys with
/// `nps_kpi_technician_table_key_parts`, `_key_part` and `_key_text`.
///
/// # Safety
///
/// As `nps_kpi_technician_table`; `job_key_columns` and
/// `available_key_columns` NULL or readable for `n_key_columns` columns of
/// `jobs_len` / `available_len` values each.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_kpi_technician_table_by(
    worked_hours: *const f64,
    srt_hours: *const f64,
    has_srt: *const u8,
    job_key_columns: *const NpsKeyColumn,
    jobs_len: usize,
    available_hours: *const f64,
    available_key_columns: *const NpsKeyColumn,
    available_len: usize,
    n_key_columns: usize,
    out: *mut *mut NpsKpiTechnicianTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        if n_key_columns == 0 {
            return Err(FfiError::arg(
                "n_key_columns",
                "needs at least one key column",
            ));
        }
        // SAFETY: caller guarantee.
        let (w, s, h, jk, a, ak) = unsafe {
            (
                ffi::slice(worked_hours, jobs_len, "worked_hours")?,
                ffi::slice(srt_hours, jobs_len, "srt_hours")?,
                ffi::opt_slice(has_srt, jobs_len, "has_srt")?,
                key_columns(job_key_columns, n_key_columns, jobs_len)?,
                ffi::slice(available_hours, available_len, "available_hours")?,
                key_columns(available_key_columns, n_key_columns, available_len)?,
            )
        };
        let srt = optional(s, h, "has_srt")?;
        let jk: Vec<Keys> = jk.iter().map(KeyColumn::as_keys).collect();
        let ak: Vec<Keys> = ak.iter().map(KeyColumn::as_keys).collect();
        let by = kpi::technician_figures_by(w, &srt, Keys::Multi(&jk), a, Keys::Multi(&ak))?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsKpiTechnicianTable::write_new(out, by) };
        Ok(())
    })
}

/// # Safety
/// `table` NULL or a live handle.
unsafe fn technician_key<'a>(
    table: *const NpsKpiTechnicianTable,
    index: usize,
) -> Result<&'a GroupKey, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let t = unsafe { NpsKpiTechnicianTable::try_ref(table, "table") }?;
    Ok(&row_at(t, index)?.0)
}

/// `*count` receives the number of parts of the key of row `index`: 1 for
/// `nps_kpi_technician_table`, one per key column for
/// `nps_kpi_technician_table_by`.
///
/// # Safety
///
/// `table` NULL or a live handle; `count` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_technician_table_key_parts(
    table: *const NpsKpiTechnicianTable,
    index: usize,
    count: *mut usize,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { group::key_parts_out(technician_key(table, index)?, count) } })
}

/// Copies part `part` (0-based, below
/// `nps_kpi_technician_table_key_parts`, else
/// `NPS_STATUS_INDEX_OUT_OF_RANGE`) of the key of row `index` to `*out`.
///
/// # Safety
///
/// `table` NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_technician_table_key_part(
    table: *const NpsKpiTechnicianTable,
    index: usize,
    part: usize,
    out: *mut NpsKeyValue,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { group::key_part_out(technician_key(table, index)?, part, out) } })
}

/// Copies the key of row `index` as text (the decimal integer, the
/// string, or the parts of several key columns joined with `" | "`) with
/// a NUL into `buf` (capacity `len`); `*text_len` (may be NULL) receives
/// its length without the NUL, also on `NPS_STATUS_BUFFER_TOO_SMALL`.
///
/// # Safety
///
/// `table` NULL or a live handle; `buf` NULL or writable for `len` bytes;
/// `text_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_technician_table_key_text(
    table: *const NpsKpiTechnicianTable,
    index: usize,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: forwarded caller guarantees.
        unsafe { group::key_text_out(technician_key(table, index)?, buf, len, text_len) }
    })
}

/// Number of technicians of a technician table; 0 for NULL.
///
/// # Safety
///
/// `table` NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_technician_table_len(
    table: *const NpsKpiTechnicianTable,
) -> usize {
    ffi_value!(0, {
        // SAFETY: caller guarantee.
        unsafe { NpsKpiTechnicianTable::try_ref(table, "table") }.map_or(0, Vec::len)
    })
}

/// Row `index` (0-based, `< nps_kpi_technician_table_len`; another index
/// is `NPS_STATUS_INDEX_OUT_OF_RANGE`) of a technician table: the key and
/// the three figures.
///
/// # Safety
///
/// `table` NULL or a live handle; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_technician_table_get(
    table: *const NpsKpiTechnicianTable,
    index: usize,
    out: *mut NpsKpiTechnicianGroup,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { NpsKpiTechnicianTable::try_ref(table, "table") }?;
        let (key, f) = row_at(t, index)?;
        let g = NpsKpiTechnicianGroup {
            key: key_to_c(key).unwrap_or(u32::MAX),
            efficiency: kpi_to_c(&f.efficiency),
            productivity: kpi_to_c(&f.productivity),
            proficiency: kpi_to_c(&f.proficiency),
        };
        // SAFETY: checked by ffi::out.
        unsafe { out.write(g) };
        Ok(())
    })
}

/// Releases an `NpsKpiTechnicianTable`. NULL is accepted (and ignored).
///
/// # Safety
///
/// `table` NULL or a handle from this library not yet freed, used by no
/// other thread.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_technician_table_free(table: *mut NpsKpiTechnicianTable) {
    // SAFETY: forwarded caller guarantee.
    ffi_value!((), { unsafe { NpsKpiTechnicianTable::free(table) } })
}

/// Merges two KPI tables: `*out` receives a new table equal to the table
/// computed in one pass over the rows of `a` followed by those of `b`
/// (nps-core `KpiTable::merge`: every group's counts add up). Associative:
/// partial tables may be merged in any order of pairs. `a` and `b` stay
/// valid.
///
/// First-time fix and comeback rate judge a job by the later jobs of its
/// vehicle: their tables merge only when the input was partitioned by
/// vehicle (all jobs of a vehicle in one part). A vehicle with jobs in both
/// tables is `NPS_STATUS_INVALID_ARGUMENT` naming `other` (and the
/// vehicle), never a wrong rate.
///
/// Errors: `NPS_STATUS_INVALID_ARGUMENT` naming `other` when the tables
/// were computed differently (another KPI, option, period, time zone or
/// type of key column); `NPS_STATUS_OVERFLOW` past `UINT64_MAX` rows.
///
/// # Safety
///
/// `a`, `b` NULL or live handles; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_table_merge(
    a: *const NpsKpiTable,
    b: *const NpsKpiTable,
    out: *mut *mut NpsKpiTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (a, b) = unsafe { (NpsKpiTable::try_ref(a, "a")?, NpsKpiTable::try_ref(b, "b")?) };
        let t = a.merge(b)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsKpiTable::write_new(out, t) };
        Ok(())
    })
}

/// Copies the saved state of a KPI table (UTF-8 JSON bytes, not
/// NUL-terminated) into `out`, as `nps_heat_map_to_state`; load it with
/// `nps_kpi_table_from_state`.
///
/// # Safety
///
/// `table` NULL or a live handle; `out` NULL or writable for `capacity`
/// bytes; `len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_table_to_state(
    table: *const NpsKpiTable,
    out: *mut u8,
    capacity: usize,
    len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        let t = unsafe { NpsKpiTable::try_ref(table, "table") }?;
        // SAFETY: caller guarantees on out and len.
        unsafe { crate::kpi::state_out(t, out, capacity, len) }
    })
}

/// Loads a KPI table from `len` bytes written by `nps_kpi_table_to_state`
/// (`NPS_STATUS_INVALID_ARGUMENT` naming `state` for anything else).
///
/// # Safety
///
/// `state` NULL (with `len == 0`) or readable for `len` bytes; `out`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_table_from_state(
    state: *const u8,
    len: usize,
    out: *mut *mut NpsKpiTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { crate::kpi::state_in::<KpiTable>(state, len) }?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsKpiTable::write_new(out, t) };
        Ok(())
    })
}

/// Merges two time tables: `*out` receives a new table equal to the table
/// computed in one pass over the rows of `a` followed by those of `b`,
/// mean, median and p90 included (nps-core `TimeTable::merge`: each table
/// keeps the histogram of its durations, O(distinct durations) memory).
/// Associative. `a` and `b` stay valid.
///
/// Errors: `NPS_STATUS_INVALID_ARGUMENT` naming `other` when the tables
/// were computed with another target, period, time zone or type of key
/// column; `NPS_STATUS_OVERFLOW` past `UINT64_MAX` durations.
///
/// # Safety
///
/// `a`, `b` NULL or live handles; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_time_table_merge(
    a: *const NpsKpiTimeTable,
    b: *const NpsKpiTimeTable,
    out: *mut *mut NpsKpiTimeTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (a, b) = unsafe {
            (
                NpsKpiTimeTable::try_ref(a, "a")?,
                NpsKpiTimeTable::try_ref(b, "b")?,
            )
        };
        let t = a.merge(b)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsKpiTimeTable::write_new(out, t) };
        Ok(())
    })
}

/// Copies the saved state of a time table (UTF-8 JSON bytes, not
/// NUL-terminated) into `out`, as `nps_heat_map_to_state`; load it with
/// `nps_kpi_time_table_from_state`.
///
/// # Safety
///
/// `table` NULL or a live handle; `out` NULL or writable for `capacity`
/// bytes; `len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_time_table_to_state(
    table: *const NpsKpiTimeTable,
    out: *mut u8,
    capacity: usize,
    len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        let t = unsafe { NpsKpiTimeTable::try_ref(table, "table") }?;
        // SAFETY: caller guarantees on out and len.
        unsafe { crate::kpi::state_out(t, out, capacity, len) }
    })
}

/// Loads a time table from `len` bytes written by
/// `nps_kpi_time_table_to_state` (`NPS_STATUS_INVALID_ARGUMENT` naming
/// `state` for anything else).
///
/// # Safety
///
/// `state` NULL (with `len == 0`) or readable for `len` bytes; `out`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_time_table_from_state(
    state: *const u8,
    len: usize,
    out: *mut *mut NpsKpiTimeTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { crate::kpi::state_in::<TimeTable>(state, len) }?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsKpiTimeTable::write_new(out, t) };
        Ok(())
    })
}
