//! Grouping of whole columns into tallies: the `NpsGrouped` handle.

use std::ffi::c_char;

use chrono::Datelike;
use nps_core::group::{
    group_by, Dedupe, Group, GroupKey, GroupOptions, Grouped, Keys, Respondents,
};
use nps_core::ScoreValue;

use crate::ffi::{self, text_out, CEnum, FfiError, Handle, NpsStatus};
use crate::period::{period_of, period_to_c};
use crate::tally::{invalid_policy, NpsInvalidPolicy, NpsTally};

/// Kind of a group key. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsKeyKind {
    /// No key column was given: one key for all rows.
    All = 0,
    /// A signed integer key (`key_int`), from `keys_i64`.
    Int = 1,
    /// An unsigned integer key (`key_uint`), from `keys_u32` or `keys_u64`.
    Uint = 2,
    /// A string key (read it with `nps_grouped_key_text`), from `keys_str`.
    Str = 3,
    /// Several keys, one per key column (from `key_columns`): read the
    /// parts with `nps_grouped_key_parts`, `nps_grouped_key_part` and
    /// `nps_grouped_key_part_text`; `nps_grouped_key_text` joins them with
    /// `" | "`.
    Tuple = 4,
    /// A missing key kept as a group of its own (a result made from input
    /// with missing keys and `dropna` false, e.g. in Python; C key columns
    /// have no missing values). Sorts after every other key.
    Null = 5,
}

c_enum!(NpsKeyKind {
    All,
    Int,
    Uint,
    Str,
    Tuple,
    Null
});

/// Which answers count when respondents are given (nps-core `Dedupe`).
/// Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsDedupe {
    /// The latest answer of each respondent overall (the default).
    Global = 0,
    /// The latest answer of each respondent within each group (key ×
    /// period).
    PerKey = 1,
}

c_enum!(NpsDedupe { Global, PerKey });

impl From<Dedupe> for NpsDedupe {
    fn from(d: Dedupe) -> NpsDedupe {
        match d {
            Dedupe::Global => NpsDedupe::Global,
            Dedupe::PerKey => NpsDedupe::PerKey,
        }
    }
}

impl From<NpsDedupe> for Dedupe {
    fn from(d: NpsDedupe) -> Dedupe {
        match d {
            NpsDedupe::Global => Dedupe::Global,
            NpsDedupe::PerKey => Dedupe::PerKey,
        }
    }
}

/// The element type of an `NpsKeyColumn`. Passed as `uint32_t`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NpsKeyType {
    /// `const uint32_t *` values (keys of kind `NPS_KEY_KIND_UINT`).
    U32 = 0,
    /// `const uint64_t *` values (keys of kind `NPS_KEY_KIND_UINT`).
    U64 = 1,
    /// `const int64_t *` values (keys of kind `NPS_KEY_KIND_INT`).
    I64 = 2,
    /// `const char *const *` values: NUL-terminated UTF-8 strings, no NULL
    /// entries (keys of kind `NPS_KEY_KIND_STR`).
    Str = 3,
}

c_enum!(NpsKeyType { U32, U64, I64, Str });

/// One key column of several (`key_columns` of `NpsGroupOptions` and
/// `NpsKpiGrouping`), e.g. dealer then advisor. Each column has one value
/// per row; the columns are only read during the call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsKeyColumn {
    /// An `NpsKeyType`: the type of `values`.
    pub key_type: u32,
    /// The keys, one per row: `const uint32_t *`, `const uint64_t *`,
    /// `const int64_t *` or `const char *const *` as `key_type` says
    /// (aligned for that type).
    pub values: *const std::ffi::c_void,
}

/// One part of a group key, copied out by `nps_grouped_key_part`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsKeyValue {
    /// An `NpsKeyKind`: `NPS_KEY_KIND_INT`, `_UINT` or `_STR` (read the text
    /// with `nps_grouped_key_part_text`).
    pub kind: u32,
    /// The key when `kind` is `NPS_KEY_KIND_INT` (else 0).
    pub key_int: i64,
    /// The key when `kind` is `NPS_KEY_KIND_UINT` (else 0).
    pub key_uint: u64,
}

/// A key column read from C (strings converted, numbers borrowed).
pub(crate) enum KeyColumn<'a> {
    U32(&'a [u32]),
    U64(&'a [u64]),
    I64(&'a [i64]),
    Str(Vec<&'a str>),
}

impl KeyColumn<'_> {
    pub(crate) fn as_keys(&self) -> Keys<'_> {
        match self {
            KeyColumn::U32(k) => Keys::U32(k),
            KeyColumn::U64(k) => Keys::U64(k),
            KeyColumn::I64(k) => Keys::I64(k),
            KeyColumn::Str(k) => Keys::Str(k),
        }
    }
}

/// Reads `n` key columns of `len` rows each (`n == 0`: none).
///
/// # Safety
///
/// `ptr` NULL or readable for `n` columns, each `values` readable for `len`
/// values of its type.
pub(crate) unsafe fn key_columns<'a>(
    ptr: *const NpsKeyColumn,
    n: usize,
    len: usize,
) -> Result<Vec<KeyColumn<'a>>, FfiError> {
    // SAFETY: forwarded caller guarantee.
    let cols = unsafe { ffi::slice(ptr, n, "key_columns") }?;
    cols.iter()
        .map(|c| {
            let v = c.values;
            // SAFETY: the caller guarantees `values` holds `len` values of
            // the type `key_type` names.
            unsafe {
                Ok(match NpsKeyType::parse(c.key_type, "key_type")? {
                    NpsKeyType::U32 => KeyColumn::U32(ffi::slice(v.cast(), len, "key_columns")?),
                    NpsKeyType::U64 => KeyColumn::U64(ffi::slice(v.cast(), len, "key_columns")?),
                    NpsKeyType::I64 => KeyColumn::I64(ffi::slice(v.cast(), len, "key_columns")?),
                    NpsKeyType::Str => {
                        KeyColumn::Str(ffi::str_column(v.cast(), len, "key_columns")?)
                    }
                })
            }
        })
        .collect()
}

/// The parts of a key: none for `All`, the key itself for one column, the
/// elements of a tuple.
pub(crate) fn key_parts(k: &GroupKey) -> &[GroupKey] {
    match k {
        GroupKey::All => &[],
        GroupKey::Tuple(ks) => ks,
        k => std::slice::from_ref(k),
    }
}

/// Part `part` of a key; `NPS_STATUS_INDEX_OUT_OF_RANGE` past the last.
pub(crate) fn key_part(k: &GroupKey, part: usize) -> Result<&GroupKey, FfiError> {
    let parts = key_parts(k);
    parts.get(part).ok_or(FfiError::IndexOutOfRange {
        index: part,
        len: parts.len(),
    })
}

/// `(kind, int, uint)` of a key.
pub(crate) fn key_to_c(k: &GroupKey) -> (NpsKeyKind, i64, u64) {
    match k {
        GroupKey::All => (NpsKeyKind::All, 0, 0),
        GroupKey::Int(v) => (NpsKeyKind::Int, *v, 0),
        GroupKey::UInt(v) => (NpsKeyKind::Uint, 0, *v),
        GroupKey::Str(_) => (NpsKeyKind::Str, 0, 0),
        GroupKey::Tuple(_) => (NpsKeyKind::Tuple, 0, 0),
        GroupKey::Null => (NpsKeyKind::Null, 0, 0),
    }
}

/// The core keys of `n` C key columns (`n == 0`: `None`; always
/// `Keys::Multi`, so every key is a tuple with one part per column, as in
/// `NpsGroupOptions.key_columns`).
pub(crate) fn multi_keys<'a>(cols: &'a [Keys<'a>]) -> Option<Keys<'a>> {
    (!cols.is_empty()).then_some(Keys::Multi(cols))
}

/// Writes the number of parts of `k` to `count` (the `_key_parts`
/// functions of every grouped handle).
///
/// # Safety
///
/// `count` NULL or writable.
pub(crate) unsafe fn key_parts_out(k: &GroupKey, count: *mut usize) -> Result<(), FfiError> {
    let count = ffi::out(count, "count")?;
    // SAFETY: checked; caller guarantee.
    unsafe { count.write(key_parts(k).len()) };
    Ok(())
}

/// Writes part `part` of `k` to `out` (the `_key_part` functions).
///
/// # Safety
///
/// `out` NULL or writable.
pub(crate) unsafe fn key_part_out(
    k: &GroupKey,
    part: usize,
    out: *mut NpsKeyValue,
) -> Result<(), FfiError> {
    let out = ffi::out(out, "out")?;
    let (kind, key_int, key_uint) = key_to_c(key_part(k, part)?);
    // SAFETY: checked; caller guarantee.
    unsafe {
        out.write(NpsKeyValue {
            kind: kind.to_u32(),
            key_int,
            key_uint,
        })
    };
    Ok(())
}

/// Copies the text of `k` (the decimal integer, the string, or the parts
/// of a tuple joined with `" | "`) into a caller buffer (the `_key_text`
/// functions).
///
/// # Safety
///
/// `buf` NULL or writable for `len` bytes; `text_len` NULL or writable.
pub(crate) unsafe fn key_text_out(
    k: &GroupKey,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> Result<(), FfiError> {
    // SAFETY: forwarded caller guarantee.
    unsafe { text_out(&k.to_string(), buf, len, text_len) }
}

/// What to group by. Every column given has `len` rows (the length of the
/// score column). **Start from `nps_group_options_default()`** (nps-core's
/// `GroupOptions::default()`: one group of all rows, no period, UTC, every
/// response kept, `min_n` 30, `NPS_INVALID_POLICY_RAISE`), which is also
/// what NULL options mean; a zero-initialised struct is the same except
/// `min_n` 0 (no group is thin). The columns are only read during the call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct NpsGroupOptions {
    /// Group key per row (at most one of the `keys_*` columns and
    /// `key_columns`; NULL = none).
    pub keys_u32: *const u32,
    /// Group key per row.
    pub keys_u64: *const u64,
    /// Group key per row.
    pub keys_i64: *const i64,
    /// Group key per row: NUL-terminated UTF-8 strings (no NULL entries).
    pub keys_str: *const *const c_char,
    /// Unix seconds (UTC instants) per row; needed by `period`, and used by
    /// the `respondents_*` columns to find each respondent's latest response.
    pub timestamps: *const i64,
    /// An `NpsPeriod` (`NPS_PERIOD_NONE` = 0: no period).
    pub period: u32,
    /// IANA time zone of the periods (NUL-terminated UTF-8, e.g.
    /// `"Europe/Berlin"`); NULL means `"UTC"`.
    pub tz: *const c_char,
    /// Respondent id per row: keep only each respondent's latest response
    /// (latest timestamp; on a tie, the later row), overall or per group as
    /// `dedupe` says. Needs `timestamps` (`NPS_STATUS_INVALID_ARGUMENT`
    /// without). At most one of the `respondents_*` columns; NULL = keep
    /// every row.
    pub respondents_u64: *const u64,
    /// Respondent id per row.
    pub respondents_i64: *const i64,
    /// Respondent id per row: NUL-terminated UTF-8 strings.
    pub respondents_str: *const *const c_char,
    /// Groups with fewer responses are flagged `thin`.
    pub min_n: u64,
    /// An `NpsInvalidPolicy` for invalid scores.
    pub invalid: u32,
    /// Several key columns at once (e.g. dealer × advisor), each with `len`
    /// rows: every group's key is then of kind `NPS_KEY_KIND_TUPLE`, one
    /// part per column. NULL (or `n_key_columns == 0`) = none; not together
    /// with a `keys_*` column.
    pub key_columns: *const NpsKeyColumn,
    /// Number of columns at `key_columns`.
    pub n_key_columns: usize,
    /// An `NpsDedupe`: one answer per respondent overall
    /// (`NPS_DEDUPE_GLOBAL`, the default) or per respondent and group.
    pub dedupe: u32,
    /// Keep each respondent's latest answer in the result, so that it
    /// merges exactly (`nps_grouped_merge`) with results of other rows;
    /// costs memory O(respondents). Results without respondents always
    /// merge.
    pub mergeable: bool,
}

/// The result of grouping: an opaque, immutable handle.
///
/// Ownership: created by `nps_group_by_*` or `nps_grouped_rolling`, owned
/// by the caller, released with `nps_grouped_free` exactly once. It does
/// not borrow the input columns. Thread safety: immutable after creation,
/// so any number of threads may call the `nps_grouped_*` readers on one
/// handle at the same time; `nps_grouped_free` must not race with any other
/// use of the handle.
pub struct NpsGrouped {
    _private: [u8; 0],
}

impl Handle for NpsGrouped {
    type RustType = Grouped;
}

/// One group of an `NpsGrouped`, copied out by `nps_grouped_get`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsGroup {
    /// An `NpsKeyKind`.
    pub key_kind: u32,
    /// The key when `key_kind` is `NPS_KEY_KIND_INT` (else 0).
    pub key_int: i64,
    /// The key when `key_kind` is `NPS_KEY_KIND_UINT` (else 0).
    pub key_uint: u64,
    /// Whether the group has a period (grouping by period).
    pub has_period: bool,
    /// Local first day of the period (for rolling windows: of the window's
    /// last period): year (0 when `has_period` is false).
    pub year: i32,
    /// Month 1..=12 (0 when `has_period` is false).
    pub month: u32,
    /// Day of the month 1..=31 (0 when `has_period` is false).
    pub day: u32,
    /// The group's responses.
    pub tally: NpsTally,
    /// True when the group has fewer than `min_n` responses.
    pub thin: bool,
    /// False for a rolling window that starts before the first period of
    /// the data (fewer than `window` periods observed); true otherwise.
    pub complete: bool,
}

/// Summary of an `NpsGrouped`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NpsGroupedInfo {
    /// Number of groups.
    pub len: usize,
    /// Invalid scores skipped under `NPS_INVALID_POLICY_SKIP`.
    pub skipped: u64,
    /// Rows dropped because their respondent answered again later.
    pub dropped_repeats: u64,
    /// The `NpsPeriod` grouped by.
    pub period: u32,
    /// The thin-sample threshold used.
    pub min_n: u64,
    /// Rolling window length in periods (1 unless made by `nps_grouped_rolling`).
    pub window: usize,
}

/// Fails unless at most one of several optional columns is given.
fn at_most_one(name: &'static str, given: &[bool]) -> Result<(), FfiError> {
    if given.iter().filter(|&&g| g).count() > 1 {
        return Err(FfiError::arg(
            name,
            format!("give at most one of the {name}_* columns"),
        ));
    }
    Ok(())
}

/// # Safety
/// As the exported `nps_group_by_*` functions.
/// nps-core's `GroupOptions::default()`: no columns, no period, UTC, every
/// response kept, `min_n` 30 (`DEFAULT_MIN_N`), invalid scores raise.
#[no_mangle]
pub extern "C" fn nps_group_options_default() -> NpsGroupOptions {
    ffi_value!(NpsGroupOptions::default_value(), {
        NpsGroupOptions::default_value()
    })
}

impl NpsGroupOptions {
    fn default_value() -> NpsGroupOptions {
        let d = GroupOptions::default();
        NpsGroupOptions {
            keys_u32: std::ptr::null(),
            keys_u64: std::ptr::null(),
            keys_i64: std::ptr::null(),
            keys_str: std::ptr::null(),
            timestamps: std::ptr::null(),
            period: 0,
            tz: std::ptr::null(),
            respondents_u64: std::ptr::null(),
            respondents_i64: std::ptr::null(),
            respondents_str: std::ptr::null(),
            min_n: d.min_n,
            invalid: NpsInvalidPolicy::from(d.invalid).to_u32(),
            key_columns: std::ptr::null(),
            n_key_columns: 0,
            dedupe: NpsDedupe::from(d.dedupe).to_u32(),
            mergeable: d.mergeable,
        }
    }
}

unsafe fn group_column<T: ScoreValue>(
    scores: *const T,
    len: usize,
    options: *const NpsGroupOptions,
    out: *mut *mut NpsGrouped,
) -> Result<(), FfiError> {
    let out = ffi::out(out, "out")?;
    // SAFETY: forwarded caller guarantees for everything read below.
    let (scores, o) = unsafe {
        (
            ffi::slice(scores, len, "scores")?,
            ffi::opt_reference(options, "options")?.copied(),
        )
    };
    let Some(o) = o else {
        let grouped = group_by(scores, &GroupOptions::default())?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsGrouped::write_new(out, grouped) };
        return Ok(());
    };
    at_most_one(
        "keys",
        &[
            !o.keys_u32.is_null(),
            !o.keys_u64.is_null(),
            !o.keys_i64.is_null(),
            !o.keys_str.is_null(),
            o.n_key_columns > 0,
        ],
    )?;
    at_most_one(
        "respondents",
        &[
            !o.respondents_u64.is_null(),
            !o.respondents_i64.is_null(),
            !o.respondents_str.is_null(),
        ],
    )?;
    // SAFETY: the caller guarantees each non-NULL column holds len rows.
    let (key_strs, resp_strs, multi) = unsafe {
        (
            ffi::opt_str_column(o.keys_str, len, "keys_str")?,
            ffi::opt_str_column(o.respondents_str, len, "respondents_str")?,
            key_columns(o.key_columns, o.n_key_columns, len)?,
        )
    };
    let multi: Vec<Keys> = multi.iter().map(KeyColumn::as_keys).collect();
    // SAFETY: as above.
    let keys = unsafe {
        [
            ffi::opt_slice(o.keys_u32, len, "keys_u32")?.map(Keys::U32),
            ffi::opt_slice(o.keys_u64, len, "keys_u64")?.map(Keys::U64),
            ffi::opt_slice(o.keys_i64, len, "keys_i64")?.map(Keys::I64),
        ]
    }
    .into_iter()
    .flatten()
    .chain(key_strs.as_deref().map(Keys::Str))
    .chain((!multi.is_empty()).then_some(Keys::Multi(&multi)))
    .next();
    // SAFETY: as above.
    let respondents = unsafe {
        [
            ffi::opt_slice(o.respondents_u64, len, "respondents_u64")?.map(Respondents::U64),
            ffi::opt_slice(o.respondents_i64, len, "respondents_i64")?.map(Respondents::I64),
        ]
    }
    .into_iter()
    .flatten()
    .chain(resp_strs.as_deref().map(Respondents::Str))
    .next();
    // SAFETY: as above; tz is NULL or a NUL-terminated string.
    let (timestamps, tz) = unsafe {
        (
            ffi::opt_slice(o.timestamps, len, "timestamps")?,
            ffi::opt_text(o.tz, "tz")?,
        )
    };
    let opts = GroupOptions {
        keys,
        timestamps,
        period: period_of(o.period)?,
        tz,
        respondents,
        dedupe: NpsDedupe::parse(o.dedupe, "dedupe")?.into(),
        mergeable: o.mergeable,
        min_n: o.min_n,
        invalid: invalid_policy(o.invalid)?,
        ..GroupOptions::default()
    };
    let grouped = group_by(scores, &opts)?;
    // SAFETY: out was checked; the caller guarantees it is writable.
    unsafe { NpsGrouped::write_new(out, grouped) };
    Ok(())
}

/// Groups `len` `uint8_t` scores in one pass as `options` says (NULL = all
/// rows in one group) and writes a new handle to `*out`, to be released
/// with `nps_grouped_free`. Groups are sorted by key, then period; only
/// non-empty groups appear. Errors name the row where there is one
/// (invalid score, invalid timestamp, invalid UTF-8 in a string column);
/// an unknown `tz` is `NPS_STATUS_UNKNOWN_TIME_ZONE`.
///
/// # Safety
///
/// `scores` must be NULL or readable for `len` values, `options` NULL or
/// valid with every non-NULL column readable for `len` rows; `out` must be
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_group_by_u8(
    scores: *const u8,
    len: usize,
    options: *const NpsGroupOptions,
    out: *mut *mut NpsGrouped,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { group_column(scores, len, options, out) } })
}

/// As `nps_group_by_u8` for `int64_t` scores.
///
/// # Safety
///
/// As `nps_group_by_u8`.
#[no_mangle]
pub unsafe extern "C" fn nps_group_by_i64(
    scores: *const i64,
    len: usize,
    options: *const NpsGroupOptions,
    out: *mut *mut NpsGrouped,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { group_column(scores, len, options, out) } })
}

/// As `nps_group_by_u8` for `double` scores (NaN is invalid).
///
/// # Safety
///
/// As `nps_group_by_u8`.
#[no_mangle]
pub unsafe extern "C" fn nps_group_by_f64(
    scores: *const f64,
    len: usize,
    options: *const NpsGroupOptions,
    out: *mut *mut NpsGrouped,
) -> NpsStatus {
    // SAFETY: forwarded caller guarantees.
    ffi_status!({ unsafe { group_column(scores, len, options, out) } })
}

/// Releases a handle. NULL is accepted (and ignored).
///
/// # Safety
///
/// `grouped` must be NULL or a handle from this library not yet freed, and
/// no other thread may be using it.
#[no_mangle]
pub unsafe extern "C" fn nps_grouped_free(grouped: *mut NpsGrouped) {
    // SAFETY: forwarded caller guarantee.
    ffi_value!((), { unsafe { NpsGrouped::free(grouped) } })
}

/// # Safety
/// `g` must be NULL or a live handle.
unsafe fn group_at<'a>(
    g: *const NpsGrouped,
    index: usize,
) -> Result<(&'a Grouped, &'a Group), FfiError> {
    // SAFETY: forwarded caller guarantee.
    let g = unsafe { NpsGrouped::try_ref(g, "grouped") }?;
    let group = g.groups.get(index).ok_or(FfiError::IndexOutOfRange {
        index,
        len: g.groups.len(),
    })?;
    Ok((g, group))
}

/// Number of groups; 0 for a NULL handle.
///
/// # Safety
///
/// `grouped` must be NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn nps_grouped_len(grouped: *const NpsGrouped) -> usize {
    ffi_value!(0, {
        // SAFETY: forwarded caller guarantee.
        unsafe { NpsGrouped::try_ref(grouped, "grouped") }.map_or(0, |g| g.groups.len())
    })
}

/// Summary of a handle: group count, skipped rows, dropped repeats, period,
/// `min_n` and window.
///
/// # Safety
///
/// `grouped` must be NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_grouped_info(
    grouped: *const NpsGrouped,
    out: *mut NpsGroupedInfo,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let g = unsafe { NpsGrouped::try_ref(grouped, "grouped") }?;
        let info = NpsGroupedInfo {
            len: g.groups.len(),
            skipped: g.skipped,
            dropped_repeats: g.dropped_repeats,
            period: period_to_c(g.period),
            min_n: g.min_n,
            window: g.window,
        };
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(info) };
        Ok(())
    })
}

/// Copies group `index` (0-based, below `nps_grouped_len`) to `*out`;
/// `NPS_STATUS_INDEX_OUT_OF_RANGE` otherwise.
///
/// # Safety
///
/// `grouped` must be NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_grouped_get(
    grouped: *const NpsGrouped,
    index: usize,
    out: *mut NpsGroup,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (_, group) = unsafe { group_at(grouped, index) }?;
        let (key_kind, key_int, key_uint) = key_to_c(&group.key);
        let (year, month, day) = group
            .period_start
            .map_or((0, 0, 0), |d| (d.year(), d.month(), d.day()));
        let value = NpsGroup {
            key_kind: key_kind.to_u32(),
            key_int,
            key_uint,
            has_period: group.period_start.is_some(),
            year,
            month,
            day,
            tally: NpsTally::from_core(&group.tally),
            thin: group.thin,
            complete: group.complete,
        };
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(value) };
        Ok(())
    })
}

/// Copies the period label of group `index` (`"2025-03-14"`, `"2025-W09"`,
/// `"2025-03"`, `"2025-Q1"`; `""` without a period) with a terminating NUL
/// into `buf` (capacity `len`). `*text_len` (may be NULL) receives the
/// label's length without the NUL — also when the call fails with
/// `NPS_STATUS_BUFFER_TOO_SMALL` (the one exception to "outputs only on
/// success"), so `buf = NULL, len = 0` queries the size. 16 bytes hold
/// every label of years 1..=9999.
///
/// # Safety
///
/// `grouped` must be NULL or a live handle; `buf` NULL or writable for
/// `len` bytes; `text_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_grouped_label(
    grouped: *const NpsGrouped,
    index: usize,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        let (g, group) = unsafe { group_at(grouped, index) }?;
        let label = group.label(g.period);
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(&label, buf, len, text_len) }
    })
}

/// Copies the key of group `index` as text (`"all"` without keys, the
/// decimal integer, the string key, or the parts of a tuple key joined
/// with `" | "`) into `buf`, like `nps_grouped_label`.
///
/// # Safety
///
/// As `nps_grouped_label`.
#[no_mangle]
pub unsafe extern "C" fn nps_grouped_key_text(
    grouped: *const NpsGrouped,
    index: usize,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        let (_, group) = unsafe { group_at(grouped, index) }?;
        let text = group.key.to_string();
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(&text, buf, len, text_len) }
    })
}

/// The merged tally of all groups.
///
/// # Safety
///
/// `grouped` must be NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_grouped_total(
    grouped: *const NpsGrouped,
    out: *mut NpsTally,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let total = unsafe { NpsGrouped::try_ref(grouped, "grouped") }?.total()?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { out.write(NpsTally::from_core(&total)) };
        Ok(())
    })
}

/// Rolling windows over period groups: for each key and each period from
/// the key's first period to the last period of the result, the merged
/// tally of the last `window` periods (empty periods included). Writes a
/// new handle (free it with `nps_grouped_free`); the input handle is
/// unchanged. `NPS_STATUS_INVALID_ARGUMENT` unless grouped by period and
/// `window >= 1`.
///
/// # Safety
///
/// `grouped` must be NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_grouped_rolling(
    grouped: *const NpsGrouped,
    window: usize,
    out: *mut *mut NpsGrouped,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let rolled = unsafe { NpsGrouped::try_ref(grouped, "grouped") }?.rolling(window)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsGrouped::write_new(out, rolled) };
        Ok(())
    })
}

/// Merges two results of different rows (`later`'s rows after `first`'s)
/// into the result of all rows, exactly as grouping the concatenated input
/// gives it (nps-core `Grouped::merge`), and writes a new handle to `*out`
/// (free it with `nps_grouped_free`); the inputs are unchanged. Partial
/// results of any split merge in any tree.
///
/// Results with respondents must have been grouped with `mergeable`.
/// `NPS_STATUS_INVALID_ARGUMENT` (argument `other`) for results grouped with
/// a different period, time zone, `min_n` or `dedupe`, rolling results, or
/// results with respondents but without `mergeable`.
///
/// # Safety
///
/// `first` and `later` must be NULL or live handles; `out` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn nps_grouped_merge(
    first: *const NpsGrouped,
    later: *const NpsGrouped,
    out: *mut *mut NpsGrouped,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (a, b) = unsafe {
            (
                NpsGrouped::try_ref(first, "first")?,
                NpsGrouped::try_ref(later, "later")?,
            )
        };
        let merged = a.merge(b)?;
        // SAFETY: out was checked; the caller guarantees it is writable.
        unsafe { NpsGrouped::write_new(out, merged) };
        Ok(())
    })
}

/// `*count` receives the number of parts of the key of group `index`: 0
/// without keys (`NPS_KEY_KIND_ALL`), 1 for one key column, one per column
/// for `key_columns` (`NPS_KEY_KIND_TUPLE`).
///
/// # Safety
///
/// `grouped` must be NULL or a live handle; `count` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_grouped_key_parts(
    grouped: *const NpsGrouped,
    index: usize,
    count: *mut usize,
) -> NpsStatus {
    ffi_status!({
        let count = ffi::out(count, "count")?;
        // SAFETY: caller guarantee.
        let (_, group) = unsafe { group_at(grouped, index) }?;
        // SAFETY: checked; caller guarantee.
        unsafe { count.write(key_parts(&group.key).len()) };
        Ok(())
    })
}

/// Copies part `part` (0-based, below `nps_grouped_key_parts`, else
/// `NPS_STATUS_INDEX_OUT_OF_RANGE`) of the key of group `index` to `*out`:
/// for a tuple key the key of column `part`, for a one-column key (part 0)
/// the key itself.
///
/// # Safety
///
/// `grouped` must be NULL or a live handle; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn nps_grouped_key_part(
    grouped: *const NpsGrouped,
    index: usize,
    part: usize,
    out: *mut NpsKeyValue,
) -> NpsStatus {
    ffi_status!({
        let out = ffi::out(out, "out")?;
        // SAFETY: caller guarantee.
        let (_, group) = unsafe { group_at(grouped, index) }?;
        let (kind, key_int, key_uint) = key_to_c(key_part(&group.key, part)?);
        let v = NpsKeyValue {
            kind: kind.to_u32(),
            key_int,
            key_uint,
        };
        // SAFETY: checked; caller guarantee.
        unsafe { out.write(v) };
        Ok(())
    })
}

/// Copies part `part` of the key of group `index` as text (the decimal
/// integer or the string) into `buf`, like `nps_grouped_label`.
///
/// # Safety
///
/// As `nps_grouped_label`.
#[no_mangle]
pub unsafe extern "C" fn nps_grouped_key_part_text(
    grouped: *const NpsGrouped,
    index: usize,
    part: usize,
    buf: *mut c_char,
    len: usize,
    text_len: *mut usize,
) -> NpsStatus {
    ffi_status!({
        // SAFETY: caller guarantee.
        let (_, group) = unsafe { group_at(grouped, index) }?;
        let text = key_part(&group.key, part)?.to_string();
        // SAFETY: caller guarantees on buf and text_len.
        unsafe { text_out(&text, buf, len, text_len) }
    })
}
