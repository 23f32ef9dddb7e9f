//! Statistics, intervals, tests, comparisons and sample sizes.
//!
//! Every statistic exists for `NpsTally` (`nps_tally_*`) and for
//! `NpsWeightedTally` (`nps_weighted_tally_*`, computed on Kish-effective
//! counts). All values are in points (−100…+100; variances in points²). A
//! sample without responses gives `NPS_STATUS_NO_DATA`, never NaN or 0.

use std::ffi::c_char;

use nps_core::{
    Adjust, AdjustedComparison, Alternative, CompareManyOptions, Credible, IntervalKind,
    IntervalOptions, NpsSample, SampleSizeOptions, Tally, TestKind, TestOptions, TestResult,
    WeightedTally,
};

use crate::ffi::{self, CEnum, FfiError, NpsStatus};
use crate::tally::{load_tally, load_weighted, NpsTally, NpsWeightedTally};

/// Interval method. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsIntervalMethod {
    /// NPS ± z·SE (collapses to a point when only one category occurs).
    Wald = 0,
    /// Wald after adding pseudo-counts (`pseudo`, optionally clipped).
    AdjustedWald = 1,
    /// Tango's score interval (the recommended default).
    Score = 2,
    /// Bayesian credible interval under a Dirichlet `prior`.
    Bayes = 3,
}

c_enum!(NpsIntervalMethod {
    Wald,
    AdjustedWald,
    Score,
    Bayes
});

/// Kind of Bayesian credible interval. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsCredible {
    /// Equal posterior mass in each tail.
    EqualTailed = 0,
    /// Highest posterior density (the shortest interval).
    Hpd = 1,
}

c_enum!(NpsCredible { EqualTailed, Hpd });

/// Method of a one-sample test or a two-sample comparison. Passed as
/// `uint32_t`; the values equal the matching `NpsIntervalMethod` values.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsTestMethod {
    /// z test with the plain standard error.
    Wald = 0,
    /// z test after adding pseudo-counts to each sample.
    AdjustedWald = 1,
}

c_enum!(NpsTestMethod { Wald, AdjustedWald });

/// Alternative hypothesis of a test. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsAlternative {
    /// The difference is not zero.
    TwoSided = 0,
    /// The difference is greater than zero.
    Greater = 1,
    /// The difference is less than zero.
    Less = 2,
}

c_enum!(NpsAlternative {
    TwoSided,
    Greater,
    Less
});

/// Options of an interval. Start from `nps_interval_options_default()` and
/// change what you need. A field that the method does not use must keep its
/// default value (otherwise `NPS_STATUS_INVALID_ARGUMENT` naming it: the
/// rule of nps-core's `IntervalOptions`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsIntervalOptions {
    /// An `NpsIntervalMethod` (default `NPS_INTERVAL_METHOD_SCORE`).
    pub method: u32,
    /// Confidence (or credible) level in nps-core's `CONFIDENCE_RANGE`
    /// [1e-6, 1 − 1e-12] (else `NPS_STATUS_INVALID_ARGUMENT`; default:
    /// `nps_default_confidence()`).
    pub confidence: f64,
    /// Adjusted Wald: pseudo-counts added to detractors, passives, promoters
    /// (default: nps-core's; finite and >= 0).
    pub pseudo: [f64; 3],
    /// Adjusted Wald: clip the bounds to [−100, 100] (default false).
    pub clip: bool,
    /// Bayes: Dirichlet prior for detractors, passives, promoters (default:
    /// nps-core's uniform prior).
    pub prior: [f64; 3],
    /// Bayes: an `NpsCredible` (default `NPS_CREDIBLE_EQUAL_TAILED`).
    pub credible: u32,
}

/// A confidence or credible interval in points.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsInterval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
    /// Centre: the NPS for Wald and score, the adjusted centre for adjusted
    /// Wald, the posterior mean for Bayes, the difference for tests.
    pub center: f64,
    /// The confidence level.
    pub confidence: f64,
    /// The `NpsIntervalMethod` used.
    pub method: u32,
}

/// Multiplicity adjustment of `nps_compare_many`. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsAdjust {
    /// Holm's step-down method (family-wise error rate; the default).
    Holm = 0,
    /// Benjamini–Hochberg's step-up method (false discovery rate).
    BenjaminiHochberg = 1,
    /// No adjustment: `p_adjusted` is the raw p-value.
    None = 2,
}

c_enum!(NpsAdjust {
    Holm,
    BenjaminiHochberg,
    None
});

/// Options of a test or comparison. Start from `nps_test_options_default()`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsTestOptions {
    /// An `NpsTestMethod` (default `NPS_TEST_METHOD_ADJUSTED_WALD`).
    pub method: u32,
    /// Adjusted Wald: pseudo-counts added to each sample (default: nps-core's;
    /// must keep the default with `NPS_TEST_METHOD_WALD`).
    pub pseudo: [f64; 3],
    /// An `NpsAlternative` (default `NPS_ALTERNATIVE_TWO_SIDED`).
    pub alternative: u32,
    /// Confidence level of the interval of the difference, in nps-core's `CONFIDENCE_RANGE`
    /// [1e-6, 1 − 1e-12] (else `NPS_STATUS_INVALID_ARGUMENT`; default:
    /// `nps_default_confidence()`).
    pub confidence: f64,
}

/// Result of a test or comparison, in points.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsTestResult {
    /// NPS − benchmark (one sample) or a − b (two samples), signed.
    pub difference: f64,
    /// Standard error of the difference.
    pub se: f64,
    /// z statistic: difference / se.
    pub statistic: f64,
    /// p-value under the alternative (may underflow to 0; see `ln_p_value`).
    pub p_value: f64,
    /// Natural log of the p-value, finite even where `p_value` is 0.
    pub ln_p_value: f64,
    /// Two-sided confidence interval of the difference.
    pub interval: NpsInterval,
    /// The `NpsAlternative` used.
    pub alternative: u32,
}

/// Options of `nps_compare_many` (nps-core's `CompareManyOptions`). Start
/// from `nps_compare_many_options_default()`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsCompareManyOptions {
    /// Options of every comparison (default: `nps_test_options_default()`).
    /// The significance level of `significant` is `1 − test.confidence`.
    pub test: NpsTestOptions,
    /// An `NpsAdjust` (default `NPS_ADJUST_HOLM`).
    pub adjust: u32,
}

/// One comparison of `nps_compare_many`, in points.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsAdjustedComparison {
    /// The comparison a − b with its raw p-value (as `nps_compare`).
    pub result: NpsTestResult,
    /// The p-value adjusted for the family (>= the raw one, <= 1; may
    /// underflow to 0, see `ln_p_adjusted`).
    pub p_adjusted: f64,
    /// Natural log of `p_adjusted`, finite even where it is 0.
    pub ln_p_adjusted: f64,
    /// `p_adjusted <= 1 − confidence`.
    pub significant: bool,
}

/// Category shares (fractions 0..=1 that sum to 1).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsShares {
    /// Share of detractors.
    pub detractors: f64,
    /// Share of passives.
    pub passives: f64,
    /// Share of promoters.
    pub promoters: f64,
}

fn credible_of(v: u32) -> Result<Credible, FfiError> {
    Ok(match NpsCredible::parse(v, "credible")? {
        NpsCredible::EqualTailed => Credible::EqualTailed,
        NpsCredible::Hpd => Credible::Hpd,
    })
}

fn credible_to_c(c: Credible) -> u32 {
    match c {
        Credible::EqualTailed => NpsCredible::EqualTailed,
        Credible::Hpd => NpsCredible::Hpd,
    }
    .to_u32()
}

pub(crate) fn alternative_of(v: u32) -> Result<Alternative, FfiError> {
    Ok(match NpsAlternative::parse(v, "alternative")? {
        NpsAlternative::TwoSided => Alternative::TwoSided,
        NpsAlternative::Greater => Alternative::Greater,
        NpsAlternative::Less => Alternative::Less,
    })
}

pub(crate) fn alternative_to_c(a: Alternative) -> u32 {
    match a {
        Alternative::TwoSided => NpsAlternative::TwoSided,
        Alternative::Greater => NpsAlternative::Greater,
        Alternative::Less => NpsAlternative::Less,
    }
    .to_u32()
}

fn interval_kind_of(m: NpsIntervalMethod) -> IntervalKind {
    match m {
        NpsIntervalMethod::Wald => IntervalKind::Wald,
        NpsIntervalMethod::AdjustedWald => IntervalKind::AdjustedWald,
        NpsIntervalMethod::Score => IntervalKind::Score,
        NpsIntervalMethod::Bayes => IntervalKind::Bayes,
    }
}

/// The C value of a method name reported by `nps-core`.
fn interval_method_by_name(name: &str) -> u32 {
    NpsIntervalMethod::ALL
        .iter()
        .copied()
        .find(|m| interval_kind_of(*m).name() == name)
        // Every name nps-core reports belongs to one of the four methods.
        .map_or(u32::MAX, |m| m as u32)
}

impl NpsIntervalOptions {
    /// The core options (validated by nps-core).
    fn to_core(self) -> Result<IntervalOptions, FfiError> {
        Ok(IntervalOptions {
            method: interval_kind_of(NpsIntervalMethod::parse(self.method, "method")?),
            confidence: self.confidence,
            pseudo: self.pseudo,
            clip: self.clip,
            prior: self.prior,
            credible: credible_of(self.credible)?,
        })
    }

    /// `IntervalOptions::default()` converted.
    fn default_value() -> NpsIntervalOptions {
        let d = IntervalOptions::default();
        NpsIntervalOptions {
            method: interval_method_by_name(d.method.name()),
            confidence: d.confidence,
            pseudo: d.pseudo,
            clip: d.clip,
            prior: d.prior,
            credible: credible_to_c(d.credible),
        }
    }
}

impl NpsTestOptions {
    /// The core options (validated by nps-core).
    fn to_core(self) -> Result<TestOptions, FfiError> {
        let method = match NpsTestMethod::parse(self.method, "method")? {
            NpsTestMethod::Wald => TestKind::Wald,
            NpsTestMethod::AdjustedWald => TestKind::AdjustedWald,
        };
        Ok(TestOptions {
            method,
            pseudo: self.pseudo,
            alternative: alternative_of(self.alternative)?,
            confidence: self.confidence,
        })
    }

    /// `TestOptions::default()` converted.
    fn default_value() -> NpsTestOptions {
        let d = TestOptions::default();
        NpsTestOptions {
            method: interval_method_by_name(d.method.name()),
            pseudo: d.pseudo,
            alternative: alternative_to_c(d.alternative),
            confidence: d.confidence,
        }
    }
}

pub(crate) fn adjust_of(v: u32) -> Result<Adjust, FfiError> {
    Ok(match NpsAdjust::parse(v, "adjust")? {
        NpsAdjust::Holm => Adjust::Holm,
        NpsAdjust::BenjaminiHochberg => Adjust::BenjaminiHochberg,
        NpsAdjust::None => Adjust::None,
    })
}

pub(crate) fn adjust_to_c(a: Adjust) -> u32 {
    match a {
        Adjust::Holm => NpsAdjust::Holm,
        Adjust::BenjaminiHochberg => NpsAdjust::BenjaminiHochberg,
        Adjust::None => NpsAdjust::None,
    }
    .to_u32()
}

impl NpsCompareManyOptions {
    /// The core options (validated by nps-core).
    fn to_core(self) -> Result<CompareManyOptions, FfiError> {
        Ok(CompareManyOptions {
            test: self.test.to_core()?,
            adjust: adjust_of(self.adjust)?,
        })
    }

    /// `CompareManyOptions::default()` converted.
    fn default_value() -> NpsCompareManyOptions {
        let d = CompareManyOptions::default();
        NpsCompareManyOptions {
            test: NpsTestOptions::default_value(),
            adjust: adjust_to_c(d.adjust),
        }
    }
}

fn interval_to_c(i: &nps_core::Interval) -> NpsInterval {
    NpsInterval {
        low: i.low,
        high: i.high,
        center: i.center,
        confidence: i.confidence,
        method: interval_method_by_name(i.method),
    }
}

pub(crate) fn test_result_to_c(r: &TestResult) -> NpsTestResult {
    NpsTestResult {
        difference: r.difference,
        se: r.se,
        statistic: r.statistic,
        p_value: r.p_value,
        ln_p_value: r.ln_p_value,
        interval: interval_to_c(&r.interval),
        alternative: alternative_to_c(r.alternative),
    }
}

/// The default interval options, converted from nps-core's
/// `IntervalOptions::default()` (the score method at the default
/// confidence; `tests/golden/defaults_vectors.json` lists every value).
#[no_mangle]
pub extern "C" fn nps_interval_options_default() -> NpsIntervalOptions {
    ffi_value!(NpsIntervalOptions::default_value(), {
        NpsIntervalOptions::default_value()
    })
}

/// The default test options, converted from nps-core's
/// `TestOptions::default()`: adjusted Wald, two-sided, at the default
/// confidence. Adjusted Wald stays defined when a sample has every response in one
/// category (Wald's standard error is 0 there) and covers better at small n.
#[no_mangle]
pub extern "C" fn nps_test_options_default() -> NpsTestOptions {
    ffi_value!(NpsTestOptions::default_value(), {
        NpsTestOptions::default_value()
    })
}

/// The default options of `nps_compare_many`, converted from nps-core's
/// `CompareManyOptions::default()`: `nps_test_options_default()` and Holm's
/// adjustment.
#[no_mangle]
pub extern "C" fn nps_compare_many_options_default() -> NpsCompareManyOptions {
    ffi_value!(NpsCompareManyOptions::default_value(), {
        NpsCompareManyOptions::default_value()
    })
}

/// The stable name of an `NpsIntervalMethod` (`"wald"`, `"adjusted_wald"`,
/// `"score"`, `"bayes"`), or `"unknown"`. Static: do not free.
#[no_mangle]
pub extern "C" fn nps_interval_method_name(method: u32) -> *const c_char {
    ffi_value!(ffi::text::static_c_str("unknown"), {
        let name =
            NpsIntervalMethod::from_u32(method).map_or("unknown", |m| interval_kind_of(m).name());
        ffi::text::static_c_str(name)
    })
}

/// A C sample type: how to read it and the statistics it supports.
trait CSample {
    type Core: NpsSample;
    /// # Safety
    /// `ptr` must be NULL or point to a valid value.
    unsafe fn load(ptr: *const Self, name: &'static str) -> Result<Self::Core, FfiError>;
    fn mean(core: &Self::Core) -> nps_core::Result<f64>;
}

impl CSample for NpsTally {
    type Core = Tally;
    unsafe fn load(ptr: *const Self, name: &'static str) -> Result<Tally, FfiError> {
        // SAFETY: forwarded caller guarantee.
        unsafe { load_tally(ptr, name) }
    }
    fn mean(core: &Tally) -> nps_core::Result<f64> {
        core.mean_score()
    }
}

impl CSample for NpsWeightedTally {
    type Core = WeightedTally;
    unsafe fn load(ptr: *const Self, name: &'static str) -> Result<WeightedTally, FfiError> {
        // SAFETY: forwarded caller guarantee.
        unsafe { load_weighted(ptr, name) }
    }
    fn mean(core: &WeightedTally) -> nps_core::Result<f64> {
        core.mean_score()
    }
}

/// Reads a sample, computes `f` and writes the result on success.
///
/// # Safety
///
/// `sample` must be NULL or point to a valid value; `out` must be NULL or
/// writable.
unsafe fn stat<C: CSample, R>(
    sample: *const C,
    out: *mut R,
    f: impl FnOnce(&C::Core) -> Result<R, FfiError>,
) -> Result<(), FfiError> {
    let out = ffi::out(out, "out")?;
    // SAFETY: forwarded caller guarantee.
    let s = unsafe { C::load(sample, "tally") }?;
    let r = f(&s)?;
    // SAFETY: out was checked; the caller guarantees it is writable.
    unsafe { out.write(r) };
    Ok(())
}

fn shares_to_c(s: nps_core::Shares) -> NpsShares {
    NpsShares {
        detractors: s.detractors,
        passives: s.passives,
        promoters: s.promoters,
    }
}

/// The core interval options of C options; NULL is
/// `IntervalOptions::default()`.
///
/// # Safety
/// `options` must be NULL or point to valid options.
pub(crate) unsafe fn interval_options(
    options: *const NpsIntervalOptions,
) -> Result<IntervalOptions, FfiError> {
    // SAFETY: forwarded caller guarantee.
    unsafe { ffi::options_or_default(options, NpsIntervalOptions::to_core) }
}

/// # Safety
/// `options` must be NULL or point to valid options.
unsafe fn interval_of<S: NpsSample>(
    s: &S,
    options: *const NpsIntervalOptions,
) -> Result<NpsInterval, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let opts = unsafe { interval_options(options) }?;
    Ok(interval_to_c(&s.interval_with(&opts)?))
}

/// The core options of C options; NULL is `TestOptions::default()`.
fn test_options(options: Option<&NpsTestOptions>) -> Result<TestOptions, FfiError> {
    options.map_or_else(|| Ok(TestOptions::default()), |o| o.to_core())
}

/// # Safety
/// As the exported test functions.
unsafe fn test_of<C: CSample>(
    sample: *const C,
    benchmark: f64,
    options: *const NpsTestOptions,
    out: *mut NpsTestResult,
) -> Result<(), FfiError> {
    // SAFETY: forwarded caller guarantee.
    let opts = unsafe { ffi::opt_reference(options, "options") }?;
    let options = test_options(opts)?;
    // SAFETY: forwarded caller guarantees.
    unsafe {
        stat(sample, out, |s| {
            let r = nps_core::test_benchmark(s, benchmark, &options)?;
            Ok(test_result_to_c(&r))
        })
    }
}

/// # Safety
/// As the exported comparison functions.
unsafe fn compare_of<C: CSample>(
    a: *const C,
    b: *const C,
    options: *const NpsTestOptions,
    out: *mut NpsTestResult,
) -> Result<(), FfiError> {
    let out = ffi::out(out, "out")?;
    // SAFETY: forwarded caller guarantees.
    let (opts, a, b) = unsafe {
        (
            ffi::opt_reference(options, "options")?,
            C::load(a, "a")?,
            C::load(b, "b")?,
        )
    };
    let r = nps_core::compare(&a, &b, &test_options(opts)?)?;
    // SAFETY: out was checked; the caller guarantees it is writable.
    unsafe { out.write(test_result_to_c(&r)) };
    Ok(())
}

/// # Safety
/// As the exported `compare_many` functions.
unsafe fn compare_many_of<C: CSample>(
    a: *const C,
    b: *const C,
    len: usize,
    options: *const NpsCompareManyOptions,
    out: *mut NpsAdjustedComparison,
) -> Result<(), FfiError> {
    // SAFETY: forwarded caller guarantees.
    let (options, a, b, out) = unsafe {
        (
            ffi::options_or_default(options, NpsCompareManyOptions::to_core)?,
            ffi::slice(a, len, "a")?,
            ffi::slice(b, len, "b")?,
            ffi::out_slice(out, len, "out")?,
        )
    };
    // A tally that cannot be read is an error about its pair.
    let in_pair = |i: usize| {
        move |e: FfiError| match e {
            FfiError::Core(core) => FfiError::Core(core.in_pair(i)),
            other => other,
        }
    };
    let loaded = a
        .iter()
        .zip(b)
        .enumerate()
        .map(|(i, (a, b))| {
            // SAFETY: references into the caller's arrays.
            let a = unsafe { C::load(a, "a") }.map_err(in_pair(i))?;
            // SAFETY: as above.
            let b = unsafe { C::load(b, "b") }.map_err(in_pair(i))?;
            Ok((a, b))
        })
        .collect::<Result<Vec<_>, FfiError>>()?;
    let pairs: Vec<(&C::Core, &C::Core)> = loaded.iter().map(|(a, b)| (a, b)).collect();
    let results = nps_core::compare_many(&pairs, &options)?;
    for (slot, r) in out.iter_mut().zip(&results) {
        *slot = adjusted_to_c(r);
    }
    Ok(())
}

fn adjusted_to_c(r: &AdjustedComparison) -> NpsAdjustedComparison {
    NpsAdjustedComparison {
        result: test_result_to_c(&r.result),
        p_adjusted: r.p_adjusted,
        ln_p_adjusted: r.ln_p_adjusted,
        significant: r.significant,
    }
}

/// NPS in points: 100·(promoters − detractors)/n.
///
/// # Safety
///
/// `tally` must be NULL or point to a valid tally; `out` must be NULL or
/// writable. (The same holds for every `nps_tally_*` statistic below.)
#[no_mangle]
pub unsafe extern "C" fn nps_tally_nps(tally: *const NpsTally, out: *mut f64) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { stat(tally, out, |s| Ok(s.nps()?)) } })
}

/// Category shares.
///
/// # Safety
///
/// As `nps_tally_nps`.
#[no_mangle]
pub unsafe extern "C" fn nps_tally_shares(
    tally: *const NpsTally,
    out: *mut NpsShares,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { stat(tally, out, |s| Ok(shares_to_c(s.shares()?))) } })
}

/// Mean score 0..=10. `NPS_STATUS_NO_DATA` for an empty tally or one
/// without per-score counts.
///
/// # Safety
///
/// As `nps_tally_nps`.
#[no_mangle]
pub unsafe extern "C" fn nps_tally_mean(tally: *const NpsTally, out: *mut f64) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { stat(tally, out, |s| Ok(NpsTally::mean(s)?)) } })
}

/// Per-respondent variance of the NPS score (+100 / 0 / −100), points².
///
/// # Safety
///
/// As `nps_tally_nps`.
#[no_mangle]
pub unsafe extern "C" fn nps_tally_variance(tally: *const NpsTally, out: *mut f64) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { stat(tally, out, |s| Ok(s.variance()?)) } })
}

/// Standard error of the NPS in points.
///
/// # Safety
///
/// As `nps_tally_nps`.
#[no_mangle]
pub unsafe extern "C" fn nps_tally_se(tally: *const NpsTally, out: *mut f64) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { stat(tally, out, |s| Ok(s.se()?)) } })
}

/// Margin of error (half-width of the Wald interval) at `confidence`, in points.
///
/// # Safety
///
/// As `nps_tally_nps`.
#[no_mangle]
pub unsafe extern "C" fn nps_tally_margin(
    tally: *const NpsTally,
    confidence: f64,
    out: *mut f64,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { stat(tally, out, |s| Ok(s.margin_of_error(confidence)?)) } })
}

/// A confidence (or credible) interval. `options` may be NULL for the
/// defaults of `nps_interval_options_default()`.
///
/// # Safety
///
/// As `nps_tally_nps`; `options` must be NULL or point to valid options.
#[no_mangle]
pub unsafe extern "C" fn nps_tally_interval(
    tally: *const NpsTally,
    options: *const NpsIntervalOptions,
    out: *mut NpsInterval,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { stat(tally, out, |s| interval_of(s, options)) } })
}

/// NPS of a weighted tally (on Kish-effective counts).
///
/// # Safety
///
/// `tally` must be NULL or point to a valid weighted tally; `out` must be
/// NULL or writable. (The same holds for every `nps_weighted_tally_*`
/// statistic below.)
#[no_mangle]
pub unsafe extern "C" fn nps_weighted_tally_nps(
    tally: *const NpsWeightedTally,
    out: *mut f64,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { stat(tally, out, |s| Ok(s.nps()?)) } })
}

/// Weighted category shares.
///
/// # Safety
///
/// As `nps_weighted_tally_nps`.
#[no_mangle]
pub unsafe extern "C" fn nps_weighted_tally_shares(
    tally: *const NpsWeightedTally,
    out: *mut NpsShares,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { stat(tally, out, |s| Ok(shares_to_c(s.shares()?))) } })
}

/// Weighted mean score.
///
/// # Safety
///
/// As `nps_weighted_tally_nps`.
#[no_mangle]
pub unsafe extern "C" fn nps_weighted_tally_mean(
    tally: *const NpsWeightedTally,
    out: *mut f64,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { stat(tally, out, |s| Ok(NpsWeightedTally::mean(s)?)) } })
}

/// Per-respondent variance (points²) of a weighted tally.
///
/// # Safety
///
/// As `nps_weighted_tally_nps`.
#[no_mangle]
pub unsafe extern "C" fn nps_weighted_tally_variance(
    tally: *const NpsWeightedTally,
    out: *mut f64,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { stat(tally, out, |s| Ok(s.variance()?)) } })
}

/// Standard error (points) of a weighted tally, at the effective n.
///
/// # Safety
///
/// As `nps_weighted_tally_nps`.
#[no_mangle]
pub unsafe extern "C" fn nps_weighted_tally_se(
    tally: *const NpsWeightedTally,
    out: *mut f64,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { stat(tally, out, |s| Ok(s.se()?)) } })
}

/// Margin of error (points) of a weighted tally at `confidence`.
///
/// # Safety
///
/// As `nps_weighted_tally_nps`.
#[no_mangle]
pub unsafe extern "C" fn nps_weighted_tally_margin(
    tally: *const NpsWeightedTally,
    confidence: f64,
    out: *mut f64,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { stat(tally, out, |s| Ok(s.margin_of_error(confidence)?)) } })
}

/// Interval of a weighted tally; `options` may be NULL for the defaults.
///
/// # Safety
///
/// As `nps_weighted_tally_nps`; `options` must be NULL or point to valid options.
#[no_mangle]
pub unsafe extern "C" fn nps_weighted_tally_interval(
    tally: *const NpsWeightedTally,
    options: *const NpsIntervalOptions,
    out: *mut NpsInterval,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { stat(tally, out, |s| interval_of(s, options)) } })
}

/// One-sample test of the NPS against `benchmark` (points in [−100, 100]).
/// `options` may be NULL for the defaults of `nps_test_options_default()`.
/// `NPS_STATUS_DEGENERATE` when the standard error is 0 under Wald (use
/// adjusted Wald).
///
/// # Safety
///
/// `tally` must be NULL or point to a valid tally, `options` NULL or valid
/// options; `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_test_benchmark(
    tally: *const NpsTally,
    benchmark: f64,
    options: *const NpsTestOptions,
    out: *mut NpsTestResult,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { test_of(tally, benchmark, options, out) } })
}

/// Two-sample comparison of the **signed** difference a − b (e.g. this
/// month vs last month). `options` may be NULL for the defaults.
///
/// # Safety
///
/// `a` and `b` must be NULL or point to valid tallies, `options` NULL or
/// valid options; `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_compare(
    a: *const NpsTally,
    b: *const NpsTally,
    options: *const NpsTestOptions,
    out: *mut NpsTestResult,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { compare_of(a, b, options, out) } })
}

/// `nps_test_benchmark` for a weighted tally (Kish-effective counts).
///
/// # Safety
///
/// As `nps_test_benchmark`, with a weighted tally.
#[no_mangle]
pub unsafe extern "C" fn nps_weighted_test_benchmark(
    tally: *const NpsWeightedTally,
    benchmark: f64,
    options: *const NpsTestOptions,
    out: *mut NpsTestResult,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { test_of(tally, benchmark, options, out) } })
}

/// `nps_compare` for two weighted tallies.
///
/// # Safety
///
/// As `nps_compare`, with weighted tallies.
#[no_mangle]
pub unsafe extern "C" fn nps_weighted_compare(
    a: *const NpsWeightedTally,
    b: *const NpsWeightedTally,
    options: *const NpsTestOptions,
    out: *mut NpsTestResult,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { compare_of(a, b, options, out) } })
}

/// Many two-sample comparisons at once (pair i is `a[i]` − `b[i]`, as
/// `nps_compare`), with p-values adjusted for the family of `len` tests
/// (Holm by default; see `NpsAdjust`). `options` may be NULL for
/// `nps_compare_many_options_default()`. `out` receives `len` results, in
/// the order of the pairs, and is written only on success. `len` 0 is an
/// empty family (the arrays may then be NULL). An error about one pair
/// (`NPS_STATUS_NO_DATA` for an empty tally, `NPS_STATUS_DEGENERATE` under
/// Wald, an inconsistent tally) has the pair's index in
/// `nps_last_error_index()`.
///
/// # Safety
///
/// `a` and `b` must be NULL or point to `len` valid tallies each,
/// `options` NULL or valid options; `out` must be NULL or writable for
/// `len` results.
#[no_mangle]
pub unsafe extern "C" fn nps_compare_many(
    a: *const NpsTally,
    b: *const NpsTally,
    len: usize,
    options: *const NpsCompareManyOptions,
    out: *mut NpsAdjustedComparison,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { compare_many_of(a, b, len, options, out) } })
}

/// `nps_compare_many` for weighted tallies (Kish-effective counts).
///
/// # Safety
///
/// As `nps_compare_many`, with weighted tallies.
#[no_mangle]
pub unsafe extern "C" fn nps_weighted_compare_many(
    a: *const NpsWeightedTally,
    b: *const NpsWeightedTally,
    len: usize,
    options: *const NpsCompareManyOptions,
    out: *mut NpsAdjustedComparison,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { compare_many_of(a, b, len, options, out) } })
}

/// Options of `nps_sample_size` (nps-core's `SampleSizeOptions`). Start
/// from `nps_sample_size_options_default()`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsSampleSizeOptions {
    /// Confidence level in nps-core's `CONFIDENCE_RANGE`
    /// [1e-6, 1 − 1e-12] (else `NPS_STATUS_INVALID_ARGUMENT`; default:
    /// `nps_default_confidence()`).
    pub confidence: f64,
    /// Whether `population` is set (default false: an infinite population).
    pub has_population: bool,
    /// The finite population size for the finite-population correction
    /// (read only when `has_population`).
    pub population: u64,
}

impl NpsSampleSizeOptions {
    fn to_core(self) -> SampleSizeOptions {
        SampleSizeOptions {
            confidence: self.confidence,
            population: self.has_population.then_some(self.population),
        }
    }

    fn default_value() -> NpsSampleSizeOptions {
        let d = SampleSizeOptions::default();
        NpsSampleSizeOptions {
            confidence: d.confidence,
            has_population: d.population.is_some(),
            population: d.population.unwrap_or(0),
        }
    }
}

/// The default confidence level of every operation (nps-core's
/// `DEFAULT_CONFIDENCE`), e.g. for `nps_tally_margin`.
#[no_mangle]
pub extern "C" fn nps_default_confidence() -> f64 {
    ffi_value!(nps_core::DEFAULT_CONFIDENCE, {
        nps_core::DEFAULT_CONFIDENCE
    })
}

/// The default sample-size options, converted from nps-core's
/// `SampleSizeOptions::default()` (the default confidence, an infinite
/// population).
#[no_mangle]
pub extern "C" fn nps_sample_size_options_default() -> NpsSampleSizeOptions {
    ffi_value!(NpsSampleSizeOptions::default_value(), {
        NpsSampleSizeOptions::default_value()
    })
}

/// Sample size for a margin of error of `margin` points at planned
/// promoter and detractor shares (fractions 0..=1), rounded up. `options`
/// may be NULL for `nps_sample_size_options_default()`.
///
/// # Safety
///
/// `options` must be NULL or point to valid options; `out` must be NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_sample_size(
    margin: f64,
    promoters: f64,
    detractors: f64,
    options: *const NpsSampleSizeOptions,
    out: *mut u64,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let options =
            unsafe { ffi::options_or_default(options, |o: NpsSampleSizeOptions| Ok(o.to_core())) }?;
        let n = nps_core::sample_size(margin, promoters, detractors, &options)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(n) };
        Ok(())
    })
}

/// The two-sided standard-normal quantile for `confidence` in nps-core's
/// `CONFIDENCE_RANGE` [1e-6, 1 − 1e-12] (1.959964… for 0.95; outside it
/// `NPS_STATUS_INVALID_ARGUMENT`).
///
/// # Safety
///
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_z_value(confidence: f64, out: *mut f64) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        let z = nps_core::z_value(confidence)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(z) };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_values_round_trip_through_core_names() {
        for &m in NpsIntervalMethod::ALL {
            assert_eq!(
                interval_method_by_name(interval_kind_of(m).name()),
                m as u32
            );
        }
        assert_eq!(
            NpsTestMethod::AdjustedWald as u32,
            interval_method_by_name(TestKind::AdjustedWald.name())
        );
        assert_eq!(
            NpsTestMethod::Wald as u32,
            interval_method_by_name(TestKind::Wald.name())
        );
    }

    #[test]
    fn defaults_match_core_defaults() {
        let o = nps_interval_options_default();
        let t = nps_test_options_default();
        let s = nps_sample_size_options_default();
        assert_eq!(s.to_core(), SampleSizeOptions::default());
        assert_eq!(nps_default_confidence(), nps_core::DEFAULT_CONFIDENCE);
        assert_eq!(t.to_core().unwrap(), TestOptions::default());
        assert_eq!(o.to_core().unwrap(), IntervalOptions::default());
        assert_eq!(
            nps_compare_many_options_default().to_core().unwrap(),
            CompareManyOptions::default()
        );
        for a in Adjust::ALL {
            assert_eq!(adjust_of(adjust_to_c(a)).unwrap(), a);
        }
    }
}
