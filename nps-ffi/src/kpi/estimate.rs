//! Estimate accuracy (`nps_core::kpi::estimate_accuracy`: the quote
//! against the final bill per repair order, in integer money) and parts
//! availability (`nps_core::kpi::parts_availability`): the overall results
//! (`nps_kpi_estimate_accuracy`, `nps_kpi_parts_availability`) and the
//! grouped ones, opaque handles that merge and save
//! (`nps_kpi_estimate_accuracy_table`, `nps_kpi_parts_availability_table`).

use std::ffi::c_char;

use nps_core::group::GroupKey;
use nps_core::kpi::{
    self, Distribution, EstimateAccuracy, EstimateOptions, Grouping, PartsAvailability,
};

use crate::ffi::{self, FfiError, Handle, NpsStatus};
use crate::kpi::table::{grouping, key_to_c, period_to_c, row_at, NpsKpiGrouping};
use crate::kpi::{kpi_to_c, NpsKpi};
use crate::money::currency_of;

/// Options of `nps_kpi_estimate_accuracy`. Start from
/// `nps_estimate_options_default()`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsEstimateOptions {
    /// A bill within `tolerance × quote` of the quote is accurate (finite,
    /// ≥ 0; default 0.10).
    pub tolerance: f64,
    /// ISO 4217 code of every amount, NUL-terminated (default `"CNY"`).
    pub currency: [c_char; 4],
}

/// A distribution (nps-core's `flow::Distribution`, also
/// `kpi::Distribution`): `n` values and, when `has_values` (`n > 0`), their
/// mean, median and 90th percentile (type 7 quantiles; all 0, to be
/// ignored, without values). Durations of the value stream, overruns of
/// promises and quotes, parts waits.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NpsDistribution {
    /// Number of values.
    pub n: u64,
    /// Whether `mean`, `median` and `p90` are set.
    pub has_values: bool,
    /// Mean.
    pub mean: f64,
    /// Median.
    pub median: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// The answer of `nps_kpi_estimate_accuracy`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsEstimateAccuracy {
    /// Orders billed within tolerance / orders with a quote above 0
    /// (coverage: orders with a quote / orders).
    pub within: NpsKpi,
    /// Orders with an unapproved increase (final > quote + approved) /
    /// orders with a quote.
    pub unapproved: NpsKpi,
    /// Sum of the unapproved increases, in minor units.
    pub unapproved_minor: i64,
    /// final − quote in minor units, over orders with a quote.
    pub overrun_minor: NpsDistribution,
    /// (final − quote) / quote, over orders with a quote.
    pub overrun_relative: NpsDistribution,
}

pub(crate) fn dist_to_c(d: &Distribution) -> NpsDistribution {
    NpsDistribution {
        n: d.n,
        has_values: d.mean.is_some(),
        mean: d.mean.unwrap_or(0.0),
        median: d.median.unwrap_or(0.0),
        p90: d.p90.unwrap_or(0.0),
    }
}

impl NpsEstimateOptions {
    fn default_value() -> NpsEstimateOptions {
        let d = EstimateOptions::default();
        let mut currency = [0 as c_char; 4];
        for (dst, src) in currency.iter_mut().zip(d.currency.code().bytes()) {
            *dst = src as c_char;
        }
        NpsEstimateOptions {
            tolerance: d.tolerance,
            currency,
        }
    }
}

/// # Safety
/// `options` NULL or readable.
unsafe fn estimate_options(
    options: *const NpsEstimateOptions,
) -> Result<EstimateOptions, FfiError> {
    // SAFETY: forwarded caller guarantee.
    unsafe {
        ffi::options_or_default(options, |o: NpsEstimateOptions| {
            Ok::<_, FfiError>(EstimateOptions {
                tolerance: o.tolerance,
                currency: currency_of(&o.currency, "currency")?,
            })
        })
    }
}

fn estimate_to_c(e: &EstimateAccuracy) -> NpsEstimateAccuracy {
    NpsEstimateAccuracy {
        within: kpi_to_c(&e.within.overall),
        unapproved: kpi_to_c(&e.unapproved.overall),
        unapproved_minor: e.unapproved_minor,
        overrun_minor: dist_to_c(&e.overrun_minor),
        overrun_relative: dist_to_c(&e.overrun_relative),
    }
}

/// The default estimate options (tolerance 0.10, CNY), converted from
/// nps-core's `kpi::EstimateOptions::default()`.
#[no_mangle]
pub extern "C" fn nps_estimate_options_default() -> NpsEstimateOptions {
    ffi_value!(NpsEstimateOptions::default_value(), {
        NpsEstimateOptions::default_value()
    })
}

/// Estimate accuracy over `len` repair orders: `quoted_minor` and
/// `final_minor` (minor units, 0..=2^53; a quote of 0 is no data for that
/// order), `approved_minor` (customer-approved additions; NULL = none),
/// `currencies` (NUL-terminated codes per order; NULL = every order in
/// `options->currency`; another currency is `NPS_STATUS_INVALID_VALUE`
/// naming `currencies` and the row). `options` NULL =
/// `nps_estimate_options_default()`. The source's 800 → 1500 is +700
/// (+87.5 %), unapproved.
///
/// # Safety
///
/// Arrays NULL (with `len == 0`; `approved_minor` and `currencies` may
/// always be NULL) or readable for `len` values; `options` NULL or
/// readable; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_estimate_accuracy(
    quoted_minor: *const i64,
    final_minor: *const i64,
    approved_minor: *const i64,
    currencies: *const *const c_char,
    len: usize,
    options: *const NpsEstimateOptions,
    out: *mut NpsEstimateAccuracy,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (q, f, a, c) = unsafe {
            (
                ffi::slice(quoted_minor, len, "quoted_minor")?,
                ffi::slice(final_minor, len, "final_minor")?,
                ffi::opt_slice(approved_minor, len, "approved_minor")?,
                ffi::opt_str_column(currencies, len, "currencies")?,
            )
        };
        // SAFETY: caller guarantee.
        let opts = unsafe { estimate_options(options) }?;
        let e = kpi::estimate_accuracy(q, f, a, c.as_deref(), &opts, &Grouping::default())?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(estimate_to_c(&e)) };
        Ok(())
    })
}

/// The answer of `nps_kpi_parts_availability`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsPartsAvailability {
    /// First-pass fill rate: lines supplied from stock / lines requested.
    pub fill_rate: NpsKpi,
    /// Repair orders with a line not from stock / repair orders.
    pub delayed_ros: NpsKpi,
    /// Recorded parts waits (seconds) of lines not from stock.
    pub wait_s: NpsDistribution,
}

/// Parts availability over `len` part lines: `ro` (the repair order of
/// each line, NUL-terminated text), `from_stock` (0/1: supplied from stock
/// at the visit), `wait_s` (the parts wait of each line in seconds; NULL =
/// no waits) with `has_wait` (0/1 per line; NULL = every wait recorded).
/// Waits of lines from stock are ignored. A negative wait is
/// `NPS_STATUS_INVALID_VALUE` naming `wait_s` and the row.
///
/// # Safety
///
/// Arrays NULL (with `len == 0`; `wait_s` and `has_wait` may always be
/// NULL) or readable for `len` values; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_parts_availability(
    ro: *const *const c_char,
    from_stock: *const u8,
    wait_s: *const i64,
    has_wait: *const u8,
    len: usize,
    out: *mut NpsPartsAvailability,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (r, s, w, h) = unsafe {
            (
                ffi::str_column(ro, len, "ro")?,
                ffi::slice(from_stock, len, "from_stock")?,
                ffi::opt_slice(wait_s, len, "wait_s")?,
                ffi::opt_slice(has_wait, len, "has_wait")?,
            )
        };
        let s = crate::kpi::to_flags(s, "from_stock")?;
        let w = w
            .map(|w| crate::kpi::optional(w, h, "has_wait"))
            .transpose()?;
        let p = kpi::parts_availability(&r, &s, w.as_deref(), &Grouping::default())?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(parts_to_c(&p)) };
        Ok(())
    })
}

fn parts_to_c(p: &PartsAvailability) -> NpsPartsAvailability {
    NpsPartsAvailability {
        fill_rate: kpi_to_c(&p.fill_rate.overall),
        delayed_ros: kpi_to_c(&p.delayed_ros),
        wait_s: dist_to_c(&p.wait_s),
    }
}

// ---- grouped results ----

/// Estimate accuracy per group (by key and/or period): an opaque,
/// immutable handle made by `nps_kpi_estimate_accuracy_table` (or by
/// merging or loading one) and released with
/// `nps_kpi_estimate_accuracy_table_free` exactly once. It holds the
/// overall result (`_overall`), one row per non-empty group (`_get`,
/// sorted by key, then period), and what merging needs (the counts of
/// every group, the overruns as histograms of their distinct values, the
/// options). Any number of threads may read one table at the same time;
/// freeing must not race with any other use.
pub struct NpsEstimateAccuracyTable {
    _private: [u8; 0],
}

impl Handle for NpsEstimateAccuracyTable {
    type RustType = EstimateAccuracy;
}

/// One row of an `NpsEstimateAccuracyTable`, copied out by
/// `nps_kpi_estimate_accuracy_table_get`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsEstimateAccuracyGroup {
    /// Whether the row has one `uint32_t` key (`key` is then set): grouped
    /// by `keys` (not by `key_columns`; read those keys with
    /// `nps_kpi_estimate_accuracy_table_key_text`).
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
    /// Orders of the group billed within tolerance / its orders with a
    /// quote (coverage: orders with a quote / orders).
    pub within: NpsKpi,
    /// Orders of the group with an unapproved increase / its orders with a
    /// quote.
    pub unapproved: NpsKpi,
}

/// `nps_kpi_estimate_accuracy` per group (`grouping` NULL = one group, as
/// in `nps_kpi_rate_table`): writes a new `NpsEstimateAccuracyTable` to
/// `*out`. Errors as `nps_kpi_estimate_accuracy`, and those of the
/// grouping (a timestamp out of range is `NPS_STATUS_INVALID_VALUE` naming
/// `timestamps` and the row).
///
/// # Safety
///
/// As `nps_kpi_estimate_accuracy`; `grouping` NULL or readable, its
/// columns NULL or readable for `len` values; `out` writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_kpi_estimate_accuracy_table(
    quoted_minor: *const i64,
    final_minor: *const i64,
    approved_minor: *const i64,
    currencies: *const *const c_char,
    len: usize,
    options: *const NpsEstimateOptions,
    grouping: *const NpsKpiGrouping,
    out: *mut *mut NpsEstimateAccuracyTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (q, f, a, c, opts, g) = unsafe {
            (
                ffi::slice(quoted_minor, len, "quoted_minor")?,
                ffi::slice(final_minor, len, "final_minor")?,
                ffi::opt_slice(approved_minor, len, "approved_minor")?,
                ffi::opt_str_column(currencies, len, "currencies")?,
                estimate_options(options)?,
                self::grouping(grouping, len)?,
            )
        };
        let e = g.with(|g| kpi::estimate_accuracy(q, f, a, c.as_deref(), &opts, g))?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsEstimateAccuracyTable::write_new(out, e) };
        Ok(())
    })
}

/// Number of rows (groups) of an estimate table; 0 for NULL.
///
/// # Safety
///
/// `table` NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_estimate_accuracy_table_len(
    table: *const NpsEstimateAccuracyTable,
) -> usize {
    ffi_value!(0, {
        // SAFETY: caller guarantee.
        unsafe { NpsEstimateAccuracyTable::try_ref(table, "table") }
            .map_or(0, |t| t.within.groups.len())
    })
}

/// The overall result of an estimate table (every order): the shares, the
/// sum of unapproved increases and the overrun distributions.
///
/// # Safety
///
/// `table` NULL or a live handle; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_estimate_accuracy_table_overall(
    table: *const NpsEstimateAccuracyTable,
    out: *mut NpsEstimateAccuracy,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { NpsEstimateAccuracyTable::try_ref(table, "table") }?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(estimate_to_c(t)) };
        Ok(())
    })
}

/// The options an estimate table was computed with (those of both parts
/// of a merged table).
///
/// # Safety
///
/// `table` NULL or a live handle; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_estimate_accuracy_table_options(
    table: *const NpsEstimateAccuracyTable,
    out: *mut NpsEstimateOptions,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { NpsEstimateAccuracyTable::try_ref(table, "table") }?;
        let mut currency = [0 as c_char; 4];
        for (dst, src) in currency.iter_mut().zip(t.options.currency.code().bytes()) {
            *dst = src as c_char;
        }
        let o = NpsEstimateOptions {
            tolerance: t.options.tolerance,
            currency,
        };
        // SAFETY: checked by ffi::out.
        unsafe { out.write(o) };
        Ok(())
    })
}

/// Row `index` (0-based, `< nps_kpi_estimate_accuracy_table_len`; another
/// index is `NPS_STATUS_INDEX_OUT_OF_RANGE`) of an estimate table: its
/// key, period start and shares.
///
/// # Safety
///
/// `table` NULL or a live handle; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_estimate_accuracy_table_get(
    table: *const NpsEstimateAccuracyTable,
    index: usize,
    out: *mut NpsEstimateAccuracyGroup,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { NpsEstimateAccuracyTable::try_ref(table, "table") }?;
        let w = row_at(&t.within.groups, index)?;
        let u = row_at(&t.unapproved.groups, index)?;
        let (has_period, year, month, day) = period_to_c(w.period_start);
        let key = key_to_c(&w.key);
        let g = NpsEstimateAccuracyGroup {
            has_key: key.is_some(),
            key: key.unwrap_or(0),
            has_period,
            year,
            month,
            day,
            within: kpi_to_c(&w.kpi),
            unapproved: kpi_to_c(&u.kpi),
        };
        // SAFETY: checked by ffi::out.
        unsafe { out.write(g) };
        Ok(())
    })
}

/// # Safety
/// `table` NULL or a live handle.
unsafe fn estimate_key<'a>(
    table: *const NpsEstimateAccuracyTable,
    index: usize,
) -> Result<&'a GroupKey, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let t = unsafe { NpsEstimateAccuracyTable::try_ref(table, "table") }?;
    Ok(&row_at(&t.within.groups, index)?.key)
}

/// Copies the key of row `index` as text (the decimal integer, the
/// string, the parts of several key columns joined with `" | "`, or
/// `"all"` without a key column) with a NUL into `buf` (capacity `len`);
/// `*text_len` (may be NULL) receives its length without the NUL, also on
/// `NPS_STATUS_BUFFER_TOO_SMALL`.
///
/// # Safety
///
/// `table` NULL or a live handle; `buf` NULL or writable for `len` bytes;
/// `text_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_estimate_accuracy_table_key_text(
    table: *const NpsEstimateAccuracyTable,
    index: usize,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: forwarded caller guarantees.
        unsafe { crate::group::key_text_out(estimate_key(table, index)?, buf, len, text_len) }
    })
}

/// Merges two estimate tables: `*out` receives a new table equal to the
/// table computed in one pass over the orders of `a` followed by those of
/// `b` (nps-core `EstimateAccuracy::merge`: the counts of every group add
/// up, the overruns' histograms add, so mean, median and p90 are those of
/// one pass; the options are kept). Associative. `a` and `b` stay valid.
///
/// Errors: `NPS_STATUS_INVALID_ARGUMENT` naming `other` for tables
/// computed with another tolerance or currency, or grouped by another
/// period, time zone or type of key column; `NPS_STATUS_OVERFLOW` past
/// `INT64_MAX` minor units of unapproved increases.
///
/// # Safety
///
/// `a`, `b` NULL or live handles; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_estimate_accuracy_table_merge(
    a: *const NpsEstimateAccuracyTable,
    b: *const NpsEstimateAccuracyTable,
    out: *mut *mut NpsEstimateAccuracyTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (a, b) = unsafe {
            (
                NpsEstimateAccuracyTable::try_ref(a, "a")?,
                NpsEstimateAccuracyTable::try_ref(b, "b")?,
            )
        };
        let t = a.merge(b)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsEstimateAccuracyTable::write_new(out, t) };
        Ok(())
    })
}

/// Copies the saved state of an estimate table (UTF-8 JSON bytes, not
/// NUL-terminated) into `out`, as `nps_kpi_table_to_state`; load it with
/// `nps_kpi_estimate_accuracy_table_from_state`.
///
/// # Safety
///
/// `table` NULL or a live handle; `out` NULL or writable for `capacity`
/// bytes; `len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_estimate_accuracy_table_to_state(
    table: *const NpsEstimateAccuracyTable,
    out: *mut u8,
    capacity: usize,
    len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        let t = unsafe { NpsEstimateAccuracyTable::try_ref(table, "table") }?;
        // SAFETY: caller guarantees on out and len.
        unsafe { crate::kpi::state_out(t, out, capacity, len) }
    })
}

/// Loads an estimate table from `len` bytes written by
/// `nps_kpi_estimate_accuracy_table_to_state` (`NPS_STATUS_INVALID_ARGUMENT`
/// naming `state` for anything else).
///
/// # Safety
///
/// `state` NULL (with `len == 0`) or readable for `len` bytes; `out`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_estimate_accuracy_table_from_state(
    state: *const u8,
    len: usize,
    out: *mut *mut NpsEstimateAccuracyTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { crate::kpi::state_in::<EstimateAccuracy>(state, len) }?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsEstimateAccuracyTable::write_new(out, t) };
        Ok(())
    })
}

/// Releases an `NpsEstimateAccuracyTable`. NULL is accepted (and ignored).
///
/// # Safety
///
/// `table` NULL or a handle from this library not yet freed, used by no
/// other thread.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_estimate_accuracy_table_free(
    table: *mut NpsEstimateAccuracyTable,
) {
    // SAFETY: forwarded caller guarantee.
    ffi_value!((), { unsafe { NpsEstimateAccuracyTable::free(table) } })
}

/// Parts availability per group (by part, supplier or dealer and/or
/// period): an opaque, immutable handle made by
/// `nps_kpi_parts_availability_table` (or by merging or loading one) and
/// released with `nps_kpi_parts_availability_table_free` exactly once. It
/// holds the overall result (`_overall`: fill rate, repair orders delayed
/// by parts, the wait distribution), the same three per non-empty group
/// (`_get`, sorted by key, then period), and what merging needs (the
/// counts of every group, per group the repair orders seen and whether
/// each was delayed, the waits as a histogram). Thread safety as
/// `NpsEstimateAccuracyTable`.
pub struct NpsPartsAvailabilityTable {
    _private: [u8; 0],
}

impl Handle for NpsPartsAvailabilityTable {
    type RustType = PartsAvailability;
}

/// One row of an `NpsPartsAvailabilityTable`, copied out by
/// `nps_kpi_parts_availability_table_get`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsPartsAvailabilityGroup {
    /// Whether the row has one `uint32_t` key (`key` is then set): grouped
    /// by `keys` (not by `key_columns`; read those keys with
    /// `nps_kpi_parts_availability_table_key_text`).
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
    /// Lines of the group supplied from stock / its lines requested.
    pub fill_rate: NpsKpi,
    /// Repair orders with a line of the group not from stock / repair
    /// orders with a line in the group (an order counts once per group it
    /// has lines in).
    pub delayed_ros: NpsKpi,
    /// Recorded parts waits (seconds) of the group's lines not from stock.
    pub wait_s: NpsDistribution,
}

/// `nps_kpi_parts_availability` per group (`grouping` NULL = one group,
/// as in `nps_kpi_rate_table`): writes a new `NpsPartsAvailabilityTable`
/// to `*out`: the fill rate, the share of repair orders delayed by parts
/// and the wait distribution overall (`_overall`; an order with lines in
/// several groups counts once) and per group (`_get`; an order counts once
/// per group it has lines in).
///
/// # Safety
///
/// As `nps_kpi_parts_availability`; `grouping` NULL or readable, its
/// columns NULL or readable for `len` values; `out` writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_kpi_parts_availability_table(
    ro: *const *const c_char,
    from_stock: *const u8,
    wait_s: *const i64,
    has_wait: *const u8,
    len: usize,
    grouping: *const NpsKpiGrouping,
    out: *mut *mut NpsPartsAvailabilityTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (r, s, w, h, g) = unsafe {
            (
                ffi::str_column(ro, len, "ro")?,
                ffi::slice(from_stock, len, "from_stock")?,
                ffi::opt_slice(wait_s, len, "wait_s")?,
                ffi::opt_slice(has_wait, len, "has_wait")?,
                self::grouping(grouping, len)?,
            )
        };
        let s = crate::kpi::to_flags(s, "from_stock")?;
        let w = w
            .map(|w| crate::kpi::optional(w, h, "has_wait"))
            .transpose()?;
        let p = g.with(|g| kpi::parts_availability(&r, &s, w.as_deref(), g))?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsPartsAvailabilityTable::write_new(out, p) };
        Ok(())
    })
}

/// Number of rows (groups) of a parts table; 0 for NULL.
///
/// # Safety
///
/// `table` NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_parts_availability_table_len(
    table: *const NpsPartsAvailabilityTable,
) -> usize {
    ffi_value!(0, {
        // SAFETY: caller guarantee.
        unsafe { NpsPartsAvailabilityTable::try_ref(table, "table") }
            .map_or(0, |t| t.fill_rate.groups.len())
    })
}

/// The overall result of a parts table (every line).
///
/// # Safety
///
/// `table` NULL or a live handle; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_parts_availability_table_overall(
    table: *const NpsPartsAvailabilityTable,
    out: *mut NpsPartsAvailability,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { NpsPartsAvailabilityTable::try_ref(table, "table") }?;
        // SAFETY: checked by ffi::out.
        unsafe { out.write(parts_to_c(t)) };
        Ok(())
    })
}

/// Row `index` (0-based, `< nps_kpi_parts_availability_table_len`; another
/// index is `NPS_STATUS_INDEX_OUT_OF_RANGE`) of a parts table: its key,
/// period start, fill rate, share of repair orders delayed by parts and
/// wait distribution.
///
/// # Safety
///
/// `table` NULL or a live handle; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_parts_availability_table_get(
    table: *const NpsPartsAvailabilityTable,
    index: usize,
    out: *mut NpsPartsAvailabilityGroup,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { NpsPartsAvailabilityTable::try_ref(table, "table") }?;
        let r = row_at(&t.groups, index)?;
        let (has_period, year, month, day) = period_to_c(r.period_start);
        let key = key_to_c(&r.key);
        let g = NpsPartsAvailabilityGroup {
            has_key: key.is_some(),
            key: key.unwrap_or(0),
            has_period,
            year,
            month,
            day,
            fill_rate: kpi_to_c(&r.fill_rate),
            delayed_ros: kpi_to_c(&r.delayed_ros),
            wait_s: dist_to_c(&r.wait_s),
        };
        // SAFETY: checked by ffi::out.
        unsafe { out.write(g) };
        Ok(())
    })
}

/// Copies the key of row `index` of a parts table as text, as
/// `nps_kpi_estimate_accuracy_table_key_text`.
///
/// # Safety
///
/// `table` NULL or a live handle; `buf` NULL or writable for `len` bytes;
/// `text_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_parts_availability_table_key_text(
    table: *const NpsPartsAvailabilityTable,
    index: usize,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        let t = unsafe { NpsPartsAvailabilityTable::try_ref(table, "table") }?;
        let key = &row_at(&t.fill_rate.groups, index)?.key;
        // SAFETY: forwarded caller guarantees.
        unsafe { crate::group::key_text_out(key, buf, len, text_len) }
    })
}

/// Merges two parts tables: `*out` receives a new table equal to the
/// table computed in one pass over the lines of `a` followed by those of
/// `b` (nps-core `PartsAvailability::merge`: the fill-rate counts add up,
/// a repair order with lines in both is one order, delayed when it was in
/// either, the waits' histograms add). Associative. `a` and `b` stay
/// valid.
///
/// Errors: `NPS_STATUS_INVALID_ARGUMENT` naming `other` for tables grouped
/// by another period, time zone or type of key column;
/// `NPS_STATUS_OVERFLOW` past `UINT64_MAX` lines.
///
/// # Safety
///
/// `a`, `b` NULL or live handles; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_parts_availability_table_merge(
    a: *const NpsPartsAvailabilityTable,
    b: *const NpsPartsAvailabilityTable,
    out: *mut *mut NpsPartsAvailabilityTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees.
        let (a, b) = unsafe {
            (
                NpsPartsAvailabilityTable::try_ref(a, "a")?,
                NpsPartsAvailabilityTable::try_ref(b, "b")?,
            )
        };
        let t = a.merge(b)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsPartsAvailabilityTable::write_new(out, t) };
        Ok(())
    })
}

/// Copies the saved state of a parts table (UTF-8 JSON bytes, not
/// NUL-terminated) into `out`, as `nps_kpi_table_to_state`; load it with
/// `nps_kpi_parts_availability_table_from_state`.
///
/// # Safety
///
/// `table` NULL or a live handle; `out` NULL or writable for `capacity`
/// bytes; `len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_parts_availability_table_to_state(
    table: *const NpsPartsAvailabilityTable,
    out: *mut u8,
    capacity: usize,
    len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantees.
        let t = unsafe { NpsPartsAvailabilityTable::try_ref(table, "table") }?;
        // SAFETY: caller guarantees on out and len.
        unsafe { crate::kpi::state_out(t, out, capacity, len) }
    })
}

/// Loads a parts table from `len` bytes written by
/// `nps_kpi_parts_availability_table_to_state`
/// (`NPS_STATUS_INVALID_ARGUMENT` naming `state` for anything else).
///
/// # Safety
///
/// `state` NULL (with `len == 0`) or readable for `len` bytes; `out`
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_parts_availability_table_from_state(
    state: *const u8,
    len: usize,
    out: *mut *mut NpsPartsAvailabilityTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { crate::kpi::state_in::<PartsAvailability>(state, len) }?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsPartsAvailabilityTable::write_new(out, t) };
        Ok(())
    })
}

/// Releases an `NpsPartsAvailabilityTable`. NULL is accepted (and
/// ignored).
///
/// # Safety
///
/// `table` NULL or a handle from this library not yet freed, used by no
/// other thread.
#[no_mangle]
pub unsafe extern "C" fn nps_kpi_parts_availability_table_free(
    table: *mut NpsPartsAvailabilityTable,
) {
    // SAFETY: forwarded caller guarantee.
    ffi_value!((), { unsafe { NpsPartsAvailabilityTable::free(table) } })
}
