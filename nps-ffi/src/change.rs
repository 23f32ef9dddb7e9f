//! Change tests for shares and counts: `nps_compare_shares`,
//! `nps_compare_counts` and their adjusted families (nps-core's
//! `compare_shares`, `compare_counts`, `compare_shares_many`,
//! `compare_counts_many`). Shares are proportions in [0, 1].

use nps_core::{
    AdjustedChange, ChangeManyOptions, ChangeOptions, CountChange, CountExposure, ShareChange,
    ShareCounts,
};

use crate::ffi::{self, FfiError, NpsStatus};
use crate::stats::{adjust_of, adjust_to_c, alternative_of, alternative_to_c};

/// Options of `nps_compare_shares` and `nps_compare_counts` (nps-core's
/// `ChangeOptions`). Start from `nps_change_options_default()`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsChangeOptions {
    /// Confidence level of the (two-sided) interval, in [1e-6, 1 − 1e-12]
    /// (default 0.95).
    pub confidence: f64,
    /// An `NpsAlternative` for the test (default
    /// `NPS_ALTERNATIVE_TWO_SIDED`; greater = the first is larger).
    pub alternative: u32,
}

/// Options of `nps_compare_shares_many` and `nps_compare_counts_many`
/// (nps-core's `ChangeManyOptions`). Start from
/// `nps_change_many_options_default()`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsChangeManyOptions {
    /// Options of every comparison; the significance level is
    /// `1 − change.confidence`.
    pub change: NpsChangeOptions,
    /// An `NpsAdjust` (default `NPS_ADJUST_HOLM`).
    pub adjust: u32,
}

/// A share: `k` of `n` (n > 0, k <= n).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsShareCounts {
    /// Cases with the property (e.g. negative posts).
    pub k: u64,
    /// All cases.
    pub n: u64,
}

/// A count over an exposure (finite and > 0; 1.0 for "a period").
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsCountExposure {
    /// Events counted (e.g. complaints).
    pub count: u64,
    /// The exposure they were counted over.
    pub exposure: f64,
}

/// The result of `nps_compare_shares`: first − second, as proportions.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsShareChange {
    /// k1/n1.
    pub first: f64,
    /// k2/n2.
    pub second: f64,
    /// first − second.
    pub difference: f64,
    /// Newcombe's hybrid score interval of the difference: lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
    /// The confidence level of the interval.
    pub confidence: f64,
    /// Pooled score statistic z (0 when both shares are 0 or both 1).
    pub statistic: f64,
    /// p-value under `alternative` (may underflow to 0; see `ln_p_value`).
    pub p_value: f64,
    /// Natural log of the p-value, finite even where `p_value` is 0.
    pub ln_p_value: f64,
    /// The `NpsAlternative` of the test.
    pub alternative: u32,
    /// first / second; meaningful only when `has_ratio`.
    pub ratio: f64,
    /// false when the second share is 0 (`ratio` is then 0).
    pub has_ratio: bool,
}

/// The result of `nps_compare_counts`: the rate ratio first / second.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsCountChange {
    /// c1/e1.
    pub first_rate: f64,
    /// c2/e2.
    pub second_rate: f64,
    /// The rate ratio; +INFINITY when c2 is 0.
    pub ratio: f64,
    /// ratio − 1: the relative change (1.27 = +127 %).
    pub change: f64,
    /// Exact conditional (Clopper–Pearson) interval of the ratio: lower
    /// bound (0 when c1 is 0).
    pub low: f64,
    /// Upper bound (+INFINITY when c2 is 0).
    pub high: f64,
    /// The confidence level of the interval.
    pub confidence: f64,
    /// Exact conditional p-value of ratio = 1 (may underflow to 0).
    pub p_value: f64,
    /// Natural log of the p-value, finite even where `p_value` is 0.
    pub ln_p_value: f64,
    /// The `NpsAlternative` of the test.
    pub alternative: u32,
}

/// One comparison of `nps_compare_shares_many`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsAdjustedShareChange {
    /// The comparison with its raw p-value.
    pub result: NpsShareChange,
    /// The p-value adjusted for the family.
    pub p_adjusted: f64,
    /// Natural log of `p_adjusted`.
    pub ln_p_adjusted: f64,
    /// `p_adjusted <= 1 − confidence`.
    pub significant: bool,
}

/// One comparison of `nps_compare_counts_many`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsAdjustedCountChange {
    /// The comparison with its raw p-value.
    pub result: NpsCountChange,
    /// The p-value adjusted for the family.
    pub p_adjusted: f64,
    /// Natural log of `p_adjusted`.
    pub ln_p_adjusted: f64,
    /// `p_adjusted <= 1 − confidence`.
    pub significant: bool,
}

impl NpsChangeOptions {
    fn to_core(self) -> Result<ChangeOptions, FfiError> {
        Ok(ChangeOptions {
            confidence: self.confidence,
            alternative: alternative_of(self.alternative)?,
        })
    }

    fn of(o: ChangeOptions) -> NpsChangeOptions {
        NpsChangeOptions {
            confidence: o.confidence,
            alternative: alternative_to_c(o.alternative),
        }
    }
}

impl NpsChangeManyOptions {
    fn to_core(self) -> Result<ChangeManyOptions, FfiError> {
        Ok(ChangeManyOptions {
            change: self.change.to_core()?,
            adjust: adjust_of(self.adjust)?,
        })
    }

    fn of(o: ChangeManyOptions) -> NpsChangeManyOptions {
        NpsChangeManyOptions {
            change: NpsChangeOptions::of(o.change),
            adjust: adjust_to_c(o.adjust),
        }
    }
}

fn share_of(s: NpsShareCounts) -> ShareCounts {
    ShareCounts { k: s.k, n: s.n }
}

fn count_of(c: NpsCountExposure) -> CountExposure {
    CountExposure {
        count: c.count,
        exposure: c.exposure,
    }
}

fn share_change_to_c(r: &ShareChange) -> NpsShareChange {
    NpsShareChange {
        first: r.first,
        second: r.second,
        difference: r.difference,
        low: r.interval.low,
        high: r.interval.high,
        confidence: r.interval.confidence,
        statistic: r.statistic,
        p_value: r.p_value,
        ln_p_value: r.ln_p_value,
        alternative: alternative_to_c(r.alternative),
        ratio: r.ratio.unwrap_or(0.0),
        has_ratio: r.ratio.is_some(),
    }
}

fn count_change_to_c(r: &CountChange) -> NpsCountChange {
    NpsCountChange {
        first_rate: r.first_rate,
        second_rate: r.second_rate,
        ratio: r.ratio,
        change: r.change,
        low: r.interval.low,
        high: r.interval.high,
        confidence: r.interval.confidence,
        p_value: r.p_value,
        ln_p_value: r.ln_p_value,
        alternative: alternative_to_c(r.alternative),
    }
}

/// The default change-test options, converted from nps-core's
/// `ChangeOptions::default()` (0.95, two-sided).
#[no_mangle]
pub extern "C" fn nps_change_options_default() -> NpsChangeOptions {
    ffi_value!(NpsChangeOptions::of(ChangeOptions::default()), {
        NpsChangeOptions::of(ChangeOptions::default())
    })
}

/// The default options of the change-test families, converted from
/// nps-core's `ChangeManyOptions::default()` (Holm's adjustment).
#[no_mangle]
pub extern "C" fn nps_change_many_options_default() -> NpsChangeManyOptions {
    ffi_value!(NpsChangeManyOptions::of(ChangeManyOptions::default()), {
        NpsChangeManyOptions::of(ChangeManyOptions::default())
    })
}

/// first − second for two shares (e.g. negative posts 38 of 100 against 15
/// of 100): Newcombe's hybrid score interval, the pooled score test and
/// the ratio. `options` may be NULL for `nps_change_options_default()`.
/// n = 0 is `NPS_STATUS_NO_DATA`; k > n is `NPS_STATUS_INVALID_ARGUMENT`
/// naming `first` or `second`.
///
/// # Safety
///
/// `first` and `second` must be NULL or valid, `options` NULL or valid,
/// `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_compare_shares(
    first: *const NpsShareCounts,
    second: *const NpsShareCounts,
    options: *const NpsChangeOptions,
    out: *mut NpsShareChange,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: forwarded caller guarantees.
        let (a, b, o) = unsafe {
            (
                *ffi::reference(first, "first")?,
                *ffi::reference(second, "second")?,
                ffi::options_or_default(options, NpsChangeOptions::to_core)?,
            )
        };
        let r = nps_core::compare_shares(share_of(a), share_of(b), &o)?;
        // SAFETY: checked; the caller guarantees it is writable.
        unsafe { out.write(share_change_to_c(&r)) };
        Ok(())
    })
}

/// The rate ratio first / second of two counts over exposures (e.g.
/// complaints this year against last year), with the exact conditional
/// interval and test. `options` may be NULL for
/// `nps_change_options_default()`. Both counts 0 is `NPS_STATUS_NO_DATA`;
/// an exposure that is not finite and > 0 is `NPS_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
///
/// As `nps_compare_shares`.
#[no_mangle]
pub unsafe extern "C" fn nps_compare_counts(
    first: *const NpsCountExposure,
    second: *const NpsCountExposure,
    options: *const NpsChangeOptions,
    out: *mut NpsCountChange,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: forwarded caller guarantees.
        let (a, b, o) = unsafe {
            (
                *ffi::reference(first, "first")?,
                *ffi::reference(second, "second")?,
                ffi::options_or_default(options, NpsChangeOptions::to_core)?,
            )
        };
        let r = nps_core::compare_counts(count_of(a), count_of(b), &o)?;
        // SAFETY: checked; the caller guarantees it is writable.
        unsafe { out.write(count_change_to_c(&r)) };
        Ok(())
    })
}

/// Many share comparisons (pair i is `first[i]` − `second[i]`) with the
/// p-values adjusted for the family (Holm by default). `out` receives
/// `len` results and is written only on success; an error about one pair
/// has its index in `nps_last_error_index()`.
///
/// # Safety
///
/// `first`, `second` NULL or `len` valid values each; `options` NULL or
/// valid; `out` NULL or writable for `len` results.
#[no_mangle]
pub unsafe extern "C" fn nps_compare_shares_many(
    first: *const NpsShareCounts,
    second: *const NpsShareCounts,
    len: usize,
    options: *const NpsChangeManyOptions,
    out: *mut NpsAdjustedShareChange,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: forwarded caller guarantees.
        let (a, b, o, out) = unsafe {
            (
                ffi::slice(first, len, "first")?,
                ffi::slice(second, len, "second")?,
                ffi::options_or_default(options, NpsChangeManyOptions::to_core)?,
                ffi::out_slice(out, len, "out")?,
            )
        };
        let pairs: Vec<_> = a
            .iter()
            .zip(b)
            .map(|(&a, &b)| (share_of(a), share_of(b)))
            .collect();
        let r = nps_core::compare_shares_many(&pairs, &o)?;
        for (slot, r) in out.iter_mut().zip(&r) {
            *slot = adjusted(r, share_change_to_c, |result, p, ln_p, s| {
                NpsAdjustedShareChange {
                    result,
                    p_adjusted: p,
                    ln_p_adjusted: ln_p,
                    significant: s,
                }
            });
        }
        Ok(())
    })
}

/// Many count comparisons (pair i is `first[i]` / `second[i]`) with the
/// p-values adjusted for the family, as `nps_compare_shares_many`.
///
/// # Safety
///
/// As `nps_compare_shares_many`.
#[no_mangle]
pub unsafe extern "C" fn nps_compare_counts_many(
    first: *const NpsCountExposure,
    second: *const NpsCountExposure,
    len: usize,
    options: *const NpsChangeManyOptions,
    out: *mut NpsAdjustedCountChange,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: forwarded caller guarantees.
        let (a, b, o, out) = unsafe {
            (
                ffi::slice(first, len, "first")?,
                ffi::slice(second, len, "second")?,
                ffi::options_or_default(options, NpsChangeManyOptions::to_core)?,
                ffi::out_slice(out, len, "out")?,
            )
        };
        let pairs: Vec<_> = a
            .iter()
            .zip(b)
            .map(|(&a, &b)| (count_of(a), count_of(b)))
            .collect();
        let r = nps_core::compare_counts_many(&pairs, &o)?;
        for (slot, r) in out.iter_mut().zip(&r) {
            *slot = adjusted(r, count_change_to_c, |result, p, ln_p, s| {
                NpsAdjustedCountChange {
                    result,
                    p_adjusted: p,
                    ln_p_adjusted: ln_p,
                    significant: s,
                }
            });
        }
        Ok(())
    })
}

fn adjusted<T, C, A>(
    r: &AdjustedChange<T>,
    convert: impl Fn(&T) -> C,
    make: impl Fn(C, f64, f64, bool) -> A,
) -> A {
    make(
        convert(&r.result),
        r.p_adjusted,
        r.ln_p_adjusted,
        r.significant,
    )
}
