//! Estimate accuracy (`nps_core::kpi::estimate_accuracy`: the quote
//! against the final bill per repair order, in integer money) and parts
//! availability (`nps_core::kpi::parts_availability`).

use std::ffi::c_char;

use nps_core::kpi::{self, Distribution, EstimateOptions, Grouping};

use crate::ffi::{self, FfiError, NpsStatus};
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
        let opts = unsafe {
            ffi::options_or_default(options, |o: NpsEstimateOptions| {
                Ok::<_, FfiError>(EstimateOptions {
                    tolerance: o.tolerance,
                    currency: currency_of(&o.currency, "currency")?,
                })
            })?
        };
        let e = kpi::estimate_accuracy(q, f, a, c.as_deref(), &opts, &Grouping::default())?;
        // SAFETY: checked by ffi::out.
        unsafe {
            out.write(NpsEstimateAccuracy {
                within: kpi_to_c(&e.within.overall),
                unapproved: kpi_to_c(&e.unapproved.overall),
                unapproved_minor: e.unapproved_minor,
                overrun_minor: dist_to_c(&e.overrun_minor),
                overrun_relative: dist_to_c(&e.overrun_relative),
            })
        };
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
        unsafe {
            out.write(NpsPartsAvailability {
                fill_rate: kpi_to_c(&p.fill_rate.overall),
                delayed_ros: kpi_to_c(&p.delayed_ros),
                wait_s: dist_to_c(&p.wait_s),
            })
        };
        Ok(())
    })
}
