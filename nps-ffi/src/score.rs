//! Categories and custom category scales (e.g. 1–5 stars).

use std::ffi::c_char;

use nps_core::{Category, Scale, ScoreRange, ScoreValue};

use crate::ffi::{self, CEnum, FfiError, NpsStatus};
use crate::tally::NpsTally;

/// Promoter, passive or detractor. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsCategory {
    /// 0–6 on the standard scale.
    Detractor = 0,
    /// 7–8 on the standard scale.
    Passive = 1,
    /// 9–10 on the standard scale.
    Promoter = 2,
}

c_enum!(NpsCategory {
    Detractor,
    Passive,
    Promoter
});

impl From<Category> for NpsCategory {
    fn from(c: Category) -> NpsCategory {
        match c {
            Category::Detractor => NpsCategory::Detractor,
            Category::Passive => NpsCategory::Passive,
            Category::Promoter => NpsCategory::Promoter,
        }
    }
}

impl From<NpsCategory> for Category {
    fn from(c: NpsCategory) -> Category {
        match c {
            NpsCategory::Detractor => Category::Detractor,
            NpsCategory::Passive => Category::Passive,
            NpsCategory::Promoter => Category::Promoter,
        }
    }
}

/// An inclusive range of integer scores.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsScoreRange {
    /// Lowest score in the range.
    pub low: i64,
    /// Highest score in the range (inclusive).
    pub high: i64,
}

/// Category breaks of a rating scale. A plain value, validated by every
/// function that uses it (`NPS_STATUS_INVALID_SCALE` for empty, overlapping
/// or gapped ranges). Functions taking a `const NpsScale *` accept NULL
/// for the standard 0–10 scale (0–6, 7–8, 9–10).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsScale {
    /// Detractor scores.
    pub detractors: NpsScoreRange,
    /// Whether the scale has passives.
    pub has_passives: bool,
    /// Passive scores (ignored when `has_passives` is false).
    pub passives: NpsScoreRange,
    /// Promoter scores.
    pub promoters: NpsScoreRange,
}

fn range_to_core(r: NpsScoreRange) -> ScoreRange {
    ScoreRange::new(r.low, r.high)
}

fn range_to_c(r: ScoreRange) -> NpsScoreRange {
    NpsScoreRange {
        low: r.low,
        high: r.high,
    }
}

/// # Safety
/// `scale` must be NULL or point to a valid `NpsScale`.
unsafe fn load_scale(scale: *const NpsScale) -> Result<Scale, FfiError> {
    // SAFETY: forwarded caller guarantee.
    match unsafe { ffi::opt_reference(scale, "scale") }? {
        None => Ok(Scale::STANDARD),
        Some(s) => Ok(Scale::new(
            range_to_core(s.detractors),
            s.has_passives.then_some(range_to_core(s.passives)),
            range_to_core(s.promoters),
        )?),
    }
}

fn standard_scale() -> NpsScale {
    let s = Scale::STANDARD;
    NpsScale {
        detractors: range_to_c(s.detractors()),
        has_passives: s.passives().is_some(),
        passives: range_to_c(s.passives().unwrap_or(ScoreRange::new(0, -1))),
        promoters: range_to_c(s.promoters()),
    }
}

/// The standard 0–10 scale: 0–6 detractors, 7–8 passives, 9–10 promoters.
#[no_mangle]
pub extern "C" fn nps_scale_standard() -> NpsScale {
    ffi_value!(standard_scale(), { standard_scale() })
}

/// The category (an `NpsCategory`) of an integer score on `scale` (NULL =
/// the standard scale); `NPS_STATUS_INVALID_SCORE` if the score is outside
/// it.
///
/// # Safety
///
/// `scale` must be NULL or point to a valid `NpsScale`; `out` must be NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_scale_classify(
    scale: *const NpsScale,
    score: i64,
    out: *mut u32,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let scale = unsafe { load_scale(scale) }?;
        let c = scale.classify(score)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(NpsCategory::from(c).to_u32()) };
        Ok(())
    })
}

/// # Safety
/// As the exported functions.
unsafe fn scale_tally<T: ScoreValue>(
    scale: *const NpsScale,
    scores: *const T,
    len: usize,
    out: *mut NpsTally,
) -> Result<(), FfiError> {
    let out = ffi::out(out, "out")?;
    // SAFETY: forwarded caller guarantees.
    let (scale, scores) = unsafe { (load_scale(scale)?, ffi::slice(scores, len, "scores")?) };
    let c = scale.tally(scores)?;
    let t = nps_core::Tally::from_categories(c.detractors, c.passives, c.promoters)?;
    // SAFETY: out was checked; the caller guarantees it is writable.
    unsafe { out.write(NpsTally::from_core(&t)) };
    Ok(())
}

/// Category counts of `len` integer scores on `scale` (NULL = standard),
/// as a tally without per-score counts. The first score outside the scale
/// fails the call with `NPS_STATUS_INVALID_SCORE` and its row.
///
/// # Safety
///
/// `scale` must be NULL or valid; `scores` NULL or readable for `len`
/// values; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_scale_tally_i64(
    scale: *const NpsScale,
    scores: *const i64,
    len: usize,
    out: *mut NpsTally,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { scale_tally(scale, scores, len, out) } })
}

/// As `nps_scale_tally_i64` for `double` scores (integral values only; NaN
/// is invalid).
///
/// # Safety
///
/// As `nps_scale_tally_i64`.
#[no_mangle]
pub unsafe extern "C" fn nps_scale_tally_f64(
    scale: *const NpsScale,
    scores: *const f64,
    len: usize,
    out: *mut NpsTally,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { scale_tally(scale, scores, len, out) } })
}

/// `"detractor"`, `"passive"`, `"promoter"` for an `NpsCategory`, or
/// `"unknown"`. Static: do not free.
#[no_mangle]
pub extern "C" fn nps_category_name(category: u32) -> *const c_char {
    ffi_value!(ffi::text::static_c_str("unknown"), {
        let name = NpsCategory::from_u32(category).map_or("unknown", |c| Category::from(c).name());
        ffi::text::static_c_str(name)
    })
}
