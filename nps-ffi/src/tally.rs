//! `NpsTally` and `NpsWeightedTally`: tallies as plain C values.

use nps_core::{CategoryCounts, InvalidPolicy, ScoreValue, Tally, WeightedTally};

use crate::ffi::{self, CEnum, FfiError, NpsStatus};

/// What a batch function does with an invalid score (NaN, -1, 11, 6.5, ...).
/// Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsInvalidPolicy {
    /// Fail with `NPS_STATUS_INVALID_SCORE`; `nps_last_error_index` gives the
    /// first invalid row and `nps_last_error_value` its value.
    Raise = 0,
    /// Drop invalid rows and report how many were skipped.
    Skip = 1,
}

c_enum!(NpsInvalidPolicy { Raise, Skip });

impl From<InvalidPolicy> for NpsInvalidPolicy {
    fn from(p: InvalidPolicy) -> NpsInvalidPolicy {
        match p {
            InvalidPolicy::Raise => NpsInvalidPolicy::Raise,
            InvalidPolicy::Skip => NpsInvalidPolicy::Skip,
        }
    }
}

/// Converts a C `NpsInvalidPolicy` value (the argument `invalid`).
pub(crate) fn invalid_policy(v: u32) -> Result<InvalidPolicy, FfiError> {
    Ok(match NpsInvalidPolicy::parse(v, "invalid")? {
        NpsInvalidPolicy::Raise => InvalidPolicy::Raise,
        NpsInvalidPolicy::Skip => InvalidPolicy::Skip,
    })
}

/// The counts of a sample: the unit of aggregation. A plain value: copy it
/// freely; no function keeps a pointer to it.
///
/// When `has_counts` is true, `counts[s]` is the number of responses with
/// score `s` (0..=10) and the category fields are their sums (0–6
/// detractors, 7–8 passives, 9–10 promoters). When false, the tally was
/// built from category counts only: `counts` is all zero and there is no
/// mean score. Build tallies with the `nps_tally_*` functions; a tally
/// whose category fields disagree with its counts is rejected with
/// `NPS_STATUS_INVALID_ARGUMENT`. `NpsTally t = {0};` is an empty tally.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsTally {
    /// Responses per score 0..=10 (all zero when `has_counts` is false).
    pub counts: [u64; 11],
    /// Number of detractors.
    pub detractors: u64,
    /// Number of passives.
    pub passives: u64,
    /// Number of promoters.
    pub promoters: u64,
    /// Whether `counts` holds per-score detail.
    pub has_counts: bool,
}

impl NpsTally {
    pub(crate) fn from_core(t: &Tally) -> NpsTally {
        let c = t.categories();
        NpsTally {
            counts: t.counts().copied().unwrap_or([0; 11]),
            detractors: c.detractors,
            passives: c.passives,
            promoters: c.promoters,
            has_counts: t.counts().is_some(),
        }
    }

    pub(crate) fn to_core(self, name: &'static str) -> Result<Tally, FfiError> {
        let given = CategoryCounts::new(self.detractors, self.passives, self.promoters);
        if !self.has_counts {
            return Ok(Tally::from_categories(
                given.detractors,
                given.passives,
                given.promoters,
            )?);
        }
        let t = Tally::from_counts(self.counts)?;
        let c = t.categories();
        if c != given {
            return Err(FfiError::arg(
                name,
                format!(
                    "inconsistent NpsTally: its counts give {}/{}/{} detractors/passives/promoters \
                     but its fields say {}/{}/{}",
                    c.detractors,
                    c.passives,
                    c.promoters,
                    given.detractors,
                    given.passives,
                    given.promoters
                ),
            ));
        }
        Ok(t)
    }
}

/// Reads a C tally argument.
///
/// # Safety
///
/// `ptr` must be NULL or point to a valid `NpsTally`.
pub(crate) unsafe fn load_tally(
    ptr: *const NpsTally,
    name: &'static str,
) -> Result<Tally, FfiError> {
    // SAFETY: forwarded caller guarantee.
    unsafe { ffi::reference(ptr, name) }?.to_core(name)
}

/// A survey-weighted tally: per score 0..=10, the raw count, the sum of
/// weights and the sum of squared weights (for Kish's effective sample
/// size). A plain value: copy it freely. `NpsWeightedTally w = {0};` is
/// empty. The sums must be ones that rows with weights in nps-core's
/// `WEIGHT_RANGE` (0, or [1e-100, 1e100]) can give (nps-core's
/// `WeightedTally::validate`): finite and >= 0 (else
/// `NPS_STATUS_INVALID_WEIGHT` naming the score), no weight on a score
/// without responses, and sums consistent with the counts (else
/// `NPS_STATUS_INVALID_VALUE` naming the score) — never an NPS of 100 from
/// a weight without responses.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsWeightedTally {
    /// Raw number of responses per score.
    pub counts: [u64; 11],
    /// Sum of weights per score.
    pub weights: [f64; 11],
    /// Sum of squared weights per score.
    pub weights_sq: [f64; 11],
}

impl NpsWeightedTally {
    pub(crate) fn from_core(w: &WeightedTally) -> NpsWeightedTally {
        NpsWeightedTally {
            counts: w.counts,
            weights: w.weights,
            weights_sq: w.weights_sq,
        }
    }

    /// The core tally, checked by `WeightedTally::validate` (the error
    /// names the field and the score).
    pub(crate) fn to_core(self) -> Result<WeightedTally, FfiError> {
        let w = WeightedTally {
            counts: self.counts,
            weights: self.weights,
            weights_sq: self.weights_sq,
        };
        w.validate()?;
        Ok(w)
    }
}

/// Reads a C weighted tally argument.
///
/// # Safety
///
/// `ptr` must be NULL or point to a valid `NpsWeightedTally`.
pub(crate) unsafe fn load_weighted(
    ptr: *const NpsWeightedTally,
    name: &'static str,
) -> Result<WeightedTally, FfiError> {
    // SAFETY: forwarded caller guarantee.
    unsafe { ffi::reference(ptr, name) }?.to_core()
}

/// Weighted detractor, passive and promoter totals.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsCategoryWeights {
    /// Sum of the detractors' weights.
    pub detractors: f64,
    /// Sum of the passives' weights.
    pub passives: f64,
    /// Sum of the promoters' weights.
    pub promoters: f64,
}

/// The empty tally (identity of `nps_tally_merge`), with per-score counts.
#[no_mangle]
pub extern "C" fn nps_tally_empty() -> NpsTally {
    ffi_value!(NpsTally::from_core(&Tally::EMPTY), {
        NpsTally::from_core(&Tally::EMPTY)
    })
}

/// A tally from the counts of the scores 0..=10: `counts` must hold exactly
/// `len == 11` values (else `NPS_STATUS_LENGTH_MISMATCH`).
/// `NPS_STATUS_OVERFLOW` if the total exceeds 2^64 - 1.
///
/// # Safety
///
/// `counts` must be NULL or readable for `len` values; `out` must be NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_tally_from_counts(
    counts: *const u64,
    len: usize,
    out: *mut NpsTally,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee on (counts, len).
        let counts = unsafe { ffi::slice(counts, len, "counts") }?;
        let counts: [u64; 11] = counts
            .try_into()
            .map_err(|_| nps_core::Error::LengthMismatch {
                name: "counts",
                actual: len,
                expected_name: "scores 0..=10",
                expected: 11,
            })?;
        let t = Tally::from_counts(counts)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(NpsTally::from_core(&t)) };
        Ok(())
    })
}

/// A tally from category counts only (no per-score detail, so no mean
/// score). `NPS_STATUS_OVERFLOW` if the total exceeds 2^64 - 1.
///
/// # Safety
///
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_tally_from_categories(
    detractors: u64,
    passives: u64,
    promoters: u64,
    out: *mut NpsTally,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        let t = Tally::from_categories(detractors, passives, promoters)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(NpsTally::from_core(&t)) };
        Ok(())
    })
}

/// Shared body of the `nps_tally_from_*` column functions.
///
/// # Safety
///
/// As the exported functions.
unsafe fn tally_column<T: ScoreValue>(
    scores: *const T,
    len: usize,
    invalid: u32,
    out: *mut NpsTally,
    skipped: *mut u64,
) -> Result<(), FfiError> {
    let out = ffi::out(out, "out")?;
    let skipped = ffi::opt_out(skipped, "skipped")?;
    let invalid = invalid_policy(invalid)?;
    // SAFETY: caller guarantee on (scores, len).
    let scores = unsafe { ffi::slice(scores, len, "scores") }?;
    let col = Tally::from_column(scores, invalid)?;
    // SAFETY: both out-pointers were checked; the caller guarantees they are writable.
    unsafe {
        out.write(NpsTally::from_core(&col.tally));
        if let Some(s) = skipped {
            s.write(col.skipped);
        }
    }
    Ok(())
}

/// Tallies `len` scores of type `uint8_t` (valid: 0..=10).
///
/// `invalid` is an `NpsInvalidPolicy`. Under `NPS_INVALID_POLICY_RAISE` the
/// first invalid row fails the call with `NPS_STATUS_INVALID_SCORE`
/// (`nps_last_error_index` gives the row); under `NPS_INVALID_POLICY_SKIP`
/// invalid rows are dropped and their number is written to `*skipped`
/// (`skipped` may be NULL). Large columns are processed in parallel (see
/// `nps_set_max_threads`).
///
/// # Safety
///
/// `scores` must be NULL or readable for `len` values; `out` and `skipped`
/// must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_tally_from_u8(
    scores: *const u8,
    len: usize,
    invalid: u32,
    out: *mut NpsTally,
    skipped: *mut u64,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { tally_column(scores, len, invalid, out, skipped) } })
}

/// Tallies `len` scores of type `int64_t` (valid: 0..=10); as
/// `nps_tally_from_u8`.
///
/// # Safety
///
/// As `nps_tally_from_u8`.
#[no_mangle]
pub unsafe extern "C" fn nps_tally_from_i64(
    scores: *const i64,
    len: usize,
    invalid: u32,
    out: *mut NpsTally,
    skipped: *mut u64,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { tally_column(scores, len, invalid, out, skipped) } })
}

/// Tallies `len` scores of type `double`; as `nps_tally_from_u8`. Valid
/// scores are the integral values 0.0..=10.0; NaN (a missing value),
/// infinities and fractions such as 6.5 are invalid.
///
/// # Safety
///
/// As `nps_tally_from_u8`.
#[no_mangle]
pub unsafe extern "C" fn nps_tally_from_f64(
    scores: *const f64,
    len: usize,
    invalid: u32,
    out: *mut NpsTally,
    skipped: *mut u64,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { tally_column(scores, len, invalid, out, skipped) } })
}

/// Merges two tallies (addition; associative and commutative, the empty
/// tally is the identity). The result keeps per-score counts only if both
/// inputs have them. `NPS_STATUS_OVERFLOW` if a count exceeds 2^64 - 1.
/// `out` may alias `a` or `b`.
///
/// # Safety
///
/// `a` and `b` must be NULL or point to valid tallies; `out` must be NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_tally_merge(
    a: *const NpsTally,
    b: *const NpsTally,
    out: *mut NpsTally,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees on a and b.
        let (a, b) = unsafe { (load_tally(a, "a")?, load_tally(b, "b")?) };
        let merged = a.merge(&b)?;
        // SAFETY: out was checked; the inputs were copied out already, so
        // aliasing is harmless.
        unsafe { out.write(NpsTally::from_core(&merged)) };
        Ok(())
    })
}

/// Number of responses of a tally.
///
/// # Safety
///
/// `tally` must be NULL or point to a valid tally; `out` must be NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_tally_n(tally: *const NpsTally, out: *mut u64) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { load_tally(tally, "tally") }?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(t.n()) };
        Ok(())
    })
}

/// Tallies `len` scores with one weight per row (`scores` and `weights`
/// both hold `len` values). Weights must be 0 or in nps-core's
/// `WEIGHT_RANGE` [1e-100, 1e100] (`NPS_STATUS_INVALID_WEIGHT` with the row
/// and the value otherwise, under both policies); invalid scores follow `invalid` as in `nps_tally_from_u8`.
///
/// # Safety
///
/// `scores` and `weights` must be NULL or readable for `len` values; `out`
/// and `skipped` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_weighted_tally_from_f64(
    scores: *const f64,
    weights: *const f64,
    len: usize,
    invalid: u32,
    out: *mut NpsWeightedTally,
    skipped: *mut u64,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        let skipped = ffi::opt_out(skipped, "skipped")?;
        let invalid = invalid_policy(invalid)?;
        // SAFETY: caller guarantees on (scores, len) and (weights, len).
        let (scores, weights) = unsafe {
            (
                ffi::slice(scores, len, "scores")?,
                ffi::slice(weights, len, "weights")?,
            )
        };
        let col = WeightedTally::from_columns(scores, weights, invalid)?;
        // SAFETY: both out-pointers were checked; the caller guarantees they are writable.
        unsafe {
            out.write(NpsWeightedTally::from_core(&col.tally));
            if let Some(s) = skipped {
                s.write(col.skipped);
            }
        }
        Ok(())
    })
}

/// A weighted tally in which every response of `tally` weighs 1.
///
/// # Safety
///
/// `tally` must be NULL or point to a valid tally; `out` must be NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_weighted_tally_from_tally(
    tally: *const NpsTally,
    out: *mut NpsWeightedTally,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let t = unsafe { load_tally(tally, "tally") }?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(NpsWeightedTally::from_core(&WeightedTally::from(t))) };
        Ok(())
    })
}

/// Merges two weighted tallies (addition). `out` may alias `a` or `b`.
///
/// # Safety
///
/// `a` and `b` must be NULL or point to valid weighted tallies; `out` must
/// be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_weighted_tally_merge(
    a: *const NpsWeightedTally,
    b: *const NpsWeightedTally,
    out: *mut NpsWeightedTally,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantees on a and b.
        let (a, b) = unsafe { (load_weighted(a, "a")?, load_weighted(b, "b")?) };
        let merged = a.merge(&b)?;
        // SAFETY: out was checked; the inputs were copied already.
        unsafe { out.write(NpsWeightedTally::from_core(&merged)) };
        Ok(())
    })
}

/// Kish's effective sample size (Σw)² / Σw² (0 when all weights are 0).
///
/// # Safety
///
/// `tally` must be NULL or point to a valid weighted tally; `out` must be
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_weighted_tally_effective_n(
    tally: *const NpsWeightedTally,
    out: *mut f64,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let w = unsafe { load_weighted(tally, "tally") }?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(w.effective_n()) };
        Ok(())
    })
}

/// Weighted detractor, passive and promoter totals.
///
/// # Safety
///
/// `tally` must be NULL or point to a valid weighted tally; `out` must be
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_weighted_tally_categories(
    tally: *const NpsWeightedTally,
    out: *mut NpsCategoryWeights,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let w = unsafe { load_weighted(tally, "tally") }?;
        let [d, pa, p] = w.category_weights();
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe {
            out.write(NpsCategoryWeights {
                detractors: d,
                passives: pa,
                promoters: p,
            })
        };
        Ok(())
    })
}
