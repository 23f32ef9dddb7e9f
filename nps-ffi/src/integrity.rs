//! Integrity of the score (SPEC §3): original vs re-rated tallies
//! (`NpsRerating`) and managed-distribution flags (the `NpsManagedFlags`
//! handle). All rules live in `nps_core::integrity`.

use nps_core::group::{GroupKey, Keys};
use nps_core::integrity::{
    managed_flags, managed_flags_rerated, rerated_nps, rerated_nps_by, Basis, Correction,
    FlagOptions, FlagStatus, GroupRerating, ManagedFlags, ManagedTest, Rerated, Rerating,
    ReratingTable,
};
use nps_core::state::Saved;
use nps_core::ScoreValue;

use std::ffi::c_char;

use crate::ffi::{self, text_out, CEnum, FfiError, Handle, NpsStatus};
use crate::group::{self, KeyColumn, NpsKeyColumn, NpsKeyValue};
use crate::tally::{invalid_policy, NpsInvalidPolicy, NpsTally};

/// Which scores a report is based on. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsBasis {
    /// The original scores (the default: a re-rating never replaces them).
    Original = 0,
    /// The re-rated score where there is one, else the original.
    Rerated = 1,
    /// Both; the reported tally is the original one.
    Both = 2,
}

c_enum!(NpsBasis {
    Original,
    Rerated,
    Both
});

fn basis_of(v: u32) -> Result<Basis, FfiError> {
    Ok(match NpsBasis::parse(v, "basis")? {
        NpsBasis::Original => Basis::Original,
        NpsBasis::Rerated => Basis::Rerated,
        NpsBasis::Both => Basis::Both,
    })
}

fn basis_to_c(b: Basis) -> u32 {
    match b {
        Basis::Original => NpsBasis::Original,
        Basis::Rerated => NpsBasis::Rerated,
        Basis::Both => NpsBasis::Both,
    }
    .to_u32()
}

/// Original and after-recovery tallies of one sample, written by the
/// `nps_rerated_nps_*` functions. A plain value.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsRerating {
    /// The `NpsBasis` asked for; `reported` follows it.
    pub basis: u32,
    /// Tally of the original scores.
    pub original: NpsTally,
    /// Tally of the re-rated score where there is one, else the original
    /// (same n as `original`).
    pub after_recovery: NpsTally,
    /// The tally a report shows: `after_recovery` for `NPS_BASIS_RERATED`,
    /// else `original`.
    pub reported: NpsTally,
    /// Rows with a re-rating.
    pub rerated: u64,
    /// Re-rated rows whose original score was a detractor (0–6).
    pub detractors_rerated: u64,
    /// Re-rated detractors whose re-rating is 7–10.
    pub detractors_moved_up: u64,
    /// Re-rated detractors whose re-rating is 9–10.
    pub detractors_to_promoter: u64,
}

impl NpsRerating {
    fn from_core(r: &Rerating) -> NpsRerating {
        NpsRerating {
            basis: basis_to_c(r.basis),
            original: NpsTally::from_core(&r.original),
            after_recovery: NpsTally::from_core(&r.after_recovery),
            reported: NpsTally::from_core(r.reported()),
            rerated: r.rerated,
            detractors_rerated: r.detractors_rerated,
            detractors_moved_up: r.detractors_moved_up,
            detractors_to_promoter: r.detractors_to_promoter,
        }
    }
}

/// A presence mask: any non-zero byte means "re-rated".
fn mask(bytes: Option<&[u8]>) -> Option<Vec<bool>> {
    bytes.map(|b| b.iter().map(|&x| x != 0).collect())
}

/// Shared body of the `nps_rerated_nps_*` functions.
///
/// # Safety
///
/// As the exported functions.
unsafe fn rerated_body<T: ScoreValue, R: ScoreValue>(
    original: *const T,
    rerated: *const R,
    present: *const u8,
    len: usize,
    basis: u32,
    out: *mut NpsRerating,
) -> Result<(), FfiError> {
    let out = ffi::out(out, "out")?;
    // SAFETY: the caller guarantees each non-NULL column is readable for len values.
    let original = unsafe { ffi::slice(original, len, "original") }?;
    // SAFETY: as above.
    let rerated = unsafe { ffi::slice(rerated, len, "rerated") }?;
    // SAFETY: as above.
    let present = mask(unsafe { ffi::opt_slice(present, len, "present") }?);
    let r = rerated_nps(original, rerated, present.as_deref(), basis_of(basis)?)?;
    // SAFETY: out was checked; the caller guarantees it is writable.
    unsafe { out.write(NpsRerating::from_core(&r)) };
    Ok(())
}

/// Tallies `len` original scores and their re-ratings after recovery (a
/// re-rating is stored next to the original, never instead of it).
/// `rerated[i]` is the re-rating of row `i`, or NaN when the row was not
/// re-rated. `basis` is an `NpsBasis`; `out->reported` is the tally a report
/// should show (the original scores unless `NPS_BASIS_RERATED`).
///
/// Errors: an invalid original score is `NPS_STATUS_INVALID_SCORE`; an
/// invalid re-rating (11, 6.5, ...) is `NPS_STATUS_INVALID_VALUE` naming
/// `rerated`; both give the row through `nps_last_error_index`. `*out` is
/// written only on success.
///
/// # Safety
///
/// `original` and `rerated` must be NULL or readable for `len` values;
/// `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_rerated_nps_f64(
    original: *const f64,
    rerated: *const f64,
    len: usize,
    basis: u32,
    out: *mut NpsRerating,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: forwarded caller guarantees.
        unsafe { rerated_body(original, rerated, std::ptr::null(), len, basis, out) }
    })
}

/// As `nps_rerated_nps_f64` for `uint8_t` columns: row `i` is re-rated when
/// `present[i]` is non-zero (then `rerated[i]` must be 0..=10; otherwise
/// `rerated[i]` is ignored). `present` NULL means every row is re-rated.
///
/// # Safety
///
/// `original`, `rerated` and `present` must be NULL or readable for `len`
/// values; `out` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_rerated_nps_u8(
    original: *const u8,
    rerated: *const u8,
    present: *const u8,
    len: usize,
    basis: u32,
    out: *mut NpsRerating,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: forwarded caller guarantees.
        unsafe { rerated_body(original, rerated, present, len, basis, out) }
    })
}

/// Re-rating tallies per group: an opaque, immutable handle made by
/// `nps_rerated_nps_by_f64` / `_u8` (one `NpsRerating` per non-empty
/// group, sorted by key), read with `nps_rerating_table_len`, `_get`,
/// `_key_parts`, `_key_part` and `_key_text`, released with
/// `nps_rerating_table_free` exactly once. Any number of threads may read
/// one at the same time; freeing must not race with any other use.
pub struct NpsReratingTable {
    _private: [u8; 0],
}

impl Handle for NpsReratingTable {
    type RustType = Vec<GroupRerating>;
}

/// Shared body of the `nps_rerated_nps_by_*` functions.
///
/// # Safety
///
/// As the exported functions.
#[allow(clippy::too_many_arguments)]
unsafe fn rerated_by_body<T: ScoreValue, R: ScoreValue>(
    original: *const T,
    rerated: *const R,
    present: *const u8,
    len: usize,
    key_columns: *const NpsKeyColumn,
    n_key_columns: usize,
    basis: u32,
    out: *mut *mut NpsReratingTable,
) -> Result<(), FfiError> {
    let out = ffi::out(out, "out")?;
    // SAFETY: the caller guarantees each non-NULL column is readable for len values.
    let (original, rerated, present, cols) = unsafe {
        (
            ffi::slice(original, len, "original")?,
            ffi::slice(rerated, len, "rerated")?,
            mask(ffi::opt_slice(present, len, "present")?),
            group::key_columns(key_columns, n_key_columns, len)?,
        )
    };
    let cols: Vec<Keys> = cols.iter().map(KeyColumn::as_keys).collect();
    let keys = group::multi_keys(&cols)
        .ok_or_else(|| FfiError::arg("key_columns", "needs at least one key column"))?;
    let groups = rerated_nps_by(
        original,
        rerated,
        present.as_deref(),
        keys,
        basis_of(basis)?,
    )?;
    // SAFETY: out was checked; the caller guarantees it is writable.
    unsafe { NpsReratingTable::write_new(out, groups) };
    Ok(())
}

/// `nps_rerated_nps_f64` per group: the rows grouped by `n_key_columns`
/// (at least 1) key columns of any type (`NpsKeyColumn`, e.g. dealer ×
/// advisor), each with `len` rows. Writes a new `NpsReratingTable` to
/// `*out`: one `NpsRerating` per non-empty group, sorted by key; each
/// key is a tuple with one part per column. Errors as
/// `nps_rerated_nps_f64`.
///
/// # Safety
///
/// `original` and `rerated` NULL or readable for `len` values;
/// `key_columns` NULL or readable for `n_key_columns` columns of `len`
/// values each; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_rerated_nps_by_f64(
    original: *const f64,
    rerated: *const f64,
    len: usize,
    key_columns: *const NpsKeyColumn,
    n_key_columns: usize,
    basis: u32,
    out: *mut *mut NpsReratingTable,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: forwarded caller guarantees.
        unsafe {
            rerated_by_body(
                original,
                rerated,
                std::ptr::null(),
                len,
                key_columns,
                n_key_columns,
                basis,
                out,
            )
        }
    })
}

/// `nps_rerated_nps_u8` per group (`present` as there), grouped as
/// `nps_rerated_nps_by_f64`.
///
/// # Safety
///
/// As `nps_rerated_nps_by_f64`; `present` NULL or readable for `len`
/// values.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn nps_rerated_nps_by_u8(
    original: *const u8,
    rerated: *const u8,
    present: *const u8,
    len: usize,
    key_columns: *const NpsKeyColumn,
    n_key_columns: usize,
    basis: u32,
    out: *mut *mut NpsReratingTable,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: forwarded caller guarantees.
        unsafe {
            rerated_by_body(
                original,
                rerated,
                present,
                len,
                key_columns,
                n_key_columns,
                basis,
                out,
            )
        }
    })
}

/// Number of groups of a re-rating table; 0 for NULL.
///
/// # Safety
///
/// `table` NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nps_rerating_table_len(table: *const NpsReratingTable) -> usize {
    ffi_value!(0, {
        // SAFETY: caller guarantee.
        unsafe { NpsReratingTable::try_ref(table, "table") }.map_or(0, Vec::len)
    })
}

/// # Safety
/// `table` NULL or a live handle.
unsafe fn rerating_at<'a>(
    table: *const NpsReratingTable,
    index: usize,
) -> Result<&'a GroupRerating, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let t = unsafe { NpsReratingTable::try_ref(table, "table") }?;
    t.get(index).ok_or(FfiError::IndexOutOfRange {
        index,
        len: t.len(),
    })
}

/// Copies the tallies of group `index` (0-based, below
/// `nps_rerating_table_len`, else `NPS_STATUS_INDEX_OUT_OF_RANGE`) to
/// `*out`.
///
/// # Safety
///
/// `table` NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_rerating_table_get(
    table: *const NpsReratingTable,
    index: usize,
    out: *mut NpsRerating,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let g = unsafe { rerating_at(table, index) }?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(NpsRerating::from_core(&g.rerating)) };
        Ok(())
    })
}

/// `*count` receives the number of parts of the key of group `index` (one
/// per key column).
///
/// # Safety
///
/// `table` NULL or a live handle; `count` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_rerating_table_key_parts(
    table: *const NpsReratingTable,
    index: usize,
    count: *mut usize,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { group::key_parts_out(&rerating_at(table, index)?.key, count) } })
}

/// Copies part `part` (0-based, below `nps_rerating_table_key_parts`, else
/// `NPS_STATUS_INDEX_OUT_OF_RANGE`) of the key of group `index` to `*out`.
///
/// # Safety
///
/// `table` NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_rerating_table_key_part(
    table: *const NpsReratingTable,
    index: usize,
    part: usize,
    out: *mut NpsKeyValue,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { group::key_part_out(&rerating_at(table, index)?.key, part, out) } })
}

/// Copies the key of group `index` as text (parts joined with `" | "`)
/// like `nps_managed_flags_key_text`.
///
/// # Safety
///
/// `table` NULL or a live handle; `buf` NULL or writable for `len` bytes;
/// `text_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_rerating_table_key_text(
    table: *const NpsReratingTable,
    index: usize,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: forwarded caller guarantees.
        unsafe { group::key_text_out(&rerating_at(table, index)?.key, buf, len, text_len) }
    })
}

/// Releases a re-rating table. NULL is accepted (and ignored).
///
/// # Safety
///
/// `table` NULL or a handle from this library not yet freed, used by no
/// other thread.
#[no_mangle]
pub unsafe extern "C" fn nps_rerating_table_free(table: *mut NpsReratingTable) {
    // SAFETY: forwarded caller guarantee.
    ffi_value!((), { unsafe { NpsReratingTable::free(table) } })
}

/// The tests of `nps_managed_flags_*`. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsManagedTest {
    /// Too many 10s: `P(X >= observed)`.
    Tens = 0,
    /// Too few (or no) detractors: `P(X <= observed)`, `(1 - p)^n` at 0.
    FewDetractors = 1,
    /// Nothing below 9 (a form that only accepts 9–10): `P(X <= observed)`.
    NothingBelowNine = 2,
    /// Re-rating pressure: detractors re-rated to 7–10, `P(X >= observed)`.
    ReratingPressure = 3,
}

c_enum!(NpsManagedTest {
    Tens,
    FewDetractors,
    NothingBelowNine,
    ReratingPressure
});

fn test_to_c(t: ManagedTest) -> u32 {
    match t {
        ManagedTest::Tens => NpsManagedTest::Tens,
        ManagedTest::FewDetractors => NpsManagedTest::FewDetractors,
        ManagedTest::NothingBelowNine => NpsManagedTest::NothingBelowNine,
        ManagedTest::ReratingPressure => NpsManagedTest::ReratingPressure,
    }
    .to_u32()
}

/// Outcome of one test of one group. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsFlagStatus {
    /// The p-value is at most the threshold: the distribution looks managed.
    Flagged = 0,
    /// Could have been flagged, but the p-value is above the threshold.
    NotFlagged = 1,
    /// The group has fewer than `min_n` responses, or even the most extreme
    /// outcome at its n could not reach the threshold.
    InsufficientN = 2,
    /// The rest of the network has no trials: no reference share.
    NoData = 3,
}

c_enum!(NpsFlagStatus {
    Flagged,
    NotFlagged,
    InsufficientN,
    NoData
});

fn status_to_c(s: FlagStatus) -> u32 {
    match s {
        FlagStatus::Flagged => NpsFlagStatus::Flagged,
        FlagStatus::NotFlagged => NpsFlagStatus::NotFlagged,
        FlagStatus::InsufficientN => NpsFlagStatus::InsufficientN,
        FlagStatus::NoData => NpsFlagStatus::NoData,
    }
    .to_u32()
}

/// Multiple-comparison correction. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsCorrection {
    /// Bonferroni: threshold `alpha / m`, m = groups × tests (the default).
    Bonferroni = 0,
    /// No correction: threshold `alpha`.
    None = 1,
}

c_enum!(NpsCorrection { Bonferroni, None });

fn correction_of(v: u32) -> Result<Correction, FfiError> {
    Ok(match NpsCorrection::parse(v, "correction")? {
        NpsCorrection::Bonferroni => Correction::Bonferroni,
        NpsCorrection::None => Correction::None,
    })
}

fn correction_to_c(c: Correction) -> u32 {
    match c {
        Correction::Bonferroni => NpsCorrection::Bonferroni,
        Correction::None => NpsCorrection::None,
    }
    .to_u32()
}

/// Options of `nps_managed_flags_*` (nps-core's `integrity::FlagOptions`);
/// get the defaults from `nps_flag_options_default`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsFlagOptions {
    /// Family-wise significance level, in (0, 1).
    pub alpha: f64,
    /// Every test of a group with fewer responses is `NPS_FLAG_STATUS_INSUFFICIENT_N`.
    pub min_n: u64,
    /// An `NpsCorrection`.
    pub correction: u32,
    /// An `NpsInvalidPolicy` for invalid scores (re-ratings must always be
    /// valid or NaN).
    pub invalid: u32,
}

impl NpsFlagOptions {
    fn default_value() -> NpsFlagOptions {
        let d = FlagOptions::default();
        NpsFlagOptions {
            alpha: d.alpha,
            min_n: d.min_n,
            correction: correction_to_c(d.correction),
            invalid: NpsInvalidPolicy::from(d.invalid).to_u32(),
        }
    }
}

/// The default flag options, converted from nps-core's
/// `integrity::FlagOptions::default()` (family-wise alpha, `min_n`,
/// Bonferroni, `NPS_INVALID_POLICY_RAISE`).
#[no_mangle]
pub extern "C" fn nps_flag_options_default() -> NpsFlagOptions {
    ffi_value!(NpsFlagOptions::default_value(), {
        NpsFlagOptions::default_value()
    })
}

/// The result of `nps_managed_flags_*`: an opaque, immutable handle.
///
/// Ownership: owned by the caller, released with `nps_managed_flags_free`
/// exactly once; it does not borrow the input columns. Thread safety:
/// immutable, so any number of threads may read it at once; freeing must
/// not race with any other use.
pub struct NpsManagedFlags {
    _private: [u8; 0],
}

/// What an `NpsManagedFlags` handle holds.
pub(crate) struct ManagedFlagsData {
    inner: ManagedFlags,
    /// The u32 key of each row (`u32::MAX` for keys of other types).
    keys: Vec<u32>,
}

impl Handle for NpsManagedFlags {
    type RustType = ManagedFlagsData;
}

/// One test of one group, copied out by `nps_managed_flags_get`: the
/// statistic and the threshold behind the verdict.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsManagedFlag {
    /// The group's key for `nps_managed_flags_u8` / `_f64`; `UINT32_MAX`
    /// for keys from `nps_managed_flags_by_*` (read those with
    /// `nps_managed_flags_key_part` / `_key_text`).
    pub key: u32,
    /// An `NpsManagedTest`.
    pub test: u32,
    /// An `NpsFlagStatus`.
    pub status: u32,
    /// Trials: the group's responses (its detractors for the re-rating test).
    pub n: u64,
    /// Observed count in the group.
    pub observed: u64,
    /// Trials in the network without this group.
    pub network_n: u64,
    /// Observed count in the network without this group.
    pub network_observed: u64,
    /// Whether `share` is defined (n > 0).
    pub has_share: bool,
    /// `observed / n` (0 when `has_share` is false).
    pub share: f64,
    /// Whether there is a network share and so a p-value (`network_n` > 0);
    /// false exactly when `status` is `NPS_FLAG_STATUS_NO_DATA`.
    pub has_p_value: bool,
    /// `network_observed / network_n`, the null share (0 without p-value).
    pub network_share: f64,
    /// Exact binomial tail probability (may underflow to 0: see `ln_p_value`).
    pub p_value: f64,
    /// Natural log of `p_value`: finite far below the smallest double;
    /// `-INFINITY` only for an outcome impossible under the network share.
    pub ln_p_value: f64,
    /// Natural log of the smallest p-value reachable at this n.
    pub ln_min_p_value: f64,
    /// The corrected threshold the p-value is compared with.
    pub threshold: f64,
}

/// Summary of an `NpsManagedFlags` handle.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsManagedFlagsInfo {
    /// Number of rows (groups × tests).
    pub rows: usize,
    /// Family-wise significance level.
    pub alpha: f64,
    /// The `NpsCorrection` applied.
    pub correction: u32,
    /// Number of comparisons m.
    pub comparisons: u64,
    /// `alpha / m` (Bonferroni) or `alpha`.
    pub threshold: f64,
    /// Minimum responses per group.
    pub min_n: u64,
    /// Rows flagged.
    pub flagged: usize,
    /// Rows skipped for an invalid score under `NPS_INVALID_POLICY_SKIP`.
    pub skipped: u64,
}

/// Shared body of the `nps_managed_flags_*` functions, on read columns.
///
/// # Safety
///
/// `options` NULL or valid; `out` writable (checked).
unsafe fn flags_of<T: ScoreValue>(
    scores: &[T],
    keys: Keys<'_>,
    rerated: Option<&[f64]>,
    options: *const NpsFlagOptions,
    out: ffi::Out<*mut NpsManagedFlags>,
) -> Result<(), FfiError> {
    // SAFETY: the caller guarantees a non-NULL options points to a valid value.
    let o = unsafe { ffi::opt_reference(options, "options") }?
        .copied()
        .unwrap_or_else(|| nps_flag_options_default());
    let opts = FlagOptions {
        alpha: o.alpha,
        min_n: o.min_n,
        correction: correction_of(o.correction)?,
        invalid: invalid_policy(o.invalid)?,
    };
    let inner = match rerated {
        Some(r) => managed_flags_rerated(
            scores,
            Rerated {
                scores: r,
                present: None,
            },
            keys,
            &opts,
        )?,
        None => managed_flags(scores, keys, &opts)?,
    };
    // SAFETY: out was checked; the caller guarantees it is writable.
    unsafe { NpsManagedFlags::write_new(out, ManagedFlagsData::new(inner)) };
    Ok(())
}

impl ManagedFlagsData {
    fn new(inner: ManagedFlags) -> ManagedFlagsData {
        let keys = inner
            .rows
            .iter()
            .map(|r| match r.key {
                GroupKey::UInt(k) => u32::try_from(k).unwrap_or(u32::MAX),
                _ => u32::MAX,
            })
            .collect();
        ManagedFlagsData { inner, keys }
    }
}

/// Shared body of the `nps_managed_flags_u8` / `_f64` functions.
///
/// # Safety
///
/// As the exported functions.
unsafe fn flags_body<T: ScoreValue>(
    scores: *const T,
    keys: *const u32,
    rerated: *const f64,
    len: usize,
    options: *const NpsFlagOptions,
    out: *mut *mut NpsManagedFlags,
) -> Result<(), FfiError> {
    let out = ffi::out(out, "out")?;
    // SAFETY: the caller guarantees each non-NULL column is readable for len values.
    let (scores, keys, rerated) = unsafe {
        (
            ffi::slice(scores, len, "scores")?,
            ffi::slice(keys, len, "keys")?,
            ffi::opt_slice(rerated, len, "rerated")?,
        )
    };
    // SAFETY: forwarded caller guarantees.
    unsafe { flags_of(scores, Keys::U32(keys), rerated, options, out) }
}

/// Shared body of the `nps_managed_flags_by_*` functions.
///
/// # Safety
///
/// As the exported functions.
unsafe fn flags_by_body<T: ScoreValue>(
    scores: *const T,
    key_columns: *const NpsKeyColumn,
    n_key_columns: usize,
    rerated: *const f64,
    len: usize,
    options: *const NpsFlagOptions,
    out: *mut *mut NpsManagedFlags,
) -> Result<(), FfiError> {
    let out = ffi::out(out, "out")?;
    // SAFETY: the caller guarantees each non-NULL column is readable for len values.
    let (scores, cols, rerated) = unsafe {
        (
            ffi::slice(scores, len, "scores")?,
            group::key_columns(key_columns, n_key_columns, len)?,
            ffi::opt_slice(rerated, len, "rerated")?,
        )
    };
    let cols: Vec<Keys> = cols.iter().map(KeyColumn::as_keys).collect();
    let keys = group::multi_keys(&cols)
        .ok_or_else(|| FfiError::arg("key_columns", "needs at least one key column"))?;
    // SAFETY: forwarded caller guarantees.
    unsafe { flags_of(scores, keys, rerated, options, out) }
}

/// Flags groups whose score distribution looks managed: for every group
/// (`keys[i]` is the group code of row `i`, e.g. a dealer or advisor code)
/// the tests too-many-10s, few-detractors and nothing-below-9 against the
/// rest of the network (leave-one-out), with exact binomial tails; plus the
/// re-rating-pressure test when `rerated` is non-NULL (`rerated[i]` is the
/// re-rating of row `i`, NaN when none). `options` NULL means
/// `nps_flag_options_default()`. Rows come sorted by key, then test.
/// Writes a new handle to `*out`; release it with `nps_managed_flags_free`.
///
/// Errors: `NPS_STATUS_INVALID_SCORE` / `NPS_STATUS_INVALID_VALUE` with the
/// row, `NPS_STATUS_INVALID_ARGUMENT` for alpha outside (0, 1) or an unknown
/// correction.
///
/// # Safety
///
/// `scores`, `keys` and `rerated` must be NULL or readable for `len`
/// values; `options` NULL or valid; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_managed_flags_u8(
    scores: *const u8,
    keys: *const u32,
    rerated: *const f64,
    len: usize,
    options: *const NpsFlagOptions,
    out: *mut *mut NpsManagedFlags,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { flags_body(scores, keys, rerated, len, options, out) } })
}

/// As `nps_managed_flags_u8` for `double` scores (NaN is invalid).
///
/// # Safety
///
/// As `nps_managed_flags_u8`.
#[no_mangle]
pub unsafe extern "C" fn nps_managed_flags_f64(
    scores: *const f64,
    keys: *const u32,
    rerated: *const f64,
    len: usize,
    options: *const NpsFlagOptions,
    out: *mut *mut NpsManagedFlags,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { flags_body(scores, keys, rerated, len, options, out) } })
}

/// As `nps_managed_flags_u8`, grouped by `n_key_columns` key columns of
/// any type (`NpsKeyColumn`: `uint32_t`, `uint64_t`, `int64_t` or strings;
/// e.g. dealer × advisor), each with `len` rows. Every group's key is a
/// tuple with one part per column: read it with
/// `nps_managed_flags_key_parts`, `_key_part` and `_key_text` (the `key`
/// field of `NpsManagedFlag` is then `UINT32_MAX`). Rows come sorted by
/// key (part by part), then test. `n_key_columns == 0` is
/// `NPS_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `scores` and `rerated` NULL or readable for `len` values;
/// `key_columns` NULL or readable for `n_key_columns` columns of `len`
/// values each; `options` NULL or valid; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_managed_flags_by_u8(
    scores: *const u8,
    key_columns: *const NpsKeyColumn,
    n_key_columns: usize,
    rerated: *const f64,
    len: usize,
    options: *const NpsFlagOptions,
    out: *mut *mut NpsManagedFlags,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: forwarded caller guarantees.
        unsafe {
            flags_by_body(
                scores,
                key_columns,
                n_key_columns,
                rerated,
                len,
                options,
                out,
            )
        }
    })
}

/// As `nps_managed_flags_by_u8` for `double` scores (NaN is invalid).
///
/// # Safety
///
/// As `nps_managed_flags_by_u8`.
#[no_mangle]
pub unsafe extern "C" fn nps_managed_flags_by_f64(
    scores: *const f64,
    key_columns: *const NpsKeyColumn,
    n_key_columns: usize,
    rerated: *const f64,
    len: usize,
    options: *const NpsFlagOptions,
    out: *mut *mut NpsManagedFlags,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: forwarded caller guarantees.
        unsafe {
            flags_by_body(
                scores,
                key_columns,
                n_key_columns,
                rerated,
                len,
                options,
                out,
            )
        }
    })
}

/// Releases a handle. NULL is accepted (and ignored).
///
/// # Safety
///
/// `flags` must be NULL or a handle from this library not yet freed, and no
/// other thread may be using it.
#[no_mangle]
pub unsafe extern "C" fn nps_managed_flags_free(flags: *mut NpsManagedFlags) {
    // SAFETY: forwarded caller guarantee.
    ffi_value!((), { unsafe { NpsManagedFlags::free(flags) } })
}

/// Writes the summary of a handle to `*out`.
///
/// # Safety
///
/// `flags` must be NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_managed_flags_info(
    flags: *const NpsManagedFlags,
    out: *mut NpsManagedFlagsInfo,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: the caller passes NULL or a live handle.
        let h = unsafe { NpsManagedFlags::try_ref(flags, "flags") }?;
        let out = ffi::out(out, "out")?;
        let f = &h.inner;
        let info = NpsManagedFlagsInfo {
            rows: f.rows.len(),
            alpha: f.alpha,
            correction: correction_to_c(f.correction),
            comparisons: f.comparisons,
            threshold: f.threshold,
            min_n: f.min_n,
            flagged: f.flagged().count(),
            skipped: f.skipped,
        };
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(info) };
        Ok(())
    })
}

/// Copies row `index` (0-based, below the `rows` of
/// `nps_managed_flags_info`) to `*out`; `NPS_STATUS_INDEX_OUT_OF_RANGE`
/// when out of range.
///
/// # Safety
///
/// `flags` must be NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_managed_flags_get(
    flags: *const NpsManagedFlags,
    index: usize,
    out: *mut NpsManagedFlag,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: the caller passes NULL or a live handle.
        let h = unsafe { NpsManagedFlags::try_ref(flags, "flags") }?;
        let out = ffi::out(out, "out")?;
        let r = h.inner.rows.get(index).ok_or(FfiError::IndexOutOfRange {
            index,
            len: h.inner.rows.len(),
        })?;
        let row = NpsManagedFlag {
            key: h.keys[index],
            test: test_to_c(r.test),
            status: status_to_c(r.status),
            n: r.n,
            observed: r.observed,
            network_n: r.network_n,
            network_observed: r.network_observed,
            has_share: r.share.is_some(),
            share: r.share.unwrap_or(0.0),
            has_p_value: r.p_value.is_some(),
            network_share: r.network_share.unwrap_or(0.0),
            p_value: r.p_value.unwrap_or(0.0),
            ln_p_value: r.ln_p_value.unwrap_or(0.0),
            ln_min_p_value: r.ln_min_p_value.unwrap_or(0.0),
            threshold: r.threshold,
        };
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(row) };
        Ok(())
    })
}

/// # Safety
/// `flags` NULL or a live handle.
unsafe fn flag_key<'a>(
    flags: *const NpsManagedFlags,
    index: usize,
) -> Result<&'a GroupKey, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let h = unsafe { NpsManagedFlags::try_ref(flags, "flags") }?;
    h.inner
        .rows
        .get(index)
        .map(|r| &r.key)
        .ok_or(FfiError::IndexOutOfRange {
            index,
            len: h.inner.rows.len(),
        })
}

/// `*count` receives the number of parts of the key of row `index`: 1 for
/// `nps_managed_flags_u8` / `_f64`, one per key column for
/// `nps_managed_flags_by_*`.
///
/// # Safety
///
/// `flags` NULL or a live handle; `count` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_managed_flags_key_parts(
    flags: *const NpsManagedFlags,
    index: usize,
    count: *mut usize,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { group::key_parts_out(flag_key(flags, index)?, count) } })
}

/// Copies part `part` (0-based, below `nps_managed_flags_key_parts`, else
/// `NPS_STATUS_INDEX_OUT_OF_RANGE`) of the key of row `index` to `*out`.
///
/// # Safety
///
/// `flags` NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_managed_flags_key_part(
    flags: *const NpsManagedFlags,
    index: usize,
    part: usize,
    out: *mut NpsKeyValue,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { group::key_part_out(flag_key(flags, index)?, part, out) } })
}

/// Copies the key of row `index` as text (the decimal integer, the string,
/// or the parts of several key columns joined with `" | "`) with a NUL
/// into `buf` (capacity `len`); `*text_len` (may be NULL) receives its
/// length without the NUL, also on `NPS_STATUS_BUFFER_TOO_SMALL`.
///
/// # Safety
///
/// `flags` NULL or a live handle; `buf` NULL or writable for `len` bytes;
/// `text_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_managed_flags_key_text(
    flags: *const NpsManagedFlags,
    index: usize,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { group::key_text_out(flag_key(flags, index)?, buf, len, text_len) } })
}

/// Merges the flags of two disjoint sets of rows (e.g. two partitions or
/// two days of responses): each group's counts add and every share,
/// p-value, the number of comparisons, the threshold and every verdict are
/// recomputed, so `*out` equals the flags of both sets computed at once
/// (nps-core's `ManagedFlags::merge`). Writes a new handle to `*out`;
/// `a` and `b` are unchanged.
///
/// Errors: `NPS_STATUS_INVALID_ARGUMENT` (argument `other`) when the two
/// were computed with different alpha, `min_n`, correction, or one with a
/// re-rated column and one without.
///
/// # Safety
///
/// `a` and `b` NULL or live handles; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_managed_flags_merge(
    a: *const NpsManagedFlags,
    b: *const NpsManagedFlags,
    out: *mut *mut NpsManagedFlags,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: the caller passes NULL or live handles.
        let (a, b) = unsafe {
            (
                NpsManagedFlags::try_ref(a, "a")?,
                NpsManagedFlags::try_ref(b, "b")?,
            )
        };
        let merged = a.inner.merge(&b.inner)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsManagedFlags::write_new(out, ManagedFlagsData::new(merged)) };
        Ok(())
    })
}

/// The flags as a saved state (versioned JSON text, nps-core's
/// `Saved::to_state`), to store them or ship them to another process and
/// merge them there; read back with `nps_managed_flags_from_state`. Text
/// output as `nps_case_to_json` (`*text_len`, may be NULL, receives the
/// length without the NUL, also on `NPS_STATUS_BUFFER_TOO_SMALL`).
///
/// # Safety
///
/// `flags` NULL or a live handle; `buf` NULL or writable for `len` bytes;
/// `text_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_managed_flags_to_state(
    flags: *const NpsManagedFlags,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: the caller passes NULL or a live handle.
        let h = unsafe { NpsManagedFlags::try_ref(flags, "flags") }?;
        let state = String::from_utf8(h.inner.to_state()).unwrap_or_default();
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(&state, buf, len, text_len) }
    })
}

/// Flags from a state written by `nps_managed_flags_to_state` (`len`
/// bytes, no NUL needed). Every share, p-value and verdict is checked
/// against its recomputation: a hand-edited, truncated or foreign state is
/// `NPS_STATUS_INVALID_ARGUMENT` (argument `state`). Writes a new handle
/// to `*out`.
///
/// # Safety
///
/// `state` NULL or readable for `len` bytes; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_managed_flags_from_state(
    state: *const c_char,
    len: usize,
    out: *mut *mut NpsManagedFlags,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: the caller guarantees state is readable for len bytes.
        let bytes = unsafe { ffi::slice(state.cast::<u8>(), len, "state") }?;
        let inner = ManagedFlags::from_state(bytes)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsManagedFlags::write_new(out, ManagedFlagsData::new(inner)) };
        Ok(())
    })
}

/// Merges the re-rating tables of two disjoint sets of rows: groups with
/// the same key merge (tallies merge, counts add), the others are kept in
/// key order, so `*out` equals `nps_rerated_nps_by_*` over both sets at
/// once (nps-core's `ReratingTable::merge`). Writes a new handle to
/// `*out`; `a` and `b` are unchanged.
///
/// Errors: `NPS_STATUS_INVALID_ARGUMENT` (argument `other`) for tables of
/// different bases.
///
/// # Safety
///
/// `a` and `b` NULL or live handles; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_rerating_table_merge(
    a: *const NpsReratingTable,
    b: *const NpsReratingTable,
    out: *mut *mut NpsReratingTable,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: the caller passes NULL or live handles.
        let (a, b) = unsafe {
            (
                NpsReratingTable::try_ref(a, "a")?,
                NpsReratingTable::try_ref(b, "b")?,
            )
        };
        let merged = ReratingTable::from(a.clone()).merge(&ReratingTable::from(b.clone()))?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsReratingTable::write_new(out, merged.groups) };
        Ok(())
    })
}
